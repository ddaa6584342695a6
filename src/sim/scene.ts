// Scene construction: SceneSpec validation and the static world (table, floor) plus one
// cannon-es body per object.
// Reference: cannon-es World/Body API; collision filter groups keep the kinematic arm from
// testing against static geometry (it could never push it anyway) to save narrowphase time.
// Invariants: validateSceneSpec throws an Error naming the offending field before anything is
// built; objects spawn resting on the table (body origin at z = height / 2), at rest.

import * as CANNON from 'cannon-es';
import { GRIPPER, JOINT_LIMITS, TABLE, defaultSize } from './constants';
import { addParts, objectGeometry, type ObjectGeometry } from './shapes';
import {
  COLOR_NAMES, GRASPABLE_KINDS, OBJECT_KINDS, type ObjectSpec, type SceneSpec,
} from './types';

/** Collision groups (bit masks). The table top has its own group so objects past its edge can
 * stop colliding with it (see updateTableContact). */
export const GROUP_STATIC = 1;
export const GROUP_OBJECT = 2;
export const GROUP_ARM = 4;
export const GROUP_TABLE = 8;
/** What a free (dynamic) object collides with while its centre is over the table. */
export const OBJECT_MASK = GROUP_STATIC | GROUP_OBJECT | GROUP_ARM | GROUP_TABLE;

/** Smallest and largest allowed size per kind family, metres. */
const GRASPABLE_SIZE = [0.015, GRIPPER.maxOpening - 0.01] as const;
const RECEPTACLE_SIZE = [0.06, 0.4] as const;

/** Radius of the circle on the table that surely contains the object's footprint. */
export function footprintRadius(o: Pick<ObjectSpec, 'kind' | 'size'>): number {
  const s = o.size ?? defaultSize(o.kind);
  return o.kind === 'cube' || o.kind === 'tray' ? (s / 2) * Math.SQRT2 : s / 2;
}

export interface ValidateOptions {
  /** Reject objects whose footprint circles overlap. @default true */
  checkOverlap?: boolean;
}

/** Throws an Error naming the field if `spec` cannot be simulated. */
export function validateSceneSpec(spec: SceneSpec, opts: ValidateOptions = {}): void {
  if (!spec || !Array.isArray(spec.objects)) throw new Error('SceneSpec.objects must be an array');
  const ids = new Set<string>();
  spec.objects.forEach((o, i) => {
    const f = `SceneSpec.objects[${i}]`;
    if (typeof o.id !== 'string' || o.id.length === 0) throw new Error(`${f}.id must be a non-empty string`);
    if (ids.has(o.id)) throw new Error(`${f}.id "${o.id}" is a duplicate id`);
    ids.add(o.id);
    const g = `${f} ("${o.id}")`;
    if (!OBJECT_KINDS.includes(o.kind)) throw new Error(`${g}.kind "${String(o.kind)}" is not one of ${OBJECT_KINDS.join(', ')}`);
    if (!COLOR_NAMES.includes(o.color)) throw new Error(`${g}.color "${String(o.color)}" is not a known colour`);
    for (const k of ['x', 'y', 'yaw'] as const) {
      if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) throw new Error(`${g}.${k} must be a finite number, got ${String(o[k])}`);
    }
    if (o.size !== undefined) {
      const [lo, hi] = GRASPABLE_KINDS.includes(o.kind) ? GRASPABLE_SIZE : RECEPTACLE_SIZE;
      if (typeof o.size !== 'number' || !Number.isFinite(o.size) || o.size < lo || o.size > hi) {
        throw new Error(`${g}.size must be a number in [${lo}, ${hi}] for a ${o.kind}, got ${String(o.size)}`);
      }
    }
    const r = footprintRadius(o);
    if (Math.abs(o.x) + r > TABLE.halfX || Math.abs(o.y) + r > TABLE.halfY) {
      throw new Error(`${g}.x/.y (${o.x}, ${o.y}) puts the object off the table`);
    }
  });
  if (opts.checkOverlap ?? true) {
    const os = spec.objects;
    for (let i = 0; i < os.length; i++) {
      for (let j = i + 1; j < os.length; j++) {
        const d = Math.hypot(os[i].x - os[j].x, os[i].y - os[j].y);
        if (d < footprintRadius(os[i]) + footprintRadius(os[j])) {
          throw new Error(`SceneSpec.objects[${j}] ("${os[j].id}") overlaps objects[${i}] ("${os[i].id}") at distance ${d.toFixed(3)} m`);
        }
      }
    }
  }
  if (spec.armQ !== undefined) {
    if (!Array.isArray(spec.armQ) || spec.armQ.length !== JOINT_LIMITS.length) {
      throw new Error(`SceneSpec.armQ must have ${JOINT_LIMITS.length} joint angles`);
    }
    spec.armQ.forEach((v, i) => {
      const [lo, hi] = JOINT_LIMITS[i];
      if (!Number.isFinite(v) || v < lo || v > hi) throw new Error(`SceneSpec.armQ[${i}] = ${v} is outside [${lo}, ${hi}]`);
    });
  }
}

