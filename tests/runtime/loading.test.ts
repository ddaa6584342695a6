// Model loading refuses every broken model with a message naming the file and what is wrong:
// missing or corrupt ONNX, a manifest field that is wrong, a manifest shape the ONNX does not
// have, a missing tokenizer, ONNX inputs that do not match, NaN logits, too-long instructions.
// Runs models/test-random through onnxruntime-web's Node (WASM) build.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/core/manifest';
import { TokenizerError } from '../../src/core/tokenizer';
import { ModelIoError } from '../../src/policy/ioCheck';
import { ModelLoadError } from '../../src/policy/sources';
import { VlaModel } from '../../src/policy/VlaModel';
import { VlaPolicy } from '../../src/policy/VlaPolicy';
import { diskSource, nodeBackend } from './nodeBackend';

const DIR = 'models/test-random';
const manifestJson = () => JSON.parse(readFileSync(new URL(`../../${DIR}/manifest.json`, import.meta.url), 'utf8'));
const load = (over: Record<string, Uint8Array | string | null> = {}) => VlaModel.load(diskSource(DIR, over), nodeBackend(), { warmup: false });

describe('VlaModel.load: bad input', () => {
  it('loads the intact model and reports its sizes', async () => {
    const m = await load();
    expect(m.tokensPerChunk).toBe(56);
    expect(m.tokenizer.maxLength).toBe(32);
    await m.dispose();
  });

  it('missing ONNX: names the file', async () => {
    await expect(load({ 'decoder.onnx': null })).rejects.toThrow(new ModelLoadError(`${DIR}/decoder.onnx: file not found`));
  });

  it('corrupt ONNX: names the file and says it is not a loadable model', async () => {
    const junk = new Uint8Array(4096).map((_, i) => (i * 37) % 251);
    const err = await load({ 'encoder.onnx': junk }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(/^models\/test-random\/encoder\.onnx: onnxruntime-web \(wasm\) could not load it as an ONNX model/);
  });

  it('manifest with a wrong field: ManifestError names file and field', async () => {
    const m = manifestJson();
    m.action.bins = 'abc';
    await expect(load({ 'manifest.json': JSON.stringify(m) })).rejects.toThrow(new ManifestError(`${DIR}/manifest.json: action.bins must be an integer >= 2, got "abc"`));
    const m2 = manifestJson();
    m2.onnx.encoder.inputs[0].shape = ['batch', 3, 64, 32];
    const e2 = await load({ 'manifest.json': JSON.stringify(m2) }).catch((e: Error) => e);
    expect(e2).toBeInstanceOf(ManifestError);
    expect((e2 as Error).message).toContain('onnx.encoder.inputs[0].shape');
  });

  it('manifest shape the ONNX does not have: each mismatch named with type and dims', async () => {
    const m = manifestJson();
    // A consistent manifest (validation passes) for 64x64 cameras, but the graphs take 32x32.
    for (const c of m.cameras) c.width = c.height = 64;
    for (const t of m.onnx.encoder.inputs.slice(0, 2)) t.shape = ['batch', 3, 64, 64];
    const err = (await load({ 'manifest.json': JSON.stringify(m) }).catch((e: Error) => e)) as ModelIoError;
    expect(err).toBeInstanceOf(ModelIoError);
    expect(err.mismatches).toEqual([
      'input "agentview": the manifest lists float32 [batch, 3, 64, 64], the model has float32 [batch, 3, 32, 32]',
      'input "wrist": the manifest lists float32 [batch, 3, 64, 64], the model has float32 [batch, 3, 32, 32]',
    ]);
    expect(err.message).toMatch(/^models\/test-random\/encoder\.onnx does not match models\/test-random\/manifest\.json onnx\.encoder \(2 mismatches\)/);
  });

  it('ONNX whose inputs do not match the manifest (encoder file holds the decoder)', async () => {
    const m = manifestJson();
    m.onnx.encoder.file = 'decoder.onnx';
    const err = (await load({ 'manifest.json': JSON.stringify(m) }).catch((e: Error) => e)) as ModelIoError;
    expect(err).toBeInstanceOf(ModelIoError);
    expect(err.mismatches).toContain('input "agentview": the manifest lists float32 [batch, 3, 32, 32], the model has no such input');
    expect(err.mismatches).toContain('input "action_tokens": the model has int64 [batch, 56], the manifest does not list it');
    expect(err.mismatches).toContain('output "logits": the model has float32 [batch, 56, 257], the manifest does not list it');
  });

  it('tokenizer missing, or not the one the manifest describes', async () => {
    await expect(load({ 'tokenizer.json': null })).rejects.toThrow(`${DIR}/tokenizer.json: file not found`);
    const tok = JSON.parse(readFileSync(new URL(`../../${DIR}/tokenizer.json`, import.meta.url), 'utf8'));
    tok.maxLength = 20;
    await expect(load({ 'tokenizer.json': JSON.stringify(tok) })).rejects.toThrow(/tokenizer\.json: maxLength 20 .* must equal the manifest's tokenizer\.maxLength 32/);
    await expect(load({ 'tokenizer.json': '{"format": 1' })).rejects.toThrow(/tokenizer\.json: not valid JSON/);
  });

  it('NaN logits: a NaN reaching the model is caught at the decoder output, naming the file', async () => {
    const model = await load();
    const m = model.manifest;
    const enc = model.tokenizer.encode('put the red cube in the bowl');
    const images = Object.fromEntries(m.cameras.map((c) => [c.name, new Float32Array(3 * c.width * c.height)]));
    images.agentview[7] = NaN;
    const cache = await model.encode({ images, inputIds: enc.ids, attentionMask: enc.attentionMask, proprio: new Float32Array(8) });
    const tokens = new Int32Array(56).fill(m.action.maskId);
    await expect(model.logits(tokens, cache)).rejects.toThrow(/^models\/test-random\/decoder\.onnx produced NaN logits \(decoder call 1 of this chunk, token 0, id 0\)/);
    await model.dispose();
  });

  it('instruction longer than the model accepts: refused up front with the limit', async () => {
    const model = await load();
    const long = 'put the red cube in the bowl and then the blue ball on the plate '.repeat(3).trim();
    expect(() => new VlaPolicy(model, { instruction: long })).toThrow(TokenizerError);
    expect(() => new VlaPolicy(model, { instruction: long })).toThrow(/longer than the limit maxLength = 32/);
    await model.dispose();
  });

  it('a run with wrongly shaped inputs reports every input given (transformers.js style)', async () => {
    const model = await load();
    const enc = model.tokenizer.encode('red cube');
    const images = { agentview: new Float32Array(3 * 32 * 32), wrist: new Float32Array(3 * 32 * 32) };
    const err = await model.encode({ images, inputIds: enc.ids, attentionMask: enc.attentionMask, proprio: new Float32Array(5) }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/encoder\.onnx: an error occurred during model execution/);
    expect((err as Error).message).toContain('proprio: float32 [1, 5]');
    expect((err as Error).message).toContain('proprio: float32 [batch, 8]');
    await model.dispose();
  });
});
