// How far off, and from how high, can a released cube land on another and stay stacked, lined up
// or not? (training/recipes.md, "Round 13"). `npx tsx reports/probes/stack_drop_session34.ts`: for 20
// layouts of the stack-then-bowl task, the green cube is dropped onto the yellow one at each
// offset from centre, height and relative yaw, and the stacked predicate (isStacked) is read after
// 2 s. Output in stack-drop-session34.txt. The expert releases 12 mm above the base.
import { dropGreenOnYellow } from './stackDrop';

const rows: string[] = ['| off centre | dropped from | yaw 0 | yaw 15 | yaw 30 | yaw 45 |', '| ---: | ---: | ---: | ---: | ---: | ---: |'];
for (const off of [0.006, 0.01, 0.014]) {
  for (const drop of [0.012, 0.02, 0.03]) {
    const cells: string[] = [];
    for (const deg of [0, 15, 30, 45]) {
      let ok = 0;
      for (let seed = 1; seed <= 20; seed++) if (dropGreenOnYellow(seed, off, drop, deg).stacked) ok++;
      cells.push(`${ok}/20`);
    }
    rows.push(`| ${off * 1000} mm | ${drop * 1000} mm | ${cells.join(' | ')} |`);
  }
}
console.log(rows.join('\n'));
