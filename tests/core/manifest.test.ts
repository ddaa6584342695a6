// Manifest validation against the shared fixture written by training/make_fixtures.py (Python
// twin: training/manifest.py): every class of mistake gives the same message in both languages.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManifestError, decoderDefaults, defaultExecuteSteps, defaultKeepWhenStill, defaultSubtasks, expectedIo, parseManifest, validateManifest } from '../../src/core/manifest';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/model/manifest_cases.json', import.meta.url), 'utf8')) as {
  fileName: string;
  valid: Record<string, unknown>;
  cases: { name: string; path: (string | number)[]; value: unknown; error: string }[];
};

function edited(path: (string | number)[], value: unknown): unknown {
  const m = structuredClone(fixture.valid) as Record<string | number, unknown>;
  let parent = m;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === '<delete>') delete parent[last];
  else parent[last] = value;
  return m;
}

describe('validateManifest', () => {
  it('accepts the valid fixture and returns it typed', () => {
    const m = validateManifest(structuredClone(fixture.valid), fixture.fileName);
    expect(m.action.maskId).toBe(m.action.bins);
    expect(m.onnx.decoder.outputs[0].shape).toEqual(['batch', 56, 257]);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('rejects %s with the same message as Python', (_, c) => {
    const run = () => validateManifest(edited(c.path, c.value), fixture.fileName);
    expect(run).toThrow(ManifestError);
    expect(run).toThrow(c.error);
  });

  it('accepts the exported test-random manifest, whose ONNX lists equal expectedIo', () => {
    const text = readFileSync(new URL('../../models/test-random/manifest.json', import.meta.url), 'utf8');
    const m = parseManifest(text, 'models/test-random/manifest.json');
    const io = expectedIo(m);
    expect(m.onnx.encoder.inputs).toEqual(io.encoder.inputs);
    expect(m.onnx.decoder.outputs).toEqual(io.decoder.outputs);
  });

  it('names the file for JSON syntax errors and non-objects', () => {
    expect(() => parseManifest('{"formatVersion": 1,', 'models/y/manifest.json')).toThrow(/^models\/y\/manifest.json: not valid JSON/);
    expect(() => validateManifest([], 'm.json')).toThrow('m.json: (top level) must be an object, got []');
  });

  it('accepts optional decoder settings and checks them', () => {
    const m = edited(['decoding', 'gumbelScale'], 0.5) as Record<string, Record<string, unknown>>;
    m.decoding.topK = 3;
    expect(validateManifest(m).decoding.gumbelScale).toBe(0.5);
    expect(() => validateManifest(edited(['decoding', 'topK'], 0))).toThrow('decoding.topK must be an integer >= 1, got 0');
  });

  it('keeps the closed-loop defaults (executeSteps, subtasks, keepWhenStill) out of the decoder settings', () => {
    const plain = validateManifest(structuredClone(fixture.valid), fixture.fileName);
    expect(defaultExecuteSteps(plain)).toBe(plain.action.chunkLength);
    expect(defaultSubtasks(plain)).toBe(false);
    expect(defaultKeepWhenStill(plain)).toBe(false);
    const e = edited(['decoding', 'executeSteps'], 4) as Record<string, Record<string, unknown>>;
    e.decoding.subtasks = true;
    e.decoding.keepWhenStill = true;
    const m = validateManifest(e);
    expect([defaultExecuteSteps(m), defaultSubtasks(m), defaultKeepWhenStill(m)]).toEqual([4, true, true]);
    for (const k of ['executeSteps', 'subtasks', 'keepWhenStill']) expect(decoderDefaults(m)).not.toHaveProperty(k);
    expect(decoderDefaults(m)).toEqual(decoderDefaults(plain));
  });
});
