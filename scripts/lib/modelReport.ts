// Model-eval report pieces: the `decode` block (NFE and median ms per chunk, split into encoder
// and rounds) added to the eval report, and the Markdown with inline SVG bar charts.
// Reference: src/eval/report.ts (success + Wilson 95% intervals; this only adds fields) and
// src/eval/format.ts (the table).
// Invariants: medians are over every decoded chunk of the run; charts are pure SVG strings
// (no external assets), bars scaled to [0, 1] for rates and to the largest value for times.

import type { StallEscape } from '../../src/core/manifestTypes';
import type { EvalReport, RateSummary } from '../../src/eval/types';
import type { ChunkStats } from '../../src/policy/VlaPolicy';

export interface DecodeSummary {
  mode: string;
  rounds: number | null;
  remask: string;
  prefixCache: boolean;
  executeSteps: number;
  /** Two-step instructions fed one clause at a time (src/policy/subtasks.ts). */
  subtasks?: boolean;
  /** A chunk's next actions run while the arm is still (src/policy/chunkPlan.ts). */
  keepWhenStill?: boolean;
  /** The stall escape (VlaPolicyOptions.stallEscape), when on. */
  stallEscape?: StallEscape | null;
  backend: unknown;
  chunks: number;
  /** Chunks the stall escape decoded (sampled). */
  stallEscapeChunks?: number;
  meanNfe: number;
  meanEncoderRuns: number;
  medianMsPerChunk: { total: number; encoder: number; rounds: number; preprocess: number };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function summarizeChunks(chunks: readonly ChunkStats[], info: Omit<DecodeSummary, 'chunks' | 'meanNfe' | 'meanEncoderRuns' | 'medianMsPerChunk'>): DecodeSummary {
  return {
    ...info,
    chunks: chunks.length,
    ...(info.stallEscape ? { stallEscapeChunks: chunks.filter((c) => c.stallEscape).length } : {}),
    meanNfe: mean(chunks.map((c) => c.nfe)),
    meanEncoderRuns: mean(chunks.map((c) => c.encoderRuns)),
    medianMsPerChunk: {
      total: median(chunks.map((c) => c.totalMs)),
      encoder: median(chunks.map((c) => c.encoderMs)),
      rounds: median(chunks.map((c) => c.roundsMs)),
      preprocess: median(chunks.map((c) => c.preprocessMs)),
    },
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Horizontal bars of success rates with their Wilson 95% interval as a whisker. */
export function rateChartSvg(title: string, rows: readonly (RateSummary & { label: string })[]): string {
  const W = 640, labelW = 300, barW = W - labelW - 60, rowH = 18, top = 24;
  const H = top + rows.length * rowH + 20;
  const x = (r: number) => labelW + r * barW;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<text x="4" y="14" font-weight="bold">${esc(title)}</text>`];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    parts.push(
      `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${esc(r.label)}</text>`,
      `<rect x="${labelW}" y="${y + 3}" width="${(r.successRate * barW).toFixed(1)}" height="${rowH - 6}" fill="#4c78a8"/>`,
      `<line x1="${x(r.ci95[0]).toFixed(1)}" x2="${x(r.ci95[1]).toFixed(1)}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="#222"/>`,
      `<text x="${W - 54}" y="${y + 12}">${(r.successRate * 100).toFixed(0)}% (${r.successes}/${r.episodes})</text>`,
    );
  });
  parts.push(`<line x1="${labelW}" x2="${labelW}" y1="${top}" y2="${H - 20}" stroke="#888"/>`, `<text x="${labelW}" y="${H - 6}">0</text>`, `<text x="${x(1) - 16}" y="${H - 6}">100%</text>`, '</svg>');
  return parts.join('');
}

