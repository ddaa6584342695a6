// Benchmark (not a test): decoder overhead per round with the model excluded, for an 8 x 7
// chunk over a 257-token vocabulary (256 bins + mask). The callback returns precomputed random
// logits at once, so the time measured is the decoder's own: logits checks, softmax and top-k
// over 56 x 256, sampling, ranking, remasking, trace copies and the per-round await.
// Run: npm run bench:decoder   (options: --chunks N, default 300 per mode)

import { Rng } from '../src/core/rng';
import { decode, type DecoderSettings } from '../src/decoder';

const STEPS = 8;
const DIMS = 7;
const L = STEPS * DIMS;
const BINS = 256;
const V = BINS + 1;

const argChunks = process.argv.indexOf('--chunks');
const CHUNKS = argChunks > 0 ? Number(process.argv[argChunks + 1]) : 300;

// 16 distinct logits buffers, so branch predictors and caches see varied data.
const rng = new Rng(123);
const buffers = Array.from({ length: 16 }, () => {
  const b = new Float32Array(L * V);
  for (let i = 0; i < b.length; i++) b[i] = 2 * rng.normal();
  return b;
});
let call = 0;
const model = async () => buffers[call++ % buffers.length];

interface Row {
  name: string;
  settings: Partial<DecoderSettings>;
}
const ROWS: Row[] = [
  { name: 'dd T=12 greedy, threshold remask (defaults)', settings: {} },
  { name: 'dd T=12 sampled + Gumbel 4.5 + both remask', settings: { temperature: 1, gumbelScale: 4.5, ranking: 'sampled', remask: 'both' } },
  { name: 'dd T=12 gap ranking, no remask', settings: { ranking: 'gap', remask: 'none' } },
  { name: 'oneshot (T=1)', settings: { mode: 'oneshot' } },
  { name: 'random order T=12', settings: { mode: 'random' } },
  { name: 'ar (T=56)', settings: { mode: 'ar' } },
];

/** Median over chunks (robust to other processes on a shared machine) and the mean. */
async function timeRow(row: Row, chunks: number): Promise<{ msPerRound: number; meanPerRound: number; cpuPerRound: number; msPerChunk: number; rounds: number }> {
  const perChunk: number[] = [];
  let rounds = 0;
  // CPU time of this process: not inflated when other processes take the cores.
  const cpu0 = process.cpuUsage();
  for (let c = 0; c < chunks; c++) {
    const t0 = performance.now();
    const res = await decode({ tokensToLogits: model, shape: { steps: STEPS, dims: DIMS }, maskId: BINS, rng: new Rng(c), settings: row.settings });
    perChunk.push(performance.now() - t0);
    rounds = res.forwardPasses;
  }
  const cpu = process.cpuUsage(cpu0);
  perChunk.sort((a, b) => a - b);
  const median = perChunk[perChunk.length >> 1];
  const mean = perChunk.reduce((a, b) => a + b, 0) / chunks;
  const cpuPerRound = (cpu.user + cpu.system) / 1000 / (chunks * rounds);
  return { msPerRound: median / rounds, meanPerRound: mean / rounds, cpuPerRound, msPerChunk: median, rounds };
}

async function main() {
  for (const row of ROWS) await timeRow(row, 30); // warm-up (JIT)
  const results = [];
  for (const row of ROWS) results.push({ row, ...(await timeRow(row, CHUNKS)) });
  const ar = results.find((r) => r.row.settings.mode === 'ar')!;
  console.log(`decoder overhead, model excluded: ${STEPS}x${DIMS} chunk, vocab ${V}, ${CHUNKS} chunks per mode, node ${process.version}`);
  console.log('wall: median over chunks (mean in brackets, inflated by other load); cpu: process CPU time per round');
  console.log('mode'.padEnd(46) + 'rounds  ms/round  (mean)    cpu ms/round  ms/chunk  cpu x AR/pass');
  for (const r of results) {
    const ratio = r.cpuPerRound / ar.cpuPerRound; // CPU time: stable under load
    const mean = `(${r.meanPerRound.toFixed(3)})`;
    console.log(`${r.row.name.padEnd(46)}${String(r.rounds).padStart(6)}  ${r.msPerRound.toFixed(4).padStart(8)}  ${mean.padEnd(8)}  ${r.cpuPerRound.toFixed(4).padStart(12)}  ${r.msPerChunk.toFixed(3).padStart(8)}  ${ratio.toFixed(2).padStart(12)}`);
  }
}

await main();
