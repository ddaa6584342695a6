// The episode in the URL: every valid page state survives serialize -> parse unchanged, and
// malformed parameters fall back to defaults field by field (src/app/urlState.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKENDS, DEFAULT_DECODER, MAX_EXECUTE, MODES, NO_PERTURBATION, PERTURB_RANGE, RANKINGS, REMASKS, SCHEDULES, parsePageState, serializePageState, type PageState, type Perturbation } from '../../src/app/urlState';

const DEFAULTS = { taskId: 'object/a', model: 'test-random' };
const TASKS = ['object/a', 'spatial/b', 'goal/c'];

const perturbArb = fc.record(
  Object.fromEntries(
    (Object.keys(PERTURB_RANGE) as (keyof Perturbation)[]).map((k) => [k, fc.integer({ min: Math.round(PERTURB_RANGE[k][0] * 20), max: Math.round(PERTURB_RANGE[k][1] * 20) }).map((v) => v / 20 + 0)]),
  ) as Record<keyof Perturbation, fc.Arbitrary<number>>,
);
const stateArb: fc.Arbitrary<PageState> = fc.record({
  taskId: fc.constantFrom(...TASKS),
  seed: fc.nat(1e6),
  instruction: fc.string({ maxLength: 40 }),
  model: fc.constantFrom('test-random', 'test-random-b', 'https://example.org/m/'),
  backend: fc.constantFrom(...BACKENDS),
  decoder: fc.record({
    mode: fc.constantFrom(...MODES),
    rounds: fc.option(fc.integer({ min: 1, max: 56 }), { nil: null }),
    schedule: fc.constantFrom(...SCHEDULES),
    ranking: fc.constantFrom(...RANKINGS),
    temperature: fc.integer({ min: 0, max: 50 }).map((v) => v / 10),
    remask: fc.constantFrom(...REMASKS),
    seed: fc.nat(1e6),
    execute: fc.option(fc.integer({ min: 1, max: MAX_EXECUTE }), { nil: null }),
    subtasks: fc.option(fc.boolean(), { nil: null }),
    keepWhenStill: fc.option(fc.boolean(), { nil: null }),
  }),
  perturb: perturbArb,
});

describe('page state in the URL', () => {
  it('round-trips every valid state', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        expect(parsePageState(serializePageState(s, DEFAULTS), DEFAULTS, TASKS)).toEqual(s);
      }),
    );
  });

  it('leaves defaults out of the link', () => {
    const s: PageState = { taskId: 'object/a', seed: 3, instruction: '', model: 'test-random', backend: 'auto', decoder: { ...DEFAULT_DECODER }, perturb: { ...NO_PERTURBATION } };
    expect(serializePageState(s, DEFAULTS)).toBe('?task=object%2Fa&seed=3');
  });

  it('falls back field by field on malformed values', () => {
    const s = parsePageState('?task=nope&seed=-4&mode=xx&rounds=0&temperature=abc&remask=both&p.noise=9&model=../../etc&backend=webgpu', DEFAULTS, TASKS);
    expect(s.taskId).toBe('object/a');
    expect(s.seed).toBe(0);
    expect(s.decoder.mode).toBe('dd');
    expect(s.decoder.rounds).toBeNull();
    expect(s.decoder.temperature).toBe(0);
    expect(s.decoder.remask).toBe('both');
    expect(s.perturb.noise).toBe(PERTURB_RANGE.noise[1]); // clamped into range
    expect(s.model).toBe('test-random');
    expect(s.backend).toBe('webgpu');
    expect(s.decoder.execute).toBeNull();
    expect(parsePageState('?exec=0', DEFAULTS, TASKS).decoder.execute).toBeNull();
    expect(parsePageState('?exec=2.5', DEFAULTS, TASKS).decoder.execute).toBeNull();
    expect(parsePageState('?exec=4', DEFAULTS, TASKS).decoder.execute).toBe(4);
    expect(parsePageState('?exec=999', DEFAULTS, TASKS).decoder.execute).toBe(MAX_EXECUTE);
    expect(s.decoder.subtasks).toBeNull();
    expect(parsePageState('?sub=1', DEFAULTS, TASKS).decoder.subtasks).toBe(true);
    expect(parsePageState('?sub=0', DEFAULTS, TASKS).decoder.subtasks).toBe(false);
    expect(parsePageState('?sub=yes', DEFAULTS, TASKS).decoder.subtasks).toBeNull();
    expect(s.decoder.keepWhenStill).toBeNull();
    expect(parsePageState('?keep=1', DEFAULTS, TASKS).decoder.keepWhenStill).toBe(true);
    expect(parsePageState('?keep=0', DEFAULTS, TASKS).decoder.keepWhenStill).toBe(false);
    expect(parsePageState('?keep=2', DEFAULTS, TASKS).decoder.keepWhenStill).toBeNull();
  });
});
