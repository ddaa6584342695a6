// Task registry and every task's sampler: determinism, valid scenes, instructions, goals that
// are not met at the start and are met by an ideal final state.
import { describe, expect, it } from 'vitest';
import { getTask, SUITES, TASKS, tasksInSuite } from '../../src/tasks';
import { GOAL_LAYOUT, JITTER } from '../../src/tasks/goal';
import { footprintRadius as simFootprint, validateSceneSpec } from '../../src/sim/scene';
import { footprintRadius, fits } from '../../src/tasks/scene';
import type { ObjectSpec } from '../../src/sim/types';
import { slotsOf } from '../../src/tasks/templates';
import type { Goal } from '../../src/tasks/types';
import { solvedState, stateFromScene } from './fixtures';

const SEEDS = Array.from({ length: 25 }, (_, i) => i * 7919 + 3);

function goalIds(g: Goal): string[] {
  switch (g.type) {
    case 'in':
      return [g.object, g.receptacle];
    case 'stacked':
      return [g.top, g.base];
    default:
      return [g.object];
  }
}

describe('registry', () => {
  it('spatial/cube_nearest_plate_to_bowl samples seed 139002835, which gave up after 50 restarts once', () => {
    const inst = getTask('spatial/cube_nearest_plate_to_bowl').sample(139002835);
    expect(inst.goals).toHaveLength(1);
    expect(inst.goals[0]).toMatchObject({ type: 'in', receptacle: 'bowl' });
  });

  it('has >= 5 tasks per suite, >= 20 in all, unique well-formed ids', () => {
    expect(TASKS.length).toBeGreaterThanOrEqual(20);
    for (const s of SUITES) expect(tasksInSuite(s).length).toBeGreaterThanOrEqual(5);
    const ids = TASKS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of TASKS) {
      expect(t.id).toMatch(new RegExp(`^${t.suite}/[a-z0-9_]+$`));
      expect(getTask(t.id)).toBe(t);
      expect(Number.isInteger(t.maxSteps) && t.maxSteps > 0).toBe(true);
      expect(t.templates.length).toBeGreaterThanOrEqual(2);
    }
  });
  it('unknown ids and suites throw, listing the valid ones', () => {
    expect(() => getTask('spatial/nope')).toThrow(/unknown task "spatial\/nope".*\n.*spatial\/cube_left_of_bowl_to_plate/s);
    expect(() => tasksInSuite('kitchen')).toThrow(/unknown suite "kitchen"; valid suites: spatial, object, goal, long/);
  });
});

describe.each(TASKS.map((t) => [t.id, t] as const))('%s', (_id, task) => {
  it('samples a scene for every seed (1000 in a row; no sampler gives up)', () => {
    for (let seed = 0; seed < 1000; seed++) expect(() => task.sample(seed)).not.toThrow();
  });

  it('samples the same instance for the same seed', () => {
    for (const seed of SEEDS.slice(0, 5)) {
      const a = task.sample(seed);
      const b = task.sample(seed);
      expect(b.scene).toEqual(a.scene);
      expect(b.instruction).toBe(a.instruction);
      expect(b.goals).toEqual(a.goals);
    }
  });

  it('samples valid, varied scenes whose goals are unmet at the start and met when solved', () => {
    const instructions = new Set<string>();
    const layouts = new Set<string>();
    for (const seed of SEEDS) {
      const inst = task.sample(seed);
      expect(inst.taskId).toBe(task.id);
      expect(inst.maxSteps).toBe(task.maxSteps);
      const objs = inst.scene.objects;
      expect(() => validateSceneSpec(inst.scene)).not.toThrow();
      expect(new Set(objs.map((o) => o.id)).size).toBe(objs.length);
      objs.forEach((o, i) => {
        const others = objs.filter((_, j) => j !== i);
        expect(fits(o, others), `${o.id} overlaps or leaves the workspace (seed ${seed})`).toBe(true);
      });
      for (const g of inst.goals) for (const id of goalIds(g)) expect(objs.some((o) => o.id === id)).toBe(true);
      // Paraphrases: one per template, fully filled, the instruction among them.
      expect(inst.paraphrases.length).toBe(task.templates.length);
      for (const p of inst.paraphrases) expect(p).not.toMatch(/[{}]/);
      expect(inst.instruction).toBe(inst.paraphrases[inst.templateIndex]);
      const start = stateFromScene(inst.scene);
      expect(inst.success(start), `solved at start (seed ${seed})`).toBe(false);
      expect(inst.success(solvedState(start, inst.goals)), `ideal final state fails (seed ${seed})`).toBe(true);
      instructions.add(inst.instruction);
      layouts.add(JSON.stringify(objs.map((o) => [o.x.toFixed(3), o.y.toFixed(3)])));
    }
    expect(instructions.size).toBeGreaterThan(1);
    expect(layouts.size).toBe(SEEDS.length);
  });
});

