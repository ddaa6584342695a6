// Episode runner (with a scripted fake sim), report aggregation, Wilson intervals, CLI args.
import { describe, expect, it } from 'vitest';
import { parseEvalArgs, selectTasks, UsageError } from '../../src/eval/args';
import { formatMarkdown, formatTable, reportToJson } from '../../src/eval/format';
import { buildReport, wilson } from '../../src/eval/report';
import { episodeSeed, runEpisode } from '../../src/eval/runner';
import type { EpisodeRow, Policy, SimLike } from '../../src/eval/types';
import type { SceneSpec, SimState } from '../../src/sim/types';
import { getTask } from '../../src/tasks';
import { stateFromScene } from '../tasks/fixtures';

const instance = { ...getTask('goal/lift_blue_cube').sample(1), maxSteps: 20 };

/** Fake sim: the blue cube's z follows the sum of dz actions; it is "grasped" once z > 0.05. */
function fakeSim(opts: { blowUpAt?: number } = {}) {
  const log: number[][] = [];
  const make = (scene: SceneSpec): SimLike => {
    const base = stateFromScene(scene);
    let z = 0.02;
    let step = 0;
    const state = (): SimState => ({
      ...base,
      step,
      failure: opts.blowUpAt !== undefined && step >= opts.blowUpAt ? 'physics-blowup' : null,
      objects: base.objects.map((o) => (o.id === 'blue_cube' ? { ...o, position: [o.position[0], o.position[1], z], grasped: z > 0.05 } : o)),
    });
    return {
      state,
      step(a) {
        log.push(Array.from(a));
        z += a[2];
        step++;
        const s = state();
        return { clipped: false, refused: false, ikPositionError: 0, failure: s.failure };
      },
    };
  };
  return { make, log };
}

const lifter = (dz: number, chunk = 1): Policy => ({
  name: 'lifter',
  reset() {},
  act: async () => (chunk === 1 ? [0, 0, dz, 0, 0, 0, 1] : Array.from({ length: chunk }, () => [0, 0, dz, 0, 0, 0, 1])),
});

describe('runEpisode', () => {
  it('stops at the first successful step', async () => {
    // Success needs bottom >= 0.08, i.e. centre >= 0.10: from 0.02 at +0.0125 per step -> step 7.
    const sim = fakeSim();
    const row = await runEpisode(instance, lifter(0.0125), sim.make);
    expect(row).toMatchObject({ task: 'goal/lift_blue_cube', suite: 'goal', success: true, steps: 7 });
    expect(row.failure).toBeUndefined();
    expect(sim.log.length).toBe(7);
  });
  it('executes chunks in order and cuts them at success', async () => {
    const sim = fakeSim();
    const row = await runEpisode(instance, lifter(0.0125, 5), sim.make);
    expect(row.steps).toBe(7);
    expect(sim.log.length).toBe(7);
  });
  it('times out at maxSteps, records sim failures, bad actions and policy errors', async () => {
    expect(await runEpisode(instance, lifter(0), fakeSim().make)).toMatchObject({ success: false, steps: 20, failure: 'timeout' });
    expect(await runEpisode(instance, lifter(0.001), fakeSim({ blowUpAt: 3 }).make)).toMatchObject({ success: false, steps: 3, failure: 'sim:physics-blowup' });
    const bad: Policy = { name: 'bad', reset() {}, act: () => [0, 0, NaN, 0, 0, 0, 1] };
    expect(await runEpisode(instance, bad, fakeSim().make)).toMatchObject({ success: false, steps: 0, failure: 'invalid-action' });
    const short: Policy = { name: 'short', reset() {}, act: () => [0, 0, 0] };
    expect((await runEpisode(instance, short, fakeSim().make)).failure).toBe('invalid-action');
    const thrower: Policy = { name: 't', reset() {}, act: () => { throw new Error('boom'); } };
    expect(await runEpisode(instance, thrower, fakeSim().make)).toMatchObject({ failure: 'policy-error', detail: 'Error: boom' });
  });
  it('gives the policy the instruction and proprio by default', async () => {
    let seen: unknown;
    const p: Policy = { name: 'p', reset() {}, act: (_s, obs) => { seen = obs; return [0, 0, 0.05, 0, 0, 0, 1]; } };
    await runEpisode(instance, p, fakeSim().make);
    expect(seen).toMatchObject({ instruction: instance.instruction, proprio: [0, 0, 0.3, 0, 0, 0, 1, 0.08] });
  });
});

describe('episode seeds', () => {
  it('derive deterministically from the base seed and differ across episodes and bases', () => {
    const a = Array.from({ length: 50 }, (_, i) => episodeSeed(0, i));
    expect(a).toEqual(Array.from({ length: 50 }, (_, i) => episodeSeed(0, i)));
    expect(new Set(a).size).toBe(50);
    expect(episodeSeed(1, 0)).not.toBe(a[0]);
  });
});

