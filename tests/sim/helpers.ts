// Scripted motions for the sim tests: a proportional TCP controller that issues clipped
// delta actions, the same way the expert and the policy drive the sim.
// Invariants: helpers only use Sim's public API; they throw on sim failure so a test cannot
// silently pass over a blown-up episode.

import { ACTION_LIMITS, Sim, simMath, type SceneSpec, type Vec3 } from '../../src/sim';

export const OPEN = -1;
export const CLOSE = 1;

/** Drives the TCP towards `target` (and yaw, if given) until within `tol`; returns steps used. */
export function moveTo(sim: Sim, target: Vec3, grip: number, opts: { yaw?: number; tol?: number; maxSteps?: number } = {}): number {
  const tol = opts.tol ?? 0.002;
  for (let i = 0; i < (opts.maxSteps ?? 200); i++) {
    const tcp = sim.state().arm.tcp;
    const d = [0, 1, 2].map((k) => target[k] - tcp.position[k]);
    let dyaw = 0;
    if (opts.yaw !== undefined) {
      const yaw = simMath.rpyFromQuat(tcp.quaternion)[2];
      dyaw = Math.atan2(Math.sin(opts.yaw - yaw), Math.cos(opts.yaw - yaw));
    }
    if (Math.hypot(d[0], d[1], d[2]) < tol && Math.abs(dyaw) < 0.01) return i;
    const m = ACTION_LIMITS.maxPosDelta;
    const info = sim.step([clip(d[0], m), clip(d[1], m), clip(d[2], m), 0, 0, clip(dyaw, ACTION_LIMITS.maxRotDelta), grip]);
    if (info.failure) throw new Error(`sim failed: ${info.failure}`);
  }
  throw new Error(`moveTo ${target.join(', ')} did not converge`);
}

export function hold(sim: Sim, grip: number, steps: number): void {
  for (let i = 0; i < steps; i++) {
    const info = sim.step([0, 0, 0, 0, 0, 0, grip]);
    if (info.failure) throw new Error(`sim failed: ${info.failure}`);
  }
}

function clip(v: number, m: number): number {
  return Math.max(-m, Math.min(m, v));
}

/** Scripted pick of object `id` (top-down, yaw-aligned) and place above (x, y). */
export function pickAndPlace(sim: Sim, id: string, place: [number, number], releaseZ = 0.15): void {
  const o = sim.object(id);
  const yaw = simMath.rpyFromQuat(o.quaternion)[2];
  // A cube is symmetric every pi/2: turn by the smallest equivalent angle.
  const q = Math.PI / 2;
  const yawGrip = o.kind === 'cube' ? yaw - q * Math.round(yaw / q) : 0;
  const grabZ = Math.max(o.position[2], 0.016);
  moveTo(sim, [o.position[0], o.position[1], 0.15], OPEN, { yaw: yawGrip });
  moveTo(sim, [o.position[0], o.position[1], grabZ], OPEN, { yaw: yawGrip });
  hold(sim, CLOSE, 6);
  moveTo(sim, [o.position[0], o.position[1], 0.18], CLOSE);
  moveTo(sim, [place[0], place[1], 0.18], CLOSE);
  moveTo(sim, [place[0], place[1], releaseZ], CLOSE);
  hold(sim, OPEN, 30);
}

/** A typical scene: four coloured cubes, a cylinder, a ball, a bowl and a tray. */
export function typicalScene(): SceneSpec {
  return {
    objects: [
      { id: 'red_cube', kind: 'cube', color: 'red', x: -0.1, y: 0.15, yaw: 0.2 },
      { id: 'green_cube', kind: 'cube', color: 'green', x: 0.05, y: 0.18, yaw: -0.4 },
      { id: 'blue_cube', kind: 'cube', color: 'blue', x: 0.18, y: 0.12, yaw: 0.7 },
      { id: 'yellow_cube', kind: 'cube', color: 'yellow', x: -0.12, y: -0.02, yaw: 0 },
      { id: 'orange_cylinder', kind: 'cylinder', color: 'orange', x: 0.02, y: 0.02, yaw: 0 },
      { id: 'pink_ball', kind: 'ball', color: 'pink', x: -0.15, y: -0.2, yaw: 0 },
      { id: 'white_bowl', kind: 'bowl', color: 'white', x: 0.12, y: -0.14, yaw: 0 },
    ],
  };
}
