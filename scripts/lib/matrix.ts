// Pure pieces of `npm run eval:matrix` (scripts/evalMatrix.ts): the decoder settings compared,
// one table row per setting, and the Markdown table.
// Invariant: every row of a matrix ran the same episodes (same flags apart from the decoder's).

import { SUITES } from '../../src/tasks';
import type { ModelEvalReport } from '../evalModel';
import { UsageError } from './modelArgs';

export interface MatrixConfig {
  name: string;
  flags: string[];
}

export const MATRIX_CONFIGS: MatrixConfig[] = [
  { name: 'oneshot', flags: ['--decoder', 'oneshot'] },
  { name: 'ar', flags: ['--decoder', 'ar'] },
  ...[4, 8, 12].flatMap((T) =>
    ['none', 'threshold', 'drop'].map((r) => ({ name: `dd-T${T}-${r}`, flags: ['--decoder', 'dd', '--rounds', String(T), '--remask', r] })),
  ),
];

export interface MatrixRow {
  config: string;
  command: string;
  suites: Record<string, { successRate: number; episodes: number; ci95: [number, number] } | undefined>;
  suiteAverage: number;
  overall: { successRate: number; episodes: number; ci95: [number, number] };
  meanNfe: number;
  medianMsPerChunk: number;
  wallSeconds: number;
}

/** A rate as a percent with one decimal (the matrix and model reports). */
export const pct = (r: number): string => `${(100 * r).toFixed(1)}%`;

export function matrixMarkdown(rows: readonly MatrixRow[], title: string): string {
  const head = ['decoder', ...SUITES, 'avg over suites', 'episodes', 'overall 95% CI', 'mean NFE', 'median ms/chunk'];
  const lines = [`## ${title}`, '', `| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const r of rows) {
    const cells = SUITES.map((s) => (r.suites[s] ? pct(r.suites[s]!.successRate) : '-'));
    lines.push(`| ${r.config} | ${cells.join(' | ')} | **${pct(r.suiteAverage)}** | ${r.overall.episodes} | [${pct(r.overall.ci95[0])}, ${pct(r.overall.ci95[1])}] | ${r.meanNfe.toFixed(1)} | ${r.medianMsPerChunk.toFixed(1)} |`);
  }
  lines.push('', 'Commands (each row alone):', '', ...rows.map((r) => `- ${r.config}: \`${r.command}\``), '');
  return lines.join('\n');
}

export function toRow(config: MatrixConfig, rep: ModelEvalReport, command: string): MatrixRow {
  const suites: MatrixRow['suites'] = {};
  for (const s of SUITES) {
    const v = rep.suites[s];
    if (v) suites[s] = { successRate: v.successRate, episodes: v.episodes, ci95: v.ci95 };
  }
  return {
    config: config.name,
    command,
    suites,
    suiteAverage: rep.overall.suiteAverage,
    overall: { successRate: rep.overall.successRate, episodes: rep.overall.episodes, ci95: rep.overall.ci95 },
    meanNfe: rep.decode.meanNfe,
    medianMsPerChunk: rep.decode.medianMsPerChunk.total,
    wallSeconds: Number(rep.meta.wallSeconds),
  };
}

/** --configs a,b -> the named rows, in the matrix's order; unknown names are a UsageError. */
export function pickConfigs(list: string): MatrixConfig[] {
  const want = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = want.filter((w) => !MATRIX_CONFIGS.some((c) => c.name === w));
  if (unknown.length || want.length === 0) throw new UsageError(`unknown config(s) "${unknown.join(', ') || list}"; valid: ${MATRIX_CONFIGS.map((c) => c.name).join(', ')}`);
  return MATRIX_CONFIGS.filter((c) => want.includes(c.name));
}
