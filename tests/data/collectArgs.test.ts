// Collection options: validation before anything starts (bad input fails with the flag named),
// and seeding (attempt seeds and paraphrase choice are pure functions of their inputs).
import { describe, expect, it } from 'vitest';
import { attemptSeed, parseCollectArgs, parseSize, perturbOptions, pickParaphrase, selectTasks, worldOptions } from '../../scripts/collect/args';
import { tasksInSuite } from '../../src/tasks';

const base = ['--suite', 'spatial', '--episodes-per-task', '2', '--out', 'data/x.hdf5'];

describe('collect arguments', () => {
  it('parses a full command line with defaults', () => {
    const a = parseCollectArgs(base);
    expect(a).toMatchObject({ suite: 'spatial', episodesPerTask: 2, out: 'data/x.hdf5', seed: 0, width: 64, height: 64, keepFailed: false, workers: 1 });
    expect(parseCollectArgs([...base, '--size', '96x48', '--seed', '7'])).toMatchObject({ width: 96, height: 48, seed: 7 });
    expect(worldOptions(a)).toEqual({});
    expect(a.maxSteps).toBeUndefined();
    expect(parseCollectArgs([...base, '--max-steps', '8', '--keep-failed'])).toMatchObject({ maxSteps: 8, keepFailed: true });
    expect(() => parseCollectArgs([...base, '--max-steps', '0'])).toThrow(/--max-steps must be an integer >= 1/);
    expect(worldOptions(parseCollectArgs([...base, '--no-shadows']))).toEqual({ shadows: false });
  });

  it('parses execution perturbations (off by default) and rejects out-of-range values', () => {
    expect(perturbOptions(parseCollectArgs(base))).toBeUndefined();
    expect(perturbOptions(parseCollectArgs([...base, '--perturb', '0.008']))).toEqual({ scale: 0.008, rate: 0.04 });
    expect(perturbOptions(parseCollectArgs([...base, '--perturb', '0.01', '--perturb-rate', '0.1']))).toEqual({ scale: 0.01, rate: 0.1 });
    expect(() => parseCollectArgs([...base, '--perturb', '0.5'])).toThrow(/--perturb must be a number in \[0, 0.02\]/);
    expect(() => parseCollectArgs([...base, '--perturb', 'x'])).toThrow(/--perturb must be a number/);
    expect(() => parseCollectArgs([...base, '--perturb-rate', '-1'])).toThrow(/--perturb-rate/);
  });

  it("parses the expert's stack yaw ('align' by default) and rejects other values", () => {
    expect(parseCollectArgs(base).stackYaw).toBe('align');
    expect(parseCollectArgs([...base, '--stack-yaw', 'free']).stackYaw).toBe('free');
    expect(() => parseCollectArgs([...base, '--stack-yaw', 'loose'])).toThrow(/--stack-yaw must be align or free, got "loose"/);
    expect(parseCollectArgs(base).pickYaw).toBe('align');
    expect(parseCollectArgs([...base, '--pick-yaw', 'keep']).pickYaw).toBe('keep');
    expect(() => parseCollectArgs([...base, '--pick-yaw', 'free'])).toThrow(/--pick-yaw must be align or keep, got "free"/);
  });

  it("parses the expert's place gate ('exact' by default) and rejects other values", () => {
    expect(parseCollectArgs(base).placeGate).toBe('exact');
    expect(parseCollectArgs([...base, '--place-gate', 'loose']).placeGate).toBe('loose');
    expect(parseCollectArgs([...base, '--place-gate', 'drop']).placeGate).toBe('drop');
    expect(() => parseCollectArgs([...base, '--place-gate', 'free'])).toThrow(/--place-gate must be exact or loose or drop, got "free"/);
  });

  it('rejects an unknown suite, listing the valid ones', () => {
    expect(() => parseCollectArgs(['--suite', 'kitchen', '--episodes-per-task', '1', '--out', 'x.hdf5'])).toThrow(/unknown suite "kitchen".*spatial, object, goal, long/);
  });

  it('rejects a size of 0, odd sizes and malformed sizes', () => {
    expect(() => parseSize('0x64')).toThrow(/width must be positive/);
    expect(() => parseSize('64x0')).toThrow(/height must be positive/);
    expect(() => parseSize('63x64')).toThrow(/even/);
    expect(() => parseSize('64by64')).toThrow(/look like 64x64/);
    expect(() => parseCollectArgs([...base, '--size', '0'])).toThrow(/--size/);
  });

  it('rejects missing values, bad counts and unknown flags', () => {
    expect(() => parseCollectArgs(['--suite', 'spatial', '--out', 'x.hdf5'])).toThrow(/--episodes-per-task is required/);
    expect(() => parseCollectArgs([...base, '--episodes-per-task', '0'])).toThrow(/--episodes-per-task must be an integer >= 1/);
    expect(() => parseCollectArgs([...base, '--seed'])).toThrow(/--seed needs a value/);
    expect(() => parseCollectArgs([...base, '--colour', 'red'])).toThrow(/unknown option "--colour"/);
  });

  it('narrows to named tasks and rejects tasks of another suite', () => {
    const ids = tasksInSuite('spatial').map((t) => t.id);
    const short = ids[1].split('/')[1];
    expect(selectTasks({ suite: 'spatial', tasks: [short] }).map((t) => t.id)).toEqual([ids[1]]);
    expect(() => selectTasks({ suite: 'spatial', tasks: ['object/whatever'] })).toThrow(/not in suite spatial/);
  });

  it('derives distinct, reproducible attempt seeds and paraphrase choices', () => {
    const s = [0, 1, 2].map((i) => attemptSeed(5, 'spatial/a', i));
    expect(new Set(s).size).toBe(3);
    expect(attemptSeed(5, 'spatial/a', 1)).toBe(s[1]);
    expect(attemptSeed(5, 'spatial/b', 1)).not.toBe(s[1]);
    const para = ['a', 'b', 'c', 'd'];
    const picks = Array.from({ length: 200 }, (_, i) => pickParaphrase(i, para));
    expect(new Set(picks).size).toBe(4); // every paraphrase gets used
    expect(pickParaphrase(17, para)).toBe(picks[17]);
  });
});
