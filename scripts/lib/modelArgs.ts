// Command-line options of `npm run eval -- --policy model ...` (scripts/evalModel.ts), parsed
// and validated without touching process or the disk, so the rules and messages are tested.
// Invariants: unknown flags, bad enums, non-integer counts and a malformed episodes file are
// UsageErrors naming the flag (or the file and entry); --remask drop is the decoder's 'residual'
// rule (re-mask a committed token whose confidence fell by more than a margin).

import type { StallEscape } from '../../src/core/manifestTypes';
import { DECODER_MODES, type DecoderSettings } from '../../src/decoder';
import { checkSuiteTask, selectTasks, UsageError } from '../../src/eval/args';
import { episodeSeed } from '../../src/eval/runner';
import { getTask, SUITES } from '../../src/tasks';

export { UsageError };

export const REMASK_FLAGS = { none: 'none', threshold: 'threshold', drop: 'residual' } as const;
export const BACKENDS = ['auto', 'wasm', 'webgpu'] as const;

export interface ModelEvalArgs {
  /** Model folder, e.g. "models/test-random". */
  model: string;
  decoder: Partial<DecoderSettings>;
  backend: (typeof BACKENDS)[number];
  /** @default 10 */
  episodesPerTask: number;
  suite?: string;
  task?: string;
  episodesFile?: string;
  /** @default 0 */
  seed: number;
  /** Actions executed per chunk (default: the whole chunk). */
  executeSteps?: number;
  /** One clause of a two-step instruction at a time (src/policy/subtasks.ts); undefined = the
   * manifest's decoding.subtasks. */
  subtasks?: boolean;
  /** Run a chunk's next actions while the arm is still (src/policy/chunkPlan.ts); undefined = the
   * manifest's decoding.keepWhenStill. */
  keepWhenStill?: boolean;
  /** Stall escape (VlaPolicyOptions.stallEscape): `--stall-escape plans:temperature`, with the
   * hover rule `plans:temperature:window:radius`, or `off` (null); undefined = the manifest's
   * decoding.stallPlans, stallTemperature, stallWindow and stallRadius. */
  stallEscape?: StallEscape | null;
  /** @default true */
  prefixCache: boolean;
  out?: string;
  md?: string;
  quiet: boolean;
  /** Browsers running episodes in parallel; the report is the same as with one (episode order kept),
   * except the latencies, which then share the CPU. @default 1 */
  workers: number;
}

export const MODEL_USAGE = `usage: npm run eval -- --policy model --model models/<name> [--decoder dd|ar|oneshot|random] [--rounds T]
  [--remask none|threshold|drop] [--temperature tau] [--gumbel g] [--backend auto|wasm|webgpu] [--episodes-per-task N] [--suite S | --task ID]
  [--episodes-file F] [--seed S] [--execute-steps n] [--subtasks on|off] [--keep-when-still on|off] [--stall-escape plans:tau[:window:radius]|off] [--no-prefix-cache] [--out report.json] [--md report.md] [--quiet] [--workers K]
  suites: ${SUITES.join(', ')}`;

const VALUE_FLAGS = ['--policy', '--model', '--decoder', '--rounds', '--remask', '--temperature', '--gumbel', '--backend', '--episodes-per-task', '--suite', '--task', '--episodes-file', '--seed', '--execute-steps', '--subtasks', '--keep-when-still', '--stall-escape', '--out', '--md', '--workers'];
const BOOL_FLAGS = ['--no-prefix-cache', '--quiet', '--help'];

function intArg(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} needs an integer >= ${min}, got "${v}"`);
  return n;
}

function nonNegative(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} needs a finite number >= 0, got "${v}"`);
  return n;
}

/** "2:1" -> { plans: 2, temperature: 1 }: after 2 chunks in a row that left the arm still, sample at 1;
 * "2:1:8:0.02" adds { window: 8, radius: 0.02 } (also after 8 plans within 2 cm); "off" -> null. */
function stallEscapeArg(v: string): StallEscape | null {
  if (v === 'off') return null;
  const m = /^(\d+):([^:]+)(?::(\d+):([^:]+))?$/.exec(v);
  const plans = m ? Number(m[1]) : NaN;
  const temperature = m ? Number(m[2]) : NaN;
  if (!m || plans < 1 || !Number.isFinite(temperature) || temperature <= 0 || (m[3] !== undefined && (Number(m[3]) < 2 || !(Number(m[4]) > 0) || !Number.isFinite(Number(m[4]))))) {
    throw new UsageError(`--stall-escape needs off, plans:temperature or plans:temperature:window:radius with integers plans >= 1 and window >= 2, a temperature > 0 and a radius > 0 in metres (e.g. 2:1 or 2:1:8:0.02), got "${v}"`);
  }
  return m[3] === undefined ? { plans, temperature } : { plans, temperature, window: Number(m[3]), radius: Number(m[4]) };
}

function oneOf<T extends string>(flag: string, v: string, list: readonly T[]): T {
  if (!(list as readonly string[]).includes(v)) throw new UsageError(`${flag} must be one of ${list.join(', ')}, got "${v}"`);
  return v as T;
}

/** True when argv asks for the model policy (so scripts/eval.ts hands it over). */
export function wantsModelPolicy(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--policy=model' || (a === '--policy' && argv[i + 1] === 'model'));
}

