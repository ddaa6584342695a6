// What the renderer needs to draw the arm: the list of visual frames (Sim.armFrames()) and
// the shapes attached to each, plus the wrist camera mount.
// Reference: Panda modified DH (constants.ts): the origin of frame i+1 expressed in frame i is
// (a_i, -d_{i+1} sin alpha_i, d_{i+1} cos alpha_i) whatever q is, so each link is a fixed
// segment in its own frame.
// Invariants: frame order is base, links 1..7, hand, left finger, right finger (ARM_FRAME_*);
// all shapes are given in the frame they move with.

import { GRIPPER, PANDA_MDH } from './constants';
import { FRAME_HAND, poseOfFrame } from './kinematics';
import { quatFromRpy, quatMultiply, rotateVec } from './math';
import type { Pose, Quat, Vec3 } from './types';

export const ARM_FRAME_BASE = 0;
export const ARM_FRAME_HAND = 8;
export const ARM_FRAME_LEFT_FINGER = 9;
export const ARM_FRAME_RIGHT_FINGER = 10;
export const ARM_FRAME_COUNT = 11;

/** A capsule-like link segment from `from` to `to` in frame `frame` of armFrames(). */
export interface LinkSegment {
  frame: number;
  from: Vec3;
  to: Vec3;
  radius: number;
}

const LINK_RADIUS = [0.06, 0.06, 0.055, 0.055, 0.05, 0.05, 0.045, 0.045];

function buildSegments(): LinkSegment[] {
  const segs: LinkSegment[] = [
    // Base column up to joint 2 (drawn in the base frame: it is rotationally symmetric).
    { frame: 0, from: [0, 0, 0], to: [0, 0, PANDA_MDH[0][1]], radius: LINK_RADIUS[0] },
  ];
  for (let i = 1; i <= 7; i++) {
    const [a, d, alpha] = PANDA_MDH[i];
    const to: Vec3 = [a, -d * Math.sin(alpha), d * Math.cos(alpha)];
    if (Math.hypot(...to) > 1e-9) segs.push({ frame: i, from: [0, 0, 0], to, radius: LINK_RADIUS[i] });
  }
  return segs;
}

/** Arm drawing geometry, in the frames returned by Sim.armFrames(). */
export const ARM_GEOMETRY = {
  /** Link segments (draw as cylinders with rounded ends). */
  segments: buildSegments(),
  /** Joint housings: cylinders along each link frame's local z, centred on its origin. */
  joints: [1, 2, 3, 4, 5, 6, 7].map((frame) => ({ frame, radius: LINK_RADIUS[frame], length: 0.12 })),
  /** Hand (palm) box: half extents and centre in the hand frame (+z = approach axis). */
  hand: { halfExtents: GRIPPER.handHalf, center: [0, 0, GRIPPER.handCenter] as Vec3 },
  /** Finger boxes: half extents, centred on each finger frame. */
  finger: { halfExtents: GRIPPER.fingerHalf },
  /** Max distance between finger pads, metres. */
  maxOpening: GRIPPER.maxOpening,
} as const;

/** Finger centre in the hand frame for a given pad distance; side +1 = left (+y), -1 = right. */
export function fingerOffset(opening: number, side: 1 | -1, out: Vec3 = [0, 0, 0]): Vec3 {
  out[0] = 0;
  out[1] = side * (opening / 2 + GRIPPER.fingerHalf[1]);
  out[2] = GRIPPER.tcpOffset + GRIPPER.fingerCenter;
  return out;
}

/** Visual frames from an FK buffer and the current opening (allocates the result). */
export function armFramesFromFk(fk: Float64Array, opening: number): Pose[] {
  const frames: Pose[] = [];
  for (let i = 0; i <= 7; i++) frames.push(poseOfFrame(fk, i));
  const hand = poseOfFrame(fk, FRAME_HAND);
  frames.push(hand);
  for (const side of [1, -1] as const) {
    const off = rotateVec(hand.quaternion, fingerOffset(opening, side));
    frames.push({
      position: [hand.position[0] + off[0], hand.position[1] + off[1], hand.position[2] + off[2]],
      quaternion: [...hand.quaternion] as Quat,
    });
  }
  return frames;
}

/** Wrist camera mount in the TCP frame: beside the palm (+x, 5 cm clear of its face at x = 0.03),
 * level with the palm's lower half (+z), tilted 0.6 rad about the TCP y axis so the fingertips and
 * the grasp point are in view while the palm stays out of it (at 0.06 / 0.1 / 0.35 rad the palm
 * hid a third of the frame, the fingers and the held object). */
export const WRIST_CAMERA = {
  offset: [0.08, 0, 0.07] as Vec3,
  tilt: 0.6,
} as const;

/** Wrist camera pose from the TCP pose: looks along local -z, up = local +y (three.js). */
export function wristCameraFromTcp(tcp: Pose): Pose {
  const off = rotateVec(tcp.quaternion, WRIST_CAMERA.offset);
  const q = quatMultiply(tcp.quaternion, quatFromRpy(0, WRIST_CAMERA.tilt, 0));
  return {
    position: [tcp.position[0] + off[0], tcp.position[1] + off[1], tcp.position[2] + off[2]],
    quaternion: q,
  };
}
