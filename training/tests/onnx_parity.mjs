// ONNX parity for ANY exported model folder (helper of training/tests/test_train.py; Debian has
// no Python onnxruntime, so the graphs run where the browser runs them: onnxruntime-web WASM).
// Usage: node training/tests/onnx_parity.mjs <model dir> <parity.json from export_onnx --fixtures>
// Prints {"encoder": {output: maxAbs}, "decoder": {"fromTorchCache": maxAbs, "fromOrtCache": maxAbs},
// "maskLogitNegInf": bool}; exit code 1 when a difference exceeds the fixture's tolerance.
// -Infinity entries (the mask logit) must match exactly; they are skipped in the max.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';

const [dir, fixturePath] = process.argv.slice(2);
const fx = JSON.parse(readFileSync(fixturePath, 'utf8'));
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

function toOrt(t) {
  if (t.dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(t.data, (v) => BigInt(v)), t.shape);
  const bytes = Buffer.from(t.base64, 'base64');
  const f = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(f.buffer).set(bytes); // copy: Buffer offsets need not be 4-byte aligned
  return new ort.Tensor('float32', f, t.shape);
}

function maxAbs(a, b) {
  if (JSON.stringify(a.dims) !== JSON.stringify(b.dims)) return Infinity;
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i], y = b.data[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x !== y) return Infinity;
      continue;
    }
    m = Math.max(m, Math.abs(x - y));
  }
  return m;
}

ort.env.wasm.numThreads = 1;
const enc = await ort.InferenceSession.create(readFileSync(join(dir, manifest.onnx.encoder.file)));
const dec = await ort.InferenceSession.create(readFileSync(join(dir, manifest.onnx.decoder.file)));
const feeds = Object.fromEntries(Object.entries(fx.encoder.inputs).map(([k, v]) => [k, toOrt(v)]));
const encOut = await enc.run(feeds);
const report = { encoder: {}, decoder: {} };
for (const name of enc.outputNames) report.encoder[name] = maxAbs(encOut[name], toOrt(fx.encoder.outputs[name]));
const tokens = toOrt(fx.decoder.inputs.action_tokens);
const want = toOrt(fx.decoder.outputs.logits);
const torchCache = Object.fromEntries(['past_keys', 'past_values', 'prefix_mask'].map((k) => [k, toOrt(fx.encoder.outputs[k])]));
report.decoder.fromTorchCache = maxAbs((await dec.run({ action_tokens: tokens, ...torchCache })).logits, want);
const logits = (await dec.run({ action_tokens: tokens, ...encOut })).logits;
report.decoder.fromOrtCache = maxAbs(logits, want);
let neg = true;
for (let i = manifest.action.maskId; i < logits.data.length; i += manifest.action.vocabSize) neg &&= logits.data[i] === -Infinity;
report.maskLogitNegInf = neg;
console.log(JSON.stringify(report));
const worst = Math.max(...Object.values(report.encoder), ...Object.values(report.decoder));
process.exit(worst <= fx.tolerance.maxAbs && neg ? 0 : 1);
