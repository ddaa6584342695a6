// FK / Jacobian / IK of the Panda-like arm, and the drawing geometry that goes with armFrames().
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import {
  ARM_GEOMETRY, HOME_Q, JOINT_LIMITS, Sim, WORKSPACE, simMath, solveIk, tcpFromQ, type Pose,
} from '../../src/sim';
import { FRAME_TCP, fkInto, jacobianInto, makeFkBuffer } from '../../src/sim/kinematics';

const DOWN = (yaw: number) => simMath.quatFromRpy(0, 0, yaw);

function withinLimits(q: number[]): boolean {
  return q.every((v, i) => v >= JOINT_LIMITS[i][0] && v <= JOINT_LIMITS[i][1]);
}

describe('forward kinematics', () => {
  it('home pose: gripper pointing down, 0.28 m above the workspace centre', () => {
    const tcp = tcpFromQ(HOME_Q);
    expect(simMath.vecDistance(tcp.position, [0.025, 0, 0.28])).toBeLessThan(1e-3);
    expect(simMath.quatAngle(tcp.quaternion, [0, 0, 0, 1])).toBeLessThan((0.1 * Math.PI) / 180);
    expect(withinLimits(HOME_Q)).toBe(true);
  });

  it('the Panda "ready" pose puts the flange+hand TCP 0.307 m in front of the base at z 0.487', () => {
    const ready = [0, -Math.PI / 4, 0, (-3 * Math.PI) / 4, 0, Math.PI / 2, Math.PI / 4];
    const p = tcpFromQ(ready).position;
    expect(p[0] - -0.48).toBeCloseTo(0.307, 3);
    expect(p[2]).toBeCloseTo(0.487, 3);
  });

  it('the geometric Jacobian matches finite differences of FK', () => {
    const rng = new Rng(7);
    const fk = makeFkBuffer(), J = new Float64Array(42), fk2 = makeFkBuffer();
    for (let trial = 0; trial < 20; trial++) {
      const q = HOME_Q.map((v, i) => Math.min(JOINT_LIMITS[i][1], Math.max(JOINT_LIMITS[i][0], v + rng.range(-0.5, 0.5))));
      jacobianInto(fkInto(q, fk), J);
      const h = 1e-6, t = FRAME_TCP * 16;
      for (let j = 0; j < 7; j++) {
        const qh = [...q];
        qh[j] += h;
        fkInto(qh, fk2);
        const dp = [3, 7, 11].map((k) => (fk2[t + k] - fk[t + k]) / h);
        for (let r = 0; r < 3; r++) expect(Math.abs(J[r * 7 + j] - dp[r])).toBeLessThan(1e-5);
      }
    }
  });

  it('ARM_GEOMETRY link segments connect consecutive armFrames origins', () => {
    const sim = new Sim({ objects: [], armQ: [0.3, 0.2, -0.4, -2.0, 0.5, 2.0, 0.1] });
    const frames = sim.armFrames();
    expect(frames).toHaveLength(11);
    const world = (f: Pose, v: number[]) => {
      const r = simMath.rotateVec(f.quaternion, v);
      return [0, 1, 2].map((k) => f.position[k] + r[k]);
    };
    // Each segment ends at the origin of a later frame (or the flange, for the last one).
    for (const s of ARM_GEOMETRY.segments) {
      const end = world(frames[s.frame], s.to);
      const hits = frames.slice(s.frame + 1, 9).some((f) => simMath.vecDistance(f.position, end) < 1e-9);
      const flange = world(frames[8], [0, 0, 0]); // hand frame shares the flange origin
      expect(hits || simMath.vecDistance(end, flange) < 1e-9).toBe(true);
    }
    // Fingers sit symmetric about the TCP, opening + finger thickness apart.
    const tcp = sim.state().arm.tcp.position;
    const mid = [0, 1, 2].map((k) => (frames[9].position[k] + frames[10].position[k]) / 2);
    const sep = simMath.vecDistance(frames[9].position, frames[10].position);
    expect(sep).toBeCloseTo(sim.state().arm.opening + 2 * ARM_GEOMETRY.finger.halfExtents[1], 9);
    expect(simMath.vecDistance(mid, tcp)).toBeLessThan(0.02);
  });
});

describe('inverse kinematics', () => {
  it('reaches random gripper-down targets over the whole workspace (< 2 mm, < 1 deg) within joint limits', () => {
    const rng = new Rng(11);
    let worstP = 0, worstR = 0;
    for (let i = 0; i < 150; i++) {
      const target: Pose = {
        position: [rng.range(WORKSPACE.xMin, WORKSPACE.xMax), rng.range(WORKSPACE.yMin, WORKSPACE.yMax), rng.range(0.016, 0.3)],
        quaternion: DOWN(rng.range(-Math.PI / 2, Math.PI / 2)),
      };
      const r = solveIk(target, HOME_Q, { restQ: HOME_Q });
      worstP = Math.max(worstP, r.positionError);
      worstR = Math.max(worstR, r.orientationError);
      expect(withinLimits(r.q)).toBe(true);
      // The reported errors are the true ones.
      const tcp = tcpFromQ(r.q);
      expect(Math.abs(simMath.vecDistance(tcp.position, target.position) - r.positionError)).toBeLessThan(1e-9);
    }
    expect(worstP).toBeLessThan(0.002);
    expect(worstR).toBeLessThan(Math.PI / 180);
  });

  it('reaches the table surface at the workspace corners with the gripper down', () => {
    for (const x of [WORKSPACE.xMin, WORKSPACE.xMax]) {
      for (const y of [WORKSPACE.yMin, WORKSPACE.yMax]) {
        const r = solveIk({ position: [x, y, 0.016], quaternion: DOWN(0) }, HOME_Q, { restQ: HOME_Q });
        expect(r.positionError).toBeLessThan(0.002);
        expect(r.orientationError).toBeLessThan(Math.PI / 180);
      }
    }
  });

  it('clamps to joint limits and reports the residual for an unreachable target', () => {
    const r = solveIk({ position: [1.5, 0, 0.3], quaternion: DOWN(0) }, HOME_Q);
    expect(withinLimits(r.q)).toBe(true);
    expect(r.positionError).toBeGreaterThan(0.5);
    expect(r.q.every(Number.isFinite)).toBe(true);
  });
});
