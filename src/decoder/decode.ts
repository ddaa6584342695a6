// The discrete-diffusion action decoder: a pure async function that fills an H x D chunk of
// action tokens in T rounds, reaching the network only through `tokensToLogits`.
//
// References: MaskGIT parallel_decode (arXiv 2202.04200; google-research/maskgit
// libml/parallel_decode.py) for the loop, the schedule and annealed Gumbel noise on the
// ranking; Discrete Diffusion VLA (arXiv 2508.20072) for max-confidence / confidence-gap
// ranking and secondary remasking (threshold eta_t = eta0 * (1 - t/T), residual drop).
//
// Round t = 1..T: run the model on the current tokens; for each token compute the action-id
// softmax; masked tokens get a prediction and a ranking score; committed tokens may be
// re-masked (rules below); then the best-ranked tokens that were masked at the start of the
// round are committed so that exactly C_t tokens are committed after the round.
// Invariants (tests/decoder): exactly T forward passes; committed count after round t = C_t
// from committedSchedule, hence the chunk is complete after round T; a token that is not
// re-masked never changes once committed; re-masks per round <= M_t = L - C_t (so re-masked
// tokens return to the masked pool without breaking the schedule) and never happen in round 1
// or T; a token re-masked in round t is not re-committed in t but re-predicted in t + 1;
// the output holds action ids only.
// Python twin: training/decoding.py `decode` (same rules, same rng draw order).

import { annealFactor, committedSchedule } from './schedule';
import { assertValidSettings, DecoderInputError, makeSettings, resolvePlan, type DecodePlan, type DecoderSettings } from './settings';
import { checkLogits, gumbel, makeRowStats, probOf, rowStats, sampleRow, type RandomSource } from './tokenScoring';
import { allocTrace, CONFIDENCE_OF_KNOWN_TOKENS, type DecodeTrace } from './trace';

/** Floor on a confidence before its log, so a zero gap still ranks (by index or noise). */
export const MIN_CONFIDENCE = 1e-12;

/** Minimal AbortSignal shape (the DOM type is not available to the pure core). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** Chunk shape: H steps x D action dimensions; token index = h * D + d. */
export interface ChunkShape {
  steps: number;
  dims: number;
}

/** What beforeRound sees: the round about to run (1-based) and the trace so far. */
export interface RoundStart {
  round: number;
  rounds: number;
  /** Current tokens (a copy; mask id where masked). [token] */
  tokens: Int32Array;
  trace: DecodeTrace;
}

export interface DecodeOptions {
  /** The model: current tokens [token] (mask id where masked) -> Float32Array logits [token][vocab]. Must not mutate its input. */
  tokensToLogits: (tokens: Int32Array, round: number) => Promise<Float32Array> | Float32Array;
  shape: ChunkShape;
  /** The mask token id (= number of bins by project convention). */
  maskId: number;
  /** Overrides of defaultDecoderSettings; unknown keys are rejected. */
  settings?: Partial<DecoderSettings>;
  /** Seeded randomness; drawn only for sampling (tau > 0), random ranking and Gumbel noise. */
  rng: RandomSource;
  /** Awaited before every round (the UI pauses here). */
  beforeRound?: (info: RoundStart) => Promise<void> | void;
  /** Checked before and after every await; an aborted decode throws DecodeAbortedError. */
  signal?: AbortSignalLike;
}

export interface DecodeResult {
  /** The final chunk, action ids only. [token] */
  tokens: Int32Array;
  trace: DecodeTrace;
  /** Calls to tokensToLogits (= T). */
  forwardPasses: number;
  settings: DecoderSettings;
  plan: DecodePlan;
}

export class DecodeAbortedError extends Error {
  constructor(readonly round: number, readonly reason?: unknown) {
    super(`decode aborted before round ${round} completed`);
    this.name = 'AbortError';
  }
}

