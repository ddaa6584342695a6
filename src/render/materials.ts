// Shared materials and the colour palette for object colours named in the sim contract.
// Reference: ColorName in src/sim/types.ts. Invariants: one material per colour and per role,
// created once per renderer and disposed with it (meshes never own materials).
import * as THREE from 'three';
import type { ColorName } from '../sim/types';

/** sRGB hex of each object colour. Saturated and well separated in hue so that a 64x64 camera
 * frame still tells "red" from "orange" and "purple" from "pink". */
export const OBJECT_COLORS: Readonly<Record<ColorName, number>> = {
  red: 0xd62828,
  green: 0x2a9d3f,
  blue: 0x1f5fd1,
  yellow: 0xf2c916,
  purple: 0x7b3fb5,
  orange: 0xf07a16,
  white: 0xf2f2ee,
  black: 0x222226,
  brown: 0x7a4b26,
  pink: 0xf27ab8,
};

/** Lighting model of every surface. 'standard' is physically based (GGX specular);
 * 'lambert' is diffuse-only and several times cheaper per pixel on a software GPU. */
export type Shading = 'standard' | 'lambert';
export type SceneMaterial = THREE.MeshStandardMaterial | THREE.MeshLambertMaterial;

/** Surface description independent of the lighting model. */
interface Surface {
  color?: number;
  map?: THREE.Texture;
  roughness: number;
  metalness?: number;
  /** Multiply by the geometry's per-vertex `color` (merged multi-colour bodies). */
  vertexColors?: boolean;
}

function makeMaterial(shading: Shading, s: Surface): SceneMaterial {
  const vertexColors = s.vertexColors ?? false;
  if (shading === 'lambert') {
    return new THREE.MeshLambertMaterial({ color: s.color ?? 0xffffff, map: s.map ?? null, vertexColors });
  }
  return new THREE.MeshStandardMaterial({
    color: s.color ?? 0xffffff,
    map: s.map ?? null,
    vertexColors,
    roughness: s.roughness,
    metalness: s.metalness ?? 0,
  });
}

/** Every material the scene uses, keyed by role. */
export interface SceneMaterials {
  objects: Record<ColorName, SceneMaterial>;
  tableTop: SceneMaterial;
  tableLeg: SceneMaterial;
  floor: SceneMaterial;
  /** The whole arm: white links, dark joints and fingers come from vertex colours
   * (ARM_COLORS), so each arm frame is one draw call. */
  arm: SceneMaterial;
}

/** sRGB hex of the arm's parts (painted as vertex colours): a white and graphite Panda. */
export const ARM_COLORS = { link: 0xe8e9eb, joint: 0x2b2d31, finger: 0x3a3d42 } as const;

/** Builds a small procedural wood texture (streaky grain) so the table does not read as a
 * flat slab in the model cameras. Deterministic: no random numbers, only sines. */
function woodTexture(): THREE.DataTexture {
  const size = 128;
  const data = new Uint8Array(size * size * 4); // [row][col][rgba]
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      // Grain runs along the rows (the table's long axis), gently wavy, with finer fibres.
      const wave = Math.sin((c / size) * 2 * Math.PI * 2) * 2.5;
      const rings = 0.5 + 0.5 * Math.sin(((r + wave) / size) * 2 * Math.PI * 9);
      const fibre = 0.5 + 0.5 * Math.sin(((r + wave * 0.3) / size) * 2 * Math.PI * 37);
      const streak = 0.7 * rings + 0.3 * fibre;
      const i = (r * size + c) * 4;
      data[i] = 168 + 26 * streak;
      data[i + 1] = 120 + 20 * streak;
      data[i + 2] = 78 + 12 * streak;
      data[i + 3] = 255;
    }
  }
  const tex = new THREE.DataTexture(data, size, size, THREE.RGBAFormat);
  tex.colorSpace = THREE.SRGBColorSpace;
  tex.wrapS = THREE.RepeatWrapping;
  tex.wrapT = THREE.RepeatWrapping;
  tex.magFilter = THREE.LinearFilter;
  tex.minFilter = THREE.LinearMipmapLinearFilter;
  tex.generateMipmaps = true;
  tex.repeat.set(2, 2);
  tex.needsUpdate = true;
  return tex;
}

export function createMaterials(shading: Shading): SceneMaterials {
  const objects = {} as Record<ColorName, SceneMaterial>;
  for (const name of Object.keys(OBJECT_COLORS) as ColorName[]) {
    objects[name] = makeMaterial(shading, { color: OBJECT_COLORS[name], roughness: 0.55 });
  }
  return {
    objects,
    tableTop: makeMaterial(shading, { map: woodTexture(), roughness: 0.75 }),
    tableLeg: makeMaterial(shading, { color: 0x4a3626, roughness: 0.8 }),
    floor: makeMaterial(shading, { color: 0x3b3f46, roughness: 0.95 }),
    arm: makeMaterial(shading, { roughness: 0.45, metalness: 0.05, vertexColors: true }),
  };
}

export function disposeMaterials(m: SceneMaterials): void {
  for (const mat of Object.values(m.objects)) mat.dispose();
  m.tableTop.map?.dispose();
  for (const mat of [m.tableTop, m.tableLeg, m.floor, m.arm]) mat.dispose();
}
