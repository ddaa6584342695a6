// Meshes for the six object kinds of the sim contract, sized from the object's resolved state.
// Reference: objectGeometry() in src/sim/shapes.ts (the sim's compound collision shapes): the
// visual covers the same volume, so a grasp looks like a grasp and a drop lands where it shows.
// Invariants: each visual's origin is the object's body origin (the centre of its bounding
// box), its axis is world +z, and it is built once per scene object. Solid kinds and the tray
// are drawn from the collision parts, merged into one mesh (one draw call); the bowl and the plate are smooth lathes
// with the same outer radii and height as their collision parts.
import * as THREE from 'three';
import { objectGeometry, type ShapePart } from '../sim';
import type { ObjectState } from '../sim/types';
import { yAxisToZ } from './coords';
import type { SceneMaterials } from './materials';
import { mergeParts, type Part } from './mergeParts';

/** Bowl wall lean, wall and floor thickness: the values of src/sim/shapes.ts (BOWL_TILT, WALL,
 * FLOOR), which it does not export. The floor is drawn-only there: what sits in the bowl rests
 * on the table and sinks FLOOR into the drawn floor, so it must stay that thin here too. */
const BOWL_TILT = 0.35;
const WALL = 0.008;
const FLOOR = 0.002;
/** Radial segments: round objects are a few pixels wide in the model cameras and smooth
 * normals hide the facets in the main view; vertices cost real time on SwiftShader. */
const SEGMENTS = 16;
/** The bowl and plate are large in frame and their lathes have few rings: more segments. */
const LATHE_SEGMENTS = 32;

/** Lathe profile of an open bowl (floor, outer wall, rim, inner wall), z from 0 to h; the
 * outer wall leans out by BOWL_TILT like the sim's ring of slanted wall boxes. */
function bowlProfile(radius: number, height: number): THREE.Vector2[] {
  const bottom = radius - height * Math.tan(BOWL_TILT);
  const lip = WALL / 2;
  return [
    new THREE.Vector2(0, 0),
    new THREE.Vector2(bottom, 0),
    new THREE.Vector2(radius, height - lip),
    new THREE.Vector2(radius - lip, height),
    new THREE.Vector2(radius - WALL - lip, height - lip),
    new THREE.Vector2(bottom - WALL, FLOOR),
    new THREE.Vector2(0, FLOOR),
  ];
}

/** Lathe profile of a plate: the sim's solid disc, with a shallow well so it reads as a plate
 * (the well is a quarter of the height, small against the grasp tolerances). */
function plateProfile(radius: number, height: number): THREE.Vector2[] {
  const well = height * 0.75;
  return [
    new THREE.Vector2(0, 0),
    new THREE.Vector2(radius * 0.9, 0),
    new THREE.Vector2(radius, height * 0.8),
    new THREE.Vector2(radius * 0.97, height),
    new THREE.Vector2(radius * 0.8, well),
    new THREE.Vector2(0, well),
  ];
}

/** One convex collision part as a three.js primitive placed in the body frame. */
function partGeometry(p: ShapePart): Part {
  let geometry: THREE.BufferGeometry;
  if (p.type === 'box') {
    const h = p.halfExtents!;
    geometry = new THREE.BoxGeometry(2 * h[0], 2 * h[1], 2 * h[2]);
  } else if (p.type === 'sphere') {
    geometry = new THREE.SphereGeometry(p.radius!, SEGMENTS, SEGMENTS / 2);
  } else {
    geometry = yAxisToZ(new THREE.CylinderGeometry(p.radius!, p.radius!, p.height!, SEGMENTS));
  }
  return {
    geometry,
    position: new THREE.Vector3(...p.offset),
    quaternion: new THREE.Quaternion(...p.quaternion),
  };
}

/** A lathe around world +z, shifted so its bounding box is centred on the origin. */
function latheMesh(profile: THREE.Vector2[], height: number, material: THREE.Material): THREE.Mesh {
  const geo = yAxisToZ(new THREE.LatheGeometry(profile, LATHE_SEGMENTS));
  geo.translate(0, 0, -height / 2);
  return new THREE.Mesh(geo, material);
}

/** Builds the visual for one object. Returns a Group whose origin is the body origin. */
export function createObjectMesh(obj: ObjectState, materials: SceneMaterials): THREE.Group {
  const mat = materials.objects[obj.color];
  const root = new THREE.Group();
  root.name = obj.id;
  if (obj.kind === 'bowl') {
    root.add(latheMesh(bowlProfile(obj.size / 2, obj.height), obj.height, mat));
  } else if (obj.kind === 'plate') {
    root.add(latheMesh(plateProfile(obj.size / 2, obj.height), obj.height, mat));
  } else {
    // Drawn-only parts (receptacle floors) included: they are what the eye expects to see.
    const parts = objectGeometry(obj.kind, obj.size).parts.map(partGeometry);
    root.add(new THREE.Mesh(mergeParts(parts), mat));
  }
  root.traverse((o) => {
    o.castShadow = true;
    o.receiveShadow = true;
  });
  return root;
}

/** Frees the geometries of an object visual (materials are shared and kept). */
export function disposeObjectMesh(root: THREE.Object3D): void {
  root.traverse((o) => {
    if (o instanceof THREE.Mesh) o.geometry.dispose();
  });
}
