// LIBERO-Object-like tasks: the target is named by identity (colour + kind) among distractors
// that share its colour or its kind, so both words of "red cube" are needed to find it.
//
// Invariants: exactly one object in the scene has the target's colour and kind; the receptacle
// kind named in the instruction appears once.

import type { Rng } from '../core/rng';
import type { ColorName, ObjectKind } from '../sim/types';
import { PICK_PLACE_STEPS, defineTask } from './define';
import { otherColors, placeObjects, type PlaceRequest } from './scene';
import { PUT_IN, PUT_ON } from './templates';
import type { TaskSpec } from './types';

type Graspable = 'cube' | 'cylinder' | 'ball';
type Receptacle = 'bowl' | 'plate' | 'tray';

interface ObjectTask {
  color: ColorName;
  kind: Graspable;
  receptacle: Receptacle;
}

const OTHER_KIND: Record<Graspable, Graspable> = { cube: 'cylinder', cylinder: 'cube', ball: 'cube' };

/** Distractors: same kind / other colour, same colour / other kind, and one other-kind object. */
function distractors(rng: Rng, t: ObjectTask): PlaceRequest[] {
  const colors = otherColors(rng, [t.color, 'white']);
  const other = OTHER_KIND[t.kind];
  const specs: Array<{ kind: ObjectKind; color: ColorName }> = [
    { kind: t.kind, color: colors[0] },
    { kind: t.kind, color: colors[1] },
    { kind: other, color: t.color },
    { kind: other, color: colors[2] },
  ];
  return specs.map((s) => ({ id: `${s.color}_${s.kind}`, kind: s.kind, color: s.color }));
}

/** A second receptacle of another kind, so the target word matters too. */
const OTHER_RECEPTACLE: Record<Receptacle, Receptacle> = { bowl: 'plate', plate: 'bowl', tray: 'bowl' };

function objectTask(t: ObjectTask): TaskSpec {
  const objId = `${t.color}_${t.kind}`;
  return defineTask({
    name: `${t.color}_${t.kind}_${t.receptacle === 'plate' ? 'on' : 'in'}_${t.receptacle}`,
    suite: 'object',
    templates: t.receptacle === 'plate' ? PUT_ON : PUT_IN,
    maxSteps: PICK_PLACE_STEPS,
    build(rng) {
      const otherRec = OTHER_RECEPTACLE[t.receptacle];
      // Receptacles first: they are the largest footprints.
      const requests: PlaceRequest[] = [
        { id: t.receptacle, kind: t.receptacle, color: 'white' },
        { id: otherRec, kind: otherRec, color: 'white' },
        { id: objId, kind: t.kind, color: t.color },
        ...distractors(rng, t).slice(0, t.receptacle === 'tray' ? 3 : 4),
      ];
      const objects = placeObjects(rng, requests);
      return {
        objects,
        slots: { obj: `${t.color} ${t.kind}`, target: t.receptacle },
        goals: [{ type: 'in', object: objId, receptacle: t.receptacle }],
      };
    },
  });
}

export const OBJECT_TASKS: TaskSpec[] = [
  { color: 'red', kind: 'cube', receptacle: 'bowl' },
  { color: 'yellow', kind: 'cylinder', receptacle: 'plate' },
  { color: 'blue', kind: 'cube', receptacle: 'plate' },
  { color: 'green', kind: 'cylinder', receptacle: 'bowl' },
  { color: 'purple', kind: 'cube', receptacle: 'tray' },
  { color: 'orange', kind: 'ball', receptacle: 'bowl' },
].map((t) => objectTask(t as ObjectTask));
