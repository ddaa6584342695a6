// Command-line options of `npm run eval`, parsed and validated without touching process, so the
// rules (and their error messages) are unit-tested. Unknown flags, unknown policies, suites or
// tasks and non-positive episode counts are usage errors (the CLI exits with code 2).

import { getTask, isSuite, SUITES, tasksInSuite, TASKS } from '../tasks';
import type { TaskSpec } from '../tasks/types';

export class UsageError extends Error {}

export interface EvalArgs {
  policy: string;
  /** @default 10 */
  episodesPerTask: number;
  suite?: string;
  task?: string;
  /** Base seed from which every episode seed derives. @default 0 */
  seed: number;
  /** JSON report path; a Markdown table is written beside it (.md). @default none */
  out?: string;
  /** Print no per-task progress lines. @default false */
  quiet: boolean;
}

export const USAGE = `usage: npm run eval -- --policy <name> [--episodes-per-task N] [--suite S | --task ID] [--seed S] [--out report.json] [--quiet]
  suites: ${SUITES.join(', ')}`;

const FLAGS = new Set(['--policy', '--episodes-per-task', '--suite', '--task', '--seed', '--out', '--quiet', '--help']);

function intArg(flag: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`${flag} needs an integer >= ${min}, got ${v === undefined ? 'nothing' : `"${v}"`}`);
  }
  return n;
}

/** Parse argv (without node and script). `policies` lists the valid policy names. */
/** Validates --suite and --task (known names; the task inside the suite when both are given). */
export function checkSuiteTask(suite: string | undefined, task: string | undefined): void {
  if (suite !== undefined && !isSuite(suite)) throw new UsageError(`unknown suite "${suite}"; valid suites: ${SUITES.join(', ')}`);
  if (task === undefined) return;
  try {
    getTask(task);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (suite !== undefined && !task.startsWith(`${suite}/`)) throw new UsageError(`task "${task}" is not in suite "${suite}"`);
}

export function parseEvalArgs(argv: readonly string[], policies: readonly string[]): EvalArgs {
  const vals = new Map<string, string | undefined>();
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    if (!FLAGS.has(flag)) throw new UsageError(`unknown argument "${argv[i]}"\n${USAGE}`);
    if (flag === '--quiet' || flag === '--help') {
      vals.set(flag, 'true');
      continue;
    }
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      i++;
    }
    vals.set(flag, value);
  }
  if (vals.has('--help')) throw new UsageError(USAGE);
  const policy = vals.get('--policy');
  if (!policy) throw new UsageError(`--policy is required (one of: ${policies.join(', ')})\n${USAGE}`);
  if (!policies.includes(policy)) throw new UsageError(`unknown policy "${policy}"; valid policies: ${policies.join(', ')}`);
  const suite = vals.get('--suite');
  const task = vals.get('--task');
  checkSuiteTask(suite, task);
  return {
    policy,
    episodesPerTask: vals.has('--episodes-per-task') ? intArg('--episodes-per-task', vals.get('--episodes-per-task'), 1) : 10,
    suite,
    task,
    seed: vals.has('--seed') ? intArg('--seed', vals.get('--seed'), 0) : 0,
    out: vals.get('--out'),
    quiet: vals.has('--quiet'),
  };
}

/** The tasks an EvalArgs selects, in registry order. */
export function selectTasks(args: Pick<EvalArgs, 'suite' | 'task'>): TaskSpec[] {
  if (args.task) return [getTask(args.task)];
  if (args.suite) return tasksInSuite(args.suite);
  return [...TASKS];
}
