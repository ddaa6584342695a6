// Per-dimension statistics of a dataset's actions and proprio: mean, std, min, max and the 1st /
// 99th percentiles. The action codec normalises each dimension to [-1, 1] with [q01, q99]
// (OpenVLA's BOUNDS_Q99 rule) and training reads them from the file, so they are computed once,
// here, and stored with the data (stats/<key>/<stat>, and meta/stats.json in the export).
// Reference: numpy.quantile's default "linear" method (type 7), so Python can recompute and
// compare: q = x[floor(h)] + (h - floor(h)) * (x[floor(h)+1] - x[floor(h)]), h = (n - 1) * p.
// Invariants: std is the population std (ddof = 0, numpy's default); a constant dimension has
// std 0 and q01 = q99 (consumers must guard the division, the codec does); exact, not sketched.
import type { StatName } from './layout';

/** Statistics of one array of rows, one number per dimension per statistic. */
export type DimStats = Record<StatName, number[]>;

/** Linear-interpolated quantile of an ascending-sorted array (numpy's default method). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantileSorted: empty array');
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Statistics of row-major arrays of width `dim` (e.g. every demo's actions [t][7]), pooled over
 * all rows of all parts.
 */
export function computeStats(parts: readonly ArrayLike<number>[], dim: number): DimStats {
  let rows = 0;
  for (const p of parts) {
    if (p.length % dim !== 0) throw new Error(`computeStats: length ${p.length} is not a multiple of dim ${dim}`);
    rows += p.length / dim;
  }
  if (rows === 0) throw new Error('computeStats: no rows');
  const out: DimStats = { mean: [], std: [], min: [], max: [], q01: [], q99: [] };
  const col = new Float64Array(rows); // [row] of one dimension, reused per dimension
  for (let d = 0; d < dim; d++) {
    let r = 0;
    for (const p of parts) for (let i = d; i < p.length; i += dim) col[r++] = p[i];
    let sum = 0;
    for (let i = 0; i < rows; i++) sum += col[i];
    const mean = sum / rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (col[i] - mean) ** 2;
    col.sort();
    out.mean.push(mean);
    out.std.push(Math.sqrt(ss / rows));
    out.min.push(col[0]);
    out.max.push(col[rows - 1]);
    out.q01.push(quantileSorted(col, 0.01));
    out.q99.push(quantileSorted(col, 0.99));
  }
  return out;
}
