// Render benchmark: control steps per second of sim + renderer sync + both model cameras
// (agent view and wrist) + pixel readback, in headless Chromium (SwiftShader WebGL2 on CPU
// here). Target: >= 100 steps/s. Run with `npm run bench:render [-- --steps N --task ID]`.
// Reference: src/render/renderBench.ts (the timed loop runs inside the page);
// docs/rendering.md records the numbers.
// Invariants: sizes 128 and 64 are both measured; each run starts from a fresh renderer;
// the frames of the last step must be non-blank or the run fails.
import type { RenderBenchOptions, RenderBenchResult } from '../src/render/renderBench';
import type { WorldMirrorOptions } from '../src/render/WorldMirror';
import { descendantCpuSeconds, startSession } from '../tests/e2e/browser';

interface Args {
  steps: number;
  task: string;
  seed: number;
  sizes: number[];
  world: Partial<WorldMirrorOptions>;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { steps: 200, task: 'object/red_cube_in_bowl', seed: 0, sizes: [128, 64], world: {} };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === '--steps') a.steps = Number(v);
    else if (k === '--task') a.task = String(v);
    else if (k === '--seed') a.seed = Number(v);
    else if (k === '--sizes') a.sizes = String(v).split(',').map(Number);
    else if (k === '--world') a.world = JSON.parse(String(v)) as Partial<WorldMirrorOptions>;
    else throw new Error(`benchRender: unknown argument "${k}" (use --steps N --task ID --seed S --sizes 128,64 --world '{"shadows":false}')`);
    i++;
  }
  if (!(a.steps > 0) || a.sizes.some((s) => !(s > 0))) throw new Error('benchRender: --steps and --sizes must be positive');
  return a;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const session = await startSession();
  const results: RenderBenchResult[] = [];
  try {
    const page = await session.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${session.url}/tests/e2e/blank.html`);
    for (const size of args.sizes) {
      const opts: RenderBenchOptions = { taskId: args.task, seed: args.seed, size, steps: args.steps, world: args.world };
      // The module path is a runtime string so TypeScript does not resolve it as a Node import.
      const mod = '/src/render/renderBench.ts';
      await page.evaluate(
        async ([m, o]) => (await import(/* @vite-ignore */ m)).prepareRenderBench(o),
        [mod, opts] as const,
      );
      const cpu0 = descendantCpuSeconds();
      const r = await page.evaluate(
        async (m) => (await import(/* @vite-ignore */ m)).runPreparedRenderBench() as RenderBenchResult,
        mod,
      );
      // Browser CPU per timed step: the load-independent cost (wall time depends on what else
      // runs on the machine). SwiftShader spreads work over threads, so wall can beat it.
      const cpuMs = ((descendantCpuSeconds() - cpu0) * 1000) / r.steps;
      results.push(r);
      const ms = r.msPerStep;
      console.log(
        `${size}x${size}: ${r.stepsPerSecond.toFixed(1)} steps/s  ` +
          `(ms/step: sim ${ms.sim.toFixed(2)}, sync ${ms.sync.toFixed(2)}, render+readback ${ms.render.toFixed(2)}, total ${ms.total.toFixed(2)}; ` +
          `${r.steps} steps; browser CPU ${cpuMs.toFixed(1)} ms/step = ${(1000 / cpuMs).toFixed(0)} steps per CPU-second)`,
      );
    }
    console.log(`GL: ${results[0]?.glRenderer ?? '?'}; task ${args.task} seed ${args.seed}; world ${JSON.stringify(args.world)} (defaults otherwise)`);
    if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
  } finally {
    await session.close();
  }
  const blank = results.filter((r) => r.lastFrameMean.agentview === 0 || r.lastFrameMean.wrist === 0);
  if (blank.length) throw new Error(`blank frames at size ${blank.map((r) => r.size).join(', ')}`);
  const slow = results.filter((r) => r.stepsPerSecond < 100);
  console.log(slow.length ? `below target (100 steps/s) at ${slow.map((r) => r.size).join(', ')}` : 'target met: >= 100 steps/s at every size');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
