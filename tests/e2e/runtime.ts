// Browser runtime e2e (headless Chromium, SwiftShader WebGPU): the same observation and tokens
// give the same logits on WASM and WebGPU within LOGIT_TOLERANCE; a closed-loop episode runs
// end to end on each backend; WebGPU keeps the prefix cache in GPU buffers; a model folder the
// server does not have is refused as "file not found" (not a wasm "magic word" error); a DAgger
// rollout records the expert's labels for the states the model drives into.
// Run alone: `npx tsx tests/e2e/runtime.ts`; or call runtimeE2e(check) from tests/e2e/run.ts.
// Invariant: prints one line per check and, alone, ends with `runtime e2e: N passed, M failed`
// and a non-zero exit code on any failure.
import { pathToFileURL } from 'node:url';
import { openEvalBrowser } from '../../scripts/lib/evalBrowser';
import { DEFAULT_MODEL } from '../../src/app/modelSources';
import { unpackDemo } from '../../src/data/pack';

/** Max |logit_wasm - logit_webgpu| (float32, different kernels and summation order; the same
 * bound as the PyTorch-vs-ORT parity test). Measured on SwiftShader WebGPU: 1.8e-7. */
export const LOGIT_TOLERANCE = 1e-4;
const MODEL = { modelUrl: '/models/test-random', modelLabel: 'models/test-random' };
const TASK = 'object/red_cube_in_bowl';
const INSTRUCTION = 'put the red cube in the bowl';
const STEPS = 16;

export type Check = (name: string, ok: boolean, detail?: string) => void;

