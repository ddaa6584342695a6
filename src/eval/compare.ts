// Paired comparison of two evaluation reports on the same episodes (same task and seed): per
// suite and overall, the success rates of A and B and the discordant pairs (episodes only A
// solved, only B solved), with an exact two-sided McNemar test on those pairs; and the average
// over suites (LIBERO's headline number) with an exact paired sign-flip test of its difference.
// Reference: McNemar (1947); the exact form is a binomial test of the discordant pairs at p = 1/2,
// which is right for the small counts here (a chi-square approximation is not). The sign-flip
// (randomisation) test: under "A and B are exchangeable on every episode", each discordant pair
// adds +w or -w to the difference of the averages (w = 1 / (suites x episodes of its suite)) with
// probability 1/2; its exact null distribution is the convolution over suites of scaled binomials.
//
// Invariants: only episodes present in both reports are compared (matched by task and seed), and
// how many were dropped is reported; p is in [0, 1] and is 1 when there are no discordant pairs.

import type { Suite } from '../tasks/types';
import type { EpisodeRow, EvalReport } from './types';

/** Exact two-sided McNemar p-value for b episodes only A solved and c only B solved. */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // P(X <= k) for X ~ Binomial(n, 1/2), by a running product (no factorials: n can be ~1000).
  let term = Math.pow(0.5, n); // C(n, 0) / 2^n
  let tail = term;
  for (let i = 1; i <= k; i++) {
    term *= (n - i + 1) / i;
    tail += term;
  }
  return Math.min(1, 2 * tail);
}

export interface PairedRow {
  /** Suite name, or 'all' for every matched episode. */
  group: Suite | 'all';
  episodes: number;
  rateA: number;
  rateB: number;
  /** Episodes only A solved / only B solved. */
  onlyA: number;
  onlyB: number;
  p: number;
}

export interface PairedComparison {
  rows: PairedRow[];
  /** Mean over suites of each side's rate (LIBERO's average column) on the matched episodes. */
  suiteAverageA: number;
  suiteAverageB: number;
  /** Exact two-sided paired sign-flip p of suiteAverageA - suiteAverageB. */
  suiteAverageP: number;
  /** Episodes of A (of B) with no partner in the other report. */
  unmatchedA: number;
  unmatchedB: number;
}

const key = (r: EpisodeRow): string => `${r.task}#${r.seed}`;

function row(group: PairedRow['group'], pairs: [EpisodeRow, EpisodeRow][]): PairedRow {
  const n = pairs.length;
  const onlyA = pairs.filter(([a, b]) => a.success && !b.success).length;
  const onlyB = pairs.filter(([a, b]) => !a.success && b.success).length;
  const rate = (i: 0 | 1) => (n ? pairs.filter((p) => p[i].success).length / n : 0);
  return { group, episodes: n, rateA: rate(0), rateB: rate(1), onlyA, onlyB, p: mcnemarExact(onlyA, onlyB) };
}

/** Exact two-sided sign-flip p of the difference of two averages over groups: per group, the
 * discordant pairs onlyA and onlyB and the group's episode count n (each pair weighs 1 / (groups x n)). */
export function signFlipAverageP(groups: readonly { onlyA: number; onlyB: number; episodes: number }[]): number {
  const S = groups.length;
  const used = groups.filter((g) => g.onlyA + g.onlyB > 0);
  if (used.length === 0) return 1;
  const w = (g: { episodes: number }) => 1 / (S * g.episodes);
  const observed = Math.abs(used.reduce((s, g) => s + w(g) * (g.onlyA - g.onlyB), 0));
  // Null distribution of the difference, value -> probability, one group at a time.
  let dist = new Map<number, number>([[0, 1]]);
  const round = (x: number) => Math.round(x * 1e12) / 1e12;
  for (const g of used) {
    const m = g.onlyA + g.onlyB;
    const next = new Map<number, number>();
    let pk = Math.pow(0.5, m); // P(X = 0), X ~ Binomial(m, 1/2) pairs counted for A
    for (let k = 0; k <= m; k++) {
      if (k > 0) pk *= (m - k + 1) / k;
      const step = w(g) * (2 * k - m);
      for (const [v, p] of dist) {
        const x = round(v + step);
        next.set(x, (next.get(x) ?? 0) + p * pk);
      }
    }
    dist = next;
  }
  let p = 0;
  for (const [v, q] of dist) if (Math.abs(v) >= observed - 1e-9) p += q;
  return Math.min(1, p);
}

export function comparePaired(a: Pick<EvalReport, 'episodes'>, b: Pick<EvalReport, 'episodes'>): PairedComparison {
  const byKey = new Map(b.episodes.map((r) => [key(r), r] as const));
  const pairs: [EpisodeRow, EpisodeRow][] = [];
  for (const r of a.episodes) {
    const other = byKey.get(key(r));
    if (other) pairs.push([r, other]);
  }
  const suites = [...new Set(pairs.map(([r]) => r.suite))];
  const rows = suites.map((s) => row(s, pairs.filter(([r]) => r.suite === s)));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  return {
    rows: [...rows, row('all', pairs)],
    suiteAverageA: mean(rows.map((r) => r.rateA)),
    suiteAverageB: mean(rows.map((r) => r.rateB)),
    suiteAverageP: signFlipAverageP(rows),
    unmatchedA: a.episodes.length - pairs.length,
    unmatchedB: b.episodes.length - pairs.length,
  };
}

/** Markdown table of a comparison, A and B named by the caller. */
export function comparisonMarkdown(c: PairedComparison, nameA: string, nameB: string): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const fmtP = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));
  const lines = [
    `| suite | episodes | ${nameA} | ${nameB} | only ${nameA} | only ${nameB} | exact McNemar p |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...c.rows.map((r) => `| ${r.group} | ${r.episodes} | ${pct(r.rateA)} | ${pct(r.rateB)} | ${r.onlyA} | ${r.onlyB} | ${fmtP(r.p)} |`),
    `| average over suites | | **${pct(c.suiteAverageA)}** | **${pct(c.suiteAverageB)}** | | | ${fmtP(c.suiteAverageP)} (sign-flip) |`,
  ];
  if (c.unmatchedA || c.unmatchedB) lines.push('', `Unmatched episodes (not compared): ${c.unmatchedA} of ${nameA}, ${c.unmatchedB} of ${nameB}.`);
  return lines.join('\n');
}