describe('suite-specific structure', () => {
  it('footprints agree with the sim', () => {
    for (const kind of ['cube', 'cylinder', 'ball', 'bowl', 'plate', 'tray'] as const) {
      for (const size of [undefined, 0.05, 0.13]) expect(footprintRadius(kind, size)).toBe(simFootprint({ kind, size }));
    }
  });

  it('spatial: the target satisfies its relation and the other cubes do not (independent check)', () => {
    const pos = (objs: ObjectSpec[], id: string) => objs.find((o) => o.id === id)!;
    const dist = (a: ObjectSpec, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);
    for (const t of tasksInSuite('spatial')) {
      for (const seed of SEEDS) {
        const inst = t.sample(seed);
        const objs = inst.scene.objects;
        const g = inst.goals[0];
        if (g.type !== 'in') throw new Error('spatial tasks are placements');
        const target = pos(objs, g.object);
        const others = objs.filter((o) => o.kind === 'cube' && o.id !== target.id);
        const name = t.id.split('/')[1];
        // Signed coordinate along the relation's direction, relative to the landmark.
        const rel: Record<string, (o: ObjectSpec) => number> = {
          cube_left_of_bowl_to_plate: (o) => o.y - pos(objs, 'bowl').y,
          cube_right_of_plate_to_bowl: (o) => pos(objs, 'plate').y - o.y,
          cube_in_front_of_plate_to_bowl: (o) => pos(objs, 'plate').x - o.x,
          cube_behind_bowl_to_plate: (o) => o.x - pos(objs, 'bowl').x,
          cube_nearest_plate_to_bowl: (o) => -dist(o, pos(objs, 'plate')),
          cube_between_bowls_to_plate: (o) => {
            const a = pos(objs, 'bowl_1');
            const b = pos(objs, 'bowl_2');
            return -dist(o, { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
          },
        };
        const f = rel[name];
        expect(f, `no independent check for ${name}`).toBeDefined();
        for (const o of others) expect(f(target), `${t.id} seed ${seed}`).toBeGreaterThan(f(o) + 0.04);
        if (!name.startsWith('cube_nearest') && !name.startsWith('cube_between')) expect(f(target)).toBeGreaterThan(0.05);
      }
    }
  });

  it('spatial: the cubes share a colour, so only the relation identifies the target', () => {
    for (const t of tasksInSuite('spatial')) {
      const inst = t.sample(5);
      const cubes = inst.scene.objects.filter((o) => o.kind === 'cube');
      expect(cubes.length).toBeGreaterThanOrEqual(2);
      expect(new Set(cubes.map((c) => c.color)).size).toBe(1);
      expect(inst.instruction).not.toContain(cubes[0].color);
    }
  });
  it('object: exactly one object has the named colour and kind, and distractors share each', () => {
    for (const t of tasksInSuite('object')) {
      for (const seed of SEEDS.slice(0, 5)) {
        const inst = t.sample(seed);
        const g = inst.goals[0];
        if (g.type !== 'in') throw new Error('object tasks are placements');
        const target = inst.scene.objects.find((o) => o.id === g.object)!;
        expect(inst.instruction).toContain(`${target.color} ${target.kind}`);
        const objs = inst.scene.objects;
        expect(objs.filter((o) => o.color === target.color && o.kind === target.kind).length).toBe(1);
        expect(objs.some((o) => o.id !== target.id && o.kind === target.kind)).toBe(true);
        expect(objs.some((o) => o.id !== target.id && o.color === target.color)).toBe(true);
      }
    }
  });
  it('goal: every task samples the same layout, within the jitter of the nominal places', () => {
    const tasks = tasksInSuite('goal');
    const ref = tasks[0].sample(11).scene.objects.map((o) => o.id).sort();
    for (const t of tasks) {
      const objs = t.sample(11).scene.objects;
      expect(objs.map((o) => o.id).sort()).toEqual(ref);
      for (const o of objs) {
        const n = GOAL_LAYOUT.find((l) => l.id === o.id)!;
        expect(Math.abs(o.x - n.x)).toBeLessThanOrEqual(JITTER);
        expect(Math.abs(o.y - n.y)).toBeLessThanOrEqual(JITTER);
      }
    }
  });
  it('long: two goals, and the instruction names both steps', () => {
    for (const t of tasksInSuite('long')) {
      const inst = t.sample(2);
      expect(inst.goals.length).toBe(2);
      expect(t.templates.every((tp) => slotsOf(tp).includes('obj2'))).toBe(true);
      // Doing only the first step is not success.
      const start = stateFromScene(inst.scene);
      expect(inst.success(solvedState(start, inst.goals.slice(0, 1)))).toBe(false);
    }
  });
});
