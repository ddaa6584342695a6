// A loaded VLA model: manifest + tokenizer + action codec + the encoder and decoder sessions,
// checked against each other before first use. encode() runs once per chunk and returns the
// prefix cache; logits() runs once per decoder round.
// Reference: models/README.md (the contract); transformers.js for the error style (every
// mismatch named, with types and dims).
// Invariants: a model that breaks the contract is refused at load with a message that names
// the file and the field (manifest), the file and each value (ONNX I/O), or the file (missing,
// not ONNX); logits() never returns NaN (it throws naming decoder.onnx, round and position);
// the prefix cache stays on the device when the backend allows it (Backend.deviceOutputs).

import { ActionCodec } from '../core/actionCodec';
import { checkTokenizer, parseManifest, type Manifest } from '../core/manifest';
import { Tokenizer } from '../core/tokenizer';
import { checkSessionIo, runErrorMessage } from './ioCheck';
import type { Backend, SessionLike, TensorLike } from './session';
import { ModelLoadError, type ModelSource } from './sources';

const CACHE_NAMES = ['past_keys', 'past_values', 'prefix_mask'] as const;

/** Model inputs of one observation, already preprocessed. */
export interface EncoderInputs {
  /** Per camera name: normalised float32 [3][height][width]. */
  images: Record<string, Float32Array>;
  /** Token ids [maxLength] and attention mask [maxLength] from the tokenizer. */
  inputIds: Int32Array;
  attentionMask: Int32Array;
  /** Normalised proprio [len(proprio.names)]. */
  proprio: Float32Array;
}

/** The encoder's outputs, fed unchanged to every decoder round. */
export interface PrefixCache {
  readonly tensors: Record<(typeof CACHE_NAMES)[number], TensorLike>;
  /** True when the tensors live in device memory (WebGPU buffers). */
  readonly onDevice: boolean;
}

export interface LoadOptions {
  /** Keep the prefix cache on the device between rounds where the backend can. @default true */
  cacheOnDevice?: boolean;
  /** Run one encoder + decoder pass after loading (first-run compilation off the clock). @default true */
  warmup?: boolean;
}

const toInt64 = (a: ArrayLike<number>, out: BigInt64Array): BigInt64Array => {
  for (let i = 0; i < a.length; i++) out[i] = BigInt(a[i]);
  return out;
};

export class VlaModel {
  /** Action tokens per chunk N = chunkLength * dims. */
  readonly tokensPerChunk: number;
  private round = 0;

  private constructor(
    readonly label: string,
    readonly manifest: Manifest,
    readonly tokenizer: Tokenizer,
    readonly codec: ActionCodec,
    readonly backend: Backend,
    private readonly encoder: SessionLike,
    private readonly decoder: SessionLike,
    private readonly cacheOnDevice: boolean,
  ) {
    this.tokensPerChunk = manifest.action.chunkLength * manifest.action.dims;
  }

  /** Loads and checks a model folder; see the invariants above for what is refused. */
  static async load(source: ModelSource, backend: Backend, options: LoadOptions = {}): Promise<VlaModel> {
    const at = (f: string) => `${source.label}/${f}`;
    const text = new TextDecoder().decode(await source.read('manifest.json'));
    const manifest = parseManifest(text, at('manifest.json'));
    const tokText = new TextDecoder().decode(await source.read(manifest.tokenizer.file));
    let tokJson: unknown;
    try {
      tokJson = JSON.parse(tokText);
    } catch (e) {
      throw new ModelLoadError(`${at(manifest.tokenizer.file)}: not valid JSON (${(e as Error).message})`);
    }
    const tokenizer = new Tokenizer(tokJson, at(manifest.tokenizer.file));
    checkTokenizer(manifest, tokenizer, at(manifest.tokenizer.file));
    const a = manifest.action;
    const codec = new ActionCodec({ low: a.low, high: a.high, bins: a.bins });
    const cacheOnDevice = (options.cacheOnDevice ?? true) && backend.deviceOutputs;
    const open = async (file: string, keep: readonly string[]): Promise<SessionLike> => {
      const bytes = await source.read(file);
      try {
        return await backend.createSession(bytes, { keepOnDevice: keep });
      } catch (e) {
        throw new ModelLoadError(`${at(file)}: onnxruntime-web (${backend.name}) could not load it as an ONNX model: ${(e as Error).message ?? e}`);
      }
    };
    const encoder = await open(manifest.onnx.encoder.file, cacheOnDevice ? CACHE_NAMES : []);
    const decoder = await open(manifest.onnx.decoder.file, []);
    try {
      checkSessionIo(encoder, manifest.onnx.encoder, at(manifest.onnx.encoder.file), `${at('manifest.json')} onnx.encoder`);
      checkSessionIo(decoder, manifest.onnx.decoder, at(manifest.onnx.decoder.file), `${at('manifest.json')} onnx.decoder`);
    } catch (e) {
      await Promise.all([encoder.release(), decoder.release()]);
      throw e;
    }
    const model = new VlaModel(source.label, manifest, tokenizer, codec, backend, encoder, decoder, cacheOnDevice);
    if (options.warmup ?? true) await model.warmup();
    return model;
  }

