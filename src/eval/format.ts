// Human-readable views of an EvalReport: a fixed-width table for the terminal and a Markdown
// table for reports/*.md. Both are derived from the JSON report only, so they never disagree.

import type { EvalReport, RateSummary } from './types';

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

interface Row {
  name: string;
  rate: string;
  n: string;
  ci: string;
  steps: string;
  failures: string;
}

function rows(report: EvalReport): Row[] {
  const out: Row[] = [];
  for (const t of report.tasks) {
    out.push({ name: t.id, rate: pct(t.successRate), n: String(t.episodes), ci: ci(t), steps: steps(t.meanStepsSuccess), failures: failureText(t.failures) });
  }
  for (const [suite, s] of Object.entries(report.suites)) {
    if (s) out.push({ name: `suite ${suite}`, rate: pct(s.successRate), n: String(s.episodes), ci: ci(s), steps: '', failures: '' });
  }
  const o = report.overall;
  out.push({ name: 'overall (episodes)', rate: pct(o.successRate), n: String(o.episodes), ci: ci(o), steps: '', failures: '' });
  out.push({ name: 'average over suites', rate: pct(o.suiteAverage), n: '', ci: '', steps: '', failures: '' });
  return out;
}

const HEAD: Row = { name: 'task', rate: 'success', n: 'n', ci: '95% CI (Wilson)', steps: 'steps', failures: 'failures' };
const KEYS: (keyof Row)[] = ['name', 'rate', 'n', 'ci', 'steps', 'failures'];

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
    'Success rates with Wilson 95% intervals; steps = mean control steps (20 Hz) of successful episodes.',
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
