// Summary statistics of an RGB camera frame, for the e2e test hook and the page's debug line:
// cheap to send across the Playwright boundary, yet enough to prove a frame is not blank and
// that it changed between two moments.
// Reference: frame layout in docs/rendering.md ([row][col][rgb], row 0 = top).
// Invariants: `thumb` is a THUMB x THUMB grey-level grid averaged over equal blocks, so two
// thumbs of the same frame size are directly comparable.

/** Side of the grey-level thumbnail. */
export const THUMB = 16;

/** Statistics of one frame. */
export interface FrameStats {
  width: number;
  height: number;
  /** Mean of all RGB bytes, 0..255. */
  mean: number;
  /** Variance of the per-pixel grey level (a blank frame gives 0). */
  variance: number;
  /** Grey levels averaged over THUMB x THUMB blocks, [row][col], row 0 = top. */
  thumb: number[];
}

export function frameStats(rgb: Uint8Array, width: number, height: number): FrameStats {
  const n = width * height;
  let sum = 0;
  let sumGrey = 0;
  let sumGrey2 = 0;
  const thumb = new Array<number>(THUMB * THUMB).fill(0);
  const counts = new Array<number>(THUMB * THUMB).fill(0);
  for (let r = 0; r < height; r++) {
    const tr = Math.min(THUMB - 1, Math.floor((r * THUMB) / height));
    for (let c = 0; c < width; c++) {
      const i = (r * width + c) * 3;
      const grey = (rgb[i] + rgb[i + 1] + rgb[i + 2]) / 3;
      sum += rgb[i] + rgb[i + 1] + rgb[i + 2];
      sumGrey += grey;
      sumGrey2 += grey * grey;
      const t = tr * THUMB + Math.min(THUMB - 1, Math.floor((c * THUMB) / width));
      thumb[t] += grey;
      counts[t]++;
    }
  }
  const meanGrey = sumGrey / n;
  for (let t = 0; t < thumb.length; t++) thumb[t] = counts[t] ? thumb[t] / counts[t] : 0;
  return { width, height, mean: sum / (3 * n), variance: sumGrey2 / n - meanGrey * meanGrey, thumb };
}

/** Mean absolute difference of two thumbnails, in grey levels (0 = identical). */
export function thumbDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`thumbDiff: sizes differ (${a.length} vs ${b.length})`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return d / a.length;
}
