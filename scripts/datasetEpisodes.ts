// `npm run dataset:episodes -- (data/<name>.hdf5[,more.hdf5] | --collect-seed S) [--suite S | --task ID]
//   [--episodes-per-task N] --out episodes.json`: an episodes file for `npm run eval -- --policy model
// --episodes-file F` holding the layouts of recorded demos, so a model can be run closed loop on the
// very scenes it trained on (fit) as well as on fresh ones (generalisation).
// Sources: the demos of HDF5 datasets (task id, seed and instruction as recorded), or the seeds that
// `npm run collect -- --seed S` draws (attempt i of each task; equal to demo i when no attempt
// failed, which the expert's 100% makes the rule, and which the dataset itself shows exactly).
// Invariants: the first N demos of each task in file order; a demo whose task is unknown or whose
// rebuilt scene differs from the stored one is an error (the task code changed since collection);
// the file is written atomically and validates under the eval's own episodes-file parser.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { Hdf5DatasetReader } from '../src/data/hdf5Reader';
import type { ObjectSpec } from '../src/sim/types';
import { checkSuiteTask, selectTasks, UsageError } from '../src/eval/args';
import { getTask } from '../src/tasks';
import { attemptSeed } from './collect/args';
import { sameScene } from './datasetGoals';
import { parseEpisodesFile, type EpisodeSpec } from './lib/modelArgs';

export const EPISODES_USAGE = `usage: npm run dataset:episodes -- (data/<name>.hdf5[,more.hdf5] | --collect-seed S) [--suite S[,S2] | --task ID]
  [--episodes-per-task N] --out episodes.json`;

export interface EpisodesArgs {
  files: string[];
  collectSeed?: number;
  /** One suite or a comma-separated list. */
  suite?: string;
  task?: string;
  /** At most this many per task. @default all demos (files) or 10 (--collect-seed) */
  episodesPerTask?: number;
  out: string;
}

export function parseEpisodesArgs(argv: readonly string[]): EpisodesArgs {
  const files: string[] = [];
  const vals = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    if (!flag.startsWith('--')) {
      files.push(...flag.split(',').filter((f) => f !== ''));
      continue;
    }
    if (!['--collect-seed', '--suite', '--task', '--episodes-per-task', '--out'].includes(flag)) {
      throw new UsageError(`unknown argument "${argv[i]}"\n${EPISODES_USAGE}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value\n${EPISODES_USAGE}`);
    vals.set(flag, value);
  }
  const int = (flag: string, min: number): number | undefined => {
    const v = vals.get(flag);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} needs an integer >= ${min}, got "${v}"`);
    return n;
  };
  const collectSeed = int('--collect-seed', 0);
  if ((files.length > 0) === (collectSeed !== undefined)) {
    throw new UsageError(`give either dataset files or --collect-seed, not ${files.length > 0 ? 'both' : 'neither'}\n${EPISODES_USAGE}`);
  }
  const out = vals.get('--out');
  if (!out) throw new UsageError(`--out is required\n${EPISODES_USAGE}`);
  const suite = vals.get('--suite');
  const task = vals.get('--task');
  if (suite !== undefined && task !== undefined) throw new UsageError(`give --suite or --task, not both\n${EPISODES_USAGE}`);
  for (const one of suite?.split(',') ?? [undefined]) checkSuiteTask(one, task);
  return { files, collectSeed, suite, task, episodesPerTask: int('--episodes-per-task', 1), out };
}

/** The tasks of a --suite list or --task, in registry order. */
function tasksOf(a: Pick<EpisodesArgs, 'suite' | 'task'>): string[] {
  if (a.suite === undefined) return selectTasks(a).map((t) => t.id);
  const suites = a.suite.split(',');
  return selectTasks({}).map((t) => t.id).filter((id) => suites.includes(id.split('/')[0]));
}

/** The episodes of the demos in `files`, task by task in registry order, demos in file order. */
export async function episodesFromDatasets(files: readonly string[], a: Pick<EpisodesArgs, 'suite' | 'task' | 'episodesPerTask'>): Promise<EpisodeSpec[]> {
  const wanted = new Set(tasksOf(a));
  const byTask = new Map<string, EpisodeSpec[]>();
  for (const path of files) {
    if (!existsSync(path)) throw new Error(`no such file: ${path}`);
    const reader = await Hdf5DatasetReader.open(path);
    try {
      for (const name of reader.demoNames) {
        const info = reader.readDemoInfo(name);
        if (!wanted.has(info.taskId)) continue;
        const list = byTask.get(info.taskId) ?? [];
        if (a.episodesPerTask !== undefined && list.length >= a.episodesPerTask) continue;
        const seed = info.seed >>> 0; // HDF5 stores the uint32 seed as a signed int32 attribute
        const stored = (JSON.parse(info.scene) as { objects?: ObjectSpec[] }).objects ?? [];
        if (!sameScene(stored, getTask(info.taskId).sample(seed).scene.objects)) {
          throw new Error(`${path} ${name}: the scene rebuilt from ${info.taskId} seed ${seed} differs from the stored one`);
        }
        list.push({ task: info.taskId, seed, instruction: info.instruction });
        byTask.set(info.taskId, list);
      }
    } finally {
      reader.close();
    }
  }
  const out = [...wanted].flatMap((t) => byTask.get(t) ?? []);
  if (out.length === 0) throw new Error(`no demos of the selected tasks in ${files.join(', ')}`);
  return out;
}

/** The seeds `npm run collect -- --seed S` draws: attempt i of each selected task. */
export function episodesFromCollectSeed(seed: number, a: Pick<EpisodesArgs, 'suite' | 'task' | 'episodesPerTask'>): EpisodeSpec[] {
  const n = a.episodesPerTask ?? 10;
  return tasksOf(a).flatMap((t) => Array.from({ length: n }, (_, i) => ({ task: t, seed: attemptSeed(seed, t, i) })));
}

export async function writeEpisodes(a: EpisodesArgs): Promise<number> {
  const eps = a.collectSeed !== undefined ? episodesFromCollectSeed(a.collectSeed, a) : await episodesFromDatasets(a.files, a);
  parseEpisodesFile(eps, a.out); // the eval's own rules
  writeFileSync(a.out + '.tmp', JSON.stringify(eps, null, 1) + '\n');
  renameSync(a.out + '.tmp', a.out);
  return eps.length;
}

async function main(): Promise<void> {
  const a = parseEpisodesArgs(process.argv.slice(2));
  const n = await writeEpisodes(a);
  console.log(`dataset:episodes: ${a.out} (${n} episodes)`);
}

if (process.argv[1]?.endsWith('datasetEpisodes.ts')) {
  main().catch((e: unknown) => {
    console.error(`dataset:episodes: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
