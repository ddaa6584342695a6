// How far a failed episode got: for the first goal that does not hold when the episode ends,
// the furthest stage the policy reached on it. A timeout alone says nothing about where a policy
// stalls; these stages do (never came near the object, came near but never closed on it,
// carried it but never over its destination, brought it there but did not set it down).
// Pure (SimState in, plain data out); the episode runner feeds it every state.
//
// Invariants: stages are monotone per goal and never undone (a dropped object keeps 'carry');
// "the object" is the one the goal moves (goal.object, or goal.top for a stack); a goal that
// holds at the end is counted in goalsMet whatever its stage was.

import { findObject, inRegion, TOLERANCE } from '../tasks/predicates';
import type { ObjectState, SimState } from '../sim/types';
import type { Goal } from '../tasks/types';

/** The stage a failed goal stalled in, in order. */
export const STAGES = ['reach', 'grasp', 'carry', 'place'] as const;
export type Stage = (typeof STAGES)[number];

export interface EpisodeProgress {
  /** Goals that hold in the final state. */
  goalsMet: number;
  goals: number;
  /** Stage the first unmet goal stalled in: 'reach' (the TCP never came within
   * PROGRESS.reachRadius of its object), 'grasp' (came near, never held it; a push never moved
   * it), 'carry' (held or pushed it, never over its destination), 'place' (was over the
   * destination, does not rest there at the end). */
  stage: Stage;
  /** Some other object than the goal's was grasped at some point. */
  wrongGrasp: boolean;
  /** Closest the TCP came to the first unmet goal's object centre, metres (mm precision). */
  closest: number;
  /** Closest the TCP came to it in the horizontal plane (x, y only), metres: small with a large
   * `closest` means the arm was over the object and never went down. */
  closestXY: number;
}

export const PROGRESS = {
  /** TCP to object centre distance that counts as having reached it, metres (a cube is 4 cm). */
  reachRadius: 0.04,
  /** A pushed object counts as moved once its centre is this far from where it started, metres. */
  pushMoved: 0.02,
} as const;

function movedObject(goal: Goal): string {
  return goal.type === 'stacked' ? goal.top : goal.object;
}

/** The goal's object is over its destination (xy only; height is the success test's job). */
function overDestination(goal: Goal, obj: ObjectState, state: SimState): boolean {
  switch (goal.type) {
    case 'in': {
      const rec = findObject(state, goal.receptacle);
      const inner = rec.kind === 'bowl' ? TOLERANCE.bowlInner : rec.kind === 'plate' ? TOLERANCE.plateInner : 1;
      return Math.hypot(obj.position[0] - rec.position[0], obj.position[1] - rec.position[1]) < (rec.size / 2) * inner;
    }
    case 'stacked': {
      const base = findObject(state, goal.base);
      return Math.hypot(obj.position[0] - base.position[0], obj.position[1] - base.position[1]) < (base.size / 2) * TOLERANCE.stackXY;
    }
    case 'lifted':
      return obj.grasped && obj.position[2] - obj.height / 2 >= goal.height;
    case 'pushed':
      return inRegion(obj.position[0], obj.position[1], goal.region);
  }
}

export class ProgressTracker {
  private readonly reached: boolean[];
  private readonly engaged: boolean[];
  private readonly over: boolean[];
  private readonly closest: number[];
  private readonly closestXY: number[];
  private readonly start: (readonly number[])[] = [];
  private wrongGrasp = false;

  constructor(private readonly goals: readonly Goal[]) {
    this.reached = goals.map(() => false);
    this.engaged = goals.map(() => false);
    this.over = goals.map(() => false);
    this.closest = goals.map(() => Infinity);
    this.closestXY = goals.map(() => Infinity);
  }

  /** Record one state (call with the initial state and after every step). */
  observe(state: SimState): void {
    const tcp = state.arm.tcp.position;
    const held = state.arm.grasped;
    if (held !== null && !this.goals.some((g) => movedObject(g) === held)) this.wrongGrasp = true;
    this.goals.forEach((goal, i) => {
      const obj = findObject(state, movedObject(goal));
      if (this.start[i] === undefined) this.start[i] = [...obj.position];
      const d = Math.hypot(tcp[0] - obj.position[0], tcp[1] - obj.position[1], tcp[2] - obj.position[2]);
      if (d < PROGRESS.reachRadius) this.reached[i] = true;
      if (d < this.closest[i]) this.closest[i] = d;
      const dxy = Math.hypot(tcp[0] - obj.position[0], tcp[1] - obj.position[1]);
      if (dxy < this.closestXY[i]) this.closestXY[i] = dxy;
      const engaged =
        goal.type === 'pushed'
          ? Math.hypot(obj.position[0] - this.start[i][0], obj.position[1] - this.start[i][1]) > PROGRESS.pushMoved
          : obj.grasped;
      if (engaged) this.engaged[i] = true;
      if (this.engaged[i] && overDestination(goal, obj, state)) this.over[i] = true;
    });
  }

  /** Summary for an episode that ended in `final`; `holds(goal)` is the success predicate. */
  summary(holds: (goal: Goal) => boolean): EpisodeProgress {
    const met = this.goals.map((g) => holds(g));
    const i = met.indexOf(false);
    const stage: Stage =
      i < 0 || this.over[i] ? 'place' : this.engaged[i] ? 'carry' : this.reached[i] ? 'grasp' : 'reach';
    const j = i < 0 ? this.goals.length - 1 : i;
    const mm = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? Math.round(x * 1000) / 1000 : -1);
    return {
      goalsMet: met.filter(Boolean).length,
      goals: this.goals.length,
      stage,
      wrongGrasp: this.wrongGrasp,
      closest: mm(this.closest[j]),
      closestXY: mm(this.closestXY[j]),
    };
  }
}
