// Observation preprocessing by the manifest's rules (TS twin of training/preprocess.py; both are
// checked against tests/fixtures/model/preprocess.json). Pure: no DOM, works on plain arrays.
//
// Camera: RGBA or RGB bytes, rows top to bottom (a WebGL readPixels buffer is bottom-up: flip it
// first), pixel p -> (p / 255 - mean[c]) / std[c], written NCHW as [channel][row][col].
// Proprio: the sim's [x, y, z, qx, qy, qz, qw, opening]; manifest.proprio.names picks and orders
// values, value -> (v - mean[i]) / std[i].
// Invariant: output lengths are exactly 3 * H * W and proprio.names.length; bad sizes throw.

import type { CameraSpec, ProprioSpec } from './manifestTypes';

export const SIM_PROPRIO_NAMES = ['x', 'y', 'z', 'qx', 'qy', 'qz', 'qw', 'opening'] as const;

export class PreprocessError extends Error {
  override name = 'PreprocessError';
}

/**
 * Pixels -> normalised float32 [3][height][width]. `channels` is 4 for RGBA (alpha ignored)
 * or 3 for RGB. Writes into `out` when given (allocation-free per frame).
 */
export function imageToTensor(
  pixels: ArrayLike<number>,
  camera: Pick<CameraSpec, 'name' | 'width' | 'height' | 'mean' | 'std'>,
  channels: 3 | 4 = 4,
  out?: Float32Array,
): Float32Array {
  const { width: W, height: H } = camera;
  if (pixels.length !== W * H * channels) {
    throw new PreprocessError(`camera ${camera.name}: expected ${W}x${H}x${channels} = ${W * H * channels} bytes, got ${pixels.length}`);
  }
  const dst = out ?? new Float32Array(3 * H * W); // [channel][row][col]
  if (dst.length !== 3 * H * W) throw new PreprocessError(`camera ${camera.name}: output buffer must hold ${3 * H * W} floats, got ${dst.length}`);
  const plane = H * W;
  for (let c = 0; c < 3; c++) {
    const mean = camera.mean[c];
    const std = camera.std[c];
    for (let i = 0; i < plane; i++) dst[c * plane + i] = (pixels[i * channels + c] / 255 - mean) / std;
  }
  return dst;
}

/** Sim proprio (8 values in SIM_PROPRIO_NAMES order) -> normalised float32 in manifest order. */
export function proprioToTensor(simProprio: ArrayLike<number>, spec: ProprioSpec, out?: Float32Array): Float32Array {
  if (simProprio.length !== SIM_PROPRIO_NAMES.length) {
    throw new PreprocessError(`proprio: expected ${SIM_PROPRIO_NAMES.length} values (${SIM_PROPRIO_NAMES.join(', ')}), got ${simProprio.length}`);
  }
  const dst = out ?? new Float32Array(spec.names.length);
  spec.names.forEach((name, i) => {
    const j = (SIM_PROPRIO_NAMES as readonly string[]).indexOf(name);
    if (j < 0) throw new PreprocessError(`proprio: unknown name "${name}"`);
    const v = simProprio[j];
    if (!Number.isFinite(v)) throw new PreprocessError(`proprio: ${name} must be finite, got ${v}`);
    dst[i] = (v - spec.mean[i]) / spec.std[i];
  });
  return dst;
}
