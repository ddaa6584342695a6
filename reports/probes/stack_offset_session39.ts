// How far off the yellow cube's centre can the green cube be let go and still stack? (training/recipes.md,
// "Round 20": vla-pg18 holds it 11-12 mm off and bobs, where the loose expert lets go only within 8 mm.)
// `npx tsx reports/probes/stack_offset_session39.ts`: for 20 layouts of the stack-then-bowl task, the
// green cube is dropped onto the yellow one at a relative yaw of 0, from 12 mm and from 40 mm, at
// offsets of 6-20 mm, and the stacked predicate (isStacked) is read after 2 s (reports/probes/stackDrop.ts).
// Output in stack-offset-session39.txt.
import { dropGreenOnYellow } from './stackDrop';

for (const drop of [0.012, 0.04]) {
  for (const off of [0.006, 0.009, 0.012, 0.015, 0.02]) {
    let ok = 0;
    for (let seed = 1; seed <= 20; seed++) if (dropGreenOnYellow(seed, off, drop, 0).stacked) ok++;
    console.log(`${(off * 1000).toFixed(0)} mm off centre, dropped from ${(drop * 1000).toFixed(0)} mm: stacked ${ok}/20`);
  }
}
