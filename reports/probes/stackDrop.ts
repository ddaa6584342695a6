// Shared by the stack probes (stack_yaw_session33.ts, stack_drop_session34.ts): in one layout of the
// stack-then-bowl task, let the scene settle, place the green cube over the yellow one `off` metres
// from its centre (direction spread by seed), its bottom `drop` metres above the yellow cube's top,
// at `deg` degrees of yaw relative to it, let go, and read the stacked predicate after 2 s.
import { Sim } from '../../src/sim';
import { getTask } from '../../src/tasks';
import { isStacked, yawOf } from '../../src/tasks/predicates';

const task = getTask('long/stack_green_cube_on_yellow_cube_then_red_cube_in_bowl');
const idle = [0, 0, 0, 0, 0, 0, -1];

export function dropGreenOnYellow(seed: number, off: number, drop: number, deg: number): { stacked: boolean; yawGapDeg: number } {
  const sim = new Sim(task.sample(seed).scene);
  for (let i = 0; i < 10; i++) sim.step(idle);
  const base = sim.object('yellow_cube');
  const top = sim.object('green_cube');
  const yaw = yawOf(base.quaternion) + (deg * Math.PI) / 180;
  const dir = seed * 2.399;
  sim.setObjectPose('green_cube', [base.position[0] + off * Math.cos(dir), base.position[1] + off * Math.sin(dir), base.position[2] + base.height / 2 + top.height / 2 + drop], [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)]);
  for (let i = 0; i < 40; i++) sim.step(idle);
  const g = sim.object('green_cube');
  const y = sim.object('yellow_cube');
  return { stacked: isStacked(g, y), yawGapDeg: Math.abs(yawOf(g.quaternion) - yawOf(y.quaternion)) * (180 / Math.PI) };
}
