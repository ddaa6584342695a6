// Export an HDF5 demonstration dataset to the compact LeRobot v3 layout (Node): parquet tables
// and JSON from lerobotTables.ts, one MP4 per camera from a VideoSink (the WebCodecs encoder in
// headless Chromium; scripts/exportLerobot.ts wires it).
// Reference: LeRobot v3.0 on-disk layout; docs/data.md.
// Invariants: atomic (built in `<out>.partial-<pid>/`, renamed over `out` at the end, removed on
// failure); the first frame of every episode is a key frame; episode e's frames are video frames
// [from_timestamp * fps, to_timestamp * fps) of each camera file; stats are copied from the HDF5
// (not recomputed from float32 copies) so both formats carry the same normalisation bounds.
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Hdf5DatasetReader } from './hdf5Reader';
import {
  DATA_PATH,
  EPISODES_PATH,
  LEROBOT_KEYS,
  TASKS_PATH,
  ImageStats,
  makeInfo,
  rows,
  videoPath,
  writeParquet,
  type Column,
} from './lerobotTables';

/** Receives one camera's frames in order and returns the finished MP4. */
export interface VideoSink {
  /** `rgb`: `count` frames [frame][row][col][rgb]; `keyFrames`: indices in this batch. */
  add(rgb: Uint8Array, count: number, keyFrames: number[]): Promise<void>;
  finish(): Promise<Uint8Array>;
}

export interface LerobotExportOptions {
  /** Frames per second of the data. @default 20 */
  fps: number;
  /** Video codec. @default 'vp9' */
  codec: 'avc' | 'vp9' | 'av1';
  /** Pixel stride of the image statistics (every n-th pixel). @default 7 */
  statsStride: number;
  onProgress?: (done: number, total: number) => void;
}
export const DEFAULT_LEROBOT_EXPORT_OPTIONS: Readonly<LerobotExportOptions> = { fps: 20, codec: 'vp9', statsStride: 7 };

export interface LerobotExportSummary {
  out: string;
  episodes: number;
  frames: number;
  bytes: number;
  /** Bytes per file, relative path -> size. */
  files: Record<string, number>;
}

type SinkFactory = (key: string, size: { width: number; height: number; fps: number }) => Promise<VideoSink>;

