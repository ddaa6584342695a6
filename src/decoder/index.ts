// Public API of the discrete-diffusion action decoder (pure TypeScript, no DOM).
// See docs/decoder.md for the modes, formulas and references (MaskGIT arXiv 2202.04200,
// Discrete Diffusion VLA arXiv 2508.20072). Python twin: training/decoding.py.

export { decode, DecodeAbortedError, MIN_CONFIDENCE } from './decode';
export type { AbortSignalLike, ChunkShape, DecodeOptions, DecodeResult, RoundStart } from './decode';
export {
  assertValidSettings,
  DECODER_MODES,
  DecoderInputError,
  defaultDecoderSettings,
  makeSettings,
  RANKING_RULES,
  REMASK_RULES,
  resolvePlan,
  validateSettings,
} from './settings';
export type { ChunkInfo, DecodePlan, DecoderMode, DecoderSettings, EffectiveRanking, RankingRule, RemaskRule } from './settings';
export { ANNEAL_KINDS, annealFactor, committedSchedule, maskRatio, MIN_MASK_RATIO, SCHEDULE_EPS, SCHEDULE_METHODS } from './schedule';
export type { AnnealKind, ScheduleMethod } from './schedule';
export { gumbel, MIN_UNIFORM } from './tokenScoring';
export type { RandomSource } from './tokenScoring';
export { allocTrace, CONFIDENCE_OF_KNOWN_TOKENS, roundView } from './trace';
export type { DecodeTrace, RoundView } from './trace';
