// Decoder settings: the typed options object, its defaults (each with its source), validation
// with messages that name the field, and the resolution of a mode into an effective plan.
//
// Modes (one API: `settings.mode`, see docs/decoder.md):
//   'dd'      discrete diffusion: T rounds, schedule, ranking, Gumbel noise, secondary remasking.
//   'oneshot' one-shot parallel baseline: T = 1, every token committed from one forward pass.
//   'ar'      autoregressive left-to-right baseline: T = L, one token per pass in index order.
//   'random'  random-order baseline: T rounds on the schedule, random ranking, no remasking.
// Invariant: resolvePlan never returns a plan with rounds outside [1, L].
// Python twin: training/decoding.py (DecoderSettings, default_decoder_settings, ...).

import { ANNEAL_KINDS, SCHEDULE_METHODS, type AnnealKind, type ScheduleMethod } from './schedule';

export const DECODER_MODES = ['dd', 'oneshot', 'ar', 'random'] as const;
export type DecoderMode = (typeof DECODER_MODES)[number];
export const RANKING_RULES = ['maxprob', 'gap', 'sampled', 'random'] as const;
export type RankingRule = (typeof RANKING_RULES)[number];
export const REMASK_RULES = ['none', 'threshold', 'residual', 'both'] as const;
export type RemaskRule = (typeof REMASK_RULES)[number];

export interface DecoderSettings {
  /** Decoding mode; baselines share the interface. @default 'dd' */
  mode: DecoderMode;
  /** Rounds T = forward passes for 'dd' and 'random' (ignored by 'oneshot' and 'ar'). DD-VLA uses 12 on LIBERO. @default 12 */
  rounds: number;
  /** Mask schedule (MaskGIT mask_schedule.py; DD-VLA keeps cosine). @default 'cosine' */
  schedule: ScheduleMethod;
  /** Ranking of masked tokens: max probability, top1 - top2 gap (DD-VLA), sampled-token probability (MaskGIT), random. @default 'maxprob' */
  ranking: RankingRule;
  /** Sampling temperature tau0; 0 = argmax. Greedy is the usual choice for action tokens (OpenVLA decodes greedily). @default 0 */
  temperature: number;
  /** Annealing of the temperature: tau_t = tau0 * anneal((t - 1) / T). @default 'linear' */
  temperatureAnneal: AnnealKind;
  /** Gumbel noise scale g0 on the ranking, annealed g_t = g0 * (1 - t/T) (MaskGIT choice_temperature, 4.5 there for images). Off by default for a deterministic policy. @default 0 */
  gumbelScale: number;
  /** Secondary remasking rule (DD-VLA): threshold, residual drop, both, or none. @default 'threshold' */
  remask: RemaskRule;
  /** Threshold rule eta_t = eta0 * (1 - t/T); DD-VLA uses eta0 = 0.5. @default 0.5 */
  eta0: number;
  /** Residual-drop rule: re-mask when p(commit) - p(now) > margin. Our choice, no published value. @default 0.3 */
  residualMargin: number;
  /** Top candidates kept per token in the trace. @default 3 */
  topK: number;
  /** Action ids are [0, numActionIds); null = maskId (vocabulary = bins + mask). @default null */
  numActionIds: number | null;
  /** Vocabulary size V of the logits; null = inferred as logits.length / L and checked every round. @default null */
  vocabSize: number | null;
}

export const defaultDecoderSettings: Readonly<DecoderSettings> = Object.freeze({
  mode: 'dd',
  rounds: 12,
  schedule: 'cosine',
  ranking: 'maxprob',
  temperature: 0,
  temperatureAnneal: 'linear',
  gumbelScale: 0,
  remask: 'threshold',
  eta0: 0.5,
  residualMargin: 0.3,
  topK: 3,
  numActionIds: null,
  vocabSize: null,
});

/** Thrown for bad settings, shapes or logits; `field` names what to change. */
export class DecoderInputError extends Error {
  constructor(
    message: string,
    /** The offending field, e.g. 'settings.rounds' or 'logits'. */
    readonly field: string,
  ) {
    super(message);
    this.name = 'DecoderInputError';
  }
}

/** Defaults merged with `overrides`; unknown keys are rejected (a typo must not be ignored). */
export function makeSettings(overrides: Partial<DecoderSettings> = {}): DecoderSettings {
  for (const key of Object.keys(overrides)) {
    if (!(key in defaultDecoderSettings)) {
      throw new DecoderInputError(`settings.${key}: unknown setting (known: ${Object.keys(defaultDecoderSettings).join(', ')})`, `settings.${key}`);
    }
  }
  return { ...defaultDecoderSettings, ...overrides };
}

/** Chunk facts needed to validate settings. */
export interface ChunkInfo {
  /** L = H * D action tokens. */
  tokens: number;
  /** The mask token id. */
  maskId: number;
}

