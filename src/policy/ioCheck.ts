// Checks a loaded ONNX session against the manifest's graph spec, and formats run-time input
// errors, in the style of transformers.js (src/models/session.js validateInputs / the
// "An error occurred during model execution" report): name every mismatch, then list what the
// model wants and what it was given with types and dims.
// Invariant: names must match exactly and in order (models/README.md); a type or a fixed size
// that differs is a mismatch; symbolic dims ('batch') match any symbol or size; a model that
// reports no shape for a value is checked on name and type only.

import type { GraphSpec, TensorSpec } from '../core/manifestTypes';
import type { SessionLike, TensorLike, ValueMeta } from './session';

export class ModelIoError extends Error {
  override name = 'ModelIoError';
  constructor(message: string, readonly mismatches: readonly string[]) {
    super(message);
  }
}

const dimsText = (s: ReadonlyArray<number | string> | undefined): string => (s && s.length ? `[${s.join(', ')}]` : '[?]');
const specText = (t: { type?: string; dtype?: string; shape?: ReadonlyArray<number | string> }): string => `${t.dtype ?? t.type ?? '?'} ${dimsText(t.shape)}`;

function compareShape(want: readonly (number | string)[], got: ReadonlyArray<number | string> | undefined): boolean {
  if (!got || got.length === 0) return true; // the graph does not declare it
  if (got.length !== want.length) return false;
  return want.every((w, i) => {
    const g = got[i];
    if (typeof w === 'string') return true; // symbolic in the contract: any size or symbol
    return typeof g === 'string' ? false : g === w;
  });
}

/** Every mismatch between one side (inputs or outputs) of a session and the manifest. */
export function ioMismatches(kind: 'input' | 'output', names: readonly string[], meta: readonly ValueMeta[] | undefined, want: readonly TensorSpec[]): string[] {
  const out: string[] = [];
  const metaBy = new Map((meta ?? []).map((m) => [m.name, m]));
  for (const w of want) {
    if (!names.includes(w.name)) out.push(`${kind} "${w.name}": the manifest lists ${specText(w)}, the model has no such ${kind}`);
  }
  for (const n of names) {
    if (!want.some((w) => w.name === n)) {
      const m = metaBy.get(n);
      out.push(`${kind} "${n}": the model has ${m ? specText(m) : 'it'}, the manifest does not list it`);
    }
  }
  if (out.length === 0 && names.some((n, i) => want[i].name !== n)) {
    out.push(`${kind} order: the model has [${names.join(', ')}], the manifest [${want.map((w) => w.name).join(', ')}]`);
  }
  for (const w of want) {
    const m = metaBy.get(w.name);
    if (!m || !names.includes(w.name)) continue;
    if (!m.isTensor) {
      out.push(`${kind} "${w.name}": the manifest lists ${specText(w)}, the model's value is not a tensor`);
      continue;
    }
    if ((m.type !== undefined && m.type !== w.dtype) || !compareShape(w.shape, m.shape)) {
      out.push(`${kind} "${w.name}": the manifest lists ${specText(w)}, the model has ${specText(m)}`);
    }
  }
  return out;
}

/** Throws ModelIoError naming the file and each mismatch when the session breaks the spec. */
export function checkSessionIo(session: SessionLike, spec: GraphSpec, fileLabel: string, manifestLabel: string): void {
  const mismatches = [
    ...ioMismatches('input', session.inputNames, session.inputMetadata, spec.inputs),
    ...ioMismatches('output', session.outputNames, session.outputMetadata, spec.outputs),
  ];
  if (mismatches.length === 0) return;
  throw new ModelIoError(
    `${fileLabel} does not match ${manifestLabel} (${mismatches.length} mismatch${mismatches.length > 1 ? 'es' : ''}):\n  ${mismatches.join('\n  ')}`,
    mismatches,
  );
}

/** transformers.js-style report of a failed run: the error, then each input given (type, dims). */
export function runErrorMessage(fileLabel: string, error: unknown, feeds: Record<string, TensorLike>, expected: readonly TensorSpec[]): string {
  const given = Object.entries(feeds).map(([k, t]) => `  ${k}: ${t.type} [${t.dims.join(', ')}]${t.location && t.location !== 'cpu' ? ` (${t.location})` : ''}`);
  const want = expected.map((w) => `  ${w.name}: ${specText(w)}`);
  const msg = error instanceof Error ? error.message : String(error);
  return `${fileLabel}: an error occurred during model execution: ${msg}\nInputs given to the model:\n${given.join('\n')}\nInputs the manifest lists:\n${want.join('\n')}`;
}
