// The arm's visual: one mesh per frame of Sim.armFrames(), built from the shapes of
// ARM_GEOMETRY (white capsule links, dark joint housings, a white hand and two dark fingers,
// like a Panda), each frame's shapes merged into one vertex-coloured geometry.
// Reference: ARM_GEOMETRY and ARM_FRAME_* in src/sim/armGeometry.ts.
// Invariants: meshes are built once; per frame only the 11 mesh transforms change (copied
// verbatim from the sim's world poses); every shape is placed in the frame it moves with;
// one draw call per arm frame and pass (see mergeParts.ts for why).
import * as THREE from 'three';
import { ARM_FRAME_COUNT, ARM_FRAME_HAND, ARM_FRAME_LEFT_FINGER, ARM_FRAME_RIGHT_FINGER, ARM_GEOMETRY } from '../sim';
import type { Pose } from '../sim/types';
import { applyPose, yAxisToZ } from './coords';
import { ARM_COLORS, type SceneMaterials } from './materials';
import { mergeParts, type Part } from './mergeParts';

/** Joint housings are drawn slightly fatter than the links so the dark band shows. */
const JOINT_SCALE = 1.08;
const Y_AXIS = new THREE.Vector3(0, 1, 0);
/** Radial segments of links and joints. Vertex work is a large part of a SwiftShader frame of
 * this scene (3 passes per control step; 24 -> 12 saved ~15% per step) and smooth normals hide
 * the facets. */
const ARM_SEGMENTS = 12;

/** The shapes of every arm frame, in that frame (index = ARM_FRAME_*). */
function framePartLists(): Part[][] {
  const parts: Part[][] = Array.from({ length: ARM_FRAME_COUNT }, () => []);
  // Base plinth: a dark disc under the column so the arm stands on something.
  parts[0].push({
    geometry: yAxisToZ(new THREE.CylinderGeometry(0.09, 0.1, 0.02, 2 * ARM_SEGMENTS)),
    position: new THREE.Vector3(0, 0, 0.01),
    color: ARM_COLORS.joint,
  });
  for (const s of ARM_GEOMETRY.segments) {
    const from = new THREE.Vector3(...s.from);
    const dir = new THREE.Vector3(...s.to).sub(from);
    const len = dir.length();
    parts[s.frame].push({
      geometry: new THREE.CapsuleGeometry(s.radius, len, 3, ARM_SEGMENTS),
      position: from.clone().addScaledVector(dir, 0.5),
      quaternion: new THREE.Quaternion().setFromUnitVectors(Y_AXIS, dir.normalize()),
      color: ARM_COLORS.link,
    });
  }
  for (const j of ARM_GEOMETRY.joints) {
    const r = j.radius * JOINT_SCALE;
    parts[j.frame].push({ geometry: yAxisToZ(new THREE.CylinderGeometry(r, r, j.length, ARM_SEGMENTS)), color: ARM_COLORS.joint });
  }
  const hh = ARM_GEOMETRY.hand.halfExtents;
  parts[ARM_FRAME_HAND].push({
    geometry: new THREE.BoxGeometry(2 * hh[0], 2 * hh[1], 2 * hh[2]),
    position: new THREE.Vector3(...ARM_GEOMETRY.hand.center),
    color: ARM_COLORS.link,
  });
  const fh = ARM_GEOMETRY.finger.halfExtents;
  for (const f of [ARM_FRAME_LEFT_FINGER, ARM_FRAME_RIGHT_FINGER]) {
    parts[f].push({ geometry: new THREE.BoxGeometry(2 * fh[0], 2 * fh[1], 2 * fh[2]), color: ARM_COLORS.finger });
  }
  return parts;
}

export class ArmVisual {
  /** Parent of the per-frame meshes; add it to the scene root (world frame). */
  readonly root = new THREE.Group();
  private readonly frames: THREE.Object3D[] = [];

  constructor(materials: SceneMaterials) {
    this.root.name = 'arm';
    for (const [i, parts] of framePartLists().entries()) {
      // A frame with no shapes of its own still gets an (empty) object so indices line up.
      const o = parts.length ? new THREE.Mesh(mergeParts(parts, true), materials.arm) : new THREE.Object3D();
      o.name = `arm-frame-${i}`;
      o.castShadow = true;
      o.receiveShadow = true;
      this.frames.push(o);
      this.root.add(o);
    }
  }

  /** Moves every frame mesh to its world pose (poses in ARM_FRAME_* order). */
  update(frames: readonly Pose[]): void {
    if (frames.length !== ARM_FRAME_COUNT) {
      throw new Error(`ArmVisual.update: expected ${ARM_FRAME_COUNT} arm frames, got ${frames.length}`);
    }
    for (let i = 0; i < ARM_FRAME_COUNT; i++) applyPose(this.frames[i], frames[i]);
  }

  dispose(): void {
    for (const o of this.frames) if (o instanceof THREE.Mesh) o.geometry.dispose();
  }
}
