// `npx tsx scripts/docsScreenshot.ts [--task ID] [--seed S] [--step N] [--out docs/page-episode.png]`:
// the README's picture of the page. Opens the page with its default model on a two-step task,
// runs the model until control step N (the second clause under way by then), pauses and
// screenshots the whole page: the arm, the inspector (which clause each chunk was given) and the
// decoder settings. The episode is the one the model's evaluation ran (same task and seed), so
// the picture shows what the evaluation measured.
// Exit codes: 0 written, 1 anything else.
import { startSession } from '../tests/e2e/browser';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

async function main(): Promise<void> {
  const task = arg('task', 'long/red_cube_and_blue_cube_in_tray');
  const seed = Number(arg('seed', '4250780407'));
  const stopAt = Number(arg('step', '160'));
  const out = arg('out', 'docs/page-episode.png');
  if (!Number.isInteger(seed) || !Number.isInteger(stopAt) || stopAt < 1) throw new Error('--seed and --step take positive integers');
  const s = await startSession();
  try {
    const page = await s.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${s.url}/?task=${encodeURIComponent(task)}&seed=${seed}&backend=wasm`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__vla?.ready === true && window.__vla.model !== null && !window.__vla.loading, null, { timeout: 120_000 });
    await page.click('[data-testid=run]');
    await page.waitForFunction((n) => window.__vla!.status!.step >= n || window.__vla!.status!.done, stopAt, { timeout: 600_000, polling: 50 });
    await page.click('[data-testid=pause]').catch(() => undefined); // already stopped when the episode ended
    await page.waitForFunction(() => !window.__vla!.decode()?.busy, null, { timeout: 60_000 });
    await page.screenshot({ path: out });
    const st = await page.evaluate(() => window.__vla!.status!);
    process.stdout.write(`wrote ${out}: ${task} seed ${seed}, step ${st.step}${st.done ? (st.success ? ', solved' : ', ended') : ''}\n`);
  } finally {
    await s.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`docsScreenshot: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
