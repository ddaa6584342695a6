// The contract between the headless evaluation page (evalPage.ts, window.vlaEval) and its Node
// drivers (scripts/evalModel.ts, scripts/bench.ts, tests/e2e/runtime*.ts). Types only, so Node
// code imports it without pulling in the browser runtime.
// Invariant: every value crossing page.evaluate is plain JSON (numbers, strings, arrays).

import type { StallEscape } from '../core/manifestTypes';
import type { DecoderSettings } from '../decoder';
import type { PlaceOptions } from '../expert';
import type { EpisodeRow } from '../eval/types';
import type { ChunkStats } from '../policy/VlaPolicy';
import type { BackendInfo, BackendPreference } from '../runtime/ortBackend';

export interface InitRequest {
  /** Model folder URL path under the dev server, e.g. "/models/test-random". */
  modelUrl: string;
  /** Label used in messages, e.g. "models/test-random". */
  modelLabel: string;
  backend: BackendPreference;
  /** Keep the prefix cache on the GPU between rounds (WebGPU only). @default true */
  cacheOnDevice?: boolean;
  /** WASM threads; only the page's first init sets them. @default min(4, cores) when isolated */
  wasmThreads?: number;
}

export interface InitResult {
  backend: BackendInfo;
  loadMs: number;
  manifest: { name: string; chunkLength: number; dims: number; tokens: number; cameras: string[]; decoding: Record<string, unknown> };
}

export interface EpisodeRequest {
  task: string;
  seed: number;
  /** Replaces the template instruction. */
  instruction?: string;
  decoder: Partial<DecoderSettings>;
  /** Actions executed per chunk. @default chunk length */
  executeSteps?: number;
  /** One clause of a multi-step instruction at a time (VlaPolicyOptions.subtasks). @default false */
  subtasks?: boolean;
  /** Run a chunk's next actions while the arm is still (VlaPolicyOptions.keepWhenStill). @default the manifest's */
  keepWhenStill?: boolean;
  /** Sample once the arm has stalled (VlaPolicyOptions.stallEscape); null = off. @default the manifest's */
  stallEscape?: StallEscape | null;
  prefixCache: boolean;
  /** Decoder RNG base seed. */
  policySeed: number;
  /** Cut the task's step limit (tests). */
  maxSteps?: number;
  /** Record the arm every `traceEvery` steps (what went wrong in a failed episode). */
  traceEvery?: number;
}

/** The arm at one step of an episode. */
export interface TracePoint {
  step: number;
  tcp: number[];
  opening: number;
  grasped: string | null;
  action: number[];
  /** The whole chunk the executed action came from (its later actions are never run when the
   * policy replans first). */
  plan: number[][] | null;
}

export interface EpisodeResult {
  row: EpisodeRow;
  chunks: ChunkStats[];
  /** With traceEvery: the arm every traceEvery steps, and the objects at the end. */
  trace?: { points: TracePoint[]; objects: { id: string; position: number[] }[] };
}

export interface BenchRequest {
  decoder: Partial<DecoderSettings>;
  prefixCache: boolean;
  /** Chunks to time (after one untimed warm-up chunk). */
  chunks: number;
  task: string;
  seed: number;
}

export interface BenchResult {
  nfe: number;
  encoderRuns: number;
  /** Per timed chunk. */
  msPerChunk: number[];
  encoderMs: number[];
  roundsMs: number[];
}

export interface LogitsRequest {
  task: string;
  seed: number;
  /** Action tokens fed to the decoder ([token]; the mask id where masked). */
  tokens: number[];
}

export interface ProbeRequest {
  task: string;
  seed: number;
  /** Paraphrase of the instruction to feed (the demos were collected with a random one). */
  instruction?: string;
  decoder: Partial<DecoderSettings>;
  /** Decode a chunk every `every` expert steps. */
  every: number;
  policySeed: number;
}

/** Teacher-forced probe: the expert drives; the model predicts a chunk from each visited state. */
export interface ProbeResult {
  /** Control step of each probe. */
  steps: number[];
  /** Per probe: the model's chunk [H][dims]. */
  predicted: number[][][];
  /** Per probe: the expert's next H actions (fewer near the end). */
  expert: number[][][];
  /** RGB bytes of the first observation's frames, base64, for comparison with recorded demos. */
  firstFrames: Record<string, string>;
  /** The encoder inputs of the first observation (token ids, mask, normalised proprio, images). */
  firstInputs: Record<string, number[]>;
  success: boolean;
}

/** A DAgger rollout (src/expert/DaggerPolicy.ts): the model drives, the expert labels. */
/** With the labelling expert's picking and placing (PlaceOptions). */
export interface DaggerRequest extends PlaceOptions {
  task: string;
  seed: number;
  /** Chance per chunk that the expert drives instead of the model. */
  beta: number;
  decoder: Partial<DecoderSettings>;
  /** Model actions executed per chunk. @default the manifest's */
  executeSteps?: number;
  /** Seed of the decoder RNG and of the driver draws. */
  policySeed: number;
  /** Cut the task's step limit. */
  maxSteps?: number;
  /** Label with the expert's lenient gates (DaggerOptions.lenientGates). @default false */
  lenientGates?: boolean;
  /** Action dimensions the expert fills in the model's executed actions (DaggerOptions.oracleDims). */
  oracleDims?: number[];
}

export interface DaggerResult {
  /** The recorded episode (src/data/pack.ts), base64: the expert's labels, the model's states. */
  packed: string;
  row: EpisodeRow;
  /** Steps each driver executed. */
  driven: { expert: number; learner: number };
  chunks: ChunkStats[];
}

export interface VlaEvalApi {
  /** One DAgger rollout, recorded as a demonstration. */
  dagger(req: DaggerRequest): Promise<DaggerResult>;
  /** Runs the expert and decodes along its trajectory (a data/eval mismatch check). */
  probe(req: ProbeRequest): Promise<ProbeResult>;
  init(req: InitRequest): Promise<InitResult>;
  episode(req: EpisodeRequest): Promise<EpisodeResult>;
  bench(req: BenchRequest): Promise<BenchResult>;
  /** Logits [token][vocab] for a rendered observation of (task, seed) and the given tokens. */
  logits(req: LogitsRequest): Promise<number[]>;
  /** Tries to load a model; resolves to the error message, or null when it loads. */
  loadError(req: InitRequest): Promise<string | null>;
}
