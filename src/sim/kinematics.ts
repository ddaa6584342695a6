// Forward kinematics, geometric Jacobian and damped-least-squares IK of the 7-joint arm.
// Reference: Craig's modified DH convention with the Franka Panda table (constants.ts);
// DLS as in Buss, "Introduction to Inverse Kinematics with Jacobian Transpose, Pseudoinverse
// and Damped Least Squares methods" (2004), plus a null-space pull towards a rest posture.
// Invariants: pure functions of q; the hot paths (fkInto, jacobianInto, the IK loop) allocate
// nothing (module scratch), so the sim can call them every control step. Results never contain
// joints outside JOINT_LIMITS.

import { ARM_BASE, GRIPPER, JOINT_LIMITS, PANDA_MDH } from './constants';
import { quatConjugate, quatFromMat, quatMultiply, rotVecFromQuat, quatAngle } from './math';
import type { Pose, Quat, Vec3 } from './types';

export const N_JOINTS = 7;
/** Frame indices in an FK buffer: 0 base, 1..7 joint frames, 8 flange, 9 hand, 10 TCP. */
export const FRAME_FLANGE = 8;
export const FRAME_HAND = 9;
export const FRAME_TCP = 10;
export const N_FK_FRAMES = 11;

/** Allocates an FK buffer: row-major 4x4 transforms, layout [frame][16]. */
export function makeFkBuffer(): Float64Array {
  return new Float64Array(N_FK_FRAMES * 16);
}

// out[o..o+15] = a[ao..] * b (b given as a row-major 4x4 in `b`).
function mul4(a: Float64Array, ao: number, b: Float64Array, out: Float64Array, o: number): void {
  for (let r = 0; r < 3; r++) {
    const a0 = a[ao + r * 4], a1 = a[ao + r * 4 + 1], a2 = a[ao + r * 4 + 2], a3 = a[ao + r * 4 + 3];
    for (let c = 0; c < 4; c++) {
      out[o + r * 4 + c] = a0 * b[c] + a1 * b[4 + c] + a2 * b[8 + c] + (c === 3 ? a3 : 0);
    }
  }
  out[o + 12] = 0; out[o + 13] = 0; out[o + 14] = 0; out[o + 15] = 1;
}

const LOCAL = new Float64Array(16);

// Modified DH link transform RotX(alpha) * TransX(a) * RotZ(theta) * TransZ(d) into LOCAL.
function mdh(a: number, d: number, alpha: number, theta: number): Float64Array {
  const ct = Math.cos(theta), st = Math.sin(theta), ca = Math.cos(alpha), sa = Math.sin(alpha);
  const m = LOCAL;
  m[0] = ct; m[1] = -st; m[2] = 0; m[3] = a;
  m[4] = st * ca; m[5] = ct * ca; m[6] = -sa; m[7] = -d * sa;
  m[8] = st * sa; m[9] = ct * sa; m[10] = ca; m[11] = d * ca;
  m[12] = 0; m[13] = 0; m[14] = 0; m[15] = 1;
  return m;
}

/** World transforms of every arm frame for joint angles q, into `out` ([frame][16]). */
export function fkInto(q: ArrayLike<number>, out: Float64Array): Float64Array {
  out.fill(0);
  out[0] = 1; out[5] = 1; out[10] = 1; out[15] = 1;
  out[3] = ARM_BASE[0]; out[7] = ARM_BASE[1]; out[11] = ARM_BASE[2];
  for (let i = 0; i < 8; i++) {
    const [a, d, alpha] = PANDA_MDH[i];
    mul4(out, i * 16, mdh(a, d, alpha, i < 7 ? q[i] : 0), out, (i + 1) * 16);
  }
  // Hand: flange turned by handYaw about z.
  mul4(out, FRAME_FLANGE * 16, mdh(0, 0, 0, GRIPPER.handYaw), out, FRAME_HAND * 16);
  // TCP: tcpOffset along the approach axis, turned by pi about x (approach = TCP -z).
  const m = mdh(0, GRIPPER.tcpOffset, 0, 0);
  m[5] = -1; m[10] = -1;
  mul4(out, FRAME_HAND * 16, m, out, FRAME_TCP * 16);
  return out;
}

/** Pose of frame `frame` of an FK buffer (allocates the result). */
export function poseOfFrame(fk: Float64Array, frame: number): Pose {
  const o = frame * 16;
  return {
    position: [fk[o + 3], fk[o + 7], fk[o + 11]],
    quaternion: quatFromMat(fk, 4, o) as Quat,
  };
}

const FK_SCRATCH = makeFkBuffer();

/** Forward kinematics: TCP pose (between the finger pads; approach axis = local -z). */
export function tcpFromQ(q: ArrayLike<number>): Pose {
  fkInto(q, FK_SCRATCH);
  const p = poseOfFrame(FK_SCRATCH, FRAME_TCP);
  if (p.quaternion[3] < 0) for (let i = 0; i < 4; i++) p.quaternion[i] = -p.quaternion[i] || 0;
  return p;
}

