// `npm run bench -- --model models/<name>`: decoder cost of a VLA model in headless Chromium.
// For each backend (WASM, WebGPU) and decoder mode (dd, oneshot, ar, random): NFE and median
// ms per chunk with the prefix cache (encoder once per chunk) and without it (encoder every
// round, the paper's full recompute); on WebGPU also with the cache copied back to the CPU
// between rounds. Prints the table and the ratios; `--out bench.json` writes rows[].
// Reference: Discrete Diffusion VLA (arXiv 2508.20072): T = 12 rounds vs 56 AR passes.
// Invariants: every row times the same rendered observation (task, seed) after one untimed
// warm-up chunk; ratios are of medians. WebGPU here is SwiftShader unless a GPU exists: its
// numbers show correctness of the path, not GPU speed.
// Usage: npm run bench -- --model models/test-random [--rounds 12] [--chunks 5] [--repeat 3]
//        [--backends wasm,webgpu] [--modes dd,oneshot,ar,random] [--threads 1] [--out bench.json]
// --threads: WASM threads (default 1: steadier medians on a shared machine). --gpu-chunks:
// timed chunks on WebGPU (default 3: SwiftShader takes ~0.2 s per decoder round). --repeat: WASM
// round-robin passes over all configurations (medians over chunks x repeats).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DECODER_MODES, type DecoderMode } from '../src/decoder';
import { openEvalBrowser } from './lib/evalBrowser';
import { median } from './lib/modelReport';

export interface BenchRow {
  decoder: DecoderMode;
  /** Rounds T asked for (dd, random); NFE is what ran. */
  rounds: number;
  backend: 'wasm' | 'webgpu';
  prefixCache: boolean;
  /** Where the cache lived between rounds: 'gpu', 'cpu', or null without a cache. */
  cacheLocation: 'gpu' | 'cpu' | null;
  nfe: number;
  encoderRuns: number;
  msPerChunk: number;
  encoderMsPerChunk: number;
  roundsMsPerChunk: number;
  chunks: number;
}

interface Args {
  model: string;
  rounds: number;
  chunks: number;
  backends: ('wasm' | 'webgpu')[];
  modes: DecoderMode[];
  out?: string;
  task: string;
  seed: number;
  threads: number;
  gpuChunks: number;
  repeat: number;
}

