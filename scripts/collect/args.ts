// Command-line options of `npm run collect`, parsed and validated before anything starts (no
// browser, no file), so bad input fails fast with a message that says what to change.
// Invariants: every error names the flag; the suite and task ids are checked against the task
// registry; sizes are positive even integers (the video export needs 4:2:0 chroma).
import { Rng } from '../../src/core/rng';
import { tasksInSuite } from '../../src/tasks';
import type { TaskSpec } from '../../src/tasks';
import { PLACE_DEFAULTS, type PickYaw, type PlaceGate, type PlaceOptions, type StackYaw } from '../../src/expert';

/** Values of --stack-yaw (ExpertOptions.stackYaw), the default first. */
export const STACK_YAWS: readonly StackYaw[] = ['align', 'free'];
/** Values of --pick-yaw (ExpertOptions.pickYaw), the default first. */
export const PICK_YAWS: readonly PickYaw[] = ['align', 'keep'];
/** Values of --place-gate (ExpertOptions.placeGate), the default first. */
export const PLACE_GATES: readonly PlaceGate[] = ['exact', 'loose', 'drop'];

/** With the expert's picking and placing (PlaceOptions: --stack-yaw, --place-gate, --pick-yaw). */
export interface CollectArgs extends Required<PlaceOptions> {
  suite: string;
  /** Successful demos to keep per task. */
  episodesPerTask: number;
  out: string;
  seed: number;
  width: number;
  height: number;
  /** Keep failed episodes too (marked success = 0). @default false */
  keepFailed: boolean;
  /** Give up on a task after this many attempts per requested demo. @default 3 */
  maxAttemptsFactor: number;
  /** Only these task ids of the suite (all when empty). */
  tasks: string[];
  /** Only the first K tasks (after --tasks), for smoke runs and tests. */
  limitTasks?: number;
  /** gzip level of the image datasets. @default 4 */
  compression: number;
  /** Renderer shadow map size; undefined -> the renderer's default (what evaluation uses). */
  shadowMapSize?: number;
  /** Render without shadows (evaluation must do the same). @default false */
  noShadows: boolean;
  /** Browser pages running episodes in parallel (results are still written in a fixed order).
   * @default 1 */
  workers: number;
  /** Largest burst offset of the execution perturbations (DART), metres per step; 0 = none.
   * @default 0 */
  perturb: number;
  /** Chance per step that a perturbation burst starts. @default 0.04 */
  perturbRate: number;
  /** Cut every episode after this many control steps (the task's own limit when smaller).
   * With --keep-failed this records the opening frames of many layouts cheaply: cut episodes
   * are kept with success = 0 and failure "cut". */
  maxSteps?: number;
}

export const USAGE =
  'usage: npm run collect -- --suite <spatial|object|goal|long> --episodes-per-task N --out data/<name>.hdf5 ' +
  '[--seed S] [--size WxH] [--tasks id1,id2] [--limit-tasks K] [--keep-failed] [--compression 0-9] [--no-shadows] [--shadow-map-size N] [--workers K] [--perturb M] [--perturb-rate P] [--max-steps N] [--stack-yaw align|free] [--place-gate exact|loose|drop] [--pick-yaw align|keep]';

export function int(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer >= ${min}, got "${v}"`);
  return n;
}

export function num(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new Error(`${flag} must be a number in [${min}, ${max}], got "${v}"`);
  return n;
}

/** `v` if it is one of `options`, else an error naming the flag and the options. */
export function choice<T extends string>(flag: string, v: string, options: readonly T[]): T {
  if (!(options as readonly string[]).includes(v)) throw new Error(`${flag} must be ${options.join(' or ')}, got "${v}"`);
  return v as T;
}

/** Parse "WxH" (or "N" for a square). */
export function parseSize(v: string): { width: number; height: number } {
  const m = /^(\d+)(?:x(\d+))?$/i.exec(v.trim());
  if (!m) throw new Error(`--size must look like 64x64, got "${v}"`);
  const width = Number(m[1]);
  const height = Number(m[2] ?? m[1]);
  for (const [name, n] of [['width', width], ['height', height]] as const) {
    if (n <= 0) throw new Error(`--size: ${name} must be positive, got ${n}`);
    if (n % 2 !== 0) throw new Error(`--size: ${name} must be even (4:2:0 video export), got ${n}`);
    if (n > 1024) throw new Error(`--size: ${name} must be at most 1024, got ${n}`);
  }
  return { width, height };
}

/** Walks `argv` flag by flag; `need()` takes the flag's value (an error naming the flag when
 * there is none). The handler throws on flags it does not know. */
export function eachFlag(argv: readonly string[], usage: string, handle: (flag: string, need: () => string) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    handle(flag, () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${usage}`);
      i++;
      return v;
    });
  }
}

