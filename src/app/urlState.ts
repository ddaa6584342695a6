// The episode in the URL: task, seed, instruction, model, backend, decoder settings and the
// robustness perturbation, so a reload (or a shared link) replays the same episode.
// Reference: issue "The episode (task, seed, model, decoder settings) lives in the URL";
// DESIGN.md "Determinism" (an episode is reproducible from task, seed, model, settings).
// Invariants: pure (no DOM); parse(serialize(s)) equals s for every valid state; unknown or
// malformed parameters fall back to the defaults field by field, never throw.
import type { DecoderSettings } from '../decoder';
import { DECODER_MODES, RANKING_RULES, REMASK_RULES, SCHEDULE_METHODS, type DecoderMode, type RankingRule, type RemaskRule, type ScheduleMethod } from '../decoder';

/** Decoder settings the page exposes (a subset of src/decoder DecoderSettings, plus its seed). */
export interface PageDecoder {
  mode: DecoderMode;
  /** null = the model's manifest default. */
  rounds: number | null;
  schedule: ScheduleMethod;
  ranking: RankingRule;
  temperature: number;
  remask: RemaskRule;
  /** Base seed of the decoder RNG. */
  seed: number;
  /** Actions of each chunk executed before replanning; null = the model manifest's default. */
  execute: number | null;
  /** A multi-step instruction one clause at a time (src/policy/subtasks.ts); null = the model
   * manifest's default. */
  subtasks: boolean | null;
  /** Run a chunk's next actions while the arm is still (src/policy/chunkPlan.ts); null = the
   * model manifest's default. */
  keepWhenStill: boolean | null;
}

/** What the model sees changed (src/app/perturb.ts). All zero = unperturbed. */
export interface Perturbation {
  /** Added to every channel, in [-1, 1] of full scale. */
  brightness: number;
  /** Contrast factor - 1, in [-1, 1] (0 = unchanged). */
  contrast: number;
  /** Gaussian noise std, fraction of full scale [0, 0.5]. */
  noise: number;
  /** Side of a grey square over the image centre, fraction of the width [0, 0.8]. */
  occlusion: number;
  /** Horizontal image shift, fraction of the width [-0.5, 0.5]. */
  shift: number;
}

export interface PageState {
  taskId: string;
  seed: number;
  /** Instruction typed by the user; '' = the task's own instruction. */
  instruction: string;
  model: string;
  backend: 'auto' | 'wasm' | 'webgpu';
  decoder: PageDecoder;
  perturb: Perturbation;
}

export const DEFAULT_DECODER: Readonly<PageDecoder> = { mode: 'dd', rounds: null, schedule: 'cosine', ranking: 'maxprob', temperature: 0, remask: 'threshold', seed: 0, execute: null, subtasks: null, keepWhenStill: null };
export const NO_PERTURBATION: Readonly<Perturbation> = { brightness: 0, contrast: 0, noise: 0, occlusion: 0, shift: 0 };
export const MODES = DECODER_MODES;
export const SCHEDULES = SCHEDULE_METHODS;
export const RANKINGS = RANKING_RULES;
export const REMASKS = REMASK_RULES;
export const BACKENDS = ['auto', 'wasm', 'webgpu'] as const;
/** Largest "execute" the page accepts; a model's chunk length caps it further (PolicyDriver). */
export const MAX_EXECUTE = 64;
/** Range of each perturbation field (also the sliders' range). */
export const PERTURB_RANGE: Readonly<Record<keyof Perturbation, readonly [number, number]>> = {
  brightness: [-1, 1],
  contrast: [-1, 1],
  noise: [0, 0.5],
  occlusion: [0, 0.8],
  shift: [-0.5, 0.5],
};

const pick = <T extends string>(list: readonly T[], v: string | null, dflt: T): T => (v !== null && (list as readonly string[]).includes(v) ? (v as T) : dflt);
const int = (v: string | null, dflt: number, min = 0): number => {
  const n = v === null || v === '' ? NaN : Number(v);
  return Number.isInteger(n) && n >= min ? n : dflt;
};
/** "1" on, "0" off, anything else the model's default (null). */
const flag = (v: string | null): boolean | null => (v === '1' ? true : v === '0' ? false : null);
const num = (v: string | null, dflt: number, lo: number, hi: number): number => {
  const n = v === null || v === '' ? NaN : Number(v);
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : dflt;
};

