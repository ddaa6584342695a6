// Where model files come from: a folder reachable by fetch (the page: /models/<name>/...) or any
// reader (Node tests read the disk). Errors name the file, so "missing" is never confused with
// "corrupt".
// Invariant: a dev server that answers a missing file with its HTML index page (Vite's SPA
// fallback: status 200, text/html) counts as missing, not as the file; feeding that page to
// onnxruntime-web is what produces the opaque "magic word" / protobuf errors.

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** A model folder. */
export interface ModelSource {
  /** Folder label used in messages, e.g. "models/test-random". */
  readonly label: string;
  /** Bytes of a file of the folder; rejects with ModelLoadError naming the file when missing. */
  read(file: string): Promise<Uint8Array>;
}

type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; headers: { get(name: string): string | null }; arrayBuffer(): Promise<ArrayBuffer> }>;

const looksLikeHtml = (b: Uint8Array): boolean => {
  const head = new TextDecoder().decode(b.subarray(0, 64)).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
};

/** A model folder served over HTTP at `baseUrl` (ending in "/" or not). */
export function fetchSource(baseUrl: string, label: string, fetchFn: FetchLike = (u) => fetch(u)): ModelSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    label,
    async read(file: string): Promise<Uint8Array> {
      let res: Awaited<ReturnType<FetchLike>>;
      try {
        res = await fetchFn(base + file);
      } catch (e) {
        throw new ModelLoadError(`${label}/${file}: could not fetch ${base + file} (${(e as Error).message})`);
      }
      if (!res.ok) throw new ModelLoadError(`${label}/${file}: file not found (HTTP ${res.status} for ${base + file})`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const type = res.headers.get('content-type') ?? '';
      if ((type.includes('text/html') && !file.endsWith('.html')) || (!file.endsWith('.json') && looksLikeHtml(bytes))) {
        throw new ModelLoadError(`${label}/${file}: file not found (the server answered with an HTML page)`);
      }
      return bytes;
    },
  };
}

/** A model folder held in memory (tests, drag-and-dropped files). */
export function memorySource(label: string, files: Record<string, Uint8Array | string>): ModelSource {
  return {
    label,
    async read(file: string): Promise<Uint8Array> {
      const f = files[file];
      if (f === undefined) throw new ModelLoadError(`${label}/${file}: file not found`);
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
  };
}