export function parseModelArgs(argv: readonly string[]): ModelEvalArgs {
  const vals = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (eq > 0) [flag, value] = [flag.slice(0, eq), flag.slice(eq + 1)];
    if (BOOL_FLAGS.includes(flag)) {
      vals.set(flag, 'true');
      continue;
    }
    if (!VALUE_FLAGS.includes(flag)) throw new UsageError(`unknown argument "${argv[i]}"\n${MODEL_USAGE}`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value\n${MODEL_USAGE}`);
    }
    vals.set(flag, value);
  }
  if (vals.has('--help')) throw new UsageError(MODEL_USAGE);
  if (vals.get('--policy') !== 'model') throw new UsageError(`--policy model is required here\n${MODEL_USAGE}`);
  const model = vals.get('--model');
  if (!model) throw new UsageError(`--model is required (a folder such as models/test-random)\n${MODEL_USAGE}`);
  const decoder: Partial<DecoderSettings> = {};
  if (vals.has('--decoder')) decoder.mode = oneOf('--decoder', vals.get('--decoder')!, DECODER_MODES);
  if (vals.has('--rounds')) decoder.rounds = intArg('--rounds', vals.get('--rounds')!, 1);
  if (vals.has('--temperature')) decoder.temperature = nonNegative('--temperature', vals.get('--temperature')!);
  if (vals.has('--gumbel')) decoder.gumbelScale = nonNegative('--gumbel', vals.get('--gumbel')!);
  if (vals.has('--remask')) decoder.remask = REMASK_FLAGS[oneOf('--remask', vals.get('--remask')!, Object.keys(REMASK_FLAGS) as (keyof typeof REMASK_FLAGS)[])];
  const suite = vals.get('--suite');
  const task = vals.get('--task');
  checkSuiteTask(suite, task);
  const episodesFile = vals.get('--episodes-file');
  if (episodesFile && (suite || task || vals.has('--episodes-per-task'))) {
    throw new UsageError('--episodes-file lists the episodes itself; do not combine it with --suite, --task or --episodes-per-task');
  }
  return {
    model: model.replace(/\/+$/, ''),
    decoder,
    backend: vals.has('--backend') ? oneOf('--backend', vals.get('--backend')!, BACKENDS) : 'auto',
    episodesPerTask: vals.has('--episodes-per-task') ? intArg('--episodes-per-task', vals.get('--episodes-per-task')!, 1) : 10,
    suite,
    task,
    episodesFile,
    seed: vals.has('--seed') ? intArg('--seed', vals.get('--seed')!, 0) : 0,
    executeSteps: vals.has('--execute-steps') ? intArg('--execute-steps', vals.get('--execute-steps')!, 1) : undefined,
    subtasks: vals.has('--subtasks') ? oneOf('--subtasks', vals.get('--subtasks')!, ['on', 'off'] as const) === 'on' : undefined,
    keepWhenStill: vals.has('--keep-when-still') ? oneOf('--keep-when-still', vals.get('--keep-when-still')!, ['on', 'off'] as const) === 'on' : undefined,
    stallEscape: vals.has('--stall-escape') ? stallEscapeArg(vals.get('--stall-escape')!) : undefined,
    prefixCache: !vals.has('--no-prefix-cache'),
    out: vals.get('--out'),
    md: vals.get('--md'),
    quiet: vals.has('--quiet'),
    workers: vals.has('--workers') ? intArg('--workers', vals.get('--workers')!, 1) : 1,
  };
}

/** One episode to run. */
export interface EpisodeSpec {
  task: string;
  seed: number;
  instruction?: string;
}

/** Validates the parsed JSON of an --episodes-file: a list of {task, seed, instruction?}. */
export function parseEpisodesFile(json: unknown, file: string): EpisodeSpec[] {
  if (!Array.isArray(json) || json.length === 0) throw new UsageError(`${file}: must be a non-empty JSON list of {task, seed, instruction?}`);
  return json.map((e, i) => {
    const at = `${file}: entry ${i}`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new UsageError(`${at} must be an object {task, seed, instruction?}`);
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!['task', 'seed', 'instruction'].includes(k)) throw new UsageError(`${at}: unknown field "${k}" (known: task, seed, instruction)`);
    if (typeof o.task !== 'string') throw new UsageError(`${at}: task must be a task id string, got ${JSON.stringify(o.task)}`);
    try {
      getTask(o.task);
    } catch (err) {
      throw new UsageError(`${at}: ${(err as Error).message}`);
    }
    if (!Number.isInteger(o.seed) || (o.seed as number) < 0) throw new UsageError(`${at}: seed must be an integer >= 0, got ${JSON.stringify(o.seed)}`);
    if (o.instruction !== undefined && (typeof o.instruction !== 'string' || o.instruction.trim() === '')) {
      throw new UsageError(`${at}: instruction must be a non-empty string, got ${JSON.stringify(o.instruction)}`);
    }
    return { task: o.task, seed: o.seed as number, ...(o.instruction !== undefined ? { instruction: o.instruction as string } : {}) };
  });
}

/** The episodes of a run without an episodes file: the expert eval's seeds, task by task. */
export function episodesFromArgs(args: Pick<ModelEvalArgs, 'suite' | 'task' | 'episodesPerTask' | 'seed'>): EpisodeSpec[] {
  const out: EpisodeSpec[] = [];
  for (const t of selectTasks(args)) for (let i = 0; i < args.episodesPerTask; i++) out.push({ task: t.id, seed: episodeSeed(args.seed, i) });
  return out;
}
