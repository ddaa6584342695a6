// Motion controller: bounded, smooth, convergent commands on a perfect point-mass TCP.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MotionController, downQuat, wrapAngle, wrapQuarter } from '../../src/expert/motion';
import { quatFromRpy, quatMultiply } from '../../src/sim/math';
import type { SimState, Vec3 } from '../../src/sim/types';
import { stateOf } from '../tasks/fixtures';

function tcpState(p: Vec3, q: number[]): SimState {
  const s = stateOf([]);
  s.arm.tcp = { position: [...p] as Vec3, quaternion: q as [number, number, number, number] };
  return s;
}

describe('angle wrapping', () => {
  it('wrapAngle lands in (-pi, pi] and wrapQuarter in (-pi/4, pi/4], both modulo their period', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), (a) => {
        const w = wrapAngle(a);
        const q = wrapQuarter(a);
        expect(w).toBeGreaterThan(-Math.PI - 1e-12);
        expect(w).toBeLessThanOrEqual(Math.PI + 1e-12);
        expect(q).toBeGreaterThan(-Math.PI / 4 - 1e-12);
        expect(q).toBeLessThanOrEqual(Math.PI / 4 + 1e-12);
        const k = (a - w) / (2 * Math.PI);
        const kq = (a - q) / (Math.PI / 2);
        expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
        expect(Math.abs(kq - Math.round(kq))).toBeLessThan(1e-9);
      }),
    );
  });
});

describe('MotionController', () => {
  it('moves a perfect TCP to the target with bounded speed, acceleration and rotation', () => {
    const m = new MotionController();
    let p: Vec3 = [0, 0, 0.3];
    let q = [0.05, -0.03, 0, 1];
    const target: Vec3 = [0.2, -0.15, 0.05];
    let prev = [0, 0, 0];
    for (let k = 0; k < 200; k++) {
      const a = m.command(tcpState(p, q), { position: target, yaw: 0.5, vmax: 0.015 });
      const v = a.slice(0, 3);
      expect(Math.hypot(v[0], v[1], v[2])).toBeLessThanOrEqual(0.015 + 1e-12);
      // Smooth: the velocity changes by at most maxAccel, except when cut to land on the target.
      const dv = Math.hypot(v[0] - prev[0], v[1] - prev[1], v[2] - prev[2]);
      const remaining = Math.hypot(target[0] - p[0], target[1] - p[1], target[2] - p[2]);
      if (remaining > 0.01) expect(dv).toBeLessThanOrEqual(0.004 + 1e-9);
      for (const r of a.slice(3)) expect(Math.abs(r)).toBeLessThanOrEqual(0.1 + 1e-12);
      prev = v;
      p = [p[0] + v[0], p[1] + v[1], p[2] + v[2]];
      q = quatMultiply(quatFromRpy(a[3], a[4], a[5]), q);
    }
    expect(Math.hypot(p[0] - target[0], p[1] - target[1], p[2] - target[2])).toBeLessThan(1e-4);
    const d = quatMultiply(downQuat(0.5), [-q[0], -q[1], -q[2], q[3]]);
    expect(2 * Math.acos(Math.min(1, Math.abs(d[3])))).toBeLessThan(1e-3);
  });
  it('is a pure function of its inputs after reset', () => {
    const s = tcpState([0.1, 0, 0.2], [0, 0, 0, 1]);
    const t = { position: [0, 0.1, 0.1] as Vec3, yaw: -0.3, vmax: 0.01 };
    const a = new MotionController();
    const b = new MotionController();
    a.command(s, t);
    a.reset();
    expect(a.command(s, t)).toEqual(b.command(s, t));
  });
});