export async function exportLerobot(
  reader: Hdf5DatasetReader,
  out: string,
  makeSink: SinkFactory,
  options: Partial<LerobotExportOptions> = {},
): Promise<LerobotExportSummary> {
  const o = { ...DEFAULT_LEROBOT_EXPORT_OPTIONS, ...options };
  const final = resolve(out);
  if (!existsSync(dirname(final))) throw new Error(`output folder does not exist: ${dirname(final)}`);
  const tmp = `${final}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const summary = await build(reader, tmp, makeSink, o);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
    return { ...summary, out: final };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function build(reader: Hdf5DatasetReader, dir: string, makeSink: SinkFactory, o: LerobotExportOptions) {
  const names = reader.demoNames;
  const first = reader.readDemo(0);
  const { width, height } = first;
  const sinks = {
    agentview: await makeSink(LEROBOT_KEYS.agentview, { width, height, fps: o.fps }),
    wrist: await makeSink(LEROBOT_KEYS.wrist, { width, height, fps: o.fps }),
  };
  const taskIndex = new Map<string, number>();
  const frame = { index: [] as bigint[], episode: [] as bigint[], frameIndex: [] as bigint[], timestamp: [] as number[], task: [] as bigint[], reward: [] as number[], done: [] as boolean[] };
  const state: number[][] = [];
  const action: number[][] = [];
  const ep = { index: [] as bigint[], tasks: [] as string[][], taskId: [] as string[], seed: [] as bigint[], length: [] as bigint[], from: [] as bigint[], to: [] as bigint[], tsFrom: [] as number[], tsTo: [] as number[] };
  const imgStats = { agentview: new ImageStats(o.statsStride), wrist: new ImageStats(o.statsStride) };
  let global = 0;
  for (let e = 0; e < names.length; e++) {
    const d = e === 0 ? first : reader.readDemo(names[e]);
    if (d.width !== width || d.height !== height) throw new Error(`${names[e]}: image size ${d.width}x${d.height} differs from ${width}x${height}`);
    const T = d.numSamples;
    if (!taskIndex.has(d.instruction)) taskIndex.set(d.instruction, taskIndex.size);
    const ti = BigInt(taskIndex.get(d.instruction)!);
    for (let t = 0; t < T; t++) {
      frame.index.push(BigInt(global + t));
      frame.episode.push(BigInt(e));
      frame.frameIndex.push(BigInt(t));
      frame.timestamp.push(t / o.fps);
      frame.task.push(ti);
      frame.reward.push(d.rewards[t]);
      frame.done.push(d.dones[t] === 1);
    }
    state.push(...rows(d.proprio, 8));
    action.push(...rows(d.actions, 7));
    ep.index.push(BigInt(e));
    ep.tasks.push([d.instruction]);
    ep.taskId.push(d.taskId);
    ep.seed.push(BigInt(d.seed));
    ep.length.push(BigInt(T));
    ep.from.push(BigInt(global));
    ep.to.push(BigInt(global + T));
    ep.tsFrom.push(global / o.fps);
    ep.tsTo.push((global + T) / o.fps);
    await sinks.agentview.add(d.agentview, T, [0]);
    await sinks.wrist.add(d.wrist, T, [0]);
    imgStats.agentview.add(d.agentview);
    imgStats.wrist.add(d.wrist);
    global += T;
    o.onProgress?.(e + 1, names.length);
  }
  const files: Record<string, number> = {};
  const put = (rel: string, bytes: Uint8Array | string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), bytes);
    files[rel] = statSync(join(dir, rel)).size;
  };
  for (const [cam, key] of [['agentview', LEROBOT_KEYS.agentview], ['wrist', LEROBOT_KEYS.wrist]] as const) {
    put(videoPath(key), await sinks[cam].finish());
  }
  const data: Column[] = [
    { name: 'index', type: 'INT64', data: frame.index },
    { name: 'episode_index', type: 'INT64', data: frame.episode },
    { name: 'frame_index', type: 'INT64', data: frame.frameIndex },
    { name: 'timestamp', type: 'FLOAT', data: frame.timestamp },
    { name: 'task_index', type: 'INT64', data: frame.task },
    { name: LEROBOT_KEYS.state, type: 'FLOAT', list: 8, data: state },
    { name: LEROBOT_KEYS.action, type: 'FLOAT', list: 7, data: action },
    { name: 'next.reward', type: 'FLOAT', data: frame.reward },
    { name: 'next.done', type: 'BOOLEAN', data: frame.done },
  ];
  put(DATA_PATH, writeParquet(data));
  const n = names.length;
  const zeros = Array.from({ length: n }, () => 0n);
  const episodes: Column[] = [
    { name: 'episode_index', type: 'INT64', data: ep.index },
    { name: 'tasks', type: 'STRING', list: 1, data: ep.tasks },
    { name: 'task_id', type: 'STRING', data: ep.taskId },
    { name: 'seed', type: 'INT64', data: ep.seed },
    { name: 'length', type: 'INT64', data: ep.length },
    { name: 'data/chunk_index', type: 'INT64', data: zeros },
    { name: 'data/file_index', type: 'INT64', data: zeros },
    { name: 'dataset_from_index', type: 'INT64', data: ep.from },
    { name: 'dataset_to_index', type: 'INT64', data: ep.to },
  ];
  for (const key of [LEROBOT_KEYS.agentview, LEROBOT_KEYS.wrist]) {
    episodes.push(
      { name: `videos/${key}/chunk_index`, type: 'INT64', data: zeros },
      { name: `videos/${key}/file_index`, type: 'INT64', data: zeros },
      { name: `videos/${key}/from_timestamp`, type: 'DOUBLE', data: ep.tsFrom },
      { name: `videos/${key}/to_timestamp`, type: 'DOUBLE', data: ep.tsTo },
    );
  }
  episodes.push({ name: 'meta/episodes/chunk_index', type: 'INT64', data: zeros }, { name: 'meta/episodes/file_index', type: 'INT64', data: zeros });
  put(EPISODES_PATH, writeParquet(episodes));
  const tasks = [...taskIndex.keys()];
  put(TASKS_PATH, writeParquet([
    { name: 'task_index', type: 'INT64', data: tasks.map((_, i) => BigInt(i)) },
    { name: 'task', type: 'STRING', data: tasks },
  ]));
  const s = reader.readStats();
  const count = [global];
  const stats = {
    [LEROBOT_KEYS.state]: { ...s.proprio, count },
    [LEROBOT_KEYS.action]: { ...s.actions, count },
    [LEROBOT_KEYS.agentview]: imgStats.agentview.result(),
    [LEROBOT_KEYS.wrist]: imgStats.wrist.result(),
  };
  put('meta/stats.json', JSON.stringify(stats, null, 1));
  const info = makeInfo({ episodes: n, frames: global, tasks: tasks.length, fps: o.fps, width, height, codec: o.codec, source: { hdf5: reader.path, collect_args: reader.attrs.collectArgs } });
  put('meta/info.json', JSON.stringify(info, null, 2));
  const bytes = Object.values(files).reduce((a, b) => a + b, 0);
  return { episodes: n, frames: global, bytes, files };
}
