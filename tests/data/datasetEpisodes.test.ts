// scripts/datasetEpisodes.ts: an eval episodes file from the demos of datasets (task, seed and
// instruction as recorded) or from the seeds a collection run draws, so a model can be evaluated
// closed loop on the layouts it trained on. Stale scenes and bad arguments are refused.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Hdf5DatasetWriter } from '../../src/data/hdf5Writer';
import { getTask } from '../../src/tasks';
import { attemptSeed } from '../../scripts/collect/args';
import { episodesFromCollectSeed, parseEpisodesArgs, writeEpisodes } from '../../scripts/datasetEpisodes';
import { parseEpisodesFile } from '../../scripts/lib/modelArgs';
import { syntheticDemo } from './synthetic';

const dir = mkdtempSync(join(tmpdir(), 'vla-episodes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeDataset(path: string, demos: { taskId: string; seed: number; scene?: string }[]): Promise<void> {
  const w = await Hdf5DatasetWriter.create(path);
  for (const d of demos) {
    const inst = getTask(d.taskId).sample(d.seed);
    w.addDemo({ ...syntheticDemo(d.seed, { taskId: d.taskId, objects: inst.scene.objects.length }), instruction: `do ${d.seed}`, scene: d.scene ?? JSON.stringify(inst.scene) });
  }
  await w.finish({ envArgs: {}, problemInfo: {}, collectArgs: {} });
}

describe('dataset:episodes', () => {
  it('lists the demos of the selected tasks in registry order, at most N per task, seeds as uint32', async () => {
    const path = join(dir, 'mixed.hdf5');
    const big = 0xf0000000; // stored as a negative int32 attribute
    await writeDataset(path, [
      { taskId: 'object/yellow_cylinder_on_plate', seed: 3 },
      { taskId: 'object/red_cube_in_bowl', seed: big },
      { taskId: 'object/red_cube_in_bowl', seed: 5 },
      { taskId: 'object/red_cube_in_bowl', seed: 6 },
      { taskId: 'spatial/cube_left_of_bowl_to_plate', seed: 7 },
    ]);
    const out = join(dir, 'eps.json');
    expect(await writeEpisodes(parseEpisodesArgs([path, '--suite', 'object', '--episodes-per-task', '2', '--out', out]))).toBe(3);
    const eps = JSON.parse(readFileSync(out, 'utf8'));
    expect(eps).toEqual([
      { task: 'object/red_cube_in_bowl', seed: big, instruction: `do ${big}` },
      { task: 'object/red_cube_in_bowl', seed: 5, instruction: 'do 5' },
      { task: 'object/yellow_cylinder_on_plate', seed: 3, instruction: 'do 3' },
    ]);
    expect(parseEpisodesFile(eps, out)).toEqual(eps);
  });

  it('gives the seeds of a collection run', () => {
    const eps = episodesFromCollectSeed(0, { task: 'goal/lift_blue_cube', episodesPerTask: 3 });
    expect(eps.map((e) => e.seed)).toEqual([0, 1, 2].map((i) => attemptSeed(0, 'goal/lift_blue_cube', i)));
    expect(episodesFromCollectSeed(1, { suite: 'long' })).toHaveLength(5 * 10);
    const two = episodesFromCollectSeed(1, { suite: 'long,spatial', episodesPerTask: 1 }).map((e) => e.task);
    expect(two).toHaveLength(11);
    expect(two[0]).toMatch(/^spatial\//); // registry order, not the order given
    expect(two[10]).toMatch(/^long\//);
  });

  it('refuses stale scenes, missing files and bad arguments, writing nothing', async () => {
    const path = join(dir, 'stale.hdf5');
    await writeDataset(path, [{ taskId: 'object/red_cube_in_bowl', seed: 1, scene: JSON.stringify({ objects: [{ id: 'red_cube', x: 0, y: 0 }] }) }]);
    const out = join(dir, 'stale.json');
    await expect(writeEpisodes(parseEpisodesArgs([path, '--out', out]))).rejects.toThrow(/differs from the stored one/);
    expect(existsSync(out)).toBe(false);
    await expect(writeEpisodes(parseEpisodesArgs([join(dir, 'nope.hdf5'), '--out', out]))).rejects.toThrow(/no such file/);
    expect(() => parseEpisodesArgs(['--collect-seed', '0'])).toThrow(/--out is required/);
    expect(() => parseEpisodesArgs([path, '--collect-seed', '0', '--out', out])).toThrow(/not both/);
    expect(() => parseEpisodesArgs(['--out', out])).toThrow(/not neither/);
    expect(() => parseEpisodesArgs([path, '--out', out, '--episodes-per-task', '0'])).toThrow(/integer >= 1/);
    expect(() => parseEpisodesArgs([path, '--out', out, '--suite', 'object,nope'])).toThrow(/unknown suite/);
    expect(() => parseEpisodesArgs([path, '--out', out, '--suite', 'goal', '--task', 'goal/lift_blue_cube'])).toThrow(/not both/);
    expect(() => parseEpisodesArgs([path, '--out', out, '--frobnicate'])).toThrow(/unknown argument/);
  });
});
