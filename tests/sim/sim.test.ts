// Sim stepping: determinism, action clipping/refusal, blow-up detection, spec validation,
// teleporting, and the observation accessors.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/core/rng';
import {
  ACTION_LIMITS, HOME_Q, JOINT_LIMITS, PROPRIO_DIM, Sim, TABLE, TCP_BOUNDS, simMath, type SceneSpec,
} from '../../src/sim';
import { CLOSE, OPEN, hold, moveTo, typicalScene } from './helpers';

function randomActions(seed: number, n: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => [
    rng.range(-0.02, 0.02), rng.range(-0.02, 0.02), rng.range(-0.02, 0.015),
    rng.range(-0.05, 0.05), rng.range(-0.05, 0.05), rng.range(-0.1, 0.1), i % 40 < 20 ? OPEN : CLOSE,
  ]);
}

describe('determinism', () => {
  it('same spec + same actions -> bit-identical state trajectories', () => {
    const actions = randomActions(3, 120);
    const run = () => {
      const sim = new Sim(typicalScene());
      return actions.map((a) => { sim.step(a); return JSON.stringify(sim.state()); });
    };
    const a = run(), b = run();
    expect(a).toEqual(b);
    // ... and the trajectory is not trivially constant.
    expect(a[0]).not.toEqual(a[119]);
  });

  it('two sims stepped in alternation match the same sims stepped alone (no shared state)', () => {
    const acts = [randomActions(5, 60), randomActions(6, 60)];
    const alone = acts.map((as) => {
      const sim = new Sim(typicalScene());
      as.forEach((a) => sim.step(a));
      return JSON.stringify(sim.state());
    });
    const sims = [new Sim(typicalScene()), new Sim(typicalScene())];
    for (let i = 0; i < 60; i++) for (let k = 0; k < 2; k++) sims[k].step(acts[k][i]);
    expect(sims.map((s) => JSON.stringify(s.state()))).toEqual(alone);
    expect(alone[0]).not.toEqual(alone[1]);
  });
});

describe('actions', () => {
  it('clips out-of-bound deltas to ACTION_LIMITS and says so', () => {
    const sim = new Sim({ objects: [] });
    const p0 = sim.state().arm.tcp.position;
    const info = sim.step([0.5, 0, 0, 0, 0, 0, OPEN]);
    expect(info.clipped).toBe(true);
    expect(info.refused).toBe(false);
    const p1 = sim.state().arm.tcp.position;
    expect(p1[0] - p0[0]).toBeCloseTo(ACTION_LIMITS.maxPosDelta, 3);
    const ok = sim.step([0.01, 0, 0, 0, 0, 0, OPEN]);
    expect(ok.clipped).toBe(false);
    expect(sim.step([0, 0, 0, 0, 0, 0, 5]).clipped).toBe(true); // gripper outside [-1, 1]
    const q0 = sim.state().arm.tcp.quaternion;
    sim.step([0, 0, 0, 0, 0, 3, OPEN]);
    const dyaw = simMath.quatAngle(q0, sim.state().arm.tcp.quaternion);
    expect(dyaw).toBeCloseTo(ACTION_LIMITS.maxRotDelta, 3);
  });

  it('refuses NaN / Infinity / short actions as a hold without touching the state', () => {
    const sim = new Sim(typicalScene());
    hold(sim, CLOSE, 10); // fully closed: nothing left moving
    const before = JSON.stringify(sim.state().arm);
    for (const bad of [[NaN, 0, 0, 0, 0, 0, -1], [0, 0, Infinity, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, -Infinity], [0.01, 0.01]]) {
      const info = sim.step(bad);
      expect(info.refused).toBe(true);
      expect(info.failure).toBeNull();
      const arm = sim.state().arm;
      expect(JSON.stringify(arm)).toEqual(before); // gripper command kept (+1), no motion
    }
    const s = sim.state();
    expect(s.objects.every((o) => o.position.every(Number.isFinite))).toBe(true);
    expect(sim.step([0.01, 0, 0, 0, 0, 0, -1]).refused).toBe(false);
  });

  it('huge actions for many steps keep the TCP inside its bounds and the state finite', () => {
    const sim = new Sim(typicalScene());
    for (let i = 0; i < 60; i++) {
      const info = sim.step([1e9, -1e9, -1e9, 1e6, -1e6, 1e6, 1e9]);
      expect(info.clipped).toBe(true);
      expect(info.failure).toBeNull();
    }
    const s = sim.state();
    expect(s.arm.tcp.position[2]).toBeGreaterThan(0.01);
    expect(s.arm.q.every(Number.isFinite)).toBe(true);
    expect(s.objects.every((o) => o.position.every(Number.isFinite))).toBe(true);
  });

  it('any mix of finite, huge and non-finite numbers keeps the state finite and in bounds', () => {
    const num = fc.oneof(
      fc.double({ min: -0.05, max: 0.05, noNaN: true }),
      fc.constantFrom(NaN, Infinity, -Infinity, 1e300, -1e300, 0),
    );
    fc.assert(fc.property(fc.array(fc.array(num, { minLength: 0, maxLength: 8 }), { minLength: 1, maxLength: 25 }), (actions) => {
      const sim = new Sim(typicalScene());
      for (const a of actions) {
        const info = sim.step(a);
        expect(info.failure).toBeNull();
        expect(info.refused).toBe(a.length < 7 || a.slice(0, 7).some((v) => !Number.isFinite(v)));
      }
      const s = sim.state();
      expect(s.arm.q.every((v, i) => Number.isFinite(v) && v >= JOINT_LIMITS[i][0] && v <= JOINT_LIMITS[i][1])).toBe(true);
      s.arm.tcp.position.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(TCP_BOUNDS.min[i] - 0.01);
        expect(v).toBeLessThanOrEqual(TCP_BOUNDS.max[i] + 0.01);
      });
      expect(s.objects.every((o) => [...o.position, ...o.quaternion].every(Number.isFinite))).toBe(true);
    }), { seed: 4, numRuns: 25 });
  });

  it('no joint moves faster than the Panda speed limits in one step', () => {
    const sim = new Sim({ objects: [] });
    let q0 = sim.state().arm.q;
    for (let i = 0; i < 20; i++) {
      sim.step([0.02, -0.02, -0.02, 0.15, 0.15, 0.15, OPEN]);
      const q1 = sim.state().arm.q;
      for (let j = 0; j < 7; j++) expect(Math.abs(q1[j] - q0[j])).toBeLessThanOrEqual(2.61 * 0.05 + 1e-12);
      q0 = q1;
    }
  });
});