export async function decode(opts: DecodeOptions): Promise<DecodeResult> {
  const { shape, maskId, rng, signal } = opts;
  if (!shape || !Number.isInteger(shape.steps) || !Number.isInteger(shape.dims) || shape.steps < 1 || shape.dims < 1) {
    throw new DecoderInputError(`shape: steps and dims must be integers >= 1, got ${JSON.stringify(shape)}`, 'shape');
  }
  if (typeof opts.tokensToLogits !== 'function') throw new DecoderInputError('tokensToLogits: must be a function', 'tokensToLogits');
  if (!rng || typeof rng.next !== 'function') throw new DecoderInputError('rng: must have next(): number in [0, 1)', 'rng');
  const L = shape.steps * shape.dims;
  const settings = makeSettings(opts.settings);
  assertValidSettings(settings, { tokens: L, maskId });
  const plan = resolvePlan(settings, L);
  const T = plan.rounds;
  const A = settings.numActionIds ?? maskId;
  const k = settings.topK;
  const targets = committedSchedule(L, T, plan.schedule); // [round] C_t
  const trace = allocTrace(T, L, k);
  trace.committedTarget.set(targets);

  // Decoder state and per-round scratch, allocated once per decode.
  const tokens = new Int32Array(L).fill(maskId); // [token]
  const isCommitted = new Uint8Array(L); // [token]
  const commitProb = new Float64Array(L); // [token] p(token) in the round it was committed
  const pred = new Int32Array(L); // [token]
  const score = new Float64Array(L); // [token]
  const curProb = new Float64Array(L); // [token] p(current token), committed tokens only
  const predProb = new Float64Array(L); // [token] p(prediction), masked tokens only
  const order = new Int32Array(L); // candidate indices, sorted in place
  const st = makeRowStats(Math.max(k, Math.min(2, A)), A);
  let vocab = settings.vocabSize ?? 0;
  let committedCount = 0;

  const checkAbort = (round: number) => {
    if (signal?.aborted) throw new DecodeAbortedError(round, signal.reason);
  };

  for (let t = 1; t <= T; t++) {
    const r = t - 1;
    const base = r * L;
    checkAbort(t);
    if (opts.beforeRound) await opts.beforeRound({ round: t, rounds: T, tokens: tokens.slice(), trace });
    checkAbort(t);
    const tokensIn = trace.tokensIn.subarray(base, base + L);
    tokensIn.set(tokens);
    const logits = await opts.tokensToLogits(tokensIn, t);
    trace.forwardPasses++;
    checkAbort(t);
    if (!(logits instanceof Float32Array)) {
      throw new DecoderInputError(`logits (round ${t}): tokensToLogits must return a Float32Array [token][vocab], got ${Object.prototype.toString.call(logits)}`, 'logits');
    }
    if (vocab === 0) {
      // Infer V once from the first round; later rounds must match it.
      if (logits.length === 0 || logits.length % L !== 0) throw new DecoderInputError(`logits (round ${t}): length ${logits.length} is not a multiple of ${L} tokens`, 'logits');
      vocab = logits.length / L;
    }
    if (vocab <= maskId || vocab < A) {
      throw new DecoderInputError(`logits (round ${t}): vocab ${vocab} must exceed maskId ${maskId} and cover ${A} action ids`, 'logits');
    }
    checkLogits(logits, L, vocab, A, t);
    trace.vocabSize = vocab;

    const tau = settings.temperature * annealFactor(settings.temperatureAnneal, r / T);
    const g = plan.gumbelScale * (1 - t / T);
    const remaskOn = plan.remask !== 'none' && t > 1 && t < T;
    const eta = remaskOn && (plan.remask === 'threshold' || plan.remask === 'both') ? settings.eta0 * (1 - t / T) : 0;
    trace.temperature[r] = tau;
    trace.gumbelScale[r] = g;
    trace.eta[r] = eta;

    // 1. Predictions, confidences and scores. Rng draw order per masked token, by index:
    //    sample (tau > 0), random ranking, Gumbel (g > 0).
    for (let i = 0; i < L; i++) {
      const off = i * vocab;
      rowStats(logits, off, A, st);
      const tk = (base + i) * k;
      for (let j = 0; j < k; j++) {
        const id = st.topIds[j];
        trace.topIds[tk + j] = id;
        trace.topProbs[tk + j] = id >= 0 ? probOf(st, id) : 0;
      }
      let conf: number;
      if (isCommitted[i]) {
        pred[i] = tokens[i];
        conf = curProb[i] = probOf(st, tokens[i]);
        score[i] = CONFIDENCE_OF_KNOWN_TOKENS;
      } else {
        const p = sampleRow(logits, off, A, st, tau, rng);
        pred[i] = p;
        predProb[i] = probOf(st, p);
        const p1 = 1 / st.sum; // exp(max - max) / sum
        switch (plan.ranking) {
          case 'maxprob':
          case 'position':
            conf = p1;
            break;
          case 'gap':
            conf = p1 - (st.topIds.length > 1 && st.topIds[1] >= 0 ? probOf(st, st.topIds[1]) : 0);
            break;
          case 'sampled':
            conf = predProb[i];
            break;
          case 'random':
            conf = rng.next();
            break;
        }
        let s = plan.ranking === 'position' ? L - i : Math.log(Math.max(conf, MIN_CONFIDENCE));
        if (g > 0) s += g * gumbel(rng);
        score[i] = s;
      }
      trace.predicted[base + i] = pred[i];
      trace.confidence[base + i] = conf;
      trace.score[base + i] = score[i];
    }

    // 2. Secondary remasking of tokens committed in earlier rounds, least confident first,
    //    at most M_t of them so the schedule's C_t stays reachable from the masked pool.
    let newCommits = targets[r] - committedCount;
    if (remaskOn) {
      const maxRemask = L - targets[r];
      let n = 0;
      for (let i = 0; i < L; i++) {
        if (!isCommitted[i]) continue;
        const byThreshold = curProb[i] < eta;
        const byResidual = (plan.remask === 'residual' || plan.remask === 'both') && commitProb[i] - curProb[i] > settings.residualMargin;
        if (byThreshold || byResidual) order[n++] = i;
      }
      sortBy(order, n, (a, b) => curProb[a] - curProb[b] || a - b);
      const m = Math.min(n, maxRemask);
      for (let j = 0; j < m; j++) {
        const i = order[j];
        isCommitted[i] = 0;
        tokens[i] = maskId;
        trace.remasked[base + i] = 1;
      }
      committedCount -= m;
      newCommits += m;
    }

    // 3. Commit the best-ranked tokens among those masked at the start of this round.
    let n = 0;
    for (let i = 0; i < L; i++) if (tokensIn[i] === maskId) order[n++] = i;
    sortBy(order, n, (a, b) => score[b] - score[a] || a - b);
    if (newCommits > n) throw new Error(`decoder invariant broken: ${newCommits} commits needed, ${n} masked`);
    for (let j = 0; j < newCommits; j++) {
      const i = order[j];
      tokens[i] = pred[i];
      isCommitted[i] = 1;
      commitProb[i] = predProb[i];
      trace.committed[base + i] = 1;
    }
    committedCount += newCommits;
    trace.tokensOut.set(tokens, base);
    trace.roundsDone = t;
  }

  return { tokens: tokens.slice(), trace, forwardPasses: trace.forwardPasses, settings, plan };
}

/** In-place insertion sort of order[0, n) (n <= L = 56: simple, stable, allocation-free). */
function sortBy(order: Int32Array, n: number, cmp: (a: number, b: number) => number): void {
  for (let j = 1; j < n; j++) {
    const x = order[j];
    let p = j - 1;
    while (p >= 0 && cmp(order[p], x) > 0) {
      order[p + 1] = order[p];
      p--;
    }
    order[p + 1] = x;
  }
}
