// The page's closed loop (src/app/policyDriver.ts) with models/test-random in onnxruntime-web
// (Node, WASM): the stall escape of the manifest samples a chunk once the plans before it left
// the arm still, as VlaPolicy does, and the inspector's record says so.
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyDriver } from '../../src/app/policyDriver';
import { Rng } from '../../src/core/rng';
import { buildEncoderInputs, prepareTf } from '../../src/policy/observation';
import { VlaModel } from '../../src/policy/VlaModel';
import { diskSource, nodeBackend } from '../runtime/nodeBackend';

const P0 = [0.1, -0.05, 0.14, 0, 0, 0, 1, 0.056];
const INSTRUCTION = 'put the red cube in the bowl';

describe('PolicyDriver stall escape (models/test-random)', () => {
  let model: VlaModel;
  beforeAll(async () => {
    await prepareTf();
    model = await VlaModel.load(diskSource('models/test-random'), nodeBackend());
  });

  const plans = async (m: VlaModel, n: number) => {
    const driver = new PolicyDriver(m, { mode: 'dd', rounds: 4 });
    driver.reset(0, 'object/red_cube_in_bowl', 5);
    const r = new Rng(1);
    const frame = () => ({ data: Uint8Array.from({ length: 32 * 32 * 3 }, () => r.int(256)), width: 32, height: 32, channels: 3 as const });
    const inputs = buildEncoderInputs(m.manifest, m.tokenizer, { instruction: INSTRUCTION, proprio: P0, images: { agentview: frame(), wrist: frame() } });
    const chunks: number[][][] = [];
    for (let i = 0; i < n; i++) {
      // The same observation every time: an arm that has not moved since the last plan.
      await driver.plan(inputs, 8 * i, P0.slice(0, 3), { instruction: INSTRUCTION, clause: null }, P0);
      const acts: number[][] = [];
      for (let a = driver.nextAction(); a; a = driver.nextAction()) acts.push(a);
      chunks.push(acts);
    }
    return { records: driver.chunks, chunks };
  };

  it('samples once the plans before it left the arm still, and records it for the inspector', async () => {
    const off = await plans(model, 4);
    expect(off.records.map((c) => c.stallEscape)).toEqual([null, null, null, null]);
    for (const c of off.chunks) expect(c).toEqual(off.chunks[0]);
    const manifest = { ...model.manifest, decoding: { ...model.manifest.decoding, stallPlans: 2, stallTemperature: 1 } };
    const mEsc = Object.assign(Object.create(Object.getPrototypeOf(model)), model, { manifest }) as VlaModel;
    const on = await plans(mEsc, 4);
    expect(on.records.map((c) => c.stallEscape)).toEqual([null, null, { stillPlans: 2, temperature: 1 }, { stillPlans: 3, temperature: 1 }]);
    expect(on.records[2].settings.temperature).toBe(1);
    expect(on.chunks[1]).toEqual(off.chunks[0]);
    expect(on.chunks[2]).not.toEqual(off.chunks[0]);
  });
});
