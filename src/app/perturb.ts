// The robustness lab's image ops: what the model sees, made worse on purpose. Brightness,
// contrast, Gaussian noise, a grey occluding square and a horizontal camera shift, applied with
// @tensorflow/tfjs to a rendered frame, which is also resized to the model's camera size so the
// page can show exactly the pixels the model gets.
// Reference: src/policy/observation.ts (tfjs on its 'cpu' backend; frames [row][col][rgb],
// row 0 = top); urlState.ts Perturbation (fields and ranges).
// Invariants: deterministic for a given (frame, perturbation, seed) (tf.randomNormal is seeded);
// with every field 0 the output equals a plain bilinear resize; output bytes are clamped to
// [0, 255]; no tensor outlives the call (tf.tidy).
import * as tf from '@tensorflow/tfjs';
import type { CameraFrame } from '../policy/observation';
import type { Perturbation } from './urlState';

/** Mid-grey used for occlusion and for the pixels a shift uncovers (0..1 scale). */
const GREY = 0.5;

/** Frame -> perturbed RGB frame at width x height. `seed` seeds the noise (e.g. the sim step). */
export function perturbFrame(frame: CameraFrame, p: Perturbation, width: number, height: number, seed: number): CameraFrame {
  const data = tf.tidy(() => {
    let x = tf.tensor3d(frame.data, [frame.height, frame.width, frame.channels], 'int32').toFloat();
    if (frame.channels === 4) x = x.slice([0, 0, 0], [frame.height, frame.width, 3]);
    x = x.div(255);
    if (frame.width !== width || frame.height !== height) x = tf.image.resizeBilinear(x as tf.Tensor3D, [height, width]);
    if (p.contrast !== 0) {
      const mean = x.mean();
      x = x.sub(mean).mul(1 + p.contrast).add(mean);
    }
    if (p.brightness !== 0) x = x.add(p.brightness);
    if (p.noise > 0) x = x.add(tf.randomNormal([height, width, 3], 0, p.noise, 'float32', seed));
    const k = Math.round(Math.abs(p.shift) * width);
    if (k > 0) {
      // The camera moves right -> the image content moves left; uncovered columns are grey.
      const kept = p.shift > 0 ? x.slice([0, k, 0], [height, width - k, 3]) : x.slice([0, 0, 0], [height, width - k, 3]);
      x = tf.pad(kept, [[0, 0], p.shift > 0 ? [0, k] : [k, 0], [0, 0]], GREY);
    }
    const side = Math.round(p.occlusion * width);
    if (side > 0) {
      const m = new Float32Array(height * width);
      const y0 = Math.floor((height - side) / 2);
      const x0 = Math.floor((width - side) / 2);
      for (let r = y0; r < Math.min(height, y0 + side); r++) m.fill(1, r * width + x0, r * width + Math.min(width, x0 + side));
      const mask = tf.tensor3d(m, [height, width, 1]);
      x = x.mul(tf.sub(1, mask)).add(mask.mul(GREY));
    }
    return x.clipByValue(0, 1).mul(255).round().toInt().dataSync();
  });
  return { data: Uint8Array.from(data), width, height, channels: 3 };
}

/** True when p changes nothing. */
export function isIdentity(p: Perturbation): boolean {
  return p.brightness === 0 && p.contrast === 0 && p.noise === 0 && p.occlusion === 0 && p.shift === 0;
}
