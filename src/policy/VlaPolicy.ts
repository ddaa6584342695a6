// The closed loop of a VLA model: observe, encode once, decode a chunk of H actions by
// discrete diffusion (or a baseline), execute the first n, replan (with keepWhenStill, run the
// chunk's next n instead while the arm has not moved: src/policy/chunkPlan.ts). Implements the eval Policy
// interface, so src/eval/runner.ts drives it like the expert (the episode ends on success or
// at the step limit).
// Reference: Discrete Diffusion VLA (arXiv 2508.20072) action chunking; DESIGN.md data flow.
// Invariants: exactly one encoder run per chunk with the prefix cache, or one per round
// without it (the paper's full recompute); decoder calls per chunk = the decoder's NFE; every
// chunk's timings are recorded in `chunks`; the RNG is seeded per episode from (seed, task,
// episode seed), so an episode is reproducible; no mask id reaches the action codec (decode
// returns action ids only).

import { decoderDefaults, defaultExecuteSteps, defaultKeepWhenStill, defaultStallEscape, defaultSubtasks } from '../core/manifest';
import type { StallEscape } from '../core/manifestTypes';
import { Rng } from '../core/rng';
import { decode, type DecoderSettings } from '../decoder';
import type { Observation, Policy } from '../eval/types';
import { PROPRIO_NAMES, type SimState } from '../sim/types';
import type { TaskInstance } from '../tasks/types';
import { buildEncoderInputs, prepareTf, type CameraFrame } from './observation';
import { ChunkPlan } from './chunkPlan';
import { SubtaskSequencer } from './subtasks';
import type { PrefixCache, VlaModel } from './VlaModel';

const OPENING = PROPRIO_NAMES.indexOf('opening');

export interface VlaPolicyOptions {
  /** Decoder settings over the manifest's `decoding` defaults. @default {} */
  decoder: Partial<DecoderSettings>;
  /** Actions executed from each chunk of H before replanning (1..H). @default the manifest's
   * decoding.executeSteps, else H */
  executeSteps?: number;
  /** Reuse the encoder's prefix cache across rounds; false recomputes it every round. @default true */
  prefixCache: boolean;
  /** Base seed of the decoder's RNG. @default 0 */
  seed: number;
  /** Replaces the instruction of every episode (e.g. a paraphrase under test). @default none */
  instruction?: string;
  /** Feed a multi-step instruction one clause at a time, moving on when the gripper lets go of
   * what it held (src/policy/subtasks.ts). @default the manifest's decoding.subtasks, else false */
  subtasks?: boolean;
  /** When the executed actions left the arm still, run the chunk's next actions instead of
   * replanning from the same observation (src/policy/chunkPlan.ts). @default the manifest's
   * decoding.keepWhenStill, else false */
  keepWhenStill?: boolean;
  /** Stall escape: once `plans` chunks in a row have left the arm still (ChunkPlan.stillPlansNow),
   * or, given `window` and `radius`, `window` plans in a row were made with the TCP within `radius`
   * metres (ChunkPlan.hoverPlansNow), decode the next ones at sampling temperature `temperature`
   * instead of the settings' own, until the arm moves (gets somewhere). null = off. @default the
   * manifest's decoding.stallPlans, stallTemperature, stallWindow and stallRadius, else null */
  stallEscape?: StallEscape | null;
}

/** Timings and work of one decoded chunk. */
export interface ChunkStats {
  /** Decoder forward passes (= NFE). */
  nfe: number;
  /** Encoder runs (1 with the prefix cache, NFE without). */
  encoderRuns: number;
  /** Milliseconds in preprocessing (tfjs, tokenizer). */
  preprocessMs: number;
  /** Milliseconds in encoder runs. */
  encoderMs: number;
  /** Milliseconds in decoder rounds (forward passes + decoder logic). */
  roundsMs: number;
  /** encoderMs + roundsMs. */
  totalMs: number;
  /** Decoded by the stall escape (sampled at its temperature); absent = false. */
  stallEscape?: boolean;
}

const now = (): number => globalThis.performance?.now() ?? Date.now();

export class VlaPolicy implements Policy {
  readonly name: string;
  /** Stats of every chunk since construction (or clearStats). */
  readonly chunks: ChunkStats[] = [];
  /** Every action of the latest decoded chunk (the executed ones and the rest), for traces. */
  lastChunk: number[][] | null = null;
  private readonly opts: Required<Omit<VlaPolicyOptions, 'instruction'>> & Pick<VlaPolicyOptions, 'instruction'>;
  /** The current episode's clause sequencer, when subtasks are on. */
  private sequencer: SubtaskSequencer | null = null;
  private readonly plan: ChunkPlan;
  private readonly settings: Partial<DecoderSettings>;
  private instruction = '';
  private rng = new Rng(0);

