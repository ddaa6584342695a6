// scripts/datasetGoals.ts: the goals sidecar of a dataset is each demo's task goals rebuilt from
// task id and seed (training/goals.py reads it), and a demo whose stored scene differs from the
// rebuilt one is refused with nothing written.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Hdf5DatasetWriter } from '../../src/data/hdf5Writer';
import { getTask } from '../../src/tasks';
import { GOALS_VERSION, goalsPath, writeGoals } from '../../scripts/datasetGoals';
import { syntheticDemo } from './synthetic';

const dir = mkdtempSync(join(tmpdir(), 'vla-goals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeDataset(path: string, taskId: string, seeds: number[], scene?: string): Promise<void> {
  const w = await Hdf5DatasetWriter.create(path);
  for (const seed of seeds) {
    const inst = getTask(taskId).sample(seed);
    w.addDemo({ ...syntheticDemo(seed, { taskId, objects: inst.scene.objects.length }), scene: scene ?? JSON.stringify(inst.scene) });
  }
  await w.finish({ envArgs: {}, problemInfo: {}, collectArgs: {} });
}

describe('dataset goals sidecar', () => {
  it('holds every demo goals and object order, rebuilt from task id and seed', async () => {
    const path = join(dir, 'long.hdf5');
    await writeDataset(path, 'long/red_cube_in_bowl_then_blue_cube_on_plate', [4, 9]);
    expect(await writeGoals(path)).toBe(2);
    expect(goalsPath(path)).toBe(join(dir, 'long.goals.json'));
    const side = JSON.parse(readFileSync(goalsPath(path), 'utf8'));
    expect(side.version).toBe(GOALS_VERSION);
    const inst = getTask('long/red_cube_in_bowl_then_blue_cube_on_plate').sample(9);
    expect(side.demos.demo_1).toEqual({
      task_id: inst.taskId,
      seed: 9,
      objects: inst.scene.objects.map((o) => o.id),
      goals: inst.goals,
    });
    expect(side.demos.demo_1.goals).toHaveLength(2);
  });

  it('refuses a demo whose stored scene is not the rebuilt one, writing nothing', async () => {
    const path = join(dir, 'stale.hdf5');
    await writeDataset(path, 'object/red_cube_in_bowl', [1], JSON.stringify({ objects: [{ id: 'red_cube', x: 0, y: 0 }] }));
    await expect(writeGoals(path)).rejects.toThrow(/differs from the stored one/);
    expect(existsSync(goalsPath(path))).toBe(false);
    await expect(writeGoals(join(dir, 'missing.hdf5'))).rejects.toThrow(/no such file/);
  });
});
