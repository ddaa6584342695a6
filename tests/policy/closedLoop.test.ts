// The closed loop with models/test-random in onnxruntime-web (Node, WASM): observe, encode,
// decode a chunk, execute n of H actions, replan, until the step limit. Camera frames come
// from a seeded stand-in observer (no WebGL in Node) that depends on the arm's state.
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { defaultStallEscape } from '../../src/core/manifest';
import type { StallEscape } from '../../src/core/manifestTypes';
import { proprioOf, runEpisode } from '../../src/eval/runner';
import type { Observation, SimLike } from '../../src/eval/types';
import { VlaModel } from '../../src/policy/VlaModel';
import { VlaPolicy } from '../../src/policy/VlaPolicy';
import { Sim } from '../../src/sim';
import type { SimState } from '../../src/sim/types';
import { getTask } from '../../src/tasks';
import type { TaskInstance } from '../../src/tasks/types';
import { diskSource, nodeBackend } from '../runtime/nodeBackend';

const TASK = 'object/red_cube_in_bowl';
const MAX_STEPS = 24;

function observe(_sim: SimLike, state: SimState, inst: TaskInstance): Observation {
  const p = proprioOf(state);
  const r = new Rng(Math.round(p[0] * 1e4) * 31 + Math.round(p[1] * 1e4) * 17 + Math.round(p[2] * 1e4));
  const frame = () => ({ data: Uint8Array.from({ length: 32 * 32 * 3 }, () => r.int(256)), width: 32, height: 32, channels: 3 as const });
  return { instruction: inst.instruction, proprio: p, images: { agentview: frame(), wrist: frame() } };
}

// An arm that ignores the model's actions (held open, in place): every observation is still.
const frozen = (scene: ConstructorParameters<typeof Sim>[0]) => {
  const sim = new Sim(scene);
  const step = sim.step.bind(sim);
  sim.step = () => step([0, 0, 0, 0, 0, 0, -1]);
  return sim;
};

const instance = (): TaskInstance => ({ ...getTask(TASK).sample(5), maxSteps: MAX_STEPS });
const makeSim = (scene: ConstructorParameters<typeof Sim>[0]) => new Sim(scene);

