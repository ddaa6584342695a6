// Browser-side half of the render benchmark (scripts/benchRender.ts loads it into headless
// Chromium): times control steps of sim + sync + both model cameras + pixel readback, and
// returns sample frames so the caller can check they are not blank.
// Reference: docs/rendering.md "Benchmark". Invariants: the sim is driven by the scripted
// expert on a sampled task, so the arm really moves; timings exclude the warm-up steps.
import { ExpertPolicy } from '../expert';
import { Sim } from '../sim';
import { getTask } from '../tasks';
import type { ModelCameraOptions } from './ModelCameras';
import type { WorldMirrorOptions } from './WorldMirror';
import { SimRenderer } from './SimRenderer';

/** Options of one benchmark run. */
export interface RenderBenchOptions {
  taskId: string;
  seed: number;
  /** Model frame size (square). */
  size: number;
  /** Timed control steps. */
  steps: number;
  /** Untimed steps first (shader compilation, first shadow map). @default 5 */
  warmup?: number;
  /** World options (shadows, shadow map size, shading); omitted -> the renderer's defaults. */
  world?: Partial<WorldMirrorOptions>;
}

/** Milliseconds per control step, split by stage, and the derived rate. */
export interface RenderBenchResult {
  size: number;
  steps: number;
  stepsPerSecond: number;
  msPerStep: { sim: number; sync: number; render: number; total: number };
  /** Mean byte of the last agent-view / wrist frame (a blank frame would be constant). */
  lastFrameMean: { agentview: number; wrist: number };
  /** GL renderer string (to tell SwiftShader from a GPU). */
  glRenderer: string;
}

function mean(a: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/** A prepared run: set-up and warm-up done, so the caller can time `run()` alone (also its
 * CPU time from outside the page). */
interface Prepared {
  opts: RenderBenchOptions;
  sim: Sim;
  expert: ExpertPolicy;
  renderer: SimRenderer;
}
let prepared: Prepared | null = null;

/** Builds the scene, sim, expert and renderer and runs the untimed warm-up steps. */
export function prepareRenderBench(o: RenderBenchOptions): void {
  prepared?.renderer.dispose();
  const instance = getTask(o.taskId).sample(o.seed);
  const sim = new Sim(instance.scene);
  const expert = new ExpertPolicy(instance);
  const renderer = new SimRenderer({ cameras: { width: o.size, height: o.size }, world: o.world });
  for (let i = 0; i < (o.warmup ?? 5); i++) {
    sim.step(expert.act(sim.state()));
    renderer.sync(sim);
    renderer.renderFrames();
  }
  prepared = { opts: o, sim, expert, renderer };
}

/** Times the prepared run's control steps, then frees its renderer. */
export function runPreparedRenderBench(): RenderBenchResult {
  if (!prepared) throw new Error('runPreparedRenderBench: call prepareRenderBench first');
  const { opts: o, sim, expert, renderer: r } = prepared;
  prepared = null;
  let tSim = 0;
  let tSync = 0;
  let tRender = 0;
  let frames = r.renderFrames();
  for (let i = 0; i < o.steps; i++) {
    const t0 = performance.now();
    sim.step(expert.act(sim.state()));
    const t1 = performance.now();
    r.sync(sim);
    const t2 = performance.now();
    frames = r.renderFrames();
    const t3 = performance.now();
    tSim += t1 - t0;
    tSync += t2 - t1;
    tRender += t3 - t2;
  }
  const gl = r.renderer.getContext();
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const glRenderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const total = tSim + tSync + tRender;
  const result: RenderBenchResult = {
    size: o.size,
    steps: o.steps,
    stepsPerSecond: (1000 * o.steps) / total,
    msPerStep: { sim: tSim / o.steps, sync: tSync / o.steps, render: tRender / o.steps, total: total / o.steps },
    lastFrameMean: { agentview: mean(frames.agentview), wrist: mean(frames.wrist) },
    glRenderer,
  };
  r.dispose();
  return result;
}

/** prepare + run in one call. */
export function runRenderBench(o: RenderBenchOptions): RenderBenchResult {
  prepareRenderBench(o);
  return runPreparedRenderBench();
}

/** Renders the initial scene of a task and returns copies of both frames (for previews). */
export function renderInitialFrames(
  taskId: string,
  seed: number,
  size: number,
  steps = 0,
  cameras: Partial<ModelCameraOptions> = {},
): { agentview: number[]; wrist: number[]; width: number; height: number } {
  const instance = getTask(taskId).sample(seed);
  const sim = new Sim(instance.scene);
  const expert = new ExpertPolicy(instance);
  for (let i = 0; i < steps; i++) sim.step(expert.act(sim.state()));
  const r = new SimRenderer({ cameras: { ...cameras, width: size, height: size } });
  r.sync(sim);
  const f = r.renderFrames(true);
  r.dispose();
  return { agentview: Array.from(f.agentview), wrist: Array.from(f.wrist), width: f.width, height: f.height };
}
