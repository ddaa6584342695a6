// `npm run eval`: runs a policy on task episodes in the headless sim and writes a JSON report
// (plus a Markdown table beside it), printing progress on stderr and a table at the end.
//   npm run eval -- --policy expert --episodes-per-task 100 --out reports/expert.json
//   npm run eval -- --policy expert-lenient --episodes-per-task 4 --seed 100
//   npm run eval -- --policy model --model models/test-random --backend wasm ... (docs/runtime.md)
// Episode seeds derive from --seed (src/eval/runner.ts episodeSeed), so a run is reproducible
// and any subset (--suite, --task) sees the same episodes as the full run.
// Exit codes: 0 done, 2 usage error (bad flag, policy, suite, task or count), 1 anything else.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseEvalArgs, selectTasks, UsageError, type EvalArgs } from '../src/eval/args';
import { formatMarkdown, formatTable, reportToJson } from '../src/eval/format';
import { buildReport } from '../src/eval/report';
import { episodeSeed, runEpisode } from '../src/eval/runner';
import type { EpisodeRow, Policy } from '../src/eval/types';
import { ExpertPolicy } from '../src/expert';
import { Sim } from '../src/sim';
import { evalModelCli } from './evalModel';
import { wantsModelPolicy } from './lib/modelArgs';

/** Policies runnable from Node. A browser-run model plugs into the same runner elsewhere.
 * `expert-lenient` is the expert with the gates it labels a learner with under DAgger
 * (ExpertOptions.lenientGates), driving itself: a check that those labels still solve the tasks. */
const POLICIES: Record<string, () => Policy> = {
  expert: () => new ExpertPolicy(),
  'expert-lenient': () => new ExpertPolicy(undefined, { lenientGates: true }),
};

async function main(args: EvalArgs): Promise<void> {
  const tasks = selectTasks(args);
  const policy = POLICIES[args.policy]();
  const makeSim = (scene: ConstructorParameters<typeof Sim>[0]) => new Sim(scene);
  const rows: EpisodeRow[] = [];
  const t0 = Date.now();
  let totalSteps = 0;
  for (const task of tasks) {
    const taskStart = Date.now();
    let ok = 0;
    let steps = 0;
    const n = args.episodesPerTask;
    for (let i = 0; i < n; i++) {
      const instance = task.sample(episodeSeed(args.seed, i));
      const row = await runEpisode(instance, policy, makeSim);
      rows.push(row);
      ok += row.success ? 1 : 0;
      steps += row.steps;
      const done = i + 1;
      // A line at every quarter (and the end) keeps logs short for long runs.
      if (!args.quiet && (done === n || done % Math.max(1, Math.ceil(n / 4)) === 0)) {
        const sps = steps / Math.max(1e-3, (Date.now() - taskStart) / 1000);
        process.stderr.write(`${task.id.padEnd(58)} ${String(done).padStart(4)}/${n}  success ${ok}/${done}  ${sps.toFixed(0)} steps/s\n`);
      }
    }
    totalSteps += steps;
  }
  const wallSeconds = (Date.now() - t0) / 1000;
  const report = buildReport(rows, {
    policy: policy.name,
    seed: args.seed,
    episodesPerTask: args.episodesPerTask,
    command: `npm run eval -- ${process.argv.slice(2).join(' ')}`,
    node: process.version,
    wallSeconds,
    stepsPerSecond: totalSteps / Math.max(1e-3, wallSeconds),
  });
  process.stdout.write(`${formatTable(report)}\n`);
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, reportToJson(report));
    const md = args.out.replace(/\.json$/i, '') + '.md';
    writeFileSync(md, formatMarkdown(report));
    process.stderr.write(`wrote ${args.out} and ${md}\n`);
  }
}

const argv = process.argv.slice(2);
if (wantsModelPolicy(argv)) {
  // `--policy model --model models/<name> ...`: the model runs in headless Chromium
  // (scripts/evalModel.ts); same report, plus a `decode` block and charts in the Markdown.
  evalModelCli(argv);
} else {
  let args: EvalArgs;
  try {
    args = parseEvalArgs(argv, Object.keys(POLICIES));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`eval: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  main(args).catch((e: unknown) => {
    process.stderr.write(`eval: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
