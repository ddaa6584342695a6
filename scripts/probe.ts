// `npm run probe -- --model models/<name> --task <id> --seed S [--every K] [--instruction "..."]`:
// a teacher-forced check of a model in the browser. The expert drives an episode; every K steps
// the model decodes a chunk from the rendered observation, and the script prints the model's
// error against the expert's next H actions, per action dimension, in action units and in bins.
// The same number on recorded demos comes from training/train.py's held-out eval
// (eval_decode_bin_err): a much larger error here points at a data/eval mismatch (frames,
// proprio, instruction), not at the model. --frames F writes the first observation's frames
// (base64 RGB) to compare with a demo recorded from the same seed.
// --closed-loop N instead runs the model itself (default decoder) and prints the arm every N
// steps (TCP position, gripper opening, grasped object, action) and the objects at the end: where
// a failed episode went. With --plan DIMS (action names, e.g. dz,grip) each printed step also
// shows those dimensions over the whole chunk it came from, the actions a replanning policy
// never runs included; --keep-when-still on|off overrides the manifest's decoding.keepWhenStill
// (off shows the stall that keeping the plan fixes: docs/runtime.md).
// Exit codes: 0 done, 2 usage error, 1 anything else.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseManifest } from '../src/core/manifest';
import { getTask } from '../src/tasks';
import { openEvalBrowser } from './lib/evalBrowser';

const USAGE = 'usage: npm run probe -- --model models/<name> --task <id> [--seed S] [--every K] [--instruction "..."] [--frames out.json] [--backend wasm|webgpu] [--closed-loop N [--plan dz,gripper] [--keep-when-still on|off]]';

function parse(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (!k.startsWith('--') || v === undefined) throw new Error(USAGE);
    out[k.slice(2)] = v;
  }
  for (const k of Object.keys(out)) if (!['model', 'task', 'seed', 'every', 'instruction', 'frames', 'backend', 'closed-loop', 'plan', 'keep-when-still'].includes(k)) throw new Error(`unknown flag --${k}\n${USAGE}`);
  if (!out.model || !out.task) throw new Error(USAGE);
  return out;
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const manifest = parseManifest(readFileSync(`${a.model}/manifest.json`, "utf8"));
  const { low, high, bins, names } = manifest.action;
  const b = await openEvalBrowser();
  try {
    await b.call('init', { modelUrl: `/${a.model}`, modelLabel: a.model, backend: (a.backend ?? 'wasm') as 'wasm' });
    if (a['closed-loop']) {
      const every = Number(a['closed-loop']);
      if (!Number.isInteger(every) || every < 1) throw new Error(`--closed-loop needs a positive integer, got ${a['closed-loop']}`);
      const planDims = (a.plan ?? '').split(',').filter((d) => d !== '').map((d) => {
        const i = names.indexOf(d);
        if (i < 0) throw new Error(`--plan: no action dimension "${d}" (the model's are ${names.join(', ')})`);
        return i;
      });
      const keep = a['keep-when-still'];
      if (keep !== undefined && keep !== 'on' && keep !== 'off') throw new Error(`--keep-when-still takes on or off, got ${keep}`);
      const inst = getTask(a.task).sample(Number(a.seed ?? 0));
      const instruction = a.instruction ?? inst.instruction;
      process.stdout.write(`"${instruction}"\nobjects at start: ${inst.scene.objects.map((o) => `${o.id} (${o.x.toFixed(3)}, ${o.y.toFixed(3)})`).join(', ')}\n`);
      const ep = await b.call('episode', { task: a.task, seed: Number(a.seed ?? 0), instruction: a.instruction, decoder: {}, keepWhenStill: keep === undefined ? undefined : keep === 'on', prefixCache: true, policySeed: 0, traceEvery: every });
      process.stdout.write(`${ep.row.success ? 'success' : ep.row.failure} after ${ep.row.steps} steps\nstep  tcp x y z  opening  grasped  action\n`);
      for (const p of ep.trace?.points ?? []) {
        process.stdout.write(`${String(p.step).padStart(4)}  ${p.tcp.map((v) => v.toFixed(3)).join(' ')}  ${p.opening.toFixed(3)}  ${p.grasped ?? '-'}  ${p.action.map((v) => v.toFixed(4)).join(' ')}\n`);
        for (const d of planDims) process.stdout.write(`      plan ${names[d].padEnd(6)} ${(p.plan ?? []).map((row) => row[d].toFixed(4)).join(' ')}\n`);
      }
      process.stdout.write(`objects at end: ${(ep.trace?.objects ?? []).map((o) => `${o.id} (${o.position.map((v) => v.toFixed(3)).join(', ')})`).join(', ')}\n`);
      return;
    }
    const r = await b.call('probe', {
      task: a.task,
      seed: Number(a.seed ?? 0),
      instruction: a.instruction,
      decoder: {},
      every: Number(a.every ?? 8),
      policySeed: 0,
    });
    const sum = new Array(names.length).fill(0);
    let n = 0;
    for (let i = 0; i < r.steps.length; i++) {
      const e = r.expert[i];
      for (let h = 0; h < e.length; h++) {
        for (let d = 0; d < names.length; d++) sum[d] += Math.abs(r.predicted[i][h][d] - e[h][d]);
        n++;
      }
    }
    process.stdout.write(`${a.task} seed ${a.seed ?? 0}: ${r.steps.length} probes, expert ${r.success ? 'succeeded' : 'did not succeed'}\n`);
    process.stdout.write(`dim        mean |err|   in bins\n`);
    let binSum = 0;
    for (let d = 0; d < names.length; d++) {
      const err = sum[d] / Math.max(1, n);
      const inBins = (err / (high[d] - low[d])) * bins;
      binSum += inBins;
      process.stdout.write(`${names[d].padEnd(10)} ${err.toExponential(3).padStart(10)}  ${inBins.toFixed(2).padStart(8)}\n`);
    }
    process.stdout.write(`mean bin error ${(binSum / names.length).toFixed(2)}\n`);
    // Where along the episode the error sits: the chunk-mean of the first two action dimensions
    // (dx, dy for the arm), predicted vs expert, at every probe.
    const mean = (c: number[][], d: number) => c.reduce((s, row) => s + row[d], 0) / Math.max(1, c.length);
    process.stdout.write(`step  ${names[0]} predicted / expert   ${names[1]} predicted / expert   (chunk means)\n`);
    for (let i = 0; i < r.steps.length; i++) {
      const [p, e] = [r.predicted[i], r.expert[i]];
      process.stdout.write(`${String(r.steps[i]).padStart(4)}  ${mean(p, 0).toFixed(4).padStart(8)} / ${mean(e, 0).toFixed(4).padStart(8)}   ${mean(p, 1).toFixed(4).padStart(8)} / ${mean(e, 1).toFixed(4).padStart(8)}\n`);
    }
    if (a.frames) writeFileSync(a.frames, JSON.stringify({ steps: r.steps, firstFrames: r.firstFrames, firstInputs: r.firstInputs, predicted: r.predicted, expert: r.expert }));
  } finally {
    await b.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`probe: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
