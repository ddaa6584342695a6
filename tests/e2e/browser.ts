// Shared plumbing for the browser runs (e2e test, render benchmark): start the Vite dev server
// on a free localhost port and launch Debian's headless Chromium through playwright-core.
// Reference: DESIGN.md "Where each part runs" (no `npx playwright install` here: the system
// chromium is driven through executablePath; SwiftShader gives WebGL2 and WebGPU on CPU).
// Invariants: every server and browser started here is closed by the returned close();
// nothing listens beyond 127.0.0.1.
import { existsSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** A free TCP port on 127.0.0.1 (the OS picks it; the port is released before Vite binds). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => (port ? resolve(port) : reject(new Error('freePort: no port assigned'))));
    });
  });
}

/** Starts the project's Vite dev server (vite.config.ts) on a free port; returns it and its URL. */
export async function startDevServer(): Promise<{ server: ViteDevServer; url: string }> {
  const port = await freePort();
  const server = await createServer({
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false },
    // Pre-bundle every browser dependency up front: a dependency discovered mid-run makes Vite
    // reload the page, which would abort the test.
    optimizeDeps: {
      include: ['three', 'three/examples/jsm/controls/OrbitControls.js', 'cannon-es', 'react', 'react-dom/client'],
    },
  });
  await server.listen();
  return { server, url: `http://127.0.0.1:${port}` };
}

/** Launches headless Chromium with the project's flags (SwiftShader WebGL2). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** Dev server + browser, closed together. */
export async function startSession(): Promise<{ url: string; browser: Browser; close: () => Promise<void> }> {
  const { server, url } = await startDevServer();
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    url,
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}
