// The tfjs observation pipeline equals the pure preprocessing twin (src/core/preprocess.ts,
// itself checked against the Python twin), drops alpha, resizes to the model size, and refuses
// frames of the wrong size and missing cameras.
import { describe, expect, it } from 'vitest';
import { imageToTensor } from '../../src/core/preprocess';
import { buildEncoderInputs, frameToTensor, ObservationError, prepareTf } from '../../src/policy/observation';
import { Rng } from '../../src/core/rng';
import { Tokenizer } from '../../src/core/tokenizer';
import type { Manifest } from '../../src/core/manifestTypes';
import { readFileSync } from 'node:fs';

const cam = { name: 'agentview' as const, width: 8, height: 6, mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number] };
const randomBytes = (n: number, seed: number) => {
  const r = new Rng(seed);
  return Uint8Array.from({ length: n }, () => r.int(256));
};

describe('frameToTensor (tfjs)', () => {
  it('equals imageToTensor for RGB and RGBA frames at model size', async () => {
    await prepareTf();
    for (const channels of [3, 4] as const) {
      const data = randomBytes(cam.width * cam.height * channels, channels);
      const got = frameToTensor({ data, width: cam.width, height: cam.height, channels }, cam);
      const want = imageToTensor(data, cam, channels);
      expect(got.length).toBe(3 * 6 * 8);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    }
  });

  it('resizes a larger frame to the model size (a constant image stays constant per channel)', async () => {
    await prepareTf();
    const W = 32, H = 24;
    const data = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) data.set([200, 100, 50], i * 3);
    const got = frameToTensor({ data, width: W, height: H, channels: 3 }, cam);
    expect(got.length).toBe(3 * cam.height * cam.width);
    const plane = cam.width * cam.height;
    [200, 100, 50].forEach((p, c) => {
      const want = (p / 255 - cam.mean[c]) / cam.std[c];
      for (let i = 0; i < plane; i++) expect(got[c * plane + i]).toBeCloseTo(want, 5);
    });
    // A left-dark / right-bright frame keeps its left-right order after resizing.
    const grad = new Uint8Array(W * H * 3);
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) grad.fill(c < W / 2 ? 0 : 255, (r * W + c) * 3, (r * W + c) * 3 + 3);
    const g = frameToTensor({ data: grad, width: W, height: H, channels: 3 }, cam);
    expect(g[0]).toBeLessThan(g[cam.width - 1]);
  });

  it('refuses a frame whose byte count does not match its size', async () => {
    await prepareTf();
    expect(() => frameToTensor({ data: new Uint8Array(10), width: 8, height: 6, channels: 3 }, cam)).toThrow(ObservationError);
    expect(() => frameToTensor({ data: new Uint8Array(10), width: 8, height: 6, channels: 3 }, cam)).toThrow('needs 144 bytes, got 10');
  });

  it('buildEncoderInputs names a missing camera and tokenizes the instruction', async () => {
    await prepareTf();
    const manifest = JSON.parse(readFileSync(new URL('../../models/test-random/manifest.json', import.meta.url), 'utf8')) as Manifest;
    const tok = new Tokenizer(JSON.parse(readFileSync(new URL('../../models/test-random/tokenizer.json', import.meta.url), 'utf8')));
    const frame = { data: randomBytes(32 * 32 * 3, 1), width: 32, height: 32, channels: 3 as const };
    const proprio = [0, 0, 0.1, 0, 0, 0, 1, 0.04];
    expect(() => buildEncoderInputs(manifest, tok, { instruction: 'red cube', proprio, images: { agentview: frame } })).toThrow('observation has no "wrist" frame');
    const inp = buildEncoderInputs(manifest, tok, { instruction: 'red cube', proprio, images: { agentview: frame, wrist: frame } });
    expect(Array.from(inp.attentionMask.slice(0, 5))).toEqual([1, 1, 1, 1, 0]);
    expect(Array.from(inp.proprio)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
