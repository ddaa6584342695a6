// RGB <-> I420 (YUV 4:2:0 planar) in BT.601 limited range, for the video export.
// Why convert ourselves instead of handing RGBA VideoFrames to the encoder: the browser would
// pick the matrix (BT.709 or 601) and OpenCV's FFmpeg backend decodes with BT.601 limited range
// regardless of what the stream signals, so a browser-chosen matrix shows up as a colour shift.
// Converting here with the matrix the decoder assumes, and tagging the frames "smpte170m",
// makes encode and decode agree (docs/data.md states the error that remains).
// Reference: ITU-R BT.601 (Y = 16 + 219 * Y', Cb/Cr = 128 + 224 * (B'-Y')/1.772 etc.).
// Invariants: width and height even (4:2:0 needs it; 64x64 default); outputs are Y [h][w],
// then U [h/2][w/2], then V [h/2][w/2] in one buffer (WebCodecs' I420 layout); chroma is the
// mean of each 2x2 block.

/** Bytes of one I420 frame. */
export function i420Size(width: number, height: number): number {
  return width * height + 2 * (width / 2) * (height / 2);
}

/** Convert RGB frames [frame][row][col][rgb] to I420 frames [frame][Y|U|V]. */
export function rgbToI420(rgb: Uint8Array, width: number, height: number, out?: Uint8Array): Uint8Array {
  if (width % 2 !== 0 || height % 2 !== 0) throw new Error(`rgbToI420: width and height must be even, got ${width}x${height}`);
  const px = width * height;
  if (rgb.length % (px * 3) !== 0) throw new Error('rgbToI420: length is not a whole number of frames');
  const frames = rgb.length / (px * 3);
  const fs = i420Size(width, height);
  const dst = out ?? new Uint8Array(frames * fs);
  const cw = width / 2;
  for (let f = 0; f < frames; f++) {
    const src = f * px * 3;
    const y0 = f * fs;
    const u0 = y0 + px;
    const v0 = u0 + cw * (height / 2);
    for (let i = 0; i < px; i++) {
      const r = rgb[src + i * 3], g = rgb[src + i * 3 + 1], b = rgb[src + i * 3 + 2];
      dst[y0 + i] = clamp8(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
    }
    for (let cy = 0; cy < height / 2; cy++) {
      for (let cx = 0; cx < cw; cx++) {
        let r = 0, g = 0, b = 0;
        for (const [dy, dx] of BLOCK) {
          const i = src + ((cy * 2 + dy) * width + cx * 2 + dx) * 3;
          r += rgb[i];
          g += rgb[i + 1];
          b += rgb[i + 2];
        }
        r /= 4;
        g /= 4;
        b /= 4;
        dst[u0 + cy * cw + cx] = clamp8(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255);
        dst[v0 + cy * cw + cx] = clamp8(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255);
      }
    }
  }
  return dst;
}

/** Inverse of rgbToI420 (nearest-neighbour chroma), used by tests to bound the conversion error. */
export function i420ToRgb(yuv: Uint8Array, width: number, height: number): Uint8Array {
  const px = width * height;
  const fs = i420Size(width, height);
  const frames = yuv.length / fs;
  const out = new Uint8Array(frames * px * 3);
  const cw = width / 2;
  for (let f = 0; f < frames; f++) {
    const y0 = f * fs, u0 = y0 + px, v0 = u0 + cw * (height / 2);
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const y = (yuv[y0 + r * width + c] - 16) * 1.164383;
        const u = yuv[u0 + (r >> 1) * cw + (c >> 1)] - 128;
        const v = yuv[v0 + (r >> 1) * cw + (c >> 1)] - 128;
        const o = (f * px + r * width + c) * 3;
        out[o] = clamp8(y + 1.596027 * v);
        out[o + 1] = clamp8(y - 0.391762 * u - 0.812968 * v);
        out[o + 2] = clamp8(y + 2.017232 * u);
      }
    }
  }
  return out;
}

const BLOCK: readonly [number, number][] = [[0, 0], [0, 1], [1, 0], [1, 1]];

function clamp8(x: number): number {
  return x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
}
