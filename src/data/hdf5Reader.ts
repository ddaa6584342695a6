// Reads a demonstration dataset written by hdf5Writer.ts (Node only, h5wasm). For tests, tools
// and the LeRobot export; training reads the same file with training/dataset_hdf5.py.
// Reference: layout.ts (names), h5wasm Dataset.value / Attribute.json_value.
// Invariants: readDemo returns exactly the arrays the writer was given (float64 and uint8 are
// stored losslessly); a file with another layout_version or a missing key is refused with a
// message naming it; demos are listed in index order (demo_2 before demo_10).
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
  STAT_KEYS,
  STAT_NAMES,
  STATS_GROUP,
  sortDemoNames,
  type StatKey,
} from './layout';
import type { DimStats } from './stats';

type H5File = InstanceType<typeof h5wasm.File>;
type H5Group = ReturnType<H5File['create_group']>;
type H5Dataset = ReturnType<H5Group['create_dataset']>;

/** File-level attributes. */
export interface DatasetAttrs {
  layoutVersion: number;
  total: number;
  envArgs: Record<string, unknown>;
  problemInfo: Record<string, unknown>;
  collectArgs: Record<string, unknown>;
}

export class Hdf5DatasetReader {
  /** Demo group names in index order. */
  readonly demoNames: string[];
  readonly attrs: DatasetAttrs;
  private file: H5File | null;

  private constructor(readonly path: string) {
    this.file = new h5wasm.File(path, 'r');
    const data = this.file.get(DATA_GROUP) as H5Group | null;
    if (!data || !('keys' in data)) throw new Error(`${path}: no "${DATA_GROUP}" group; not a demonstration dataset`);
    const version = Number(attr(this.file, ROOT_ATTRS.layoutVersion, path));
    if (version !== LAYOUT_VERSION) throw new Error(`${path}: layout_version ${version}, this reader reads ${LAYOUT_VERSION}`);
    this.demoNames = sortDemoNames(data.keys());
    this.attrs = {
      layoutVersion: version,
      total: Number(attr(data, DATA_ATTRS.total, path)),
      envArgs: JSON.parse(String(attr(data, DATA_ATTRS.envArgs, path))),
      problemInfo: JSON.parse(String(attr(data, DATA_ATTRS.problemInfo, path))),
      collectArgs: JSON.parse(String(attr(this.file, ROOT_ATTRS.collectArgs, path))),
    };
  }

  static async open(path: string): Promise<Hdf5DatasetReader> {
    await h5wasm.ready;
    return new Hdf5DatasetReader(path);
  }

  private group(path: string): H5Group {
    if (!this.file) throw new Error('Hdf5DatasetReader: closed');
    const g = this.file.get(path) as H5Group | null;
    if (!g || !('keys' in g)) throw new Error(`${this.path}: missing group ${path}`);
    return g;
  }

  private dataset(g: H5Group, name: string): H5Dataset {
    const d = g.get(name) as H5Dataset | null;
    if (!d || !('shape' in d)) throw new Error(`${this.path}: missing dataset ${g.path}/${name}`);
    return d;
  }

  /** Number of samples of a demo without reading its arrays. */
  numSamples(name: string): number {
    return Number(attr(this.group(`${DATA_GROUP}/${name}`), DEMO_ATTRS.numSamples, this.path));
  }

  /** A demo's task, seed, instruction and scene attributes without reading its arrays. */
  readDemoInfo(nameOrIndex: string | number): { name: string; taskId: string; seed: number; instruction: string; scene: string; numSamples: number } {
    const name = typeof nameOrIndex === 'number' ? this.demoNames[nameOrIndex] : nameOrIndex;
    if (name === undefined) throw new Error(`${this.path}: no demo ${nameOrIndex}`);
    const g = this.group(`${DATA_GROUP}/${name}`);
    const a = (key: string) => attr(g, key, this.path);
    return {
      name,
      taskId: String(a(DEMO_ATTRS.taskId)),
      seed: Number(a(DEMO_ATTRS.seed)),
      instruction: String(a(DEMO_ATTRS.instruction)),
      scene: String(a(DEMO_ATTRS.scene)),
      numSamples: Number(a(DEMO_ATTRS.numSamples)),
    };
  }

