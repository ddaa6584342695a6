// Manifest validation (TS twin of training/manifest.py; both are checked against
// tests/fixtures/model/manifest_cases.json). Types are in manifestTypes.ts.
//
// validateManifest(json, fileName) returns a typed Manifest or throws ManifestError whose message
// names the file, the field path and what was expected, e.g.
//   models/x/manifest.json: action.bins must be an integer >= 2, got "abc"
// Checks run in the same order as the Python twin, so both report the same first field.
// The ONNX input/output lists must equal expectedIo(manifest) exactly.

import { CAMERA_NAMES, MANIFEST_FORMAT_VERSION, type DecodingDefaults, type Manifest, type StallEscape, type TensorSpec } from './manifestTypes';

export * from './manifestTypes';

export const BIN_RULE = 'uniform-floor-v1';
export const PROPRIO_NAMES = ['x', 'y', 'z', 'qx', 'qy', 'qz', 'qw', 'opening'];
const TOP_KEYS = ['formatVersion', 'name', 'description', 'cameras', 'proprio', 'tokenizer', 'action', 'cache', 'onnx', 'decoding', 'training', 'evaluation'];
const DECODING_REQUIRED = ['mode', 'rounds', 'schedule', 'ranking', 'temperature', 'remask'];
// executeSteps, subtasks and keepWhenStill are the closed loop's, not the decoder's: how many of a
// chunk's actions run before the next observation (absent: all of them), whether a multi-step
// instruction is fed one clause at a time (src/policy/subtasks.ts; absent: false), and whether a
// chunk's next actions run while the arm is still (src/policy/chunkPlan.ts; absent: false), and the
// stall escape: after stallPlans plans in a row that left the arm still, sample at stallTemperature
// (src/policy/VlaPolicy.ts; both or neither; absent: off), and also once stallWindow plans in a
// row were made with the TCP within stallRadius metres (the hover rule; both or neither, and only
// with the escape). The rest are DecoderSettings names.
const CLOSED_LOOP_KEYS = ['executeSteps', 'subtasks', 'keepWhenStill', 'stallPlans', 'stallTemperature', 'stallWindow', 'stallRadius'] as const;
type ClosedLoopKey = (typeof CLOSED_LOOP_KEYS)[number];
const DECODING_KEYS = [...DECODING_REQUIRED, 'temperatureAnneal', 'gumbelScale', 'eta0', 'residualMargin', 'topK', ...CLOSED_LOOP_KEYS];
const ID = '[a-z][a-z0-9-]*';

export class ManifestError extends Error {
  override name = 'ManifestError';
}

type Obj = Record<string, unknown>;
const show = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v));

/** Field checks that throw with the file name and path (one instance per validation). */
class Checker {
  constructor(private readonly fileName: string) {}

  fail(path: string, expected: string, got: unknown): never {
    path = path || '(top level)';
    if (expected === 'present') throw new ManifestError(`${this.fileName}: ${path} is missing`);
    throw new ManifestError(`${this.fileName}: ${path} must be ${expected}, got ${show(got)}`);
  }

  obj(v: unknown, path: string, keys?: readonly string[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    const o = v as Obj;
    if (keys) {
      const at = (k: string) => (path ? `${path}.${k}` : k);
      for (const k of Object.keys(o)) if (!keys.includes(k)) this.fail(at(k), `absent (unknown field; known: ${keys.join(', ')})`, o[k]);
      for (const k of keys) if (!(k in o)) this.fail(at(k), 'present', undefined);
    }
    return o;
  }

  int(v: unknown, path: string, lo?: number, hi?: number): number {
    const ok = Number.isInteger(v) && (lo === undefined || (v as number) >= lo) && (hi === undefined || (v as number) <= hi);
    if (!ok) this.fail(path, 'an integer' + (lo === undefined ? '' : hi === undefined ? ` >= ${lo}` : ` in [${lo}, ${hi}]`), v);
    return v as number;
  }

  num(v: unknown, path: string, rule: '' | 'positive' | 'nonneg' = ''): number {
    const ok = typeof v === 'number' && Number.isFinite(v) && (rule !== 'positive' || v > 0) && (rule !== 'nonneg' || v >= 0);
    if (!ok) this.fail(path, 'a finite number' + (rule === 'positive' ? ' > 0' : rule === 'nonneg' ? ' >= 0' : ''), v);
    return v as number;
  }

  str(v: unknown, path: string, pattern?: string, choices?: readonly string[]): string {
    if (typeof v !== 'string' || (pattern !== undefined && !new RegExp(`^(?:${pattern})$`).test(v))) {
      this.fail(path, 'a string' + (pattern ? ` matching ${pattern}` : ''), v);
    }
    if (choices && !choices.includes(v as string)) this.fail(path, 'one of ' + choices.map(show).join(', '), v);
    return v as string;
  }

  bool(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v as boolean;
  }

  const(v: unknown, path: string, want: string | number): void {
    if (v !== want) this.fail(path, show(want), v);
  }

  arr(v: unknown, path: string, length?: number, minLen = 0): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    const a = v as unknown[];
    if (length !== undefined && a.length !== length) this.fail(path, `an array of length ${length}`, v);
    if (a.length < minLen) this.fail(path, `an array of length >= ${minLen}`, v);
    return a;
  }

