// `npm run collect -- --suite S --episodes-per-task N --out data/<name>.hdf5 [--seed S]
// [--size WxH]`: runs the scripted expert in headless Chromium (sim + both cameras rendered every
// control step, scripts/collect/page.ts) and writes the demos as HDF5 in the LIBERO / robomimic
// layout (src/data/layout.ts, docs/data.md).
// Invariants: arguments and the destination are checked before the browser starts; only
// successful demos are kept unless --keep-failed; the file appears at --out only when complete
// (temporary file + rename; Ctrl-C or an error deletes the temporary file); the same arguments
// give byte-identical files (seeds from the base seed, pinned HDF5 timestamps).
import { Hdf5DatasetWriter } from '../src/data/hdf5Writer';
import { unpackDemo } from '../src/data/pack';
import { ACTION_NAMES, CONTROL_HZ, PROPRIO_NAMES } from '../src/sim/types';
import { placeOptions } from '../src/expert';
import { attemptSeed, parseCollectArgs, perturbOptions, selectTasks, worldOptions, type CollectArgs } from './collect/args';
import type { Page } from 'playwright-core';
import { openHarness, type Harness } from './collect/browser';
import type { EpisodeRequest, EpisodeResult } from './collect/page';

type Win = { vlaCollect: { runEpisode(r: EpisodeRequest): EpisodeResult } };

interface TaskReport {
  task_id: string;
  kept: number;
  attempts: number;
  failures: Record<string, number>;
}

