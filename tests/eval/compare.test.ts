// Paired comparison of two eval reports (src/eval/compare.ts): the exact McNemar test against
// hand-computed values, and episode matching by task and seed.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { comparePaired, comparisonMarkdown, mcnemarExact, signFlipAverageP } from '../../src/eval';
import type { EvalReport } from '../../src/eval';
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

describe('signFlipAverageP', () => {
  it('is McNemar for one group, and 1 with no discordant pairs', () => {
    for (const [a, b] of [[5, 0], [13, 4], [7, 9], [3, 3], [20, 5]]) {
      expect(signFlipAverageP([{ onlyA: a, onlyB: b, episodes: 120 }])).toBeCloseTo(mcnemarExact(a, b), 10);
    }
    expect(signFlipAverageP([{ onlyA: 0, onlyB: 0, episodes: 10 }, { onlyA: 0, onlyB: 0, episodes: 20 }])).toBe(1);
  });

  it('weighs a pair by its suite: one pair in a small suite outweighs one in a large one', () => {
    // A gains 1 of 2 episodes in the small suite (weight 1/4), B 1 of 100 in the large (1/200):
    // every null outcome has |D| = 1/4 +- 1/200 >= the observed 1/4 - 1/200, so p = 1.
    expect(signFlipAverageP([{ onlyA: 1, onlyB: 0, episodes: 2 }, { onlyA: 0, onlyB: 1, episodes: 100 }])).toBeCloseTo(1, 12);
    // Two pairs for A in a suite of 4 (weight 1/8 each): |D| >= 1/4 only when both flips agree, p = 1/2.
    expect(signFlipAverageP([{ onlyA: 2, onlyB: 0, episodes: 4 }, { onlyA: 0, onlyB: 0, episodes: 100 }])).toBeCloseTo(0.5, 12);
  });

  it('on the shipped models: vla-dag10 vs vla-dag7, +3.9 points, p about 0.08 (a Monte Carlo of 20,000 flips gave 0.078)', () => {
    const load = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as EvalReport;
    const c = comparePaired(load('models/vla-dag10/eval-dd.json'), load('models/vla-dag7/eval-dd.json'));
    expect(c.suiteAverageA - c.suiteAverageB).toBeCloseTo(0.0392, 3);
    expect(c.suiteAverageP).toBeGreaterThan(0.06);
    expect(c.suiteAverageP).toBeLessThan(0.1);
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
