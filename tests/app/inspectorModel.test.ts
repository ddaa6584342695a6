// The inspector's pure logic on real decode traces (src/decoder decode with a seeded random
// model): one state per cell, counts that follow the committed schedule, candidates from the
// trace, and a ghost path whose last round is the decoded chunk itself.
import { describe, expect, it } from 'vitest';
import { cellState, confidenceColour, confidenceLevel, ghostPath, roundCounts, topCandidates } from '../../src/app/inspectorModel';
import { ActionCodec } from '../../src/core/actionCodec';
import { Rng } from '../../src/core/rng';
import { decode } from '../../src/decoder';

const H = 8;
const D = 7;
const BINS = 32;
const codec = new ActionCodec({ low: Array(D).fill(-0.02), high: Array(D).fill(0.02), bins: BINS });

/** Random logits, a fresh draw per round (so confidences move and re-masking happens). */
function randomLogits(seed: number) {
  const rng = new Rng(seed);
  return (tokens: Int32Array) => {
    const out = new Float32Array(tokens.length * (BINS + 1));
    for (let i = 0; i < out.length; i++) out[i] = (i % (BINS + 1)) === BINS ? -Infinity : rng.normal(0, 3);
    return out;
  };
}

async function trace(seed: number, remask: 'none' | 'threshold' | 'residual' = 'threshold') {
  return (await decode({ tokensToLogits: randomLogits(seed), shape: { steps: H, dims: D }, maskId: BINS, rng: new Rng(seed), settings: { rounds: 10, remask, vocabSize: BINS + 1 } })).trace;
}

describe('inspector model', () => {
  it('classifies every cell once; committed + kept = the schedule target', async () => {
    for (const seed of [0, 1, 2]) {
      const t = await trace(seed);
      let remasks = 0;
      for (let r = 0; r < t.roundsDone; r++) {
        const c = roundCounts(t, r, BINS);
        expect(c.masked + c.committed + c.remasked + c.kept).toBe(H * D);
        expect(c.committed + c.kept).toBe(t.committedTarget[r]);
        remasks += c.remasked;
        for (let i = 0; i < H * D; i++) {
          const s = cellState(t, r, i, BINS);
          if (s === 'kept') expect(t.tokensIn[r * t.tokens + i]).toBe(t.tokensOut[r * t.tokens + i]);
          if (s === 'masked' || s === 'remasked') expect(t.tokensOut[r * t.tokens + i]).toBe(BINS);
        }
      }
      if (seed === 0) expect(remasks).toBeGreaterThan(0); // the threshold rule fired: the state is exercised
      expect(roundCounts(t, t.roundsDone - 1, BINS).masked).toBe(0);
    }
  });

  it('lists the top candidates with their continuous values', async () => {
    const t = await trace(3);
    const c = topCandidates(t, 0, 9, (b, d) => codec.decodeValue(b, d), D);
    expect(c).toHaveLength(t.topK);
    expect(c[0].prob).toBeGreaterThanOrEqual(c[1].prob);
    expect(c[0].value).toBeCloseTo(codec.decodeValue(c[0].bin, 9 % D), 12);
  });

  it('ghost path: the last round is the decoded chunk, fully sure; earlier rounds are less sure', async () => {
    const t = await trace(4, 'none');
    const start = [0.1, -0.2, 0.3];
    const opts = { steps: H, dims: D, maskId: BINS, start, binToValue: (b: number, d: number) => codec.decodeValue(b, d) };
    const last = ghostPath(t, t.roundsDone - 1, opts);
    const actions = codec.decodeChunk(t.tokensOut.subarray((t.roundsDone - 1) * t.tokens, t.roundsDone * t.tokens));
    const p = [...start];
    actions.forEach((a, h) => {
      for (let d = 0; d < 3; d++) p[d] += a[d];
      for (let d = 0; d < 3; d++) expect(last.points[h][d]).toBeCloseTo(p[d], 12);
    });
    expect(last.sure.every((s) => s === 1)).toBe(true);
    const first = ghostPath(t, 0, opts);
    expect(first.sure.reduce((a, b) => a + b, 0)).toBeLessThan(H);
  });

  it('confidence ramp: chance is the bottom, certainty the top, log in between', () => {
    expect(confidenceLevel(1 / 256, 256)).toBeCloseTo(0, 12);
    expect(confidenceLevel(1, 256)).toBe(1);
    expect(confidenceLevel(1 / 16, 256)).toBeCloseTo(0.5, 12);
    expect(confidenceLevel(0, 256)).toBe(0);
    expect(confidenceColour(0)).toBe('rgb(48, 18, 99)');
    expect(confidenceColour(1)).toBe('rgb(253, 231, 37)');
  });
});
