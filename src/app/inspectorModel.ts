// Pure logic of the denoising inspector: what state each token of a round is in, the colour
// of its confidence, the continuous values of its top candidates, and the ghost trajectory of
// a partially decoded chunk.
// Reference: src/decoder/trace.ts (layouts [round][token], token = h * D + d); DD-VLA's
// secondary remasking (a committed token may be re-masked in a later round).
// Invariants: pure (no DOM); exactly one state per token per round; the ghost of the last round
// of a complete decode is the decoded chunk itself (every token committed, no prediction used).
import type { DecodeTrace } from '../decoder';

/** State of one token after a round. */
export type CellState = 'masked' | 'committed' | 'remasked' | 'kept';

/** Legend order and text (the inspector draws it under the grid). */
export const CELL_LEGEND: readonly { state: CellState; text: string }[] = [
  { state: 'masked', text: 'still masked' },
  { state: 'committed', text: 'committed this round' },
  { state: 'remasked', text: 're-masked (confidence fell)' },
  { state: 'kept', text: 'kept from an earlier round' },
];

/** State of token `i` after round `r` (0-based) of `trace`. */
export function cellState(trace: DecodeTrace, r: number, i: number, maskId: number): CellState {
  const k = r * trace.tokens + i;
  if (trace.remasked[k]) return 'remasked';
  if (trace.committed[k]) return 'committed';
  return trace.tokensOut[k] === maskId ? 'masked' : 'kept';
}

/** Counts of each state after round r. */
export function roundCounts(trace: DecodeTrace, r: number, maskId: number): Record<CellState, number> {
  const c: Record<CellState, number> = { masked: 0, committed: 0, remasked: 0, kept: 0 };
  for (let i = 0; i < trace.tokens; i++) c[cellState(trace, r, i, maskId)]++;
  return c;
}

/** Position of confidence p on the colour ramp, log scale from chance (1 / ids) to 1: a
 * linear scale would paint every token of a 256-bin model nearly the same dark colour, since
 * even a useful prediction often has p of a few percent. */
export function confidenceLevel(p: number, ids: number): number {
  if (!(p > 0) || ids < 2) return 0;
  return Math.min(1, Math.max(0, 1 - Math.log(p) / Math.log(1 / ids)));
}

/** Ramp position in [0, 1] -> CSS colour on a dark-blue (unsure) to yellow (sure) ramp. */
export function confidenceColour(level: number): string {
  const t = Math.min(1, Math.max(0, Number.isFinite(level) ? level : 0));
  // Three stops of a viridis-like ramp, linearly blended: readable on the dark page.
  const stops = [
    [48, 18, 99],
    [33, 145, 140],
    [253, 231, 37],
  ];
  const x = t * 2;
  const a = stops[Math.min(1, Math.floor(x))];
  const b = stops[Math.min(2, Math.floor(x) + 1)];
  const f = x - Math.min(1, Math.floor(x));
  const ch = (j: number) => Math.round(a[j] + (b[j] - a[j]) * f);
  return `rgb(${ch(0)}, ${ch(1)}, ${ch(2)})`;
}

/** Top candidates of token i in round r: bin id, probability and continuous value. */
export function topCandidates(
  trace: DecodeTrace,
  r: number,
  i: number,
  binToValue: (bin: number, dim: number) => number,
  dims: number,
): { bin: number; prob: number; value: number }[] {
  const out = [];
  const base = (r * trace.tokens + i) * trace.topK;
  for (let j = 0; j < trace.topK; j++) {
    const bin = trace.topIds[base + j];
    out.push({ bin, prob: trace.topProbs[base + j], value: binToValue(bin, i % dims) });
  }
  return out;
}

/** Ghost trajectory of the chunk after round r: TCP positions [h][xyz] from `start`, summing
 * dx, dy, dz (dims 0-2) per step. Committed tokens give their value; masked ones the round's
 * current best guess (its prediction). `sure[h]` is the fraction of step h's position tokens
 * that are committed (the ghost's opacity: it sharpens round by round). */
export function ghostPath(
  trace: DecodeTrace,
  r: number,
  opts: { steps: number; dims: number; maskId: number; start: readonly number[]; binToValue: (bin: number, dim: number) => number },
): { points: number[][]; sure: number[] } {
  const { steps, dims, maskId, start, binToValue } = opts;
  const base = r * trace.tokens;
  const p = [start[0], start[1], start[2]];
  const points: number[][] = [];
  const sure: number[] = [];
  for (let h = 0; h < steps; h++) {
    let known = 0;
    for (let d = 0; d < 3; d++) {
      const i = h * dims + d;
      const out = trace.tokensOut[base + i];
      const bin = out === maskId ? trace.predicted[base + i] : out;
      if (out !== maskId) known++;
      p[d] += binToValue(bin, d);
    }
    points.push([p[0], p[1], p[2]]);
    sure.push(known / 3);
  }
  return { points, sure };
}
