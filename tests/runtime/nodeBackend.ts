// Test helper: a Backend (src/policy/session.ts) over onnxruntime-web's Node build (WASM, one
// thread), plus a disk ModelSource, so model loading and the closed loop run under Vitest.
// The page uses src/runtime/ortBackend.ts instead; both hand ort.Tensor objects through.
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-web';
import type { Backend, SessionLike, TensorLike } from '../../src/policy/session';
import { ModelLoadError, type ModelSource } from '../../src/policy/sources';

export function nodeBackend(): Backend {
  ort.env.wasm.numThreads = 1;
  return {
    name: 'wasm',
    deviceOutputs: false,
    async createSession(bytes: Uint8Array): Promise<SessionLike> {
      return (await ort.InferenceSession.create(bytes)) as unknown as SessionLike;
    },
    float32: (data, dims) => new ort.Tensor('float32', data, dims),
    int64: (data, dims) => new ort.Tensor('int64', data, dims),
    async readFloat32(t: TensorLike): Promise<Float32Array> {
      return (t as ort.Tensor).data as Float32Array;
    },
  };
}

/** A model folder on disk (paths relative to the repository root). */
export function diskSource(dir: string, overrides: Record<string, Uint8Array | string | null> = {}): ModelSource {
  return {
    label: dir,
    async read(file: string): Promise<Uint8Array> {
      if (file in overrides) {
        const o = overrides[file];
        if (o === null) throw new ModelLoadError(`${dir}/${file}: file not found`);
        return typeof o === 'string' ? new TextEncoder().encode(o) : o;
      }
      try {
        return new Uint8Array(await readFile(new URL(`../../${dir}/${file}`, import.meta.url)));
      } catch {
        throw new ModelLoadError(`${dir}/${file}: file not found`);
      }
    },
  };
}
