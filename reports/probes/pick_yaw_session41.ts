// Does the expert still solve every task when it picks at the TCP's own yaw ('keep' PickYaw)
// instead of turning square to a cube's faces ('align')? (training/recipes.md, "Round 22")
// `npx tsx reports/probes/pick_yaw_session41.ts`: the expert alone, in the Node sim, on seeds 1-20
// of every task, with placeGate 'loose' and stackYaw 'free' (round 18's demonstrations) and each
// PickYaw. Prints per task the successes, the mean steps of the solved episodes and the mean
// |yaw| the TCP turned before its first grasp (rad). Output in pick-yaw-session41.txt.
import { ExpertPolicy, type PickYaw } from '../../src/expert';
import { Sim } from '../../src/sim';
import { TASKS } from '../../src/tasks';
import { yawOf } from '../../src/tasks/predicates';

const SEEDS = 20;
const MODES: PickYaw[] = ['align', 'keep'];
const mean = (xs: number[], digits = 1): string => (xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(digits) : '-');
const rows: string[] = [];
const totals = MODES.map(() => 0);
for (const task of TASKS) {
  const cells: string[] = [];
  MODES.forEach((pickYaw, m) => {
    let ok = 0;
    const steps: number[] = [];
    const turned: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const inst = task.sample(seed);
      const sim = new Sim(inst.scene);
      const ex = new ExpertPolicy(inst, { stackYaw: 'free', placeGate: 'loose', pickYaw });
      const yaw0 = yawOf(sim.state().arm.tcp.quaternion);
      let firstGrasp = false;
      for (let k = 0; k < inst.maxSteps; k++) {
        const s = sim.state();
        if (!firstGrasp && s.arm.grasped !== null) {
          firstGrasp = true;
          turned.push(Math.abs(yawOf(s.arm.tcp.quaternion) - yaw0));
        }
        sim.step(ex.act(s));
        if (inst.success(sim.state())) {
          ok++;
          steps.push(k + 1);
          break;
        }
      }
    }
    totals[m] += ok;
    cells.push(`${String(ok).padStart(2)}/${SEEDS} ${mean(steps).padStart(6)} ${mean(turned, 2).padStart(5)}`);
  });
  rows.push(`${task.id.padEnd(60)} ${cells.join('   ')}`);
}
console.log(`${'task'.padEnd(60)} ${MODES.map((m) => `${m}: solved steps turned`.padEnd(22)).join('  ')}`);
for (const r of rows) console.log(r);
console.log(`${'all'.padEnd(60)} ${MODES.map((m, i) => `${totals[i]}/${SEEDS * TASKS.length}`.padEnd(22)).join('  ')}`);
