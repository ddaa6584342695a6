// The simulator's public contract: what tasks, the expert, the renderer and the policy loop
// may rely on. Pure data types, no cannon-es here, so consumers never see physics objects.
//
// Frames and units (fixed project-wide):
// - World frame is Z-up, metres, radians. The table top is the plane z = 0, centred on the
//   origin; the robot base stands at ARM_BASE (behind the table centre, facing +x).
// - Quaternions are [x, y, z, w] (cannon-es / three.js order), sign-canonicalised to w >= 0
//   wherever they are reported.
// - Action (20 Hz control): [dx, dy, dz, droll, dpitch, dyaw, gripper]. Positions are world-frame
//   end-effector (TCP) deltas in metres per control step; rotations are a world-frame rotation
//   delta (roll about x, then pitch about y, then yaw about z, i.e. R = Rz*Ry*Rx) applied on
//   the left of the current TCP orientation; gripper is -1 = open, +1 = close (LIBERO sign),
//   values in between are thresholded at 0.
// - Proprio: [x, y, z, qx, qy, qz, qw, opening] -> TCP position, TCP orientation, finger
//   opening (distance between the finger pads, metres).

export type Vec3 = [number, number, number];
export type Quat = [number, number, number, number];

export interface Pose {
  position: Vec3;
  quaternion: Quat;
}

export const CONTROL_HZ = 20;
export const ACTION_DIM = 7;
export const ACTION_NAMES = ['dx', 'dy', 'dz', 'droll', 'dpitch', 'dyaw', 'gripper'] as const;
export const PROPRIO_DIM = 8;
export const PROPRIO_NAMES = ['x', 'y', 'z', 'qx', 'qy', 'qz', 'qw', 'opening'] as const;

export type ObjectKind = 'cube' | 'cylinder' | 'ball' | 'bowl' | 'plate' | 'tray';
export const GRASPABLE_KINDS: readonly ObjectKind[] = ['cube', 'cylinder', 'ball'];
export const RECEPTACLE_KINDS: readonly ObjectKind[] = ['bowl', 'plate', 'tray'];

export type ColorName =
  | 'red'
  | 'green'
  | 'blue'
  | 'yellow'
  | 'purple'
  | 'orange'
  | 'white'
  | 'black'
  | 'brown'
  | 'pink';

/** One object to place in a scene. z is not given: the object is set resting on the table. */
export interface ObjectSpec {
  /** Unique within the scene, e.g. "red_cube". */
  id: string;
  kind: ObjectKind;
  color: ColorName;
  x: number;
  y: number;
  /** Rotation about world z, radians. */
  yaw: number;
  /** Characteristic size in metres (cube edge, cylinder/ball diameter, receptacle outer
   * diameter or width). Omitted -> the kind's default. */
  size?: number;
}

export interface SceneSpec {
  objects: ObjectSpec[];
  /** Initial joint angles; omitted -> the arm's home configuration. */
  armQ?: number[];
}

export interface ObjectState {
  id: string;
  kind: ObjectKind;
  color: ColorName;
  /** Resolved size in metres (see ObjectSpec.size). */
  size: number;
  /** Height of the object's bounding box in metres (for rendering and predicates). */
  height: number;
  position: Vec3;
  quaternion: Quat;
  linearVelocity: Vec3;
  /** True while attached to the gripper by the grasp rule. */
  grasped: boolean;
}

export interface ArmState {
  /** Joint angles, radians, one per arm joint. */
  q: number[];
  /** Tool centre point (between the finger pads) in world frame. */
  tcp: Pose;
  /** Distance between the finger pads, metres. */
  opening: number;
  /** Last gripper command after thresholding: -1 open, +1 close. */
  gripperCommand: number;
  /** Id of the grasped object, or null. */
  grasped: string | null;
}

export type SimFailure = 'physics-blowup';

export interface SimState {
  /** Control steps taken since reset. */
  step: number;
  arm: ArmState;
  objects: ObjectState[];
  /** Set once the physics produced non-finite or absurd values; the episode must end failed. */
  failure: SimFailure | null;
}

export interface StepInfo {
  /** Some action component was out of bounds and was clipped. */
  clipped: boolean;
  /** The action had a non-finite component and was replaced by a hold (zero motion, gripper
   * unchanged). The sim state is never touched by non-finite numbers. */
  refused: boolean;
  /** Remaining TCP position error after IK this step, metres. */
  ikPositionError: number;
  failure: SimFailure | null;
}

// Runtime lists of the union types above (for validation, UIs and task generators).
export const OBJECT_KINDS: readonly ObjectKind[] = ['cube', 'cylinder', 'ball', 'bowl', 'plate', 'tray'];
export const COLOR_NAMES: readonly ColorName[] = [
  'red', 'green', 'blue', 'yellow', 'purple', 'orange', 'white', 'black', 'brown', 'pink',
];
