// Report builder: per-task, per-suite and overall success rates with Wilson 95% intervals.
// Reference: Wilson (1927) score interval; preferred over the normal approximation because it
// stays inside [0, 1] and is sensible at 0% and 100% with small samples (e.g. 100/100 ->
// [0.963, 1]).
//
// Invariants: overall.successRate is the mean over episodes; overall.suiteAverage is the mean
// of the suite rates (LIBERO's "average" column); tasks keep their order of first appearance.

import type { Suite } from '../tasks/types';
import type { Stage } from './progress';
import type { EpisodeFailure, EpisodeRow, EvalReport, RateSummary, TaskSummary } from './types';

/** Two-sided 95% normal quantile. */
const Z95 = 1.959963984540054;

/** Wilson score interval for k successes in n trials; [0, 1] when n = 0. */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 or k = n the bound is exactly 0 or 1; rounding must not make it 0.99999...
  return [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)];
}

export function summarize(rows: readonly EpisodeRow[]): RateSummary {
  const successes = rows.filter((r) => r.success).length;
  const episodes = rows.length;
  return { successRate: episodes ? successes / episodes : 0, episodes, successes, ci95: wilson(successes, episodes) };
}

function groupBy<K extends string>(rows: readonly EpisodeRow[], key: (r: EpisodeRow) => K): Map<K, EpisodeRow[]> {
  const m = new Map<K, EpisodeRow[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

export interface ReportMeta {
  policy: string;
  seed: number;
  episodesPerTask: number;
  createdAt?: string;
  [key: string]: unknown;
}

export function buildReport(rows: readonly EpisodeRow[], meta: ReportMeta): EvalReport {
  const tasks: TaskSummary[] = [];
  for (const [id, list] of groupBy(rows, (r) => r.task)) {
    const ok = list.filter((r) => r.success);
    const failures: Partial<Record<EpisodeFailure, number>> = {};
    for (const r of list) if (r.failure) failures[r.failure] = (failures[r.failure] ?? 0) + 1;
    const stalled: Partial<Record<Stage, number>> = {};
    for (const r of list) if (!r.success && r.progress) stalled[r.progress.stage] = (stalled[r.progress.stage] ?? 0) + 1;
    tasks.push({
      id,
      suite: list[0].suite,
      ...summarize(list),
      meanStepsSuccess: ok.length ? ok.reduce((s, r) => s + r.steps, 0) / ok.length : null,
      failures,
      stalled,
    });
  }
  const suites: EvalReport['suites'] = {};
  for (const [suite, list] of groupBy(rows, (r) => r.suite)) {
    suites[suite as Suite] = { ...summarize(list), tasks: new Set(list.map((r) => r.task)).size };
  }
  const suiteRates = Object.values(suites).map((s) => s!.successRate);
  return {
    meta: { ...meta, createdAt: meta.createdAt ?? new Date().toISOString() },
    overall: { ...summarize(rows), suiteAverage: suiteRates.length ? suiteRates.reduce((a, b) => a + b, 0) / suiteRates.length : 0 },
    suites,
    tasks,
    episodes: [...rows],
  };
}
