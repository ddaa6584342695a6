// Writes models/instructions.json: every instruction and paraphrase of every task (seeds 0-19),
// sorted and deduplicated, so the random test models' tokenizers accept whatever the page's
// suggestions offer. Run: `npx tsx models/dumpInstructions.ts` then training/export_onnx.py
// --random --instructions models/instructions.json (see models/README.md, "test models").
// Invariant: the output is a pure function of src/tasks (same tasks -> same file).
import { writeFileSync } from 'node:fs';
import { TASKS } from '../src/tasks';

/** Seeds sampled per task: phrasings may depend on the sampled objects. */
const SEEDS = 20;

const all = new Set<string>();
for (const task of TASKS) {
  for (let seed = 0; seed < SEEDS; seed++) {
    const inst = task.sample(seed);
    all.add(inst.instruction);
    for (const p of inst.paraphrases) all.add(p);
  }
}
const list = [...all].sort();
const out = new URL('./instructions.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(list, null, 1)}\n`);
const longest = Math.max(...list.map((t) => t.split(/\s+/).length));
console.log(`${list.length} instructions, longest ${longest} words -> ${out.pathname}`);