export function parseCollectArgs(argv: readonly string[]): CollectArgs {
  const a: Partial<CollectArgs> = { seed: 0, width: 64, height: 64, keepFailed: false, maxAttemptsFactor: 3, tasks: [], compression: 4, noShadows: false, workers: 1, perturb: 0, perturbRate: 0.04, ...PLACE_DEFAULTS };
  eachFlag(argv, USAGE, (flag, need) => {
    switch (flag) {
      case '--suite': a.suite = need(); break;
      case '--episodes-per-task': a.episodesPerTask = int(flag, need(), 1); break;
      case '--out': a.out = need(); break;
      case '--seed': a.seed = int(flag, need(), 0); break;
      case '--size': Object.assign(a, parseSize(need())); break;
      case '--tasks': a.tasks = need().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--keep-failed': a.keepFailed = true; break;
      case '--no-shadows': a.noShadows = true; break;
      case '--limit-tasks': a.limitTasks = int(flag, need(), 1); break;
      case '--workers': a.workers = int(flag, need(), 1); break;
      case '--shadow-map-size': a.shadowMapSize = int(flag, need(), 16); break;
      case '--perturb': a.perturb = num(flag, need(), 0, 0.02); break;
      case '--perturb-rate': a.perturbRate = num(flag, need(), 0, 1); break;
      case '--stack-yaw': a.stackYaw = choice(flag, need(), STACK_YAWS); break;
      case '--place-gate': a.placeGate = choice(flag, need(), PLACE_GATES); break;
      case '--pick-yaw': a.pickYaw = choice(flag, need(), PICK_YAWS); break;
      case '--max-attempts-factor': a.maxAttemptsFactor = int(flag, need(), 1); break;
      case '--max-steps': a.maxSteps = int(flag, need(), 1); break;
      case '--compression': a.compression = int(flag, need(), 0); if (a.compression > 9) throw new Error('--compression must be 0..9'); break;
      default: throw new Error(`unknown option "${flag}"\n${USAGE}`);
    }
  });
  if (!a.suite) throw new Error(`--suite is required\n${USAGE}`);
  if (a.episodesPerTask === undefined) throw new Error(`--episodes-per-task is required\n${USAGE}`);
  if (!a.out) throw new Error(`--out is required\n${USAGE}`);
  selectTasks(a as CollectArgs); // validates suite and task ids
  return a as CollectArgs;
}

/** The tasks to collect: the suite's, optionally narrowed to --tasks (unknown ids throw). */
export function selectTasks(a: Pick<CollectArgs, 'suite' | 'tasks' | 'limitTasks'>): TaskSpec[] {
  const all = tasksInSuite(a.suite);
  const chosen = a.tasks.length === 0 ? all : a.tasks.map((id) => {
    const t = all.find((x) => x.id === id || x.id === `${a.suite}/${id}`);
    if (!t) throw new Error(`task "${id}" is not in suite ${a.suite}; its tasks: ${all.map((x) => x.id).join(', ')}`);
    return t;
  });
  return chosen.slice(0, a.limitTasks ?? chosen.length);
}

/** Seed of attempt `attempt` of task `taskId` in a run with base seed `seed`. */
export function attemptSeed(seed: number, taskId: string, attempt: number): number {
  return new Rng(seed).fork(`collect:${taskId}:${attempt}`).uint32();
}

/** Renderer world options implied by the arguments (empty: the renderer's defaults). */
export function worldOptions(a: Pick<CollectArgs, 'noShadows' | 'shadowMapSize'>): { shadows?: boolean; shadowMapSize?: number } {
  return { ...(a.noShadows ? { shadows: false } : {}), ...(a.shadowMapSize !== undefined ? { shadowMapSize: a.shadowMapSize } : {}) };
}

/** Perturbation options implied by the arguments (undefined: none). */
export function perturbOptions(a: Pick<CollectArgs, 'perturb' | 'perturbRate'>): { scale: number; rate: number } | undefined {
  return a.perturb > 0 ? { scale: a.perturb, rate: a.perturbRate } : undefined;
}

/** Index of the instruction of an episode among its instance's paraphrases (seeded, uniform):
 * the model sees every phrasing of a task, not one fixed sentence per task id. */
export function pickParaphrase(seed: number, paraphrases: readonly string[]): number {
  if (paraphrases.length === 0) throw new Error('pickParaphrase: no paraphrases');
  return new Rng(seed).fork('paraphrase').int(paraphrases.length);
}
