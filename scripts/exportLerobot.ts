// `npm run export:lerobot -- --in data/<name>.hdf5 --out data/<name>_lerobot [--codec vp9|av1|avc]
//  [--quantizer Q] [--bitrate B]`: the compact, shareable LeRobot v3 copy of a collected dataset (parquet
// tables + one MP4 per camera encoded with WebCodecs in headless Chromium). docs/data.md.
// Invariants: atomic output folder (see src/data/lerobotExport.ts); clear errors, exit code 1.
import { existsSync } from 'node:fs';
import { Hdf5DatasetReader } from '../src/data/hdf5Reader';
import { exportLerobot } from '../src/data/lerobotExport';
import { openHarness } from './collect/browser';
import type { VideoCodecName } from './collect/videoEncoder';
import { DEFAULT_VIDEO, browserVideoSink } from './collect/videoSink';

export interface ExportArgs {
  input: string;
  out: string;
  codec: VideoCodecName;
  quantizer: number;
  bitrate: number;
  fps: number;
}

export function parseExportArgs(argv: string[]): ExportArgs {
  const a: Partial<ExportArgs> = { codec: 'vp9', fps: 20, ...DEFAULT_VIDEO };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const need = () => {
      if (value === undefined) throw new Error(`${flag} needs a value`);
      i++;
      return value;
    };
    if (flag === '--in') a.input = need();
    else if (flag === '--out') a.out = need();
    else if (flag === '--codec') {
      const c = need();
      if (c !== 'avc' && c !== 'vp9' && c !== 'av1') throw new Error(`--codec must be vp9, av1 or avc, got ${c}`);
      a.codec = c;
    } else if (flag === '--quantizer') a.quantizer = Number(need());
    else if (flag === '--bitrate') a.bitrate = Number(need());
    else if (flag === '--fps') a.fps = Number(need());
    else throw new Error(`unknown option ${flag}; usage: export:lerobot -- --in X.hdf5 --out DIR [--codec vp9|av1|avc] [--quantizer Q (vp9, av1)] [--bitrate B (avc)] [--fps 20]`);
  }
  if (!a.input) throw new Error('--in is required');
  if (!a.out) throw new Error('--out is required');
  if (!Number.isInteger(a.quantizer) || a.quantizer! < 0 || a.quantizer! > 63) throw new Error('--quantizer must be an integer in 0..63');
  if (!(a.bitrate! > 0)) throw new Error('--bitrate must be positive');
  if (!(a.fps! > 0)) throw new Error('--fps must be positive');
  return a as ExportArgs;
}

async function main(): Promise<void> {
  const args = parseExportArgs(process.argv.slice(2));
  if (!existsSync(args.input)) throw new Error(`no such file: ${args.input}`);
  const reader = await Hdf5DatasetReader.open(args.input);
  const harness = await openHarness({ entry: 'scripts/collect/videoPage.ts' });
  const t0 = performance.now();
  try {
    const summary = await exportLerobot(
      reader,
      args.out,
      (key, size) => browserVideoSink(harness, key, { codec: args.codec, quantizer: args.quantizer, bitrate: args.bitrate, ...size }),
      {
        fps: args.fps,
        codec: args.codec,
        onProgress: (done, total) => process.stderr.write(`\rexport: episode ${done}/${total}`),
      },
    );
    const s = (performance.now() - t0) / 1000;
    process.stderr.write('\n');
    console.log(JSON.stringify({ ...summary, seconds: +s.toFixed(1), framesPerSecond: +(summary.frames / s).toFixed(1), mib: +(summary.bytes / 2 ** 20).toFixed(2) }, null, 1));
  } finally {
    reader.close();
    await harness.close();
  }
}

if (process.argv[1]?.endsWith('exportLerobot.ts')) {
  main().catch((e) => {
    console.error(`export:lerobot: ${(e as Error).message}`);
    process.exit(1);
  });
}