  file(v: unknown, path: string, ext: string): string {
    // Relative to the manifest's folder and unable to leave it: a model folder is self-contained.
    return this.str(v, path, `[A-Za-z0-9_.-]+\\.${ext}`);
  }
}

/** The encoder/decoder inputs and outputs the runtime relies on, derived from the manifest. */
export function expectedIo(m: Pick<Manifest, 'cameras' | 'proprio' | 'tokenizer' | 'action' | 'cache'>): {
  encoder: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  decoder: { inputs: TensorSpec[]; outputs: TensorSpec[] };
} {
  const c = m.cache;
  const kv = [c.layers, 'batch', c.heads, c.prefixLength, c.headDim];
  const t = m.tokenizer.maxLength;
  const nTok = m.action.chunkLength * m.action.dims;
  const cache: TensorSpec[] = [
    { name: 'past_keys', dtype: 'float32', shape: kv },
    { name: 'past_values', dtype: 'float32', shape: kv },
    { name: 'prefix_mask', dtype: 'float32', shape: ['batch', c.prefixLength] },
  ];
  return {
    encoder: {
      inputs: [
        ...m.cameras.map((cam): TensorSpec => ({ name: cam.name, dtype: 'float32', shape: ['batch', 3, cam.height, cam.width] })),
        { name: 'input_ids', dtype: 'int64', shape: ['batch', t] },
        { name: 'attention_mask', dtype: 'int64', shape: ['batch', t] },
        { name: 'proprio', dtype: 'float32', shape: ['batch', m.proprio.names.length] },
      ],
      outputs: cache,
    },
    decoder: {
      inputs: [{ name: 'action_tokens', dtype: 'int64', shape: ['batch', nTok] }, ...cache],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', nTok, m.action.vocabSize] }],
    },
  };
}

function checkIo(ck: Checker, got: unknown, path: string, want: TensorSpec[]): void {
  const rows = ck.arr(got, path, want.length);
  want.forEach((w, i) => {
    const p = `${path}[${i}]`;
    const g = ck.obj(rows[i], p, ['name', 'dtype', 'shape']);
    ck.const(g.name, `${p}.name`, w.name);
    ck.const(g.dtype, `${p}.dtype`, w.dtype);
    const shape = ck.arr(g.shape, `${p}.shape`, w.shape.length);
    w.shape.forEach((wd, j) => {
      if (typeof wd === 'string') ck.str(shape[j], `${p}.shape[${j}]`, '[A-Za-z_][A-Za-z0-9_]*');
      else ck.const(shape[j], `${p}.shape[${j}]`, wd);
    });
  });
}

