// `npm run dataset:goals -- data/<name>.hdf5 [more.hdf5 ...]`: writes data/<name>.goals.json beside
// each dataset, the privileged goals of every demo (the task's Goal list: which object goes where),
// rebuilt from the demo's task id and seed. training/goals.py turns them, with the demo's recorded
// object states, into the auxiliary targets of `--aux_goals` (training/recipes.md).
// Invariants: a demo whose rebuilt scene differs from the scene stored with it is an error (the
// task code changed since collection) and nothing is written; the sidecar is written atomically.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { Hdf5DatasetReader } from '../src/data/hdf5Reader';
import type { ObjectSpec } from '../src/sim/types';
import { getTask } from '../src/tasks';

export const GOALS_VERSION = 1;

export function goalsPath(hdf5: string): string {
  return hdf5.replace(/\.hdf5$/, '') + '.goals.json';
}

/** Same objects in the same order at the same places (the task code did not change since collection). */
export function sameScene(stored: ObjectSpec[], rebuilt: ObjectSpec[]): boolean {
  return (
    stored.length === rebuilt.length &&
    stored.every((o, i) => o.id === rebuilt[i].id && Math.abs(o.x - rebuilt[i].x) < 1e-9 && Math.abs(o.y - rebuilt[i].y) < 1e-9)
  );
}

export async function writeGoals(path: string): Promise<number> {
  if (!existsSync(path)) throw new Error(`no such file: ${path}`);
  const reader = await Hdf5DatasetReader.open(path);
  const demos: Record<string, unknown> = {};
  try {
    for (const name of reader.demoNames) {
      const info = reader.readDemoInfo(name);
      const inst = getTask(info.taskId).sample(info.seed);
      const stored = (JSON.parse(info.scene) as { objects?: ObjectSpec[] }).objects ?? [];
      if (!sameScene(stored, inst.scene.objects)) {
        throw new Error(`${path} ${name}: the scene rebuilt from ${info.taskId} seed ${info.seed} differs from the stored one`);
      }
      // `objects` is the order of the object blocks in the demo's `states` rows.
      demos[name] = { task_id: info.taskId, seed: info.seed, objects: stored.map((o) => o.id), goals: inst.goals };
    }
  } finally {
    reader.close();
  }
  const out = goalsPath(path);
  writeFileSync(out + '.tmp', JSON.stringify({ version: GOALS_VERSION, dataset: path.split('/').pop(), demos }));
  renameSync(out + '.tmp', out);
  return reader.demoNames.length;
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: npm run dataset:goals -- data/<name>.hdf5 [more.hdf5 ...]');
  for (const f of files) {
    const n = await writeGoals(f);
    console.log(`dataset:goals: ${goalsPath(f)} (${n} demos)`);
  }
}

if (process.argv[1]?.endsWith('datasetGoals.ts')) {
  main().catch((e: unknown) => {
    console.error(`dataset:goals: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
