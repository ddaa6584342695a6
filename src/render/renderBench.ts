// Browser-side half of the render benchmark (scripts/benchRender.ts loads it into headless
// Chromium): times control steps of sim + sync + both model cameras + pixel readback, and
// returns sample frames so the caller can check they are not blank.
// Reference: docs/rendering.md "Benchmark". Invariants: the sim is driven by the scripted
// expert on a sampled task, so the arm really moves; timings exclude the warm-up steps.
import { ExpertPolicy } from '../expert';
import { Sim } from '../sim';
import { getTask } from '../tasks';
import type { ModelCameraOptions } from './ModelCameras';
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
  /** Render with shadows. @default true */
  shadows?: boolean;
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

export function runRenderBench(o: RenderBenchOptions): RenderBenchResult {
  const instance = getTask(o.taskId).sample(o.seed);
  const sim = new Sim(instance.scene);
  const expert = new ExpertPolicy(instance);
  const r = new SimRenderer({ cameras: { width: o.size, height: o.size }, world: { shadows: o.shadows ?? true } });
  const warmup = o.warmup ?? 5;
  let tSim = 0;
  let tSync = 0;
  let tRender = 0;
  let frames = r.renderFrames();
  for (let i = 0; i < warmup + o.steps; i++) {
    const t0 = performance.now();
    sim.step(expert.act(sim.state()));
    const t1 = performance.now();
    r.sync(sim);
    const t2 = performance.now();
    frames = r.renderFrames();
    const t3 = performance.now();
    if (i >= warmup) {
      tSim += t1 - t0;
      tSync += t2 - t1;
      tRender += t3 - t2;
    }
  }
  const gl = r.renderer.getContext();
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const glRenderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const result: RenderBenchResult = {
    size: o.size,
    steps: o.steps,
    stepsPerSecond: (1000 * o.steps) / (tSim + tSync + tRender),
    msPerStep: {
      sim: tSim / o.steps,
      sync: tSync / o.steps,
      render: tRender / o.steps,
      total: (tSim + tSync + tRender) / o.steps,
    },
    lastFrameMean: { agentview: mean(frames.agentview), wrist: mean(frames.wrist) },
    glRenderer,
  };
  r.dispose();
  return result;
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
