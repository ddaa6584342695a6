// `npm run model:card -- --model models/<name> [--log training/runs/<run>/log.jsonl[,more.jsonl]]`: writes
// models/<name>/REPORT.md, the evaluation report that lives beside a shipped model, from files
// only (no number typed by hand): the manifest's training block (data, steps, parameters,
// held-out metrics), the training log (wall time, seconds per step, loss at the end), the
// default-decoder evaluation (eval-dd.json from `npm run eval`), the decoder matrix
// (decoders.json from `npm run eval:matrix`) and the loss curve (loss.svg from training/plot.py).
// A warm-started model (train.py --init_from) lists its chain: give the logs first run first.
// A "## Notes" section already in REPORT.md is kept (the hand-written analysis).
// Exit codes: 0 written, 1 a file is missing or malformed (named).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatMarkdown } from '../src/eval/format';
import type { EvalReport } from '../src/eval/types';
import { SUITES } from '../src/tasks';
import { matrixMarkdown, pct, type MatrixRow } from './lib/matrix';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function readJson<T>(path: string): T {
  if (!existsSync(path)) throw new Error(`${path}: not found`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new Error(`${path}: not JSON (${(e as Error).message})`);
  }
}

function main(): void {
  const model = arg('model')?.replace(/\/+$/, '');
  if (!model) throw new Error('usage: npm run model:card -- --model models/<name> [--log training/runs/<run>/log.jsonl[,more.jsonl]]');
  const manifest = readJson<{ name: string; description: string; decoding: Record<string, unknown>; training?: Record<string, any> }>(`${model}/manifest.json`);
  const evalDd = readJson<EvalReport & { decode: { meanNfe: number; medianMsPerChunk: { total: number } } }>(`${model}/eval-dd.json`);
  const matrix = existsSync(`${model}/decoders.json`) ? readJson<{ rows: MatrixRow[] }>(`${model}/decoders.json`) : null;
  const t = manifest.training ?? {};
  const out: string[] = [`# ${manifest.name}: evaluation report`, '', manifest.description, ''];

  out.push('## Success with the default decoder', '');
  const d = manifest.decoding;
  out.push(`Decoder as in the manifest: ${Object.entries(d).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  out.push(`Average over suites **${pct(evalDd.overall.suiteAverage)}** (${SUITES.map((s) => `${s} ${evalDd.suites[s] ? pct(evalDd.suites[s]!.successRate) : '-'}`).join(', ')}); ` +
    `${evalDd.overall.episodes} episodes, ${evalDd.meta.episodesPerTask} per task; overall Wilson 95% [${pct(evalDd.overall.ci95[0])}, ${pct(evalDd.overall.ci95[1])}]. ` +
    `Mean NFE ${evalDd.decode.meanNfe.toFixed(1)}, median ${evalDd.decode.medianMsPerChunk.total.toFixed(0)} ms per chunk (WASM, headless Chromium, this 2-core machine).`, '');
  out.push(formatMarkdown(evalDd, 'Per task').replace(/^# /m, '### '), '');

  if (matrix) {
    out.push(matrixMarkdown(matrix.rows, 'Decoders compared on the same episodes').replace(/^## /m, '## '), '');
  }

  out.push('## Training', '');
  if (existsSync(`${model}/loss.svg`)) out.push('![loss curve](loss.svg)', '');
  const logPath = arg('log');
  // A weight average (training/soup.py) or an ensemble (training/ensemble.py) has no steps of its
  // own: its members' runs are listed.
  type Member = { checkpoint: string; weight: number; training?: Record<string, any> };
  const ensemble = Array.isArray(t.ensemble);
  const members: Member[] = Array.isArray(t.soup) ? t.soup : ensemble ? t.ensemble : [];
  if (members.length > 0) {
    out.push(ensemble
      ? `- A product-of-experts ensemble (training/ensemble.py) of ${members.length} checkpoints of one model: each member encodes every observation and the decoder averages their log-probabilities, so a chunk costs ${members.length}x one member's work; no training step of its own:`
      : `- A weight average (training/soup.py) of ${members.length} checkpoints of one model; no training step of its own:`);
    for (const m of members) {
      const mt = m.training ?? {};
      const tc = mt.train_config ?? {};
      out.push(`  - ${m.checkpoint} x ${Number(m.weight).toFixed(2)}: ${mt.steps ?? '?'} steps, seed ${tc.seed ?? '?'}, lr ${tc.lr ?? '?'}` +
        `${tc.ema_decay ? `, weights averaged in training (EMA ${tc.ema_decay})` : ''}` +
        `${mt.held_out ? `; held out loss ${mt.held_out.eval_loss.toFixed(3)}, decode accuracy ${pct(mt.held_out.eval_decode_acc)}` : ''}.`);
    }
  }
  const run = members.length > 0 ? { ...members[0].training, init_from: members[0].training?.init_from ?? t.init_from } : t;
  if (run.steps !== undefined) {
    const tc = run.train_config ?? {};
    out.push(`- Data${members.length > 0 ? (ensemble ? ' (the first member)' : ' (each member)') : ''}: ${(run.data ?? []).join(', ')} (${run.demos} demos, ${run.frames} frames).`);
    out.push(`- Model: ${ensemble ? `${Number(t.parameters).toLocaleString('en')} parameters in all, ${members.length} members of ` : ''}${Number(run.parameters).toLocaleString('en')} parameters${ensemble ? ' each' : ''}; config ${JSON.stringify(t.config ?? run.config)}.`);
    out.push(`- Steps: ${run.steps} of batch ${tc.batch_size} x ${tc.mask_draws} mask draws, lr ${tc.lr} (cosine to ${tc.min_lr}, warm-up ${tc.warmup_steps}), device ${run.device}.`);
    // A warm-start chain, newest first: each link's training block holds the one before it.
    let total = Number(run.steps);
    for (let link = run.init_from; link; link = link.training?.init_from) {
      const it = link.training ?? {};
      total += Number(link.step);
      out.push(`- Warm-started from a ${link.step}-step checkpoint (data ${(it.data ?? []).join(', ') || '?'}; ` +
        `${it.parameters !== undefined ? Number(it.parameters).toLocaleString('en') + ' parameters; ' : ''}lr ${it.train_config?.lr ?? '?'}, batch ${it.train_config?.batch_size ?? '?'}).`);
    }
    if (run.init_from) out.push(`- Steps in all, over the chain${members.length > 0 ? (ensemble ? ' (the first member)' : ' (each member)') : ''}: ${total}.`);
    if (run.held_out && members.length === 0) out.push(`- Held out (${tc.eval_demos} demos) at step ${run.held_out.step}: loss ${run.held_out.eval_loss.toFixed(3)}, masked-token accuracy ${pct(run.held_out.eval_masked_acc)}, full DD decode token accuracy ${pct(run.held_out.eval_decode_acc)}, mean |bin error| ${run.held_out.eval_decode_bin_err.toFixed(1)}.`);
  }
  if (logPath) {
    let hours = 0;
    let steps = 0;
    const logs = logPath.split(',');
    for (const path of logs) {
      if (!existsSync(path)) throw new Error(`${path}: not found`);
      const recs = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, number>);
      if (recs.length === 0) throw new Error(`${path}: empty log`);
      const last = recs[recs.length - 1];
      const sps = recs.map((r) => r.s_per_step).filter(Number.isFinite).sort((a, b) => a - b);
      out.push(`- Wall time: ${(last.elapsed / 3600).toFixed(2)} h for ${last.step} steps (median ${sps[sps.length >> 1].toFixed(2)} s per step), from ${path}.`);
      hours += last.elapsed / 3600;
      steps += last.step;
    }
    if (logs.length > 1) out.push(`- In all: ${hours.toFixed(2)} h for ${steps} steps.`);
  }
  out.push('');
  const prev = existsSync(`${model}/REPORT.md`) ? readFileSync(`${model}/REPORT.md`, 'utf8') : '';
  // The hand-written section, wherever it starts (a file may be only notes, written first).
  const notes = /^## Notes/m.exec(prev); // wherever it starts, the first line included
  out.push(notes ? prev.slice(notes.index) : '## Notes\n\n(none yet)\n');
  writeFileSync(`${model}/REPORT.md`, out.join('\n'));
  process.stderr.write(`wrote ${model}/REPORT.md\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`model:card: ${(e as Error).message}\n`);
  process.exit(1);
}
