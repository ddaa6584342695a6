// Action codec: continuous actions <-> discrete action tokens (TS twin of
// training/action_codec.py; both are checked against tests/fixtures/codec/cases.json).
//
// Bin rule "uniform-floor-v1" (float64, operations in exactly this order in both languages):
//   t      = (x - low) / (high - low)
//   xNorm  = clip(t * 2 - 1, -1, 1)
//   bin    = min(max(floor((xNorm + 1) / 2 * B), 0), B - 1)
// decode to the bin centre:
//   xNorm  = (2 * bin + 1) / B - 1
//   x      = (xNorm + 1) / 2 * (high - low) + low
// xNorm = -1 is bin 0, xNorm = +1 is bin B - 1 (the clamp); a value exactly on an inner edge
// -1 + 2k/B belongs to bin k. Ids 0..B-1 are bins, id B is the mask token and is refused.
// A chunk is [step][dim] row-major: token index = step * D + dim.
// Invariant: encode(decode(id)) === id for every bin id.

export const BIN_RULE = 'uniform-floor-v1';

/** Thrown for NaN/infinite actions, mask ids, out-of-range ids and wrong chunk shapes. */
export class ActionCodecError extends Error {
  override name = 'ActionCodecError';
}

export interface ActionCodecOptions {
  /** Lower bound per dimension (dataset q01); maps to xNorm = -1. */
  low: readonly number[];
  /** Upper bound per dimension (dataset q99); maps to xNorm = +1. Must be > low. */
  high: readonly number[];
  /** Number of bins B; the mask id is B. @default 256 */
  bins?: number;
}

export class ActionCodec {
  /** Lower bounds, one per dimension. */
  readonly low: readonly number[];
  /** Upper bounds, one per dimension. */
  readonly high: readonly number[];
  /** Number of bins B. */
  readonly bins: number;
  /** Action dimensions D. */
  readonly dims: number;
  /** Mask token id (= bins). */
  readonly maskId: number;

  constructor(opts: ActionCodecOptions) {
    const bins = opts.bins ?? 256;
    if (!Number.isInteger(bins) || bins < 2) throw new ActionCodecError(`bins must be an integer >= 2, got ${bins}`);
    if (opts.low.length !== opts.high.length || opts.low.length === 0) {
      throw new ActionCodecError(`low and high must be non-empty and the same length, got ${opts.low.length} and ${opts.high.length}`);
    }
    opts.low.forEach((lo, d) => {
      const hi = opts.high[d];
      if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
        throw new ActionCodecError(`bounds of dim ${d} must be finite with high > low, got low=${lo} high=${hi}`);
      }
    });
    this.low = [...opts.low];
    this.high = [...opts.high];
    this.bins = bins;
    this.dims = opts.low.length;
    this.maskId = bins;
  }

  /** Value of dimension `dim` -> [-1, 1], clipped. */
  normalize(x: number, dim: number): number {
    if (!Number.isFinite(x)) throw new ActionCodecError(`action value for dim ${dim} must be finite, got ${x}`);
    const t = (x - this.low[dim]) / (this.high[dim] - this.low[dim]);
    return Math.min(Math.max(t * 2 - 1, -1), 1);
  }

  binOfNormalized(xNorm: number): number {
    const b = Math.floor(((xNorm + 1) / 2) * this.bins);
    return Math.min(Math.max(b, 0), this.bins - 1);
  }

  encodeValue(x: number, dim: number): number {
    return this.binOfNormalized(this.normalize(x, dim));
  }

  decodeValue(token: number, dim: number): number {
    this.checkToken(token);
    const xNorm = (2 * token + 1) / this.bins - 1;
    return ((xNorm + 1) / 2) * (this.high[dim] - this.low[dim]) + this.low[dim];
  }

  /** Throws unless `token` is a bin id (the mask id and anything out of range are refused). */
  checkToken(token: number): void {
    if (!Number.isInteger(token)) throw new ActionCodecError(`action token must be an integer, got ${token}`);
    if (token === this.maskId) {
      throw new ActionCodecError(`action token is the mask id ${this.maskId}: the chunk is not fully decoded`);
    }
    if (token < 0 || token >= this.bins) throw new ActionCodecError(`action token ${token} is out of range [0, ${this.bins - 1}]`);
  }

  /** [step][dim] actions -> steps * D token ids, layout [step][dim]. */
  encodeChunk(actions: readonly (readonly number[])[]): Int32Array {
    const out = new Int32Array(actions.length * this.dims); // [step][dim]
    actions.forEach((row, h) => {
      if (row.length !== this.dims) throw new ActionCodecError(`action step ${h} has ${row.length} dims, expected ${this.dims}`);
      for (let d = 0; d < this.dims; d++) out[h * this.dims + d] = this.encodeValue(row[d], d);
    });
    return out;
  }

  /** Token ids, layout [step][dim] -> [step][dim] bin-centre actions. Refuses mask and out-of-range ids. */
  decodeChunk(tokens: ArrayLike<number>): number[][] {
    if (tokens.length % this.dims !== 0) {
      throw new ActionCodecError(`token count ${tokens.length} is not a multiple of the action dims ${this.dims}`);
    }
    const steps = tokens.length / this.dims;
    const out: number[][] = [];
    for (let h = 0; h < steps; h++) {
      const row: number[] = [];
      for (let d = 0; d < this.dims; d++) row.push(this.decodeValue(tokens[h * this.dims + d], d));
      out.push(row);
    }
    return out;
  }
}
