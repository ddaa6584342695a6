// Paired comparison of two eval reports (src/eval/compare.ts): the exact McNemar test against
// hand-computed values, and episode matching by task and seed.
import { describe, expect, it } from 'vitest';
import { comparePaired, comparisonMarkdown, mcnemarExact } from '../../src/eval';
import type { EpisodeRow } from '../../src/eval';
import type { Suite } from '../../src/tasks/types';

const ep = (task: string, seed: number, success: boolean): EpisodeRow => ({
  task, suite: task.split('/')[0] as Suite, seed, instruction: '', success, steps: 10, wallMs: 1,
});

describe('mcnemarExact', () => {
  it('matches the binomial tail by hand', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(5, 0)).toBeCloseTo(2 / 32, 12); // both tails of 5 coin flips all one way
    expect(mcnemarExact(0, 5)).toBeCloseTo(2 / 32, 12);
    expect(mcnemarExact(3, 3)).toBe(1);
    // 13 vs 4: 2 * sum_{i<=4} C(17, i) / 2^17 = 2 * 3214 / 131072
    expect(mcnemarExact(13, 4)).toBeCloseTo((2 * 3214) / 131072, 12);
    expect(mcnemarExact(400, 380)).toBeGreaterThan(0.4); // large n stays finite and sane
    expect(mcnemarExact(400, 300)).toBeLessThan(0.001);
  });
});

describe('comparePaired', () => {
  it('pairs episodes by task and seed, per suite and overall, and counts the unmatched', () => {
    const a = { episodes: [ep('goal/x', 1, true), ep('goal/x', 2, false), ep('object/y', 1, false), ep('object/y', 9, true)] };
    const b = { episodes: [ep('goal/x', 2, true), ep('goal/x', 1, true), ep('object/y', 1, true), ep('long/z', 1, true)] };
    const c = comparePaired(a, b);
    const goal = c.rows.find((r) => r.group === 'goal')!;
    expect(goal).toMatchObject({ episodes: 2, rateA: 0.5, rateB: 1, onlyA: 0, onlyB: 1 });
    const all = c.rows.find((r) => r.group === 'all')!;
    expect(all).toMatchObject({ episodes: 3, onlyA: 0, onlyB: 2 });
    expect(c.suiteAverageA).toBeCloseTo((0.5 + 0) / 2, 12);
    expect(c.suiteAverageB).toBeCloseTo(1, 12);
    expect(c.unmatchedA).toBe(1);
    expect(c.unmatchedB).toBe(1);
    const md = comparisonMarkdown(c, 'old', 'new');
    expect(md).toContain('| goal | 2 | 50.0% | 100.0% | 0 | 1 |');
    expect(md).toContain('Unmatched episodes (not compared): 1 of old, 1 of new.');
  });
});
