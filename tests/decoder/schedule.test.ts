// Mask schedule tests: MaskGIT's formulas at known points, and the committed-count invariants
// (strictly increasing, complete at T, room left for later rounds) over every method and shape.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { annealFactor, committedSchedule, maskRatio, SCHEDULE_METHODS, type ScheduleMethod } from '../../src/decoder';

describe('maskRatio', () => {
  it('follows the MaskGIT formulas and clamps to [1e-6, 1]', () => {
    expect(maskRatio('cosine', 0, 56)).toBe(1);
    expect(maskRatio('cosine', 0.5, 56)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(maskRatio('linear', 0.25, 56)).toBe(0.75);
    expect(maskRatio('square', 0.5, 56)).toBe(0.75);
    expect(maskRatio('cubic', 0.5, 56)).toBe(0.875);
    expect(maskRatio('sqrt', 0.25, 56)).toBe(0.5);
    expect(maskRatio('log', 0.5, 4)).toBe(0.5); // -log2(0.5) / log2(4)
    expect(maskRatio('exp', 0.5, 16)).toBe(0.75); // 1 - 2^(-4 * 0.5)
    for (const m of SCHEDULE_METHODS) {
      expect(maskRatio(m, 1, 56)).toBe(1e-6);
      // MaskGIT's 'exp' starts at 1 - 1/total, every other method at 1.
      expect(maskRatio(m, 0, 56)).toBe(m === 'exp' ? 1 - 1 / 56 : 1);
    }
  });

  it('rejects an unknown schedule by name', () => {
    expect(() => maskRatio('zigzag' as ScheduleMethod, 0.5, 56)).toThrow(/unknown schedule 'zigzag'/);
  });
});

describe('committedSchedule', () => {
  it('L = 56, T = 12, cosine: C_t = 56 - floor(56 cos(pi/2 t/12)) before clamping', () => {
    const got = committedSchedule(56, 12, 'cosine');
    for (let t = 1; t < 12; t++) {
      const raw = 56 - Math.floor(56 * Math.cos((Math.PI / 2) * (t / 12)));
      // The clamp only raises a count to keep one commit per round; with L = 56 it is inactive
      // except where the cosine is flat at the start.
      expect(got[t - 1]).toBeGreaterThanOrEqual(Math.max(raw, t));
      if (raw > (t > 1 ? got[t - 2] : 0)) expect(got[t - 1]).toBe(raw);
    }
    expect(got[11]).toBe(56);
  });

  it('T = L commits one token per round for every method; T = 1 commits all at once', () => {
    for (const m of SCHEDULE_METHODS) {
      expect(Array.from(committedSchedule(12, 12, m))).toEqual([...Array(12).keys()].map((t) => t + 1));
      expect(Array.from(committedSchedule(56, 1, m))).toEqual([56]);
    }
  });

  it('is strictly increasing, ends at L and leaves a token for every later round (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...SCHEDULE_METHODS), (L, f, m) => {
        const T = Math.max(1, Math.min(L, Math.ceil(f * L)));
        const c = committedSchedule(L, T, m);
        expect(c.length).toBe(T);
        expect(c[T - 1]).toBe(L);
        for (let t = 1; t <= T; t++) {
          expect(c[t - 1]).toBeGreaterThan(t > 1 ? c[t - 2] : 0);
          expect(L - c[t - 1]).toBeGreaterThanOrEqual(T - t);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects T < 1, T > L and non-integers', () => {
    expect(() => committedSchedule(56, 0, 'cosine')).toThrow(/rounds/);
    expect(() => committedSchedule(56, 57, 'cosine')).toThrow(/rounds/);
    expect(() => committedSchedule(56, 2.5, 'cosine')).toThrow(/rounds/);
  });
});

describe('annealFactor', () => {
  it('starts at 1 and decays as documented', () => {
    expect(annealFactor('constant', 0.7)).toBe(1);
    expect(annealFactor('linear', 0.25)).toBe(0.75);
    expect(annealFactor('cosine', 0)).toBe(1);
    expect(annealFactor('cosine', 0.5)).toBeCloseTo(Math.SQRT1_2, 12);
  });
});
