// Preprocessing against the shared fixture written by training/make_fixtures.py (Python twin:
// training/preprocess.py): the runtime must feed the model exactly what training did.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PreprocessError, imageToTensor, proprioToTensor } from '../../src/core/preprocess';
import type { CameraSpec, ProprioSpec } from '../../src/core/manifestTypes';

const fx = JSON.parse(readFileSync(new URL('../fixtures/model/preprocess.json', import.meta.url), 'utf8')) as {
  camera: CameraSpec;
  rgba: number[];
  image: number[];
  proprio: ProprioSpec;
  simProprio: number[];
  proprioOut: number[];
};

describe('preprocess', () => {
  it('turns RGBA bytes into the same NCHW floats as Python, also from RGB and into a given buffer', () => {
    expect(Array.from(imageToTensor(Uint8Array.from(fx.rgba), fx.camera))).toEqual(fx.image);
    const rgb = Uint8Array.from(fx.rgba.filter((_, i) => i % 4 !== 3));
    const out = new Float32Array(fx.image.length);
    expect(imageToTensor(rgb, fx.camera, 3, out)).toBe(out);
    expect(Array.from(out)).toEqual(fx.image);
    // layout [channel][row][col]: pixel (0, 0) is (0, 128, 255) in the fixture
    const plane = fx.camera.width * fx.camera.height;
    expect(out[0]).toBeCloseTo((0 - fx.camera.mean[0]) / fx.camera.std[0], 6);
    expect(out[plane]).toBeCloseTo((128 / 255 - fx.camera.mean[1]) / fx.camera.std[1], 6);
    expect(out[2 * plane]).toBeCloseTo((1 - fx.camera.mean[2]) / fx.camera.std[2], 6);
  });

  it('picks, orders and normalises proprio like Python', () => {
    expect(Array.from(proprioToTensor(fx.simProprio, fx.proprio))).toEqual(fx.proprioOut);
  });

  it('refuses wrong sizes and non-finite proprio', () => {
    expect(() => imageToTensor(new Uint8Array(10), fx.camera)).toThrow(PreprocessError);
    expect(() => imageToTensor(new Uint8Array(10), fx.camera)).toThrow('expected 5x3x4 = 60 bytes, got 10');
    expect(() => imageToTensor(Uint8Array.from(fx.rgba), fx.camera, 4, new Float32Array(3))).toThrow('output buffer');
    expect(() => proprioToTensor([0, 0, 0], fx.proprio)).toThrow('expected 8 values');
    expect(() => proprioToTensor([0, 0, 0, 0, 0, 0, 1, NaN], fx.proprio)).toThrow('opening must be finite');
  });
});
