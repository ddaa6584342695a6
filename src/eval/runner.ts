// Episode runner: one task instance, one policy, one fresh sim; steps until success, the
// task's step limit, a sim failure, or a policy error. Pure (no I/O): the CLI and the browser
// evaluation page both call it.
//
// Invariants: success is checked after every sim step, so `steps` is the first step at which
// the task was solved; a chunk from act() is executed in order and cut short as soon as the
// episode ends; an action that is not 7 finite numbers ends the episode as 'invalid-action'
// (the sim would only hold still, hiding the bug).

import { Rng } from '../core/rng';
import { ACTION_DIM, type SimState } from '../sim/types';
import { goalHolds } from '../tasks/predicates';
import type { TaskInstance } from '../tasks/types';
import { ProgressTracker } from './progress';
import type { EpisodeFailure, EpisodeRow, Observation, Policy, SimFactory, SimLike } from './types';

export interface RunOptions {
  /** Builds the policy's observation (e.g. renders camera frames); default: proprio only. */
  observe?: (sim: SimLike, state: SimState, instance: TaskInstance) => Observation | Promise<Observation>;
  /** Called after every sim step (e.g. to record a demonstration). */
  onStep?: (info: { step: number; action: number[]; state: SimState }) => void;
  /** Clock for wallMs; default Date.now (kept injectable for tests). */
  now?: () => number;
}

/** Proprio vector [x, y, z, qx, qy, qz, qw, opening] of a state. */
export function proprioOf(state: SimState): number[] {
  return [...state.arm.tcp.position, ...state.arm.tcp.quaternion, state.arm.opening];
}

/** Seed of episode `index` of a run started with `baseSeed` (same for every task). */
export function episodeSeed(baseSeed: number, index: number): number {
  return new Rng(baseSeed).fork(`episode:${index}`).uint32();
}

function asChunk(out: number[] | number[][]): number[][] {
  return out.length > 0 && Array.isArray(out[0]) ? (out as number[][]) : [out as number[]];
}

function validAction(a: unknown): a is number[] {
  return Array.isArray(a) && a.length === ACTION_DIM && a.every((x) => typeof x === 'number' && Number.isFinite(x));
}

export async function runEpisode(instance: TaskInstance, policy: Policy, makeSim: SimFactory, options: RunOptions = {}): Promise<EpisodeRow> {
  const now = options.now ?? Date.now;
  const t0 = now();
  let tracker: ProgressTracker | null = new ProgressTracker(instance.goals);
  let last: SimState | null = null;
  const progressOf = () => {
    if (!tracker || !last) return {};
    const final = last;
    try {
      return { progress: tracker.summary((g) => goalHolds(g, final)) };
    } catch {
      return {}; // a goal naming an object the scene lacks: the task's bug, reported elsewhere
    }
  };
  const row = (success: boolean, steps: number, failure?: EpisodeFailure, detail?: string): EpisodeRow => ({
    task: instance.taskId,
    suite: instance.suite,
    seed: instance.seed,
    instruction: instance.instruction,
    success,
    steps,
    ...(failure ? { failure } : {}),
    ...(detail ? { detail } : {}),
    ...(success ? {} : progressOf()),
    wallMs: now() - t0,
  });

  const sim = makeSim(instance.scene);
  let steps = 0;
  const watch = (state: SimState) => {
    last = state;
    try {
      tracker?.observe(state);
    } catch {
      tracker = null; // progress is a diagnostic; it never ends an episode
    }
  };
  watch(sim.state());
  try {
    await policy.reset(instance);
  } catch (e) {
    return row(false, 0, 'policy-error', String(e));
  }
  while (steps < instance.maxSteps) {
    const state = sim.state();
    let chunk: number[][];
    try {
      const obs = options.observe
        ? await options.observe(sim, state, instance)
        : { instruction: instance.instruction, proprio: proprioOf(state) };
      chunk = asChunk(await policy.act(state, obs));
    } catch (e) {
      return row(false, steps, 'policy-error', String(e));
    }
    if (chunk.length === 0) return row(false, steps, 'invalid-action', 'empty action chunk');
    for (const action of chunk) {
      if (!validAction(action)) return row(false, steps, 'invalid-action', `expected ${ACTION_DIM} finite numbers, got ${JSON.stringify(action)}`);
      const info = sim.step(action);
      steps++;
      const after = sim.state();
      watch(after);
      options.onStep?.({ step: steps, action, state: after });
      if (info.failure || after.failure) return row(false, steps, `sim:${info.failure ?? after.failure!}`);
      if (instance.success(after)) return row(true, steps);
      if (steps >= instance.maxSteps) break;
    }
  }
  return row(false, steps, 'timeout');
}