describe('failure', () => {
  it('a NaN injected into a body ends the episode with physics-blowup, and stepping stops', () => {
    const sim = new Sim(typicalScene());
    hold(sim, OPEN, 2);
    sim.injectFaultForTest('red_cube');
    const info = sim.step([0.01, 0, 0, 0, 0, 0, OPEN]);
    expect(info.failure).toBe('physics-blowup');
    const step = sim.state().step;
    const again = sim.step([0.01, 0, 0, 0, 0, 0, OPEN]);
    expect(again.failure).toBe('physics-blowup');
    expect(sim.state().failure).toBe('physics-blowup');
    expect(sim.state().step).toBe(step); // no further stepping
  });

  it('an absurd velocity (an object flung away) is detected too', () => {
    const sim = new Sim(typicalScene());
    sim.setObjectPose('red_cube', [0, 0, 0.5]);
    (sim as unknown as { byId: Map<string, { body: { velocity: { set(x: number, y: number, z: number): void } } }> })
      .byId.get('red_cube')!.body.velocity.set(500, 0, 0);
    expect(sim.step([0, 0, 0, 0, 0, 0, OPEN]).failure).toBe('physics-blowup');
  });
});

describe('scene spec validation', () => {
  const cube = { id: 'a', kind: 'cube', color: 'red', x: 0, y: 0, yaw: 0 } as const;
  const bad: [string, SceneSpec, RegExp][] = [
    ['unknown kind', { objects: [{ ...cube, kind: 'teapot' as never }] }, /objects\[0\].*kind "teapot"/],
    ['duplicate id', { objects: [cube, { ...cube, x: 0.15 }] }, /objects\[1\]\.id "a" is a duplicate/],
    ['non-finite x', { objects: [{ ...cube, x: NaN }] }, /objects\[0\] \("a"\)\.x must be a finite number/],
    ['infinite yaw', { objects: [{ ...cube, yaw: Infinity }] }, /\.yaw must be a finite number/],
    ['unknown colour', { objects: [{ ...cube, color: 'teal' as never }] }, /\.color "teal"/],
    ['ungraspably big cube', { objects: [{ ...cube, size: 0.2 }] }, /\.size must be a number in/],
    ['off the table', { objects: [{ ...cube, x: TABLE.halfX }] }, /off the table/],
    ['overlap', { objects: [cube, { ...cube, id: 'b', x: 0.02 }] }, /objects\[1\] \("b"\) overlaps objects\[0\] \("a"\)/],
    ['armQ length', { objects: [], armQ: [0, 0] }, /armQ must have 7/],
    ['armQ limit', { objects: [], armQ: HOME_Q.map((v, i) => (i === 3 ? 0.5 : v)) }, /armQ\[3\]/],
  ];
  for (const [name, spec, msg] of bad) {
    it(`rejects ${name}`, () => expect(() => new Sim(spec)).toThrow(msg));
  }

  it('accepts a typical scene and spawns objects resting on the table', () => {
    const sim = new Sim(typicalScene());
    for (const o of sim.state().objects) expect(o.position[2]).toBeCloseTo(o.height / 2, 9);
    hold(sim, OPEN, 20);
    for (const o of sim.state().objects) expect(Math.abs(o.position[2] - o.height / 2)).toBeLessThan(2e-3);
  });

  it('rejects a physicsDt that does not divide the control period', () => {
    expect(() => new Sim({ objects: [] }, { physicsDt: 0.013 })).toThrow(/physicsDt/);
  });
});

