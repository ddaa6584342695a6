// Model sources of the page: the bundled list, the size limit, dropped files and zips, and
// the instruction matcher that decides whether a success check applies.
import { zipSync } from 'fflate';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseManifest } from '../../src/core/manifest';
import { Tokenizer } from '../../src/core/tokenizer';
import { describe, expect, it } from 'vitest';
import { matchInstruction, normalizeInstruction, phrasingTable, suggestions } from '../../src/app/instructionMatch';
import { DEFAULT_MODEL, MODEL_FILES, bundledModels, filesSource, meteredSource } from '../../src/app/modelSources';
import { memorySource, ModelLoadError } from '../../src/policy/sources';
import { TASKS } from '../../src/tasks';

const disk = (f: string) => new Uint8Array(readFileSync(new URL(`../../models/test-random/${f}`, import.meta.url)));

describe('model sources', () => {
  it('lists the folders of models/ that hold a manifest, the default among them', () => {
    const list = bundledModels();
    expect(list).toContain('test-random');
    expect(list).toContain('test-random-b');
    expect(list).toContain(DEFAULT_MODEL);
  });

  it('the default model is a trained one, small enough to commit, and reads every task phrasing', () => {
    const dir = new URL(`../../models/${DEFAULT_MODEL}/`, import.meta.url);
    const manifest = parseManifest(readFileSync(new URL('manifest.json', dir), 'utf8'));
    const bytes = MODEL_FILES.reduce((n, f) => n + statSync(new URL(f, dir)).size, 0);
    expect(bytes).toBeLessThanOrEqual(20 * 1024 * 1024);
    expect((manifest as unknown as { training?: { steps?: number } }).training?.steps).toBeGreaterThan(0);
    expect(existsSync(new URL('REPORT.md', dir))).toBe(true);
    const tok = new Tokenizer(JSON.parse(readFileSync(new URL(manifest.tokenizer.file, dir), 'utf8')));
    for (const t of TASKS) {
      for (let seed = 0; seed < 3; seed++) {
        const inst = t.sample(seed);
        for (const text of [inst.instruction, ...inst.paraphrases]) expect(() => tok.encode(text), `${t.id}: "${text}"`).not.toThrow();
      }
    }
  });

  it('counts bytes for the progress bar and refuses a model over the limit, naming it', async () => {
    const src = memorySource('m', { a: new Uint8Array(600), b: new Uint8Array(600) });
    const seen: number[] = [];
    const metered = meteredSource(src, (p) => seen.push(p.bytes), 1000);
    await metered.read('a');
    await expect(metered.read('b')).rejects.toThrow(/larger than the page's limit of 0 MB \(reached 0\.0 MB at b\)/);
    expect(seen).toEqual([600]);
  });

  it('takes dropped files or a zip of them; names what is missing', async () => {
    const files = MODEL_FILES.map((f) => new File([disk(f)], f));
    const src = await filesSource(files);
    expect(await src.read('manifest.json')).toEqual(disk('manifest.json'));
    const zip = zipSync({ 'my-model/manifest.json': disk('manifest.json'), 'my-model/tokenizer.json': disk('tokenizer.json'), 'my-model/encoder.onnx': disk('encoder.onnx'), 'my-model/decoder.onnx': disk('decoder.onnx') });
    const z = await filesSource([new File([zip], 'my-model.zip')]);
    expect(z.label).toBe('my-model.zip');
    expect(await z.read('decoder.onnx')).toEqual(disk('decoder.onnx'));
    await expect(filesSource(files.slice(0, 2))).rejects.toThrow(new ModelLoadError('dropped files: missing encoder.onnx, decoder.onnx (a model folder holds manifest.json, tokenizer.json, encoder.onnx, decoder.onnx)'));
    await expect(filesSource([new File([new Uint8Array([1, 2, 3])], 'x.zip')])).rejects.toThrow(/x\.zip: not a readable zip file/);
  });
});

describe('instruction matching', () => {
  const table = phrasingTable(5, TASKS);
  const id = 'object/red_cube_in_bowl';

  it('a phrasing of the current task gets its success check, whatever the case and punctuation', () => {
    const p = table.get(id)![0];
    expect(matchInstruction(`  ${p.toUpperCase()}!`, id, table)).toEqual({ kind: 'task', taskId: id });
    expect(normalizeInstruction('Put  the red-cube, please.')).toBe('put the red cube please');
  });

  it("another task's phrasing names that task; free text and empty are told apart", () => {
    const other = TASKS.find((t) => t.id !== id && !table.get(t.id)!.some((p) => table.get(id)!.includes(p)))!;
    expect(matchInstruction(table.get(other.id)![0], id, table)).toEqual({ kind: 'other-task', taskId: other.id });
    expect(matchInstruction('wave at the camera', id, table)).toEqual({ kind: 'free' });
    expect(matchInstruction('  ', id, table)).toEqual({ kind: 'empty' });
  });

  it("suggestions: the task's phrasings first, then one per other task, no duplicates", () => {
    const s = suggestions(id, table);
    const own = table.get(id)!;
    expect(s.slice(0, own.length)).toEqual([...new Set(own)]);
    expect(new Set(s).size).toBe(s.length);
    expect(s.length).toBeGreaterThanOrEqual(TASKS.length - 1);
  });
});