export async function runtimeE2e(check: Check): Promise<void> {
  const b = await openEvalBrowser();
  try {
    // Tokens: half committed (a fixed pattern), half masked, as in a mid-decode round.
    const tokens = Array.from({ length: 56 }, (_, i) => (i % 2 ? 256 : (i * 37) % 256));
    const logits: Record<string, number[]> = {};
    const auto = await b.call('init', { ...MODEL, backend: 'auto' });
    const software = auto.backend.adapter.endsWith('(software)');
    check("'auto' takes WebGPU only on a hardware adapter", auto.backend.name === (software || auto.backend.adapter.startsWith('navigator') ? 'wasm' : 'webgpu'), `adapter ${auto.backend.adapter} -> ${auto.backend.name}`);
    for (const backend of ['wasm', 'webgpu'] as const) {
      const init = await b.call('init', { ...MODEL, backend });
      check(`${backend}: model loads on the requested backend`, init.backend.name === backend, `${init.backend.threads} threads, adapter ${init.backend.adapter}, ${init.loadMs.toFixed(0)} ms`);
      if (backend === 'webgpu') check('webgpu: prefix cache stays in GPU buffers', init.backend.deviceOutputs === true);
      logits[backend] = await b.call('logits', { task: TASK, seed: 2, tokens });
      const ep = await b.call('episode', { task: TASK, seed: 1, instruction: INSTRUCTION, decoder: { mode: 'dd', rounds: 12 }, prefixCache: true, policySeed: 0, maxSteps: STEPS });
      const nfes = ep.chunks.map((c) => c.nfe);
      check(
        `${backend}: closed-loop episode runs end to end`,
        ep.row.steps === STEPS && ep.row.failure === 'timeout' && nfes.length === STEPS / 8 && nfes.every((n) => n === 12),
        `${ep.row.steps} steps, ${ep.row.failure ?? 'success'}${ep.row.detail ? ` (${ep.row.detail})` : ''}, NFE ${nfes.join(',')}, ${ep.chunks.map((c) => c.totalMs.toFixed(0)).join('/')} ms per chunk`,
      );
    }
    // Runs are serialised page-wide: two concurrent calls give what two sequential calls give.
    const other = tokens.map((t, i) => (i % 3 ? t : 256));
    const both = await b.page.evaluate(
      ([t1, t2]) => {
        const api = (window as unknown as { vlaEval: { logits(r: unknown): Promise<number[]> } }).vlaEval;
        return Promise.all([api.logits({ task: 'object/red_cube_in_bowl', seed: 2, tokens: t1 }), api.logits({ task: 'object/red_cube_in_bowl', seed: 2, tokens: t2 })]);
      },
      [tokens, other] as const,
    );
    const seq2 = await b.call('logits', { task: TASK, seed: 2, tokens: other });
    check('concurrent runs are serialised (no "session already started", same logits)', JSON.stringify(both[0]) === JSON.stringify(logits.webgpu) && JSON.stringify(both[1]) === JSON.stringify(seq2));
    const [a, g] = [logits.wasm, logits.webgpu];
    let maxDiff = 0;
    let infMismatch = 0;
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i]) || !Number.isFinite(g[i])) infMismatch += a[i] === g[i] ? 0 : 1;
      else maxDiff = Math.max(maxDiff, Math.abs(a[i] - g[i]));
    }
    check(
      `wasm vs webgpu logits agree within ${LOGIT_TOLERANCE}`,
      a.length === 56 * 257 && g.length === a.length && infMismatch === 0 && maxDiff <= LOGIT_TOLERANCE,
      `max abs diff ${maxDiff.toExponential(2)} over ${a.length} logits, ${infMismatch} -Infinity mismatches`,
    );
    // Teacher-forced probe (npm run probe): the expert drives, the model predicts along the way.
    const pr = await b.call('probe', { task: TASK, seed: 1, decoder: { mode: 'oneshot' }, every: 10, policySeed: 0 });
    const H = 8;
    check(
      'probe: the expert finishes and every probe has a model chunk and the expert\'s next actions',
      pr.success && pr.steps.length > 2 && pr.steps.every((t, i) => t === 10 * i) &&
        pr.predicted.every((c) => c.length === H && c.every((a) => a.length === 7 && a.every(Number.isFinite))) &&
        pr.expert.every((c) => c.length >= 1 && c.length <= H),
      `${pr.steps.length} probes`,
    );
    check('probe: first frames are the model size (32x32 RGB)', Object.keys(pr.firstFrames).sort().join() === 'agentview,wrist' && atob(pr.firstFrames.wrist).length === 32 * 32 * 3);
    // DAgger rollout (npm run collect:dagger): the model and the expert share the driving, every
    // recorded action is the expert's label (gripper exactly -1 or +1), one per executed step.
    const dg = await b.call('dagger', { task: TASK, seed: 3, beta: 0.5, decoder: { mode: 'oneshot' }, policySeed: 1, maxSteps: 40 });
    const demo = unpackDemo(Buffer.from(dg.packed, 'base64'));
    const grips = Array.from({ length: demo.numSamples }, (_, t) => demo.actions[t * 7 + 6]);
    check(
      'dagger: a rollout records one expert label per executed step, both drivers taking turns',
      dg.row.steps === 40 && demo.numSamples === 40 && dg.driven.expert + dg.driven.learner === 40 && dg.driven.expert > 0 && dg.driven.learner > 0 &&
        grips.every((g) => g === 1 || g === -1) && demo.agentview.length === 40 * 32 * 32 * 3 && !demo.success,
      `${demo.numSamples} steps, expert ${dg.driven.expert} / model ${dg.driven.learner}, ${dg.chunks.length} model chunks`,
    );
    // The default model replans after 4 of its 8 actions and keeps a plan while the arm is still
    // (its manifest); the probe still compares whole chunks, one decoded at every probe.
    await b.call('init', { modelUrl: `/models/${DEFAULT_MODEL}`, modelLabel: `models/${DEFAULT_MODEL}`, backend: 'wasm' });
    const dp = await b.call('probe', { task: 'goal/lift_blue_cube', seed: 1, decoder: {}, every: 20, policySeed: 0 });
    check(
      `probe: models/${DEFAULT_MODEL} gives a whole chunk at every probe, whatever its closed-loop settings`,
      dp.steps.length > 1 && dp.predicted.length === dp.steps.length && dp.predicted.every((c) => c.length === H && c.every((a) => a.every(Number.isFinite))),
      `${dp.steps.length} probes, chunk lengths ${[...new Set(dp.predicted.map((c) => c.length))].join(',')}`,
    );
    const missing = await b.call('loadError', { modelUrl: '/models/no-such-model', modelLabel: 'models/no-such-model', backend: 'wasm' });
    check('a missing model folder is refused as file not found', !!missing && missing.includes('models/no-such-model/manifest.json: file not found'), missing ?? 'loaded?!');
    check('no console errors on the evaluation page', b.errors.length === 0, b.errors.slice(0, 3).join(' | '));
  } finally {
    await b.close();
  }
}

/** Runs one e2e check function as a script: prints each check and `<label>: N passed, M failed`. */
export function runStandalone(label: string, fn: (check: Check) => Promise<void>): void {
  const results: boolean[] = [];
  const check: Check = (name, ok, detail = '') => {
    results.push(ok);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
  };
  fn(check)
    .catch((e: unknown) => check(`${label} completed`, false, e instanceof Error ? e.message.split('\n')[0] : String(e)))
    .finally(() => {
      const failed = results.filter((r) => !r).length;
      console.log(`${label}: ${results.length - failed} passed, ${failed} failed`);
      process.exit(failed ? 1 : 0);
    });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runStandalone('runtime e2e', runtimeE2e);
