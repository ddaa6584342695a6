// Rotation math: round trips and agreement between representations.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  quatAngle, quatCanonical, quatFromAxisAngle, quatFromRotVec, quatFromRpy, quatMultiply, quatSlerp, rotateVec,
  rotVecFromQuat, rpyFromQuat, mat3FromQuat, quatFromMat,
} from '../../src/sim/math';

const angle = fc.double({ min: -3, max: 3, noNaN: true });
const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps = 1e-9) => {
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(eps);
};

describe('sim math', () => {
  it('rpy -> quat -> rpy round-trips (pitch inside (-pi/2, pi/2))', () => {
    fc.assert(fc.property(angle, fc.double({ min: -1.5, max: 1.5, noNaN: true }), angle, (r, p, y) => {
      close(rpyFromQuat(quatFromRpy(r, p, y)), [r, p, y], 1e-8);
    }), { seed: 1 });
  });

  it('quatFromRpy is Rz * Ry * Rx', () => {
    const r = 0.3, p = -0.7, y = 1.1;
    const composed = quatMultiply(quatFromRpy(0, 0, y), quatMultiply(quatFromRpy(0, p, 0), quatFromRpy(r, 0, 0)));
    close(composed, quatFromRpy(r, p, y), 1e-12);
    // Rx(roll) alone turns +y towards +z.
    close(rotateVec(quatFromRpy(Math.PI / 2, 0, 0), [0, 1, 0]), [0, 0, 1], 1e-12);
  });

  it('rotation vector round-trips and composes like rotations', () => {
    fc.assert(fc.property(angle, angle, angle, fc.tuple(angle, angle, angle), (a, b, c, v) => {
      const rv = [a, b, c].map((x) => x / 2); // |rv| < pi
      close(rotVecFromQuat(quatFromRotVec(rv)), rv, 1e-8);
      const q1 = quatFromRpy(a, b / 2, c), q2 = quatFromRpy(c, a / 2, b);
      close(rotateVec(quatMultiply(q1, q2), v), rotateVec(q1, rotateVec(q2, v)), 1e-9);
    }), { seed: 2 });
  });

  it('matrix <-> quaternion, canonical sign and slerp endpoints', () => {
    fc.assert(fc.property(angle, fc.double({ min: -1.5, max: 1.5, noNaN: true }), angle, (r, p, y) => {
      const q = quatFromRpy(r, p, y);
      const m = mat3FromQuat(q, new Float64Array(9));
      const back = quatFromMat(m, 3);
      expect(quatAngle(q, back)).toBeLessThan(1e-6);
      const neg = q.map((x) => -x);
      expect(quatCanonical(neg)[3]).toBeGreaterThanOrEqual(0);
      expect(quatAngle(quatCanonical(neg), q)).toBeLessThan(1e-6);
      const q2 = quatFromRpy(y, r, p / 2);
      close(quatCanonical(quatSlerp(q, q2, 0)), quatCanonical(q), 1e-9);
      close(quatCanonical(quatSlerp(q, q2, 1)), quatCanonical(q2), 1e-9);
      const mid = quatSlerp(q, q2, 0.5);
      expect(Math.abs(quatAngle(q, mid) - quatAngle(mid, q2))).toBeLessThan(1e-6);
    }), { seed: 3 });
  });

  it('axis-angle agrees with rpy about the coordinate axes and with the rotation vector', () => {
    close(quatFromAxisAngle([0, 0, 1], 0.7), quatFromRpy(0, 0, 0.7), 1e-12);
    close(quatFromAxisAngle([1, 0, 0], -0.4), quatFromRpy(-0.4, 0, 0), 1e-12);
    const axis = [2, -1, 2].map((v) => v / 3);
    close(quatFromAxisAngle(axis, 1.2), quatFromRotVec(axis.map((v) => v * 1.2)), 1e-12);
    expect(quatAngle(quatFromAxisAngle(axis, 1.2), [0, 0, 0, 1])).toBeCloseTo(1.2, 12);
  });

  it('writes into out and allows aliasing', () => {
    const q = quatFromRpy(0.1, 0.2, 0.3);
    const out = [0, 0, 0, 1];
    const expected = quatMultiply(q, q);
    expect(quatMultiply(q, q, out)).toBe(out);
    const alias = [...q];
    quatMultiply(alias, alias, alias);
    close(alias, expected, 1e-15);
  });
});
