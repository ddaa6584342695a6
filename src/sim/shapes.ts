// Collision geometry of every object kind, as plain data (so the renderer can draw exactly what
// collides) and as cannon-es bodies built from that data.
// Reference: cannon-es compound bodies (Body.addShape with offsets); its Cylinder is built
// along local y, so cylinder parts are turned by pi/2 about x to stand along z here.
// Invariants: an object's body origin is the centre of its bounding box (z = height / 2 when it
// rests on the table); parts are in that body frame; receptacles are hollow (open at the top)
// so that objects dropped into them settle inside (on the table top, for bowls and trays).

import * as CANNON from 'cannon-es';
import { defaultSize, objectHeight } from './constants';
import type { ObjectKind, Quat, Vec3 } from './types';

/** One convex part of an object. Cylinders stand along the part's local z. */
export interface ShapePart {
  type: 'box' | 'cylinder' | 'sphere';
  /** Box half extents, metres. */
  halfExtents?: Vec3;
  /** Sphere or cylinder radius, metres. */
  radius?: number;
  /** Cylinder height, metres. */
  height?: number;
  /** Part centre in the object's body frame. */
  offset: Vec3;
  /** Part orientation in the object's body frame. */
  quaternion: Quat;
  /** False for drawn-only parts (receptacle floors: what sits inside rests on the table top,
   * whose plane contact is far cheaper than a contact with a thin convex floor). @default true */
  collides?: boolean;
}

/** Geometry of an object: size, bounding height and its convex parts. */
export interface ObjectGeometry {
  kind: ObjectKind;
  size: number;
  height: number;
  parts: ShapePart[];
}

const ID: Quat = [0, 0, 0, 1];
/** Segments of cylinder walls and discs: fewer is faster in the convex-convex narrowphase. */
const CYL_SEGMENTS = 12;
/** Number of slanted wall boxes around a bowl. */
const BOWL_WALLS = 12;
/** Outward tilt of the bowl wall from vertical, radians. */
const BOWL_TILT = 0.35;
/** Wall thickness of receptacles, metres. */
const WALL = 0.008;
/** Thickness of the drawn-only floor of a bowl or tray, metres (objects inside sink this much
 * into it, which is invisible). */
const FLOOR = 0.002;

function zRot(angle: number): Quat {
  return [0, 0, Math.sin(angle / 2), Math.cos(angle / 2)];
}

/** Collision geometry of an object of `kind` with characteristic `size` (default per kind). */
export function objectGeometry(kind: ObjectKind, size = defaultSize(kind)): ObjectGeometry {
  const height = objectHeight(kind, size);
  const r = size / 2;
  const parts: ShapePart[] = [];
  switch (kind) {
    case 'cube':
      parts.push({ type: 'box', halfExtents: [r, r, r], offset: [0, 0, 0], quaternion: ID });
      break;
    case 'cylinder':
      parts.push({ type: 'cylinder', radius: r, height, offset: [0, 0, 0], quaternion: ID });
      break;
    case 'ball':
      parts.push({ type: 'sphere', radius: r, offset: [0, 0, 0], quaternion: ID });
      break;
    case 'bowl': {
      // Base disc plus a ring of slanted wall boxes, wider at the top like a bowl.
      const bottomR = r - height * Math.tan(BOWL_TILT);
      parts.push({ type: 'cylinder', radius: bottomR, height: FLOOR,
        offset: [0, 0, -height / 2 + FLOOR / 2], quaternion: ID, collides: false });
      const slant = height / Math.cos(BOWL_TILT);
      const midR = (r + bottomR) / 2;
      const halfTangent = (Math.PI * midR) / BOWL_WALLS + WALL;
      for (let i = 0; i < BOWL_WALLS; i++) {
        const a = (2 * Math.PI * i) / BOWL_WALLS;
        // Wall normal is the part's +x (radial after the z turn); +tilt about y leans the top out.
        const tilt: Quat = [0, Math.sin(BOWL_TILT / 2), 0, Math.cos(BOWL_TILT / 2)];
        const yaw = zRot(a);
        const q = mulQ(yaw, tilt);
        parts.push({ type: 'box', halfExtents: [WALL / 2, halfTangent, slant / 2],
          offset: [midR * Math.cos(a), midR * Math.sin(a), 0], quaternion: q });
      }
      break;
    }
    case 'plate':
      parts.push({ type: 'cylinder', radius: r, height, offset: [0, 0, 0], quaternion: ID });
      break;
    case 'tray': {
      parts.push({ type: 'box', halfExtents: [r, r, FLOOR / 2], offset: [0, 0, -height / 2 + FLOOR / 2],
        quaternion: ID, collides: false });
      for (let i = 0; i < 4; i++) {
        const a = (Math.PI / 2) * i;
        parts.push({ type: 'box', halfExtents: [WALL / 2, r, height / 2],
          offset: [(r - WALL / 2) * Math.cos(a), (r - WALL / 2) * Math.sin(a), 0], quaternion: zRot(a) });
      }
      break;
    }
    default:
      throw new Error(`objectGeometry: unknown object kind "${String(kind)}"`);
  }
  return { kind, size, height, parts };
}

function mulQ(a: Quat, b: Quat): Quat {
  return [
    a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
    a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
    a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
    a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
  ];
}

const CYL_TO_Z = new CANNON.Quaternion(Math.SQRT1_2, 0, 0, Math.SQRT1_2);

/** Adds the parts of `geom` to a cannon body. */
export function addParts(body: CANNON.Body, geom: ObjectGeometry, material?: CANNON.Material): void {
  for (const p of geom.parts) {
    if (p.collides === false) continue;
    let shape: CANNON.Shape;
    const q = new CANNON.Quaternion(p.quaternion[0], p.quaternion[1], p.quaternion[2], p.quaternion[3]);
    if (p.type === 'box') {
      const h = p.halfExtents!;
      shape = new CANNON.Box(new CANNON.Vec3(h[0], h[1], h[2]));
    } else if (p.type === 'sphere') {
      shape = new CANNON.Sphere(p.radius!);
    } else {
      shape = new CANNON.Cylinder(p.radius!, p.radius!, p.height!, CYL_SEGMENTS);
      q.mult(CYL_TO_Z, q);
    }
    if (material) shape.material = material;
    body.addShape(shape, new CANNON.Vec3(p.offset[0], p.offset[1], p.offset[2]), q);
  }
}

/** Width of a graspable object along the unit world axis `u` (its extent between two parallel
 * pads squeezing along u), from its current orientation quaternion. */
export function extentAlong(geom: ObjectGeometry, q: ArrayLike<number>, u: ArrayLike<number>): number {
  // Body axes in world: columns of R(q).
  const x = q[0], y = q[1], z = q[2], w = q[3];
  const ax = [1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w)];
  const ay = [2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w)];
  const az = [2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y)];
  const dx = Math.abs(u[0] * ax[0] + u[1] * ax[1] + u[2] * ax[2]);
  const dy = Math.abs(u[0] * ay[0] + u[1] * ay[1] + u[2] * ay[2]);
  const dz = Math.abs(u[0] * az[0] + u[1] * az[1] + u[2] * az[2]);
  const r = geom.size / 2;
  switch (geom.kind) {
    case 'cube':
      return 2 * r * (dx + dy + dz);
    case 'cylinder':
      return 2 * (r * Math.sqrt(Math.max(0, 1 - dz * dz)) + (geom.height / 2) * dz);
    case 'ball':
      return geom.size;
    default:
      return geom.size;
  }
}
