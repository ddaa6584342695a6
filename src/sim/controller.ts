// End-effector delta controller: action -> clipped TCP target -> DLS IK -> joint target, and
// the TCP/hand poses between the old and new joint angles for the physics substeps.
// Reference: OpenVLA/LIBERO delta end-effector control (world-frame position delta, rotation
// delta applied on the left of the current orientation); Panda joint speed limits.
// Invariants: a non-finite or short action is refused (zero motion, gripper unchanged) before
// any arithmetic touches the state; targets are re-based on the actual TCP each step, so IK
// residuals never accumulate; no joint moves faster than JOINT_SPEED_LIMITS.

import { ACTION_LIMITS, GRIPPER, HOME_Q, JOINT_LIMITS, JOINT_SPEED_LIMITS, TCP_BOUNDS } from './constants';
import { FRAME_TCP, fkInto, makeFkBuffer, solveIkInto, type IkOptions } from './kinematics';
import {
  clamp, quatCanonical, quatConjugate, quatFromMat, quatFromRpy, quatMultiply, quatSlerp,
  rotateVec, rotVecFromQuat,
} from './math';
import { ACTION_DIM, CONTROL_HZ, type Pose, type Quat, type Vec3 } from './types';

export interface ControllerOptions {
  /** DLS iterations per control step (warm-started from the current q). @default 8 */
  ikIterations?: number;
  /** DLS damping. @default 0.02 */
  ikDamping?: number;
  /** Null-space pull towards HOME_Q per IK iteration (keeps the elbow posture sane). @default 0.02 */
  nullspaceGain?: number;
}

/** What the controller made of one action. */
export interface PlannedStep {
  /** Thresholded gripper command: -1 open, +1 close. */
  gripper: number;
  clipped: boolean;
  refused: boolean;
  ikPositionError: number;
}

// Hand frame = TCP frame turned back by pi about x, tcpOffset behind the pads.
const TCP_TO_HAND_Q: Quat = [1, 0, 0, 0];
const TCP_TO_HAND_P: Vec3 = [0, 0, GRIPPER.tcpOffset]; // in the TCP frame (+z away from the pads)

function pose(): Pose {
  return { position: [0, 0, 0], quaternion: [0, 0, 0, 1] };
}

export class Controller {
  /** Current joint angles (committed at the end of each control step). */
  readonly q = new Float64Array(7);
  private readonly qNew = new Float64Array(7);
  private readonly fk = makeFkBuffer();
  private readonly tcp0 = pose(); // TCP at the start of the step
  private readonly tcp1 = pose(); // TCP at the end of the step (after IK)
  private readonly target = pose();
  private readonly ikOpts: IkOptions;
  private readonly dq = [0, 0, 0, 0, 0, 0];
  private readonly tmpQ: Quat = [0, 0, 0, 1];
  /** TCP linear (m/s) and angular (rad/s) velocity over the last committed step. */
  readonly linVel: Vec3 = [0, 0, 0];
  readonly angVel: Vec3 = [0, 0, 0];
  /** Hand pose for q at construction. */
  readonly handPose0 = pose();

  constructor(q0: ArrayLike<number>, opts: ControllerOptions = {}) {
    for (let i = 0; i < 7; i++) this.q[i] = q0[i];
    this.qNew.set(this.q);
    this.ikOpts = {
      iterations: opts.ikIterations ?? 8,
      damping: opts.ikDamping ?? 0.02,
      positionTolerance: 2e-5,
      orientationTolerance: 2e-4,
      restQ: HOME_Q,
      nullspaceGain: opts.nullspaceGain ?? 0.02,
    };
    this.readTcp(this.q, this.tcp0);
    this.copyPose(this.tcp0, this.tcp1);
    this.handFromTcp(this.tcp0, this.handPose0);
  }

  private readTcp(q: ArrayLike<number>, out: Pose): void {
    fkInto(q, this.fk);
    const t = FRAME_TCP * 16;
    out.position[0] = this.fk[t + 3]; out.position[1] = this.fk[t + 7]; out.position[2] = this.fk[t + 11];
    quatFromMat(this.fk, 4, t, out.quaternion);
  }

  private copyPose(a: Pose, b: Pose): void {
    for (let i = 0; i < 3; i++) b.position[i] = a.position[i];
    for (let i = 0; i < 4; i++) b.quaternion[i] = a.quaternion[i];
  }