/** Geometric Jacobian of the TCP (rows vx vy vz wx wy wz, layout [row][joint]) from an FK
 * buffer already filled for q. Joint i turns about the z axis of frame i. */
export function jacobianInto(fk: Float64Array, J: Float64Array): Float64Array {
  const t = FRAME_TCP * 16;
  const px = fk[t + 3], py = fk[t + 7], pz = fk[t + 11];
  for (let i = 0; i < N_JOINTS; i++) {
    const o = (i + 1) * 16;
    const zx = fk[o + 2], zy = fk[o + 6], zz = fk[o + 10];
    const rx = px - fk[o + 3], ry = py - fk[o + 7], rz = pz - fk[o + 11];
    J[0 * 7 + i] = zy * rz - zz * ry;
    J[1 * 7 + i] = zz * rx - zx * rz;
    J[2 * 7 + i] = zx * ry - zy * rx;
    J[3 * 7 + i] = zx;
    J[4 * 7 + i] = zy;
    J[5 * 7 + i] = zz;
  }
  return J;
}

export interface IkOptions {
  /** Max DLS iterations. @default 100 */
  iterations?: number;
  /** Damping lambda (metres / radians scale). @default 0.02 */
  damping?: number;
  /** Stop when position error is below this (m) ... @default 1e-4 */
  positionTolerance?: number;
  /** ... and orientation error below this (rad). @default 1e-3 */
  orientationTolerance?: number;
  /** Weight of orientation error (radians) against position error (metres). @default 0.5 */
  orientationWeight?: number;
  /** Largest joint change per iteration, rad (keeps DLS steps in the linear regime). @default 0.3 */
  maxIterationStep?: number;
  /** Posture the null space is pulled towards (e.g. HOME_Q); null disables it. @default null */
  restQ?: ArrayLike<number> | null;
  /** Gain of the null-space pull per iteration. @default 0.05 */
  nullspaceGain?: number;
}

export interface IkResult {
  q: number[];
  positionError: number;
  orientationError: number;
}

const IK_FK = makeFkBuffer();
const IK_J = new Float64Array(42); // [row 6][joint 7]
const IK_A = new Float64Array(36); // [6][6] J W J^T + lambda^2 I, then its Cholesky factor
const IK_AJ = new Float64Array(42); // [6][7] A^-1 J (for the null-space projector)
const IK_E = new Float64Array(6);
const IK_Y = new Float64Array(6);
const IK_DQ = new Float64Array(7);
const IK_NS = new Float64Array(7);
const IK_Q = new Float64Array(7);
const IK_QT = [0, 0, 0, 1];
const IK_QC = [0, 0, 0, 1];
const IK_RV = [0, 0, 0];
const IK_ERR = new Float64Array(2); // [position error m, orientation error rad] of IK_Q

// Cholesky factorisation of the 6x6 SPD matrix in A (lower triangle, in place).
function cholesky6(A: Float64Array): void {
  for (let j = 0; j < 6; j++) {
    let s = A[j * 6 + j];
    for (let k = 0; k < j; k++) s -= A[j * 6 + k] * A[j * 6 + k];
    const d = Math.sqrt(Math.max(s, 1e-18));
    A[j * 6 + j] = d;
    for (let i = j + 1; i < 6; i++) {
      let t = A[i * 6 + j];
      for (let k = 0; k < j; k++) t -= A[i * 6 + k] * A[j * 6 + k];
      A[i * 6 + j] = t / d;
    }
  }
}

// Solves L L^T x = b (strided b/x: element i at b[bo + i * stride]), in place in x.
function cholSolve6(L: Float64Array, x: Float64Array, bo: number, stride: number): void {
  for (let i = 0; i < 6; i++) {
    let s = x[bo + i * stride];
    for (let k = 0; k < i; k++) s -= L[i * 6 + k] * x[bo + k * stride];
    x[bo + i * stride] = s / L[i * 6 + i];
  }
  for (let i = 5; i >= 0; i--) {
    let s = x[bo + i * stride];
    for (let k = i + 1; k < 6; k++) s -= L[k * 6 + i] * x[bo + k * stride];
    x[bo + i * stride] = s / L[i * 6 + i];
  }
}

// Errors of the FK in IK_FK against the target; fills IK_E (orientation rows weighted).
function ikError(target: Pose, w: number): void {
  const t = FRAME_TCP * 16;
  IK_E[0] = target.position[0] - IK_FK[t + 3];
  IK_E[1] = target.position[1] - IK_FK[t + 7];
  IK_E[2] = target.position[2] - IK_FK[t + 11];
  quatFromMat(IK_FK, 4, t, IK_QC);
  quatMultiply(target.quaternion, quatConjugate(IK_QC, IK_QT), IK_QT);
  rotVecFromQuat(IK_QT, IK_RV);
  IK_E[3] = w * IK_RV[0]; IK_E[4] = w * IK_RV[1]; IK_E[5] = w * IK_RV[2];
  IK_ERR[0] = Math.hypot(IK_E[0], IK_E[1], IK_E[2]);
  IK_ERR[1] = quatAngle(target.quaternion, IK_QC);
}