/** Validate a parsed manifest.json; `fileName` goes into every error message. */
export function validateManifest(json: unknown, fileName = 'manifest.json'): Manifest {
  const ck = new Checker(fileName);
  const m = ck.obj(json, '', TOP_KEYS);
  ck.const(m.formatVersion, 'formatVersion', MANIFEST_FORMAT_VERSION);
  ck.str(m.name, 'name', '[A-Za-z0-9_.-]+');
  ck.str(m.description, 'description');
  const seen: string[] = [];
  ck.arr(m.cameras, 'cameras', undefined, 1).forEach((camV, i) => {
    const p = `cameras[${i}]`;
    const cam = ck.obj(camV, p, ['name', 'width', 'height', 'channelOrder', 'layout', 'dtype', 'mean', 'std']);
    seen.push(ck.str(cam.name, `${p}.name`, undefined, CAMERA_NAMES.filter((n) => !seen.includes(n))));
    ck.int(cam.width, `${p}.width`, 8, 1024);
    ck.int(cam.height, `${p}.height`, 8, 1024);
    ck.const(cam.channelOrder, `${p}.channelOrder`, 'RGB');
    ck.const(cam.layout, `${p}.layout`, 'NCHW');
    ck.const(cam.dtype, `${p}.dtype`, 'float32');
    ck.arr(cam.mean, `${p}.mean`, 3).forEach((v, j) => ck.num(v, `${p}.mean[${j}]`));
    ck.arr(cam.std, `${p}.std`, 3).forEach((v, j) => ck.num(v, `${p}.std[${j}]`, 'positive'));
  });
  const pr = ck.obj(m.proprio, 'proprio', ['names', 'mean', 'std']);
  const names = ck.arr(pr.names, 'proprio.names', undefined, 1);
  names.forEach((n, j) => ck.str(n, `proprio.names[${j}]`, undefined, PROPRIO_NAMES.filter((x) => !names.slice(0, j).includes(x))));
  ck.arr(pr.mean, 'proprio.mean', names.length).forEach((v, j) => ck.num(v, `proprio.mean[${j}]`));
  ck.arr(pr.std, 'proprio.std', names.length).forEach((v, j) => ck.num(v, `proprio.std[${j}]`, 'positive'));
  const tk = ck.obj(m.tokenizer, 'tokenizer', ['file', 'maxLength', 'vocabSize']);
  ck.file(tk.file, 'tokenizer.file', 'json');
  ck.int(tk.maxLength, 'tokenizer.maxLength', 3);
  ck.int(tk.vocabSize, 'tokenizer.vocabSize', 5);
  const a = ck.obj(m.action, 'action', ['names', 'chunkLength', 'dims', 'bins', 'binRule', 'low', 'high', 'maskId', 'vocabSize']);
  const dims = ck.int(a.dims, 'action.dims', 1);
  ck.arr(a.names, 'action.names', dims).forEach((n, j) => ck.str(n, `action.names[${j}]`, '.+'));
  ck.int(a.chunkLength, 'action.chunkLength', 1);
  const bins = ck.int(a.bins, 'action.bins', 2);
  ck.const(a.binRule, 'action.binRule', BIN_RULE);
  const low = ck.arr(a.low, 'action.low', dims);
  const high = ck.arr(a.high, 'action.high', dims);
  for (let j = 0; j < dims; j++) {
    ck.num(low[j], `action.low[${j}]`);
    ck.num(high[j], `action.high[${j}]`);
    if (!((high[j] as number) > (low[j] as number))) ck.fail(`action.high[${j}]`, `greater than action.low[${j}] = ${show(low[j])}`, high[j]);
  }
  ck.const(a.maskId, 'action.maskId', bins);
  ck.const(a.vocabSize, 'action.vocabSize', bins + 1);
  const c = ck.obj(m.cache, 'cache', ['layers', 'heads', 'headDim', 'prefixLength']);
  for (const k of ['layers', 'heads', 'headDim', 'prefixLength']) ck.int(c[k], `cache.${k}`, 1);
  const ox = ck.obj(m.onnx, 'onnx', ['opset', 'encoder', 'decoder']);
  ck.int(ox.opset, 'onnx.opset', 13);
  const want = expectedIo(m as unknown as Manifest);
  for (const g of ['encoder', 'decoder'] as const) {
    const gr = ck.obj(ox[g], `onnx.${g}`, ['file', 'inputs', 'outputs']);
    ck.file(gr.file, `onnx.${g}.file`, 'onnx');
    checkIo(ck, gr.inputs, `onnx.${g}.inputs`, want[g].inputs);
    checkIo(ck, gr.outputs, `onnx.${g}.outputs`, want[g].outputs);
  }
  // Default decoder settings; names and values follow src/decoder/settings.ts (DecoderSettings),
  // whose validateSettings does the finer checks (known schedules, rankings, remask rules).
  const d = ck.obj(m.decoding, 'decoding');
  for (const k of Object.keys(d)) if (!DECODING_KEYS.includes(k)) ck.fail(`decoding.${k}`, `absent (unknown field; known: ${DECODING_KEYS.join(', ')})`, d[k]);
  for (const k of DECODING_REQUIRED) if (!(k in d)) ck.fail(`decoding.${k}`, 'present', undefined);
  for (const k of ['mode', 'schedule', 'ranking', 'remask', 'temperatureAnneal']) if (k in d) ck.str(d[k], `decoding.${k}`, ID);
  ck.int(d.rounds, 'decoding.rounds', 1, (a.chunkLength as number) * dims);
  for (const k of ['temperature', 'gumbelScale', 'eta0', 'residualMargin']) if (k in d) ck.num(d[k], `decoding.${k}`, 'nonneg');
  if ('topK' in d) ck.int(d.topK, 'decoding.topK', 1);
  if ('executeSteps' in d) ck.int(d.executeSteps, 'decoding.executeSteps', 1, a.chunkLength as number);
  for (const k of ['subtasks', 'keepWhenStill']) if (k in d) ck.bool(d[k], `decoding.${k}`);
  if ('stallPlans' in d) ck.int(d.stallPlans, 'decoding.stallPlans', 1);
  if ('stallTemperature' in d) ck.num(d.stallTemperature, 'decoding.stallTemperature', 'positive');
  // The stall escape needs both.
  if ('stallPlans' in d !== 'stallTemperature' in d) ck.fail(`decoding.${'stallPlans' in d ? 'stallTemperature' : 'stallPlans'}`, 'present', undefined);
  if ('stallWindow' in d) ck.int(d.stallWindow, 'decoding.stallWindow', 2);
  if ('stallRadius' in d) ck.num(d.stallRadius, 'decoding.stallRadius', 'positive');
  // The hover rule needs both, and the escape it starts.
  if ('stallWindow' in d !== 'stallRadius' in d) ck.fail(`decoding.${'stallWindow' in d ? 'stallRadius' : 'stallWindow'}`, 'present', undefined);
  if ('stallWindow' in d && !('stallPlans' in d)) ck.fail('decoding.stallPlans', 'present (stallWindow and stallRadius need the stall escape)', undefined);
  for (const k of ['training', 'evaluation']) if (m[k] !== null) ck.obj(m[k], k);
  return m as unknown as Manifest;
}