/** Stacked horizontal bars (e.g. encoder + rounds ms), scaled to the largest total. */
export function stackedChartSvg(title: string, unit: string, rows: readonly { label: string; parts: { name: string; value: number }[] }[]): string {
  const colors = ['#f58518', '#4c78a8', '#54a24b', '#b279a2'];
  const W = 640, labelW = 220, barW = W - labelW - 90, rowH = 20, top = 40;
  const H = top + rows.length * rowH + 10;
  const maxTotal = Math.max(1e-9, ...rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0)));
  const names = rows[0]?.parts.map((p) => p.name) ?? [];
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<text x="4" y="14" font-weight="bold">${esc(title)}</text>`];
  names.forEach((n, i) => out.push(`<rect x="${4 + i * 110}" y="22" width="10" height="10" fill="${colors[i % 4]}"/><text x="${18 + i * 110}" y="31">${esc(n)}</text>`));
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    let x = labelW;
    out.push(`<text x="${labelW - 6}" y="${y + 13}" text-anchor="end">${esc(r.label)}</text>`);
    r.parts.forEach((p, j) => {
      const w = (p.value / maxTotal) * barW;
      out.push(`<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${colors[j % 4]}"/>`);
      x += w;
    });
    const total = r.parts.reduce((s, p) => s + p.value, 0);
    out.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 13}">${total.toFixed(1)} ${esc(unit)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

/** The stall escape in words, for a report. */
export function stallEscapeText(esc: StallEscape): string {
  const hover = esc.window !== undefined && esc.radius !== undefined ? ` or ${esc.window} plans in a row made within ${+(esc.radius * 100).toFixed(2)} cm of where the arm is` : '';
  return `after ${esc.plans} chunks in a row that left the arm still${hover} the next ones sampled at temperature ${esc.temperature}`;
}

/** The stall escape as `--stall-escape` takes it. */
export function stallEscapeFlag(esc: StallEscape): string {
  return [esc.plans, esc.temperature, ...(esc.window !== undefined && esc.radius !== undefined ? [esc.window, esc.radius] : [])].join(':');
}

/** Markdown section for a model run: decode settings and timings, plus the charts. */
export function modelMarkdown(report: EvalReport, decode: DecodeSummary): string {
  const m = decode.medianMsPerChunk;
  const suites = Object.entries(report.suites).map(([k, v]) => ({ label: k, ...v! }));
  return [
    '',
    '## Decoding',
    '',
    `Decoder \`${decode.mode}\`${decode.rounds !== null ? `, T = ${decode.rounds}` : ''}, remask \`${decode.remask}\`, prefix cache ${decode.prefixCache ? 'on' : 'off (encoder every round)'}, ${decode.executeSteps} actions executed per chunk${decode.subtasks ? ', two-step instructions fed one clause at a time (`--subtasks on`)' : ''}${decode.keepWhenStill ? ', the rest of a chunk run while the arm is still (`--keep-when-still on`)' : ''}${decode.stallEscape ? `, ${stallEscapeText(decode.stallEscape)} (\`--stall-escape ${stallEscapeFlag(decode.stallEscape)}\`; ${decode.stallEscapeChunks ?? 0} chunks)` : ''}, backend \`${(decode.backend as { name?: string })?.name ?? '?'}\`.`,
    '',
    '| chunks | mean NFE | encoder runs / chunk | median ms / chunk | encoder | rounds | preprocess |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${decode.chunks} | ${decode.meanNfe.toFixed(2)} | ${decode.meanEncoderRuns.toFixed(2)} | ${m.total.toFixed(2)} | ${m.encoder.toFixed(2)} | ${m.rounds.toFixed(2)} | ${m.preprocess.toFixed(2)} |`,
    '',
    '## Charts',
    '',
    rateChartSvg('Success by suite (bar) with Wilson 95% interval (line)', [{ label: 'overall', ...report.overall }, ...suites]),
    '',
    rateChartSvg('Success by task', report.tasks.map((t) => ({ label: t.id, ...t }))),
    '',
    stackedChartSvg('Median ms per chunk', 'ms', [{ label: 'chunk', parts: [{ name: 'encoder', value: m.encoder }, { name: 'rounds', value: m.rounds }] }]),
    '',
  ].join('\n');
}