const oneOf = (list: readonly string[], v: unknown) => typeof v === 'string' && list.includes(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Every problem with `s` (empty when valid); each message starts with the field name. */
export function validateSettings(s: DecoderSettings, chunk?: ChunkInfo): string[] {
  const errs: string[] = [];
  if (!oneOf(DECODER_MODES, s.mode)) errs.push(`settings.mode: unknown mode '${String(s.mode)}' (expected ${DECODER_MODES.join(', ')})`);
  if (!oneOf(SCHEDULE_METHODS, s.schedule)) errs.push(`settings.schedule: unknown schedule '${String(s.schedule)}' (expected ${SCHEDULE_METHODS.join(', ')})`);
  if (!oneOf(RANKING_RULES, s.ranking)) errs.push(`settings.ranking: unknown ranking '${String(s.ranking)}' (expected ${RANKING_RULES.join(', ')})`);
  if (!oneOf(ANNEAL_KINDS, s.temperatureAnneal)) errs.push(`settings.temperatureAnneal: unknown anneal '${String(s.temperatureAnneal)}' (expected ${ANNEAL_KINDS.join(', ')})`);
  if (!oneOf(REMASK_RULES, s.remask)) errs.push(`settings.remask: unknown rule '${String(s.remask)}' (expected ${REMASK_RULES.join(', ')})`);
  const usesRounds = s.mode === 'dd' || s.mode === 'random';
  if (usesRounds && (!isInt(s.rounds) || s.rounds < 1)) errs.push(`settings.rounds: must be an integer >= 1, got ${s.rounds}`);
  else if (usesRounds && chunk && s.rounds > chunk.tokens) errs.push(`settings.rounds: ${s.rounds} rounds exceed the ${chunk.tokens} tokens of the chunk (each round commits >= 1 token)`);
  if (!isNum(s.temperature) || s.temperature < 0) errs.push(`settings.temperature: must be a finite number >= 0, got ${s.temperature}`);
  if (!isNum(s.gumbelScale) || s.gumbelScale < 0) errs.push(`settings.gumbelScale: must be a finite number >= 0, got ${s.gumbelScale}`);
  if (!isNum(s.eta0) || s.eta0 < 0 || s.eta0 > 1) errs.push(`settings.eta0: must be in [0, 1], got ${s.eta0}`);
  if (!isNum(s.residualMargin) || s.residualMargin < 0 || s.residualMargin > 1) errs.push(`settings.residualMargin: must be in [0, 1], got ${s.residualMargin}`);
  if (!isInt(s.topK) || s.topK < 1) errs.push(`settings.topK: must be an integer >= 1, got ${s.topK}`);
  if (s.numActionIds !== null && (!isInt(s.numActionIds) || s.numActionIds < 2)) errs.push(`settings.numActionIds: must be null or an integer >= 2, got ${s.numActionIds}`);
  if (s.vocabSize !== null && (!isInt(s.vocabSize) || s.vocabSize < 3)) errs.push(`settings.vocabSize: must be null or an integer >= 3, got ${s.vocabSize}`);
  if (chunk) {
    if (!isInt(chunk.maskId) || chunk.maskId < 0) errs.push(`maskId: must be an integer >= 0, got ${chunk.maskId}`);
    const actions = s.numActionIds ?? chunk.maskId;
    if (isInt(chunk.maskId) && chunk.maskId < actions) errs.push(`maskId: ${chunk.maskId} is an action id (actions are [0, ${actions})); the mask must not be sampleable`);
    if (s.numActionIds === null && isInt(chunk.maskId) && chunk.maskId < 2) errs.push(`maskId: ${chunk.maskId} leaves fewer than 2 action ids; set settings.numActionIds`);
    if (isInt(s.topK) && s.topK > actions) errs.push(`settings.topK: ${s.topK} exceeds the ${actions} action ids`);
    if (s.vocabSize !== null && isInt(chunk.maskId) && chunk.maskId >= s.vocabSize) errs.push(`settings.vocabSize: ${s.vocabSize} does not contain maskId ${chunk.maskId}`);
  }
  return errs;
}

/** Throws a DecoderInputError naming the first bad field. */
export function assertValidSettings(s: DecoderSettings, chunk?: ChunkInfo): void {
  const errs = validateSettings(s, chunk);
  if (errs.length > 0) throw new DecoderInputError(`decoder: ${errs.join('; ')}`, errs[0].split(':')[0]);
}

/** Ranking actually applied: 'position' is the left-to-right order of the AR baseline. */
export type EffectiveRanking = RankingRule | 'position';

/** What a mode means for one chunk, after validation. */
export interface DecodePlan {
  mode: DecoderMode;
  /** Forward passes T. */
  rounds: number;
  schedule: ScheduleMethod;
  ranking: EffectiveRanking;
  remask: RemaskRule;
  gumbelScale: number;
}

/** Resolve a (validated) mode into the rounds, ranking and remasking it uses for L tokens. */
export function resolvePlan(s: DecoderSettings, tokens: number): DecodePlan {
  switch (s.mode) {
    case 'dd':
      return { mode: s.mode, rounds: s.rounds, schedule: s.schedule, ranking: s.ranking, remask: s.remask, gumbelScale: s.gumbelScale };
    case 'oneshot':
      return { mode: s.mode, rounds: 1, schedule: 'linear', ranking: s.ranking, remask: 'none', gumbelScale: 0 };
    case 'ar':
      // With T = L the clamped schedule is C_t = t for every method: one token per pass.
      return { mode: s.mode, rounds: tokens, schedule: 'linear', ranking: 'position', remask: 'none', gumbelScale: 0 };
    case 'random':
      return { mode: s.mode, rounds: s.rounds, schedule: s.schedule, ranking: 'random', remask: 'none', gumbelScale: 0 };
    default:
      throw new DecoderInputError(`settings.mode: unknown mode '${String(s.mode)}'`, 'settings.mode');
  }
}
