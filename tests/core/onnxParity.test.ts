// ONNX parity: models/test-random/{encoder,decoder}.onnx and the shipped trained models
// models/vla-pk23m (the page's default, fine-tuned from vla-pg18),
// models/vla-pg18 (the default before it, fine-tuned through vla-head17 from vla-dag10),
// models/vla-dag10 (the default before that), models/vla-dag7 (the round that was fine-tuned from),
// models/vla-dag4 (the round that one was fine-tuned from),
// models/vla-kp-dg (the model the DAgger rounds started from),
// models/vla-kp-lv (the one that was fine-tuned from),
// models/vla-kp-sc and models/vla-kp-gtd (that one's chain) and models/vla-cpu (the first one, kept as the baseline)
// run in onnxruntime-web (WASM backend, Node) must reproduce the PyTorch outputs stored by
// training/export_onnx.py (tests/fixtures/{model,vla-pk23m,vla-pg18,vla-dag10,vla-dag7,vla-dag4,vla-kp-dg,vla-kp-lv,vla-kp-sc,vla-kp-gtd,vla-cpu}/parity.json) within
// TOLERANCE, and show the block-causal contract.
// onnxruntime-web is allowed here (tests are Node-only), never in src/core.
// Under Node, `import * as ort from 'onnxruntime-web'` resolves to dist/ort.node.min.mjs, which
// loads ort-wasm-simd-threaded.{mjs,wasm} from its own folder in node_modules: no wasmPaths needed.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { ManifestError, checkTokenizer, parseManifest, type Manifest } from '../../src/core/manifest';
import { Tokenizer } from '../../src/core/tokenizer';

/** Max abs difference allowed between PyTorch (CPU float32) and ORT-web WASM outputs. */
const TOLERANCE = 1e-4;

interface FixtureTensor {
  dtype: 'float32' | 'int64';
  shape: number[];
  base64?: string;
  data?: number[];
}
interface Fixture {
  instructions: string[];
  tolerance: { maxAbs: number };
  encoder: { inputs: Record<string, FixtureTensor>; outputs: Record<string, FixtureTensor> };
  decoder: { inputs: Record<string, FixtureTensor>; outputs: Record<string, FixtureTensor> };
}

function toOrt(t: FixtureTensor): ort.Tensor {
  if (t.dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(t.data!, (v) => BigInt(v)), t.shape);
  const bytes = Buffer.from(t.base64!, 'base64');
  const f = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(f.buffer).set(bytes); // copy: Buffer offsets need not be 4-byte aligned
  return new ort.Tensor('float32', f, t.shape);
}

/** Max |a - b| over finite entries; -Infinity must match -Infinity exactly (the mask logit). */
function maxAbsDiff(a: ort.Tensor, b: ort.Tensor): number {
  expect(a.dims).toEqual(b.dims);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      if (x[i] !== y[i]) return Infinity;
      continue;
    }
    m = Math.max(m, Math.abs(x[i] - y[i]));
  }
  return m;
}

function int64(values: ArrayLike<number>, shape: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(Array.from(values), (v) => BigInt(v)), shape);
}

/** The models checked: folder under models/ and the fixture export_onnx wrote for it. */
const CASES = [
  { model: 'test-random', fixture: 'model' },
  { model: 'vla-cpu', fixture: 'vla-cpu' },
  { model: 'vla-kp-gtd', fixture: 'vla-kp-gtd' },
  { model: 'vla-kp-sc', fixture: 'vla-kp-sc' },
  { model: 'vla-kp-lv', fixture: 'vla-kp-lv' },
  { model: 'vla-kp-dg', fixture: 'vla-kp-dg' },
  { model: 'vla-dag4', fixture: 'vla-dag4' },
  { model: 'vla-dag7', fixture: 'vla-dag7' },
  { model: 'vla-dag10', fixture: 'vla-dag10' },
  { model: 'vla-pg18', fixture: 'vla-pg18' },
  { model: 'vla-pk23m', fixture: 'vla-pk23m' },
];