  constructor(readonly model: VlaModel, options: Partial<VlaPolicyOptions> = {}) {
    const H = model.manifest.action.chunkLength;
    // Explicit undefined (e.g. an unset CLI flag) means the default, not a value.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.opts = { decoder: {}, prefixCache: true, seed: 0, subtasks: defaultSubtasks(model.manifest), keepWhenStill: defaultKeepWhenStill(model.manifest), executeSteps: defaultExecuteSteps(model.manifest), stallEscape: defaultStallEscape(model.manifest), ...given };
    const n = this.opts.executeSteps;
    if (!Number.isInteger(n) || n < 1 || n > H) throw new RangeError(`executeSteps must be an integer in [1, ${H}] (the chunk length), got ${n}`);
    const esc = this.opts.stallEscape;
    const badHover = esc && (esc.window !== undefined || esc.radius !== undefined) && (!Number.isInteger(esc.window) || esc.window! < 2 || !Number.isFinite(esc.radius) || esc.radius! <= 0);
    if (esc && (!Number.isInteger(esc.plans) || esc.plans < 1 || !Number.isFinite(esc.temperature) || esc.temperature <= 0 || badHover)) {
      throw new RangeError(`stallEscape needs an integer plans >= 1 and a finite temperature > 0 (and, for the hover rule, both an integer window >= 2 and a finite radius > 0), got ${JSON.stringify(esc)}`);
    }
    this.plan = new ChunkPlan(n, this.opts.keepWhenStill);
    // The manifest's defaults are validated against the decoder's names (src/core/manifest.ts).
    this.settings = { ...(decoderDefaults(model.manifest) as Partial<DecoderSettings>), ...this.opts.decoder, vocabSize: model.manifest.action.vocabSize };
    this.name = model.manifest.name;
    // Refuse an instruction override the model cannot take before any episode starts.
    if (this.opts.instruction !== undefined) model.tokenizer.encode(this.opts.instruction);
  }

  clearStats(): void {
    this.chunks.length = 0;
  }

  async reset(instance: TaskInstance): Promise<void> {
    await prepareTf();
    this.instruction = this.opts.instruction ?? instance.instruction;
    this.model.tokenizer.encode(this.instruction); // throws now, naming maxLength, if too long
    this.sequencer = this.opts.subtasks ? new SubtaskSequencer(this.instruction) : null;
    this.lastChunk = null;
    this.plan.reset();
    this.rng = new Rng(this.opts.seed).fork(`${instance.taskId}#${instance.seed}`);
  }

  async act(_state: SimState, obs?: Observation): Promise<number[][]> {
    if (!obs?.images) throw new Error(`${this.name}: the observation has no camera frames (observe must render them)`);
    const t0 = now();
    const instruction = this.sequencer ? this.sequencer.observe(obs.proprio[OPENING]) : this.instruction;
    const kept = this.plan.continueFrom(obs.proprio, instruction);
    if (kept) return kept;
    const inputs = buildEncoderInputs(this.model.manifest, this.model.tokenizer, {
      instruction,
      proprio: obs.proprio,
      images: obs.images as Record<string, CameraFrame | undefined>,
    });
    const escape = this.plan.stallEscapeNow(obs.proprio, instruction, this.opts.stallEscape);
    const tokens = await this.decodeChunk(inputs, now() - t0, escape?.temperature);
    const actions = this.model.codec.decodeChunk(tokens);
    this.lastChunk = actions;
    return this.plan.take(actions, obs.proprio, instruction);
  }

  /** Decodes one chunk of tokens for preprocessed inputs, recording its stats; `escapeTemperature`
   * (the stall escape) replaces the settings' sampling temperature for this chunk. */
  async decodeChunk(inputs: Parameters<VlaModel['encode']>[0], preprocessMs = 0, escapeTemperature?: number): Promise<Int32Array> {
    const m = this.model;
    const escape = escapeTemperature !== undefined;
    const stats: ChunkStats = { nfe: 0, encoderRuns: 0, preprocessMs, encoderMs: 0, roundsMs: 0, totalMs: 0, stallEscape: escape };
    const encode = async (): Promise<PrefixCache> => {
      const t = now();
      const c = await m.encode(inputs);
      stats.encoderMs += now() - t;
      stats.encoderRuns++;
      return c;
    };
    let cache: PrefixCache | null = this.opts.prefixCache ? await encode() : null;
    const tRounds = now();
    let encoderInRounds = 0;
    try {
      const res = await decode({
        shape: { steps: m.manifest.action.chunkLength, dims: m.manifest.action.dims },
        maskId: m.manifest.action.maskId,
        settings: escape ? { ...this.settings, temperature: escapeTemperature } : this.settings,
        rng: this.rng,
        tokensToLogits: async (tokens) => {
          if (!this.opts.prefixCache) {
            // Full recompute: a fresh prefix every round, as a model without a cache must.
            if (cache) m.releaseCache(cache);
            const before = stats.encoderMs;
            cache = await encode();
            encoderInRounds += stats.encoderMs - before;
          }
          stats.nfe++;
          return m.logits(tokens, cache!);
        },
      });
      stats.roundsMs = now() - tRounds - encoderInRounds;
      stats.totalMs = stats.encoderMs + stats.roundsMs;
      this.chunks.push(stats);
      return res.tokens;
    } finally {
      if (cache) m.releaseCache(cache);
    }
  }
}