  /** Hand frame pose of a TCP pose, into `out`. */
  handFromTcp(tcp: Pose, out: Pose): Pose {
    rotateVec(tcp.quaternion, TCP_TO_HAND_P, out.position);
    for (let i = 0; i < 3; i++) out.position[i] += tcp.position[i];
    quatMultiply(tcp.quaternion, TCP_TO_HAND_Q, out.quaternion);
    return out;
  }

  /** Clips/refuses `action`, solves IK for the new TCP target, prepares the interpolation. */
  plan(action: ArrayLike<number>, currentGripper: number): PlannedStep {
    let refused = !action || action.length < ACTION_DIM;
    for (let i = 0; i < ACTION_DIM && !refused; i++) if (!Number.isFinite(action[i])) refused = true;
    this.qNew.set(this.q);
    this.copyPose(this.tcp0, this.tcp1);
    if (refused) return { gripper: currentGripper, clipped: false, refused: true, ikPositionError: 0 };
    let clipped = false;
    for (let i = 0; i < 6; i++) {
      const lim = i < 3 ? ACTION_LIMITS.maxPosDelta : ACTION_LIMITS.maxRotDelta;
      const v = action[i];
      if (v > lim || v < -lim) clipped = true;
      this.dq[i] = clamp(v, -lim, lim);
    }
    const g = action[6];
    if (g > 1 || g < -1) clipped = true;
    const gripper = g > 0 ? 1 : -1;
    const moving = this.dq.some((v) => v !== 0);
    if (!moving) return { gripper, clipped, refused: false, ikPositionError: 0 };
    const tp = this.target.position;
    for (let i = 0; i < 3; i++) tp[i] = clamp(this.tcp0.position[i] + this.dq[i], TCP_BOUNDS.min[i], TCP_BOUNDS.max[i]);
    quatFromRpy(this.dq[3], this.dq[4], this.dq[5], this.tmpQ);
    quatMultiply(this.tmpQ, this.tcp0.quaternion, this.target.quaternion);
    solveIkInto(this.target, this.q, this.qNew, this.ikOpts);
    const dtCtl = 1 / CONTROL_HZ;
    for (let i = 0; i < 7; i++) {
      const m = JOINT_SPEED_LIMITS[i] * dtCtl;
      const v = this.q[i] + clamp(this.qNew[i] - this.q[i], -m, m);
      this.qNew[i] = clamp(v, JOINT_LIMITS[i][0], JOINT_LIMITS[i][1]);
    }
    this.readTcp(this.qNew, this.tcp1);
    const e = Math.hypot(tp[0] - this.tcp1.position[0], tp[1] - this.tcp1.position[1], tp[2] - this.tcp1.position[2]);
    return { gripper, clipped, refused: false, ikPositionError: e };
  }

  /** TCP pose at fraction t of the current step (straight line + slerp), into `out`. */
  tcpAt(t: number, out: Pose): Pose {
    const a = this.tcp0, b = this.tcp1;
    for (let i = 0; i < 3; i++) out.position[i] = a.position[i] + t * (b.position[i] - a.position[i]);
    quatSlerp(a.quaternion, b.quaternion, t, out.quaternion);
    return out;
  }

  /** Accepts the planned joint angles as the new state; updates the step velocities. */
  commit(): void {
    const f = CONTROL_HZ;
    for (let i = 0; i < 3; i++) this.linVel[i] = (this.tcp1.position[i] - this.tcp0.position[i]) * f;
    quatMultiply(this.tcp1.quaternion, quatConjugate(this.tcp0.quaternion, this.tmpQ), this.tmpQ);
    rotVecFromQuat(this.tmpQ, this.angVel);
    for (let i = 0; i < 3; i++) this.angVel[i] *= f;
    this.q.set(this.qNew);
    this.copyPose(this.tcp1, this.tcp0);
  }

  /** Current TCP pose, canonical quaternion (fresh copy). */
  tcpPose(): Pose {
    return {
      position: [...this.tcp0.position] as Vec3,
      quaternion: quatCanonical(this.tcp0.quaternion),
    };
  }

  /** Current TCP position (live reference: do not modify). */
  get tcpPosition(): Readonly<Vec3> {
    return this.tcp0.position;
  }
}
