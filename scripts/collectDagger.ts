// `npm run collect:dagger -- --model models/<name> --suite S --episodes-per-task N --out data/<name>.hdf5
// [--beta B] [--seed S] [--workers K] [--tasks a,b] [--limit-tasks K] [--execute-steps n] [--max-steps N]
// [--gates strict|lenient] [--oracle-dims dyaw,...]`:
// DAgger rollouts (src/expert/DaggerPolicy.ts). The ONNX model drives the arm in headless
// Chromium (the evaluation page, src/browser-eval), the scripted expert labels every state it
// reaches, and every rollout, solved or not, is written as a demo in the same HDF5 layout as
// `npm run collect` (docs/data.md), ready for training.
// Invariants: arguments are checked before any browser starts; demos are written in attempt
// order whatever --workers is; the file appears at --out only when complete (temporary file +
// rename; an error or Ctrl-C leaves nothing); a failed rollout is kept with success = 0, so the
// trainer masks the steps past its end (they have no label).
import { readFileSync } from 'node:fs';
import { Hdf5DatasetWriter } from '../src/data/hdf5Writer';
import { unpackDemo } from '../src/data/pack';
import type { DaggerResult } from '../src/browser-eval/api';
import { ACTION_NAMES, CONTROL_HZ, PROPRIO_NAMES } from '../src/sim/types';
import { placeOptions } from '../src/expert';
import { attemptSeed, selectTasks } from './collect/args';
import { parseDaggerArgs } from './collect/daggerArgs';
import { openEvalBrowser, type EvalBrowser } from './lib/evalBrowser';

async function main(): Promise<void> {
  const args = parseDaggerArgs(process.argv.slice(2));
  const tasks = selectTasks(args);
  const writer = await Hdf5DatasetWriter.create(args.out, { compressionLevel: 4 });
  const onSignal = (sig: string) => {
    writer.abort();
    process.stderr.write(`\ncollect:dagger: ${sig}: stopped, no file written\n`);
    process.exit(130);
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  const browsers: EvalBrowser[] = [];
  try {
    for (let w = 0; w < args.workers; w++) browsers.push(await openEvalBrowser());
    const jobs = tasks.flatMap((t) => Array.from({ length: args.episodesPerTask }, (_, i) => ({ task: t.id, seed: attemptSeed(args.seed, t.id, i) })));
    const inits = await Promise.all(browsers.map((b) => b.call('init', { modelUrl: `/${args.model}`, modelLabel: args.model, backend: 'wasm' })));
    // The page renders at the manifest's camera size (validated when the model loaded).
    const cam = (JSON.parse(readFileSync(`${args.model}/manifest.json`, 'utf8')) as { cameras: { width: number; height: number }[] }).cameras[0];
    process.stderr.write(`collect:dagger: ${inits[0].manifest.name} drives (beta ${args.beta}, ${args.gates} gates${args.oracleDims.length ? `, the expert's ${args.oracleDims.map((d) => ACTION_NAMES[d]).join(', ')}` : ''}), ${jobs.length} rollouts, ${browsers.length} browser(s)\n`);
    const results: Promise<DaggerResult>[] = new Array(jobs.length);
    let next = 0;
    const free: (() => void)[] = [];
    // Each browser takes the next job when it is free; results are consumed in job order.
    const runOn = async (b: EvalBrowser): Promise<void> => {
      while (next < jobs.length) {
        const i = next++;
        const job = jobs[i];
        const p = b.call('dagger', { task: job.task, seed: job.seed, beta: args.beta, decoder: {}, executeSteps: args.executeSteps, policySeed: args.seed, maxSteps: args.maxSteps, lenientGates: args.gates === 'lenient', oracleDims: args.oracleDims, ...placeOptions(args) });
        results[i] = p;
        free.splice(0).forEach((f) => f());
        await p.catch(() => undefined);
      }
    };
    const running = Promise.all(browsers.map(runOn));
    const t0 = performance.now();
    const summary = new Map<string, { rollouts: number; solved: number; learnerSteps: number; expertSteps: number }>();
    let frames = 0;
    const instructions = new Set<string>();
    for (let i = 0; i < jobs.length; i++) {
      while (results[i] === undefined) await new Promise<void>((res) => free.push(res));
      const r = await results[i];
      const s = summary.get(jobs[i].task) ?? { rollouts: 0, solved: 0, learnerSteps: 0, expertSteps: 0 };
      s.rollouts++;
      s.solved += r.row.success ? 1 : 0;
      s.learnerSteps += r.driven.learner;
      s.expertSteps += r.driven.expert;
      summary.set(jobs[i].task, s);
      if (r.packed) {
        const demo = unpackDemo(Buffer.from(r.packed, 'base64'));
        writer.addDemo(demo);
        frames += demo.numSamples;
        instructions.add(demo.instruction);
      }
      const sec = (performance.now() - t0) / 1000;
      process.stderr.write(`\rcollect:dagger: ${i + 1}/${jobs.length} ${jobs[i].task.padEnd(50)} ${r.row.success ? 'solved' : (r.row.failure ?? '')}  ${frames} frames  ${(frames / sec).toFixed(0)} frames/s   `);
    }
    await running;
    process.stderr.write('\n');
    const tasksReport = [...summary].map(([task_id, s]) => ({ task_id, ...s }));
    const done = writer.finish({
      envArgs: {
        env_name: `vla-sim-${args.suite}`,
        type: 'vla-sim',
        env_kwargs: {
          camera_names: ['agentview', 'robot0_eye_in_hand'],
          camera_widths: cam.width,
          camera_heights: cam.height,
          control_freq: CONTROL_HZ,
          controller: 'end-effector delta (world frame), see src/sim/types.ts',
          action_names: ACTION_NAMES,
          proprio_names: PROPRIO_NAMES,
          render_world: {},
          perturbation: null,
          // The states come from these rollouts; the actions are the expert's labels.
          dagger: { model: args.model, beta: args.beta, execute_steps: args.executeSteps ?? null, gates: args.gates, oracle_dims: args.oracleDims, stack_yaw: args.stackYaw, place_gate: args.placeGate, pick_yaw: args.pickYaw },
        },
      },
      problemInfo: {
        problem_name: `vla-sim/${args.suite}`,
        domain_name: 'vla-sim',
        suite: args.suite,
        language_instruction: [...instructions].sort(),
        tasks: tasksReport,
      },
      collectArgs: { ...args, out: undefined, workers: undefined },
    });
    const seconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ out: done.path, demos: done.numDemos, frames: done.total, mib: +(done.bytes / 2 ** 20).toFixed(2), seconds: +seconds.toFixed(1), tasks: tasksReport }, null, 1));
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
  }
}

main().catch((e) => {
  console.error(`collect:dagger: ${(e as Error).message}`);
  process.exit(1);
});
