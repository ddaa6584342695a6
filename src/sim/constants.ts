// Fixed dimensions of the tabletop world and the arm, shared by the physics, the kinematics
// and the renderer (which draws the arm from Sim.armFrames() and these numbers).
// Reference: Franka Emika Panda datasheet and modified DH table (joint limits, link offsets,
// hand/finger sizes, 0.08 m max opening), rounded; a simulated stand-in, not a calibrated model.
// Invariants: metres, radians, world Z-up with the table top at z = 0 (see types.ts).

import type { ObjectKind, Vec3 } from './types';

/** Table top centred on the origin, top surface at z = 0. */
export const TABLE = {
  /** Half length along x, metres. */
  halfX: 0.6,
  /** Half width along y, metres. */
  halfY: 0.4,
  /** Thickness of the top slab, metres. */
  thickness: 0.04,
  /** Leg height: the floor lies at z = -height. */
  height: 0.75,
} as const;

/** Workspace where objects are placed; every point of it is reachable gripper-down. */
export const WORKSPACE = { xMin: -0.2, xMax: 0.25, yMin: -0.25, yMax: 0.25 } as const;

/** Robot base (joint-1 axis foot) on the table, facing +x. */
export const ARM_BASE: Vec3 = [-0.48, 0, 0];

/** Panda modified (Craig) DH rows [a_{i-1}, d_i, alpha_{i-1}] for joints 1..7, then the flange. */
export const PANDA_MDH: readonly (readonly [number, number, number])[] = [
  [0, 0.333, 0],
  [0, 0, -Math.PI / 2],
  [0, 0.316, Math.PI / 2],
  [0.0825, 0, Math.PI / 2],
  [-0.0825, 0.384, -Math.PI / 2],
  [0, 0, Math.PI / 2],
  [0.088, 0, Math.PI / 2],
  [0, 0.107, 0], // flange (no joint)
];

/** Panda joint position limits, radians. */
export const JOINT_LIMITS: [number, number][] = [
  [-2.8973, 2.8973],
  [-1.7628, 1.7628],
  [-2.8973, 2.8973],
  [-3.0718, -0.0698],
  [-2.8973, 2.8973],
  [-0.0175, 3.7525],
  [-2.8973, 2.8973],
];

/** Panda joint speed limits, rad/s; the controller moves no joint faster. */
export const JOINT_SPEED_LIMITS: readonly number[] = [2.175, 2.175, 2.175, 2.175, 2.61, 2.61, 2.61];

/** Home configuration: gripper pointing straight down, TCP 0.28 m above the workspace centre
 * (x = 0.025, y = 0), solved once with solveIk and rounded (tests/sim/kinematics checks it). */
export const HOME_Q: number[] = [0, -0.07076, 0, -2.28293, 0, 2.21217, 0.7854];

/** Hand and finger geometry. The hand frame is the Panda's: +z is the approach axis (away from
 * the flange), fingers slide along +-y. The TCP frame (what poses and actions refer to) is the
 * hand frame turned by pi about x: local -z is the approach axis, so "pointing down" is the
 * identity quaternion and reported quaternions stay far from the w = 0 sign flip. */
export const GRIPPER = {
  /** Flange to TCP distance along the approach axis (Panda: 0.1034). */
  tcpOffset: 0.1034,
  /** Hand rotation about the flange z axis (Panda: -pi/4). */
  handYaw: -Math.PI / 4,
  /** Max distance between the finger pads, metres. */
  maxOpening: 0.08,
  /** Seconds from fully open to fully closed. */
  closeTime: 0.2,
  /** Finger box half extents in the hand frame [x (pad width), y (thickness), z (length)]. */
  fingerHalf: [0.01, 0.006, 0.025] as Vec3,
  /** Finger box centre along the approach axis, measured from the TCP (negative = towards
   * the flange): fingertips reach 0.015 m past the TCP. */
  fingerCenter: -0.01,
  /** Hand (palm) box half extents in the hand frame. */
  handHalf: [0.03, 0.085, 0.033] as Vec3,
  /** Hand box centre along the approach axis from the flange. */
  handCenter: 0.033,
} as const;

/** Grasp rule tolerances, metres. */
export const GRASP_RULE = {
  /** Attach when |opening - object width| <= this (the pads touch the object). */
  widthTolerance: 0.004,
  /** Slack around the pad rectangle (hand x and approach axis) for the object's centre. */
  padTolerance: 0.012,
} as const;

/** Per-control-step action bounds: actions are clipped to +-these before use. */
export const ACTION_LIMITS = {
  /** Metres per control step per axis (0.4 m/s at 20 Hz). */
  maxPosDelta: 0.02,
  /** Radians per control step per axis (2 rad/s at 20 Hz; below the wrist's 2.61 rad/s limit,
   * so a full-scale rotation is still tracked exactly). */
  maxRotDelta: 0.1,
} as const;

/** Box the commanded TCP is kept inside: above the table so fingertips never dig into it. */
export const TCP_BOUNDS = {
  min: [-0.45, -0.38, 0.016] as Vec3,
  max: [0.45, 0.38, 0.6] as Vec3,
} as const;

const DEFAULT_SIZE: Record<ObjectKind, number> = {
  cube: 0.04,
  cylinder: 0.04,
  ball: 0.04,
  bowl: 0.16,
  plate: 0.18,
  tray: 0.22,
};

/** Default characteristic size (cube edge, diameter, receptacle width), metres. */
export function defaultSize(kind: ObjectKind): number {
  const s = DEFAULT_SIZE[kind];
  if (s === undefined) throw new Error(`defaultSize: unknown object kind "${String(kind)}"`);
  return s;
}

/** Bounding-box height of an object of this kind and size, metres. */
export function objectHeight(kind: ObjectKind, size: number): number {
  switch (kind) {
    case 'cube':
    case 'ball':
      return size;
    case 'cylinder':
      return 1.25 * size;
    case 'bowl':
      return 0.3 * size;
    case 'plate':
      return 0.1 * size;
    case 'tray':
      return 0.18 * size;
  }
}