  /** One encoder + decoder pass on a neutral input, so shader/kernels compile before timing. */
  async warmup(): Promise<void> {
    const m = this.manifest;
    const images = Object.fromEntries(m.cameras.map((c) => [c.name, new Float32Array(3 * c.width * c.height)]));
    const enc = this.tokenizer.encode(this.tokenizer.vocab[4] ?? 'a');
    const cache = await this.encode({ images, inputIds: enc.ids, attentionMask: enc.attentionMask, proprio: new Float32Array(m.proprio.names.length) });
    await this.logits(new Int32Array(this.tokensPerChunk).fill(m.action.maskId), cache);
    this.releaseCache(cache);
  }

  /** Runs the encoder once: observation -> prefix cache. */
  async encode(inp: EncoderInputs): Promise<PrefixCache> {
    const m = this.manifest;
    const b = this.backend;
    const L = m.tokenizer.maxLength;
    const feeds: Record<string, TensorLike> = {};
    for (const c of m.cameras) {
      const img = inp.images[c.name];
      if (!img || img.length !== 3 * c.width * c.height) {
        throw new ModelLoadError(`${this.label}: camera "${c.name}" needs ${3 * c.width * c.height} floats [3][${c.height}][${c.width}], got ${img ? img.length : 'none'}`);
      }
      feeds[c.name] = b.float32(img, [1, 3, c.height, c.width]);
    }
    feeds.input_ids = b.int64(toInt64(inp.inputIds, new BigInt64Array(L)), [1, L]);
    feeds.attention_mask = b.int64(toInt64(inp.attentionMask, new BigInt64Array(L)), [1, L]);
    feeds.proprio = b.float32(inp.proprio, [1, inp.proprio.length]);
    const file = `${this.label}/${m.onnx.encoder.file}`;
    let out: Record<string, TensorLike>;
    try {
      out = await this.encoder.run(feeds);
    } catch (e) {
      throw new ModelLoadError(runErrorMessage(file, e, feeds, m.onnx.encoder.inputs));
    }
    this.round = 0;
    return { tensors: { past_keys: out.past_keys, past_values: out.past_values, prefix_mask: out.prefix_mask }, onDevice: this.cacheOnDevice };
  }

  /** Runs the decoder once: tokens [token] (mask id where masked) -> logits [token][vocab]. */
  async logits(tokens: Int32Array, cache: PrefixCache): Promise<Float32Array> {
    const m = this.manifest;
    const N = this.tokensPerChunk;
    if (tokens.length !== N) throw new ModelLoadError(`${this.label}: expected ${N} action tokens, got ${tokens.length}`);
    // A fresh buffer per call: runs are queued, so a shared one could change before its run starts.
    const actionTokens = this.backend.int64(toInt64(tokens, new BigInt64Array(N)), [1, N]);
    const feeds: Record<string, TensorLike> = { action_tokens: actionTokens, ...cache.tensors };
    const file = `${this.label}/${m.onnx.decoder.file}`;
    let out: Record<string, TensorLike>;
    try {
      out = await this.decoder.run(feeds);
    } catch (e) {
      throw new ModelLoadError(runErrorMessage(file, e, feeds, m.onnx.decoder.inputs));
    }
    const logits = await this.backend.readFloat32(out.logits);
    this.round++;
    const V = m.action.vocabSize;
    if (logits.length !== N * V) throw new ModelLoadError(`${file}: logits has ${logits.length} values, expected ${N} tokens x ${V} = ${N * V}`);
    for (let i = 0; i < logits.length; i++) {
      if (Number.isNaN(logits[i])) {
        throw new ModelLoadError(`${file} produced NaN logits (decoder call ${this.round} of this chunk, token ${Math.floor(i / V)}, id ${i % V}): the model or its inputs are broken`);
      }
    }
    return logits;
  }

  /** Frees device buffers of a cache (no-op on CPU). */
  releaseCache(cache: PrefixCache): void {
    if (cache.onDevice) for (const t of Object.values(cache.tensors)) t.dispose?.();
  }

  async dispose(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}
