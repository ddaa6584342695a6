// Grasp yaw selection: which of the equivalent gripper yaws to use for a pick.
// A cube can be taken across either pair of faces (yaw theta or theta + pi/2); a cylinder or a
// ball at any yaw. The canonical choice (cube: yaw wrapped to (-pi/4, pi/4]; round: 0) is used
// unless the hand would come too close to a neighbour there: the palm is 17 cm wide along the
// finger axis and, with the TCP at grasp height, low enough to hit a stacked cube; the open
// fingers reach 5 cm out. Then the candidate with the most clearance wins.
//
// Invariants: deterministic (same state -> same yaw); the canonical yaw is kept whenever it is
// clear, so demonstrations stay consistent.

import { GRIPPER } from '../sim/constants';
import type { ObjectState, SimState } from '../sim/types';
import { findObject, yawOf } from '../tasks/predicates';
import { footprintRadius } from '../tasks/scene';
import { wrapAngle, wrapQuarter } from './motion';

/** Clearance below which the canonical yaw is abandoned, metres. */
const MIN_CLEARANCE = 0.012;
/** Palm bottom above the TCP (flange offset minus the hand box), metres. */
const PALM_BOTTOM = GRIPPER.tcpOffset - GRIPPER.handCenter - GRIPPER.handHalf[2];
/** Open fingers: half span along the finger axis (opening/2 + finger thickness), metres. */
const FINGER_REACH = GRIPPER.maxOpening / 2 + 2 * GRIPPER.fingerHalf[1];

/** Distance from a circle (centre c, radius r) to a rectangle centred at p with unit axis u. */
function rectClearance(p: number[], u: [number, number], halfLen: number, halfWid: number, c: number[], r: number): number {
  const dx = c[0] - p[0];
  const dy = c[1] - p[1];
  const a = Math.abs(dx * u[0] + dy * u[1]);
  const b = Math.abs(-dx * u[1] + dy * u[0]);
  return Math.hypot(Math.max(a - halfLen, 0), Math.max(b - halfWid, 0)) - r;
}

/** Smallest clearance between the hand (palm and open fingers) at yaw psi over `o` and the
 * other objects that reach high enough to touch that part. */
export function handClearance(s: SimState, o: ObjectState, psi: number): number {
  const u: [number, number] = [-Math.sin(psi), Math.cos(psi)]; // finger (TCP y) axis
  const graspZ = o.position[2];
  let best = Infinity;
  for (const other of s.objects) {
    if (other.id === o.id) continue;
    const top = other.position[2] + other.height / 2;
    const r = footprintRadius(other.kind, other.size);
    if (top > graspZ + PALM_BOTTOM) {
      best = Math.min(best, rectClearance(o.position, u, GRIPPER.handHalf[1], GRIPPER.handHalf[0], other.position, r));
    }
    // Fingertips reach 1.5 cm below the TCP: receptacle rims and every graspable count.
    if (top > graspZ - 0.015 && other.kind !== 'plate') {
      best = Math.min(best, rectClearance(o.position, u, FINGER_REACH, GRIPPER.fingerHalf[0], other.position, r));
    }
  }
  return best;
}

/** TCP yaw for picking object `id` in state `s`. */
export function graspYaw(s: SimState, id: string): number {
  const o = findObject(s, id);
  const base = o.kind === 'cube' ? wrapQuarter(yawOf(o.quaternion)) : 0;
  const cBase = handClearance(s, o, base);
  if (cBase >= MIN_CLEARANCE) return base;
  const alt = wrapAngle(base + (base > 0 ? -Math.PI / 2 : Math.PI / 2));
  return handClearance(s, o, alt) > cBase ? alt : base;
}
