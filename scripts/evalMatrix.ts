// `npm run eval:matrix -- --model models/<name> --episodes-per-task N [--suite S] [--backend B]
//   [--configs list] [--out F.json] [--md F.md]`: the same episodes under each decoder setting
// (one-shot, autoregressive left to right, discrete diffusion at T = 4, 8, 12 with remasking
// none / threshold / drop), one table of success per suite, the average over suites, NFE and
// median ms per chunk. Each configuration is a full `npm run eval` run (scripts/evalModel.ts),
// so every row is reproducible alone with the command printed beside it.
// --configs picks rows by name, e.g. --configs oneshot,ar,dd-T12-threshold.
// Exit codes: 0 done, 2 usage error, 1 anything else.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runModelEval } from './evalModel';
import { MATRIX_CONFIGS, matrixMarkdown, pct, pickConfigs, toRow, type MatrixConfig, type MatrixRow } from './lib/matrix';
import { parseModelArgs, UsageError } from './lib/modelArgs';

const USAGE = 'usage: npm run eval:matrix -- --model models/<name> [--episodes-per-task N] [--suite S] [--backend wasm|webgpu|auto] [--configs a,b] [--out F.json] [--md F.md]';

function split(argv: readonly string[]): { pass: string[]; configs: MatrixConfig[]; out?: string; md?: string } {
  const pass: string[] = [];
  let configs = MATRIX_CONFIGS;
  let out: string | undefined;
  let md: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--configs' || a === '--out' || a === '--md') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value\n${USAGE}`);
      if (a === '--out') out = v;
      else if (a === '--md') md = v;
      else {
        configs = pickConfigs(v);
      }
    } else if (['--decoder', '--rounds', '--remask', '--policy'].includes(a)) {
      throw new UsageError(`${a} is set per row by eval:matrix\n${USAGE}`);
    } else pass.push(a);
  }
  return { pass, configs, out, md };
}

async function main(argv: string[]): Promise<void> {
  const { pass, configs, out, md } = split(argv);
  const rows: MatrixRow[] = [];
  let model = '';
  for (const c of configs) {
    const runArgv = ['--policy', 'model', ...pass, ...c.flags, '--quiet'];
    const args = parseModelArgs(runArgv);
    model = args.model;
    const command = `npm run eval -- ${runArgv.filter((a) => a !== '--quiet').join(' ')}`;
    process.stderr.write(`eval:matrix: ${c.name} ...\n`);
    const rep = await runModelEval(args, runArgv);
    const row = toRow(c, rep, command);
    rows.push(row);
    process.stderr.write(`eval:matrix: ${c.name}: avg over suites ${pct(row.suiteAverage)} over ${row.overall.episodes} episodes, NFE ${row.meanNfe.toFixed(1)}, ${row.medianMsPerChunk.toFixed(1)} ms/chunk, ${row.wallSeconds.toFixed(0)} s\n`);
    // Write after every row: a long run stopped part way keeps what it measured.
    const text = matrixMarkdown(rows, `Decoders on ${model}`);
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify({ model, createdAt: new Date().toISOString(), argv, rows }, null, 2)}\n`);
    }
    if (md) {
      mkdirSync(dirname(md), { recursive: true });
      writeFileSync(md, text);
    }
  }
  process.stdout.write(matrixMarkdown(rows, `Decoders on ${model}`));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`eval:matrix: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