function fmtTime(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/** Runs episode requests on a set of pages, at most one per page at a time. */
class PagePool {
  private idle: Page[];
  private waiters: ((p: Page) => void)[] = [];
  constructor(pages: Page[]) {
    this.idle = [...pages];
  }
  async run(req: EpisodeRequest): Promise<EpisodeResult> {
    const page = this.idle.pop() ?? (await new Promise<Page>((res) => this.waiters.push(res)));
    try {
      return await page.evaluate((r) => (window as unknown as Win).vlaCollect.runEpisode(r), req);
    } finally {
      const w = this.waiters.shift();
      if (w) w(page);
      else this.idle.push(page);
    }
  }
}

async function collect(args: CollectArgs, writer: Hdf5DatasetWriter, harness: Harness) {
  const tasks = selectTasks(args);
  const pool = new PagePool(harness.pages);
  const workers = harness.pages.length;
  const reports: TaskReport[] = [];
  const instructions = new Set<string>();
  const ms = { sim: 0, render: 0, other: 0, setup: 0, write: 0 };
  let frames = 0;
  const t0 = performance.now();
  const wanted = tasks.length * args.episodesPerTask;
  for (const [ti, task] of tasks.entries()) {
    const rep: TaskReport = { task_id: task.id, kept: 0, attempts: 0, failures: {} };
    reports.push(rep);
    const maxAttempts = args.episodesPerTask * args.maxAttemptsFactor;
    // Attempts run ahead on idle pages but are consumed in attempt order, so the kept demos
    // are always the first N successes whatever the timing (determinism with parallel pages).
    const inFlight = new Map<number, Promise<EpisodeResult>>();
    let launched = 0;
    const launch = () => {
      const req: EpisodeRequest = { taskId: task.id, seed: attemptSeed(args.seed, task.id, launched), width: args.width, height: args.height, world: worldOptions(args), perturb: perturbOptions(args), maxSteps: args.maxSteps, ...placeOptions(args) };
      inFlight.set(launched++, pool.run(req));
    };
    while (launched < Math.min(workers, maxAttempts)) launch();
    while (rep.kept < args.episodesPerTask && rep.attempts < launched) {
      const res = await inFlight.get(rep.attempts)!;
      inFlight.delete(rep.attempts);
      rep.attempts++;
      const keep = res.success || args.keepFailed;
      // Start the next attempt before writing this one: the browser works while Node writes.
      if (rep.kept + (keep ? 1 : 0) + inFlight.size < args.episodesPerTask && launched < maxAttempts) launch();
      for (const k of ['sim', 'render', 'other', 'setup'] as const) ms[k] += res.ms[k];
      if (!res.success) rep.failures[res.failure ?? 'unknown'] = (rep.failures[res.failure ?? 'unknown'] ?? 0) + 1;
      if (keep) {
        const tw = performance.now();
        const demo = unpackDemo(Buffer.from(res.packed, 'base64'));
        writer.addDemo(demo);
        ms.write += performance.now() - tw;
        instructions.add(demo.instruction);
        rep.kept++;
        frames += demo.numSamples;
      }
      const s = (performance.now() - t0) / 1000;
      const done = reports.reduce((n, r) => n + r.kept, 0);
      const eta = done > 0 ? (s / done) * (wanted - done) : 0;
      process.stderr.write(
        `\rcollect: task ${ti + 1}/${tasks.length} ${task.id}  demo ${rep.kept}/${args.episodesPerTask}` +
          `  (attempts ${rep.attempts})  ${frames} frames  ${(frames / s).toFixed(0)} frames/s  ETA ${fmtTime(eta)}   `,
      );
    }
    await Promise.all(inFlight.values()); // surplus attempts: finish them, keep nothing
    if (rep.kept < args.episodesPerTask) {
      process.stderr.write(`\ncollect: warning: ${task.id} kept only ${rep.kept}/${args.episodesPerTask} demos after ${rep.attempts} attempts ${JSON.stringify(rep.failures)}\n`);
    }
  }
  process.stderr.write('\n');
  return { reports, instructions: [...instructions].sort(), frames, seconds: (performance.now() - t0) / 1000, ms };
}

async function main(): Promise<void> {
  const args = parseCollectArgs(process.argv.slice(2));
  const writer = await Hdf5DatasetWriter.create(args.out, { compressionLevel: args.compression });
  const onSignal = (sig: string) => {
    writer.abort();
    process.stderr.write(`\ncollect: ${sig}: stopped, no file written\n`);
    process.exit(130);
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  let harness: Harness | null = null;
  try {
    harness = await openHarness({ entry: 'scripts/collect/page.ts', pages: args.workers });
    const run = await collect(args, writer, harness);
    const summary = writer.finish({
      envArgs: {
        env_name: `vla-sim-${args.suite}`,
        type: 'vla-sim',
        env_kwargs: {
          camera_names: ['agentview', 'robot0_eye_in_hand'],
          camera_widths: args.width,
          camera_heights: args.height,
          control_freq: CONTROL_HZ,
          controller: 'end-effector delta (world frame), see src/sim/types.ts',
          action_names: ACTION_NAMES,
          proprio_names: PROPRIO_NAMES,
          render_world: worldOptions(args),
          // DART execution perturbations; actions are the expert's clean labels either way
          perturbation: perturbOptions(args) ?? null,
          // how the expert placed stacked cubes (ExpertOptions.stackYaw)
          stack_yaw: args.stackYaw,
          // when the expert lowered a carried object and let go (ExpertOptions.placeGate)
          place_gate: args.placeGate,
          // the yaw the expert picked at (ExpertOptions.pickYaw)
          pick_yaw: args.pickYaw,
        },
      },
      problemInfo: {
        problem_name: `vla-sim/${args.suite}`,
        domain_name: 'vla-sim',
        suite: args.suite,
        language_instruction: run.instructions,
        tasks: run.reports,
      },
      collectArgs: { ...args, out: undefined, workers: undefined }, // neither changes the contents
    });
    const n = run.frames;
    console.log(JSON.stringify({
      out: summary.path,
      demos: summary.numDemos,
      frames: summary.total,
      mib: +(summary.bytes / 2 ** 20).toFixed(2),
      seconds: +run.seconds.toFixed(1),
      // One frame = one control step with both cameras rendered and read back.
      framesPerSecond: +(n / run.seconds).toFixed(1),
      msPerFrame: { sim: +(run.ms.sim / n).toFixed(2), render: +(run.ms.render / n).toFixed(2), other: +(run.ms.other / n).toFixed(2), setup: +(run.ms.setup / n).toFixed(2), write: +(run.ms.write / n).toFixed(2) },
      tasks: run.reports,
    }, null, 1));
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    await harness?.close();
  }
}

main().catch((e) => {
  console.error(`collect: ${(e as Error).message}`);
  process.exit(1);
});
