// Browser entry of `npm run collect`: runs the scripted expert on one task instance in the sim,
// renders both model cameras every control step, records the demo and hands it to Node packed
// (src/data/pack.ts) as base64 through page.evaluate. Exposed as window.vlaCollect.
// Reference: LIBERO demonstration collection (obs before action, stop at success).
// Invariants: obs[t] (state, proprio, frames) is recorded before actions[t] is applied; the
// episode ends at the first step after which the task succeeds, at a sim failure, or at the
// task's maxSteps; the instruction is drawn from the instance's paraphrases with a seeded RNG;
// one renderer (one WebGL context) is reused for every episode; with perturbations the arm
// executes expert + perturbation while actions[t] records the expert's clean action (DART).
import { DemoRecorder } from '../../src/data/demo';
import { bytesToBase64, packDemo } from '../../src/data/pack';
import { ExpertPolicy, Perturbation, placeOptions, type PerturbationOptions, type PlaceOptions } from '../../src/expert';
import { Rng } from '../../src/core/rng';
import { SimRenderer } from '../../src/render/SimRenderer';
import type { WorldMirrorOptions } from '../../src/render/WorldMirror';
import { Sim } from '../../src/sim';
import { getTask } from '../../src/tasks';
import { pickParaphrase } from './args';

/** One episode's request from Node, with the expert's picking and placing (PlaceOptions). */
export interface EpisodeRequest extends PlaceOptions {
  taskId: string;
  seed: number;
  width: number;
  height: number;
  /** Renderer world options (shadows, shadow map size); omitted -> the renderer's defaults,
   * which evaluation uses too: change them only together with evaluation. */
  world?: Partial<WorldMirrorOptions>;
  /** Execution perturbations (DART, src/expert/Perturbation.ts); omitted or scale 0 -> none.
   * The recorded action is always the expert's clean one. */
  perturb?: PerturbationOptions;
  /** Stop after this many steps (below the task's limit); such an episode fails with "cut". */
  maxSteps?: number;
}

/** What comes back: the packed demo (base64) and how the episode went. */
export interface EpisodeResult {
  packed: string;
  success: boolean;
  steps: number;
  failure: string | null;
  /** Milliseconds spent in sim, render+readback, the rest of the loop (expert, recording), and
   * per-episode setup + packing (task sampling, sim and scene construction, base64). */
  ms: { sim: number; render: number; other: number; setup: number };
}

let renderer: SimRenderer | null = null;
let rendererSize = '';

function getRenderer(width: number, height: number, world: Partial<WorldMirrorOptions> = {}): SimRenderer {
  const key = JSON.stringify([width, height, world]);
  if (!renderer || rendererSize !== key) {
    renderer?.dispose();
    renderer = new SimRenderer({ cameras: { width, height }, world });
    rendererSize = key;
  }
  return renderer;
}

export function runEpisode(req: EpisodeRequest): EpisodeResult {
  const tStart = performance.now();
  const instance = getTask(req.taskId).sample(req.seed);
  const paraphraseIndex = pickParaphrase(req.seed, instance.paraphrases);
  const sim = new Sim(instance.scene);
  const expert = new ExpertPolicy(instance, placeOptions(req));
  const perturb = new Perturbation(new Rng(req.seed).fork('perturb'), req.perturb ?? { scale: 0 });
  const r = getRenderer(req.width, req.height, req.world);
  const rec = new DemoRecorder(
    {
      taskId: instance.taskId,
      seed: req.seed,
      instruction: instance.paraphrases[paraphraseIndex],
      paraphraseIndex,
      scene: JSON.stringify(instance.scene),
    },
    req.width,
    req.height,
  );
  const ms = { sim: 0, render: 0, other: 0, setup: 0 };
  let success = false;
  let failure: string | null = null;
  const t0 = performance.now();
  const cut = req.maxSteps !== undefined && req.maxSteps < instance.maxSteps;
  const steps = cut ? (req.maxSteps as number) : instance.maxSteps;
  for (let step = 0; step < steps; step++) {
    const ta = performance.now();
    const state = sim.state();
    const proprio = sim.proprio();
    r.sync(sim);
    const frames = r.renderFrames();
    const tb = performance.now();
    const action = expert.act(state);
    rec.record(state, proprio, frames, action); // the label: the expert's clean action
    const tc = performance.now();
    const info = sim.step(perturb.apply(action));
    ms.render += tb - ta;
    ms.sim += performance.now() - tc;
    if (info.failure) {
      failure = info.failure;
      break;
    }
    if (instance.success(sim.state())) {
      success = true;
      break;
    }
  }
  if (!success && !failure) failure = cut ? 'cut' : 'timeout';
  ms.other = performance.now() - t0 - ms.sim - ms.render;
  const demo = rec.finish(success);
  const packed = bytesToBase64(packDemo(demo));
  ms.setup = performance.now() - tStart - ms.sim - ms.render - ms.other;
  return { packed, success, steps: demo.numSamples, failure, ms };
}

Object.assign(window, { vlaCollect: { runEpisode }, vlaReady: true });