/** The manifest's default decoder settings, without the closed-loop fields (CLOSED_LOOP_KEYS). */
export function decoderDefaults(m: Pick<Manifest, 'decoding'>): Omit<DecodingDefaults, ClosedLoopKey> {
  const closedLoop: readonly string[] = CLOSED_LOOP_KEYS;
  return Object.fromEntries(Object.entries(m.decoding).filter(([k]) => !closedLoop.includes(k))) as Omit<DecodingDefaults, ClosedLoopKey>;
}

/** Whether a chunk's next actions run while the arm is still (default: no). */
export function defaultKeepWhenStill(m: Pick<Manifest, 'decoding'>): boolean {
  return m.decoding.keepWhenStill ?? false;
}

/** The stall escape the manifest asks for (default: off). */
export function defaultStallEscape(m: Pick<Manifest, 'decoding'>): StallEscape | null {
  const { stallPlans, stallTemperature, stallWindow, stallRadius } = m.decoding;
  if (stallPlans === undefined || stallTemperature === undefined) return null;
  const hover = stallWindow !== undefined && stallRadius !== undefined ? { window: stallWindow, radius: stallRadius } : {};
  return { plans: stallPlans, temperature: stallTemperature, ...hover };
}

/** Whether the model wants multi-step instructions one clause at a time (default: no). */
export function defaultSubtasks(m: Pick<Manifest, 'decoding'>): boolean {
  return m.decoding.subtasks ?? false;
}

/** Actions executed from each chunk before replanning, by the manifest (default: the whole chunk). */
export function defaultExecuteSteps(m: Pick<Manifest, 'decoding' | 'action'>): number {
  return m.decoding.executeSteps ?? m.action.chunkLength;
}

/** Parse and validate manifest text; JSON syntax errors also name the file. */
export function parseManifest(text: string, fileName = 'manifest.json'): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${fileName}: not valid JSON (${(e as Error).message})`);
  }
  return validateManifest(json, fileName);
}

/** Cross-file check for loaders: the tokenizer file must be the one the manifest describes. */
export function checkTokenizer(m: Manifest, tok: { maxLength: number; vocabSize: number }, fileName = m.tokenizer.file): void {
  if (tok.maxLength !== m.tokenizer.maxLength || tok.vocabSize !== m.tokenizer.vocabSize) {
    throw new ManifestError(
      `${fileName}: maxLength ${tok.maxLength} and vocab size ${tok.vocabSize} must equal the manifest's tokenizer.maxLength ${m.tokenizer.maxLength} and tokenizer.vocabSize ${m.tokenizer.vocabSize}`,
    );
  }
}
