// Receding horizon with keep-when-still: which actions of a chunk run, on synthetic proprio and on
// the real sim (an arm holding a cube and told to stay is still; one carrying it is not).
import { describe, expect, it } from 'vitest';
import { ExpertPolicy } from '../../src/expert';
import { proprioOf } from '../../src/eval/runner';
import { ChunkPlan, STILL_ANGLE, STILL_OPENING, STILL_POS, isStill } from '../../src/policy/chunkPlan';
import { Sim } from '../../src/sim';
import { getTask } from '../../src/tasks';

// x, y, z, qx, qy, qz, qw, opening
const P0 = [0.1, -0.05, 0.14, 0, 0, 0, 1, 0.056];
const chunk = (n: number, tag: number) => Array.from({ length: n }, (_, i) => [tag, i, 0, 0, 0, 0, 1]);
const turnedBy = (angle: number) => [0.1, -0.05, 0.14, 0, 0, Math.sin(angle / 2), Math.cos(angle / 2), 0.056];

describe('isStill', () => {
  it('holds under the thresholds and fails past each of them', () => {
    expect(isStill(P0, P0)).toBe(true);
    expect(isStill(P0, [0.1 + STILL_POS * 0.9, ...P0.slice(1)])).toBe(true);
    expect(isStill(P0, [0.1 + STILL_POS * 1.1, ...P0.slice(1)])).toBe(false);
    expect(isStill(P0, [...P0.slice(0, 2), 0.14 - STILL_POS * 1.1, ...P0.slice(3)])).toBe(false);
    expect(isStill(P0, turnedBy(STILL_ANGLE * 0.9))).toBe(true);
    expect(isStill(P0, turnedBy(STILL_ANGLE * 1.1))).toBe(false);
    expect(isStill(P0, [...P0.slice(0, 7), 0.056 + STILL_OPENING * 1.1])).toBe(false);
  });

  it('is false for non-finite proprio (a NaN from physics never counts as still)', () => {
    expect(isStill(P0, [NaN, ...P0.slice(1)])).toBe(false);
    expect(isStill([...P0.slice(0, 7), Infinity], P0)).toBe(false);
  });
});

