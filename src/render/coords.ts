// Coordinate helpers: the ONLY place where sim conventions meet three.js conventions.
// Reference: src/sim/types.ts (world Z-up, metres, quaternions [x, y, z, w]).
// Invariants:
// - The three.js scene uses the sim's world frame unchanged (Z-up). Nothing is re-axed at the
//   scene root, so a sim pose is copied verbatim; only cameras and controls need `up = +z`,
//   and three's Y-axis primitives (cylinder, lathe, capsule) are turned onto +z here.
// - Call `useZUp()` before creating any Object3D, so cameras and lights inherit up = +z.
import * as THREE from 'three';
import type { Pose, Quat, Vec3 } from '../sim/types';

/** World up in the sim frame. */
export const WORLD_UP: Readonly<THREE.Vector3> = new THREE.Vector3(0, 0, 1);

/** Makes +z the default `up` of every Object3D created afterwards (cameras, OrbitControls). */
export function useZUp(): void {
  THREE.Object3D.DEFAULT_UP.set(0, 0, 1);
}

/** Copies a sim position into a three.js vector (same frame, no conversion). */
export function toVector3(p: Vec3, target: THREE.Vector3): THREE.Vector3 {
  return target.set(p[0], p[1], p[2]);
}

/** Copies a sim quaternion [x, y, z, w] into a three.js quaternion (same component order). */
export function toQuaternion(q: Quat, target: THREE.Quaternion): THREE.Quaternion {
  return target.set(q[0], q[1], q[2], q[3]);
}

/** Sets an object's local transform from a sim world pose (the object must hang off the
 * scene root, which is the world frame). */
export function applyPose(obj: THREE.Object3D, pose: Pose): void {
  toVector3(pose.position, obj.position);
  toQuaternion(pose.quaternion, obj.quaternion);
}

/** Turns a three.js primitive built along +y (CylinderGeometry, LatheGeometry, ...) so that its
 * axis lies along the world's +z. Returns the same geometry for chaining. */
export function yAxisToZ<G extends THREE.BufferGeometry>(geometry: G): G {
  geometry.rotateX(Math.PI / 2);
  return geometry;
}

/** Points a camera placed at `pose` the way the sim defines camera poses: it looks along its
 * local -z with local +y up, which is also three.js's camera convention, so this is a copy. */
export function applyCameraPose(camera: THREE.Camera, pose: Pose): void {
  applyPose(camera, pose);
  camera.updateMatrixWorld(true);
}
