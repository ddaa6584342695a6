// Headless evaluation page: sim + renderer + VLA policy in one page, driven from Node through
// window.vlaEval (api.ts). One renderer (one WebGL context) and one loaded model per page; a
// model on another backend is loaded with init() again.
// Reference: src/eval/runner.ts (the same episode runner as the Node expert eval);
// scripts/collect/page.ts (render each control step before acting).
// Invariants: the policy observes frames rendered from the sim state it acts on (sync, then
// render); camera frames are rendered at the manifest's camera size; `vlaReady` is set once
// the module has loaded, before any model is.

import { DemoRecorder } from '../data/demo';
import { bytesToBase64, packDemo } from '../data/pack';
import { DaggerPolicy, ExpertPolicy, placeOptions } from '../expert';
import { pickParaphrase } from '../../scripts/collect/args';
import { proprioOf, runEpisode } from '../eval/runner';
import type { Observation, SimLike } from '../eval/types';
import { buildEncoderInputs, prepareTf } from '../policy/observation';
import { fetchSource } from '../policy/sources';
import { VlaModel } from '../policy/VlaModel';
import { VlaPolicy } from '../policy/VlaPolicy';
import { SimRenderer } from '../render/SimRenderer';
import { createOrtBackend } from '../runtime/ortBackend';
import { Sim } from '../sim';
import type { SimState } from '../sim/types';
import { getTask } from '../tasks';
import type { TaskInstance } from '../tasks/types';
import type { BenchRequest, BenchResult, DaggerRequest, DaggerResult, EpisodeRequest, EpisodeResult, InitRequest, InitResult, LogitsRequest, ProbeRequest, ProbeResult, TracePoint, VlaEvalApi } from './api';

let model: VlaModel | null = null;
let renderer: SimRenderer | null = null;
let rendererSize = '';

function getRenderer(width: number, height: number): SimRenderer {
  const key = `${width}x${height}`;
  if (!renderer || rendererSize !== key) {
    renderer?.dispose();
    renderer = new SimRenderer({ cameras: { width, height } });
    rendererSize = key;
  }
  return renderer;
}

function needModel(): VlaModel {
  if (!model) throw new Error('vlaEval: call init() first');
  return model;
}

/** Renders both model cameras for the sim's current state. Without `copy` the frames are views
 * of the renderer's buffers, overwritten by the next render: fine for a policy that encodes an
 * observation before the next one is rendered (runEpisode), wrong for one kept for later. */
function observer(sim: Sim, copy = false) {
  const m = needModel().manifest;
  const cam = m.cameras[0];
  const r = getRenderer(cam.width, cam.height);
  return (_s: SimLike, state: SimState, inst: TaskInstance): Observation => {
    r.sync(sim);
    const f = r.renderFrames(copy);
    const frame = (data: Uint8Array) => ({ data, width: f.width, height: f.height, channels: 3 as const });
    return { instruction: inst.instruction, proprio: proprioOf(state), images: { agentview: frame(f.agentview), wrist: frame(f.wrist) } };
  };
}

async function load(req: InitRequest): Promise<VlaModel> {
  const backend = await createOrtBackend(req.backend, { wasmThreads: req.wasmThreads });
  const origin = globalThis.location.origin;
  return VlaModel.load(fetchSource(`${origin}${req.modelUrl}`, req.modelLabel), backend, { cacheOnDevice: req.cacheOnDevice ?? true });
}

