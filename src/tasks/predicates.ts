// Success predicates on SimState: "in a receptacle", "stacked", "lifted", "pushed into a region".
// Each works on the reported object states only (centre position, quaternion, size, height,
// grasped), so they can be tested on hand-built states and mirror what a camera could check.
//
// Invariants: an object held by the gripper never counts as placed, stacked or pushed (only as
// lifted); thresholds are named constants with their reason; unknown ids throw.

import type { ObjectState, SimState } from '../sim/types';
import type { Goal, Region } from './types';

export const TOLERANCE = {
  /** A bowl's usable inner radius as a fraction of its outer radius (walls slope inwards). */
  bowlInner: 0.7,
  /** A plate's flat area as a fraction of its radius (the rim lifts objects near the edge). */
  plateInner: 0.75,
  /** Margin kept from the tray's walls, metres. */
  trayWall: 0.015,
  /** An object resting in a receptacle has its bottom at most this far above the rim, metres. */
  aboveRim: 0.02,
  /** Stacked: vertical gap allowed between the top of the base and the bottom of the top. */
  stackGap: 0.015,
  /** Stacked: allowed xy offset as a fraction of the base's half size. */
  stackXY: 1.0,
} as const;

export function findObject(state: SimState, id: string): ObjectState {
  const o = state.objects.find((x) => x.id === id);
  if (!o) throw new Error(`predicate: no object "${id}" in state (have: ${state.objects.map((x) => x.id).join(', ')})`);
  return o;
}

/** Rotation about world z of a quaternion [x, y, z, w] (yaw of the ZYX decomposition). */
export function yawOf(q: readonly number[]): number {
  const [x, y, z, w] = q;
  return Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
}

function bottomZ(o: ObjectState): number {
  return o.position[2] - o.height / 2;
}

/** How far `obj`'s centre may be from receptacle `rec`'s centre and still count as in it, metres:
 * a radius for a bowl or a plate, the limit along each of the tray's own axes for a tray. */
export function placeTolerance(obj: ObjectState, rec: ObjectState): number {
  const half = rec.size / 2;
  switch (rec.kind) {
    case 'bowl':
      return half * TOLERANCE.bowlInner;
    case 'plate':
      return half * TOLERANCE.plateInner;
    case 'tray':
      return half - TOLERANCE.trayWall - obj.size / 2;
    default:
      throw new Error(`isIn: "${rec.id}" is a ${rec.kind}, not a receptacle`);
  }
}

/** How far (xy) a stacked object's centre may be from its base's centre, metres. */
export function stackTolerance(base: ObjectState): number {
  return (base.size / 2) * TOLERANCE.stackXY;
}

/** `obj` rests inside bowl / on plate / in tray `rec`. */
export function isIn(obj: ObjectState, rec: ObjectState): boolean {
  if (obj.grasped) return false;
  const dx = obj.position[0] - rec.position[0];
  const dy = obj.position[1] - rec.position[1];
  // Resting, not hovering above, and not knocked under the table.
  if (bottomZ(obj) > rec.height + TOLERANCE.aboveRim) return false;
  if (bottomZ(obj) < -0.01) return false;
  const lim = placeTolerance(obj, rec);
  if (rec.kind !== 'tray') return Math.hypot(dx, dy) < lim;
  // Express the offset in the tray's frame: the tray is square with walls.
  const yaw = yawOf(rec.quaternion);
  const lx = Math.cos(yaw) * dx + Math.sin(yaw) * dy;
  const ly = -Math.sin(yaw) * dx + Math.cos(yaw) * dy;
  return Math.abs(lx) < lim && Math.abs(ly) < lim;
}

/** `top` rests on `base`: centred within the base's half size, bottom on the base's top face. */
export function isStacked(top: ObjectState, base: ObjectState): boolean {
  if (top.grasped || base.grasped) return false;
  const dxy = Math.hypot(top.position[0] - base.position[0], top.position[1] - base.position[1]);
  if (dxy > stackTolerance(base)) return false;
  const baseTop = base.position[2] + base.height / 2;
  const gap = bottomZ(top) - baseTop;
  // The base must still stand on the table (not toppled onto the top object).
  return gap > -TOLERANCE.stackGap && gap < TOLERANCE.stackGap && bottomZ(base) < 0.01;
}

/** `obj` is held by the gripper with its bottom at least `height` above the table. */
export function isLifted(obj: ObjectState, height: number): boolean {
  return obj.grasped && bottomZ(obj) >= height;
}

export function inRegion(x: number, y: number, r: Region): boolean {
  return x >= r.xMin && x <= r.xMax && y >= r.yMin && y <= r.yMax;
}

/** `obj` sits on the table (not held, not lifted) with its centre inside `region`. */
export function isPushedInto(obj: ObjectState, region: Region): boolean {
  return !obj.grasped && bottomZ(obj) < 0.01 && inRegion(obj.position[0], obj.position[1], region);
}

/** Whether one goal holds in `state`. */
export function goalHolds(goal: Goal, state: SimState): boolean {
  switch (goal.type) {
    case 'in':
      return isIn(findObject(state, goal.object), findObject(state, goal.receptacle));
    case 'stacked':
      return isStacked(findObject(state, goal.top), findObject(state, goal.base));
    case 'lifted':
      return isLifted(findObject(state, goal.object), goal.height);
    case 'pushed':
      return isPushedInto(findObject(state, goal.object), goal.region);
  }
}

/** Task success: every goal holds at once, and the physics has not failed. */
export function allGoalsHold(goals: readonly Goal[], state: SimState): boolean {
  return state.failure === null && goals.every((g) => goalHolds(g, state));
}
