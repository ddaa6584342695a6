// One episode on the page: a task instance, its sim, and who drives it: the scripted expert
// (stepExpert) or a policy's actions (stepAction).
// Reference: src/eval/runner.ts (same end conditions: success, sim failure, step limit), but
// stepped one control step at a time by the page's render loop instead of a tight loop.
// Invariants: the episode is a pure function of (task id, seed): the sim and the expert are
// rebuilt from the sampled instance on every reset; after `done` no further sim step runs.
import { ExpertPolicy } from '../expert';
import { Sim } from '../sim';
import { getTask } from '../tasks';
import type { TaskInstance } from '../tasks';

/** What the status line shows. */
export interface EpisodeStatus {
  taskId: string;
  seed: number;
  instruction: string;
  /** Control steps taken. */
  step: number;
  maxSteps: number;
  /** The task's success predicate held after the last step. */
  success: boolean;
  /** No more steps will run (success, failure or step limit). */
  done: boolean;
  /** Why the episode ended without success, when it did. */
  failure: 'timeout' | 'physics-blowup' | null;
}

export class Episode {
  readonly instance: TaskInstance;
  private simulator: Sim;
  private expert: ExpertPolicy;
  private current: EpisodeStatus;

  constructor(taskId: string, seed: number) {
    this.instance = getTask(taskId).sample(seed);
    this.simulator = new Sim(this.instance.scene);
    this.expert = new ExpertPolicy(this.instance);
    this.current = this.initialStatus();
  }

  private initialStatus(): EpisodeStatus {
    const i = this.instance;
    return {
      taskId: i.taskId,
      seed: i.seed,
      instruction: i.instruction,
      step: 0,
      maxSteps: i.maxSteps,
      success: false,
      done: false,
      failure: null,
    };
  }

  /** The sim of this episode (the renderer reads it). Replaced by reset(). */
  get sim(): Sim {
    return this.simulator;
  }

  get status(): Readonly<EpisodeStatus> {
    return this.current;
  }

  /** Rebuilds the initial scene of the same (task, seed). */
  reset(): void {
    this.simulator = new Sim(this.instance.scene);
    this.expert = new ExpertPolicy(this.instance);
    this.current = this.initialStatus();
  }

  /** One expert control step. Returns false once the episode is over. */
  stepExpert(): boolean {
    if (this.current.done) return false;
    return this.stepAction(this.expert.act(this.simulator.state()));
  }

  /** One control step with a given action (a policy's). Returns false once the episode is over.
   * With `checkSuccess` false (free-form instruction) only the step limit or a failure ends it. */
  stepAction(action: ArrayLike<number>, checkSuccess = true): boolean {
    if (this.current.done) return false;
    const info = this.simulator.step(action);
    const after = this.simulator.state();
    const s = { ...this.current, step: this.current.step + 1 };
    s.success = checkSuccess && this.instance.success(after);
    if (info.failure || after.failure) {
      s.done = true;
      s.failure = 'physics-blowup';
    } else if (s.success) {
      s.done = true;
    } else if (s.step >= s.maxSteps) {
      s.done = true;
      s.failure = 'timeout';
    }
    this.current = s;
    return !s.done;
  }
}