describe('ChunkPlan', () => {
  it('without keepWhenStill runs the first executeSteps actions of each chunk and nothing more', () => {
    const p = new ChunkPlan(4, false);
    expect(p.take(chunk(8, 1), P0, 'a')).toEqual(chunk(8, 1).slice(0, 4));
    expect(p.continueFrom(P0, 'a')).toBeNull();
  });

  it('with keepWhenStill runs the rest of a chunk while the arm is still, then asks for a new plan', () => {
    const p = new ChunkPlan(4, true);
    const c = chunk(10, 2);
    expect(p.take(c, P0, 'a')).toEqual(c.slice(0, 4));
    expect(p.continueFrom(P0, 'a')).toEqual(c.slice(4, 8));
    expect(p.continueFrom(P0, 'a')).toEqual(c.slice(8, 10));
    expect(p.continueFrom(P0, 'a')).toBeNull();
  });

  it('replans when the arm moved, turned, the gripper changed or the instruction changed', () => {
    const moved = [0.1, -0.05 + 0.01, ...P0.slice(2)];
    const opened = [...P0.slice(0, 7), 0.08];
    for (const [proprio, text] of [[moved, 'a'], [turnedBy(0.1), 'a'], [opened, 'a'], [P0, 'b']] as const) {
      const p = new ChunkPlan(4, true);
      p.take(chunk(8, 3), P0, 'a');
      expect(p.continueFrom(proprio, text)).toBeNull();
    }
  });

  it('keeps only the latest chunk and forgets it on reset', () => {
    const p = new ChunkPlan(4, true);
    p.take(chunk(8, 4), P0, 'a');
    p.take(chunk(8, 5), P0, 'a');
    expect(p.continueFrom(P0, 'a')).toEqual(chunk(8, 5).slice(4));
    p.take(chunk(8, 6), P0, 'a');
    p.reset();
    expect(p.continueFrom(P0, 'a')).toBeNull();
    expect(() => new ChunkPlan(0, true)).toThrow(RangeError);
  });

  it('counts the plans in a row made with the arm still since the one before (the stall escape\'s count)', () => {
    const p = new ChunkPlan(4, true);
    expect(p.stillPlansNow(P0, 'a')).toBe(0); // no plan yet
    p.take(chunk(8, 7), P0, 'a');
    expect(p.stillPlansNow(P0, 'a')).toBe(1);
    p.take(chunk(8, 7), P0, 'a');
    expect(p.stillPlansNow(P0, 'a')).toBe(2);
    const moved = [0.1 + 0.01, ...P0.slice(1)];
    expect(p.stillPlansNow(moved, 'a')).toBe(0);
    expect(p.stillPlansNow(P0, 'b')).toBe(0); // the next clause
    p.take(chunk(8, 7), moved, 'a');
    expect(p.stillPlansNow(moved, 'a')).toBe(1);
    p.reset();
    expect(p.stillPlansNow(moved, 'a')).toBe(0);
  });

  it('counts the plans in a row made with the TCP within a radius of now and the opening unchanged (the hover rule)', () => {
    const p = new ChunkPlan(4, true);
    const at = (dx: number, dz: number, opening = 0.056) => [0.1 + dx, -0.05, 0.14 + dz, 0, 0, 0, 1, opening];
    expect(p.hoverPlansNow(P0, 'a', 0.02)).toBe(1); // no plan yet: only the one now
    // Bobbing 1.5 cm up and down, a few millimetres sideways: moving, never still, but hovering.
    const bob = [at(0, 0), at(0.004, -0.015), at(-0.003, 0), at(0.002, -0.015)];
    bob.forEach((q) => p.take(chunk(8, 1), q, 'a'));
    expect(p.stillPlansNow(at(0, 0), 'a')).toBe(0);
    expect(p.hoverPlansNow(at(0, 0), 'a', 0.02)).toBe(5);
    expect(p.hoverPlansNow(at(0, 0), 'a', 0.01)).toBe(1); // the latest plan was 1.5 cm lower
    expect(p.hoverPlansNow(at(0, 0), 'b', 0.02)).toBe(1); // the next clause
    expect(p.hoverPlansNow(at(0, 0, 0.08), 'a', 0.02)).toBe(1); // the fingers opened
    expect(p.hoverPlansNow(at(0.05, 0), 'a', 0.02)).toBe(1); // it got somewhere
    expect(p.hoverPlansNow([NaN, ...at(0, 0).slice(1)], 'a', 0.02)).toBe(1);
    // The escape: by the still rule (2 still plans) or, given window and radius, by the hover rule.
    const esc = { plans: 2, temperature: 1 };
    expect(p.stallEscapeNow(at(0, 0), 'a', esc)).toBeNull();
    expect(p.stallEscapeNow(at(0, 0), 'a', { ...esc, window: 5, radius: 0.02 })).toEqual({ stillPlans: 0, temperature: 1 });
    expect(p.stallEscapeNow(at(0, 0), 'a', { ...esc, window: 6, radius: 0.02 })).toBeNull();
    // A carried plan keeps the trail; reset forgets it.
    expect(new ChunkPlan(4, true, p).hoverPlansNow(at(0, 0), 'a', 0.02)).toBe(5);
    p.reset();
    expect(p.hoverPlansNow(at(0, 0), 'a', 0.02)).toBe(1);
  });

  it('on the real sim: a held cube told to stay is still over 4 steps; carrying it is not', () => {
    const inst = getTask('object/purple_cube_in_tray').sample(3);
    const sim = new Sim(inst.scene);
    const expert = new ExpertPolicy(inst);
    // The expert picks the cube up and lifts it to cruise height.
    for (let i = 0; i < 200 && !(sim.state().arm.grasped && sim.state().arm.tcp.position[2] > 0.12); i++) sim.step(expert.act(sim.state()));
    const held = sim.state();
    expect(held.arm.grasped).toBe('purple_cube');
    const before = proprioOf(held);
    for (let i = 0; i < 4; i++) sim.step([0, 0, 0, 0, 0, 0, 1]);
    const stayed = proprioOf(sim.state());
    expect(isStill(before, stayed)).toBe(true);
    // The expert's next 4 actions carry it towards the tray.
    for (let i = 0; i < 4; i++) sim.step(expert.act(sim.state()));
    expect(isStill(stayed, proprioOf(sim.state()))).toBe(false);
    expect(sim.state().arm.grasped).toBe('purple_cube');
  });
});