/**
 * Damped-least-squares IK for the TCP pose `target`, starting at qInit. Each iteration:
 * dq = J^T (J J^T + lambda^2 I)^-1 e  (+ null-space pull to restQ), clipped to
 * maxIterationStep and to JOINT_LIMITS. Returns the best iterate and its errors.
 */
export function solveIk(target: Pose, qInit: ArrayLike<number>, opts: IkOptions = {}): IkResult {
  ikLoop(target, qInit, opts);
  return { q: Array.from(IK_Q), positionError: IK_ERR[0], orientationError: IK_ERR[1] };
}

function ikLoop(target: Pose, qInit: ArrayLike<number>, opts: IkOptions): void {
  const iterations = opts.iterations ?? 100;
  const lambda = opts.damping ?? 0.02;
  const posTol = opts.positionTolerance ?? 1e-4;
  const rotTol = opts.orientationTolerance ?? 1e-3;
  const w = opts.orientationWeight ?? 0.5;
  const maxStep = opts.maxIterationStep ?? 0.3;
  const rest = opts.restQ ?? null;
  const kNs = opts.nullspaceGain ?? 0.05;
  for (let i = 0; i < N_JOINTS; i++) {
    IK_Q[i] = Math.min(JOINT_LIMITS[i][1], Math.max(JOINT_LIMITS[i][0], qInit[i]));
  }
  fkInto(IK_Q, IK_FK);
  ikError(target, w);
  for (let it = 0; it < iterations && (IK_ERR[0] > posTol || IK_ERR[1] > rotTol); it++) {
    jacobianInto(IK_FK, IK_J);
    for (let r = 3; r < 6; r++) for (let c = 0; c < 7; c++) IK_J[r * 7 + c] *= w;
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c <= r; c++) {
        let s = 0;
        for (let k = 0; k < 7; k++) s += IK_J[r * 7 + k] * IK_J[c * 7 + k];
        IK_A[r * 6 + c] = s + (r === c ? lambda * lambda : 0);
        IK_A[c * 6 + r] = IK_A[r * 6 + c];
      }
    }
    cholesky6(IK_A);
    IK_Y.set(IK_E);
    cholSolve6(IK_A, IK_Y, 0, 1);
    for (let k = 0; k < 7; k++) {
      let s = 0;
      for (let r = 0; r < 6; r++) s += IK_J[r * 7 + k] * IK_Y[r];
      IK_DQ[k] = s;
    }
    if (rest) {
      // dq += (I - J^T A^-1 J) * k * (rest - q): posture pull that (nearly) leaves the TCP alone.
      IK_AJ.set(IK_J);
      for (let c = 0; c < 7; c++) cholSolve6(IK_A, IK_AJ, c, 7);
      for (let k = 0; k < 7; k++) IK_NS[k] = kNs * (rest[k] - IK_Q[k]);
      for (let k = 0; k < 7; k++) {
        let s = IK_NS[k];
        for (let c = 0; c < 7; c++) {
          let p = 0;
          for (let r = 0; r < 6; r++) p += IK_J[r * 7 + k] * IK_AJ[r * 7 + c];
          s -= p * IK_NS[c];
        }
        IK_DQ[k] += s;
      }
    }
    let m = 0;
    for (let k = 0; k < 7; k++) m = Math.max(m, Math.abs(IK_DQ[k]));
    const scale = m > maxStep ? maxStep / m : 1;
    for (let k = 0; k < 7; k++) {
      const v = IK_Q[k] + scale * IK_DQ[k];
      IK_Q[k] = Math.min(JOINT_LIMITS[k][1], Math.max(JOINT_LIMITS[k][0], v));
    }
    fkInto(IK_Q, IK_FK);
    ikError(target, w);
  }
}

/** Allocation-free IK for the control loop: writes the solution into qOut, returns the
 * position error (orientation error in errOut[1] when given). */
export function solveIkInto(
  target: Pose,
  qInit: ArrayLike<number>,
  qOut: { [i: number]: number },
  opts: IkOptions,
  errOut?: { [i: number]: number },
): number {
  ikLoop(target, qInit, opts);
  for (let k = 0; k < 7; k++) qOut[k] = IK_Q[k];
  if (errOut) { errOut[0] = IK_ERR[0]; errOut[1] = IK_ERR[1]; }
  return IK_ERR[0];
}

/** TCP position of an FK buffer (no allocation). */
export function tcpPositionOf(fk: Float64Array, out: { [i: number]: number }): void {
  const t = FRAME_TCP * 16;
  out[0] = fk[t + 3]; out[1] = fk[t + 7]; out[2] = fk[t + 11];
}

export type { Vec3 };
