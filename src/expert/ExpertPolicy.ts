// Scripted expert: solves every task from privileged state (object poses and the task's goals)
// by running each goal's waypoint phases (phases.ts) with the smooth motion controller
// (motion.ts). It generates the demonstrations the VLA is trained on, so it is deliberately
// consistent: same state -> same action, no random variety, one way of doing each thing.
//
// Recovery: a phase that exceeds its step limit, or loses the object it should hold, restarts
// its goal; after a goal's last phase the expert waits briefly for the objects to settle and
// then works on the first goal (in instruction order) that does not hold, so a step undone by
// a later one is redone.
// Following a learner (DAgger, src/expert/DaggerPolicy.ts): the expert labels states another
// controller drove it into. follow(executed) makes its motion continue from the arm's real
// velocity, and a held object is taken as picked: an approach or descent whose object is already
// between the closed fingers goes on with the lift (the expert itself never grasps before 'close',
// so its own demonstrations are unchanged). With lenientGates its phases also end as soon as the
// learner's state serves the next one (Phase.early): close once the object is between the pads,
// let go once it is over its spot, lower from any height once over it, and a goal restarted (a phase
// timed out) while the learner still holds its object goes straight on to the phase that serves it,
// never labelling the restart's one step of open fingers. The expert's own gates are
// exact (3 mm from its grasp point); labels behind exact gates, in states a learner reaches only
// to a centimetre, said "keep adjusting" forever and taught the learner to hover.
// Invariants: act() returns 7 finite numbers within the action limits; the gripper entry is
// exactly -1 or +1; the policy is deterministic given the instance and the states it is shown.

import type { Policy } from '../eval/types';
import type { SimState, Vec3 } from '../sim/types';
import { goalHolds, yawOf } from '../tasks/predicates';
import type { TaskInstance } from '../tasks/types';
import { MotionController, type MotionOptions } from './motion';
import { goalPhases, placeOptions, type Phase, type PhaseName, type PlaceOptions } from './phases';

export interface ExpertOptions extends MotionOptions, PlaceOptions {
  /** Steps to wait after a goal's last phase for objects to settle before re-checking it.
   * @default 12 */
  settleSteps?: number;
  /** End phases early where the state already serves the next (Phase.early): for labelling a
   * learner's states under DAgger. Off for the expert's own demonstrations. @default false */
  lenientGates?: boolean;
}

export class ExpertPolicy implements Policy {
  /** 'expert', or 'expert-lenient' with lenient gates (reports name the labeller they measured). */
  readonly name: string;
  private instance: TaskInstance | null = null;
  private readonly motion: MotionController;
  private readonly settleSteps: number;
  private readonly lenientGates: boolean;
  private readonly place: PlaceOptions;
  private goalIndex = 0;
  private phases: Phase[] = [];
  private phaseIndex = 0;
  private stepsInPhase = 0;
  private settling = -1; // steps spent settling after the last phase, -1 when not settling
  private hold: Vec3 | null = null;
  private lastGripper: -1 | 1 = -1;
  /** Attempts started per goal (1 for a clean run); useful for diagnostics. */
  attempts: number[] = [];

  constructor(instance?: TaskInstance, options: ExpertOptions = {}) {
    this.motion = new MotionController(options);
    this.settleSteps = options.settleSteps ?? 12;
    this.lenientGates = options.lenientGates ?? false;
    this.place = placeOptions(options);
    this.name = this.lenientGates ? 'expert-lenient' : 'expert';
    if (instance) this.reset(instance);
  }

  reset(instance: TaskInstance): void {
    this.instance = instance;
    this.motion.reset();
    this.attempts = instance.goals.map(() => 0);
    this.lastGripper = -1;
    this.startGoal(0);
  }

  /** Name of the phase being executed (for logs and tests); 'settle' or 'done' between goals. */
  get phase(): PhaseName | 'settle' | 'done' {
    if (this.settling >= 0) return 'settle';
    return this.phases[this.phaseIndex]?.name ?? 'done';
  }

