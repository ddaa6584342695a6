// LIBERO-Long-like tasks: two steps in one instruction ("put the red cube in the bowl and then
// the blue cube on the plate"). Success needs both conditions at the same time at the end, so
// undoing the first step while doing the second fails the episode.
//
// Invariants: the goals list is in instruction order (the expert follows it); the scene holds
// every named object once plus distractors of other colours.

import type { Rng } from '../core/rng';
import type { ColorName, ObjectKind } from '../sim/types';
import { PICK_PLACE_STEPS, defineTask, type BuiltScene } from './define';
import { otherColors, placeObjects, yawOfSpec, type PlaceRequest } from './scene';
import { CLAUSE, twoStep } from './templates';
import type { Goal, TaskSpec } from './types';

type Item = { id: string; kind: ObjectKind; color: ColorName };
const item = (color: ColorName, kind: ObjectKind): Item => ({ id: kind === 'bowl' || kind === 'plate' || kind === 'tray' ? kind : `${color}_${kind}`, kind, color });

interface LongTask {
  name: string;
  templates: string[];
  slots: Record<string, string>;
  /** Named objects (receptacles first: they need the most room). */
  items: Item[];
  goals(objects: BuiltScene['objects']): Goal[];
  /** Number of graspable distractors added in colours not used by the named objects. */
  distractors: number;
  maxSteps: number;
}

function longTask(t: LongTask): TaskSpec {
  return defineTask({
    name: t.name,
    suite: 'long',
    templates: t.templates,
    maxSteps: t.maxSteps,
    build(rng: Rng): BuiltScene {
      const used = t.items.map((i) => i.color);
      const colors = otherColors(rng, [...used, 'white']);
      const extra: PlaceRequest[] = colors.slice(0, t.distractors).map((c, i) => {
        const kind: ObjectKind = i % 2 === 0 ? 'cube' : 'cylinder';
        return { id: `${c}_${kind}`, kind, color: c };
      });
      const objects = placeObjects(rng, [...t.items, ...extra]);
      return { objects, slots: t.slots, goals: t.goals(objects) };
    },
  });
}

const RED_CUBE = item('red', 'cube');
const BLUE_CUBE = item('blue', 'cube');
const GREEN_CUBE = item('green', 'cube');
const YELLOW_CUBE = item('yellow', 'cube');
const YELLOW_CYL = item('yellow', 'cylinder');
const BOWL = item('white', 'bowl');
const PLATE = item('white', 'plate');
const TRAY = item('white', 'tray');

/** Offset (world xy) of a slot in the tray: `side` = +-1 along the tray's own y axis. */
function traySlot(objects: BuiltScene['objects'], side: number): [number, number] {
  const yaw = yawOfSpec(objects, 'tray');
  const d = 0.045 * side;
  return [-Math.sin(yaw) * d, Math.cos(yaw) * d];
}

const LONGS: LongTask[] = [
  {
    name: 'red_cube_in_bowl_then_blue_cube_on_plate',
    templates: twoStep(CLAUSE.in, CLAUSE.on),
    slots: { obj: 'red cube', target: 'bowl', obj2: 'blue cube', target2: 'plate' },
    items: [BOWL, PLATE, RED_CUBE, BLUE_CUBE],
    goals: () => [
      { type: 'in', object: 'red_cube', receptacle: 'bowl' },
      { type: 'in', object: 'blue_cube', receptacle: 'plate' },
    ],
    distractors: 2,
    maxSteps: 2 * PICK_PLACE_STEPS,
  },
  {
    name: 'stack_green_cube_on_yellow_cube_then_red_cube_in_bowl',
    templates: twoStep(CLAUSE.stack, CLAUSE.in),
    slots: { obj: 'green cube', target: 'yellow cube', obj2: 'red cube', target2: 'bowl' },
    items: [BOWL, GREEN_CUBE, YELLOW_CUBE, RED_CUBE],
    goals: () => [
      { type: 'stacked', top: 'green_cube', base: 'yellow_cube' },
      { type: 'in', object: 'red_cube', receptacle: 'bowl' },
    ],
    distractors: 2,
    maxSteps: 2 * PICK_PLACE_STEPS,
  },
  {
    name: 'red_cube_and_blue_cube_in_tray',
    templates: twoStep(CLAUSE.in, CLAUSE.in),
    slots: { obj: 'red cube', target: 'tray', obj2: 'blue cube', target2: 'tray' },
    items: [TRAY, RED_CUBE, BLUE_CUBE],
    goals: (objects) => [
      { type: 'in', object: 'red_cube', receptacle: 'tray', placeOffset: traySlot(objects, 1) },
      { type: 'in', object: 'blue_cube', receptacle: 'tray', placeOffset: traySlot(objects, -1) },
    ],
    distractors: 2,
    maxSteps: 2 * PICK_PLACE_STEPS,
  },
  {
    name: 'yellow_cylinder_on_plate_then_red_cube_in_bowl',
    templates: twoStep(CLAUSE.on, CLAUSE.in),
    slots: { obj: 'yellow cylinder', target: 'plate', obj2: 'red cube', target2: 'bowl' },
    items: [BOWL, PLATE, YELLOW_CYL, RED_CUBE],
    goals: () => [
      { type: 'in', object: 'yellow_cylinder', receptacle: 'plate' },
      { type: 'in', object: 'red_cube', receptacle: 'bowl' },
    ],
    distractors: 2,
    maxSteps: 2 * PICK_PLACE_STEPS,
  },
  {
    name: 'blue_cube_on_plate_then_lift_red_cube',
    templates: twoStep(CLAUSE.on, CLAUSE.lift),
    slots: { obj: 'blue cube', target: 'plate', obj2: 'red cube' },
    items: [PLATE, BOWL, BLUE_CUBE, RED_CUBE],
    goals: () => [
      { type: 'in', object: 'blue_cube', receptacle: 'plate' },
      { type: 'lifted', object: 'red_cube', height: 0.08 },
    ],
    distractors: 2,
    maxSteps: 400,
  },
];

export const LONG_TASKS: TaskSpec[] = LONGS.map(longTask);
