// Per-token maths of one decoder round: logits checks, softmax statistics over the action ids,
// top-k, categorical sampling and Gumbel noise. Hot path: no allocation per call (scratch
// objects are made once per decode, as cannon-es does with its module-level temporaries).
//
// Invariants: only ids in [0, A) (the action ids) are ever returned, so the mask id and any
// other non-action id can never be sampled; ties go to the lower id; probabilities are a
// softmax at temperature 1 in float64 (the model's belief, whatever the sampling temperature).
// Python twin: training/decoding.py (_row_stats, _sample_row, _gumbel).

import { DecoderInputError } from './settings';

/** Seeded randomness the decoder needs; src/core/rng.ts's Rng fits. next() is in [0, 1). */
export interface RandomSource {
  next(): number;
}

/** u is clamped away from 0 so Gumbel noise -log(-log u) stays finite. */
export const MIN_UNIFORM = 1e-300;

/** Standard Gumbel draw -log(-log u) (MaskGIT adds it to log-confidences). */
export function gumbel(rng: RandomSource): number {
  const u = Math.max(rng.next(), MIN_UNIFORM);
  return -Math.log(-Math.log(u));
}

/** Scratch for one token's softmax statistics. */
export interface RowStats {
  /** Max logit over the action ids. */
  max: number;
  /** Sum of exp(logit - max) over the action ids. */
  sum: number;
  /** Top candidate ids, best first. [k] */
  topIds: Int32Array;
  /** Their logits. [k] */
  topLogits: Float64Array;
  /** exp(logit - max) per action id: probabilities are exps[v] / sum with no further exp. [A] */
  exps: Float64Array;
  /** Sampling weights exp((l - max) / tau) when tau != 1. [A] */
  weights: Float64Array;
}

export function makeRowStats(k: number, actionIds: number): RowStats {
  return { max: 0, sum: 0, topIds: new Int32Array(k), topLogits: new Float64Array(k), exps: new Float64Array(actionIds), weights: new Float64Array(actionIds) };
}

/**
 * Checks a logits buffer [token][vocab]: type, length, and values. NaN anywhere and +-Infinity
 * in an action column are errors (a broken model must not yield a silent wrong chunk);
 * -Infinity is allowed in non-action columns, where models often suppress the mask id.
 */
export function checkLogits(logits: unknown, tokens: number, vocab: number, actionIds: number, round: number): asserts logits is Float32Array {
  if (!(logits instanceof Float32Array)) {
    throw new DecoderInputError(`logits (round ${round}): tokensToLogits must return a Float32Array [token][vocab], got ${Object.prototype.toString.call(logits)}`, 'logits');
  }
  if (logits.length !== tokens * vocab) {
    throw new DecoderInputError(`logits (round ${round}): length ${logits.length} != ${tokens} tokens x ${vocab} vocab = ${tokens * vocab}`, 'logits');
  }
  for (let i = 0; i < logits.length; i++) {
    const x = logits[i];
    if (x - x === 0) continue; // finite (fast path: NaN and +-Inf give NaN)
    const v = i % vocab;
    if (Number.isNaN(x) || v < actionIds || x > 0) {
      throw new DecoderInputError(`logits (round ${round}): non-finite value ${x} at token ${Math.floor(i / vocab)}, id ${v}`, 'logits');
    }
  }
}

/** Fills `st` for the row at `off`: max, softmax denominator and top-k over ids [0, A). */
export function rowStats(logits: Float32Array, off: number, actionIds: number, st: RowStats): void {
  const k = st.topIds.length;
  const ids = st.topIds;
  const top = st.topLogits;
  top.fill(-Infinity);
  ids.fill(-1);
  for (let v = 0; v < actionIds; v++) {
    const x = logits[off + v];
    if (x > top[k - 1]) {
      // Insertion keeps the lower id ahead on ties (strict >), matching a stable sort.
      let j = k - 1;
      while (j > 0 && x > top[j - 1]) {
        top[j] = top[j - 1];
        ids[j] = ids[j - 1];
        j--;
      }
      top[j] = x;
      ids[j] = v;
    }
  }
  const max = top[0];
  const e = st.exps;
  let sum = 0;
  for (let v = 0; v < actionIds; v++) {
    e[v] = Math.exp(logits[off + v] - max);
    sum += e[v];
  }
  st.max = max;
  st.sum = sum;
}

/** Softmax probability (temperature 1, action ids only) of `id` in the row last given to rowStats. */
export function probOf(st: RowStats, id: number): number {
  return st.exps[id] / st.sum;
}

/**
 * Draws an action id from softmax(logits / tau) over [0, A) by inverse CDF with one rng draw;
 * tau = 0 is argmax (no draw). rowStats must have been called for this row.
 */
export function sampleRow(logits: Float32Array, off: number, actionIds: number, st: RowStats, tau: number, rng: RandomSource): number {
  if (tau === 0) return st.topIds[0];
  // At tau = 1 the weights are the softmax numerators already computed (same bits).
  const w = tau === 1 ? st.exps : st.weights;
  let total = 0;
  for (let v = 0; v < actionIds; v++) {
    if (tau !== 1) w[v] = Math.exp((logits[off + v] - st.max) / tau);
    total += w[v];
  }
  const target = rng.next() * total;
  let cum = 0;
  let last = st.topIds[0];
  for (let v = 0; v < actionIds; v++) {
    if (w[v] <= 0) continue;
    cum += w[v];
    last = v;
    if (cum > target) return v;
  }
  return last; // rounding left target at the very end: the last id with weight
}