describe('wilson', () => {
  it('matches known values and stays in [0, 1]', () => {
    // Reference values (statsmodels proportion_confint(method="wilson")).
    const [lo, hi] = wilson(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
    const [lo2, hi2] = wilson(100, 100);
    expect(lo2).toBeCloseTo(0.963, 3);
    expect(hi2).toBe(1);
    expect(wilson(0, 20)[0]).toBe(0);
    expect(wilson(2300, 2300)[1]).toBe(1);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });
});

describe('buildReport', () => {
  const row = (task: string, suite: EpisodeRow['suite'], success: boolean, steps = 10): EpisodeRow => ({
    task, suite, seed: 0, instruction: 'x', success, steps, wallMs: 1, ...(success ? {} : { failure: 'timeout' as const }),
  });
  const rows = [
    row('goal/a', 'goal', true, 10), row('goal/a', 'goal', true, 20), row('goal/a', 'goal', false),
    row('goal/b', 'goal', false),
    row('long/c', 'long', true, 30), row('long/c', 'long', true, 50),
  ];
  const report = buildReport(rows, { policy: 'test', seed: 0, episodesPerTask: 2, createdAt: 'now' });
  it('aggregates per task, per suite and overall', () => {
    expect(report.tasks.map((t) => [t.id, t.successes, t.episodes])).toEqual([['goal/a', 2, 3], ['goal/b', 0, 1], ['long/c', 2, 2]]);
    expect(report.tasks[0].meanStepsSuccess).toBe(15);
    expect(report.tasks[1].meanStepsSuccess).toBeNull();
    expect(report.tasks[0].failures).toEqual({ timeout: 1 });
    expect(report.suites.goal).toMatchObject({ successRate: 0.5, episodes: 4, tasks: 2 });
    expect(report.suites.long?.successRate).toBe(1);
    expect(report.overall.successRate).toBeCloseTo(4 / 6);
    expect(report.overall.suiteAverage).toBeCloseTo(0.75);
    expect(report.overall.ci95).toEqual(wilson(4, 6));
    expect(report.episodes.length).toBe(6);
  });
  it('formats a table and markdown with every task and the averages', () => {
    const t = formatTable(report);
    const md = formatMarkdown(report);
    for (const s of ['goal/a', 'goal/b', 'long/c', '66.7%', '75.0%']) {
      expect(t).toContain(s);
      expect(md).toContain(s);
    }
    expect(md.split('\n').filter((l) => l.startsWith('|')).length).toBe(2 + 3 + 2 + 2);
  });
  it('serialises to JSON that parses back to the same report, one episode per line', () => {
    const text = reportToJson(report);
    expect(JSON.parse(text)).toEqual(report);
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('{"task"')).length).toBe(rows.length);
  });
  it('handles a report without episodes', () => {
    const empty = buildReport([], { policy: 'p', seed: 0, episodesPerTask: 1, createdAt: 'now' });
    expect(JSON.parse(reportToJson(empty))).toEqual(empty);
  });
});

describe('parseEvalArgs', () => {
  const P = ['expert'];
  it('parses the documented flags', () => {
    expect(parseEvalArgs(['--policy', 'expert', '--episodes-per-task', '5', '--suite', 'goal', '--seed=7', '--out', 'r.json'], P)).toEqual({
      policy: 'expert', episodesPerTask: 5, suite: 'goal', task: undefined, seed: 7, out: 'r.json', quiet: false,
    });
    expect(selectTasks({ suite: 'goal' }).every((t) => t.suite === 'goal')).toBe(true);
    expect(selectTasks({ task: 'long/red_cube_and_blue_cube_in_tray' }).map((t) => t.id)).toEqual(['long/red_cube_and_blue_cube_in_tray']);
    expect(selectTasks({}).length).toBeGreaterThanOrEqual(20);
  });
  it('rejects bad input with clear messages', () => {
    const bad: [string[], RegExp][] = [
      [['--policy', 'oracle'], /unknown policy "oracle"; valid policies: expert/],
      [['--policy', 'expert', '--suite', 'kitchen'], /unknown suite "kitchen"/],
      [['--policy', 'expert', '--task', 'goal/nope'], /unknown task "goal\/nope"/],
      [['--policy', 'expert', '--episodes-per-task', '0'], /--episodes-per-task needs an integer >= 1, got "0"/],
      [['--policy', 'expert', '--episodes-per-task', '-3'], /integer >= 1/],
      [['--policy', 'expert', '--episodes-per-task', 'x'], /integer >= 1/],
      [['--policy', 'expert', '--frobnicate'], /unknown argument "--frobnicate"/],
      [['--episodes-per-task', '3'], /--policy is required/],
      [['--policy'], /--policy needs a value/],
      [['--policy', 'expert', '--suite', 'goal', '--task', 'long/red_cube_and_blue_cube_in_tray'], /not in suite "goal"/],
    ];
    for (const [argv, msg] of bad) expect(() => parseEvalArgs(argv, P)).toThrow(msg);
    expect(() => parseEvalArgs(['--policy', 'oracle'], P)).toThrow(UsageError);
  });
});
