// Human-readable views of an EvalReport: a fixed-width table for the terminal and a Markdown
// table for reports/*.md. Both are derived from the JSON report only, so they never disagree.

import { STAGES, type Stage } from './progress';
import type { EvalReport, RateSummary, TaskSummary } from './types';

/** Percent with one decimal, or two where one would round an imperfect rate up to 100%. */
const pct = (x: number): string => {
  const one = (100 * x).toFixed(1);
  return `${one === '100.0' && x < 1 ? (Math.floor(10000 * x) / 100).toFixed(2) : one}%`;
};
const ci = (s: RateSummary): string => `[${pct(s.ci95[0])}, ${pct(s.ci95[1])}]`;
const steps = (x: number | null): string => (x === null ? '-' : x.toFixed(0));

function failureText(f: Record<string, number | undefined>): string {
  const parts = Object.entries(f).map(([k, v]) => `${k}:${v}`);
  return parts.length ? parts.join(' ') : '-';
}

/** "reach 2, grasp 5": failed episodes by the stage they stalled in, in stage order. */
function stalledText(s: Partial<Record<Stage, number>> | undefined): string {
  const parts = STAGES.filter((k) => s?.[k]).map((k) => `${k} ${s![k]}`);
  return parts.length ? parts.join(', ') : '-';
}

function sumStalled(tasks: readonly TaskSummary[]): Partial<Record<Stage, number>> {
  const out: Partial<Record<Stage, number>> = {};
  for (const t of tasks) for (const k of STAGES) if (t.stalled?.[k]) out[k] = (out[k] ?? 0) + t.stalled[k]!;
  return out;
}

interface Row {
  name: string;
  rate: string;
  n: string;
  ci: string;
  steps: string;
  failures: string;
  stalled: string;
}

function rows(report: EvalReport): Row[] {
  const out: Row[] = [];
  for (const t of report.tasks) {
    out.push({ name: t.id, rate: pct(t.successRate), n: String(t.episodes), ci: ci(t), steps: steps(t.meanStepsSuccess), failures: failureText(t.failures), stalled: stalledText(t.stalled) });
  }
  for (const [suite, s] of Object.entries(report.suites)) {
    const stalled = stalledText(sumStalled(report.tasks.filter((t) => t.suite === suite)));
    if (s) out.push({ name: `suite ${suite}`, rate: pct(s.successRate), n: String(s.episodes), ci: ci(s), steps: '', failures: '', stalled });
  }
  const o = report.overall;
  out.push({ name: 'overall (episodes)', rate: pct(o.successRate), n: String(o.episodes), ci: ci(o), steps: '', failures: '', stalled: stalledText(sumStalled(report.tasks)) });
  out.push({ name: 'average over suites', rate: pct(o.suiteAverage), n: '', ci: '', steps: '', failures: '', stalled: '' });
  return out;
}

const HEAD: Row = { name: 'task', rate: 'success', n: 'n', ci: '95% CI (Wilson)', steps: 'steps', failures: 'failures', stalled: 'stalled at' };
const KEYS: (keyof Row)[] = ['name', 'rate', 'n', 'ci', 'steps', 'failures', 'stalled'];

/** Fixed-width text table (for stderr/stdout). */
export function formatTable(report: EvalReport): string {
  const all = [HEAD, ...rows(report)];
  const width = KEYS.map((k) => Math.max(...all.map((r) => r[k].length)));
  const line = (r: Row) => KEYS.map((k, i) => (i === 0 ? r[k].padEnd(width[i]) : r[k].padStart(width[i]))).join('  ').trimEnd();
  return [line(HEAD), width.map((w) => '-'.repeat(w)).join('  '), ...rows(report).map(line)].join('\n');
}

/** Markdown version with a short header naming the policy, seed and episode count. */
export function formatMarkdown(report: EvalReport, title = `Evaluation: ${report.meta.policy}`): string {
  const m = report.meta;
  const head = [
    `# ${title}`,
    '',
    `Policy \`${m.policy}\`, ${m.episodesPerTask} episodes per task, base seed ${m.seed}, ${report.overall.episodes} episodes in all (${m.createdAt}).`,
    typeof m.command === 'string' ? `\nReproduce: \`${m.command}\`\n` : '',
    'Success rates with Wilson 95% intervals; steps = mean control steps (20 Hz) of successful episodes;',
    'stalled at = failed episodes by how far they got on their first unmet goal (reach: never near the',
    'object; grasp: near, never held it; carry: held it, never over the destination; place: there, not set down).',
    '',
  ];
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const table = [
    `| ${KEYS.map((k) => HEAD[k]).join(' | ')} |`,
    `|${KEYS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows(report).map((r) => `| ${KEYS.map((k) => esc(r[k])).join(' | ')} |`),
  ];
  return [...head, ...table, ''].join('\n');
}

/** JSON text of a report: summaries indented, one episode row per line (compact and diffable). */
export function reportToJson(report: EvalReport): string {
  const { episodes, ...rest } = report;
  const head = JSON.stringify({ ...rest, episodes: [] }, null, 1);
  const rows = episodes.map((e) => `  ${JSON.stringify(e)}`).join(',\n');
  return `${head.replace(/"episodes": \[\]\n\}$/, `"episodes": [\n${rows}\n ]\n}`)}\n`;
}
