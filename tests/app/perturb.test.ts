// The robustness lab's tfjs image ops (src/app/perturb.ts) on a synthetic frame.
import { beforeAll, describe, expect, it } from 'vitest';
import { perturbFrame } from '../../src/app/perturb';
import { NO_PERTURBATION } from '../../src/app/urlState';
import { prepareTf, type CameraFrame } from '../../src/policy/observation';

const W = 16;
/** Horizontal ramp: column c has grey level 16 * c (0..240), so shifts are measurable. */
const frame: CameraFrame = { data: Uint8Array.from({ length: W * W * 3 }, (_, i) => 16 * (Math.floor(i / 3) % W)), width: W, height: W, channels: 3 };
const px = (f: CameraFrame, r: number, c: number) => f.data[(r * f.width + c) * 3];

beforeAll(() => prepareTf());

describe('perturbFrame', () => {
  it('no perturbation at the same size returns the frame unchanged', () => {
    expect(perturbFrame(frame, NO_PERTURBATION, W, W, 0).data).toEqual(frame.data);
  });

  it('brightness adds, contrast scales about the mean, values clamp to [0, 255]', () => {
    const b = perturbFrame(frame, { ...NO_PERTURBATION, brightness: 0.2 }, W, W, 0);
    expect(px(b, 0, 1)).toBe(16 + 51);
    expect(px(b, 0, 15)).toBe(255);
    const c = perturbFrame(frame, { ...NO_PERTURBATION, contrast: -1 }, W, W, 0);
    expect(new Set(c.data).size).toBe(1); // contrast 0: every pixel is the mean
    expect(px(c, 3, 3)).toBe(120);
  });

  it('shift moves content and fills with grey; occlusion greys the centre only', () => {
    const s = perturbFrame(frame, { ...NO_PERTURBATION, shift: 0.25 }, W, W, 0);
    expect(px(s, 0, 0)).toBe(px(frame, 0, 4));
    expect(px(s, 0, 15)).toBe(128);
    const o = perturbFrame(frame, { ...NO_PERTURBATION, occlusion: 0.5 }, W, W, 0);
    expect(px(o, 8, 8)).toBe(128);
    expect(px(o, 0, 0)).toBe(0);
  });

  it('noise is seeded: same seed same frame, other seed another', () => {
    const p = { ...NO_PERTURBATION, noise: 0.1 };
    const a = perturbFrame(frame, p, W, W, 7);
    expect(perturbFrame(frame, p, W, W, 7).data).toEqual(a.data);
    expect(perturbFrame(frame, p, W, W, 8).data).not.toEqual(a.data);
    expect(a.data).not.toEqual(frame.data);
  });

  it('resizes to the model size', () => {
    const r = perturbFrame(frame, NO_PERTURBATION, 8, 8, 0);
    expect([r.width, r.height, r.data.length]).toEqual([8, 8, 8 * 8 * 3]);
  });
});
