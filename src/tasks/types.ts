// Task contract: what a task is (id, suite, templates, step limit, sampler) and what one sampled
// episode carries (scene, instruction and its paraphrases, privileged goals, success predicate).
// Reference: LIBERO (Liu et al. 2023) task suites: spatial, object, goal, long ("LIBERO-10").
//
// Invariants: sample(seed) is a pure function of the seed (all randomness via Rng); the goals
// are plain data (serialisable) and success(state) is exactly "every goal holds in this state".

import type { SceneSpec, SimState } from '../sim/types';

export const SUITES = ['spatial', 'object', 'goal', 'long'] as const;
export type Suite = (typeof SUITES)[number];

/** Axis-aligned region of the table top, world frame, metres. */
export interface Region {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * One condition of a task's final state. Also the expert's privileged plan: the goals are
 * achieved in order, one pick-and-place (or push, or lift) each.
 */
export type Goal =
  | {
      type: 'in';
      /** Graspable object to move. */
      object: string;
      /** Receptacle (bowl, plate or tray) it must rest in or on. */
      receptacle: string;
      /** Where the expert should put it, offset from the receptacle centre (world xy, metres);
       * used when two objects share one receptacle. Not part of the success test. */
      placeOffset?: [number, number];
    }
  | {
      type: 'stacked';
      /** Object that must rest on top. */
      top: string;
      /** Object it rests on. */
      base: string;
    }
  | {
      type: 'lifted';
      object: string;
      /** Minimum height of the object's bottom above the table while grasped, metres. */
      height: number;
    }
  | {
      type: 'pushed';
      object: string;
      /** The object's centre must end in this region, not grasped (it was pushed, not carried). */
      region: Region;
    };

export interface TaskInstance {
  taskId: string;
  suite: Suite;
  seed: number;
  scene: SceneSpec;
  /** The instruction for this episode: templates[templateIndex] with its slots filled. */
  instruction: string;
  templateIndex: number;
  /** Every template of the task filled with this episode's slots (index-aligned with templates). */
  paraphrases: string[];
  /** Privileged: the conditions to reach, in the order the expert achieves them. */
  goals: Goal[];
  /** Control steps (20 Hz) before the episode is cut off as a failure. */
  maxSteps: number;
  /** True when every goal holds in `state`. */
  success(state: SimState): boolean;
}

export interface TaskSpec {
  /** "<suite>/<name>", e.g. "spatial/cube_left_of_bowl_to_plate". */
  id: string;
  suite: Suite;
  /** Instruction templates with slots such as {obj}, {target}, {obj2}, {target2}. */
  templates: readonly string[];
  /** Control steps (20 Hz) allowed per episode. */
  maxSteps: number;
  sample(seed: number): TaskInstance;
}
