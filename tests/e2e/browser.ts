// Shared plumbing for the browser runs (e2e test, render benchmark): start the Vite dev server
// on a free localhost port and launch Debian's headless Chromium through playwright-core.
// Reference: DESIGN.md "Where each part runs" (no `npx playwright install` here: the system
// chromium is driven through executablePath; SwiftShader gives WebGL2 and WebGPU on CPU).
// Invariants: every server and browser started here is closed by the returned close();
// nothing listens beyond 127.0.0.1.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
      include: ['three', 'three/examples/jsm/controls/OrbitControls.js', 'cannon-es', 'react', 'react-dom/client', 'onnxruntime-web/webgpu', '@tensorflow/tfjs', 'fflate'],
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

/** CPU seconds (user + system) used so far by every live descendant of this Node process:
 * the browser's processes (renderer, GPU/SwiftShader) and the dev server's helpers. A cost
 * measure that, unlike wall time, hardly moves when other jobs share the CPU. Linux only
 * (/proc); returns NaN elsewhere. */
export function descendantCpuSeconds(): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return NaN;
  }
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const d of entries) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // Fields after the parenthesised command name: state ppid ... utime(14) stime(15).
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(rest[1]));
      ticks.set(Number(d), Number(rest[11]) + Number(rest[12]));
    } catch {
      // The process ended while we read /proc.
    }
  }
  const mine = new Set<number>([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  mine.delete(process.pid);
  let total = 0;
  for (const pid of mine) total += ticks.get(pid) ?? 0;
  return total / CLOCK_TICKS_PER_SECOND;
}

/** Linux USER_HZ: /proc times are in 1/100 s on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;
