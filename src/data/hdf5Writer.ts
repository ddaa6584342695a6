// Writes a demonstration dataset as HDF5 (Node only: h5wasm's Node build writes straight to the
// file system) in the layout of layout.ts.
// Reference: h5wasm (usnistgov/h5wasm) create_dataset / create_attribute; robomimic layout.
// Invariants:
// - Atomic: everything goes to `<out>.partial-<pid>` in the output folder; `finish` renames it
//   over `out` only after the file is closed, `abort` deletes it. The final path never holds a
//   half-written file.
// - Deterministic: HDF5 stamps object headers with the wall clock; every HDF5 call here runs with
//   Date.now pinned to 0 (Emscripten's time() reads it), so the same demos give identical bytes.
// - Images are gzip-compressed, chunked one frame per chunk (random access for training).
import { closeSync, existsSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import type { Demo } from './demo';
import {
  DATA_ATTRS,
  DATA_GROUP,
  DEMO_ATTRS,
  DEMO_KEYS,
  LAYOUT_VERSION,
  OBS_KEYS,
  ROOT_ATTRS,
  STAT_NAMES,
  STATS_GROUP,
  demoName,
} from './layout';
import { computeStats, type DimStats } from './stats';
import { ACTION_DIM, ACTION_NAMES, PROPRIO_DIM, PROPRIO_NAMES } from '../sim/types';

type H5File = InstanceType<typeof h5wasm.File>;
type H5Group = ReturnType<H5File['create_group']>;

/** Options of the HDF5 writer. */
export interface Hdf5WriterOptions {
  /** gzip level of the image datasets (1 fastest .. 9 smallest). @default 4 */
  compressionLevel: number;
}
export const DEFAULT_HDF5_WRITER_OPTIONS: Readonly<Hdf5WriterOptions> = { compressionLevel: 4 };

/** File-level metadata written by `finish`. */
export interface DatasetHeader {
  /** robomimic's env_args: { env_name, type, env_kwargs }. */
  envArgs: Record<string, unknown>;
  /** LIBERO's problem_info: { problem_name, language_instruction, ... }. */
  problemInfo: Record<string, unknown>;
  /** The options the dataset was collected with. */
  collectArgs: Record<string, unknown>;
}

/** What `finish` reports. */
export interface WriteSummary {
  path: string;
  numDemos: number;
  total: number;
  bytes: number;
  stats: { actions: DimStats; proprio: DimStats };
}

/** Run `fn` with the clock pinned so HDF5 object timestamps are constant. */
export function withPinnedClock<T>(fn: () => T): T {
  const now = Date.now;
  Date.now = () => 0;
  try {
    return fn();
  } finally {
    Date.now = now;
  }
}

/** Throw a clear error unless `out`'s folder exists and a file can be created in it. */
export function checkWritable(out: string): void {
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`output folder does not exist: ${dir}`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new Error(`output path is a folder: ${out}`);
  const probe = `${resolve(out)}.probe-${process.pid}`;
  try {
    closeSync(openSync(probe, 'w'));
  } catch (e) {
    throw new Error(`cannot write to ${dir}: ${(e as Error).message}`);
  }
  unlinkSync(probe);
}

export class Hdf5DatasetWriter {
  private file: H5File | null;
  private data: H5Group;
  private count = 0;
  private total = 0;
  private actionParts: Float64Array[] = [];
  private proprioParts: Float64Array[] = [];

  private constructor(
    readonly out: string,
    readonly tmpPath: string,
    private readonly opts: Hdf5WriterOptions,
  ) {
    this.file = withPinnedClock(() => new h5wasm.File(tmpPath, 'w'));
    this.data = withPinnedClock(() => this.file!.create_group(DATA_GROUP));
  }

  /** Check the destination and open a temporary file beside it. */
  static async create(out: string, options: Partial<Hdf5WriterOptions> = {}): Promise<Hdf5DatasetWriter> {
    const opts = { ...DEFAULT_HDF5_WRITER_OPTIONS, ...options };
    if (!(opts.compressionLevel >= 0 && opts.compressionLevel <= 9)) throw new Error('compressionLevel must be in 0..9');
    checkWritable(out);
    await h5wasm.ready;
    return new Hdf5DatasetWriter(resolve(out), `${resolve(out)}.partial-${process.pid}`, opts);
  }

  get numDemos(): number {
    return this.count;
  }

  /** Append one demo as data/demo_<numDemos>. */
  addDemo(demo: Demo): void {
    if (!this.file) throw new Error('Hdf5DatasetWriter: already finished or aborted');
    const T = demo.numSamples;
    const { width: W, height: H } = demo;
    if (demo.agentview.length !== T * H * W * 3 || demo.wrist.length !== T * H * W * 3) throw new Error('addDemo: image arrays do not match numSamples x H x W x 3');
    if (demo.actions.length !== T * ACTION_DIM || demo.proprio.length !== T * PROPRIO_DIM) throw new Error('addDemo: actions/proprio do not match numSamples');
    withPinnedClock(() => {
      const g = this.data.create_group(demoName(this.count));
      const obs = g.create_group('obs');
      const level = this.opts.compressionLevel;
      const image = (name: string, px: Uint8Array) =>
        obs.create_dataset({ name, data: px, shape: [T, H, W, 3], dtype: '<B', chunks: [1, H, W, 3], compression: level > 0 ? 'gzip' : undefined, compression_opts: level });
      const f64 = (grp: H5Group, name: string, a: Float64Array, dim: number) =>
        grp.create_dataset({ name, data: a, shape: dim === 0 ? [T] : [T, dim], dtype: '<d' });
      image(OBS_KEYS.agentview, demo.agentview);
      image(OBS_KEYS.wrist, demo.wrist);
      f64(obs, OBS_KEYS.eeStates, demo.eeStates, 6);
      f64(obs, OBS_KEYS.eePos, demo.eePos, 3);
      f64(obs, OBS_KEYS.eeOri, demo.eeOri, 3);
      f64(obs, OBS_KEYS.gripperStates, demo.gripperStates, 2);
      f64(obs, OBS_KEYS.jointStates, demo.jointStates, demo.nJoints);
      f64(obs, OBS_KEYS.proprio, demo.proprio, PROPRIO_DIM);
      f64(g, DEMO_KEYS.actions, demo.actions, ACTION_DIM);
      f64(g, DEMO_KEYS.rewards, demo.rewards, 0);
      g.create_dataset({ name: DEMO_KEYS.dones, data: demo.dones, shape: [T], dtype: '<B' });
      f64(g, DEMO_KEYS.states, demo.states, demo.stateDim);
      g.create_attribute(DEMO_ATTRS.numSamples, T, null, '<i8');
      g.create_attribute(DEMO_ATTRS.taskId, demo.taskId);
      g.create_attribute(DEMO_ATTRS.seed, demo.seed, null, '<i8');
      g.create_attribute(DEMO_ATTRS.instruction, demo.instruction);
      g.create_attribute(DEMO_ATTRS.paraphraseIndex, demo.paraphraseIndex, null, '<i8');
      g.create_attribute(DEMO_ATTRS.success, demo.success ? 1 : 0, null, '<i8');
      g.create_attribute(DEMO_ATTRS.scene, demo.scene);
    });
    this.actionParts.push(demo.actions);
    this.proprioParts.push(demo.proprio);
    this.count++;
    this.total += T;
  }

  /** Write statistics and file attributes, close, and move the file into place. */
  finish(header: DatasetHeader): WriteSummary {
    if (!this.file) throw new Error('Hdf5DatasetWriter: already finished or aborted');
    if (this.count === 0) {
      this.abort();
      throw new Error('no demonstrations to write (every episode failed or none were asked for)');
    }
    const stats = {
      actions: computeStats(this.actionParts, ACTION_DIM),
      proprio: computeStats(this.proprioParts, PROPRIO_DIM),
    };
    const file = this.file;
    withPinnedClock(() => {
      this.data.create_attribute(DATA_ATTRS.total, this.total, null, '<i8');
      this.data.create_attribute(DATA_ATTRS.envArgs, JSON.stringify(header.envArgs));
      this.data.create_attribute(DATA_ATTRS.problemInfo, JSON.stringify(header.problemInfo));
      file.create_attribute(ROOT_ATTRS.layoutVersion, LAYOUT_VERSION, null, '<i8');
      file.create_attribute(ROOT_ATTRS.collectArgs, JSON.stringify(header.collectArgs));
      file.create_attribute(ROOT_ATTRS.names, JSON.stringify({ actions: ACTION_NAMES, proprio: PROPRIO_NAMES }));
      const sg = file.create_group(STATS_GROUP);
      for (const [key, s] of Object.entries(stats)) {
        const kg = sg.create_group(key);
        for (const name of STAT_NAMES) kg.create_dataset({ name, data: Float64Array.from(s[name]), dtype: '<d' });
      }
      file.close();
    });
    this.file = null;
    renameSync(this.tmpPath, this.out);
    return { path: this.out, numDemos: this.count, total: this.total, bytes: statSync(this.out).size, stats };
  }

  /** Close and delete the temporary file; the destination is left untouched. Idempotent. */
  abort(): void {
    if (this.file) {
      try {
        withPinnedClock(() => this.file!.close());
      } catch {
        // The file is deleted next; a failed close must not hide the original error.
      }
      this.file = null;
    }
    if (existsSync(this.tmpPath)) unlinkSync(this.tmpPath);
  }
}
