// The narrow surface of an ONNX Runtime session and backend that the policy code needs, so the
// closed loop, model loading and input checks stay free of onnxruntime-web (and of the DOM) and
// are testable in Node with any session behind them.
// Reference: onnxruntime-common InferenceSession (inputNames, inputMetadata, run) and Tensor
// (type, dims, data, location, getData, dispose); an ort.Tensor satisfies TensorLike as is.
// Invariants: the browser implementation is src/runtime/ortBackend.ts (the only importer of
// onnxruntime-web); a tensor whose `location` is not 'cpu' is opaque here and is read only
// through Backend.readFloat32.

/** Element types the model contract uses (models/README.md). */
export type ContractDtype = 'float32' | 'int64';

/** A tensor as a backend holds it: CPU data, or a device buffer that only the backend reads. */
export interface TensorLike {
  /** ONNX element type, e.g. 'float32' or 'int64'. */
  readonly type: string;
  readonly dims: readonly number[];
  /** 'cpu' (data readable), 'gpu-buffer', ...; absent means 'cpu'. */
  readonly location?: string;
  /** Frees a device buffer; no-op for CPU tensors. */
  dispose?(): void;
}

/** What the runtime reports about one graph input or output. */
export interface ValueMeta {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  /** Numbers are fixed sizes, strings symbolic; empty when the graph does not say. */
  readonly shape?: ReadonlyArray<number | string>;
}

export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly ValueMeta[];
  readonly outputMetadata?: readonly ValueMeta[];
  run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
  release(): Promise<void>;
}

/** The execution providers a page can use. 'wasm' is the CPU fallback. */
export type BackendName = 'wasm' | 'webgpu';

export interface SessionCreateOptions {
  /** Outputs to leave on the device between runs (the prefix cache on WebGPU). @default [] */
  keepOnDevice?: readonly string[];
}

/** Creates sessions and tensors; serialises runs where the runtime needs it. */
export interface Backend {
  readonly name: BackendName;
  /** True when outputs listed in keepOnDevice really stay on the device (WebGPU). */
  readonly deviceOutputs: boolean;
  createSession(bytes: Uint8Array, options?: SessionCreateOptions): Promise<SessionLike>;
  float32(data: Float32Array, dims: readonly number[]): TensorLike;
  int64(data: BigInt64Array, dims: readonly number[]): TensorLike;
  /** CPU copy of a float32 tensor (downloads a device buffer). */
  readFloat32(t: TensorLike): Promise<Float32Array>;
}
