// Grasp yaw selection: which of the equivalent gripper yaws to use for a pick.
// A cube can be taken across either pair of faces (yaw theta or theta + pi/2); a cylinder or a
// ball at any yaw. The canonical choice (cube: yaw wrapped to (-pi/4, pi/4]; round: 0) is used
// unless the hand would come too close to a neighbour there: the palm is 17 cm wide along the
// finger axis and, with the TCP at grasp height, low enough to hit a stacked cube; the open
// fingers reach 5 cm out. Then the candidate with the most clearance wins.
//
// Invariants: deterministic (same state -> same yaw); the canonical yaw is kept whenever it is
// clear, so demonstrations stay consistent.

import { GRASP_RULE, GRIPPER } from '../sim/constants';
import { quatConjugate, rotateVec } from '../sim/math';
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

/** How far inside the grasp rule's pad region (GRASP_RULE.padTolerance around the pads) an
 * object's centre must be for graspableNow, metres: closing there attaches it with room to spare. */
const GRASPABLE_MARGIN = 0.006;
/** graspableNow: largest offset of the centre across the pads (TCP y), metres. */
const GRASPABLE_ACROSS = 0.02;
/** graspableNow: largest yaw of a cube's faces away from square to the pads, radians (a cube
 * turned 0.15 rad between the pads is 1.14x its size wide, still well inside the open fingers). */
const GRASPABLE_YAW = 0.15;

/**
 * Whether closing the open fingers now would grasp object `id`: its centre is well inside the
 * pad region the grasp rule (src/sim/gripper.ts) attaches in and, for a cube, the pads are
 * square to a pair of its faces. The expert's own descent closes only at its grasp point; a
 * learner the expert follows (DAgger, ExpertOptions.lenientGates) is told to close wherever this
 * holds. With `anyYaw` (the expert's pickYaw 'keep') a cube need not be square to the pads.
 */
export function graspableNow(s: SimState, id: string, anyYaw = false): boolean {
  const o = findObject(s, id);
  if (o.grasped || s.arm.grasped !== null || s.arm.opening < 0.9 * GRIPPER.maxOpening) return false;
  const tcp = s.arm.tcp;
  const d = [o.position[0] - tcp.position[0], o.position[1] - tcp.position[1], o.position[2] - tcp.position[2]];
  // The TCP frame is the hand frame turned by pi about x (src/sim/constants.ts): its x is the
  // pads' width axis, its y the finger axis, its z points back along the approach axis, so the
  // pads' centre sits at z = -fingerCenter.
  const h = rotateVec(quatConjugate(tcp.quaternion), d);
  const tol = GRASP_RULE.padTolerance - GRASPABLE_MARGIN;
  return Math.abs(h[0]) <= GRIPPER.fingerHalf[0] + tol &&
    Math.abs(h[2] + GRIPPER.fingerCenter) <= GRIPPER.fingerHalf[2] + tol &&
    Math.abs(h[1]) <= GRASPABLE_ACROSS &&
    // Round objects are the same width at every yaw; a cube across either pair of faces.
    (o.kind !== 'cube' || anyYaw || Math.abs(wrapQuarter(yawOf(tcp.quaternion) - yawOf(o.quaternion))) <= GRASPABLE_YAW);
}
