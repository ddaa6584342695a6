// Smooth Cartesian motion for the scripted expert: turns "go to this TCP position and yaw" into
// one 7-D delta action per 20 Hz step.
// Profile: proportional approach (velocity = gain * error, so it slows down smoothly near the
// target), capped in speed (a straight line, direction preserved) and in acceleration per step
// (no jerky starts). Orientation: the error rotation from the current TCP orientation to
// "pointing down at yaw psi" as a world-frame rotation vector, which for small steps equals the
// action's roll/pitch/yaw delta (R = Rz*Ry*Rx applied on the left).
//
// Invariants: output positions are within +-vmax per step (<= ACTION_LIMITS.maxPosDelta) and
// rotations within +-maxRot; the only state is the previous velocity (reset() clears it,
// follow() sets it to a velocity some other controller commanded).

import { ACTION_LIMITS } from '../sim/constants';
import { quatConjugate, quatMultiply, rotVecFromQuat } from '../sim/math';
import type { Quat, SimState, Vec3 } from '../sim/types';

export interface MotionOptions {
  /** Proportional gain on position error, per step. @default 0.3 */
  gain?: number;
  /** Largest change of the commanded velocity per step, metres/step. @default 0.004 */
  maxAccel?: number;
  /** Proportional gain on orientation error, per step. @default 0.4 */
  rotGain?: number;
  /** Largest rotation per step, radians. @default 0.1 */
  maxRot?: number;
}

export interface MotionTarget {
  position: Vec3;
  /** TCP yaw about world z, radians (gripper pointing down). */
  yaw: number;
  /** Speed cap for this motion, metres per step. */
  vmax: number;
}

/** Wraps an angle to (-pi, pi]. */
export function wrapAngle(a: number): number {
  const w = a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
  return w <= -Math.PI ? w + 2 * Math.PI : w;
}

/** Wraps an angle to (-pi/4, pi/4]: the equivalent yaw of a square (90-degree symmetric) shape. */
export function wrapQuarter(a: number): number {
  const q = Math.PI / 2;
  let w = a - q * Math.round(a / q);
  if (w <= -Math.PI / 4) w += q;
  return w;
}

/** Quaternion of the TCP pointing down with yaw psi (pointing down is the identity). */
export function downQuat(psi: number): Quat {
  return [0, 0, Math.sin(psi / 2), Math.cos(psi / 2)];
}

export class MotionController {
  private readonly gain: number;
  private readonly maxAccel: number;
  private readonly rotGain: number;
  private readonly maxRot: number;
  private readonly vel: Vec3 = [0, 0, 0];

  constructor(options: MotionOptions = {}) {
    this.gain = options.gain ?? 0.3;
    this.maxAccel = options.maxAccel ?? 0.004;
    this.rotGain = options.rotGain ?? 0.4;
    this.maxRot = Math.min(options.maxRot ?? 0.1, ACTION_LIMITS.maxRotDelta);
  }

  reset(): void {
    this.vel.fill(0);
  }

  /** Takes `delta` (metres per step, clamped to the action limits) as the velocity the arm was
   * last commanded, when something other than this controller moved it (a learner under DAgger):
   * the next command then accelerates from the arm's real motion, not from the motion this
   * controller would have made. */
  follow(delta: ArrayLike<number>): void {
    const lim = ACTION_LIMITS.maxPosDelta;
    for (let i = 0; i < 3; i++) this.vel[i] = Number.isFinite(delta[i]) ? Math.max(-lim, Math.min(lim, delta[i])) : 0;
  }

  /** Position and orientation deltas [dx, dy, dz, droll, dpitch, dyaw] towards `target`. */
  command(state: SimState, target: MotionTarget): number[] {
    const p = state.arm.tcp.position;
    const vmax = Math.min(target.vmax, ACTION_LIMITS.maxPosDelta);
    const err = [target.position[0] - p[0], target.position[1] - p[1], target.position[2] - p[2]];
    const want = err.map((e) => this.gain * e);
    const speed = Math.hypot(want[0], want[1], want[2]);
    if (speed > vmax) for (let i = 0; i < 3; i++) want[i] *= vmax / speed;
    // Acceleration limit on the velocity vector as a whole keeps the path straight.
    const dv = [want[0] - this.vel[0], want[1] - this.vel[1], want[2] - this.vel[2]];
    const dvn = Math.hypot(dv[0], dv[1], dv[2]);
    const s = dvn > this.maxAccel ? this.maxAccel / dvn : 1;
    for (let i = 0; i < 3; i++) this.vel[i] += dv[i] * s;
    // Never overshoot: the last step of an approach lands exactly on the target.
    for (let i = 0; i < 3; i++) if (Math.abs(this.vel[i]) > Math.abs(err[i]) && Math.sign(this.vel[i]) === Math.sign(err[i])) this.vel[i] = err[i];
    const qErr = quatMultiply(downQuat(target.yaw), quatConjugate(state.arm.tcp.quaternion));
    const rv = rotVecFromQuat(qErr); // shortest way round (it picks the w >= 0 hemisphere)
    const rot = rv.map((r) => Math.max(-this.maxRot, Math.min(this.maxRot, this.rotGain * r)));
    return [this.vel[0], this.vel[1], this.vel[2], rot[0], rot[1], rot[2]];
  }
}

/** Distance from the TCP to a position, and the TCP's yaw error to psi. */
export function trackingError(state: SimState, position: Vec3, psi: number): { dist: number; yawErr: number } {
  const p = state.arm.tcp.position;
  const q = state.arm.tcp.quaternion;
  const yaw = Math.atan2(2 * (q[3] * q[2] + q[0] * q[1]), 1 - 2 * (q[1] * q[1] + q[2] * q[2]));
  return { dist: Math.hypot(position[0] - p[0], position[1] - p[1], position[2] - p[2]), yawErr: Math.abs(wrapAngle(psi - yaw)) };
}