/** Page decoder choices -> decoder settings overrides (rounds null = the manifest's). */
export function toDecoderSettings(d: PageDecoder): Partial<DecoderSettings> {
  const s: Partial<DecoderSettings> = { mode: d.mode, schedule: d.schedule, ranking: d.ranking, temperature: d.temperature, remask: d.remask };
  if (d.rounds !== null) s.rounds = d.rounds;
  return s;
}

/** Reads a page state from a query string ("?task=...&seed=..."), defaults where absent. */
export function parsePageState(search: string, defaults: Pick<PageState, 'taskId' | 'model'>, taskIds: readonly string[]): PageState {
  const q = new URLSearchParams(search);
  const d = DEFAULT_DECODER;
  const roundsRaw = q.get('rounds');
  const execRaw = q.get('exec');
  const perturb = { ...NO_PERTURBATION };
  for (const k of Object.keys(PERTURB_RANGE) as (keyof Perturbation)[]) {
    const [lo, hi] = PERTURB_RANGE[k];
    perturb[k] = num(q.get(`p.${k}`), 0, lo, hi);
  }
  const model = q.get('model');
  return {
    taskId: pick(taskIds, q.get('task'), defaults.taskId),
    seed: int(q.get('seed'), 0),
    instruction: q.get('instruction') ?? '',
    model: model && /^[\w.-]+$|^https?:\/\//.test(model) ? model : defaults.model,
    backend: pick(BACKENDS, q.get('backend'), 'auto'),
    decoder: {
      mode: pick(MODES, q.get('mode'), d.mode),
      rounds: roundsRaw === null ? null : int(roundsRaw, -1, 1) === -1 ? null : int(roundsRaw, 1, 1),
      schedule: pick(SCHEDULES, q.get('schedule'), d.schedule),
      ranking: pick(RANKINGS, q.get('ranking'), d.ranking),
      temperature: num(q.get('temperature'), d.temperature, 0, 5),
      remask: pick(REMASKS, q.get('remask'), d.remask),
      seed: int(q.get('dseed'), d.seed),
      // Upper bound: the chunk length is the model's, so the driver clamps to it.
      execute: execRaw === null || int(execRaw, -1, 1) === -1 ? null : Math.min(int(execRaw, 1, 1), MAX_EXECUTE),
      subtasks: flag(q.get('sub')),
      keepWhenStill: flag(q.get('keep')),
    },
    perturb,
  };
}

/** The query string of a page state; fields at their defaults are left out (short links). */
export function serializePageState(s: PageState, defaults: Pick<PageState, 'taskId' | 'model'>): string {
  const q = new URLSearchParams();
  q.set('task', s.taskId);
  q.set('seed', String(s.seed));
  if (s.instruction) q.set('instruction', s.instruction);
  if (s.model !== defaults.model) q.set('model', s.model);
  if (s.backend !== 'auto') q.set('backend', s.backend);
  const d = s.decoder;
  if (d.mode !== DEFAULT_DECODER.mode) q.set('mode', d.mode);
  if (d.rounds !== null) q.set('rounds', String(d.rounds));
  if (d.schedule !== DEFAULT_DECODER.schedule) q.set('schedule', d.schedule);
  if (d.ranking !== DEFAULT_DECODER.ranking) q.set('ranking', d.ranking);
  if (d.temperature !== DEFAULT_DECODER.temperature) q.set('temperature', String(d.temperature));
  if (d.remask !== DEFAULT_DECODER.remask) q.set('remask', d.remask);
  if (d.seed !== DEFAULT_DECODER.seed) q.set('dseed', String(d.seed));
  if (d.execute !== null) q.set('exec', String(d.execute));
  if (d.subtasks !== null) q.set('sub', d.subtasks ? '1' : '0');
  if (d.keepWhenStill !== null) q.set('keep', d.keepWhenStill ? '1' : '0');
  for (const k of Object.keys(PERTURB_RANGE) as (keyof Perturbation)[]) if (s.perturb[k] !== 0) q.set(`p.${k}`, String(s.perturb[k]));
  return `?${q.toString()}`;
}
