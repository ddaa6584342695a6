// Decoder behaviour on hand-written models: remasking fires when and only when its rule does,
// ranking rules order tokens as documented, baselines, hooks, abort, determinism.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { decode, DecodeAbortedError, roundView, type DecoderSettings } from '../../src/decoder';
import { checkInvariants, logitsFromProbs, peaked, randomModel, scriptedModel } from './helpers';

const B = 4; // bins
const MASK = 4;
const V = 5;
const shape2x2 = { steps: 2, dims: 2 };
const uniform = () => peaked(B, 0, 0.25);

/**
 * 4 tokens, T = 3, linear schedule: C = [2, 3, 4]. Round 1 commits tokens 0 and 1 (p = 0.97);
 * in round 2 token 0's committed id 1 has probability `p0Round2`; round 3 prefers id 3 for it.
 */
function remaskScenario(p0Round2: number) {
  const r1 = logitsFromProbs([peaked(B, 1, 0.97), peaked(B, 2, 0.97), uniform(), uniform()], V);
  const r2 = logitsFromProbs([peaked(B, 1, p0Round2), peaked(B, 2, 0.97), peaked(B, 0, 0.9), peaked(B, 3, 0.8)], V);
  const r3 = logitsFromProbs([peaked(B, 3, 0.9), peaked(B, 2, 0.97), peaked(B, 0, 0.9), peaked(B, 3, 0.8)], V);
  return scriptedModel([r1, r2, r3]);
}

async function runScenario(p0Round2: number, settings: Partial<DecoderSettings>) {
  const m = remaskScenario(p0Round2);
  const res = await decode({ tokensToLogits: m.model, shape: shape2x2, maskId: MASK, rng: new Rng(0), settings: { rounds: 3, schedule: 'linear', ...settings } });
  return { res, seen: m.seen };
}

describe('secondary remasking', () => {
  it('threshold rule: re-masks a committed token below eta_t and re-predicts it next round', async () => {
    // eta_2 = 0.9 * (1 - 2/3) = 0.3 > 0.29
    const { res, seen } = await runScenario(0.29, { remask: 'threshold', eta0: 0.9 });
    const r2 = roundView(res.trace, 1);
    expect(r2.eta).toBeCloseTo(0.3, 6);
    expect(Array.from(r2.remasked)).toEqual([1, 0, 0, 0]);
    expect(Array.from(r2.tokensOut)).toEqual([MASK, 2, 0, 3]); // C_2 = 3 still holds
    expect(seen[2][0]).toBe(MASK); // the model sees it masked in round 3 ...
    expect(roundView(res.trace, 2).committed[0]).toBe(1); // ... and it is committed again
    expect(Array.from(res.tokens)).toEqual([3, 2, 0, 3]);
    checkInvariants(res, { maskId: MASK, actionIds: B, exactRemask: { threshold: true, residual: false, margin: 0 } });
  });

  it('threshold rule: no re-mask when confidence stays above eta_t', async () => {
    const { res } = await runScenario(0.31, { remask: 'threshold', eta0: 0.9 });
    expect(res.trace.remasked.every((x) => x === 0)).toBe(true);
    expect(res.tokens[0]).toBe(1);
  });

  it('residual rule: re-masks on a drop larger than the margin, not on a smaller one', async () => {
    // p drops 0.97 -> 0.66 (0.31 > 0.3): residual fires, threshold (eta_2 = 0.3) does not.
    const drop = await runScenario(0.66, { remask: 'residual', residualMargin: 0.3 });
    expect(Array.from(roundView(drop.res.trace, 1).remasked)).toEqual([1, 0, 0, 0]);
    expect(drop.res.tokens[0]).toBe(3);
    const thr = await runScenario(0.66, { remask: 'threshold', eta0: 0.9 });
    expect(thr.res.trace.remasked.every((x) => x === 0)).toBe(true);
    const small = await runScenario(0.68, { remask: 'residual', residualMargin: 0.3 }); // drop 0.29
    expect(small.res.trace.remasked.every((x) => x === 0)).toBe(true);
    const none = await runScenario(0.01, { remask: 'none' });
    expect(none.res.trace.remasked.every((x) => x === 0)).toBe(true);
  });

  it('caps re-masks at M_t = L - C_t, least confident first, and never re-masks in the last round', async () => {
    // Round 2: both committed tokens collapse, but M_2 = 1 allows one re-mask: the lower one.
    const r1 = logitsFromProbs([peaked(B, 1, 0.97), peaked(B, 2, 0.97), uniform(), uniform()], V);
    const r2 = logitsFromProbs([peaked(B, 1, 0.2), peaked(B, 2, 0.1), peaked(B, 0, 0.9), peaked(B, 3, 0.8)], V);
    const r3 = logitsFromProbs([peaked(B, 1, 0.01), peaked(B, 3, 0.9), peaked(B, 0, 0.01), peaked(B, 3, 0.8)], V);
    const { model } = scriptedModel([r1, r2, r3]);
    const res = await decode({ tokensToLogits: model, shape: shape2x2, maskId: MASK, rng: new Rng(0), settings: { rounds: 3, schedule: 'linear', remask: 'both', eta0: 0.9 } });
    expect(Array.from(res.trace.remasked.subarray(4, 8))).toEqual([0, 1, 0, 0]);
    expect(Array.from(res.trace.remasked.subarray(8, 12))).toEqual([0, 0, 0, 0]);
    expect(Array.from(res.tokens)).toEqual([1, 3, 0, 3]);
  });
});

