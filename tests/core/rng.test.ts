// Tests for the seeded RNG: determinism, ranges, distribution moments, fork independence.
import { describe, expect, it } from 'vitest';
import { Rng, hashString } from '../../src/core/rng';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.next());
    const sb = Array.from({ length: 100 }, () => b.next());
    const sc = Array.from({ length: 100 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('next() stays in [0, 1) with mean ~0.5 and variance ~1/12', () => {
    const r = new Rng(7);
    const n = 20000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(sq / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('int(n) covers all values roughly uniformly (chi-square)', () => {
    const r = new Rng(1);
    const k = 10;
    const n = 10000;
    const counts = new Array(k).fill(0);
    for (let i = 0; i < n; i++) counts[r.int(k)]++;
    const expected = n / k;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 9 dof: p = 0.001 critical value is 27.9.
    expect(chi2).toBeLessThan(27.9);
    expect(() => r.int(0)).toThrow(/positive integer/);
    expect(() => r.int(1.5)).toThrow(/positive integer/);
  });

  it('range and normal have the right moments', () => {
    const r = new Rng(3);
    const n = 20000;
    let s = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.range(-2, 4);
      expect(x).toBeGreaterThanOrEqual(-2);
      expect(x).toBeLessThan(4);
      s += x;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(s / n).toBeCloseTo(1, 1);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeGreaterThan(0.95);
    expect(sn2 / n).toBeLessThan(1.05);
    expect(new Rng(3).normal(10, 0)).toBe(10);
  });

  it('pick and shuffle', () => {
    const r = new Rng(9);
    const arr = [1, 2, 3, 4, 5, 6, 7, 8];
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(r.pick(arr));
    expect(seen.size).toBe(arr.length);
    expect(() => r.pick([])).toThrow(/empty/);
    const sh = r.shuffle([...arr]);
    expect([...sh].sort((a, b) => a - b)).toEqual(arr);
    expect(sh).not.toEqual(arr);
    expect(new Rng(5).shuffle([...arr])).toEqual(new Rng(5).shuffle([...arr]));
  });

  it('fork gives stable, independent sub-streams', () => {
    const p1 = new Rng(11);
    const p2 = new Rng(11);
    p2.next();
    p2.next(); // parent draws must not affect forks
    const f1 = p1.fork('scene');
    const f2 = p2.fork('scene');
    expect(f1.next()).toBe(f2.next());
    const a = new Rng(11).fork('scene');
    const b = new Rng(11).fork('instruction');
    const xa = Array.from({ length: 50 }, () => a.next());
    const xb = Array.from({ length: 50 }, () => b.next());
    expect(xa).not.toEqual(xb);
    // Weak independence check: correlation of two forks is small.
    const ma = xa.reduce((s, x) => s + x, 0) / 50;
    const mb = xb.reduce((s, x) => s + x, 0) / 50;
    let cov = 0;
    let va = 0;
    let vb = 0;
    for (let i = 0; i < 50; i++) {
      cov += (xa[i] - ma) * (xb[i] - mb);
      va += (xa[i] - ma) ** 2;
      vb += (xb[i] - mb) ** 2;
    }
    expect(Math.abs(cov / Math.sqrt(va * vb))).toBeLessThan(0.5);
  });

  it('rejects non-finite seeds and hashes strings stably', () => {
    expect(() => new Rng(NaN)).toThrow(/finite/);
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(hashString('abc')).not.toBe(hashString('abd'));
    expect(new Rng(0.5).next()).toBe(new Rng(0.5).next());
  });
});
