// Scene sampling for tasks: object sizes and footprints, the reachable workspace, and a
// deterministic rejection sampler that places objects without overlap.
//
// Invariants: every placed object lies fully inside WORKSPACE; any two footprints (circles) are
// separated by at least their clearance; sampling consumes only the given Rng, so a seed gives
// the same scene every time. Sampling that cannot succeed throws (never loops forever).

import type { Rng } from '../core/rng';
import { WORKSPACE as SIM_WORKSPACE, defaultSize } from '../sim/constants';
import type { ColorName, ObjectKind, ObjectSpec } from '../sim/types';
import type { Region } from './types';

/**
 * Table area where objects are placed: the sim's WORKSPACE (every point reachable with the
 * gripper pointing down). The robot stands behind the table facing +x, so "front" (near the
 * robot) is -x and the robot's left is +y.
 */
export const WORKSPACE: Region = { ...SIM_WORKSPACE };

/** Object sizes used by every task unless a request overrides them: the sim's defaults. */
export const SIZES: Record<ObjectKind, number> = {
  cube: defaultSize('cube'),
  cylinder: defaultSize('cylinder'),
  ball: defaultSize('ball'),
  bowl: defaultSize('bowl'),
  plate: defaultSize('plate'),
  tray: defaultSize('tray'),
};

/** Radius of a circle that contains the object's footprint at any yaw. Same rule as the sim's
 * scene validation (tests/tasks check they agree); kept here so tasks need no physics import. */
export function footprintRadius(kind: ObjectKind, size = SIZES[kind]): number {
  // Cubes and the square tray reach their corners at size / sqrt(2).
  return kind === 'cube' || kind === 'tray' ? (size * Math.SQRT2) / 2 : size / 2;
}

/** Free space kept between footprints so open fingers fit beside a graspable object. */
export const CLEARANCE = { graspable: 0.035, receptacle: 0.015 } as const;

/** Yaw range for graspables: cubes have 90-degree symmetry, so +-45 degrees covers all. */
export const MAX_YAW = Math.PI / 4;
/** Trays turn less: a tray corner swings far and the workspace is small. */
export const TRAY_YAW = 0.3;

export function isGraspable(kind: ObjectKind): boolean {
  return kind === 'cube' || kind === 'cylinder' || kind === 'ball';
}

/** Human name of an object in instructions: "red cube". */
export function objectName(o: { color: ColorName; kind: ObjectKind }): string {
  return `${o.color} ${o.kind}`;
}

/** One object to place. `at` proposes a position (may use objects placed so far). */
export interface PlaceRequest {
  id: string;
  kind: ObjectKind;
  color: ColorName;
  /** Proposal for (x, y); default: uniform over WORKSPACE shrunk by the footprint. */
  at?: (rng: Rng, placed: readonly ObjectSpec[]) => [number, number];
  /** Fixed yaw; default: uniform in [-MAX_YAW, MAX_YAW] for graspables, +-TRAY_YAW for trays. */
  yaw?: number;
  /** Size override, metres; default SIZES[kind]. */
  size?: number;
}

export interface PlaceOptions {
  /** Proposals tried per object before the whole scene is restarted. @default 200 */
  triesPerObject?: number;
  /** Whole-scene restarts before giving up. @default 50 */
  restarts?: number;
  /** Extra acceptance test on the finished scene (e.g. a spatial relation is unambiguous). */
  accept?: (objects: readonly ObjectSpec[]) => boolean;
}

function clearanceBetween(a: ObjectKind, b: ObjectKind): number {
  return isGraspable(a) || isGraspable(b) ? CLEARANCE.graspable : CLEARANCE.receptacle;
}

/** True when `o` fits inside the workspace and clears every object in `others`. */
export function fits(o: ObjectSpec, others: readonly ObjectSpec[]): boolean {
  const r = footprintRadius(o.kind, o.size);
  if (o.x - r < WORKSPACE.xMin || o.x + r > WORKSPACE.xMax) return false;
  if (o.y - r < WORKSPACE.yMin || o.y + r > WORKSPACE.yMax) return false;
  for (const p of others) {
    const d = Math.hypot(o.x - p.x, o.y - p.y);
    if (d < r + footprintRadius(p.kind, p.size) + clearanceBetween(o.kind, p.kind)) return false;
  }
  return true;
}

/** Uniform proposal over the workspace, shrunk so the footprint stays inside. */
export function uniformIn(region: Region, margin: number): (rng: Rng) => [number, number] {
  return (rng) => [rng.range(region.xMin + margin, region.xMax - margin), rng.range(region.yMin + margin, region.yMax - margin)];
}

/**
 * Place `requests` in order, each at a proposal that fits with everything placed before.
 * Throws after `restarts` failed attempts, naming the object that could not be placed.
 */
export function placeObjects(rng: Rng, requests: readonly PlaceRequest[], options: PlaceOptions = {}): ObjectSpec[] {
  const triesPerObject = options.triesPerObject ?? 200;
  const restarts = options.restarts ?? 50;
  let lastFailure = '';
  for (let attempt = 0; attempt < restarts; attempt++) {
    const placed: ObjectSpec[] = [];
    let ok = true;
    for (const req of requests) {
      const size = req.size ?? SIZES[req.kind];
      const propose = req.at ?? uniformIn(WORKSPACE, footprintRadius(req.kind, size));
      let done = false;
      for (let t = 0; t < triesPerObject && !done; t++) {
        const [x, y] = propose(rng, placed);
        const yaw = req.yaw ?? (isGraspable(req.kind) ? rng.range(-MAX_YAW, MAX_YAW) : req.kind === 'tray' ? rng.range(-TRAY_YAW, TRAY_YAW) : 0);
        const spec: ObjectSpec = { id: req.id, kind: req.kind, color: req.color, x, y, yaw, size };
        if (fits(spec, placed)) {
          placed.push(spec);
          done = true;
        }
      }
      if (!done) {
        ok = false;
        lastFailure = `could not place ${req.id}`;
        break;
      }
    }
    if (ok && (!options.accept || options.accept(placed))) return placed;
    if (ok) lastFailure = 'scene rejected by the acceptance test';
  }
  throw new Error(`placeObjects: gave up after ${restarts} attempts (${lastFailure})`);
}

/** Colours a task may use for distractors, excluding the given ones, in random order. */
export function otherColors(rng: Rng, exclude: readonly ColorName[], palette: readonly ColorName[] = PALETTE): ColorName[] {
  return rng.shuffle(palette.filter((c) => !exclude.includes(c)));
}

/** Colours that read clearly on the table and in small camera frames. */
export const PALETTE: readonly ColorName[] = ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'white', 'black', 'pink', 'brown'];

/** Yaw of the object `id` in a scene spec (throws when absent). */
export function yawOfSpec(objects: readonly ObjectSpec[], id: string): number {
  const o = objects.find((x) => x.id === id);
  if (!o) throw new Error(`scene: no object "${id}"`);
  return o.yaw;
}
