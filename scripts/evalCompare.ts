// `npm run eval:compare -- A.json B.json [--names a,b] [--md out.md]`: two evaluation reports
// (npm run eval --out) compared on the episodes they share (same task and seed), per suite, with
// the discordant pairs and an exact McNemar p (src/eval/compare.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { comparePaired, comparisonMarkdown } from '../src/eval';
import type { EvalReport } from '../src/eval';

const USAGE = 'usage: npm run eval:compare -- A.json B.json [--names a,b] [--md out.md]';

function main(argv: string[]): void {
  const files: string[] = [];
  let names: string[] | null = null;
  let md: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--names' || argv[i] === '--md') {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value\n${USAGE}`);
      if (argv[i - 1] === '--names') names = v.split(',');
      else md = v;
    } else if (argv[i].startsWith('--')) throw new Error(`unknown option "${argv[i]}"\n${USAGE}`);
    else files.push(argv[i]);
  }
  if (files.length !== 2) throw new Error(`give exactly two report files\n${USAGE}`);
  if (names && names.length !== 2) throw new Error(`--names needs two names separated by a comma, got "${names.join(',')}"`);
  const [a, b] = files.map((f) => {
    let r: EvalReport;
    try {
      r = JSON.parse(readFileSync(f, 'utf8')) as EvalReport;
    } catch (e) {
      throw new Error(`${f}: not a readable JSON report (${(e as Error).message})`);
    }
    if (!Array.isArray(r.episodes)) throw new Error(`${f}: no "episodes" list; is it an npm run eval --out report?`);
    return r;
  });
  const c = comparePaired(a, b);
  if (c.rows[c.rows.length - 1].episodes === 0) throw new Error('the two reports share no episode (task and seed)');
  const [na, nb] = names ?? files.map((f) => basename(f, '.json'));
  const text = comparisonMarkdown(c, na, nb);
  process.stdout.write(`${text}\n`);
  if (md) writeFileSync(md, `${text}\n`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`eval:compare: ${(e as Error).message}\n`);
  process.exit(1);
}
