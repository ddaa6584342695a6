// Test helpers for the decoder: hand-written and random "models" (tokensToLogits callbacks)
// and a checker of the trace invariants stated in src/decoder/decode.ts, recomputed from the
// trace alone so property tests can run it on any decode.

import { expect } from 'vitest';
import { Rng } from '../../src/core/rng';
import { committedSchedule, type DecodeResult } from '../../src/decoder';

/** A model whose logits are fresh Gaussian noise (times `spread`) each call, from a seeded Rng. */
export function randomModel(seed: number, tokens: number, vocab: number, spread = 3) {
  const rng = new Rng(seed);
  let calls = 0;
  const model = async (_t: Int32Array) => {
    calls++;
    const out = new Float32Array(tokens * vocab);
    for (let i = 0; i < out.length; i++) out[i] = spread * rng.normal();
    return out;
  };
  return { model, calls: () => calls };
}

/**
 * Like randomModel, but a token given to the model (committed) gets a random boost in [0, 8)
 * on its own id, as a trained model would: committed confidences then spread over (0, 1), so
 * the remasking rules fire near their thresholds too.
 */
export function stickyModel(seed: number, tokens: number, vocab: number, maskId: number, spread = 1) {
  const rng = new Rng(seed);
  let calls = 0;
  const model = async (t: Int32Array) => {
    calls++;
    const out = new Float32Array(tokens * vocab);
    for (let i = 0; i < out.length; i++) out[i] = spread * rng.normal();
    for (let i = 0; i < tokens; i++) if (t[i] !== maskId) out[i * vocab + t[i]] += 8 * rng.next();
    return out;
  };
  return { model, calls: () => calls };
}

/**
 * Logits [token][vocab] from per-token probability rows over the action ids (log p); the mask
 * column (and any column past the row) gets `maskLogit`.
 */
export function logitsFromProbs(rows: number[][], vocab: number, maskLogit = -30): Float32Array {
  const out = new Float32Array(rows.length * vocab).fill(maskLogit);
  rows.forEach((row, i) => row.forEach((p, v) => (out[i * vocab + v] = Math.log(p))));
  return out;
}

/** A model returning scripted logits per round (1-based); it records the tokens it was given. */
export function scriptedModel(perRound: Float32Array[]) {
  const seen: Int32Array[] = [];
  const model = async (tokens: Int32Array, round: number) => {
    seen.push(tokens.slice());
    return perRound[round - 1];
  };
  return { model, seen };
}

/** A row of `n` probabilities with `p` on `id` and the rest spread evenly. */
export function peaked(n: number, id: number, p: number): number[] {
  return Array.from({ length: n }, (_, v) => (v === id ? p : (1 - p) / (n - 1)));
}

/** Float32 rounding of a probability in [0, 1] (the trace's precision), with a margin. */
const FLOAT32_SLACK = 2 ** -22;

export interface InvariantOptions {
  maskId: number;
  actionIds: number;
  /** Check that re-masking happened exactly when its rule fired (needs conf = p(pred): ranking 'sampled', or 'maxprob' at temperature 0). */
  exactRemask?: { threshold: boolean; residual: boolean; margin: number };
}

/** Asserts every decoder invariant on a finished decode, from its trace. */
export function checkInvariants(res: DecodeResult, o: InvariantOptions): void {
  const tr = res.trace;
  const L = tr.tokens;
  const T = res.plan.rounds;
  const k = tr.topK;
  expect(res.forwardPasses).toBe(T);
  expect(tr.roundsDone).toBe(T);
  expect(Array.from(tr.committedTarget)).toEqual(Array.from(committedSchedule(L, T, res.plan.schedule)));
  for (const x of res.tokens) expect(x >= 0 && x < o.actionIds).toBe(true);
  expect(Array.from(tr.tokensOut.subarray((T - 1) * L))).toEqual(Array.from(res.tokens));
  const commitProb = new Float64Array(L);
  for (let r = 0; r < T; r++) {
    const b = r * L;
    let committedAfter = 0;
    let remasks = 0;
    let minCommitted = Infinity;
    let maxLeft = -Infinity;
    const fired: number[] = [];
    // The trace stores confidences as float32, the decoder compares in float64: a token whose
    // float32 value sits on a rule's boundary (within float32 rounding) may go either way.
    const ambiguous: number[] = [];
    for (let i = 0; i < L; i++) {
      const tin = tr.tokensIn[b + i];
      const tout = tr.tokensOut[b + i];
      if (r > 0) expect(tin).toBe(tr.tokensOut[b - L + i]);
      if (tout !== o.maskId) committedAfter++;
      if (tr.remasked[b + i]) {
        remasks++;
        expect(tin).not.toBe(o.maskId);
        expect(tout).toBe(o.maskId);
      } else if (tin !== o.maskId) {
        expect(tout).toBe(tin); // a committed token that is not re-masked never changes
      }
      if (tr.committed[b + i]) {
        expect(tin).toBe(o.maskId); // re-masked tokens are re-committed only in a later round
        expect(tout).toBe(tr.predicted[b + i]);
        expect(tout >= 0 && tout < o.actionIds).toBe(true);
        minCommitted = Math.min(minCommitted, tr.score[b + i]);
      } else if (tin === o.maskId) {
        maxLeft = Math.max(maxLeft, tr.score[b + i]);
      }
      if (tin !== o.maskId && o.exactRemask) {
        const c = tr.confidence[b + i];
        const byT = o.exactRemask.threshold && c < tr.eta[r];
        const byR = o.exactRemask.residual && commitProb[i] - c > o.exactRemask.margin;
        const onEdge =
          (o.exactRemask.threshold && Math.abs(c - tr.eta[r]) <= FLOAT32_SLACK) ||
          (o.exactRemask.residual && Math.abs(commitProb[i] - c - o.exactRemask.margin) <= FLOAT32_SLACK);
        if (r > 0 && r < T - 1 && onEdge) ambiguous.push(i);
        else if (r > 0 && r < T - 1 && (byT || byR)) fired.push(i);
      }
      for (let j = 1; j < k; j++) expect(tr.topProbs[(b + i) * k + j]).toBeLessThanOrEqual(tr.topProbs[(b + i) * k + j - 1]);
    }
    expect(committedAfter).toBe(tr.committedTarget[r]); // the schedule, re-masks included
    expect(remasks).toBeLessThanOrEqual(L - tr.committedTarget[r]);
    if (r === 0 || r === T - 1) expect(remasks).toBe(0);
    expect(minCommitted).toBeGreaterThanOrEqual(maxLeft); // the best-ranked were committed
    if (o.exactRemask) {
      // Fired tokens beyond the cap M_t are the most confident ones; the rest are re-masked.
      fired.sort((a, c) => tr.confidence[b + a] - tr.confidence[b + c] || a - c);
      const cap = L - tr.committedTarget[r];
      const got = [...Array(L).keys()].filter((i) => tr.remasked[b + i]);
      if (ambiguous.length === 0) {
        expect(got).toEqual(fired.slice(0, cap).sort((a, c) => a - c));
      } else {
        for (const i of got) expect(fired.includes(i) || ambiguous.includes(i)).toBe(true);
        if (fired.length + ambiguous.length <= cap) for (const i of fired) expect(got).toContain(i);
      }
    }
    for (let i = 0; i < L; i++) if (tr.committed[b + i]) commitProb[i] = tr.confidence[b + i];
  }
}
