// The decode trace: every round's input tokens, predictions, confidences, top candidates,
// commits and re-masks, as flat typed arrays. The trace is the product (the denoising
// inspector draws it), as in MaskGIT's parallel_decode which returns every step's sequence.
//
// Layouts: per-token arrays are [round][token] with token = h * D + d; top-k arrays are
// [round][token][k]; per-round scalars are [round]. Only rounds < roundsDone are filled.
// Invariants: tokensOut of round r equals tokensIn of round r + 1; the last tokensOut is the
// final chunk and contains no mask id.

/** Confidence/score MaskGIT gives to tokens already known: they are never re-ranked. */
export const CONFIDENCE_OF_KNOWN_TOKENS = Infinity;

export interface DecodeTrace {
  /** T, rounds allocated (= forward passes of a complete decode). */
  rounds: number;
  /** L = H * D tokens per chunk. */
  tokens: number;
  /** k, top candidates kept per token. */
  topK: number;
  /** Rounds actually run (< rounds only if the decode was aborted). */
  roundsDone: number;
  /** Forward passes made (= calls to tokensToLogits). */
  forwardPasses: number;
  /** Vocabulary size V of the logits (0 until the first round). */
  vocabSize: number;
  /** Tokens given to the model, mask id where masked. [round][token] */
  tokensIn: Int32Array;
  /** Prediction: the sampled id for tokens masked at input, the kept token for committed ones. [round][token] */
  predicted: Int32Array;
  /** Masked at input: the ranking confidence (before noise); committed at input: p(its token) now. [round][token] */
  confidence: Float32Array;
  /** Ranking score log(max(conf, 1e-12)) + Gumbel noise (L - index for 'ar'); CONFIDENCE_OF_KNOWN_TOKENS for committed tokens. [round][token] */
  score: Float32Array;
  /** Top-k action ids by probability (ties: lower id first). [round][token][k] */
  topIds: Int32Array;
  /** Their probabilities (softmax at temperature 1 over the action ids). [round][token][k] */
  topProbs: Float32Array;
  /** 1 where the token was committed this round. [round][token] */
  committed: Uint8Array;
  /** 1 where a committed token was re-masked this round (it is re-predicted next round). [round][token] */
  remasked: Uint8Array;
  /** Tokens after the round. [round][token] */
  tokensOut: Int32Array;
  /** Target C_t: tokens committed after the round (the schedule). [round] */
  committedTarget: Int32Array;
  /** Sampling temperature tau_t used. [round] */
  temperature: Float32Array;
  /** Gumbel scale g_t used. [round] */
  gumbelScale: Float32Array;
  /** Threshold eta_t of the remasking rule (0 when the rule is off). [round] */
  eta: Float32Array;
}

export function allocTrace(rounds: number, tokens: number, topK: number): DecodeTrace {
  const n = rounds * tokens;
  return {
    rounds,
    tokens,
    topK,
    roundsDone: 0,
    forwardPasses: 0,
    vocabSize: 0,
    tokensIn: new Int32Array(n),
    predicted: new Int32Array(n),
    confidence: new Float32Array(n),
    score: new Float32Array(n),
    topIds: new Int32Array(n * topK),
    topProbs: new Float32Array(n * topK),
    committed: new Uint8Array(n),
    remasked: new Uint8Array(n),
    tokensOut: new Int32Array(n),
    committedTarget: new Int32Array(rounds),
    temperature: new Float32Array(rounds),
    gumbelScale: new Float32Array(rounds),
    eta: new Float32Array(rounds),
  };
}

/** One round of a trace, as subarray views (no copies). `round` is 0-based. */
export interface RoundView {
  round: number;
  tokensIn: Int32Array;
  predicted: Int32Array;
  confidence: Float32Array;
  score: Float32Array;
  topIds: Int32Array;
  topProbs: Float32Array;
  committed: Uint8Array;
  remasked: Uint8Array;
  tokensOut: Int32Array;
  committedTarget: number;
  temperature: number;
  gumbelScale: number;
  eta: number;
}

export function roundView(trace: DecodeTrace, round: number): RoundView {
  if (!Number.isInteger(round) || round < 0 || round >= trace.roundsDone) {
    throw new RangeError(`roundView: round ${round} not in [0, ${trace.roundsDone})`);
  }
  const L = trace.tokens;
  const a = round * L;
  const b = a + L;
  const k = trace.topK;
  return {
    round,
    tokensIn: trace.tokensIn.subarray(a, b),
    predicted: trace.predicted.subarray(a, b),
    confidence: trace.confidence.subarray(a, b),
    score: trace.score.subarray(a, b),
    topIds: trace.topIds.subarray(a * k, b * k),
    topProbs: trace.topProbs.subarray(a * k, b * k),
    committed: trace.committed.subarray(a, b),
    remasked: trace.remasked.subarray(a, b),
    tokensOut: trace.tokensOut.subarray(a, b),
    committedTarget: trace.committedTarget[round],
    temperature: trace.temperature[round],
    gumbelScale: trace.gumbelScale[round],
    eta: trace.eta[round],
  };
}
