// Public entry of the headless simulator: everything tasks, the expert, the renderer and the
// policy loop may use. Physics objects (cannon-es) never cross this boundary.

export * from './types';
export { Sim, type SimOptions } from './Sim';
export {
  ACTION_LIMITS, ARM_BASE, GRIPPER, HOME_Q, JOINT_LIMITS, JOINT_SPEED_LIMITS, TABLE, TCP_BOUNDS, WORKSPACE,
  defaultSize, objectHeight,
} from './constants';
export {
  ARM_FRAME_BASE, ARM_FRAME_COUNT, ARM_FRAME_HAND, ARM_FRAME_LEFT_FINGER, ARM_FRAME_RIGHT_FINGER,
  ARM_GEOMETRY, WRIST_CAMERA, type LinkSegment,
} from './armGeometry';
export { solveIk, tcpFromQ, type IkOptions, type IkResult } from './kinematics';
export { GRASP_RULE } from './constants';
export { objectGeometry, type ObjectGeometry, type ShapePart } from './shapes';
export { footprintRadius, validateSceneSpec, type ValidateOptions } from './scene';
export type { ControllerOptions } from './controller';
export * as simMath from './math';
