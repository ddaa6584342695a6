// CLI rules of `npm run eval -- --policy model`, the episodes file, the I/O check's matching
// rules, the fetch source's missing-file detection and the report's decode block and charts.
import { describe, expect, it } from 'vitest';
import { episodeSeed } from '../../src/eval/runner';
import { ioMismatches } from '../../src/policy/ioCheck';
import { fetchSource, ModelLoadError } from '../../src/policy/sources';
import { episodesFromArgs, parseEpisodesFile, parseModelArgs, UsageError, wantsModelPolicy } from '../../scripts/lib/modelArgs';
import { median, rateChartSvg, stallEscapeFlag, stallEscapeText, summarizeChunks } from '../../scripts/lib/modelReport';

const base = ['--policy', 'model', '--model', 'models/test-random/'];

describe('parseModelArgs', () => {
  it('parses every flag, maps --remask drop to the residual rule, defaults the rest', () => {
    const a = parseModelArgs([...base, '--decoder', 'ar', '--rounds=8', '--remask', 'drop', '--backend', 'webgpu', '--episodes-per-task', '3', '--suite', 'object', '--seed', '7', '--execute-steps', '4', '--subtasks', 'on', '--no-prefix-cache', '--out', 'r.json', '--md', 'r.md', '--workers', '2']);
    expect(a).toMatchObject({ model: 'models/test-random', decoder: { mode: 'ar', rounds: 8, remask: 'residual' }, backend: 'webgpu', episodesPerTask: 3, suite: 'object', seed: 7, executeSteps: 4, subtasks: true, prefixCache: false, out: 'r.json', md: 'r.md', workers: 2 });
    expect(parseModelArgs(base)).toMatchObject({ decoder: {}, backend: 'auto', episodesPerTask: 10, seed: 0, subtasks: undefined, prefixCache: true, workers: 1 });
    expect(parseModelArgs([...base, '--subtasks=off']).subtasks).toBe(false);
    expect(parseModelArgs([...base, '--temperature', '0.5', '--gumbel=1']).decoder).toEqual({ temperature: 0.5, gumbelScale: 1 });
  });

  it('--stall-escape plans:temperature', () => {
    const base = ['--policy', 'model', '--model', 'models/test-random'];
    expect(parseModelArgs(base).stallEscape).toBeUndefined();
    expect(parseModelArgs([...base, '--stall-escape', '2:1']).stallEscape).toEqual({ plans: 2, temperature: 1 });
    expect(parseModelArgs([...base, '--stall-escape=3:0.5']).stallEscape).toEqual({ plans: 3, temperature: 0.5 });
    expect(parseModelArgs([...base, '--stall-escape', 'off']).stallEscape).toBeNull();
    expect(parseModelArgs([...base, '--stall-escape', '2:1:8:0.02']).stallEscape).toEqual({ plans: 2, temperature: 1, window: 8, radius: 0.02 });
    for (const bad of ['0:1', '2:0', '2:-1', '2', 'x:1', '1.5:1', '2:abc', '2:1:1:0.02', '2:1:8:0', '2:1:8', '2:1:8:x', '2:1:8:Infinity', '2:1:-8:0.02']) {
      expect(() => parseModelArgs([...base, '--stall-escape', bad])).toThrow('--stall-escape needs off, plans:temperature or plans:temperature:window:radius');
    }
  });

  it('refuses bad values with the flag named', () => {
    expect(() => parseModelArgs([...base, '--decoder', 'beam'])).toThrow('--decoder must be one of dd, oneshot, ar, random, got "beam"');
    expect(() => parseModelArgs([...base, '--rounds', '0'])).toThrow('--rounds needs an integer >= 1, got "0"');
    expect(() => parseModelArgs([...base, '--remask', 'both'])).toThrow('--remask must be one of none, threshold, drop');
    expect(() => parseModelArgs([...base, '--backend', 'webgl'])).toThrow(UsageError);
    expect(() => parseModelArgs([...base, '--suite', 'nope'])).toThrow('unknown suite "nope"');
    expect(() => parseModelArgs([...base, '--suite', 'goal', '--task', 'object/red_cube_in_bowl'])).toThrow('task "object/red_cube_in_bowl" is not in suite "goal"');
    expect(() => parseModelArgs([...base, '--workers', '0'])).toThrow('--workers needs an integer >= 1, got "0"');
    expect(() => parseModelArgs([...base, '--subtasks', 'yes'])).toThrow('--subtasks must be one of on, off, got "yes"');
    expect(() => parseModelArgs([...base, '--temperature', '-1'])).toThrow('--temperature needs a finite number >= 0, got "-1"');
    expect(() => parseModelArgs([...base, '--gumbel', 'x'])).toThrow('--gumbel needs a finite number >= 0');
    expect(() => parseModelArgs([...base, '--frobnicate'])).toThrow('unknown argument "--frobnicate"');
    expect(() => parseModelArgs(['--policy', 'model'])).toThrow('--model is required');
    expect(() => parseModelArgs([...base, '--episodes-file', 'e.json', '--suite', 'object'])).toThrow('do not combine');
  });

  it('wantsModelPolicy spots both spellings', () => {
    expect(wantsModelPolicy(['--policy', 'model'])).toBe(true);
    expect(wantsModelPolicy(['--policy=model'])).toBe(true);
    expect(wantsModelPolicy(['--policy', 'expert', '--model', 'x'])).toBe(false);
  });
});

