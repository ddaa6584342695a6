// Does a stack need the carried cube's yaw lined up with the base's? (training/recipes.md, "Round 12")
// `npx tsx reports/probes/stack_yaw_session33.ts`: for 20 layouts of the stack-then-bowl task, the
// green cube is dropped from 12 mm onto the yellow one, 6 mm off centre, at a relative yaw of
// 0-45 degrees, and the stacked predicate (isStacked) is read after 2 s. Output in stack-yaw-session33.txt.
import { dropGreenOnYellow } from './stackDrop';

for (const deg of [0, 15, 30, 45]) {
  let ok = 0;
  let settled = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const r = dropGreenOnYellow(seed, 0.006, 0.012, deg);
    settled += r.yawGapDeg;
    if (r.stacked) ok++;
  }
  console.log(`relative yaw ${deg} deg (mean after settling ${(settled / 20).toFixed(1)}), 6 mm off centre, dropped from 12 mm: stacked ${ok}/20`);
}
