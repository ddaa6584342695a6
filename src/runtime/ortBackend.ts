// The one module that imports onnxruntime-web. It loads the WebGPU build (which also carries
// the WASM execution provider), points it at the .wasm/.mjs files through Vite `?url` imports,
// picks WebGPU on a hardware adapter and WASM otherwise (the caller may force either), uses
// WASM threads when the page is cross-origin isolated, serialises every session creation and
// run through one promise chain, and can leave chosen outputs (the prefix cache) in GPU buffers.
// Reference: transformers.js src/backends/onnx.js (one backend module, feature detection once,
// serialised runs); onnxruntime.ai "Using the WebGPU Execution Provider" (preferredOutputLocation
// 'gpu-buffer', env.wasm.wasmPaths); Vite "?url" asset imports.
// Invariants: env is configured once, before the first session; runs never overlap (ORT-web
// rejects concurrent run() calls and all sessions share one WASM instance / GPU device);
// device tensors are read only through readFloat32 and freed by the owner with dispose().
// Why set wasmPaths: under Vite the runtime would otherwise look for the .wasm beside the
// pre-bundled module (node_modules/.vite/deps), get the dev server's HTML fallback and fail
// with "expected magic word 00 61 73 6d".

import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import type { Backend, BackendName, SessionCreateOptions, SessionLike, TensorLike } from '../policy/session';

/** What the user asks for: a backend, or 'auto' (WebGPU on a hardware adapter, else WASM). */
export type BackendPreference = 'auto' | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** WASM threads in use (1 unless the page is cross-origin isolated). */
  threads: number;
  crossOriginIsolated: boolean;
  /** WebGPU adapter description, or why there is none. */
  adapter: string;
  /** Prefix-cache outputs stay on the device (WebGPU gpu-buffer outputs). */
  deviceOutputs: boolean;
  ortVersion: string;
}

export class BackendError extends Error {
  override name = 'BackendError';
}

/** Threads to use; capped at 4 because the models are small and the page also renders. */
export const MAX_WASM_THREADS = 4;

let configured = false;
let chain: Promise<unknown> = Promise.resolve();

/** Runs `fn` after every earlier call has settled (one ORT call at a time, page-wide). */
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const next = chain.then(fn, fn);
  chain = next.catch(() => undefined);
  return next;
}

/** Options of createOrtBackend; env-wide ones apply only to the page's first call. */
export interface OrtBackendOptions {
  /** WASM threads (env-wide). @default min(4, cores) when cross-origin isolated, else 1 */
  wasmThreads?: number;
}

function configureEnv(opts: OrtBackendOptions): void {
  if (configured) return;
  configured = true;
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
  // Threads need SharedArrayBuffer, which only a cross-origin isolated page has.
  const want = opts.wasmThreads ?? Math.min(MAX_WASM_THREADS, cores);
  ort.env.wasm.numThreads = isolated ? Math.max(1, want) : 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
}

/** Result of the one WebGPU probe of a page. */
export interface WebGpuProbe {
  /** An adapter exists. */
  ok: boolean;
  /** It is a software fallback (SwiftShader): correct but slower than WASM, so 'auto' skips it. */
  software: boolean;
  text: string;
}

let adapterProbe: Promise<WebGpuProbe> | null = null;

/** Whether a WebGPU adapter exists and whether it is a software one (probed once per page). */
export function probeWebGpu(): Promise<WebGpuProbe> {
  adapterProbe ??= (async (): Promise<WebGpuProbe> => {
    const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
    if (!gpu) return { ok: false, software: false, text: 'navigator.gpu is undefined (no WebGPU in this browser or context)' };
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { ok: false, software: false, text: 'navigator.gpu.requestAdapter() returned null' };
      const i = (adapter as GPUAdapter & { info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean } }).info;
      const text = [i?.vendor, i?.architecture, i?.description].filter(Boolean).join(' / ') || 'unnamed adapter';
      const software = i?.isFallbackAdapter === true || /swiftshader/i.test(text);
      return { ok: true, software, text: software ? `${text} (software)` : text };
    } catch (e) {
      return { ok: false, software: false, text: `requestAdapter failed: ${(e as Error).message}` };
    }
  })();
  return adapterProbe;
}

/** Chooses and prepares a backend. Forcing 'webgpu' without an adapter is an error. */
export async function createOrtBackend(pref: BackendPreference = 'auto', opts: OrtBackendOptions = {}): Promise<Backend & { info: BackendInfo }> {
  configureEnv(opts);
  const probe = await probeWebGpu();
  if (pref === 'webgpu' && !probe.ok) throw new BackendError(`WebGPU was requested but is not available: ${probe.text}`);
  // 'auto' takes WebGPU only on a hardware adapter; a software one is available when forced.
  const name: BackendName = pref === 'webgpu' || (pref === 'auto' && probe.ok && !probe.software) ? 'webgpu' : 'wasm';
  const onGpu = name === 'webgpu';
  const info: BackendInfo = {
    name,
    threads: ort.env.wasm.numThreads ?? 1,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    adapter: probe.text,
    deviceOutputs: onGpu,
    ortVersion: ort.env.versions.web ?? 'unknown',
  };
  return {
    name,
    deviceOutputs: onGpu,
    info,
    createSession(bytes: Uint8Array, options: SessionCreateOptions = {}): Promise<SessionLike> {
      const keep = onGpu ? (options.keepOnDevice ?? []) : [];
      const opts: ort.InferenceSession.SessionOptions = {
        executionProviders: [name],
        graphOptimizationLevel: 'all',
        // Errors only: node-placement notes (shape ops on CPU) are expected and not actionable.
        logSeverityLevel: 3,
        ...(keep.length ? { preferredOutputLocation: Object.fromEntries(keep.map((k) => [k, 'gpu-buffer' as const])) } : {}),
      };
      return serial(async () => {
        const s = await ort.InferenceSession.create(bytes, opts);
        return {
          inputNames: s.inputNames,
          outputNames: s.outputNames,
          inputMetadata: s.inputMetadata,
          outputMetadata: s.outputMetadata,
          run: (feeds: Record<string, TensorLike>) => serial(() => s.run(feeds as Record<string, ort.Tensor>)) as Promise<Record<string, TensorLike>>,
          release: () => serial(() => s.release()),
        };
      });
    },
    float32: (data, dims) => new ort.Tensor('float32', data, dims),
    int64: (data, dims) => new ort.Tensor('int64', data, dims),
    async readFloat32(t: TensorLike): Promise<Float32Array> {
      const tensor = t as ort.Tensor;
      if (tensor.type !== 'float32') throw new BackendError(`readFloat32: tensor is ${tensor.type}`);
      if (tensor.location === 'cpu' || tensor.location === undefined) return tensor.data as Float32Array;
      return serial(() => tensor.getData() as Promise<Float32Array>);
    },
  };
}