const api: VlaEvalApi = {
  async init(req: InitRequest): Promise<InitResult> {
    const t0 = performance.now();
    await prepareTf();
    if (model) await model.dispose();
    model = null;
    model = await load(req);
    const m = model.manifest;
    return {
      backend: (model.backend as unknown as { info: InitResult['backend'] }).info,
      loadMs: performance.now() - t0,
      manifest: {
        name: m.name,
        chunkLength: m.action.chunkLength,
        dims: m.action.dims,
        tokens: m.action.chunkLength * m.action.dims,
        cameras: m.cameras.map((c) => c.name),
        decoding: { ...m.decoding },
      },
    };
  },

  async loadError(req: InitRequest): Promise<string | null> {
    try {
      const m = await load(req);
      await m.dispose();
      return null;
    } catch (e) {
      return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
  },

  async episode(req: EpisodeRequest): Promise<EpisodeResult> {
    const m = needModel();
    const base = getTask(req.task).sample(req.seed);
    const instance: TaskInstance = {
      ...base,
      ...(req.instruction !== undefined ? { instruction: req.instruction } : {}),
      ...(req.maxSteps !== undefined ? { maxSteps: Math.min(req.maxSteps, base.maxSteps) } : {}),
    };
    const policy = new VlaPolicy(m, { decoder: req.decoder, executeSteps: req.executeSteps, subtasks: req.subtasks, keepWhenStill: req.keepWhenStill, stallEscape: req.stallEscape, prefixCache: req.prefixCache, seed: req.policySeed });
    let sim: Sim | null = null;
    const makeSim = (scene: TaskInstance['scene']) => (sim = new Sim(scene));
    const points: TracePoint[] = [];
    const every = req.traceEvery;
    let last: SimState | null = null;
    const row = await runEpisode(instance, policy, makeSim, {
      observe: (s, state, inst) => observer(sim!)(s, state, inst),
      onStep: every
        ? ({ step, action, state }) => {
            last = state;
            if (step % every === 0) points.push({ step, tcp: [...state.arm.tcp.position], opening: state.arm.opening, grasped: state.arm.grasped, action: [...action], plan: policy.lastChunk });
          }
        : undefined,
    });
    const end = last as SimState | null;
    const trace = every && end ? { points, objects: end.objects.map((o) => ({ id: o.id, position: [...o.position] })) } : undefined;
    return { row, chunks: policy.chunks, ...(trace ? { trace } : {}) };
  },

  async dagger(req: DaggerRequest): Promise<DaggerResult> {
    const m = needModel();
    const base = getTask(req.task).sample(req.seed);
    // As collect does: a seeded paraphrase, so the rollouts carry every phrasing of the task.
    const paraphraseIndex = pickParaphrase(req.seed, base.paraphrases);
    const instance: TaskInstance = {
      ...base,
      instruction: base.paraphrases[paraphraseIndex],
      ...(req.maxSteps !== undefined ? { maxSteps: Math.min(req.maxSteps, base.maxSteps) } : {}),
    };
    const cam = m.manifest.cameras[0];
    const rec = new DemoRecorder(
      { taskId: instance.taskId, seed: req.seed, instruction: instance.instruction, paraphraseIndex, scene: JSON.stringify(instance.scene) },
      cam.width,
      cam.height,
    );
    const learner = new VlaPolicy(m, { decoder: req.decoder, executeSteps: req.executeSteps, prefixCache: true, seed: req.policySeed });
    const policy = new DaggerPolicy(learner, {
      beta: req.beta,
      seed: req.policySeed,
      lenientGates: req.lenientGates,
      oracleDims: req.oracleDims,
      ...placeOptions(req),
      record: (state, obs, label) => {
        const im = obs!.images as Record<string, { data: Uint8Array }>;
        rec.record(state, obs!.proprio, { agentview: im.agentview.data, wrist: im.wrist.data }, label);
      },
    });
    let sim: Sim | null = null;
    const row = await runEpisode(instance, policy, (scene) => (sim = new Sim(scene)), {
      observe: (s, state, inst) => observer(sim!)(s, state, inst),
    });
    // A model that fails before its first step (a policy error) leaves nothing to record.
    const packed = rec.steps > 0 ? bytesToBase64(packDemo(rec.finish(row.success))) : '';
    return { packed, row, driven: { ...policy.steps }, chunks: learner.chunks };
  },

  async probe(req: ProbeRequest): Promise<ProbeResult> {
    const m = needModel();
    const base = getTask(req.task).sample(req.seed);
    const inst: TaskInstance = req.instruction !== undefined ? { ...base, instruction: req.instruction } : base;
    const sim = new Sim(inst.scene);
    const observe = observer(sim, true); // kept until after the rollout
    const expert = new ExpertPolicy(inst);
    const H = m.manifest.action.chunkLength;
    // Every probe decodes a whole chunk to compare with the expert's next H actions: neither the
    // manifest's executeSteps nor a kept plan may shorten or skip it.
    const policy = new VlaPolicy(m, { decoder: req.decoder, prefixCache: true, seed: req.policySeed, executeSteps: H, keepWhenStill: false });
    await policy.reset(inst);
    // Roll the expert out first (its actions depend only on the state), observing on the way.
    const states: number[] = [];
    const obs: Observation[] = [];
    const actions: number[][] = [];
    let success = false;
    const first: Record<string, string> = {};
    for (let t = 0; t < inst.maxSteps; t++) {
      const state = sim.state();
      if (inst.success(state)) { success = true; break; }
      if (t % req.every === 0) {
        const o = observe(sim, state, inst);
        if (t === 0) for (const [k, f] of Object.entries(o.images ?? {})) first[k] = btoa(String.fromCharCode(...(f as { data: Uint8Array }).data));
        states.push(t);
        obs.push(o);
      }
      const a = expert.act(state);
      actions.push(a);
      sim.step(a);
    }
    const enc = buildEncoderInputs(m.manifest, m.tokenizer, { instruction: inst.instruction, proprio: obs[0].proprio, images: obs[0].images as never });
    const firstInputs = {
      inputIds: Array.from(enc.inputIds),
      attentionMask: Array.from(enc.attentionMask),
      proprio: Array.from(enc.proprio),
      ...Object.fromEntries(Object.entries(enc.images).map(([k, v]) => [k, Array.from(v)])),
    };
    const predicted: number[][][] = [];
    for (let i = 0; i < obs.length; i++) predicted.push(await policy.act(sim.state(), obs[i]));
    return { steps: states, predicted, expert: states.map((t) => actions.slice(t, t + H)), firstFrames: first, firstInputs, success };
  },

  async bench(req: BenchRequest): Promise<BenchResult> {
    const m = needModel();
    const inst = getTask(req.task).sample(req.seed);
    const sim = new Sim(inst.scene);
    const obs = observer(sim)(sim, sim.state(), inst);
    const policy = new VlaPolicy(m, { decoder: req.decoder, prefixCache: req.prefixCache, seed: req.seed });
    await policy.reset(inst);
    await policy.act(sim.state(), obs); // warm-up chunk, not timed
    policy.clearStats();
    for (let i = 0; i < req.chunks; i++) await policy.act(sim.state(), obs);
    const c = policy.chunks;
    return { nfe: c[0].nfe, encoderRuns: c[0].encoderRuns, msPerChunk: c.map((s) => s.totalMs), encoderMs: c.map((s) => s.encoderMs), roundsMs: c.map((s) => s.roundsMs) };
  },

  async logits(req: LogitsRequest): Promise<number[]> {
    const m = needModel();
    const inst = getTask(req.task).sample(req.seed);
    const sim = new Sim(inst.scene);
    // Move the arm a little with the expert so the frames are not the reset pose only.
    const expert = new ExpertPolicy(inst);
    for (let i = 0; i < 5; i++) sim.step(expert.act(sim.state()));
    const obs = observer(sim)(sim, sim.state(), inst);
    const inputs = buildEncoderInputs(m.manifest, m.tokenizer, { instruction: inst.instruction, proprio: obs.proprio, images: obs.images as never });
    const cache = await m.encode(inputs);
    try {
      return Array.from(await m.logits(Int32Array.from(req.tokens), cache));
    } finally {
      m.releaseCache(cache);
    }
  },
};

Object.assign(window, { vlaEval: api, vlaReady: true });
