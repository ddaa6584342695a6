// Public entry of the scripted expert (see ExpertPolicy.ts for the behaviour, phases.ts for the
// waypoint plans and motion.ts for the motion profile).
export { ExpertPolicy, type ExpertOptions } from './ExpertPolicy';
export { EXPERT, PLACE_DEFAULTS, goalPhases, placeOptions, type Phase, type PhaseName, type PickYaw, type PlaceGate, type PlaceOptions, type StackYaw } from './phases';
export { graspYaw, handClearance } from './grasp';
export { MotionController, downQuat, wrapAngle, wrapQuarter, type MotionOptions, type MotionTarget } from './motion';
export { Perturbation, type PerturbationOptions } from './Perturbation';
export { DaggerPolicy, type DaggerOptions, type Driver } from './DaggerPolicy';
