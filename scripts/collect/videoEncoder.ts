// Browser side of the video export: I420 frames -> WebCodecs VideoEncoder -> MP4 (mediabunny).
// Runs in headless Chromium (bundled into the page by scripts/collect/browser.ts); Node feeds
// frames through a fetched route and reads the finished file back in base64 slices.
// Reference: WebCodecs VideoEncoder (W3C), mediabunny EncodedVideoPacketSource.
// Invariants:
// - Frames are I420 BT.601 limited range (src/data/yuv.ts), tagged smpte170m, so OpenCV decodes
//   them with the matrix they were made with.
// - Frame k of a stream has timestamp k / fps; a caller-marked frame (each episode's first) is a
//   key frame, so an episode can be decoded from its from_timestamp without its predecessors.
// - VP9 (default) runs in 'quantizer' mode: constant quality per frame, size follows content.
//   Chromium's H.264 encoder (OpenH264) has no quantizer mode and refuses frames smaller than
//   its minimum, so 'avc' runs in variable-bitrate mode at `bitrate`.
import { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output } from 'mediabunny';

/** Options of one video stream. */
export interface VideoStreamOptions {
  /** 'vp9' (default), 'av1' or 'avc' (H.264). */
  codec: VideoCodecName;
  width: number;
  height: number;
  fps: number;
  /** VP9 / AV1 quantizer 0..63; lower is better quality and bigger. */
  quantizer: number;
  /** H.264 target bitrate, bits per second. */
  bitrate: number;
}

/** Codecs the export can write (all decodable by Debian's OpenCV / FFmpeg). */
export type VideoCodecName = 'avc' | 'vp9' | 'av1';

interface Stream {
  opts: VideoStreamOptions;
  encoder: VideoEncoder;
  output: Output<Mp4OutputFormat, BufferTarget>;
  source: EncodedVideoPacketSource;
  /** Muxer writes, chained so packets enter in decode order. */
  pending: Promise<void>;
  frames: number;
  error: Error | null;
  bytes: Uint8Array | null;
}

const streams = new Map<string, Stream>();

/** Full WebCodecs codec string for a small frame. */
function codecString(codec: VideoCodecName): string {
  // H.264 Constrained Baseline level 3.1 (no B-frames: decode order = presentation order);
  // VP9 profile 0, level 1.0, 8-bit; AV1 Main profile, level 3.0, 8-bit.
  return { avc: 'avc1.42e01f', vp9: 'vp09.00.10.08', av1: 'av01.0.04M.08' }[codec];
}

export async function videoStart(key: string, opts: VideoStreamOptions): Promise<void> {
  if (streams.has(key)) throw new Error(`video stream ${key} already started`);
  const config: VideoEncoderConfig = {
    codec: codecString(opts.codec),
    width: opts.width,
    height: opts.height,
    framerate: opts.fps,
    latencyMode: 'quality',
    hardwareAcceleration: 'prefer-software',
    ...(opts.codec === 'avc'
      ? { avc: { format: 'avc' as const }, bitrateMode: 'variable' as const, bitrate: opts.bitrate }
      : { bitrateMode: 'quantizer' as const }),
  };
  const support = await VideoEncoder.isConfigSupported(config);
  if (!support.supported) throw new Error(`this browser cannot encode ${config.codec} at ${opts.width}x${opts.height} (${config.bitrateMode} mode)`);
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target: new BufferTarget() });
  const source = new EncodedVideoPacketSource(opts.codec);
  output.addVideoTrack(source, { frameRate: opts.fps });
  await output.start();
  const s: Stream = { opts, output, source, pending: Promise.resolve(), frames: 0, error: null, bytes: null, encoder: null as unknown as VideoEncoder };
  s.encoder = new VideoEncoder({
    output: (chunk, meta) => {
      const packet = EncodedPacket.fromEncodedChunk(chunk);
      s.pending = s.pending.then(() => source.add(packet, meta));
    },
    error: (e) => {
      s.error = e instanceof Error ? e : new Error(String(e));
    },
  });
  s.encoder.configure(config);
  streams.set(key, s);
}

/**
 * Encode `count` I420 frames fetched from `url` (the body is count * frameSize bytes).
 * `keyFrames` lists the indices (within this batch) that must be key frames.
 */
export async function videoAdd(key: string, url: string, count: number, keyFrames: number[]): Promise<void> {
  const s = streams.get(key);
  if (!s) throw new Error(`video stream ${key} not started`);
  const { width: w, height: h, fps, codec, quantizer } = s.opts;
  const data = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const size = w * h * 1.5;
  if (data.length !== count * size) throw new Error(`videoAdd: got ${data.length} bytes for ${count} frames of ${size}`);
  const keys = new Set(keyFrames);
  const usPerFrame = 1e6 / fps;
  for (let i = 0; i < count; i++) {
    if (s.error) throw s.error;
    const frame = new VideoFrame(data.subarray(i * size, (i + 1) * size), {
      format: 'I420',
      codedWidth: w,
      codedHeight: h,
      timestamp: Math.round(s.frames * usPerFrame),
      duration: Math.round(usPerFrame),
      colorSpace: { matrix: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', fullRange: false },
    });
    const options: VideoEncoderEncodeOptions = { keyFrame: keys.has(i) || s.frames === 0 };
    if (codec !== 'avc') (options as Record<string, unknown>)[codec] = { quantizer };
    s.encoder.encode(frame, options);
    frame.close();
    s.frames++;
    // Backpressure: let the encoder drain before queueing more.
    while (s.encoder.encodeQueueSize > 16) await new Promise((r) => s.encoder.addEventListener('dequeue', r, { once: true }));
  }
  await s.pending;
}

/** Flush, finish the MP4 and keep its bytes; returns the file size. */
export async function videoFinish(key: string): Promise<number> {
  const s = streams.get(key);
  if (!s) throw new Error(`video stream ${key} not started`);
  await s.encoder.flush();
  if (s.error) throw s.error;
  s.encoder.close();
  await s.pending;
  await s.output.finalize();
  const buf = s.output.target.buffer;
  if (!buf) throw new Error(`video stream ${key}: no output`);
  s.bytes = new Uint8Array(buf);
  return s.bytes.length;
}

/** A slice of a finished MP4 as base64 (how bytes leave the page through page.evaluate). */
export function videoRead(key: string, offset: number, length: number): string {
  const s = streams.get(key);
  if (!s?.bytes) throw new Error(`video stream ${key} not finished`);
  const part = s.bytes.subarray(offset, offset + length);
  let bin = '';
  for (let i = 0; i < part.length; i += 0x8000) bin += String.fromCharCode(...part.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Forget a finished stream. */
export function videoDrop(key: string): void {
  streams.delete(key);
}
