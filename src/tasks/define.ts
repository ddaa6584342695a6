// defineTask: turns a task's scene builder into a TaskSpec with a deterministic sample(seed).
// Seed handling: the episode seed is forked by task id, then split into independent "scene" and
// "instruction" streams, so changing the templates never moves objects and vice versa.
//
// Invariants: sample(seed) is pure; the instance's success() is allGoalsHold(goals); every
// template fills with the slots the builder returns (checked at definition time by tests).

import { Rng } from '../core/rng';
import type { ObjectSpec } from '../sim/types';
import { allGoalsHold } from './predicates';
import { fill, type Slots } from './templates';
import type { Goal, Suite, TaskInstance, TaskSpec } from './types';

/** What a task's builder returns for one seed. */
export interface BuiltScene {
  objects: ObjectSpec[];
  /** Values for the template slots ({obj}, {target}, ...). */
  slots: Slots;
  goals: Goal[];
}

export interface TaskDefinition {
  /** Name within the suite; the id becomes "<suite>/<name>". */
  name: string;
  suite: Suite;
  templates: readonly string[];
  maxSteps: number;
  /** Build the scene, slots and goals from a seeded stream (its only randomness). */
  build(rng: Rng): BuiltScene;
}

/**
 * Step limit of a single pick-and-place: the expert needs 85-105 steps (4-5 s at 20 Hz), so
 * 250 leaves about 2.5x for slower policies and retries. Other limits are set the same way
 * (about 2.5-3x the expert's mean, see docs/tasks.md).
 */
export const PICK_PLACE_STEPS = 250;

const ID_PATTERN = /^[a-z0-9_]+$/;

export function defineTask(def: TaskDefinition): TaskSpec {
  if (!ID_PATTERN.test(def.name)) throw new Error(`task name "${def.name}" must match ${ID_PATTERN}`);
  if (def.templates.length < 2) throw new Error(`task ${def.name}: needs at least 2 templates for paraphrases`);
  if (!(Number.isInteger(def.maxSteps) && def.maxSteps > 0)) throw new Error(`task ${def.name}: maxSteps must be a positive integer`);
  const id = `${def.suite}/${def.name}`;
  const templates = [...def.templates];
  return {
    id,
    suite: def.suite,
    templates,
    maxSteps: def.maxSteps,
    sample(seed: number): TaskInstance {
      const root = new Rng(seed).fork(id);
      const built = def.build(root.fork('scene'));
      const templateIndex = root.fork('instruction').int(templates.length);
      const paraphrases = templates.map((t) => fill(t, built.slots));
      const goals = built.goals;
      return {
        taskId: id,
        suite: def.suite,
        seed,
        scene: { objects: built.objects },
        instruction: paraphrases[templateIndex],
        templateIndex,
        paraphrases,
        goals,
        maxSteps: def.maxSteps,
        success: (state) => allGoalsHold(goals, state),
      };
    },
  };
}
