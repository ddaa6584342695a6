// Node-side VideoSink (src/data/lerobotExport.ts) backed by the WebCodecs encoder running in the
// harness page (videoPage.ts): converts RGB to I420 here (src/data/yuv.ts), ships frames as
// fetched blobs, and reads the finished MP4 back in base64 slices.
// Invariants: frames reach the encoder in call order; one sink per key per page.
import type { VideoSink } from '../../src/data/lerobotExport';
import { rgbToI420 } from '../../src/data/yuv';
import type { Harness } from './browser';
import type { VideoApi, } from './videoPage';
import type { VideoStreamOptions } from './videoEncoder';

type Win = { vlaVideo: VideoApi };
const READ_SLICE = 4 << 20; // bytes per page.evaluate when reading the MP4 back

/** Default VP9 quantizer and H.264 bitrate (docs/data.md: size and decoded error they give). */
export const DEFAULT_VIDEO = { quantizer: 32, bitrate: 150_000 } as const;

export async function browserVideoSink(h: Harness, key: string, opts: VideoStreamOptions): Promise<VideoSink> {
  await h.page.evaluate(([k, o]) => (window as unknown as Win).vlaVideo.videoStart(k, o), [key, opts] as const);
  const { width, height } = opts;
  return {
    async add(rgb, count, keyFrames) {
      const url = h.serve(rgbToI420(rgb.subarray(0, count * width * height * 3), width, height));
      await h.page.evaluate(([k, u, n, kf]) => (window as unknown as Win).vlaVideo.videoAdd(k, u, n, kf), [key, url, count, keyFrames] as const);
    },
    async finish() {
      const size = await h.page.evaluate((k) => (window as unknown as Win).vlaVideo.videoFinish(k), key);
      const out = new Uint8Array(size);
      for (let off = 0; off < size; off += READ_SLICE) {
        const b64 = await h.page.evaluate(([k, o, n]) => (window as unknown as Win).vlaVideo.videoRead(k, o, n), [key, off, READ_SLICE] as const);
        out.set(Buffer.from(b64, 'base64'), off);
      }
      await h.page.evaluate((k) => (window as unknown as Win).vlaVideo.videoDrop(k), key);
      return out;
    },
  };
}
