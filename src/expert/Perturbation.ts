// Execution perturbations for demonstration collection (DART: Laskey et al. 2017, "DART: Noise
// Injection for Robust Imitation Learning"). The arm executes the expert's action plus a
// perturbation; the dataset records the expert's own, clean action as the label. The policy so
// sees states a little off the expert's path together with the expert's correction back, which is
// what behaviour cloning lacks when its own small errors compound in closed loop.
//
// Shape of the perturbation: bursts, not white noise. White noise at 20 Hz averages out in a few
// steps and never leaves the path; a burst is a constant velocity offset held for a few steps,
// which drives the gripper a few centimetres (or a few degrees of yaw) away before the expert pulls
// it back. Each step without a burst starts one with probability `rate`.
//
// Invariants: the gripper entry is never perturbed (a grasp is the expert's decision); the
// executed action stays within ACTION_LIMITS; draws come only from the given Rng, so a seed gives
// the same perturbations every time; `scale` 0 returns the expert action unchanged.

import type { Rng } from '../core/rng';
import { ACTION_LIMITS } from '../sim/constants';

export interface PerturbationOptions {
  /** Largest horizontal offset of a burst, metres per control step; 0 turns perturbations off.
   * @default 0.008 (0.16 m/s: a 6-step burst moves the gripper up to about 5 cm) */
  scale?: number;
  /** Chance per step, outside a burst, that a burst starts. @default 0.04 */
  rate?: number;
  /** Burst length range in control steps, inclusive. @default [3, 8] */
  steps?: readonly [number, number];
  /** Vertical offset as a fraction of the horizontal scale. @default 0.4 */
  zFraction?: number;
  /** Largest yaw offset of a burst, radians per step. @default 0.04 */
  yaw?: number;
}

export class Perturbation {
  readonly scale: number;
  private readonly rate: number;
  private readonly steps: readonly [number, number];
  private readonly zFraction: number;
  private readonly yaw: number;
  private readonly offset = [0, 0, 0, 0]; // [dx, dy, dz, dyaw] of the current burst
  private left = 0; // steps left in the current burst

  constructor(private readonly rng: Rng, options: PerturbationOptions = {}) {
    this.scale = options.scale ?? 0.008;
    this.rate = options.rate ?? 0.04;
    this.steps = options.steps ?? [3, 8];
    this.zFraction = options.zFraction ?? 0.4;
    this.yaw = options.yaw ?? 0.04;
    if (!(this.scale >= 0 && this.scale <= ACTION_LIMITS.maxPosDelta)) throw new Error(`Perturbation: scale must be in [0, ${ACTION_LIMITS.maxPosDelta}], got ${this.scale}`);
    if (!(this.rate >= 0 && this.rate <= 1)) throw new Error(`Perturbation: rate must be in [0, 1], got ${this.rate}`);
    if (!(this.steps[0] >= 1 && this.steps[1] >= this.steps[0])) throw new Error(`Perturbation: steps must be [min >= 1, max >= min], got [${this.steps.join(', ')}]`);
  }

  /** The action to execute for the expert's `action` (7-D; returns a new array). */
  apply(action: readonly number[]): number[] {
    const out = [...action];
    if (this.scale === 0) return out;
    if (this.left === 0 && this.rng.next() < this.rate) this.startBurst();
    if (this.left === 0) return out;
    this.left--;
    const lim = ACTION_LIMITS.maxPosDelta;
    for (let i = 0; i < 3; i++) out[i] = Math.max(-lim, Math.min(lim, out[i] + this.offset[i]));
    out[5] = Math.max(-ACTION_LIMITS.maxRotDelta, Math.min(ACTION_LIMITS.maxRotDelta, out[5] + this.offset[3]));
    return out;
  }

  private startBurst(): void {
    const r = this.rng;
    const dir = r.range(-Math.PI, Math.PI);
    const mag = this.scale * r.range(0.3, 1);
    this.offset[0] = mag * Math.cos(dir);
    this.offset[1] = mag * Math.sin(dir);
    this.offset[2] = this.scale * this.zFraction * r.range(-1, 1);
    this.offset[3] = this.yaw * r.range(-1, 1);
    this.left = this.steps[0] + r.int(this.steps[1] - this.steps[0] + 1);
  }
}
