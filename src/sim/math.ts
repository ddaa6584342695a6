// Small rotation/vector math shared by the sim, the expert and the renderer.
// Reference: quaternion algebra as in cannon-es `Quaternion` (x, y, z, w order) and the
// roll/pitch/yaw convention of src/sim/types.ts: R = Rz(yaw) * Ry(pitch) * Rx(roll).
// Invariants: every function with an `out` argument writes into it and returns it, allocating
// nothing, so hot loops (IK, substeps) can pass module-level scratch arrays; `out` may alias
// an input. Without `out` a fresh tuple is returned.

import type { Quat, Vec3 } from './types';

/** Anything indexable that a result can be written into (tuple, number[], Float64Array). */
export type Out = { [index: number]: number };

export function quatMultiply(a: ArrayLike<number>, b: ArrayLike<number>, out?: Out): Quat {
  const o = (out ?? [0, 0, 0, 1]) as Quat;
  const ax = a[0], ay = a[1], az = a[2], aw = a[3];
  const bx = b[0], by = b[1], bz = b[2], bw = b[3];
  o[0] = aw * bx + ax * bw + ay * bz - az * by;
  o[1] = aw * by - ax * bz + ay * bw + az * bx;
  o[2] = aw * bz + ax * by - ay * bx + az * bw;
  o[3] = aw * bw - ax * bx - ay * by - az * bz;
  return o;
}

export function quatConjugate(q: ArrayLike<number>, out?: Out): Quat {
  const o = (out ?? [0, 0, 0, 1]) as Quat;
  o[0] = -q[0];
  o[1] = -q[1];
  o[2] = -q[2];
  o[3] = q[3];
  return o;
}

export function quatNormalize(q: ArrayLike<number>, out?: Out): Quat {
  const o = (out ?? [0, 0, 0, 1]) as Quat;
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  if (!(n > 0)) {
    o[0] = 0; o[1] = 0; o[2] = 0; o[3] = 1;
    return o;
  }
  o[0] = q[0] / n; o[1] = q[1] / n; o[2] = q[2] / n; o[3] = q[3] / n;
  return o;
}

/** Sign-canonicalise to w >= 0 (q and -q are the same rotation); reported quaternions use it. */
export function quatCanonical(q: ArrayLike<number>, out?: Out): Quat {
  const o = (out ?? [0, 0, 0, 1]) as Quat;
  const s = q[3] < 0 ? -1 : 1;
  o[0] = s * q[0]; o[1] = s * q[1]; o[2] = s * q[2]; o[3] = s * q[3];
  // -0 would make bit-identical comparisons and JSON round trips disagree.
  for (let i = 0; i < 4; i++) if (o[i] === 0) o[i] = 0;
  return o;
}

/** Quaternion of R = Rz(yaw) * Ry(pitch) * Rx(roll). */
export function quatFromRpy(roll: number, pitch: number, yaw: number, out?: Out): Quat {
  const o = (out ?? [0, 0, 0, 1]) as Quat;
  const cr = Math.cos(roll / 2), sr = Math.sin(roll / 2);
  const cp = Math.cos(pitch / 2), sp = Math.sin(pitch / 2);
  const cy = Math.cos(yaw / 2), sy = Math.sin(yaw / 2);
  o[0] = sr * cp * cy - cr * sp * sy;
  o[1] = cr * sp * cy + sr * cp * sy;
  o[2] = cr * cp * sy - sr * sp * cy;
  o[3] = cr * cp * cy + sr * sp * sy;
  return o;
}

/** Inverse of quatFromRpy: [roll, pitch, yaw] with pitch in [-pi/2, pi/2]. */
export function rpyFromQuat(q: ArrayLike<number>, out?: Out): Vec3 {
  const o = (out ?? [0, 0, 0]) as Vec3;
  const x = q[0], y = q[1], z = q[2], w = q[3];
  o[0] = Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
  const s = 2 * (w * y - z * x);
  o[1] = Math.asin(s > 1 ? 1 : s < -1 ? -1 : s);
  o[2] = Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
  return o;
}

/** Quaternion of the rotation vector v (axis * angle, radians). */
export function quatFromRotVec(v: ArrayLike<number>, out?: Out): Quat {
  const o = (out ?? [0, 0, 0, 1]) as Quat;
  const angle = Math.hypot(v[0], v[1], v[2]);
  // sin(a/2)/a -> 1/2 as a -> 0; the series keeps tiny rotations exact.
  const k = angle < 1e-8 ? 0.5 - (angle * angle) / 48 : Math.sin(angle / 2) / angle;
  o[0] = v[0] * k; o[1] = v[1] * k; o[2] = v[2] * k; o[3] = Math.cos(angle / 2);
  return o;
}

/** Quaternion of a rotation by `angle` radians about the unit vector `axis`. */
export function quatFromAxisAngle(axis: ArrayLike<number>, angle: number, out?: Out): Quat {
  const o = (out ?? [0, 0, 0, 1]) as Quat;
  const s = Math.sin(angle / 2);
  o[0] = axis[0] * s; o[1] = axis[1] * s; o[2] = axis[2] * s; o[3] = Math.cos(angle / 2);
  return o;
}

