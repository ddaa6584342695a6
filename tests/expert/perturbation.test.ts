// DART execution perturbations (src/expert/Perturbation.ts): bounded, seeded, never touching the
// gripper, off when scale is 0; and in the real sim the expert still solves tasks while the arm
// is pushed centimetres off its clean path (that is what the perturbed demos are for).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { ExpertPolicy, Perturbation } from '../../src/expert';
import { ACTION_LIMITS, Sim } from '../../src/sim';
import { getTask } from '../../src/tasks';

const expertAction = [0.015, -0.019, 0.01, 0, 0, 0.09, 1];

function episode(taskId: string, seed: number, scale: number) {
  const inst = getTask(taskId).sample(seed);
  const sim = new Sim(inst.scene);
  const ex = new ExpertPolicy(inst);
  const p = new Perturbation(new Rng(seed).fork('perturb'), { scale });
  const path: number[][] = [];
  for (let k = 0; k < inst.maxSteps; k++) {
    const s = sim.state();
    path.push([...s.arm.tcp.position]);
    sim.step(p.apply(ex.act(s)));
    if (inst.success(sim.state())) return { success: true, path };
  }
  return { success: false, path };
}

describe('Perturbation', () => {
  it('keeps executed actions within the limits and leaves the gripper alone', () => {
    const p = new Perturbation(new Rng(1), { scale: 0.02, rate: 1 });
    let moved = 0;
    for (let k = 0; k < 500; k++) {
      const a = p.apply(expertAction);
      for (let i = 0; i < 3; i++) expect(Math.abs(a[i])).toBeLessThanOrEqual(ACTION_LIMITS.maxPosDelta);
      expect(Math.abs(a[5])).toBeLessThanOrEqual(ACTION_LIMITS.maxRotDelta);
      expect(a[3]).toBe(0);
      expect(a[4]).toBe(0);
      expect(a[6]).toBe(1);
      if (a[0] !== expertAction[0]) moved++;
    }
    expect(moved).toBeGreaterThan(400); // rate 1: a burst at every step outside clipping
  });

  it('returns the action unchanged at scale 0 and does not mutate its input', () => {
    const p = new Perturbation(new Rng(2), { scale: 0, rate: 1 });
    const a = [...expertAction];
    expect(p.apply(a)).toEqual(expertAction);
    expect(a).toEqual(expertAction);
  });

  it('comes in bursts of the configured length, reproducibly from the seed', () => {
    const draw = (seed: number) => {
      const p = new Perturbation(new Rng(seed), { scale: 0.008, rate: 0.1, steps: [3, 5] });
      return Array.from({ length: 400 }, () => p.apply([0, 0, 0, 0, 0, 0, -1])[0]);
    };
    const xs = draw(7);
    expect(draw(7)).toEqual(xs);
    expect(draw(8)).not.toEqual(xs);
    // Runs of one constant non-zero offset are the bursts (each draws a new offset): 3 to 5 steps.
    const runs: number[] = [];
    for (let i = 0; i < xs.length; ) {
      let j = i;
      while (j < xs.length && xs[j] === xs[i]) j++;
      if (xs[i] !== 0) runs.push(j - i);
      i = j;
    }
    expect(runs.length).toBeGreaterThan(10);
    for (const r of runs) expect(r >= 3 && r <= 5, `burst of ${r} steps`).toBe(true);
  });

  it('rejects options out of range, naming them', () => {
    expect(() => new Perturbation(new Rng(0), { scale: 0.5 })).toThrow(/scale/);
    expect(() => new Perturbation(new Rng(0), { rate: 2 })).toThrow(/rate/);
    expect(() => new Perturbation(new Rng(0), { steps: [4, 2] })).toThrow(/steps/);
  });

  it('pushes the arm centimetres off the clean path while the expert still succeeds', () => {
    for (const [taskId, seed] of [['object/red_cube_in_bowl', 3], ['goal/blue_cube_on_plate', 4]] as const) {
      const clean = episode(taskId, seed, 0);
      const noisy = episode(taskId, seed, 0.008);
      expect(clean.success && noisy.success, taskId).toBe(true);
      // Largest distance from a perturbed TCP position to the clean path (any of its points).
      const off = Math.max(...noisy.path.map((p) => Math.min(...clean.path.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])))));
      expect(off, taskId).toBeGreaterThan(0.01);
      expect(off, taskId).toBeLessThan(0.15);
    }
  });
});
