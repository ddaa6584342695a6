// `npm run eval -- --policy model --model models/<name> ...`: evaluates an ONNX VLA model in
// headless Chromium (sim + render + policy in the page, src/browser-eval) and writes the same
// report as the expert eval plus a `decode` block (NFE, median ms per chunk split into encoder
// and rounds) and a Markdown report with inline SVG charts.
// Also runnable alone: `npx tsx scripts/evalModel.ts --policy model --model models/test-random`.
// Reference: scripts/eval.ts (the expert eval; same episode seeds via episodeSeed, same report
// builder with Wilson 95% intervals).
// Exit codes: 0 done, 2 usage error, 1 anything else (model refused, browser failure).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decoderDefaults, defaultStallEscape } from '../src/core/manifest';
import type { DecodingDefaults } from '../src/core/manifestTypes';
import { formatMarkdown, formatTable, reportToJson } from '../src/eval/format';
import { buildReport } from '../src/eval/report';
import type { EpisodeRow, EvalReport } from '../src/eval/types';
import type { ChunkStats } from '../src/policy/VlaPolicy';
import { openEvalBrowser } from './lib/evalBrowser';
import { episodesFromArgs, parseEpisodesFile, parseModelArgs, UsageError, type EpisodeSpec, type ModelEvalArgs } from './lib/modelArgs';
import { modelMarkdown, summarizeChunks, type DecodeSummary } from './lib/modelReport';

export type ModelEvalReport = EvalReport & { decode: DecodeSummary };

function loadEpisodes(args: ModelEvalArgs): EpisodeSpec[] {
  if (!args.episodesFile) return episodesFromArgs(args);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(args.episodesFile, 'utf8'));
  } catch (e) {
    throw new UsageError(`${args.episodesFile}: cannot read a JSON list (${(e as Error).message})`);
  }
  return parseEpisodesFile(json, args.episodesFile);
}

export async function runModelEval(args: ModelEvalArgs, argvForMeta: readonly string[] = []): Promise<ModelEvalReport> {
  const episodes = loadEpisodes(args);
  const log = (s: string) => args.quiet || process.stderr.write(s);
  const t0 = Date.now();
  // One browser (own server and page) per worker; episodes go to whichever is free, and the rows
  // are put back in episode order, so the report does not depend on --workers.
  const nWorkers = Math.max(1, Math.min(args.workers, episodes.length));
  const opened = await Promise.allSettled(Array.from({ length: nWorkers }, () => openEvalBrowser()));
  const browsers = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    await Promise.all(browsers.map((x) => x.close()));
    throw failed.reason;
  }
  const rows: EpisodeRow[] = [];
  const chunks: ChunkStats[] = [];
  try {
    const inits = await Promise.all(browsers.map((x) => x.call('init', { modelUrl: `/${args.model}`, modelLabel: args.model, backend: args.backend })));
    const init = inits[0];
    log(`eval: ${init.manifest.name} on ${init.backend.name} (${init.backend.threads} WASM threads, adapter: ${init.backend.adapter}), loaded in ${init.loadMs.toFixed(0)} ms${nWorkers > 1 ? `, ${nWorkers} browsers in parallel` : ''}\n`);
    const decoder = { ...decoderDefaults({ decoding: init.manifest.decoding as unknown as DecodingDefaults }), ...args.decoder } as Record<string, unknown>;
    const results: { row: EpisodeRow; chunks: ChunkStats[] }[] = new Array(episodes.length);
    let next = 0;
    let finished = 0;
    await Promise.all(browsers.map(async (w) => {
      while (next < episodes.length) {
        const i = next++;
        const ep = episodes[i];
        const res = await w.call('episode', {
          task: ep.task,
          seed: ep.seed,
          instruction: ep.instruction,
          decoder: args.decoder,
          executeSteps: args.executeSteps,
          subtasks: args.subtasks,
          keepWhenStill: args.keepWhenStill,
          stallEscape: args.stallEscape,
          prefixCache: args.prefixCache,
          policySeed: args.seed,
        });
        results[i] = res;
        const r = res.row;
        log(`${String(++finished).padStart(4)}/${episodes.length} ${r.task.padEnd(50)} seed ${String(r.seed).padEnd(10)} ${r.success ? 'success' : (r.failure ?? '')} ${r.steps} steps${r.detail ? ` (${r.detail.slice(0, 120)})` : ''}\n`);
      }
    }));
    for (const res of results) {
      rows.push(res.row);
      chunks.push(...res.chunks);
    }
    const wallSeconds = (Date.now() - t0) / 1000;
    const perTask = new Map<string, number>();
    for (const e of episodes) perTask.set(e.task, (perTask.get(e.task) ?? 0) + 1);
    const report = buildReport(rows, {
      policy: `model:${init.manifest.name}`,
      seed: args.seed,
      episodesPerTask: args.episodesFile ? Math.max(...perTask.values()) : args.episodesPerTask,
      command: `npm run eval -- ${argvForMeta.join(' ')}`,
      model: args.model,
      episodesFile: args.episodesFile ?? null,
      node: process.version,
      wallSeconds,
    });
    const decode = summarizeChunks(chunks, {
      mode: String(decoder.mode),
      rounds: decoder.mode === 'dd' || decoder.mode === 'random' ? Number(decoder.rounds) : null,
      remask: String(decoder.remask),
      prefixCache: args.prefixCache,
      executeSteps: args.executeSteps ?? Number(init.manifest.decoding.executeSteps ?? init.manifest.chunkLength),
      subtasks: args.subtasks ?? init.manifest.decoding.subtasks === true,
      keepWhenStill: args.keepWhenStill ?? init.manifest.decoding.keepWhenStill === true,
      stallEscape: args.stallEscape !== undefined ? args.stallEscape : defaultStallEscape({ decoding: init.manifest.decoding as unknown as DecodingDefaults }),
      backend: init.backend,
    });
    return { ...report, decode };
  } finally {
    await Promise.all(browsers.map((x) => x.close()));
  }
}

async function main(argv: string[]): Promise<void> {
  const args = parseModelArgs(argv);
  const report = await runModelEval(args, argv);
  process.stdout.write(`${formatTable(report)}\n`);
  const d = report.decode;
  process.stdout.write(
    `decode: ${d.mode} mean NFE ${d.meanNfe.toFixed(2)}, median ms/chunk ${d.medianMsPerChunk.total.toFixed(2)} (encoder ${d.medianMsPerChunk.encoder.toFixed(2)}, rounds ${d.medianMsPerChunk.rounds.toFixed(2)}) over ${d.chunks} chunks\n`,
  );
  const md = formatMarkdown(report) + modelMarkdown(report, d);
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, reportToJson(report));
  }
  const mdPath = args.md ?? (args.out ? args.out.replace(/\.json$/i, '') + '.md' : undefined);
  if (mdPath) {
    mkdirSync(dirname(mdPath), { recursive: true });
    writeFileSync(mdPath, md);
  }
  if (args.out || mdPath) process.stderr.write(`wrote ${[args.out, mdPath].filter(Boolean).join(' and ')}\n`);
}

/** Entry used by scripts/eval.ts for `--policy model`. */
export function evalModelCli(argv: string[]): void {
  main(argv).catch((e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`eval: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`eval: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) evalModelCli(process.argv.slice(2));
