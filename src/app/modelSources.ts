// Where the page gets models: the folders under models/ (listed at build time by Vite), a URL,
// or files the user drops or picks (a folder's four files, or a .zip of them). Every source is
// wrapped with a byte counter (progress bar) and a size limit, and the model is loaded and
// validated by VlaModel.load before the page swaps to it.
// Reference: src/policy/sources.ts (fetchSource, memorySource, ModelLoadError), models/README.md.
// Invariants: the default model is the one constant DEFAULT_MODEL; a source never returns more
// than MODEL_SIZE_LIMIT bytes in total (it rejects with a ModelLoadError naming the limit).
import { unzipSync } from 'fflate';
import { fetchSource, memorySource, ModelLoadError, type ModelSource } from '../policy/sources';

/** The model the page opens with: the trained model shipped in models/ (models/vla-pk23m/REPORT.md). */
export const DEFAULT_MODEL = 'vla-pk23m';

/** Refuse models larger than this (all files together): the page holds them in memory. */
export const MODEL_SIZE_LIMIT = 200 * 1024 * 1024;

/** The files a model folder needs (models/README.md). */
export const MODEL_FILES = ['manifest.json', 'tokenizer.json', 'encoder.onnx', 'decoder.onnx'] as const;

/** Names of the folders models/<name>/ that hold a manifest (known when the page is built). */
export function bundledModels(): string[] {
  const keys = Object.keys(import.meta.glob('/models/*/manifest.json'));
  return keys.map((k) => k.split('/')[2]).sort();
}

/** Progress of a load: bytes read so far and files done. */
export interface LoadProgress {
  bytes: number;
  files: number;
  totalFiles: number;
}

/** Wraps a source: counts bytes for the progress bar and enforces MODEL_SIZE_LIMIT. */
export function meteredSource(src: ModelSource, onProgress: (p: LoadProgress) => void, limit = MODEL_SIZE_LIMIT): ModelSource {
  const p: LoadProgress = { bytes: 0, files: 0, totalFiles: MODEL_FILES.length };
  return {
    label: src.label,
    async read(file: string): Promise<Uint8Array> {
      const b = await src.read(file);
      p.bytes += b.length;
      p.files++;
      if (p.bytes > limit) {
        throw new ModelLoadError(`${src.label}: larger than the page's limit of ${(limit / 1048576).toFixed(0)} MB (reached ${(p.bytes / 1048576).toFixed(1)} MB at ${file})`);
      }
      onProgress({ ...p });
      return b;
    },
  };
}

/** A source for a bundled name ("test-random"), a URL, or a path on this server ("/models/x/"). */
export function sourceFor(model: string): ModelSource {
  if (/^https?:\/\//.test(model)) return fetchSource(model, model.replace(/\/+$/, ''));
  if (model.startsWith('/')) return fetchSource(`${globalThis.location.origin}${model}`, model.replace(/^\/+|\/+$/g, ''));
  return fetchSource(`${globalThis.location.origin}/models/${model}/`, `models/${model}`);
}

/** Dropped or picked files: the four model files (any folder depth), or one .zip holding them. */
export async function filesSource(files: readonly File[]): Promise<ModelSource> {
  const total = files.reduce((a, f) => a + f.size, 0);
  if (total > MODEL_SIZE_LIMIT) throw new ModelLoadError(`dropped files: ${(total / 1048576).toFixed(1)} MB, over the page's limit of ${(MODEL_SIZE_LIMIT / 1048576).toFixed(0)} MB`);
  const map: Record<string, Uint8Array> = {};
  let label = 'dropped files';
  for (const f of files) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (f.name.toLowerCase().endsWith('.zip')) {
      label = f.name;
      let entries: Record<string, Uint8Array>;
      try {
        entries = unzipSync(bytes);
      } catch (e) {
        throw new ModelLoadError(`${f.name}: not a readable zip file (${(e as Error).message})`);
      }
      for (const [path, data] of Object.entries(entries)) map[path.split('/').pop() ?? path] = data;
    } else {
      const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath;
      if (rel) label = rel.split('/')[0];
      map[f.name] = bytes;
    }
  }
  const missing = MODEL_FILES.filter((n) => !(n in map));
  if (missing.length) throw new ModelLoadError(`${label}: missing ${missing.join(', ')} (a model folder holds ${MODEL_FILES.join(', ')})`);
  return memorySource(label, map);
}

/** Files of a drop: plain files as they are, and the files inside dropped folders (any depth),
 * via the File and Directory Entries API (dataTransfer.files lists a folder as one empty file). */
export async function filesFromDrop(dt: DataTransfer): Promise<File[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (!entries.length) return [...dt.files];
  const out: File[] = [];
  const walk = async (e: FileSystemEntry): Promise<void> => {
    if (e.isFile) {
      out.push(await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej)));
      return;
    }
    const reader = (e as FileSystemDirectoryEntry).createReader();
    // readEntries returns the entries in batches; an empty batch ends the folder.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
      if (!batch.length) break;
      for (const c of batch) await walk(c);
    }
  };
  for (const e of entries) await walk(e);
  return out;
}