export interface WorldOptions {
  /** Gauss-Seidel solver iterations per physics step. @default 10 */
  solverIterations: number;
  /** Friction between all materials. @default 0.6 */
  friction: number;
  /** Contact equation stiffness (SPOOK). @default 1e5 */
  contactStiffness: number;
}

/**
 * World with gravity, the table top and a floor at z = -TABLE.height.
 * The table top is a Plane, not a Box: plane-convex contacts are several times cheaper than
 * cannon's box-box SAT, and resting contacts with the table are most of the work. Its finite
 * extent is restored by updateTableContact: an object whose centre leaves the table rectangle
 * stops colliding with the plane and falls to the floor (as it would tip off a real edge).
 */
export function createWorld(opts: WorldOptions): CANNON.World {
  const world = new CANNON.World({ gravity: new CANNON.Vec3(0, 0, -9.81) });
  world.allowSleep = true;
  (world.solver as CANNON.GSSolver).iterations = opts.solverIterations;
  world.defaultContactMaterial.friction = opts.friction;
  world.defaultContactMaterial.restitution = 0;
  // With cannon's default 1e7 the Gauss-Seidel solve of many simultaneous resting contacts (a
  // cube's 4 corners, a cylinder's 12) does not converge in 10 iterations: a resting box spins up
  // (doubling every control step) and a cylinder rocks, so nothing ever sleeps and the sim is
  // 3-5x slower. 1e5 converges and is still stiff for 0.1 kg objects (sag m g / k ~ 10 um).
  world.defaultContactMaterial.contactEquationStiffness = opts.contactStiffness;
  const table = new CANNON.Body({ type: CANNON.Body.STATIC, collisionFilterGroup: GROUP_TABLE,
    collisionFilterMask: GROUP_OBJECT });
  table.addShape(new CANNON.Plane());
  world.addBody(table);
  const floor = new CANNON.Body({ type: CANNON.Body.STATIC, collisionFilterGroup: GROUP_STATIC,
    collisionFilterMask: GROUP_OBJECT });
  floor.addShape(new CANNON.Plane());
  floor.position.set(0, 0, -TABLE.height);
  world.addBody(floor);
  return world;
}

/** Mass of graspable objects, kg (light: a kinematic gripper never strains). */
const OBJECT_MASS = 0.1;

/** Builds and adds the body of one object, resting on the table. Receptacles are static. */
export function addObjectBody(world: CANNON.World, o: ObjectSpec): { body: CANNON.Body; geom: ObjectGeometry } {
  const geom = objectGeometry(o.kind, o.size ?? defaultSize(o.kind));
  const graspable = GRASPABLE_KINDS.includes(o.kind);
  const body = new CANNON.Body({
    mass: graspable ? OBJECT_MASS : 0,
    type: graspable ? CANNON.Body.DYNAMIC : CANNON.Body.STATIC,
    collisionFilterGroup: graspable ? GROUP_OBJECT : GROUP_STATIC,
    collisionFilterMask: graspable ? OBJECT_MASK : GROUP_OBJECT,
    // Balls would roll forever: cannon-es has no rolling friction.
    angularDamping: o.kind === 'ball' ? 0.6 : 0.1,
    linearDamping: 0.01,
    sleepSpeedLimit: 0.02,
    sleepTimeLimit: 0.3,
  });
  addParts(body, geom);
  body.position.set(o.x, o.y, geom.height / 2);
  body.quaternion.setFromAxisAngle(new CANNON.Vec3(0, 0, 1), o.yaw);
  world.addBody(body);
  return { body, geom };
}

/** Table-edge rule for the plane table top: a non-static body collides with the table only
 * while its centre is above the table rectangle (and not below the top). */
export function updateTableContact(body: CANNON.Body): void {
  const p = body.position;
  const over = Math.abs(p.x) <= TABLE.halfX && Math.abs(p.y) <= TABLE.halfY && p.z > 0;
  body.collisionFilterMask = over ? body.collisionFilterMask | GROUP_TABLE : body.collisionFilterMask & ~GROUP_TABLE;
}