  private startGoal(i: number): void {
    const goals = this.instance!.goals;
    this.goalIndex = i;
    this.phases = i < goals.length ? goalPhases(goals[i], this.place) : [];
    this.phaseIndex = 0;
    this.stepsInPhase = 0;
    this.settling = -1;
    this.hold = null;
    if (i < goals.length) this.attempts[i]++;
  }

  /** The action that was executed after the last act() when it was not the expert's own (a
   * learner's, under DAgger): the next label accelerates from it. */
  follow(executed: ArrayLike<number>): void {
    this.motion.follow(executed);
  }

  /** First goal, in instruction order, that does not hold (goals.length if all hold). */
  private firstUnmet(state: SimState): number {
    const goals = this.instance!.goals;
    const i = goals.findIndex((g) => !goalHolds(g, state));
    return i < 0 ? goals.length : i;
  }

  act(state: SimState): number[] {
    if (!this.instance) throw new Error('ExpertPolicy.act: call reset(instance) first');
    this.advance(state);
    const phase = this.phases[this.phaseIndex];
    if (!phase || this.settling >= 0) {
      // Between goals (or all done): stay where we are with the gripper as it was.
      this.hold ??= [...state.arm.tcp.position];
      const yaw = yawOf(state.arm.tcp.quaternion);
      return [...this.motion.command(state, { position: this.hold, yaw, vmax: 0.008 }), this.lastGripper];
    }
    const t = phase.target(state);
    this.stepsInPhase++;
    this.lastGripper = phase.gripper;
    return [...this.motion.command(state, { position: t.position, yaw: t.yaw, vmax: phase.vmax }), phase.gripper];
  }

  /** The index of the current goal's lift when the object it lifts is between the fingers already,
   * else -1. */
  private liftOfHeld(state: SimState): number {
    const lift = this.phases.findIndex((p) => p.name === 'lift');
    return lift >= 0 && state.arm.grasped === this.phases[lift].holds ? lift : -1;
  }

  /** Moves through phases, goals and retries according to `state` (before acting on it). */
  private advance(state: SimState): void {
    for (let guard = 0; guard < 8; guard++) {
      if (this.settling >= 0) {
        const next = this.firstUnmet(state);
        const current = this.goalIndex < this.instance!.goals.length && goalHolds(this.instance!.goals[this.goalIndex], state);
        if (current || this.settling >= this.settleSteps) {
          if (next === this.instance!.goals.length) {
            this.settling = 0; // all goals hold: idle (keep settling state, never restart)
            return;
          }
          this.startGoal(next);
          continue;
        }
        this.settling++;
        return;
      }
      const phase = this.phases[this.phaseIndex];
      if (!phase) {
        this.settling = 0;
        continue;
      }
      const lost = phase.holds !== undefined && this.stepsInPhase > 0 && state.arm.grasped !== phase.holds;
      if (lost || this.stepsInPhase > phase.limit) {
        this.startGoal(this.goalIndex);
        // Following a learner that still holds the goal's object, go on to the phase that serves it
        // (the "already holding" rule below) before labelling: the restart's approach would label
        // one step of open fingers, and a learner copies that as letting go anywhere.
        if (this.lenientGates && this.liftOfHeld(state) >= 0) continue;
        return;
      }
      const lift = this.liftOfHeld(state);
      if ((phase.name === 'approach' || phase.name === 'descend') && lift > this.phaseIndex) {
        this.phaseIndex = lift; // already holding what this goal picks (a learner grasped it)
        this.stepsInPhase = 0;
        continue;
      }
      if (phase.done(state, this.stepsInPhase) || (this.lenientGates && phase.early?.(state))) {
        this.phaseIndex++;
        this.stepsInPhase = 0;
        continue;
      }
      return;
    }
  }
}