function parse(argv: string[]): Args {
  const a: Args = { model: '', rounds: 12, chunks: 5, backends: ['wasm', 'webgpu'], modes: [...DECODER_MODES], task: 'object/red_cube_in_bowl', seed: 0, threads: 1, gpuChunks: 3, repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    const int = () => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs an integer >= 1, got "${v}"`);
      return n;
    };
    if (flag === '--model') a.model = v.replace(/\/+$/, '');
    else if (flag === '--rounds') a.rounds = int();
    else if (flag === '--chunks') a.chunks = int();
    else if (flag === '--out') a.out = v;
    else if (flag === '--threads') a.threads = int();
    else if (flag === '--gpu-chunks') a.gpuChunks = int();
    else if (flag === '--repeat') a.repeat = int();
    else if (flag === '--task') a.task = v;
    else if (flag === '--seed') a.seed = int();
    else if (flag === '--backends') a.backends = v.split(',').map((b) => (b === 'wasm' || b === 'webgpu' ? b : (() => { throw new Error(`--backends: unknown backend "${b}"`); })()));
    else if (flag === '--modes') a.modes = v.split(',').map((m) => ((DECODER_MODES as readonly string[]).includes(m) ? (m as DecoderMode) : (() => { throw new Error(`--modes: unknown mode "${m}"`); })()));
    else throw new Error(`unknown argument "${argv[i]}"`);
  }
  if (!a.model) throw new Error('--model is required, e.g. --model models/test-random');
  return a;
}

const fmt = (x: number) => x.toFixed(2);

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const b = await openEvalBrowser();
  const rows: BenchRow[] = [];
  const infos: unknown[] = [];
  try {
    for (const backend of args.backends) {
      // WebGPU runs twice: cache kept in GPU buffers, then copied back to the CPU every round.
      for (const cacheOnDevice of backend === 'webgpu' ? [true, false] : [false]) {
        const init = await b.call('init', { modelUrl: `/${args.model}`, modelLabel: args.model, backend, cacheOnDevice, wasmThreads: args.threads });
        infos.push(init.backend);
        process.stderr.write(`bench: ${backend} (${init.backend.threads} threads, adapter ${init.backend.adapter}, cache on device ${init.backend.deviceOutputs && cacheOnDevice})\n`);
        // Untimed pass first: V8 tiers the WASM and JS up during the first chunks, which would
        // otherwise inflate whichever row happens to run first.
        await b.call('bench', { decoder: { mode: 'dd', rounds: args.rounds }, prefixCache: true, chunks: backend === 'webgpu' ? 1 : 5, task: args.task, seed: args.seed });
        // Configurations run round-robin, `repeat` times: a load spike on a shared machine then
        // spreads over all rows instead of landing on one.
        const configs = args.modes.flatMap((mode) => (backend === 'webgpu' && !cacheOnDevice ? [true] : [true, false]).map((prefixCache) => ({ mode, prefixCache })));
        const acc = configs.map(() => ({ nfe: 0, encoderRuns: 0, ms: [] as number[], enc: [] as number[], rounds: [] as number[] }));
        const reps = backend === 'webgpu' ? 1 : args.repeat;
        for (let rep = 0; rep < reps; rep++) {
          for (const [i, { mode, prefixCache }] of configs.entries()) {
            const r = await b.call('bench', { decoder: { mode, rounds: args.rounds }, prefixCache, chunks: backend === 'webgpu' ? args.gpuChunks : args.chunks, task: args.task, seed: args.seed });
            Object.assign(acc[i], { nfe: r.nfe, encoderRuns: r.encoderRuns });
            acc[i].ms.push(...r.msPerChunk);
            acc[i].enc.push(...r.encoderMs);
            acc[i].rounds.push(...r.roundsMs);
          }
        }
        for (const [i, { mode, prefixCache }] of configs.entries()) {
          const a = acc[i];
          const row: BenchRow = {
            decoder: mode,
            rounds: args.rounds,
            backend,
            prefixCache,
            cacheLocation: prefixCache ? (backend === 'webgpu' && cacheOnDevice ? 'gpu' : 'cpu') : null,
            nfe: a.nfe,
            encoderRuns: a.encoderRuns,
            msPerChunk: median(a.ms),
            encoderMsPerChunk: median(a.enc),
            roundsMsPerChunk: median(a.rounds),
            chunks: a.ms.length,
          };
          rows.push(row);
          process.stderr.write(`  ${mode.padEnd(8)} cache ${String(row.cacheLocation).padEnd(5)} NFE ${String(row.nfe).padStart(3)}  ${fmt(row.msPerChunk).padStart(9)} ms/chunk (encoder ${fmt(row.encoderMsPerChunk)}, rounds ${fmt(row.roundsMsPerChunk)})\n`);
        }
      }
    }
  } finally {
    await b.close();
  }
  const find = (backend: string, mode: string, cache: BenchRow['cacheLocation']) => rows.find((r) => r.backend === backend && r.decoder === mode && r.cacheLocation === cache);
  const lines = ['backend  decoder   cache  NFE   ms/chunk   encoder    rounds', ...rows.map((r) => `${r.backend.padEnd(8)} ${r.decoder.padEnd(9)} ${String(r.cacheLocation).padEnd(5)} ${String(r.nfe).padStart(4)} ${fmt(r.msPerChunk).padStart(10)} ${fmt(r.encoderMsPerChunk).padStart(9)} ${fmt(r.roundsMsPerChunk).padStart(9)}`)];
  const ratios: Record<string, number> = {};
  for (const backend of args.backends) {
    const cached = backend === 'webgpu' ? 'gpu' : 'cpu';
    for (const mode of args.modes) {
      const on = find(backend, mode, cached);
      const off = find(backend, mode, null);
      if (on && off) ratios[`${backend} ${mode}: no cache / cache`] = off.msPerChunk / on.msPerChunk;
    }
    const gpu = find(backend, 'dd', 'gpu');
    const cpu = find(backend, 'dd', 'cpu');
    if (gpu && cpu) ratios[`${backend} dd: cache on CPU / cache on GPU`] = cpu.msPerChunk / gpu.msPerChunk;
    const dd = find(backend, 'dd', cached);
    const ar = find(backend, 'ar', cached);
    if (dd && ar) {
      ratios[`${backend}: AR / DD ms per chunk (cache)`] = ar.msPerChunk / dd.msPerChunk;
      ratios[`${backend}: AR / DD NFE`] = ar.nfe / dd.nfe;
    }
    const arOff = find(backend, 'ar', null);
    if (dd && arOff) ratios[`${backend}: AR without cache / DD with cache (paper baseline vs ours)`] = arOff.msPerChunk / dd.msPerChunk;
  }
  process.stdout.write(`${lines.join('\n')}\n\nratios (of medians):\n${Object.entries(ratios).map(([k, v]) => `  ${k.padEnd(62)} ${v.toFixed(2)}x`).join('\n')}\n`);
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify({ model: args.model, createdAt: new Date().toISOString(), command: `npm run bench -- ${process.argv.slice(2).join(' ')}`, backends: infos, rows, ratios }, null, 1)}\n`);
    process.stderr.write(`wrote ${args.out}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
