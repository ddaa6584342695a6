// Which actions of a decoded chunk run next: the first `executeSteps`, then a new plan; or, with
// keepWhenStill, the chunk's next actions while the arm has not moved since the chunk was planned.
//
// Why: a chunk can begin with a pause. The shipped models, arriving over the destination with an
// object, often decode "stay still for 4-5 steps, then lower" (the expert's carry creeps the last
// millimetres before its descent). Replanning after 4 actions then executes only the pause, the
// next observation is the same as the last, greedy decoding gives the same chunk, and the arm
// hovers until the step limit: 15 of vla-dag7's 18 failures on object/purple_cube_in_tray
// (`npm run probe -- ... --closed-loop 8 --plan dz --keep-when-still off` shows the plans). When the executed actions
// left the arm where it was, the observation a new plan would start from is (nearly) the one the
// current chunk was planned from, so the chunk's remaining actions are still the model's answer
// for it: run them instead.
//
// Rule (docs/runtime.md): "still" means that, between the observation the chunk was planned from
// and now, the TCP moved less than STILL_POS metres, turned less than STILL_ANGLE radians and the
// gripper opening changed less than STILL_OPENING metres, and the instruction given to the model
// (the clause in force) is the same. Reads only the proprio the model already gets.
//
// Invariants: pure (no DOM, no model); with keepWhenStill off it returns exactly the first
// executeSteps actions of every chunk (the plain receding horizon); it never returns an action of
// an older chunk than the latest, nor one twice; every call returns at least one action or null.

import type { StallEscape } from '../core/manifestTypes';
import { PROPRIO_NAMES } from '../sim/types';

export const STILL_POS = 0.002;
export const STILL_ANGLE = 0.02;
export const STILL_OPENING = 5e-4;
/** The most plans the hover rule looks back over. */
export const TRAIL_PLANS = 64;

const [X, Y, Z, QX, QY, QZ, QW, OPENING] = ['x', 'y', 'z', 'qx', 'qy', 'qz', 'qw', 'opening'].map((n) =>
  PROPRIO_NAMES.indexOf(n as (typeof PROPRIO_NAMES)[number]),
);

/** Whether the arm is still between two proprio vectors (PROPRIO_NAMES order, metres). */
export function isStill(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const moved = Math.hypot(a[X] - b[X], a[Y] - b[Y], a[Z] - b[Z]);
  // Angle between the two orientations: 2 acos |<qa, qb>| (unit quaternions).
  const dot = Math.abs(a[QX] * b[QX] + a[QY] * b[QY] + a[QZ] * b[QZ] + a[QW] * b[QW]);
  const turned = 2 * Math.acos(Math.min(1, dot));
  // A NaN or infinite input makes one of these comparisons false: never still.
  return moved < STILL_POS && turned < STILL_ANGLE && Math.abs(a[OPENING] - b[OPENING]) < STILL_OPENING;
}

export class ChunkPlan {
  /** Actions of the latest chunk not yet handed out. */
  private rest: number[][] = [];
  /** Consecutive plans, the latest included, each made with the arm still since the one before. */
  private stillPlans = 0;
  /** Proprio and instruction of the latest plans, oldest first (at most TRAIL_PLANS; entries are
   * never changed, so a carried plan may share them). */
  private trail: { proprio: number[]; instruction: string }[] = [];

  /** `carry`: a plan of the same episode whose plans (where they were made, the still-plan count)
   * this one takes over (the page makes a new plan per chunk, as its settings may change between
   * chunks). */
  constructor(readonly executeSteps: number, readonly keepWhenStill: boolean, carry?: ChunkPlan | null) {
    if (!Number.isInteger(executeSteps) || executeSteps < 1) throw new RangeError(`executeSteps must be a positive integer, got ${executeSteps}`);
    if (carry) {
      this.stillPlans = carry.stillPlans;
      this.trail = carry.trail.slice();
    }
  }

  /** Proprio and instruction the latest chunk was planned from (null before the first). */
  private get from(): { proprio: number[]; instruction: string } | null {
    return this.trail.length > 0 ? this.trail[this.trail.length - 1] : null;
  }

  /** Forgets the latest chunk (a new episode). */
  reset(): void {
    this.rest = [];
    this.stillPlans = 0;
    this.trail = [];
  }

  /** How many plans in a row would have left the arm still if one were made now from `proprio`:
   * 0 when the arm moved since the latest plan or the clause changed, else one more than the
   * latest plan's count. (A stall: the model keeps answering its own unchanged observation with
   * a chunk that does not move the arm.) */
  stillPlansNow(proprio: ArrayLike<number>, instruction: string): number {
    if (!this.from || instruction !== this.from.instruction || !isStill(this.from.proprio, proprio)) return 0;
    return this.stillPlans + 1;
  }

  /** How many plans in a row, one made now from `proprio` included, were made under the same
   * clause with the TCP within `radius` metres of where it is now and the opening within
   * STILL_OPENING of now's: 1 when the latest plan already was not. (A hover: the arm moves, a
   * centimetre up and back down, but gets nowhere.) */
  hoverPlansNow(proprio: ArrayLike<number>, instruction: string, radius: number): number {
    let n = 1;
    for (let i = this.trail.length - 1; i >= 0; i--) {
      const { proprio: q, instruction: clause } = this.trail[i];
      const d = Math.hypot(q[X] - proprio[X], q[Y] - proprio[Y], q[Z] - proprio[Z]);
      // NaN fails both comparisons: a NaN never hovers.
      if (clause !== instruction || !(d < radius) || !(Math.abs(q[OPENING] - proprio[OPENING]) < STILL_OPENING)) break;
      n++;
    }
    return n;
  }

  /** The stall escape for a plan made now: its temperature and the still plans before it once
   * `esc.plans` plans in a row have left the arm still, else null (decode as set; also when `esc`
   * is null, off). VlaPolicy and the page's PolicyDriver both ask this. */
  stallEscapeNow(proprio: ArrayLike<number>, instruction: string, esc: StallEscape | null): { stillPlans: number; temperature: number } | null {
    if (!esc) return null;
    const stillPlans = this.stillPlansNow(proprio, instruction);
    if (stillPlans >= esc.plans) return { stillPlans, temperature: esc.temperature };
    if (esc.window !== undefined && esc.radius !== undefined && this.hoverPlansNow(proprio, instruction, esc.radius) >= esc.window) {
      return { stillPlans, temperature: esc.temperature };
    }
    return null;
  }

  /** The latest chunk's next actions when the arm is still since it was planned (keepWhenStill
   * on), else null: plan a new chunk. */
  continueFrom(proprio: ArrayLike<number>, instruction: string): number[][] | null {
    if (!this.keepWhenStill || !this.from || this.rest.length === 0) return null;
    if (instruction !== this.from.instruction || !isStill(this.from.proprio, proprio)) return null;
    return this.rest.splice(0, this.executeSteps);
  }

  /** Records a chunk just planned from `proprio`; returns the actions to run now. */
  take(chunk: number[][], proprio: ArrayLike<number>, instruction: string): number[][] {
    if (chunk.length === 0) throw new RangeError('a decoded chunk has no actions');
    this.stillPlans = this.stillPlansNow(proprio, instruction);
    this.trail.push({ proprio: Array.from(proprio), instruction });
    if (this.trail.length > TRAIL_PLANS) this.trail.shift();
    this.rest = chunk.slice(this.executeSteps);
    return chunk.slice(0, this.executeSteps);
  }
}
