// DAgger data collection (Ross, Gordon & Bagnell 2011, "A Reduction of Imitation Learning and
// Structured Prediction to No-Regret Online Learning"): a learner drives the arm into the states
// its own mistakes lead to, and the scripted expert, shadowing every step from the privileged
// state, labels each of them with what it would do there. Behaviour cloning only ever sees the
// expert's own states; a policy trained on these labels learns the way back from its own.
//
// Mixing (DAgger's beta): before each chunk a seeded draw picks the driver; with probability
// `beta` the expert executes the next chunk-length of steps itself, otherwise the learner's chunk
// runs. beta = 1 is plain expert collection, beta = 0 pure on-policy rollouts; in between, the
// expert's stretches carry the episode into later stages (carry, place) that a weak learner would
// seldom reach on its own.
//
// Invariants: act() returns one action per call (the runner observes and records every step);
// the recorded label is always the expert's action for the state shown, whoever executes; the
// expert is told every executed action that was not its own (ExpertPolicy.follow), so its
// labels continue from the arm's real motion; driver draws come only from the given seed.

import { Rng } from '../core/rng';
import type { Observation, Policy } from '../eval/types';
import type { SimState } from '../sim/types';
import type { TaskInstance } from '../tasks/types';
import { ExpertPolicy } from './ExpertPolicy';
import { placeOptions, type PlaceOptions } from './phases';

export type Driver = 'expert' | 'learner';

/** Options of a DAgger run; the PlaceOptions fields go to the labelling expert. */
export interface DaggerOptions extends PlaceOptions {
  /** Chance per chunk that the expert drives it. @default 0 */
  beta?: number;
  /** Seed of the driver draws (forked by task and episode seed). @default 0 */
  seed?: number;
  /** Steps the expert drives when drawn (the learner's chunks set their own length). @default 8 */
  expertChunk?: number;
  /** Label with the expert's lenient gates (ExpertOptions.lenientGates): close wherever the
   * object is between the pads, let go wherever it is over its spot. @default false */
  lenientGates?: boolean;
  /** Action dimensions (indices into ACTION_NAMES) that the expert's label fills in the learner's
   * executed actions: an oracle ablation that measures what the learner's own choice of them
   * costs (e.g. [5], the yaw). The recorded labels are unchanged. @default [] */
  oracleDims?: readonly number[];
  /** Called at every step with the state, its observation and the expert's label, before the
   * executed action is applied (obs[t] before actions[t], as a demonstration records it). */
  record?: (state: SimState, obs: Observation | undefined, label: number[], driver: Driver) => void;
}

export class DaggerPolicy implements Policy {
  readonly name: string;
  readonly expert: ExpertPolicy;
  /** Steps executed by each driver in the current episode. */
  readonly steps = { expert: 0, learner: 0 };
  private readonly beta: number;
  private readonly seed: number;
  private readonly expertChunk: number;
  private readonly oracleDims: readonly number[];
  private rng = new Rng(0);
  private queue: number[][] = [];
  private driver: Driver = 'learner';

  constructor(private readonly learner: Policy, private readonly options: DaggerOptions = {}) {
    this.beta = options.beta ?? 0;
    this.seed = options.seed ?? 0;
    this.expertChunk = options.expertChunk ?? 8;
    this.oracleDims = options.oracleDims ?? [];
    this.expert = new ExpertPolicy(undefined, { lenientGates: options.lenientGates, ...placeOptions(options) });
    if (!(this.beta >= 0 && this.beta <= 1)) throw new RangeError(`DaggerPolicy: beta must be in [0, 1], got ${options.beta}`);
    if (!Number.isInteger(this.expertChunk) || this.expertChunk < 1) throw new RangeError(`DaggerPolicy: expertChunk must be a positive integer, got ${options.expertChunk}`);
    if (!this.oracleDims.every((d) => Number.isInteger(d) && d >= 0)) throw new RangeError(`DaggerPolicy: oracleDims must be action indices, got ${JSON.stringify(options.oracleDims)}`);
    this.name = `dagger(${learner.name}, beta ${this.beta}${this.oracleDims.length ? `, oracle dims ${this.oracleDims.join(',')}` : ''})`;
  }

  async reset(instance: TaskInstance): Promise<void> {
    this.expert.reset(instance);
    await this.learner.reset(instance);
    this.rng = new Rng(this.seed).fork(`dagger:${instance.taskId}#${instance.seed}`);
    this.queue = [];
    this.steps.expert = 0;
    this.steps.learner = 0;
  }

  async act(state: SimState, obs?: Observation): Promise<number[]> {
    const label = this.expert.act(state);
    if (this.queue.length === 0) {
      this.driver = this.rng.next() < this.beta ? 'expert' : 'learner';
      if (this.driver === 'learner') {
        const out = await this.learner.act(state, obs);
        this.queue = out.length > 0 && Array.isArray(out[0]) ? (out as number[][]).map((a) => [...a]) : [[...(out as number[])]];
        if (this.queue.length === 0) throw new Error(`${this.learner.name}: returned an empty chunk`);
      } else {
        this.queue = Array.from({ length: this.expertChunk }, () => []); // placeholders: the expert acts live
      }
    }
    const next = this.queue.shift()!;
    for (const d of this.oracleDims) if (d < next.length) next[d] = label[d];
    const executed = this.driver === 'expert' ? label : next;
    this.options.record?.(state, obs, label, this.driver);
    this.steps[this.driver]++;
    if (this.driver === 'learner') this.expert.follow(executed);
    return executed;
  }
}
