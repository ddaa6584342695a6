// Bad input must give a clear error that names the field, never a silent wrong chunk.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { decode, DecoderInputError, makeSettings, validateSettings, type DecodeOptions, type DecoderSettings } from '../../src/decoder';
import { randomModel } from './helpers';

const shape = { steps: 4, dims: 3 }; // L = 12
const L = 12;
const V = 17;

function run(over: Partial<DecodeOptions> & { settings?: Partial<DecoderSettings> }) {
  return decode({ tokensToLogits: randomModel(0, L, V).model, shape, maskId: 16, rng: new Rng(0), ...over });
}
const constant = (logits: Float32Array) => async () => logits;

async function rejectsWith(p: Promise<unknown>, field: string, message: RegExp) {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DecoderInputError);
  expect((err as DecoderInputError).field).toBe(field);
  expect((err as Error).message).toMatch(message);
}

describe('bad logits', () => {
  it('wrong length', async () => {
    await rejectsWith(run({ tokensToLogits: constant(new Float32Array(L * V + 1)) }), 'logits', /not a multiple of 12 tokens/);
    await rejectsWith(run({ tokensToLogits: constant(new Float32Array(L * V)), settings: { vocabSize: 18 } }), 'logits', /length 204 != 12 tokens x 18 vocab/);
  });
  it('vocabulary changing between rounds', async () => {
    let n = 0;
    const model = async () => new Float32Array(L * (n++ === 0 ? V : V + 1));
    await rejectsWith(run({ tokensToLogits: model }), 'logits', /round 2\): length 216 != 12 tokens x 17/);
  });
  it('a vocabulary that does not hold the mask id', async () => {
    await rejectsWith(run({ tokensToLogits: constant(new Float32Array(L * 16)) }), 'logits', /vocab 16 must exceed maskId 16/);
  });
  it('NaN anywhere, +-Infinity in an action column, +Infinity anywhere', async () => {
    for (const [pos, value] of [[5, NaN], [16, NaN], [3, Infinity], [3, -Infinity], [16, Infinity]] as const) {
      const logits = new Float32Array(L * V);
      logits[V * 2 + pos] = value;
      await rejectsWith(run({ tokensToLogits: constant(logits) }), 'logits', new RegExp(`non-finite value ${value} at token 2, id ${pos}`));
    }
  });
  it('accepts -Infinity on the mask id (a model suppressing it)', async () => {
    const logits = new Float32Array(L * V);
    for (let i = 0; i < L; i++) logits[i * V + 16] = -Infinity;
    const res = await run({ tokensToLogits: constant(logits) });
    expect(res.tokens.every((t) => t < 16)).toBe(true);
  });
  it('not a Float32Array', async () => {
    const model = (async () => new Float64Array(L * V)) as unknown as DecodeOptions['tokensToLogits'];
    await rejectsWith(run({ tokensToLogits: model }), 'logits', /must return a Float32Array/);
  });
});

describe('bad settings and shapes', () => {
  it('T < 1 and T > L', async () => {
    await rejectsWith(run({ settings: { rounds: 0 } }), 'settings.rounds', /integer >= 1, got 0/);
    await rejectsWith(run({ settings: { rounds: 13 } }), 'settings.rounds', /13 rounds exceed the 12 tokens/);
    await rejectsWith(run({ settings: { rounds: 2.5 } }), 'settings.rounds', /integer/);
  });
  it('unknown schedule, ranking, mode, remask rule and unknown keys', async () => {
    await rejectsWith(run({ settings: { schedule: 'zigzag' as never } }), 'settings.schedule', /unknown schedule 'zigzag'/);
    await rejectsWith(run({ settings: { ranking: 'best' as never } }), 'settings.ranking', /unknown ranking/);
    await rejectsWith(run({ settings: { mode: 'beam' as never } }), 'settings.mode', /unknown mode/);
    await rejectsWith(run({ settings: { remask: 'always' as never } }), 'settings.remask', /unknown rule/);
    await rejectsWith(run({ settings: { round: 3 } as never }), 'settings.round', /unknown setting/);
  });
  it('out-of-range numbers', async () => {
    await rejectsWith(run({ settings: { temperature: -1 } }), 'settings.temperature', />= 0/);
    await rejectsWith(run({ settings: { eta0: 1.5 } }), 'settings.eta0', /\[0, 1\]/);
    await rejectsWith(run({ settings: { gumbelScale: NaN } }), 'settings.gumbelScale', /finite/);
    await rejectsWith(run({ settings: { topK: 17 } }), 'settings.topK', /exceeds the 16 action ids/);
  });
  it('a mask id inside the action ids, bad shapes, missing rng', async () => {
    await rejectsWith(run({ maskId: 3, settings: { numActionIds: 16 } }), 'maskId', /3 is an action id/);
    await rejectsWith(run({ shape: { steps: 0, dims: 7 } }), 'shape', /integers >= 1/);
    await rejectsWith(run({ rng: undefined as never }), 'rng', /next\(\)/);
  });
  it('validateSettings lists every problem and passes the defaults', () => {
    expect(validateSettings(makeSettings(), { tokens: 56, maskId: 256 })).toEqual([]);
    const errs = validateSettings(makeSettings({ rounds: 0, temperature: -2, schedule: 'x' as never }), { tokens: 56, maskId: 256 });
    expect(errs.map((e) => e.split(':')[0]).sort()).toEqual(['settings.rounds', 'settings.schedule', 'settings.temperature']);
  });
});