describe('table edge', () => {
  it('an object whose centre is past the edge falls to the floor; one just inside stays', () => {
    const sim = new Sim({ objects: [
      { id: 'in', kind: 'cube', color: 'red', x: TABLE.halfX - 0.03, y: 0, yaw: 0 },
      { id: 'out', kind: 'cube', color: 'blue', x: 0, y: 0.1, yaw: 0 },
    ] });
    sim.setObjectPose('in', [TABLE.halfX - 0.005, 0, 0.02]); // 3/4 of it hangs over the edge
    sim.setObjectPose('out', [0, TABLE.halfY + 0.01, 0.05]);
    hold(sim, OPEN, 30);
    expect(sim.object('in').position[2]).toBeCloseTo(0.02, 3);
    expect(sim.object('out').position[2]).toBeCloseTo(-TABLE.height + 0.02, 2);
    expect(sim.state().failure).toBeNull();
  });
});

describe('accessors', () => {
  it('object() names an unknown id; state() is a safe copy; proprio follows the layout', () => {
    const sim = new Sim(typicalScene());
    expect(() => sim.object('nope')).toThrow(/"nope"/);
    const s = sim.state();
    s.objects[0].position[0] = 99;
    s.arm.q[0] = 99;
    expect(sim.state().objects[0].position[0]).not.toBe(99);
    expect(sim.state().arm.q[0]).not.toBe(99);
    moveTo(sim, [0.05, 0.05, 0.2], OPEN);
    const p = sim.proprio();
    expect(p).toHaveLength(PROPRIO_DIM);
    const t = sim.state().arm;
    [...t.tcp.position, ...t.tcp.quaternion, t.opening].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 6));
    expect(t.tcp.quaternion[3]).toBeGreaterThanOrEqual(0);
  });

  it('the wrist camera rides on the hand and looks down past the fingertips', () => {
    const sim = new Sim({ objects: [] });
    const cam = sim.wristCameraPose();
    const tcp = sim.state().arm.tcp;
    const look = simMath.rotateVec(cam.quaternion, [0, 0, -1]);
    expect(look[2]).toBeLessThan(-0.8); // gripper points down at home; the camera tilts 0.6 rad off it
    expect(cam.position[2]).toBeGreaterThan(tcp.position[2]);
    expect(simMath.vecDistance(cam.position, tcp.position)).toBeLessThan(0.15);
    // The view ray passes near the grasp point.
    const toTcp = [0, 1, 2].map((k) => tcp.position[k] - cam.position[k]);
    const along = toTcp[0] * look[0] + toTcp[1] * look[1] + toTcp[2] * look[2];
    const miss = Math.sqrt(Math.max(0, toTcp.reduce((s, v) => s + v * v, 0) - along * along));
    expect(miss).toBeLessThan(0.03);
  });

  it('proprio reuses a given buffer; armFrames fingers and the wrist camera follow the hand', () => {
    const sim = new Sim({ objects: [] });
    const buf = new Float32Array(PROPRIO_DIM);
    expect(sim.proprio(buf)).toBe(buf);
    const f0 = sim.armFrames();
    const cam0 = sim.wristCameraPose();
    hold(sim, CLOSE, 5);
    for (let i = 0; i < 5; i++) sim.step([0, 0, 0, 0, 0, 0.1, CLOSE]); // yaw 0.5 rad
    const f1 = sim.armFrames();
    const sep = (f: typeof f0) => simMath.vecDistance(f[9].position, f[10].position);
    expect(sep(f0) - sep(f1)).toBeCloseTo(0.08, 9); // fingers closed by the full opening
    const cam1 = sim.wristCameraPose();
    const turn = simMath.quatMultiply(cam1.quaternion, simMath.quatConjugate(cam0.quaternion));
    expect(simMath.rpyFromQuat(turn)[2]).toBeCloseTo(0.5, 3); // camera turned with the hand
    expect(simMath.quatAngle(cam1.quaternion, cam0.quaternion)).toBeCloseTo(0.5, 3);
  });

  it('setObjectPose teleports, keeps the object above the table and wakes the scene', () => {
    const sim = new Sim(typicalScene());
    hold(sim, OPEN, 30); // let everything fall asleep
    sim.setObjectPose('red_cube', [0.0, 0.25, -0.3]);
    expect(sim.object('red_cube').position[2]).toBeCloseTo(0.02, 9);
    sim.setObjectPose('green_cube', [0.0, 0.25, 0.2], [0, 0, 0, 2]);
    hold(sim, OPEN, 30);
    const g = sim.object('green_cube'), r = sim.object('red_cube');
    expect(g.position[2]).toBeCloseTo(0.06, 2); // fell and now rests on the red cube
    expect(Math.hypot(g.position[0] - r.position[0], g.position[1] - r.position[1])).toBeLessThan(0.02);
    expect(() => sim.setObjectPose('red_cube', [NaN, 0, 0])).toThrow(/position/);
    expect(() => sim.setObjectPose('nope', [0, 0, 0])).toThrow(/"nope"/);
  });
});