describe('VlaPolicy closed loop (models/test-random)', () => {
  let model: VlaModel;
  beforeAll(async () => {
    model = await VlaModel.load(diskSource('models/test-random'), nodeBackend());
  });

  it('runs an episode to the step limit, replanning every n steps; NFE per chunk = rounds', async () => {
    const policy = new VlaPolicy(model, { decoder: { mode: 'dd', rounds: 6 }, executeSteps: 4, seed: 1 });
    const actions: number[][] = [];
    const row = await runEpisode(instance(), policy, makeSim, { observe, onStep: (s) => actions.push(s.action) });
    expect(row.failure).toBe('timeout');
    expect(row.steps).toBe(MAX_STEPS);
    expect(policy.chunks.length).toBe(MAX_STEPS / 4);
    for (const c of policy.chunks) {
      expect(c.nfe).toBe(6);
      expect(c.encoderRuns).toBe(1);
      expect(c.totalMs).toBeCloseTo(c.encoderMs + c.roundsMs, 6);
    }
    // Actions are bin centres inside the manifest's bounds.
    const { low, high } = model.manifest.action;
    for (const a of actions) a.forEach((x, d) => expect(x >= low[d] && x <= high[d]).toBe(true));
  });

  it('is reproducible from (seed, task) and the prefix cache does not change the actions', async () => {
    const run = async (prefixCache: boolean, seed: number) => {
      const p = new VlaPolicy(model, { decoder: { mode: 'dd', rounds: 4, temperature: 1 }, executeSteps: 8, prefixCache, seed });
      const acts: number[][] = [];
      await runEpisode(instance(), p, makeSim, { observe, onStep: (s) => acts.push(s.action) });
      return { acts, chunks: p.chunks };
    };
    const a = await run(true, 3);
    const b = await run(true, 3);
    const c = await run(false, 3);
    const d = await run(true, 4);
    expect(b.acts).toEqual(a.acts);
    expect(c.acts).toEqual(a.acts);
    expect(d.acts).not.toEqual(a.acts); // temperature 1: the seed matters
    for (const s of c.chunks) expect(s.encoderRuns).toBe(s.nfe); // full recompute: one encoder run per round
  });

  it('decoder modes give their NFE: oneshot 1, ar 56, random T', async () => {
    for (const [mode, nfe] of [['oneshot', 1], ['ar', 56], ['random', 5]] as const) {
      const p = new VlaPolicy(model, { decoder: { mode, rounds: 5 }, executeSteps: 8 });
      await runEpisode({ ...instance(), maxSteps: 8 }, p, makeSim, { observe });
      expect(p.chunks.map((c) => c.nfe)).toEqual([nfe]);
    }
  });

  it('a too-long instruction or a missing camera ends the episode as a policy error with the reason', async () => {
    const long = { ...instance(), instruction: 'put the red cube in the bowl and then the blue ball on the plate '.repeat(3).trim() };
    const r1 = await runEpisode(long, new VlaPolicy(model), makeSim, { observe });
    expect(r1.failure).toBe('policy-error');
    expect(r1.detail).toContain('longer than the limit maxLength = 32');
    const r2 = await runEpisode(instance(), new VlaPolicy(model), makeSim);
    expect(r2.failure).toBe('policy-error');
    expect(r2.detail).toContain('no camera frames');
  });

  it("replans after the manifest's decoding.executeSteps unless told otherwise", async () => {
    const manifest = { ...model.manifest, decoding: { ...model.manifest.decoding, executeSteps: 3 } };
    const m3 = Object.assign(Object.create(Object.getPrototypeOf(model)), model, { manifest }) as VlaModel;
    const byManifest = new VlaPolicy(m3, { decoder: { mode: 'oneshot' } });
    await runEpisode({ ...instance(), maxSteps: 12 }, byManifest, makeSim, { observe });
    expect(byManifest.chunks.length).toBe(4); // 12 steps / 3
    const told = new VlaPolicy(m3, { decoder: { mode: 'oneshot' }, executeSteps: 6 });
    await runEpisode({ ...instance(), maxSteps: 12 }, told, makeSim, { observe });
    expect(told.chunks.length).toBe(2);
  });

  it('with keepWhenStill (option or manifest) runs the rest of a chunk while the arm is still', async () => {
    const chunksWith = async (m: VlaModel, keepWhenStill?: boolean) => {
      const p = new VlaPolicy(m, { decoder: { mode: 'oneshot' }, executeSteps: 4, keepWhenStill });
      const row = await runEpisode({ ...instance(), maxSteps: 16 }, p, frozen, { observe });
      expect(row.steps).toBe(16);
      return p.chunks.length;
    };
    expect(await chunksWith(model)).toBe(4); // 16 steps / 4: the model's manifest leaves it off
    expect(await chunksWith(model, true)).toBe(2); // 16 steps / 8: each chunk runs whole
    const manifest = { ...model.manifest, decoding: { ...model.manifest.decoding, keepWhenStill: true } };
    const mKeep = Object.assign(Object.create(Object.getPrototypeOf(model)), model, { manifest }) as VlaModel;
    expect(await chunksWith(mKeep)).toBe(2);
    expect(await chunksWith(mKeep, false)).toBe(4);
  });

  it('with stallEscape samples the chunks after `plans` in a row left the arm still, and only those', async () => {
    const run = async (stallEscape: StallEscape | null | undefined, m: VlaModel = model) => {
      const p = new VlaPolicy(m, { decoder: { mode: 'dd', rounds: 4 }, executeSteps: 4, keepWhenStill: true, stallEscape, seed: 2 });
      const acts: number[][] = [];
      await runEpisode({ ...instance(), maxSteps: 40 }, p, frozen, { observe, onStep: (s) => acts.push(s.action) });
      return { flags: p.chunks.map((c) => c.stallEscape ?? false), chunk: (i: number) => acts.slice(8 * i, 8 * i + 8) };
    };
    // Greedy decoding of one unchanged observation: the same chunk five times over.
    const off = await run(null);
    expect(off.flags).toEqual([false, false, false, false, false]);
    for (let i = 1; i < 5; i++) expect(off.chunk(i)).toEqual(off.chunk(0));
    // Plans 1 and 2 left the arm still: plans 3-5 are sampled, and differ from the greedy one.
    const on = await run({ plans: 2, temperature: 1 });
    expect(on.flags).toEqual([false, false, true, true, true]);
    expect(on.chunk(1)).toEqual(off.chunk(0));
    expect(on.chunk(2)).not.toEqual(off.chunk(0));
    expect((await run({ plans: 2, temperature: 1 })).chunk(2)).toEqual(on.chunk(2)); // seeded
    // The manifest's decoding.stallPlans and stallTemperature are the default; null turns it off.
    const manifest = { ...model.manifest, decoding: { ...model.manifest.decoding, stallPlans: 2, stallTemperature: 1 } };
    const mEsc = Object.assign(Object.create(Object.getPrototypeOf(model)), model, { manifest }) as VlaModel;
    expect((await run(undefined, mEsc)).flags).toEqual(on.flags);
    expect((await run(null, mEsc)).flags).toEqual(off.flags);
    // With stallWindow and stallRadius the manifest's default carries the hover rule too.
    const hover = { ...model.manifest, decoding: { ...manifest.decoding, stallWindow: 8, stallRadius: 0.02 } };
    expect(defaultStallEscape(hover)).toEqual({ plans: 2, temperature: 1, window: 8, radius: 0.02 });
    expect(defaultStallEscape(manifest)).toEqual({ plans: 2, temperature: 1 });
    expect(defaultStallEscape(model.manifest)).toBeNull();
    const h = { plans: 2, temperature: 1 };
    for (const bad of [{ plans: 0, temperature: 1 }, { plans: 1.5, temperature: 1 }, { plans: 2, temperature: 0 }, { plans: 2, temperature: NaN },
      { ...h, window: 1, radius: 0.02 }, { ...h, window: 8 }, { ...h, radius: 0.02 }, { ...h, window: 8, radius: 0 }, { ...h, window: 8, radius: NaN }]) {
      expect(() => new VlaPolicy(model, { stallEscape: bad })).toThrow('stallEscape needs');
    }
  });

  it('refuses executeSteps outside 1..H', () => {
    expect(() => new VlaPolicy(model, { executeSteps: 9 })).toThrow('executeSteps must be an integer in [1, 8]');
  });
});
