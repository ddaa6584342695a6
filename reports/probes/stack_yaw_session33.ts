// Does a stack need the carried cube's yaw lined up with the base's? (training/recipes.md, "Round 12")
// `npx tsx reports/probes/stack_yaw_session33.ts`: for 20 layouts of the stack-then-bowl task, the
// green cube is dropped from 12 mm onto the yellow one, 6 mm off centre, at a relative yaw of
// 0-45 degrees, and the stacked predicate (isStacked) is read after 2 s. Output in stack-yaw-session33.txt.
import { Sim } from '../../src/sim';
import { getTask } from '../../src/tasks';
import { isStacked, yawOf } from '../../src/tasks/predicates';

const task = getTask('long/stack_green_cube_on_yellow_cube_then_red_cube_in_bowl');
const idle = [0, 0, 0, 0, 0, 0, -1];
for (const deg of [0, 15, 30, 45]) {
  let ok = 0;
  let settled = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const sim = new Sim(task.sample(seed).scene);
    for (let i = 0; i < 10; i++) sim.step(idle);
    const base = sim.object('yellow_cube');
    const top = sim.object('green_cube');
    const yaw = yawOf(base.quaternion) + (deg * Math.PI) / 180;
    const dir = seed * 2.399; // spread the 6 mm offsets around the centre
    sim.setObjectPose('green_cube', [base.position[0] + 0.006 * Math.cos(dir), base.position[1] + 0.006 * Math.sin(dir), base.position[2] + base.height / 2 + top.height / 2 + 0.012], [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)]);
    for (let i = 0; i < 40; i++) sim.step(idle);
    const g = sim.object('green_cube');
    const y = sim.object('yellow_cube');
    settled += Math.abs(yawOf(g.quaternion) - yawOf(y.quaternion)) * (180 / Math.PI);
    if (isStacked(g, y)) ok++;
  }
  console.log(`relative yaw ${deg} deg (mean after settling ${(settled / 20).toFixed(1)}), 6 mm off centre, dropped from 12 mm: stacked ${ok}/20`);
}
