// Observation pipeline: camera frames + instruction + proprio -> the encoder's inputs, by the
// manifest's rules. Image operations (channel drop, resize, normalise, HWC -> CHW) run in
// @tensorflow/tfjs so later perturbations (colour jitter, crops, noise) slot in as tensor ops.
// Reference: models/README.md "Input values"; src/core/preprocess.ts is the pure twin (and the
// Python twin training/preprocess.py); tests/policy check that the tfjs path equals it.
// Invariants: frames are [row][col][channel] bytes, row 0 = top (src/render/ModelCameras.ts);
// output images are float32 [3][height][width] at the manifest's size; tfjs runs on its 'cpu'
// backend (deterministic, identical in Node and the page, and no second WebGL context beside
// the renderer's); an instruction the tokenizer refuses throws with the model's limit.

import * as tf from '@tensorflow/tfjs';
import type { CameraSpec, Manifest } from '../core/manifestTypes';
import { proprioToTensor } from '../core/preprocess';
import type { Tokenizer } from '../core/tokenizer';
import type { EncoderInputs } from './VlaModel';

/** One camera frame as the renderer returns it. */
export interface CameraFrame {
  /** [row][col][channel] bytes, row 0 = top. */
  data: Uint8Array;
  width: number;
  height: number;
  /** 3 = RGB, 4 = RGBA (alpha dropped). */
  channels: 3 | 4;
}

export class ObservationError extends Error {
  override name = 'ObservationError';
}

let tfReady: Promise<void> | null = null;

/** Selects the tfjs CPU backend once; await before the first frameToTensor. */
export function prepareTf(): Promise<void> {
  tfReady ??= tf.setBackend('cpu').then((ok) => {
    if (!ok) throw new ObservationError('@tensorflow/tfjs: the cpu backend could not be initialised');
  });
  return tfReady;
}

/** Frame bytes -> normalised float32 [3][height][width] at the camera's model size. */
export function frameToTensor(frame: CameraFrame, camera: Pick<CameraSpec, 'name' | 'width' | 'height' | 'mean' | 'std'>): Float32Array {
  const { width: W, height: H, channels: C } = frame;
  if (frame.data.length !== W * H * C) {
    throw new ObservationError(`camera ${camera.name}: frame of ${W}x${H}x${C} needs ${W * H * C} bytes, got ${frame.data.length}`);
  }
  if (tf.getBackend() !== 'cpu') throw new ObservationError('frameToTensor: call `await prepareTf()` first');
  const chw = tf.tidy(() => {
    let img: tf.Tensor3D = tf.tensor3d(frame.data, [H, W, C], 'int32').toFloat();
    if (C === 4) img = img.slice([0, 0, 0], [H, W, 3]);
    if (H !== camera.height || W !== camera.width) {
      // Bilinear with half-pixel centres: the usual choice for downscaling a rendered frame.
      img = tf.image.resizeBilinear(img, [camera.height, camera.width], false, true);
    }
    const mean = tf.tensor1d(camera.mean.map((m) => m * 255));
    const std = tf.tensor1d(camera.std.map((s) => s * 255));
    // (p / 255 - mean) / std == (p - 255 mean) / (255 std)
    return img.sub(mean).div(std).transpose([2, 0, 1]); // [channel][row][col]
  });
  const out = chw.dataSync() as Float32Array;
  chw.dispose();
  return out;
}

/** Everything the encoder needs for one observation. */
export function buildEncoderInputs(
  manifest: Manifest,
  tokenizer: Tokenizer,
  obs: { instruction: string; proprio: ArrayLike<number>; images: Record<string, CameraFrame | undefined> },
): EncoderInputs {
  const images: Record<string, Float32Array> = {};
  for (const cam of manifest.cameras) {
    const f = obs.images[cam.name];
    if (!f) throw new ObservationError(`observation has no "${cam.name}" frame; the model needs cameras ${manifest.cameras.map((c) => c.name).join(', ')}`);
    images[cam.name] = frameToTensor(f, cam);
  }
  const enc = tokenizer.encode(obs.instruction);
  return { images, inputIds: enc.ids, attentionMask: enc.attentionMask, proprio: proprioToTensor(obs.proprio, manifest.proprio) };
}
