// The three.js mirror of the simulated world: lights, floor, table, the arm and the objects.
// Reference: mujoco_wasm (physics state is the only truth; three.js objects are only moved
// from it). Sizes come from TABLE / ARM_GEOMETRY / the object states, never from here.
// Invariants:
// - Object meshes are created once per scene, keyed by object id, and rebuilt only when the
//   scene's object list changes (ids, kinds, colours or sizes); each sync only copies poses.
// - The scene root is the sim's world frame (Z-up; see coords.ts).
// - The shadow map is redrawn once per sync, not once per camera render.
import * as THREE from 'three';
import { TABLE } from '../sim';
import type { ObjectState, Pose, SimState } from '../sim/types';
import { ArmVisual } from './armVisual';
import { applyPose } from './coords';
import { createMaterials, disposeMaterials, type SceneMaterials, type Shading } from './materials';
import { mergeParts, type Part } from './mergeParts';
import { createObjectMesh, disposeObjectMesh } from './objectMeshes';

/** Options of the world mirror. */
export interface WorldMirrorOptions {
  /** Cast shadows from the key light. @default true */
  shadows: boolean;
  /** Shadow map resolution (square). 512 over the 1.8 m light frustum gives 3.5 mm texels,
   * finer than a 128x128 camera pixel on the table; 1024 costs ~1.5x per step in SwiftShader.
   * @default 512 */
  shadowMapSize: number;
  /** Background colour (sRGB hex). @default 0x20242b */
  background: number;
  /** Lighting model of all surfaces (see materials.ts). @default 'standard' */
  shading: Shading;
  /** Shadow filtering: 'pcf' (soft, 5 filtered taps) or 'basic' (one hard tap, cheapest).
   * Read by SimRenderer, which owns the WebGL renderer. @default 'pcf' */
  shadowType: 'pcf' | 'basic';
}

export const DEFAULT_WORLD_MIRROR_OPTIONS: Readonly<WorldMirrorOptions> = {
  shadows: true,
  shadowMapSize: 512,
  background: 0x20242b,
  shading: 'standard',
  shadowType: 'pcf',
};

/** Identity of one rendered object: what forces a rebuild when it changes. */
interface ObjectEntry {
  id: string;
  kind: ObjectState['kind'];
  color: ObjectState['color'];
  size: number;
  height: number;
  mesh: THREE.Group;
}

export class WorldMirror {
  readonly scene = new THREE.Scene();
  readonly keyLight: THREE.DirectionalLight;
  private readonly materials: SceneMaterials;
  private readonly arm: ArmVisual;
  private readonly objectRoot = new THREE.Group();
  private entries: ObjectEntry[] = [];
  private readonly opts: WorldMirrorOptions;

  constructor(options: Partial<WorldMirrorOptions> = {}) {
    this.opts = { ...DEFAULT_WORLD_MIRROR_OPTIONS, ...options };
    this.materials = createMaterials(this.opts.shading);
    this.scene.background = new THREE.Color(this.opts.background);
    // The floor fades into the background far from the table (no visible horizon edge); the
    // fog starts well beyond the model cameras' working range.
    this.scene.fog = new THREE.Fog(this.opts.background, 3, 7);
    // Sky/ground fill keeps shadowed sides readable; the key light gives depth cues.
    this.scene.add(new THREE.HemisphereLight(0xe4ecff, 0x4b4034, 1.4));
    this.keyLight = new THREE.DirectionalLight(0xfff4e6, 2.2);
    // High, in front of and to the left of the robot: shadows fall back-right, away from the
    // agent-view camera, so objects are not hidden by their own shadow.
    this.keyLight.position.set(0.7, 0.6, 1.6);
    this.keyLight.target.position.set(0, 0, 0);
    this.scene.add(this.keyLight, this.keyLight.target);
    if (this.opts.shadows) {
      const s = this.keyLight.shadow;
      this.keyLight.castShadow = true;
      s.mapSize.set(this.opts.shadowMapSize, this.opts.shadowMapSize);
      const cam = s.camera;
      cam.left = -0.9;
      cam.right = 0.9;
      cam.top = 0.9;
      cam.bottom = -0.9;
      cam.near = 0.5;
      cam.far = 4;
      s.bias = -0.0005;
      s.normalBias = 0.01;
      s.radius = 3;
    }
    this.addStatic();
    this.arm = new ArmVisual(this.materials);
    this.scene.add(this.arm.root, this.objectRoot);
  }

  /** Floor and table, from TABLE (top surface at z = 0, floor at z = -TABLE.height). */
  private addStatic(): void {
    const m = this.materials;
    const floor = new THREE.Mesh(new THREE.PlaneGeometry(8, 8), m.floor);
    floor.position.z = -TABLE.height;
    // Nothing casts onto the floor (see the table top below), so it skips shadow sampling.
    floor.receiveShadow = false;
    this.scene.add(floor);
    const top = new THREE.Mesh(new THREE.BoxGeometry(2 * TABLE.halfX, 2 * TABLE.halfY, TABLE.thickness), m.tableTop);
    top.position.z = -TABLE.thickness / 2;
    top.receiveShadow = true;
    // The top's own shadow would only fall on the floor under the table; leaving it out of the
    // shadow pass saves most of that pass's fill (it covers a third of the map).
    top.castShadow = false;
    this.scene.add(top);
    const legH = TABLE.height - TABLE.thickness;
    const inset = 0.06;
    const legs: Part[] = [];
    for (const sx of [-1, 1]) {
      for (const sy of [-1, 1]) {
        legs.push({
          geometry: new THREE.BoxGeometry(0.05, 0.05, legH),
          position: new THREE.Vector3(sx * (TABLE.halfX - inset), sy * (TABLE.halfY - inset), -TABLE.thickness - legH / 2),
        });
      }
    }
    // Legs cast no shadow: theirs would fall on the floor under the table, in the table's own
    // shadow, and would only cost a draw call per shadow pass.
    this.scene.add(new THREE.Mesh(mergeParts(legs), m.tableLeg));
  }

  /** True when `objects` has the same ids, kinds, colours and sizes as the built meshes. */
  private matches(objects: readonly ObjectState[]): boolean {
    if (objects.length !== this.entries.length) return false;
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i];
      const e = this.entries[i];
      if (o.id !== e.id || o.kind !== e.kind || o.color !== e.color || o.size !== e.size || o.height !== e.height) {
        return false;
      }
    }
    return true;
  }

  private rebuild(objects: readonly ObjectState[]): void {
    for (const e of this.entries) {
      this.objectRoot.remove(e.mesh);
      disposeObjectMesh(e.mesh);
    }
    this.entries = objects.map((o) => {
      const mesh = createObjectMesh(o, this.materials);
      this.objectRoot.add(mesh);
      return { id: o.id, kind: o.kind, color: o.color, size: o.size, height: o.height, mesh };
    });
  }

  /** Copies a sim state and its arm frames into the scene (rebuilding objects if needed). */
  sync(state: SimState, armFrames: readonly Pose[]): void {
    if (!this.matches(state.objects)) this.rebuild(state.objects);
    for (let i = 0; i < state.objects.length; i++) applyPose(this.entries[i].mesh, state.objects[i]);
    this.arm.update(armFrames);
  }

  /** Number of object meshes currently built (for tests and the page's debug hook). */
  get objectCount(): number {
    return this.entries.length;
  }

  dispose(): void {
    this.rebuild([]);
    this.arm.dispose();
    this.scene.traverse((o) => {
      if (o instanceof THREE.Mesh) o.geometry.dispose();
    });
    this.keyLight.shadow.map?.dispose();
    disposeMaterials(this.materials);
  }
}