describe('ranking', () => {
  // Token 0: p1 = 0.5, p2 = 0.45 (gap 0.05). Token 1: p1 = 0.4, p2 = 0.1 (gap 0.3).
  const rows = [[0.5, 0.45, 0.03, 0.02], [0.4, 0.1, 0.25, 0.25]];
  const once = async (ranking: DecoderSettings['ranking']) => {
    const logits = logitsFromProbs(rows, V);
    const res = await decode({ tokensToLogits: async () => logits, shape: { steps: 1, dims: 2 }, maskId: MASK, rng: new Rng(3), settings: { rounds: 2, ranking } });
    return Array.from(res.trace.committed.subarray(0, 2));
  };
  it('maxprob commits the highest top-1 probability, gap the largest top1 - top2 margin', async () => {
    expect(await once('maxprob')).toEqual([1, 0]);
    expect(await once('gap')).toEqual([0, 1]);
  });
  it('random ranking depends on the seed only', async () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const { model } = randomModel(1, 12, 17);
      const res = await decode({ tokensToLogits: model, shape: { steps: 4, dims: 3 }, maskId: 16, rng: new Rng(seed), settings: { mode: 'random', rounds: 4 } });
      // The round in which each token was committed: the decoding order.
      orders.add([...Array(12).keys()].map((i) => [0, 1, 2, 3].find((r) => res.trace.committed[r * 12 + i])).join(''));
    }
    expect(orders.size).toBe(20);
  });
});

describe('baselines', () => {
  it('ar: 56 passes for an 8 x 7 chunk, one token per pass, left to right', async () => {
    const m = randomModel(5, 56, 257);
    const res = await decode({ tokensToLogits: m.model, shape: { steps: 8, dims: 7 }, maskId: 256, rng: new Rng(1), settings: { mode: 'ar' } });
    expect(m.calls()).toBe(56);
    for (let r = 0; r < 56; r++) expect(res.trace.committed.subarray(r * 56, r * 56 + 56).indexOf(1)).toBe(r);
    checkInvariants(res, { maskId: 256, actionIds: 256 });
  });
  it('oneshot: one pass, every token its argmax', async () => {
    const logits = logitsFromProbs([peaked(B, 2, 0.4), peaked(B, 1, 0.3), peaked(B, 3, 0.9), peaked(B, 0, 0.5)], V);
    const { model, seen } = scriptedModel([logits]);
    const res = await decode({ tokensToLogits: model, shape: shape2x2, maskId: MASK, rng: new Rng(1), settings: { mode: 'oneshot', rounds: 99 } });
    expect(seen.length).toBe(1);
    expect(Array.from(seen[0])).toEqual([MASK, MASK, MASK, MASK]);
    expect(Array.from(res.tokens)).toEqual([2, 1, 3, 0]);
  });
});

describe('sampling and ids', () => {
  it('never samples the mask id or a non-action id, even when their logits dominate', async () => {
    const L = 6;
    const vocab = 7; // ids 0..4 actions, 5 mask, 6 another special id
    const logits = new Float32Array(L * vocab);
    for (let i = 0; i < L; i++) {
      logits[i * vocab + 5] = 50;
      logits[i * vocab + 6] = 60;
    }
    const res = await decode({ tokensToLogits: async () => logits, shape: { steps: 2, dims: 3 }, maskId: 5, rng: new Rng(2), settings: { rounds: 3, numActionIds: 5, temperature: 2, gumbelScale: 3 } });
    for (const t of res.tokens) expect(t).toBeLessThan(5);
    for (const t of res.trace.topIds) expect(t).toBeLessThan(5);
  });
  it('same seed, same trace; another seed, another trace (sampling + Gumbel noise)', async () => {
    const run = async (seed: number) => {
      const m = randomModel(11, 56, 257, 1);
      return decode({ tokensToLogits: m.model, shape: { steps: 8, dims: 7 }, maskId: 256, rng: new Rng(seed), settings: { temperature: 1, gumbelScale: 4.5, remask: 'both', eta0: 0.5 } });
    };
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(a.trace).toEqual(b.trace);
    expect(Array.from(a.tokens)).not.toEqual(Array.from(c.tokens));
  });
});

describe('hooks and abort', () => {
  it('awaits beforeRound before each of the T rounds, in order, before the forward pass', async () => {
    const log: string[] = [];
    const m = randomModel(2, 12, 17);
    await decode({
      tokensToLogits: async (t) => (log.push('pass'), m.model(t)),
      beforeRound: async ({ round, rounds, trace }) => {
        await new Promise((r) => setTimeout(r, 1));
        log.push(`before ${round}/${rounds} done=${trace.roundsDone}`);
      },
      shape: { steps: 4, dims: 3 },
      maskId: 16,
      rng: new Rng(0),
      settings: { rounds: 3 },
    });
    expect(log).toEqual(['before 1/3 done=0', 'pass', 'before 2/3 done=1', 'pass', 'before 3/3 done=2', 'pass']);
  });
  it('an aborted signal stops the decode with DecodeAbortedError and no further passes', async () => {
    const ctl = new AbortController();
    const m = randomModel(2, 12, 17);
    const p = decode({ tokensToLogits: m.model, beforeRound: ({ round }) => { if (round === 3) ctl.abort('user'); }, signal: ctl.signal, shape: { steps: 4, dims: 3 }, maskId: 16, rng: new Rng(0), settings: { rounds: 6 } });
    await expect(p).rejects.toBeInstanceOf(DecodeAbortedError);
    expect(m.calls()).toBe(2);
  });
});