/** Rotation vector (axis * angle, angle in [0, pi]) of q; the shortest rotation. */
export function rotVecFromQuat(q: ArrayLike<number>, out?: Out): Vec3 {
  const o = (out ?? [0, 0, 0]) as Vec3;
  const s = q[3] < 0 ? -1 : 1; // pick the hemisphere with angle <= pi
  const x = s * q[0], y = s * q[1], z = s * q[2], w = s * q[3];
  const sinHalf = Math.hypot(x, y, z);
  const angle = 2 * Math.atan2(sinHalf, w);
  const k = sinHalf < 1e-8 ? 2 / (w || 1) : angle / sinHalf;
  o[0] = x * k; o[1] = y * k; o[2] = z * k;
  return o;
}

/** Angle in [0, pi] between two orientations. */
export function quatAngle(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]);
  return 2 * Math.acos(d > 1 ? 1 : d);
}

/** v rotated by unit quaternion q. */
export function rotateVec(q: ArrayLike<number>, v: ArrayLike<number>, out?: Out): Vec3 {
  const o = (out ?? [0, 0, 0]) as Vec3;
  const qx = q[0], qy = q[1], qz = q[2], qw = q[3];
  const vx = v[0], vy = v[1], vz = v[2];
  // t = 2 * cross(q.xyz, v); v' = v + w * t + cross(q.xyz, t)
  const tx = 2 * (qy * vz - qz * vy);
  const ty = 2 * (qz * vx - qx * vz);
  const tz = 2 * (qx * vy - qy * vx);
  o[0] = vx + qw * tx + (qy * tz - qz * ty);
  o[1] = vy + qw * ty + (qz * tx - qx * tz);
  o[2] = vz + qw * tz + (qx * ty - qy * tx);
  return o;
}

/** Spherical interpolation along the shortest arc; t in [0, 1]. */
export function quatSlerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number, out?: Out): Quat {
  const o = (out ?? [0, 0, 0, 1]) as Quat;
  let bx = b[0], by = b[1], bz = b[2], bw = b[3];
  let cos = a[0] * bx + a[1] * by + a[2] * bz + a[3] * bw;
  if (cos < 0) { cos = -cos; bx = -bx; by = -by; bz = -bz; bw = -bw; }
  let ka: number, kb: number;
  if (cos > 0.9995) {
    ka = 1 - t; kb = t; // nearly parallel: lerp then normalise is exact enough
  } else {
    const th = Math.acos(cos), s = Math.sin(th);
    ka = Math.sin((1 - t) * th) / s; kb = Math.sin(t * th) / s;
  }
  o[0] = ka * a[0] + kb * bx; o[1] = ka * a[1] + kb * by;
  o[2] = ka * a[2] + kb * bz; o[3] = ka * a[3] + kb * bw;
  return quatNormalize(o, o);
}

/** Row-major 3x3 rotation matrix of q, written into out[offset .. offset+8]. */
export function mat3FromQuat<T extends Out>(q: ArrayLike<number>, out: T, offset = 0): T {
  const x = q[0], y = q[1], z = q[2], w = q[3];
  out[offset + 0] = 1 - 2 * (y * y + z * z);
  out[offset + 1] = 2 * (x * y - z * w);
  out[offset + 2] = 2 * (x * z + y * w);
  out[offset + 3] = 2 * (x * y + z * w);
  out[offset + 4] = 1 - 2 * (x * x + z * z);
  out[offset + 5] = 2 * (y * z - x * w);
  out[offset + 6] = 2 * (x * z - y * w);
  out[offset + 7] = 2 * (y * z + x * w);
  out[offset + 8] = 1 - 2 * (x * x + y * y);
  return out;
}

/** Quaternion of the rotation part of a row-major matrix m with row stride `stride`
 * (3 for a 3x3, 4 for a 4x4 transform), starting at m[offset]. Shepperd's method. */
export function quatFromMat(m: ArrayLike<number>, stride: number, offset = 0, out?: Out): Quat {
  const o = (out ?? [0, 0, 0, 1]) as Quat;
  const r = (i: number, j: number) => m[offset + i * stride + j];
  const m00 = r(0, 0), m11 = r(1, 1), m22 = r(2, 2);
  const tr = m00 + m11 + m22;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    o[3] = 0.25 * s; o[0] = (r(2, 1) - r(1, 2)) / s;
    o[1] = (r(0, 2) - r(2, 0)) / s; o[2] = (r(1, 0) - r(0, 1)) / s;
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    o[3] = (r(2, 1) - r(1, 2)) / s; o[0] = 0.25 * s;
    o[1] = (r(0, 1) + r(1, 0)) / s; o[2] = (r(0, 2) + r(2, 0)) / s;
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    o[3] = (r(0, 2) - r(2, 0)) / s; o[0] = (r(0, 1) + r(1, 0)) / s;
    o[1] = 0.25 * s; o[2] = (r(1, 2) + r(2, 1)) / s;
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    o[3] = (r(1, 0) - r(0, 1)) / s; o[0] = (r(0, 2) + r(2, 0)) / s;
    o[1] = (r(1, 2) + r(2, 1)) / s; o[2] = 0.25 * s;
  }
  return quatNormalize(o, o);
}

export function vecLength(v: ArrayLike<number>): number {
  return Math.hypot(v[0], v[1], v[2]);
}

export function vecDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
