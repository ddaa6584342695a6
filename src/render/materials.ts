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

/** Every material the scene uses, keyed by role. */
export interface SceneMaterials {
  objects: Record<ColorName, THREE.MeshStandardMaterial>;
  tableTop: THREE.MeshStandardMaterial;
  tableLeg: THREE.MeshStandardMaterial;
  floor: THREE.MeshStandardMaterial;
  armLink: THREE.MeshStandardMaterial;
  armJoint: THREE.MeshStandardMaterial;
  finger: THREE.MeshStandardMaterial;
}

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

export function createMaterials(): SceneMaterials {
  const objects = {} as Record<ColorName, THREE.MeshStandardMaterial>;
  for (const name of Object.keys(OBJECT_COLORS) as ColorName[]) {
    objects[name] = new THREE.MeshStandardMaterial({
      color: OBJECT_COLORS[name],
      roughness: 0.55,
      metalness: 0.0,
    });
  }
  return {
    objects,
    tableTop: new THREE.MeshStandardMaterial({ map: woodTexture(), roughness: 0.75 }),
    tableLeg: new THREE.MeshStandardMaterial({ color: 0x4a3626, roughness: 0.8 }),
    floor: new THREE.MeshStandardMaterial({ color: 0x3b3f46, roughness: 0.95 }),
    armLink: new THREE.MeshStandardMaterial({ color: 0xe8e9eb, roughness: 0.4, metalness: 0.05 }),
    armJoint: new THREE.MeshStandardMaterial({ color: 0x2b2d31, roughness: 0.5, metalness: 0.1 }),
    finger: new THREE.MeshStandardMaterial({ color: 0x3a3d42, roughness: 0.6 }),
  };
}

export function disposeMaterials(m: SceneMaterials): void {
  for (const mat of Object.values(m.objects)) mat.dispose();
  m.tableTop.map?.dispose();
  for (const mat of [m.tableTop, m.tableLeg, m.floor, m.armLink, m.armJoint, m.finger]) mat.dispose();
}
