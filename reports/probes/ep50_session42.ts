// The 50-episodes-per-task evaluation of seed 0 without rerunning its first 20 episodes per
// task (already in reports/vla-pk23m/eval-dd20.json): `episodes` writes the episodes 20..49 of every
// task as an --episodes-file, exactly the ones `npm run eval -- --episodes-per-task 50` adds
// (scripts/lib/modelArgs.ts episodesFromArgs, whose list it cuts); `merge` joins the two
// reports' episode rows into one report (src/eval/report.ts buildReport), as if run in one go.
//   npx tsx reports/probes/ep50_session42.ts episodes 20 50 > /tmp/ep20-49.json
//   npx tsx reports/probes/ep50_session42.ts merge OUT.json A.json B.json
import { readFileSync, writeFileSync } from 'node:fs';
import { formatMarkdown, reportToJson } from '../../src/eval/format';
import { buildReport } from '../../src/eval/report';
import type { EvalReport } from '../../src/eval/types';
import { episodesFromArgs } from '../../scripts/lib/modelArgs';

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'episodes') {
  const [from, to] = rest.map(Number);
  // `--episodes-per-task TO` lists TO episodes per task, task by task: keep each task's last TO - FROM.
  const out = episodesFromArgs({ episodesPerTask: to, seed: 0 }).filter((_e, k) => k % to >= from);
  process.stdout.write(JSON.stringify(out) + '\n');
} else if (mode === 'merge') {
  const [outPath, ...inputs] = rest;
  const reports = inputs.map((p) => JSON.parse(readFileSync(p, 'utf8')) as EvalReport);
  const rows = reports.flatMap((r) => r.episodes);
  const keys = new Set(rows.map((r) => `${r.task}:${r.seed}`));
  if (keys.size !== rows.length) throw new Error('the reports share episodes');
  const perTask = new Map<string, number>();
  for (const r of rows) perTask.set(r.task, (perTask.get(r.task) ?? 0) + 1);
  const report = buildReport(rows, {
    policy: reports[0].meta.policy,
    seed: 0,
    episodesPerTask: Math.max(...perTask.values()),
    command: `npx tsx reports/probes/ep50_session42.ts merge ${rest.join(' ')}`,
    mergedFrom: inputs.map((p, i) => ({ file: p, command: reports[i].meta.command })),
  });
  writeFileSync(outPath, reportToJson(report));
  writeFileSync(outPath.replace(/\.json$/, '.md'), formatMarkdown(report));
  process.stdout.write(`${outPath}: ${rows.length} episodes, average over suites ${(report.overall.suiteAverage * 100).toFixed(1)}%\n`);
} else {
  process.stderr.write('usage: ep50_session42.ts episodes FROM TO | merge OUT.json A.json B.json ...\n');
  process.exit(2);
}
