// Node side of the headless model evaluation: a Vite dev server for the evaluation page
// (src/browser-eval/eval.html) and Debian's Chromium (flags and launcher shared with
// tests/e2e/browser.ts), wrapped as typed calls of window.vlaEval.
// Why not tests/e2e/browser.ts startDevServer as is: its optimizeDeps list is for the app page;
// this page also needs @tensorflow/tfjs pre-bundled (a dependency discovered mid-run makes Vite
// reload the page) and onnxruntime-web served unbundled, so its WebGPU build and .wasm files
// keep their own URLs (wasmPaths are set from `?url` imports in src/runtime/ortBackend.ts).
// Invariants: close() ends the browser and the server it started; the server binds 127.0.0.1.
import type { ConsoleMessage, Page } from 'playwright-core';
import { cpSync } from 'node:fs';
import { build, createServer, preview } from 'vite';
import { freePort, launchBrowser } from '../../tests/e2e/browser';
import type { VlaEvalApi } from '../../src/browser-eval/api';

export const EVAL_PAGE = '/src/browser-eval/eval.html';

export interface EvalBrowser {
  page: Page;
  url: string;
  /** Calls window.vlaEval[method](arg) in the page. */
  call<K extends keyof VlaEvalApi>(method: K, arg: Parameters<VlaEvalApi[K]>[0]): Promise<Awaited<ReturnType<VlaEvalApi[K]>>>;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export interface EvalBrowserOptions {
  /** Forward the page's console to stderr. @default false */
  verbose?: boolean;
  /** 'dev': Vite dev server; 'build': `vite build` of the page + models copied beside it, served
   * by `vite preview` (checks that the .wasm/.mjs assets resolve in a production build). @default 'dev' */
  serve?: 'dev' | 'build';
}

/** Where the 'build' mode writes the built page (gitignored out/). */
export const BUILD_DIR = 'out/eval-build';

async function startBuilt(): Promise<{ close: () => Promise<void>; url: string }> {
  await build({ logLevel: 'warn', build: { outDir: BUILD_DIR, emptyOutDir: true, rollupOptions: { input: 'src/browser-eval/eval.html' } } });
  // The page fetches /models/<name>/...; preview serves only the build folder.
  cpSync('models', `${BUILD_DIR}/models`, { recursive: true });
  const port = await freePort();
  const server = await preview({ logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: true }, build: { outDir: BUILD_DIR } });
  return { close: () => server.close(), url: `http://127.0.0.1:${port}` };
}

async function startServer(): Promise<{ close: () => Promise<void>; url: string }> {
  const port = await freePort();
  const server = await createServer({
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false },
    // Its own pre-bundle cache: a dev server or e2e run alive at the same time optimises a
    // different dependency list, and sharing node_modules/.vite made each invalidate the other's
    // bundles mid-run ("504 Outdated Optimize Dep").
    cacheDir: 'node_modules/.vite-eval',
    optimizeDeps: {
      entries: ['src/browser-eval/eval.html'],
      include: ['three', 'cannon-es', '@tensorflow/tfjs'],
      exclude: ['onnxruntime-web'],
    },
  });
  await server.listen();
  return { close: () => server.close(), url: `http://127.0.0.1:${port}` };
}

export async function openEvalBrowser(opts: EvalBrowserOptions = {}): Promise<EvalBrowser> {
  const server = opts.serve === 'build' ? await startBuilt() : await startServer();
  const url = server.url;
  const browser = await launchBrowser().catch(async (e) => {
    await server.close();
    throw e;
  });
  const close = async () => {
    await browser.close().catch(() => undefined);
    await server.close();
  };
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m: ConsoleMessage) => {
      if (m.text().includes('favicon')) return;
      if (opts.verbose) process.stderr.write(`[page] ${m.text()}\n`);
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    await page.goto(url + EVAL_PAGE, { waitUntil: 'load' });
    await page
      .waitForFunction(() => (window as unknown as { vlaReady?: boolean }).vlaReady === true, null, { timeout: 120_000 })
      .catch(() => {
        throw new Error(`evaluation page did not start: ${errors.join('; ') || 'no vlaReady flag'}`);
      });
    return {
      page,
      url,
      errors,
      close,
      call: (method, arg) =>
        page.evaluate(
          ([m, a]) => (window as unknown as { vlaEval: Record<string, (x: unknown) => Promise<unknown>> }).vlaEval[m](a),
          [method, arg] as [string, unknown],
        ) as never,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
