// Merges the parts of one rigid visual into a single geometry, optionally painted per part
// with vertex colours, so a rigid body costs ONE draw call per pass.
// Reference: three/examples/jsm/utils/BufferGeometryUtils.mergeGeometries.
// Why: on a software GPU (SwiftShader) each draw call costs tens of microseconds and every
// control step renders the scene three times (shadow map, agent view, wrist view); the arm and
// the tray would otherwise be ~25 draws per pass.
// Invariants: parts are baked with their local matrix; the inputs are disposed (the merged
// geometry owns the data); all parts must be indexed three.js primitives (position, normal, uv).
import * as THREE from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';

/** One part: a geometry placed by `position`/`quaternion` in the body frame. */
export interface Part {
  geometry: THREE.BufferGeometry;
  position?: THREE.Vector3;
  quaternion?: THREE.Quaternion;
  /** Vertex colour (sRGB hex) when the merged mesh uses `vertexColors`. */
  color?: number;
}

const scratchMatrix = new THREE.Matrix4();
const unitScale = new THREE.Vector3(1, 1, 1);
const scratchColor = new THREE.Color();

/** Bakes and merges `parts`; with `colored`, adds a per-vertex `color` attribute (linear). */
export function mergeParts(parts: readonly Part[], colored = false): THREE.BufferGeometry {
  if (parts.length === 0) throw new Error('mergeParts: no parts');
  const baked = parts.map((p) => {
    const g = p.geometry;
    scratchMatrix.compose(p.position ?? new THREE.Vector3(), p.quaternion ?? new THREE.Quaternion(), unitScale);
    g.applyMatrix4(scratchMatrix);
    if (colored) {
      scratchColor.set(p.color ?? 0xffffff); // sRGB hex -> linear working space
      const n = g.getAttribute('position').count;
      const c = new Float32Array(n * 3); // [vertex][rgb]
      for (let i = 0; i < n; i++) {
        c[3 * i] = scratchColor.r;
        c[3 * i + 1] = scratchColor.g;
        c[3 * i + 2] = scratchColor.b;
      }
      g.setAttribute('color', new THREE.BufferAttribute(c, 3));
    }
    return g;
  });
  const merged = mergeGeometries(baked, false);
  if (!merged) throw new Error('mergeParts: parts have incompatible attributes (all must be indexed primitives)');
  for (const g of baked) g.dispose();
  return merged;
}
