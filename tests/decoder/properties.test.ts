// Property tests: random logits, shapes, rounds and settings; every decode must satisfy the
// invariants of src/decoder/decode.ts (checked from the trace by helpers.checkInvariants).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/core/rng';
import { decode, DECODER_MODES, RANKING_RULES, REMASK_RULES, SCHEDULE_METHODS } from '../../src/decoder';
import { checkInvariants, randomModel, stickyModel } from './helpers';

const arbCase = fc.record({
  steps: fc.integer({ min: 1, max: 8 }),
  dims: fc.integer({ min: 1, max: 7 }),
  bins: fc.integer({ min: 2, max: 40 }),
  extraIds: fc.integer({ min: 0, max: 2 }),
  roundsFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  mode: fc.constantFrom(...DECODER_MODES),
  schedule: fc.constantFrom(...SCHEDULE_METHODS),
  ranking: fc.constantFrom(...RANKING_RULES),
  remask: fc.constantFrom(...REMASK_RULES),
  temperature: fc.constantFrom(0, 0.5, 1, 2),
  gumbelScale: fc.constantFrom(0, 1, 4.5),
  eta0: fc.double({ min: 0, max: 1, noNaN: true }),
  residualMargin: fc.double({ min: 0, max: 1, noNaN: true }),
  spread: fc.constantFrom(0.3, 1, 3, 8),
  sticky: fc.boolean(),
  logitSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

describe('decoder invariants over random logits (property)', () => {
  it('T passes, schedule counts, complete chunk, untouched tokens, remask iff rule, action ids only', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        const L = c.steps * c.dims;
        const vocab = c.bins + 1 + c.extraIds;
        const rounds = Math.max(1, Math.min(L, Math.ceil(c.roundsFrac * L)));
        const m = c.sticky ? stickyModel(c.logitSeed, L, vocab, c.bins, c.spread) : randomModel(c.logitSeed, L, vocab, c.spread);
        const { mode, schedule, ranking, remask, temperature, gumbelScale, eta0, residualMargin } = c;
        const res = await decode({
          tokensToLogits: m.model,
          shape: { steps: c.steps, dims: c.dims },
          maskId: c.bins,
          rng: new Rng(c.seed),
          settings: { mode, rounds, schedule, ranking, remask, temperature, gumbelScale, eta0, residualMargin, topK: Math.min(3, c.bins) },
        });
        expect(m.calls()).toBe(mode === 'ar' ? L : mode === 'oneshot' ? 1 : rounds);
        // Exact remask check needs confidence = p(prediction): ranking 'sampled', or 'maxprob' greedy.
        const exact = mode === 'dd' && (ranking === 'sampled' || (ranking === 'maxprob' && temperature === 0));
        const rule = mode === 'dd' ? remask : 'none';
        checkInvariants(res, {
          maskId: c.bins,
          actionIds: c.bins,
          exactRemask: exact ? { threshold: rule === 'threshold' || rule === 'both', residual: rule === 'residual' || rule === 'both', margin: residualMargin } : undefined,
        });
        if (rule === 'none') expect(res.trace.remasked.every((x) => x === 0)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('re-masking happens exactly when its rule fires (focused: dd, sticky model, p(prediction) ranking)', async () => {
    let remasks = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          steps: fc.integer({ min: 2, max: 8 }),
          bins: fc.integer({ min: 2, max: 64 }),
          roundsFrac: fc.double({ min: 0, max: 1, noNaN: true }),
          remask: fc.constantFrom('threshold' as const, 'residual' as const, 'both' as const),
          ranking: fc.constantFrom('sampled' as const, 'maxprob' as const),
          temperature: fc.constantFrom(0, 1),
          eta0: fc.double({ min: 0, max: 1, noNaN: true }),
          residualMargin: fc.double({ min: 0, max: 0.6, noNaN: true }),
          spread: fc.constantFrom(0.5, 1, 2),
          logitSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        async (c) => {
          const L = c.steps * 7;
          const rounds = Math.max(3, Math.min(L, Math.ceil(c.roundsFrac * L)));
          const temperature = c.ranking === 'maxprob' ? 0 : c.temperature;
          const res = await decode({
            tokensToLogits: stickyModel(c.logitSeed, L, c.bins + 1, c.bins, c.spread).model,
            shape: { steps: c.steps, dims: 7 },
            maskId: c.bins,
            rng: new Rng(c.seed),
            settings: { rounds, ranking: c.ranking, remask: c.remask, temperature, eta0: c.eta0, residualMargin: c.residualMargin, topK: Math.min(3, c.bins) },
          });
          const threshold = c.remask !== 'residual';
          const residual = c.remask !== 'threshold';
          checkInvariants(res, { maskId: c.bins, actionIds: c.bins, exactRemask: { threshold, residual, margin: c.residualMargin } });
          remasks += res.trace.remasked.reduce((a, b) => a + b, 0);
          runs++;
        },
      ),
      { numRuns: 300 },
    );
    expect(remasks).toBeGreaterThan(runs); // the rules really fired, the check was not vacuous
  });

  it('same seed gives the same trace for any settings', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        const L = c.steps * c.dims;
        const rounds = Math.max(1, Math.min(L, Math.ceil(c.roundsFrac * L)));
        const run = () =>
          decode({
            tokensToLogits: randomModel(c.logitSeed, L, c.bins + 1, c.spread).model,
            shape: { steps: c.steps, dims: c.dims },
            maskId: c.bins,
            rng: new Rng(c.seed),
            settings: { mode: c.mode, rounds, ranking: c.ranking, remask: c.remask, temperature: c.temperature, gumbelScale: c.gumbelScale, topK: Math.min(3, c.bins) },
          });
        const [a, b] = [await run(), await run()];
        expect(a.trace).toEqual(b.trace);
      }),
      { numRuns: 60 },
    );
  });
});