describe.each(CASES)('ONNX parity (models/$model, onnxruntime-web WASM)', ({ model, fixture: fixtureDir }) => {
  const MODEL_DIR = new URL(`../../models/${model}/`, import.meta.url);
  const fixture = JSON.parse(readFileSync(new URL(`../fixtures/${fixtureDir}/parity.json`, import.meta.url), 'utf8')) as Fixture;
  let manifest: Manifest;
  let encoder: ort.InferenceSession;
  let decoder: ort.InferenceSession;
  const feeds = Object.fromEntries(Object.entries(fixture.encoder.inputs).map(([k, v]) => [k, toOrt(v)]));
  const tokens = toOrt(fixture.decoder.inputs.action_tokens);

  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    manifest = parseManifest(readFileSync(new URL('manifest.json', MODEL_DIR), 'utf8'), `models/${model}/manifest.json`);
    encoder = await ort.InferenceSession.create(readFileSync(new URL(manifest.onnx.encoder.file, MODEL_DIR)));
    decoder = await ort.InferenceSession.create(readFileSync(new URL(manifest.onnx.decoder.file, MODEL_DIR)));
  });

  it('has the input and output names the manifest lists, in order', () => {
    expect(encoder.inputNames).toEqual(manifest.onnx.encoder.inputs.map((t) => t.name));
    expect(encoder.outputNames).toEqual(manifest.onnx.encoder.outputs.map((t) => t.name));
    expect(decoder.inputNames).toEqual(manifest.onnx.decoder.inputs.map((t) => t.name));
    expect(decoder.outputNames).toEqual(manifest.onnx.decoder.outputs.map((t) => t.name));
    // Block-causal by construction: the prefix cache is computed without any action input.
    expect(encoder.inputNames).not.toContain('action_tokens');
  });

  it('tokenizes the fixture instructions to the ids PyTorch was given', () => {
    const tok = new Tokenizer(JSON.parse(readFileSync(new URL(manifest.tokenizer.file, MODEL_DIR), 'utf8')));
    checkTokenizer(manifest, tok);
    expect(() => checkTokenizer(manifest, { maxLength: tok.maxLength + 1, vocabSize: tok.vocabSize })).toThrow(ManifestError);
    const enc = fixture.instructions.map((t) => tok.encode(t));
    expect(enc.flatMap((e) => Array.from(e.ids))).toEqual(fixture.encoder.inputs.input_ids.data);
    expect(enc.flatMap((e) => Array.from(e.attentionMask))).toEqual(fixture.encoder.inputs.attention_mask.data);
  });

  it(`matches the PyTorch encoder outputs within ${TOLERANCE}`, async () => {
    expect(fixture.tolerance.maxAbs).toBe(TOLERANCE);
    const out = await encoder.run(feeds);
    for (const name of encoder.outputNames) {
      const d = maxAbsDiff(out[name], toOrt(fixture.encoder.outputs[name]));
      expect(d, name).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it(`matches the PyTorch decoder logits within ${TOLERANCE}, fed the PyTorch cache or the ORT one`, async () => {
    const want = toOrt(fixture.decoder.outputs.logits);
    const cache = Object.fromEntries(['past_keys', 'past_values', 'prefix_mask'].map((k) => [k, toOrt(fixture.encoder.outputs[k])]));
    const fromTorch = await decoder.run({ action_tokens: tokens, ...cache });
    expect(maxAbsDiff(fromTorch.logits, want)).toBeLessThanOrEqual(TOLERANCE);
    const fromOrt = await decoder.run({ action_tokens: tokens, ...(await encoder.run(feeds)) });
    expect(maxAbsDiff(fromOrt.logits, want)).toBeLessThanOrEqual(TOLERANCE);
    // The mask id can never win: its logit is -Infinity at every position.
    const V = manifest.action.vocabSize;
    const l = fromOrt.logits.data as Float32Array;
    for (let i = manifest.action.maskId; i < l.length; i += V) expect(l[i]).toBe(-Infinity);
  });

  it('changing one action token changes the logits of other action tokens (actions attend to actions)', async () => {
    const cache = await encoder.run(feeds);
    const base = (await decoder.run({ action_tokens: tokens, ...cache })).logits.data as Float32Array;
    const t = Array.from(tokens.data as BigInt64Array, Number);
    const pos = 5;
    t[pos] = (t[pos] + 1) % manifest.action.bins;
    const changed = (await decoder.run({ action_tokens: int64(t, tokens.dims as number[]), ...cache })).logits.data as Float32Array;
    const V = manifest.action.vocabSize;
    const N = manifest.action.chunkLength * manifest.action.dims;
    let otherMoved = 0;
    for (let j = 0; j < N; j++) {
      if (j === pos) continue;
      let d = 0;
      for (let v = 0; v < manifest.action.bins; v++) d = Math.max(d, Math.abs(base[j * V + v] - changed[j * V + v]));
      if (d > 1e-6) otherMoved++;
    }
    expect(otherMoved).toBe(N - 1);
    // The second sample's tokens did not change, so its logits must not either (batch rows are independent).
    for (let i = N * V; i < 2 * N * V; i++) if (Number.isFinite(base[i])) expect(changed[i]).toBe(base[i]);
  });

  it('ignores padded instruction tokens, and a batch of one equals that row of a batch of two', async () => {
    const ids = Array.from(feeds.input_ids.data as BigInt64Array, Number);
    const mask = fixture.encoder.inputs.attention_mask.data!;
    const padAt = mask.lastIndexOf(0); // in the shorter instruction
    expect(padAt).toBeGreaterThan(0);
    ids[padAt] = 4;
    const base = await decoder.run({ action_tokens: tokens, ...(await encoder.run(feeds)) });
    const padded = await decoder.run({ action_tokens: tokens, ...(await encoder.run({ ...feeds, input_ids: int64(ids, feeds.input_ids.dims as number[]) })) });
    expect(maxAbsDiff(base.logits, padded.logits)).toBeLessThanOrEqual(1e-6);

    const row0 = (t: ort.Tensor): ort.Tensor => {
      const per = t.data.length / t.dims[0];
      return new ort.Tensor(t.type as 'float32', (t.data as Float32Array).slice(0, per) as never, [1, ...t.dims.slice(1)]);
    };
    const one = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, row0(v)]));
    const cache1 = await encoder.run(one);
    expect(cache1.past_keys.dims[1]).toBe(1);
    const logits1 = (await decoder.run({ action_tokens: row0(tokens), ...cache1 })).logits;
    expect(maxAbsDiff(logits1, row0(base.logits))).toBeLessThanOrEqual(TOLERANCE);
  });
});
