// End-to-end test of the page in headless Chromium (SwiftShader WebGL2): load the page, pick a
// task through the UI, run the scripted expert, and check the 3D view, the model camera
// frames, the status line and the console; then the model page checks (tests/e2e/page.ts) and
// the browser runtime checks (tests/e2e/runtime.ts). Run with `npm run test:e2e`.
// Reference: window.__vla (src/app/testHook.ts) for numbers; the DOM for what a user sees.
// Invariants: exits non-zero when any check fails, and always prints a last line exactly
// `e2e: N passed, M failed`; the screenshot goes to out/e2e/ (gitignored).
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { THUMB, thumbDiff, type FrameStats } from '../../src/app/frameStats';
import type { EpisodeStatus } from '../../src/app/episode';
import { startSession } from './browser';
import { pageE2e } from './page';
import { runtimeE2e } from './runtime';

const TASK = 'object/red_cube_in_bowl';
const SEED = 3;
/** Steps of expert motion between the two frame snapshots. */
const MOTION_STEPS = 25;
/** A rendered frame has grey-level variance far above this; a blank clear colour has 0. */
const MIN_VARIANCE = 50;
/** Mean thumbnail change (grey levels) that counts as "the frame changed". */
const MIN_CHANGE = 0.5;
const OUT_DIR = 'out/e2e';

type Frames = { agentview: FrameStats; wrist: FrameStats };
const results: { name: string; ok: boolean; detail: string }[] = [];

function check(name: string, ok: boolean, detail = ''): void {
  results.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
}

async function frames(page: Page): Promise<Frames> {
  const f = await page.evaluate(() => window.__vla?.frames() ?? null);
  if (!f) throw new Error('window.__vla.frames() returned null: no camera frame was drawn');
  return f;
}

async function status(page: Page): Promise<EpisodeStatus> {
  const s = await page.evaluate(() => window.__vla?.status ?? null);
  if (!s) throw new Error('window.__vla.status is null: no scene loaded');
  return s;
}

/** Waits until the episode reaches `step` steps or ends; returns the status. */
async function waitForStep(page: Page, step: number, timeoutMs: number): Promise<EpisodeStatus> {
  await page.waitForFunction((n) => {
    const s = window.__vla?.status;
    return !!s && (s.step >= n || s.done);
  }, step, { timeout: timeoutMs, polling: 100 });
  return status(page);
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const session = await startSession();
  const consoleErrors: string[] = [];
  try {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} @ ${m.location().url}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) consoleErrors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    await page.goto(session.url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__vla?.ready === true, null, { timeout: 60_000 });
    // The model sets the camera size when it loads: wait, so frames are compared at one size.
    await page.waitForFunction(() => window.__vla?.model !== null && !window.__vla?.loading, null, { timeout: 60_000 });
    check('page ready: 3D view, episode and first camera frames', true);

    // Pick the task and seed through the UI, as a user would.
    await page.selectOption('[data-testid=task-select]', TASK);
    await page.fill('[data-testid=seed-input]', String(SEED));
    await page.click('[data-testid=new-scene]');
    await page.waitForFunction(
      ([t, s]) => window.__vla?.status?.taskId === t && window.__vla?.status?.seed === s,
      [TASK, SEED] as const,
      { timeout: 10_000 },
    );
    const s0 = await status(page);
    const shown = (await page.textContent('[data-testid=instruction]')) ?? '';
    check('task picked via UI', s0.taskId === TASK && s0.step === 0, `${s0.taskId} seed ${s0.seed}`);
    check('status line shows the instruction', shown.includes(s0.instruction), `"${s0.instruction}"`);

    await page.waitForFunction((n) => (window.__vla?.framesDrawn ?? 0) > n, 0);
    const before = await frames(page);
    for (const cam of ['agentview', 'wrist'] as const) {
      check(`${cam} frame is not blank`, before[cam].variance > MIN_VARIANCE, `grey variance ${before[cam].variance.toFixed(1)}, ${before[cam].width}x${before[cam].height}`);
    }

    // Row 0 must be the TOP of the image: the agent view has the dark backdrop above the table
    // and the lit wood below it, so a frame left bottom-up would fail this.
    const t = before.agentview.thumb;
    const rowMean = (r: number): number => t.slice(r * THUMB, (r + 1) * THUMB).reduce((a, b) => a + b, 0) / THUMB;
    check('agentview is upright (row 0 = top)', rowMean(0) + 20 < rowMean(THUMB - 1), `top row ${rowMean(0).toFixed(0)}, bottom row ${rowMean(THUMB - 1).toFixed(0)} grey`);

    await page.click('[data-testid=run-expert]');
    const t0 = Date.now();
    const s1 = await waitForStep(page, MOTION_STEPS, 60_000);
    const rate = (s1.step / ((Date.now() - t0) / 1000)).toFixed(1);
    check('expert episode advances', s1.step >= MOTION_STEPS, `step ${s1.step} at ${rate} steps/s wall`);
    const after = await frames(page);
    for (const cam of ['agentview', 'wrist'] as const) {
      const d = thumbDiff(before[cam].thumb, after[cam].thumb);
      check(`${cam} frame changes as the arm moves`, d > MIN_CHANGE, `mean thumbnail change ${d.toFixed(2)} grey levels`);
      check(`${cam} frame still not blank`, after[cam].variance > MIN_VARIANCE, `variance ${after[cam].variance.toFixed(1)}`);
    }
    await page.screenshot({ path: `${OUT_DIR}/page.png` });

    // Pause holds the step counter; reset returns to step 0.
    await page.click('[data-testid=pause]');
    const p1 = (await status(page)).step;
    await page.waitForTimeout(500);
    const p2 = (await status(page)).step;
    check('pause stops the sim', p1 === p2, `step ${p1} -> ${p2}`);
    await page.click('[data-testid=reset]');
    await page.waitForFunction(() => window.__vla?.status?.step === 0, null, { timeout: 5_000 });
    check('reset returns to step 0', true);

    check('no console errors', consoleErrors.length === 0, consoleErrors.slice(0, 5).join(' | '));
    await page.close();
    await pageE2e(check, session.browser, session.url);
  } finally {
    await session.close();
  }
  await runtimeE2e(check);
}

main()
  .catch((e: unknown) => {
    check('e2e run completed', false, e instanceof Error ? e.message.split('\n')[0] : String(e));
  })
  .finally(() => {
    const failed = results.filter((r) => !r.ok).length;
    console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
    process.exit(failed > 0 ? 1 : 0);
  });
