// Golden test on the fixture shared with the Python twin (training/tests/test_decoding.py):
// the TypeScript decoder must reproduce every stored token and trace value, so neither side can
// drift silently. Regenerate (after an intended change) with
//   npx tsx tests/fixtures/decoder/makeFixture.ts
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { committedSchedule, type ScheduleMethod } from '../../src/decoder';
import { decodeLogits, runCase, type FixtureCase } from '../fixtures/decoder/fixtureFormat';
import { checkInvariants } from './helpers';
import { decode } from '../../src/decoder';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/decoder/decoder_fixture.json', import.meta.url), 'utf8')) as {
  rngDraws: { seed: number; draws: number[] }[];
  schedules: { method: ScheduleMethod; tokens: number; rounds: number; committed: number[] }[];
  cases: FixtureCase[];
};

describe('shared decoder fixture', () => {
  it('the Rng draws recorded for the Python port', () => {
    for (const { seed, draws } of fixture.rngDraws) {
      const rng = new Rng(seed);
      expect(draws.map(() => rng.next())).toEqual(draws);
    }
  });

  it('committed schedules', () => {
    expect(fixture.schedules.length).toBeGreaterThan(50);
    for (const s of fixture.schedules) expect(Array.from(committedSchedule(s.tokens, s.rounds, s.method)), `${s.method} ${s.tokens}/${s.rounds}`).toEqual(s.committed);
  });

  for (const c of fixture.cases) {
    it(`case ${c.name}: tokens and trace match bit for bit`, async () => {
      const got = await runCase(c);
      expect(got).toEqual(c.expected);
    });
  }

  it('cases satisfy the invariants and exercise remasking, baselines and non-action ids', async () => {
    const names = fixture.cases.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['oneshot', 'ar', 'dd_real_shape_8x7x257']));
    let remasks = 0;
    for (const c of fixture.cases) {
      const all = decodeLogits(c);
      const per = (all.length / c.rounds) | 0;
      const res = await decode({ tokensToLogits: async (_t, r) => all.slice((r - 1) * per, r * per), shape: c.shape, maskId: c.maskId, settings: c.settings, rng: new Rng(c.seed) });
      checkInvariants(res, { maskId: c.maskId, actionIds: c.settings.numActionIds ?? c.maskId });
      remasks += res.trace.remasked.reduce((a, b) => a + b, 0);
    }
    expect(remasks).toBeGreaterThan(10);
  });
});
