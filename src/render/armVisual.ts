// The arm's visual: one group per frame of Sim.armFrames(), holding the shapes of ARM_GEOMETRY
// (white capsule links, dark joint housings, a dark hand and two fingers, like a Panda).
// Reference: ARM_GEOMETRY and ARM_FRAME_* in src/sim/armGeometry.ts.
// Invariants: meshes are built once; per frame only the 11 group transforms change (copied
// verbatim from the sim's world poses); every shape is placed in the frame it moves with.
import * as THREE from 'three';
import { ARM_FRAME_COUNT, ARM_FRAME_HAND, ARM_FRAME_LEFT_FINGER, ARM_FRAME_RIGHT_FINGER, ARM_GEOMETRY } from '../sim';
import type { Pose } from '../sim/types';
import { applyPose, yAxisToZ } from './coords';
import type { SceneMaterials } from './materials';

/** Joint housings are drawn slightly fatter than the links so the dark band shows. */
const JOINT_SCALE = 1.08;
const Y_AXIS = new THREE.Vector3(0, 1, 0);

export class ArmVisual {
  /** Parent of the per-frame groups; add it to the scene root (world frame). */
  readonly root = new THREE.Group();
  private readonly frames: THREE.Group[] = [];

  constructor(materials: SceneMaterials) {
    this.root.name = 'arm';
    for (let i = 0; i < ARM_FRAME_COUNT; i++) {
      const g = new THREE.Group();
      g.name = `arm-frame-${i}`;
      this.frames.push(g);
      this.root.add(g);
    }
    // Base plinth: a dark disc under the column so the arm stands on something.
    const plinth = new THREE.Mesh(yAxisToZ(new THREE.CylinderGeometry(0.09, 0.1, 0.02, 32)), materials.armJoint);
    plinth.position.z = 0.01;
    this.frames[0].add(plinth);
    for (const s of ARM_GEOMETRY.segments) {
      const from = new THREE.Vector3(...s.from);
      const dir = new THREE.Vector3(...s.to).sub(from);
      const len = dir.length();
      const m = new THREE.Mesh(new THREE.CapsuleGeometry(s.radius, len, 6, 24), materials.armLink);
      m.position.copy(from).addScaledVector(dir, 0.5);
      m.quaternion.setFromUnitVectors(Y_AXIS, dir.normalize());
      this.frames[s.frame].add(m);
    }
    for (const j of ARM_GEOMETRY.joints) {
      const r = j.radius * JOINT_SCALE;
      const m = new THREE.Mesh(yAxisToZ(new THREE.CylinderGeometry(r, r, j.length, 24)), materials.armJoint);
      this.frames[j.frame].add(m);
    }
    const hh = ARM_GEOMETRY.hand.halfExtents;
    const hand = new THREE.Mesh(new THREE.BoxGeometry(2 * hh[0], 2 * hh[1], 2 * hh[2]), materials.armLink);
    hand.position.set(...ARM_GEOMETRY.hand.center);
    this.frames[ARM_FRAME_HAND].add(hand);
    const fh = ARM_GEOMETRY.finger.halfExtents;
    for (const f of [ARM_FRAME_LEFT_FINGER, ARM_FRAME_RIGHT_FINGER]) {
      this.frames[f].add(new THREE.Mesh(new THREE.BoxGeometry(2 * fh[0], 2 * fh[1], 2 * fh[2]), materials.finger));
    }
    this.root.traverse((o) => {
      o.castShadow = true;
      o.receiveShadow = true;
    });
  }

  /** Moves every frame group to its world pose (poses in ARM_FRAME_* order). */
  update(frames: readonly Pose[]): void {
    if (frames.length !== ARM_FRAME_COUNT) {
      throw new Error(`ArmVisual.update: expected ${ARM_FRAME_COUNT} arm frames, got ${frames.length}`);
    }
    for (let i = 0; i < ARM_FRAME_COUNT; i++) applyPose(this.frames[i], frames[i]);
  }

  dispose(): void {
    this.root.traverse((o) => {
      if (o instanceof THREE.Mesh) o.geometry.dispose();
    });
  }
}
