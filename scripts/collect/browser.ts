// Node side of the headless-Chromium harness used by `collect` and `export:lerobot`: bundles a
// browser entry with esbuild (no dev server), serves it from an intercepted http://localhost
// origin (a secure context, so WebCodecs and WebGL2 are available), and hands binary blobs to the
// page through intercepted fetches (no base64 on the way in).
// Reference: playwright-core chromium.launch({ executablePath }), page.route; DESIGN.md flags.
// Invariants: the Debian `chromium` binary is used (playwright cannot download browsers here);
// nothing listens on a port; close() always ends the browser it started.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ORIGIN = 'http://localhost';

/** Options of the harness. */
export interface HarnessOptions {
  /** Browser entry module (TypeScript), bundled with its imports. */
  entry: string;
  /** Chromium binary. @default $CHROMIUM_PATH, else /usr/lib/chromium/chromium, else /usr/bin/chromium */
  executablePath?: string;
  /** Forward the page's console to stderr. @default false */
  verbose?: boolean;
  /** Pages (each its own renderer and WebGL context) to open, for parallel episodes. @default 1 */
  pages?: number;
}

export interface Harness {
  /** The first page. */
  page: Page;
  /** All pages (options.pages of them). */
  pages: Page[];
  /** Make `bytes` fetchable once by the page; returns its URL. */
  serve(bytes: Uint8Array): string;
  close(): Promise<void>;
}

/** The Chromium binary to drive, or a clear error if there is none. */
export function chromiumPath(explicit?: string): string {
  const candidates = [explicit, process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].filter(
    (p): p is string => !!p,
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (tried ${candidates.join(', ')}); install Debian's chromium or set CHROMIUM_PATH`);
  return found;
}

/** Bundle a browser entry into one ES module. */
export async function bundle(entry: string): Promise<string> {
  const res = await build({
    entryPoints: [resolve(entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
  });
  return res.outputFiles[0].text;
}

export async function openHarness(opts: HarnessOptions): Promise<Harness> {
  const code = await bundle(opts.entry);
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(opts.executablePath),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // No GPU here: WebGL2 runs on SwiftShader.
      '--enable-unsafe-swiftshader',
      '--use-angle=swiftshader',
      '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling',
    ],
  });
  try {
    const blobs = new Map<string, Buffer>();
    let next = 0;
    const open = async (): Promise<Page> => {
      // One context per page: separate renderer processes, so pages really run in parallel.
      const page = await (await browser.newContext()).newPage();
      if (opts.verbose) page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
      await page.route(`${ORIGIN}/**`, async (route) => {
        const url = new URL(route.request().url());
        if (url.pathname === '/' || url.pathname === '/index.html') {
          return route.fulfill({ contentType: 'text/html', body: '<!doctype html><html><body><script type="module" src="/entry.js"></script></body></html>' });
        }
        if (url.pathname === '/entry.js') return route.fulfill({ contentType: 'text/javascript', body: code });
        const blob = blobs.get(url.pathname);
        if (blob) {
          blobs.delete(url.pathname);
          return route.fulfill({ contentType: 'application/octet-stream', body: blob });
        }
        return route.fulfill({ status: 404, body: 'not found' });
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${ORIGIN}/`);
      await page.waitForFunction(() => (window as unknown as { vlaReady?: boolean }).vlaReady === true, null, { timeout: 60_000 }).catch(() => {
        throw new Error(`browser entry ${opts.entry} did not start: ${errors.join('; ') || 'no vlaReady flag'}`);
      });
      return page;
    };
    const pages: Page[] = [];
    for (let i = 0; i < Math.max(1, opts.pages ?? 1); i++) pages.push(await open());
    const page = pages[0];
    return {
      page,
      pages,
      serve(bytes: Uint8Array): string {
        const path = `/blob/${next++}`;
        blobs.set(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        return `${ORIGIN}${path}`;
      },
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
