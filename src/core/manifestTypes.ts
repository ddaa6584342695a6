// Types of the model manifest (models/<name>/manifest.json, formatVersion 1): the single
// contract between training and the browser runtime. Validation lives in manifest.ts; the Python
// twin is training/manifest.py; models/README.md documents every field with an example.
//
// Value rules the runtime must apply (the model was trained on exactly these):
// - camera pixel (RGB, 0..255) -> (p / 255 - mean[c]) / std[c], layout NCHW float32;
// - proprio value i -> (p[i] - mean[i]) / std[i];
// - actions: the bin rule in actionCodec.ts with action.low/high/bins; maskId = bins.

export const MANIFEST_FORMAT_VERSION = 1;
export const CAMERA_NAMES = ['agentview', 'wrist'] as const;
export type CameraName = (typeof CAMERA_NAMES)[number];

export interface CameraSpec {
  /** 'agentview' or 'wrist'; also the encoder's input name for this image. */
  name: CameraName;
  width: number;
  height: number;
  channelOrder: 'RGB';
  layout: 'NCHW';
  dtype: 'float32';
  /** Per-channel mean subtracted after scaling pixels to [0, 1]. */
  mean: [number, number, number];
  /** Per-channel std divided after subtracting the mean (> 0). */
  std: [number, number, number];
}

export interface ProprioSpec {
  /** Subset (in this order) of the sim's [x, y, z, qx, qy, qz, qw, opening]. */
  names: string[];
  mean: number[];
  std: number[];
}

export interface TokenizerRef {
  /** File beside the manifest, e.g. "tokenizer.json". */
  file: string;
  /** Encoded instruction length (input_ids width), special tokens included. */
  maxLength: number;
  /** Number of instruction tokens (the tokenizer's vocab length). */
  vocabSize: number;
}

export interface ActionSpec {
  /** One name per dimension, e.g. [dx, dy, dz, droll, dpitch, dyaw, gripper]. */
  names: string[];
  /** H: steps per chunk. */
  chunkLength: number;
  /** D: dimensions per step. The action block has H * D tokens, layout [step][dim]. */
  dims: number;
  /** B: bins per dimension; token ids 0..B-1. */
  bins: number;
  binRule: 'uniform-floor-v1';
  /** Per-dimension lower bound (xNorm = -1). */
  low: number[];
  /** Per-dimension upper bound (xNorm = +1), > low. */
  high: number[];
  /** Mask token id; always equals bins. */
  maskId: number;
  /** Logit vocabulary size; always bins + 1. */
  vocabSize: number;
}

export interface CacheSpec {
  layers: number;
  heads: number;
  headDim: number;
  /** P: prefix tokens (image patches + instruction + proprio). */
  prefixLength: number;
}

export type OnnxDtype = 'float32' | 'int64';

export interface TensorSpec {
  name: string;
  dtype: OnnxDtype;
  /** Numbers are fixed dimensions, strings symbolic ones (the batch). */
  shape: (number | string)[];
}

export interface GraphSpec {
  /** File beside the manifest, e.g. "encoder.onnx". */
  file: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface DecodingDefaults {
  mode: string;
  rounds: number;
  schedule: string;
  ranking: string;
  temperature: number;
  remask: string;
  temperatureAnneal?: string;
  gumbelScale?: number;
  eta0?: number;
  residualMargin?: number;
  topK?: number;
  /** Actions of each decoded chunk executed before the next observation (1..chunkLength);
   * absent: the whole chunk. Not a decoder setting: the closed loop reads it. */
  executeSteps?: number;
  /** Feed a multi-step instruction one clause at a time, moving on when the gripper lets go of
   * what it held (src/policy/subtasks.ts); models trained with goal_order "clause" set it.
   * Absent: false. Not a decoder setting: the closed loop reads it. */
  subtasks?: boolean;
  /** When the executed actions of a chunk left the arm still, run the chunk's next actions
   * instead of replanning from the same observation (src/policy/chunkPlan.ts). Absent: false.
   * Not a decoder setting: the closed loop reads it. */
  keepWhenStill?: boolean;
  /** Stall escape: once this many plans in a row have left the arm still, the next chunks are
   * sampled at stallTemperature until it moves (src/policy/VlaPolicy.ts). Both or neither;
   * absent: off. Not decoder settings: the closed loop reads them. */
  stallPlans?: number;
  stallTemperature?: number;
  /** The hover rule (ChunkPlan.hoverPlansNow): the escape also starts once stallWindow plans in a
   * row were made with the TCP within stallRadius metres of where it is. Both or neither, and only
   * with stallPlans and stallTemperature. */
  stallWindow?: number;
  stallRadius?: number;
}

/** The stall escape as the closed loop takes it (from decoding.stallPlans, stallTemperature,
 * stallWindow and stallRadius). */
export interface StallEscape {
  plans: number;
  temperature: number;
  /** Hover rule (optional, both or neither): the escape also starts once `window` plans in a row,
   * the one now included, were made with the TCP within `radius` metres of where it is now and
   * the fingers' opening unchanged (ChunkPlan.hoverPlansNow). */
  window?: number;
  radius?: number;
}

export interface Manifest {
  formatVersion: 1;
  name: string;
  description: string;
  cameras: CameraSpec[];
  proprio: ProprioSpec;
  tokenizer: TokenizerRef;
  action: ActionSpec;
  cache: CacheSpec;
  onnx: { opset: number; encoder: GraphSpec; decoder: GraphSpec };
  /** Default decoder settings (names of src/decoder/settings.ts DecoderSettings). */
  decoding: DecodingDefaults;
  /** What the model was trained on (free-form object) or null. */
  training: Record<string, unknown> | null;
  /** How well it scored (free-form object) or null. */
  evaluation: Record<string, unknown> | null;
}
