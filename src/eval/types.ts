// Evaluation contract: the Policy interface every controller implements (the scripted expert
// in Node, a VLA model running asynchronously in a browser), the minimal sim surface the
// episode runner needs, and the shapes of episode rows and the JSON report.
//
// Invariants: a Policy may be sync or async; act() returns one 7-D action or a chunk of them
// (executed open loop, in order, before act() is called again). Report rates are in [0, 1].

import type { SceneSpec, SimFailure, SimState, StepInfo } from '../sim/types';
import type { Suite, TaskInstance } from '../tasks/types';
import type { EpisodeProgress, Stage } from './progress';

/** What a policy may see besides the privileged state (filled by an observer, e.g. a renderer). */
export interface Observation {
  /** The instruction of the episode. */
  instruction: string;
  /** [x, y, z, qx, qy, qz, qw, opening] (PROPRIO_NAMES). */
  proprio: number[];
  /** Camera frames by camera name, in whatever layout the observer and policy agree on. */
  images?: Record<string, unknown>;
}

export interface Policy {
  /** Short name used in reports, e.g. "expert" or a model name. */
  readonly name: string;
  /** Called once before each episode. */
  reset(instance: TaskInstance): Promise<void> | void;
  /** Next action (7 numbers) or chunk of actions ([step][7]) for this state. */
  act(state: SimState, obs?: Observation): Promise<number[] | number[][]> | number[] | number[][];
}

/** The part of the simulator the runner drives (src/sim's Sim satisfies it). */
export interface SimLike {
  step(action: ArrayLike<number>): StepInfo;
  state(): SimState;
}

export type SimFactory = (scene: SceneSpec) => SimLike;

/** Why an unsuccessful episode ended. */
export type EpisodeFailure = 'timeout' | `sim:${SimFailure}` | 'policy-error' | 'invalid-action';

export interface EpisodeRow {
  task: string;
  suite: Suite;
  seed: number;
  instruction: string;
  success: boolean;
  /** Control steps taken (the step on which success was reached, if it was). */
  steps: number;
  /** Set when the episode did not succeed. */
  failure?: EpisodeFailure;
  /** Extra detail for a failure (e.g. the policy's error message). */
  detail?: string;
  /** Failed episodes: how far the policy got (see progress.ts). */
  progress?: EpisodeProgress;
  /** Wall time of the episode, milliseconds. */
  wallMs: number;
}

/** A success rate with its sample size and Wilson 95% interval. */
export interface RateSummary {
  successRate: number;
  episodes: number;
  successes: number;
  ci95: [number, number];
}

export interface TaskSummary extends RateSummary {
  id: string;
  suite: Suite;
  /** Mean steps over successful episodes (NaN -> null when none succeeded). */
  meanStepsSuccess: number | null;
  /** Failure reasons and their counts. */
  failures: Partial<Record<EpisodeFailure, number>>;
  /** Failed episodes by the stage they stalled in (progress.ts); absent in older reports. */
  stalled?: Partial<Record<Stage, number>>;
}

export interface EvalReport {
  meta: {
    policy: string;
    seed: number;
    episodesPerTask: number;
    createdAt: string;
    /** Free-form extras: command line, machine, wall time, steps per second. */
    [key: string]: unknown;
  };
  /** successRate = mean over all episodes; suiteAverage = mean of the suites' rates. */
  overall: RateSummary & { suiteAverage: number };
  suites: Partial<Record<Suite, RateSummary & { tasks: number }>>;
  tasks: TaskSummary[];
  episodes: EpisodeRow[];
}