  /** Read one demo (by name or index) completely. */
  readDemo(nameOrIndex: string | number): Demo {
    const name = typeof nameOrIndex === 'number' ? this.demoNames[nameOrIndex] : nameOrIndex;
    if (name === undefined) throw new Error(`${this.path}: no demo ${nameOrIndex}`);
    const g = this.group(`${DATA_GROUP}/${name}`);
    const obs = this.group(`${DATA_GROUP}/${name}/obs`);
    const f64 = (grp: H5Group, key: string) => toF64(this.dataset(grp, key).value, `${grp.path}/${key}`);
    const u8 = (grp: H5Group, key: string) => toU8(this.dataset(grp, key).value, `${grp.path}/${key}`);
    const a = (key: string) => attr(g, key, this.path);
    const imgShape = this.dataset(obs, OBS_KEYS.agentview).shape as number[];
    const joints = this.dataset(obs, OBS_KEYS.jointStates).shape as number[];
    const states = this.dataset(g, DEMO_KEYS.states).shape as number[];
    return {
      taskId: String(a(DEMO_ATTRS.taskId)),
      seed: Number(a(DEMO_ATTRS.seed)),
      instruction: String(a(DEMO_ATTRS.instruction)),
      paraphraseIndex: Number(a(DEMO_ATTRS.paraphraseIndex)),
      success: Number(a(DEMO_ATTRS.success)) === 1,
      scene: String(a(DEMO_ATTRS.scene)),
      numSamples: Number(a(DEMO_ATTRS.numSamples)),
      height: Number(imgShape[1]),
      width: Number(imgShape[2]),
      nJoints: Number(joints[1]),
      stateDim: Number(states[1]),
      agentview: u8(obs, OBS_KEYS.agentview),
      wrist: u8(obs, OBS_KEYS.wrist),
      eeStates: f64(obs, OBS_KEYS.eeStates),
      eePos: f64(obs, OBS_KEYS.eePos),
      eeOri: f64(obs, OBS_KEYS.eeOri),
      gripperStates: f64(obs, OBS_KEYS.gripperStates),
      jointStates: f64(obs, OBS_KEYS.jointStates),
      proprio: f64(obs, OBS_KEYS.proprio),
      actions: f64(g, DEMO_KEYS.actions),
      rewards: f64(g, DEMO_KEYS.rewards),
      dones: u8(g, DEMO_KEYS.dones),
      states: f64(g, DEMO_KEYS.states),
    };
  }

  /** Per-dimension statistics stored with the dataset. */
  readStats(): Record<StatKey, DimStats> {
    const out = {} as Record<StatKey, DimStats>;
    for (const key of STAT_KEYS) {
      const g = this.group(`${STATS_GROUP}/${key}`);
      const s = {} as DimStats;
      for (const name of STAT_NAMES) s[name] = Array.from(toF64(this.dataset(g, name).value, `${g.path}/${name}`));
      out[key] = s;
    }
    return out;
  }

  close(): void {
    this.file?.close();
    this.file = null;
  }
}

function attr(obj: { attrs: Record<string, { value: unknown }> }, name: string, path: string): unknown {
  const a = obj.attrs[name];
  if (!a) throw new Error(`${path}: missing attribute "${name}"`);
  const v = a.value;
  return typeof v === 'bigint' ? Number(v) : v;
}

function toF64(v: unknown, what: string): Float64Array {
  if (v instanceof Float64Array) return v;
  throw new Error(`${what}: expected float64 data`);
}

function toU8(v: unknown, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  throw new Error(`${what}: expected uint8 data`);
}
