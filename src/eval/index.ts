// Public entry of the evaluation core: the Policy interface, the episode runner and the report
// builder/formatters (pure: no I/O; scripts/eval.ts and the browser page do the I/O).
export type { EpisodeFailure, EpisodeRow, EvalReport, Observation, Policy, RateSummary, SimFactory, SimLike, TaskSummary } from './types';
export { episodeSeed, proprioOf, runEpisode, type RunOptions } from './runner';
export { buildReport, summarize, wilson, type ReportMeta } from './report';
export { formatMarkdown, formatTable, reportToJson } from './format';
export { parseEvalArgs, selectTasks, UsageError, USAGE, type EvalArgs } from './args';
export { comparePaired, comparisonMarkdown, mcnemarExact, signFlipAverageP, type PairedComparison, type PairedRow } from './compare';
