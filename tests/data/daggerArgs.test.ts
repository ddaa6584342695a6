// DAgger collection options (scripts/collect/daggerArgs.ts): defaults, and bad input refused with
// the flag named before any browser starts.
import { describe, expect, it } from 'vitest';
import { parseDaggerArgs } from '../../scripts/collect/daggerArgs';

const base = ['--model', 'models/vla-kp-dg/', '--suite', 'object', '--episodes-per-task', '3', '--out', 'data/d.hdf5'];

describe('collect:dagger arguments', () => {
  it('parses a command line with defaults (pure on-policy, seed 0, one browser)', () => {
    expect(parseDaggerArgs(base)).toMatchObject({ model: 'models/vla-kp-dg', suite: 'object', episodesPerTask: 3, out: 'data/d.hdf5', beta: 0, seed: 0, workers: 1, tasks: [], gates: 'strict' });
    expect(parseDaggerArgs([...base, '--beta', '0.3', '--seed', '4', '--workers', '2', '--execute-steps', '4', '--max-steps', '90'])).toMatchObject({ beta: 0.3, seed: 4, workers: 2, executeSteps: 4, maxSteps: 90 });
    expect(parseDaggerArgs([...base, '--gates', 'lenient']).gates).toBe('lenient');
    expect(parseDaggerArgs(base).oracleDims).toEqual([]);
    expect(parseDaggerArgs([...base, '--oracle-dims', 'dyaw, 6']).oracleDims).toEqual([5, 6]);
    expect(parseDaggerArgs(base).stackYaw).toBe('align');
    expect(parseDaggerArgs([...base, '--stack-yaw', 'free']).stackYaw).toBe('free');
    expect(parseDaggerArgs(base).placeGate).toBe('exact');
    expect(parseDaggerArgs([...base, '--place-gate', 'loose']).placeGate).toBe('loose');
    expect(parseDaggerArgs([...base, '--place-gate', 'drop']).placeGate).toBe('drop');
  });

  it('refuses what it cannot run, naming the flag', () => {
    expect(() => parseDaggerArgs(base.slice(2))).toThrow(/--model is required/);
    expect(() => parseDaggerArgs([...base, '--beta', '1.5'])).toThrow(/--beta must be a number in \[0, 1\]/);
    expect(() => parseDaggerArgs([...base, '--beta', ''])).toThrow(/--beta/);
    expect(() => parseDaggerArgs([...base, '--beta'])).toThrow(/--beta needs a value/);
    expect(() => parseDaggerArgs([...base, '--workers', '0'])).toThrow(/--workers must be an integer >= 1/);
    expect(() => parseDaggerArgs([...base, '--gates', 'loose'])).toThrow(/--gates must be strict or lenient, got "loose"/);
    expect(() => parseDaggerArgs([...base, '--oracle-dims', 'yaw'])).toThrow(/--oracle-dims: "yaw" is not an action dimension \(dx, dy, dz, droll, dpitch, dyaw, gripper/);
    expect(() => parseDaggerArgs([...base, '--oracle-dims', '7'])).toThrow(/--oracle-dims: "7"/);
    expect(() => parseDaggerArgs([...base, '--stack-yaw', 'loose'])).toThrow(/--stack-yaw must be align or free, got "loose"/);
    expect(parseDaggerArgs(base).pickYaw).toBe('align');
    expect(parseDaggerArgs([...base, '--pick-yaw', 'keep']).pickYaw).toBe('keep');
    expect(() => parseDaggerArgs([...base, '--pick-yaw', 'free'])).toThrow(/--pick-yaw must be align or keep, got "free"/);
    expect(() => parseDaggerArgs([...base, '--place-gate', '2cm'])).toThrow(/--place-gate must be exact or loose or drop, got "2cm"/);
    expect(() => parseDaggerArgs([...base, '--frobnicate'])).toThrow(/unknown option "--frobnicate"/);
    expect(() => parseDaggerArgs(['--model', '/tmp/m', ...base.slice(2)])).toThrow(/folder under models\//);
    expect(() => parseDaggerArgs([...base.slice(0, 2), '--suite', 'nope', ...base.slice(4)])).toThrow(/nope/);
    expect(() => parseDaggerArgs([...base, '--tasks', 'no_such_task'])).toThrow(/no_such_task/);
  });
});
