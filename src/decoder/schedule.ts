// Mask schedule and annealing curves for the discrete-diffusion action decoder.
//
// Reference: MaskGIT (Chang et al. 2022, arXiv 2202.04200), google-research/maskgit
// libml/mask_schedule.py `schedule(ratio, total_unknown, method)`; Discrete Diffusion VLA
// (Liang et al. 2025, arXiv 2508.20072) keeps MaskGIT's cosine schedule for action chunks.
//
// `maskRatio` is one small function with a method switch, clamped to [1e-6, 1] as in MaskGIT.
// `committedSchedule` turns it into integer targets C_t = tokens committed after round t with
// these invariants (tested): C_t strictly increases (>= 1 new commit per round), C_T = L, and
// every remaining round can still commit at least one token (M_t = L - C_t >= T - t).
// Python twin: training/decoding.py (mask_ratio, committed_schedule, anneal_factor).

/** Mask schedules. cosine..log/exp as in MaskGIT's mask_schedule.py. */
export const SCHEDULE_METHODS = ['cosine', 'linear', 'square', 'cubic', 'sqrt', 'log', 'exp'] as const;
export type ScheduleMethod = (typeof SCHEDULE_METHODS)[number];

/** Annealing curves for the sampling temperature. */
export const ANNEAL_KINDS = ['constant', 'linear', 'cosine'] as const;
export type AnnealKind = (typeof ANNEAL_KINDS)[number];

/** MaskGIT clamps the ratio to this floor: a schedule never asks for a negative mask count. */
export const MIN_MASK_RATIO = 1e-6;

/**
 * Added before flooring L * ratio. cos(pi/3) is 0.5000000000000001 in IEEE doubles and a
 * libm may be one ulp off (V8 vs CPython/numpy); values that sit on an integer must give the
 * same count in the TypeScript decoder and its Python twin.
 */
export const SCHEDULE_EPS = 1e-9;

/**
 * Fraction of the chunk still masked once a fraction `ratio` of the rounds has run
 * (MaskGIT `schedule`). 1 at ratio 0, ~0 at ratio 1, clamped to [MIN_MASK_RATIO, 1].
 */
export function maskRatio(method: ScheduleMethod, ratio: number, totalUnknown: number): number {
  let r: number;
  switch (method) {
    case 'cosine':
      r = Math.cos((Math.PI / 2) * ratio);
      break;
    case 'linear':
      r = 1 - ratio;
      break;
    case 'square':
      r = 1 - ratio * ratio;
      break;
    case 'cubic':
      r = 1 - ratio * ratio * ratio;
      break;
    case 'sqrt':
      r = 1 - Math.sqrt(ratio);
      break;
    case 'log':
      // log2(1) = 0: a one-token chunk is fully masked until its single round ends.
      r = totalUnknown <= 1 ? (ratio >= 1 ? 0 : 1) : -Math.log2(ratio) / Math.log2(totalUnknown);
      break;
    case 'exp':
      r = 1 - Math.pow(2, -Math.log2(Math.max(totalUnknown, 1)) * (1 - ratio));
      break;
    default:
      throw new Error(`decoder: unknown schedule '${String(method)}' (expected one of ${SCHEDULE_METHODS.join(', ')})`);
  }
  if (Number.isNaN(r)) r = 1;
  return Math.min(1, Math.max(MIN_MASK_RATIO, r));
}

/**
 * Committed-count targets for T rounds over L tokens: out[t-1] = C_t, the number of tokens
 * that are committed (not masked) after round t. M_t = floor(L * maskRatio(t/T)) is clamped so
 * that each round commits at least one token and each later round can still commit one; the
 * last round commits everything (C_T = L).
 */
export function committedSchedule(tokens: number, rounds: number, method: ScheduleMethod): Int32Array {
  if (!Number.isInteger(tokens) || tokens < 1) throw new Error(`decoder: chunk must have >= 1 token, got ${tokens}`);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > tokens) {
    throw new Error(`decoder: settings.rounds must be an integer in [1, ${tokens}] (one commit per round at least), got ${rounds}`);
  }
  const out = new Int32Array(rounds); // [round] committed after the round
  let prevMasked = tokens;
  for (let t = 1; t <= rounds; t++) {
    let masked = 0;
    if (t < rounds) {
      masked = Math.floor(tokens * maskRatio(method, t / rounds, tokens) + SCHEDULE_EPS);
      masked = Math.min(masked, prevMasked - 1); // at least one new commit this round
      masked = Math.max(masked, rounds - t); // at least one token left for each later round
    }
    out[t - 1] = tokens - masked;
    prevMasked = masked;
  }
  return out;
}

/**
 * Annealing factor in [0, 1] at progress `ratio` in [0, 1): 'constant' 1, 'linear' 1 - ratio,
 * 'cosine' cos(pi/2 * ratio). The decoder calls it with ratio = (t - 1) / T, so round 1 always
 * samples at the full temperature.
 */
export function annealFactor(kind: AnnealKind, ratio: number): number {
  switch (kind) {
    case 'constant':
      return 1;
    case 'linear':
      return Math.max(0, 1 - ratio);
    case 'cosine':
      return Math.max(0, Math.cos((Math.PI / 2) * ratio));
    default:
      throw new Error(`decoder: unknown anneal kind '${String(kind)}' (expected one of ${ANNEAL_KINDS.join(', ')})`);
  }
}
