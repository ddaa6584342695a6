// LIBERO-Goal-like tasks: one fixed scene layout (every object at the same nominal place, small
// jitter), many different goals, so only the instruction tells the policy what to do.
// Layout (robot at -x looking +x; left = +y):
//   back row:   bowl (right)                 [free lane]                plate (left)
//   middle:          blue cube
//   front row:  yellow cylinder (right)      green cube (centre)      red cube (left)
// The centre lane in front of the green cube is kept free so it can be pushed forward; the
// green cube sits a little forward of the front row so the pusher fits behind it (the arm
// cannot reach gripper-down much closer than x = -0.19 at cruise height).
//
// Invariants: every goal task samples the same layout distribution (the layout depends on the
// seed only, not on the task); jitter keeps every object within JITTER of its nominal place.

import type { Rng } from '../core/rng';
import type { ObjectSpec } from '../sim/types';
import { PICK_PLACE_STEPS, defineTask, type BuiltScene } from './define';
import { placeObjects, type PlaceRequest } from './scene';
import { LIFT, PUSH_FORWARD, PUT_IN, PUT_ON, STACK } from './templates';
import type { Goal, TaskSpec } from './types';

/** Maximum displacement of an object from its nominal place, metres (per axis). */
export const JITTER = 0.015;
/** Maximum yaw deviation of graspables from their nominal yaw, radians. */
const YAW_JITTER = 0.3;

export const GOAL_LAYOUT: ReadonlyArray<Omit<ObjectSpec, 'yaw' | 'size'>> = [
  { id: 'bowl', kind: 'bowl', color: 'white', x: 0.15, y: -0.155 },
  { id: 'plate', kind: 'plate', color: 'white', x: 0.14, y: 0.145 },
  { id: 'blue_cube', kind: 'cube', color: 'blue', x: 0.0, y: -0.07 },
  { id: 'yellow_cylinder', kind: 'cylinder', color: 'yellow', x: -0.13, y: -0.16 },
  { id: 'green_cube', kind: 'cube', color: 'green', x: -0.115, y: 0.03 },
  { id: 'red_cube', kind: 'cube', color: 'red', x: -0.13, y: 0.17 },
];

/** Where "push the green cube forward" must end: 8 to 22 cm past its nominal place, within
 * 6 cm of its lane. */
export const PUSH_REGION = { xMin: -0.035, xMax: 0.105, yMin: -0.03, yMax: 0.09 };

/** Sample the shared layout: nominal places plus jitter, with the usual non-overlap check. */
export function sampleGoalLayout(rng: Rng): ObjectSpec[] {
  const requests: PlaceRequest[] = GOAL_LAYOUT.map((o) => ({
    id: o.id,
    kind: o.kind,
    color: o.color,
    at: (r: Rng): [number, number] => [o.x + r.range(-JITTER, JITTER), o.y + r.range(-JITTER, JITTER)],
    yaw: o.kind === 'cube' || o.kind === 'cylinder' ? rng.range(-YAW_JITTER, YAW_JITTER) : 0,
  }));
  return placeObjects(rng, requests);
}

interface GoalTask {
  name: string;
  templates: readonly string[];
  slots: Record<string, string>;
  goal: Goal;
  maxSteps: number;
}

function goalTask(t: GoalTask): TaskSpec {
  return defineTask({
    name: t.name,
    suite: 'goal',
    templates: t.templates,
    maxSteps: t.maxSteps,
    build(rng): BuiltScene {
      return { objects: sampleGoalLayout(rng), slots: t.slots, goals: [t.goal] };
    },
  });
}

const GOALS: GoalTask[] = [
  {
    name: 'red_cube_in_bowl',
    templates: PUT_IN,
    slots: { obj: 'red cube', target: 'bowl' },
    goal: { type: 'in', object: 'red_cube', receptacle: 'bowl' },
    maxSteps: PICK_PLACE_STEPS,
  },
  {
    name: 'yellow_cylinder_on_plate',
    templates: PUT_ON,
    slots: { obj: 'yellow cylinder', target: 'plate' },
    goal: { type: 'in', object: 'yellow_cylinder', receptacle: 'plate' },
    maxSteps: PICK_PLACE_STEPS,
  },
  {
    name: 'blue_cube_on_plate',
    templates: PUT_ON,
    slots: { obj: 'blue cube', target: 'plate' },
    goal: { type: 'in', object: 'blue_cube', receptacle: 'plate' },
    maxSteps: PICK_PLACE_STEPS,
  },
  {
    name: 'stack_red_cube_on_blue_cube',
    templates: STACK,
    slots: { obj: 'red cube', target: 'blue cube' },
    goal: { type: 'stacked', top: 'red_cube', base: 'blue_cube' },
    maxSteps: PICK_PLACE_STEPS,
  },
  {
    name: 'push_green_cube_forward',
    templates: PUSH_FORWARD,
    slots: { obj: 'green cube' },
    goal: { type: 'pushed', object: 'green_cube', region: PUSH_REGION },
    maxSteps: 150,
  },
  {
    name: 'lift_blue_cube',
    templates: LIFT,
    slots: { obj: 'blue cube' },
    goal: { type: 'lifted', object: 'blue_cube', height: 0.08 },
    maxSteps: 120,
  },
];

export const GOAL_TASKS: TaskSpec[] = GOALS.map(goalTask);
