// The tables and JSON of the LeRobot v3 export (Node): meta/info.json, meta/stats.json,
// meta/tasks.parquet, meta/episodes/chunk-000/file-000.parquet, data/chunk-000/file-000.parquet.
// Reference: LeRobot dataset format v3.0 (lerobot/datasets/utils.py: DEFAULT_DATA_PATH,
// DEFAULT_VIDEO_PATH, episodes metadata columns "videos/<key>/from_timestamp" etc.).
// Invariants: one row per frame in data, ordered by global index; every column is REQUIRED and
// PLAIN-encoded, gzip-compressed (training/dataset_lerobot.py decodes exactly that without
// pyarrow); vectors are parquet LISTs of fixed length (the feature's shape); the LeRobot "task"
// is the instruction string, so a task index names one paraphrase.
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ACTION_NAMES, PROPRIO_NAMES } from '../sim/types';

export const CODEBASE_VERSION = 'v3.0';
export const LEROBOT_KEYS = {
  agentview: 'observation.images.agentview',
  wrist: 'observation.images.eye_in_hand',
  state: 'observation.state',
  action: 'action',
} as const;
export const DATA_PATH = 'data/chunk-000/file-000.parquet';
export const EPISODES_PATH = 'meta/episodes/chunk-000/file-000.parquet';
export const TASKS_PATH = 'meta/tasks.parquet';
/** Path of a camera's video; all episodes of a camera are one file, back to back. */
export function videoPath(key: string): string {
  return `videos/${key}/chunk-000/file-000.mp4`;
}

/** One column of a table: physical type and one value per row (vectors: fixed-length arrays). */
export interface Column {
  name: string;
  type: 'INT64' | 'FLOAT' | 'DOUBLE' | 'BOOLEAN' | 'STRING';
  /** For LIST columns: elements per row. */
  list?: number;
  data: ArrayLike<unknown>;
}

/** Serialise columns to a parquet file (REQUIRED, PLAIN, gzip; see header). */
export function writeParquet(columns: Column[]): Uint8Array {
  const schema: Record<string, unknown>[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) {
    const leaf = c.type === 'STRING' ? { type: 'BYTE_ARRAY', converted_type: 'UTF8' } : { type: c.type };
    if (c.list !== undefined) {
      schema.push({ name: c.name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 });
      schema.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      schema.push({ name: 'element', repetition_type: 'REQUIRED', ...leaf });
    } else {
      schema.push({ name: c.name, repetition_type: 'REQUIRED', ...leaf });
    }
  }
  const buf = parquetWriteBuffer({
    columnData: columns.map((c) => ({ name: c.name, data: c.data as never, encoding: 'PLAIN' as const })),
    schema: schema as never,
    codec: 'GZIP',
    compressors: { GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)) },
    statistics: false,
    createdBy: 'vla-sim export:lerobot',
  });
  return new Uint8Array(buf);
}

/** Split a row-major Float64Array [row][dim] into per-row number arrays (parquet LIST rows). */
export function rows(a: ArrayLike<number>, dim: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += dim) out.push(Array.from({ length: dim }, (_, d) => a[i + d]));
  return out;
}

/** Facts of the export that info.json records. */
export interface InfoInput {
  episodes: number;
  frames: number;
  tasks: number;
  fps: number;
  width: number;
  height: number;
  codec: 'avc' | 'vp9' | 'av1';
  /** Extra provenance (source file, collection args). */
  source: Record<string, unknown>;
}

function videoFeature(i: InfoInput) {
  return {
    dtype: 'video',
    shape: [i.height, i.width, 3],
    names: ['height', 'width', 'channels'],
    info: {
      'video.height': i.height,
      'video.width': i.width,
      'video.codec': { avc: 'h264', vp9: 'vp9', av1: 'av1' }[i.codec],
      'video.pix_fmt': 'yuv420p',
      'video.is_depth_map': false,
      'video.fps': i.fps,
      'video.channels': 3,
      'video.color_matrix': 'bt601-limited',
      has_audio: false,
    },
  };
}

/** meta/info.json. */
export function makeInfo(i: InfoInput): Record<string, unknown> {
  const scalar = (dtype: string) => ({ dtype, shape: [1], names: null });
  return {
    codebase_version: CODEBASE_VERSION,
    robot_type: 'vla-sim-panda',
    total_episodes: i.episodes,
    total_frames: i.frames,
    total_tasks: i.tasks,
    chunks_size: 1000,
    data_files_size_in_mb: 100,
    video_files_size_in_mb: 500,
    fps: i.fps,
    splits: { train: `0:${i.episodes}` },
    data_path: 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet',
    video_path: 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4',
    features: {
      [LEROBOT_KEYS.agentview]: videoFeature(i),
      [LEROBOT_KEYS.wrist]: videoFeature(i),
      [LEROBOT_KEYS.state]: { dtype: 'float32', shape: [PROPRIO_NAMES.length], names: [...PROPRIO_NAMES] },
      [LEROBOT_KEYS.action]: { dtype: 'float32', shape: [ACTION_NAMES.length], names: [...ACTION_NAMES] },
      'next.reward': scalar('float32'),
      'next.done': scalar('bool'),
      timestamp: scalar('float32'),
      frame_index: scalar('int64'),
      episode_index: scalar('int64'),
      index: scalar('int64'),
      task_index: scalar('int64'),
    },
    source: i.source,
  };
}

/** Per-channel image statistics in [0, 1] (LeRobot's (3,1,1) shape), accumulated frame batch by
 * frame batch over every `stride`-th pixel so a full dataset never sits in memory. */
export class ImageStats {
  private sum = [0, 0, 0];
  private sq = [0, 0, 0];
  private lo = [255, 255, 255];
  private hi = [0, 0, 0];
  private n = 0;

  constructor(private readonly stride: number) {}

  /** Add RGB pixels [pixel][rgb]. */
  add(rgb: Uint8Array): void {
    for (let p = 0; p < rgb.length; p += 3 * this.stride) {
      for (let c = 0; c < 3; c++) {
        const v = rgb[p + c];
        this.sum[c] += v;
        this.sq[c] += v * v;
        if (v < this.lo[c]) this.lo[c] = v;
        if (v > this.hi[c]) this.hi[c] = v;
      }
      this.n++;
    }
  }

  result(): Record<string, unknown> {
    const n = this.n;
    const wrap = (a: number[]) => a.map((v) => [[v / 255]]);
    const mean = this.sum.map((s) => s / n);
    return {
      mean: wrap(mean),
      std: wrap(this.sq.map((s, c) => Math.sqrt(Math.max(0, s / n - mean[c] ** 2)))),
      min: wrap(this.lo),
      max: wrap(this.hi),
      count: [n],
    };
  }
}
