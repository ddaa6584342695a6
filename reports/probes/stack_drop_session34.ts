// How far off, and from how high, can a released cube land on another and stay stacked, lined up
// or not? (training/recipes.md, "Round 13"). `npx tsx reports/probes/stack_drop_session34.ts`: for 20
// layouts of the stack-then-bowl task, the green cube is dropped onto the yellow one at each
// offset from centre, height and relative yaw, and the stacked predicate (isStacked) is read after
// 2 s. Output in stack-drop-session34.txt. The expert releases 12 mm above the base.
import { Sim } from '../../src/sim';
import { getTask } from '../../src/tasks';
import { isStacked, yawOf } from '../../src/tasks/predicates';

const task = getTask('long/stack_green_cube_on_yellow_cube_then_red_cube_in_bowl');
const idle = [0, 0, 0, 0, 0, 0, -1];
const rows: string[] = ['| off centre | dropped from | yaw 0 | yaw 15 | yaw 30 | yaw 45 |', '| ---: | ---: | ---: | ---: | ---: | ---: |'];
for (const off of [0.006, 0.01, 0.014]) {
  for (const drop of [0.012, 0.02, 0.03]) {
    const cells: string[] = [];
    for (const deg of [0, 15, 30, 45]) {
      let ok = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const sim = new Sim(task.sample(seed).scene);
        for (let i = 0; i < 10; i++) sim.step(idle);
        const base = sim.object('yellow_cube');
        const top = sim.object('green_cube');
        const yaw = yawOf(base.quaternion) + (deg * Math.PI) / 180;
        const dir = seed * 2.399; // spread the offsets around the centre
        sim.setObjectPose('green_cube', [base.position[0] + off * Math.cos(dir), base.position[1] + off * Math.sin(dir), base.position[2] + base.height / 2 + top.height / 2 + drop], [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)]);
        for (let i = 0; i < 40; i++) sim.step(idle);
        if (isStacked(sim.object('green_cube'), sim.object('yellow_cube'))) ok++;
      }
      cells.push(`${ok}/20`);
    }
    rows.push(`| ${off * 1000} mm | ${drop * 1000} mm | ${cells.join(' | ')} |`);
  }
}
console.log(rows.join('\n'));