describe('episodes', () => {
  it('without a file: the expert eval seeds, task by task', () => {
    const eps = episodesFromArgs({ task: 'object/red_cube_in_bowl', episodesPerTask: 3, seed: 5 });
    expect(eps).toEqual([0, 1, 2].map((i) => ({ task: 'object/red_cube_in_bowl', seed: episodeSeed(5, i) })));
  });

  it('an episodes file is validated entry by entry', () => {
    const ok = parseEpisodesFile([{ task: 'object/red_cube_in_bowl', seed: 1, instruction: 'red cube in bowl' }, { task: 'object/red_cube_in_bowl', seed: 2 }], 'e.json');
    expect(ok[0].instruction).toBe('red cube in bowl');
    expect(ok[1]).toEqual({ task: 'object/red_cube_in_bowl', seed: 2 });
    expect(() => parseEpisodesFile([], 'e.json')).toThrow('e.json: must be a non-empty JSON list');
    expect(() => parseEpisodesFile([{ task: 'object/red_cube_in_bowl', seed: -1 }], 'e.json')).toThrow('e.json: entry 0: seed must be an integer >= 0');
    expect(() => parseEpisodesFile([{ task: 'nope/x', seed: 1 }], 'e.json')).toThrow(/e\.json: entry 0: .*nope\/x/);
    expect(() => parseEpisodesFile([{ task: 'object/red_cube_in_bowl', seed: 1, instr: 'x' }], 'e.json')).toThrow('unknown field "instr"');
    expect(() => parseEpisodesFile([{ task: 'object/red_cube_in_bowl', seed: 1, instruction: ' ' }], 'e.json')).toThrow('instruction must be a non-empty string');
  });
});

describe('ioMismatches', () => {
  const want = [{ name: 'x', dtype: 'float32' as const, shape: ['batch', 3, 8] }];
  it('symbolic dims match any symbol or size; fixed sizes and types must match', () => {
    expect(ioMismatches('input', ['x'], [{ name: 'x', isTensor: true, type: 'float32', shape: ['N', 3, 8] }], want)).toEqual([]);
    expect(ioMismatches('input', ['x'], [{ name: 'x', isTensor: true, type: 'float32', shape: [] }], want)).toEqual([]);
    expect(ioMismatches('input', ['x'], [{ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 3, 'w'] }], want)).toHaveLength(1);
    expect(ioMismatches('input', ['x'], [{ name: 'x', isTensor: true, type: 'float16', shape: ['batch', 3, 8] }], want)).toEqual(['input "x": the manifest lists float32 [batch, 3, 8], the model has float16 [batch, 3, 8]']);
  });
  it('reports order when the names are right but out of order', () => {
    const two = [...want, { name: 'y', dtype: 'int64' as const, shape: [1] }];
    expect(ioMismatches('output', ['y', 'x'], undefined, two)).toEqual(['output order: the model has [y, x], the manifest [x, y]']);
  });
});

describe('fetchSource', () => {
  const respond = (status: number, body: string, type: string) => async () => ({ ok: status < 400, status, headers: { get: () => type }, arrayBuffer: async () => new TextEncoder().encode(body).buffer as ArrayBuffer });
  it('treats a 404 and an HTML fallback page as a missing file, naming it', async () => {
    await expect(fetchSource('/m', 'models/m', respond(404, '', 'text/plain')).read('encoder.onnx')).rejects.toThrow(new ModelLoadError('models/m/encoder.onnx: file not found (HTTP 404 for /m/encoder.onnx)'));
    await expect(fetchSource('/m', 'models/m', respond(200, '<!doctype html><html>', 'text/html')).read('encoder.onnx')).rejects.toThrow('models/m/encoder.onnx: file not found (the server answered with an HTML page)');
    await expect(fetchSource('/m', 'models/m', respond(200, '<!DOCTYPE html>', 'application/octet-stream')).read('decoder.onnx')).rejects.toThrow('file not found');
    const bytes = await fetchSource('/m/', 'models/m', respond(200, '{"a":1}', 'application/json')).read('manifest.json');
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1}');
  });
});

describe('report pieces', () => {
  it('summarizeChunks: mean NFE and medians of the encoder/rounds split', () => {
    const c = (nfe: number, enc: number, rounds: number) => ({ nfe, encoderRuns: 1, preprocessMs: 1, encoderMs: enc, roundsMs: rounds, totalMs: enc + rounds });
    const s = summarizeChunks([c(12, 1, 10), c(12, 3, 30), c(12, 2, 20)], { mode: 'dd', rounds: 12, remask: 'threshold', prefixCache: true, executeSteps: 8, backend: null });
    expect(s.meanNfe).toBe(12);
    expect(s.medianMsPerChunk).toEqual({ total: 22, encoder: 2, rounds: 20, preprocess: 1 });
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('the stall escape in words and as its flag, with and without the hover rule', () => {
    expect(stallEscapeFlag({ plans: 2, temperature: 1 })).toBe('2:1');
    expect(stallEscapeFlag({ plans: 2, temperature: 1, window: 8, radius: 0.02 })).toBe('2:1:8:0.02');
    expect(stallEscapeText({ plans: 2, temperature: 1 })).toBe('after 2 chunks in a row that left the arm still the next ones sampled at temperature 1');
    expect(stallEscapeText({ plans: 2, temperature: 1, window: 8, radius: 0.02 })).toContain('or 8 plans in a row made within 2 cm of where the arm is');
    // The flag round-trips through the parser.
    const esc = { plans: 3, temperature: 0.5, window: 6, radius: 0.03 };
    expect(parseModelArgs(['--policy', 'model', '--model', 'models/test-random', '--stall-escape', stallEscapeFlag(esc)]).stallEscape).toEqual(esc);
  });

  it('rateChartSvg draws one bar and one CI whisker per row', () => {
    const svg = rateChartSvg('t', [{ label: 'a<b', successRate: 0.5, episodes: 4, successes: 2, ci95: [0.15, 0.85] }]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('a&lt;b');
    expect(svg.match(/<rect /g)).toHaveLength(1);
    expect(svg).toContain('50% (2/4)');
  });
});
