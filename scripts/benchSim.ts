// Benchmark of the headless simulator: control steps per second in Node for a typical scene
// (4 cubes, cylinder, ball, bowl) under a scripted pick-and-place workload (the arm moves,
// closes, carries, releases; objects get pushed and fall), after a warm-up.
// Usage: npm run bench:sim [-- --steps 3000 --dt 240 --iters 10]
// Invariants: seeded, deterministic workload; reports the median of several timed repeats.

import { Sim, simMath, type SceneSpec } from '../src/sim';
import { typicalScene } from '../tests/sim/helpers';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const STEPS = arg('steps', 3000);
const DT = 1 / arg('dt', 240);
const ITERS = arg('iters', 10);
const REPEATS = arg('repeats', 5);

// The same 7-object scene the sim tests use (four cubes, cylinder, ball, bowl).
const SCENE: SceneSpec = typicalScene();

// Waypoints of a pick-and-place cycle over successive cubes: [x, y, z, gripper].
const CUBES = ['red_cube', 'green_cube', 'blue_cube', 'yellow_cube'];

/** Proportional TCP controller: one action towards the current waypoint. */
function makeWorkload(sim: Sim): () => number[] {
  let cube = 0, phase = 0, dwell = 0;
  let target = [0, 0, 0.15, -1];
  const plan = () => {
    const o = sim.object(CUBES[cube % CUBES.length]);
    const [x, y] = o.position;
    const wps = [[x, y, 0.15, -1], [x, y, 0.02, -1], [x, y, 0.02, 1], [x, y, 0.18, 1],
      [0.12, -0.14, 0.18, 1], [0.12, -0.14, 0.18, -1]];
    target = wps[phase];
  };
  plan();
  return () => {
    const tcp = sim.state().arm.tcp.position;
    const d = [0, 1, 2].map((k) => Math.max(-0.02, Math.min(0.02, target[k] - tcp[k])));
    const done = Math.hypot(target[0] - tcp[0], target[1] - tcp[1], target[2] - tcp[2]) < 0.003;
    if (done && ++dwell > 6) {
      dwell = 0;
      phase++;
      if (phase === 6) {
        phase = 0;
        // Put the placed cube back so every cycle has work to do.
        const id = CUBES[cube % CUBES.length];
        const s = SCENE.objects.find((o) => o.id === id)!;
        sim.setObjectPose(id, [s.x, s.y, 0.02], simMath.quatFromRpy(0, 0, s.yaw));
        cube++;
      }
      plan();
    }
    return [d[0], d[1], d[2], 0, 0, 0, target[3]];
  };
}

function run(): { stepsPerSec: number; cpuStepsPerSec: number; grasps: number; maxIkErr: number } {
  const sim = new Sim(SCENE, { physicsDt: DT, solverIterations: ITERS });
  const next = makeWorkload(sim);
  for (let i = 0; i < 200; i++) sim.step(next()); // warm-up (JIT)
  let grasps = 0, was = false, maxIkErr = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < STEPS; i++) {
    const info = sim.step(next());
    if (info.failure) throw new Error(`sim failed at step ${i}: ${info.failure}`);
    maxIkErr = Math.max(maxIkErr, info.ikPositionError);
    const g = sim.state().arm.grasped !== null;
    if (g && !was) grasps++;
    was = g;
  }
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { stepsPerSec: STEPS / s, cpuStepsPerSec: STEPS / ((c.user + c.system) / 1e6), grasps, maxIkErr };
}

const results = Array.from({ length: REPEATS }, run);
const rates = results.map((r) => r.stepsPerSec).sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
// CPU-time rate: on a shared machine wall time includes waiting for a core; CPU time does not.
const cpu = results.map((r) => r.cpuStepsPerSec).sort((a, b) => a - b);
console.log(`benchSim: ${SCENE.objects.length} objects, physicsDt 1/${Math.round(1 / DT)} s ` +
  `(${Math.round(0.05 / DT)} substeps), ${ITERS} solver iterations, ${STEPS} steps x ${REPEATS}`);
console.log(`  control steps/s: median ${median.toFixed(0)} (min ${rates[0].toFixed(0)}, max ${rates[rates.length - 1].toFixed(0)})`);
console.log(`  per CPU-second of this process: median ${cpu[Math.floor(cpu.length / 2)].toFixed(0)}`);
console.log(`  grasps during the timed run: ${results[0].grasps}; max IK position error ` +
  `${(results[0].maxIkErr * 1000).toFixed(3)} mm; node ${process.version}`);
