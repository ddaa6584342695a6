// HDF5 writer + reader round trip (h5wasm in Node), statistics, atomicity, determinism and the
// errors on bad destinations.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../src/data/demo';
import { Hdf5DatasetReader } from '../../src/data/hdf5Reader';
import { Hdf5DatasetWriter, type DatasetHeader } from '../../src/data/hdf5Writer';
import { computeStats } from '../../src/data/stats';
import { syntheticDemo } from './synthetic';

const dir = mkdtempSync(join(tmpdir(), 'vla-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header: DatasetHeader = {
  envArgs: { env_name: 'vla-sim', type: 'test', env_kwargs: { camera_widths: 16, camera_heights: 12 } },
  problemInfo: { problem_name: 'synthetic', language_instruction: ['put the object in the bowl'] },
  collectArgs: { seed: 3 },
};

async function writeDemos(path: string, demos: Demo[]) {
  const w = await Hdf5DatasetWriter.create(path);
  for (const d of demos) w.addDemo(d);
  return w.finish(header);
}

describe('HDF5 dataset', () => {
  // 12 demos so that alphabetical order (demo_10 < demo_2) would be caught.
  const demos = Array.from({ length: 12 }, (_, i) => syntheticDemo(100 + i, { steps: 5 + (i % 4) }));

  it('reads back exactly what was written, demos in index order', async () => {
    const path = join(dir, 'roundtrip.hdf5');
    const summary = await writeDemos(path, demos);
    expect(summary.numDemos).toBe(12);
    expect(summary.total).toBe(demos.reduce((s, d) => s + d.numSamples, 0));
    const r = await Hdf5DatasetReader.open(path);
    try {
      expect(r.demoNames).toEqual(demos.map((_, i) => `demo_${i}`));
      expect(r.attrs.total).toBe(summary.total);
      expect(r.attrs.envArgs).toEqual(header.envArgs);
      expect(r.attrs.problemInfo).toEqual(header.problemInfo);
      for (let i = 0; i < demos.length; i++) expect(r.readDemo(i)).toEqual(demos[i]);
    } finally {
      r.close();
    }
  });

  it('stores per-dimension action and proprio statistics equal to a direct computation', async () => {
    const path = join(dir, 'stats.hdf5');
    await writeDemos(path, demos.slice(0, 4));
    const r = await Hdf5DatasetReader.open(path);
    const stats = r.readStats();
    r.close();
    const direct = computeStats(demos.slice(0, 4).map((d) => d.actions), 7);
    expect(stats.actions).toEqual(direct);
    expect(stats.proprio.q99.length).toBe(8);
    for (let d = 0; d < 7; d++) {
      expect(stats.actions.q01[d]).toBeGreaterThanOrEqual(stats.actions.min[d]);
      expect(stats.actions.q99[d]).toBeLessThanOrEqual(stats.actions.max[d]);
    }
  });

  it('gives byte-identical files for the same demos', async () => {
    const a = join(dir, 'a.hdf5');
    const b = join(dir, 'b.hdf5');
    await writeDemos(a, demos.slice(0, 3));
    await new Promise((res) => setTimeout(res, 1100)); // a second passes: timestamps would differ
    await writeDemos(b, demos.slice(0, 3));
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('writes nothing at the destination until finish, and abort leaves no file', async () => {
    const path = join(dir, 'aborted.hdf5');
    const w = await Hdf5DatasetWriter.create(path);
    w.addDemo(demos[0]);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(w.tmpPath)).toBe(true);
    w.abort();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('aborted'))).toEqual([]);
  });

  it('refuses an empty dataset without leaving a file', async () => {
    const path = join(dir, 'empty.hdf5');
    const w = await Hdf5DatasetWriter.create(path);
    expect(() => w.finish(header)).toThrow(/no demonstrations/);
    expect(readdirSync(dir).filter((f) => f.startsWith('empty'))).toEqual([]);
  });

  it('rejects unwritable destinations with a clear message', async () => {
    await expect(Hdf5DatasetWriter.create(join(dir, 'no/such/folder/x.hdf5'))).rejects.toThrow(/output folder does not exist/);
    await expect(Hdf5DatasetWriter.create(dir)).rejects.toThrow(/is a folder/);
  });

  it('rejects a demo whose arrays do not match its length', async () => {
    const w = await Hdf5DatasetWriter.create(join(dir, 'bad.hdf5'));
    const d = { ...demos[0], actions: demos[0].actions.subarray(7) };
    expect(() => w.addDemo(d)).toThrow(/actions/);
    w.abort();
  });
});
