// End-to-end checks of the interactive page in headless Chromium: type an instruction and run
// the model in closed loop, step through the decoder's rounds (pause before each round, the
// keyboard, the scrubber, a cell's top candidates), change decoder settings live, swap to
// another model and back, load broken models (message shown, the old model still runs),
// perturb what the model sees, drag an object, and replay an episode from its URL. Measures
// main-thread responsiveness during decoding (longest 'longtask', longest rAF gap).
// Reference: window.__vla (src/app/testHook.ts) for numbers; the DOM for what a user sees.
// Invariants: one `check` line per claim; screenshots go to out/e2e/ (gitignored).
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_MODEL } from '../../src/app/modelSources';

export type Check = (name: string, ok: boolean, detail?: string) => void;

const TASK = 'object/red_cube_in_bowl';
/** The default model's evaluation (models/<default>/eval-dd.json): the page must replay one of its
 * solved object/purple_cube_in_tray episodes step for step. */
const TRAY_TASK = 'object/purple_cube_in_tray';
type EvalEpisode = { task: string; seed: number; success: boolean; steps: number };
const defaultEval = (): EvalEpisode[] =>
  JSON.parse(readFileSync(new URL(`../../models/${DEFAULT_MODEL}/eval-dd.json`, import.meta.url), 'utf8')).episodes;
const SEED = 3;
const OUT_DIR = 'out/e2e';
/** Bound on the longest main-thread task inside a decode (after the page's first): measured
 * 50-229 ms on the shared 2-core machine under load ~8 (SwiftShader, React dev build), 2x
 * margin. Before the fix every decode had one 200-270 ms task (a second camera readback). */
const MAX_TASK_MS = 450;
/** Frames painted per second of decoding: measured 2.6-3.6 here (a SwiftShader frame of the 3D
 * view takes 0.3-0.8 s of the GPU process); 2x margin. */
const MIN_FPS_IN_DECODES = 1.25;
/** Whether the page's default model is the test model (then the URL never names it). */
const DEFAULT_IS_TEST_MODEL = (DEFAULT_MODEL as string) === 'test-random';
/** DD rounds of models/test-random (its manifest's decoding.rounds), which the checks below pin
 * through the URL: the NFE of its default chunk. */
const ROUNDS: number = JSON.parse(readFileSync(new URL('../../models/test-random/manifest.json', import.meta.url), 'utf8')).decoding.rounds;
/** Rounds stepped one at a time with "pause before each round" (fewer than ROUNDS, so it is still waiting). */
const STEPPED = Math.min(4, ROUNDS - 1);
/** A DD round count other than the default, to see a setting apply live. */
const OTHER_ROUNDS = ROUNDS === 4 ? 5 : 4;

type Decode = NonNullable<ReturnType<NonNullable<Window['__vla']>['decode']>>;
const decodeInfo = (page: Page): Promise<Decode> => page.evaluate(() => window.__vla!.decode()!);
const step = (page: Page): Promise<number> => page.evaluate(() => window.__vla!.status!.step);

/** Clicks "Step cycle" and waits until the chunk it decodes has been executed (the loop stops). */
async function stepCycle(page: Page): Promise<Decode> {
  const before = await step(page);
  await page.click('[data-testid=step-cycle]');
  await page.waitForFunction((s) => {
    const v = window.__vla!;
    return v.status!.step > s && !document.querySelector('[data-testid=pause]');
  }, before, { timeout: 60_000, polling: 50 });
  return decodeInfo(page);
}

async function waitModel(page: Page, name: string): Promise<void> {
  await page.waitForFunction((n) => window.__vla?.model?.name === n && !window.__vla.loading, name, { timeout: 60_000, polling: 100 });
}

export async function pageE2e(check: Check, browser: Browser, url: string): Promise<void> {
  const errors: string[] = [];
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  // The page opens the default (trained) model; these checks then pin models/test-random (fast,
  // tiny) through the URL, as a shared link would.
  await page.goto(`${url}/?task=${encodeURIComponent(TASK)}&seed=${SEED}&backend=wasm`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__vla?.ready === true, null, { timeout: 60_000 });
  await waitModel(page, DEFAULT_MODEL);
  const d0 = await stepCycle(page);
  check(`page: opens the default model models/${DEFAULT_MODEL} and it decodes a chunk`, d0.complete && d0.chunks >= 1, `NFE ${d0.nfe}, encoder ${d0.encoderMs.toFixed(0)} ms`);
  const solved = DEFAULT_IS_TEST_MODEL ? undefined : defaultEval().find((e) => e.task === TRAY_TASK && e.success);
  if (solved) {
    // A whole episode of the shipped model on the page (closed loop from its manifest: replanning,
    // clauses, keeping the plan while the arm is still), as its evaluation ran it in the eval page.
    await page.goto(`${url}/?task=${encodeURIComponent(TRAY_TASK)}&seed=${solved.seed}&backend=wasm`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__vla?.ready === true, null, { timeout: 60_000 });
    await waitModel(page, DEFAULT_MODEL);
    await page.click('[data-testid=run]');
    await page.waitForFunction(() => window.__vla!.status!.done, null, { timeout: 300_000, polling: 200 });
    const st = await page.evaluate(() => window.__vla!.status!);
    const dk = await decodeInfo(page);
    check(`page: models/${DEFAULT_MODEL} puts the purple cube in the tray (seed ${solved.seed}) in the ${solved.steps} steps of its evaluation`, st.success && st.step === solved.steps, `${st.success ? 'success' : st.failure} after ${st.step} steps, ${dk.chunks} chunks, the plan kept ${dk.kept}x`);
  }
  const start = `${url}/?task=${encodeURIComponent(TASK)}&seed=${SEED}&backend=wasm${DEFAULT_IS_TEST_MODEL ? '' : '&model=test-random'}`;
  await page.goto(start, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__vla?.ready === true, null, { timeout: 60_000 });
  await waitModel(page, 'test-random');
  const header = (await page.textContent('[data-testid=active-model]')) ?? '';
  check('page: model and backend always visible in the header', /test-random/.test(header) && /WASM/.test(header), header);

  // Instruction box: a free-form text gets no success check, a known phrasing gets one.
  await page.fill('[data-testid=instruction-input]', 'wave at the camera');
  const free = (await page.textContent('[data-testid=match-note]')) ?? '';
  const options = await page.$$eval('#instruction-suggestions option', (o) => o.map((x) => (x as HTMLOptionElement).value));
  await page.fill('[data-testid=instruction-input]', options[0].toUpperCase());
  const known = (await page.textContent('[data-testid=match-note]')) ?? '';
  check('page: suggestions list phrasings; free text has no success check, a known phrasing has one', options.length > 10 && /no success check/.test(free) && /success is checked/.test(known), `${options.length} suggestions; "${options[0]}"`);

  // Run in closed loop, measuring main-thread stalls while chunks decode.
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  await page.evaluate(`(() => {
    const perf = { tasks: [], frames: [] };
    window.__perf = perf;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) perf.tasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });
    const tick = (t) => { perf.frames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => (window.__vla?.status?.step ?? 0) >= 24, null, { timeout: 90_000, polling: 100 });
  await page.screenshot({ path: `${OUT_DIR}/page-episode.png` });
  await page.click('[data-testid=pause]');
  const p1 = await step(page);
  await page.waitForFunction(() => !window.__vla!.decode()!.busy, null, { timeout: 30_000 });
  await page.waitForTimeout(300);
  check('page: pause holds the episode', (await step(page)) === p1, `step ${p1}`);
  const d1 = await decodeInfo(page);
  check('page: typed instruction runs the model in closed loop (replans every chunk)', d1.chunks >= 3 && d1.nfe === ROUNDS && d1.complete, `${d1.chunks} chunks by step ${p1}, NFE ${d1.nfe}, encoder ${d1.encoderMs.toFixed(0)} ms, rounds ${d1.roundMs.map((v) => v.toFixed(0)).join('/')} ms`);
  // Responsiveness: main-thread stalls that overlap a chunk's decode (encoder + all rounds).
  const perf = (await page.evaluate('window.__perf')) as { tasks: number[][]; frames: number[] };
  const inSpan = (t0: number, t1: number) => d1.spans.some(([a, b]) => t0 < b && t1 > a);
  const stalls = perf.tasks.filter(([t, dur]) => inSpan(t, t + dur)).map(([, dur]) => dur);
  let gap = 0;
  for (let i = 1; i < perf.frames.length; i++) if (inSpan(perf.frames[i - 1], perf.frames[i])) gap = Math.max(gap, perf.frames[i] - perf.frames[i - 1]);
  const decodeMs = d1.spans.filter(([a, b]) => b > a).map(([a, b]) => b - a);
  const longest = Math.max(0, ...stalls);
  // The decoder's own slices (encoder run, each round) must stay short. Measured with a CPU
  // profile: the long tasks inside a decode were synchronous readbacks of the model cameras
  // (readPixels waits for the GPU process to finish the 3D view's frame); what remains is React
  // (dev build) and ONNX Runtime runs of a few to ~70 ms.
  const framesIn = perf.frames.filter((t) => inSpan(t, t)).length;
  // A rate, not a count per decode: decodes got shorter than a SwiftShader frame of the view.
  const fpsIn = framesIn / (decodeMs.reduce((a, b) => a + b, 0) / 1000);
  check(`page: the page keeps painting during decodes (>= ${MIN_FPS_IN_DECODES} frames/s; decode yields between rounds)`, fpsIn >= MIN_FPS_IN_DECODES, `${fpsIn.toFixed(1)} frames/s; ${decodeMs.length} decodes of ${decodeMs.map((v) => v.toFixed(0)).join('/')} ms wall, ${framesIn} frames painted inside them; longest encoder run or round ${d1.maxSliceMs.toFixed(0)} ms (upper bound: includes tasks that ran while it awaited); longest main-thread task inside decodes ${longest.toFixed(0)} ms (${stalls.length} tasks > 50 ms), longest rAF gap ${gap.toFixed(0)} ms`);
  // The first decode of a page also pays one-time costs (first readback of the model cameras,
  // tfjs kernels, JIT), so the bound applies from the second decode on.
  const longestIn = ([a, b]: number[]) => Math.max(0, ...perf.tasks.filter(([t, dur]) => t < b && t + dur > a).map(([, dur]) => dur));
  const perDecode = d1.spans.filter(([a, b]) => b > a).map(longestIn);
  const later = Math.max(0, ...perDecode.slice(1));
  check(`page: no main-thread task over ${MAX_TASK_MS} ms inside a decode after the first`, perDecode.length >= 2 && later < MAX_TASK_MS, `longest task per decode ${perDecode.map((v) => v.toFixed(0)).join('/')} ms`);

  // Pause before each round; step with the keyboard; scrub back; hover a cell.
  await page.check('[data-testid=pause-before-round]');
  const chunksBefore = (await decodeInfo(page)).chunks;
  await page.click('[data-testid=step-cycle]');
  await page.waitForFunction((n) => {
    const d = window.__vla!.decode()!;
    return d.chunks > n && d.waiting;
  }, chunksBefore, { timeout: 30_000, polling: 50 });
  for (let i = 0; i < STEPPED; i++) {
    const want = i + 1;
    await page.keyboard.press('n');
    await page.waitForFunction((w) => window.__vla!.decode()!.roundsDone >= w && window.__vla!.decode()!.waiting, want, { timeout: 10_000, polling: 30 });
  }
  const g = await decodeInfo(page);
  const labelAt = (await page.textContent('[data-testid=round-label]')) ?? '';
  const states = await page.$$eval('.grid .cell[data-state]', (c) => c.map((x) => x.getAttribute('data-state')));
  await page.keyboard.press('ArrowLeft');
  const labelBack = (await page.textContent('[data-testid=round-label]')) ?? '';
  check('page: pause before each round waits; N runs one round; left arrow scrubs back', g.roundsDone === STEPPED && g.waiting && labelAt.includes(`round ${STEPPED} / ${ROUNDS}`) && labelBack.includes(`round ${STEPPED - 1} / ${ROUNDS}`), `${labelAt} -> ${labelBack}, NFE ${g.nfe}`);
  check('page: grid of H x D cells with masked and committed tokens', states.length === 56 && states.includes('masked') && states.some((s) => s === 'committed' || s === 'kept'), Object.entries(states.reduce<Record<string, number>>((a, s) => ({ ...a, [s!]: (a[s!] ?? 0) + 1 }), {})).map(([k, v]) => `${k} ${v}`).join(', '));
  await page.hover('.grid .cell.kept, .grid .cell.committed');
  const detail = (await page.textContent('[data-testid=cell-detail]')) ?? '';
  check('page: hovering a cell lists its top candidate bins with values', (detail.match(/bin \d+ = /g) ?? []).length === 3, detail.slice(0, 120));
  await (await page.$('[data-testid=inspector]'))!.screenshot({ path: `${OUT_DIR}/page-inspector.png` });
  await page.screenshot({ path: `${OUT_DIR}/page-inspector-full.png` });
  await page.uncheck('[data-testid=pause-before-round]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=pause]'), null, { timeout: 30_000 });
  const gd = await decodeInfo(page);
  check('page: unticking the pause finishes the chunk and the step cycle ends', gd.complete && gd.nfe === ROUNDS && !gd.busy, `NFE ${gd.nfe}`);

  // Decoder settings apply live to the next chunk; baselines give their NFE.
  const nfeOf = async (mode: string, rounds: string): Promise<number> => {
    await page.selectOption('[data-testid=dec-mode]', mode);
    if (rounds) await page.fill('[data-testid=dec-rounds]', rounds); // disabled for one-shot and AR
    return (await stepCycle(page)).nfe;
  };
  const nfe = { oneshot: await nfeOf('oneshot', ''), ar: await nfeOf('ar', ''), dd: await nfeOf('dd', String(OTHER_ROUNDS)) };
  check(`page: decoder settings apply live (one-shot 1, autoregressive 56, DD with ${OTHER_ROUNDS} rounds ${OTHER_ROUNDS})`, nfe.oneshot === 1 && nfe.ar === 56 && nfe.dd === OTHER_ROUNDS, JSON.stringify(nfe));
  // "execute": how many of the chunk's 8 actions run before the model looks again.
  await page.selectOption('[data-testid=dec-mode]', 'oneshot');
  await page.fill('[data-testid=dec-execute]', '3');
  const x0 = await step(page);
  await stepCycle(page);
  const x1 = await step(page);
  check('page: "execute" sets the actions run per chunk (3 of 8), and the URL keeps it', x1 - x0 === 3 && page.url().includes('exec=3'), `${x1 - x0} steps in one cycle`);
  await page.fill('[data-testid=dec-execute]', '');
  // "steps": a two-step instruction goes to the model one clause at a time; the inspector says which.
  await page.selectOption('[data-testid=dec-subtasks]', 'one clause at a time');
  await page.fill('[data-testid=instruction-input]', 'wave at the camera and then lift the blue cube');
  await stepCycle(page);
  const clause = (await page.textContent('[data-testid=inspector-clause]')) ?? '';
  check('page: "steps" feeds a two-step instruction one clause at a time (inspector names it), and the URL keeps it', clause.includes('step 1 of 2') && clause.includes('wave at the camera') && !clause.includes('lift') && page.url().includes('sub=1'), clause);
  await page.selectOption('[data-testid=dec-subtasks]', 'model default');
  // "when still": the choice reaches the URL (the random test model never holds the arm still).
  await page.selectOption('[data-testid=dec-keep]', 'keep the plan');
  const keepUrl = page.url();
  await page.selectOption('[data-testid=dec-keep]', 'model default');
  check('page: "when still" keeps the plan by choice, and the URL keeps it', keepUrl.includes('keep=1') && !page.url().includes('keep='), keepUrl);
  await page.fill('[data-testid=instruction-input]', options[0]);
  await page.selectOption('[data-testid=dec-mode]', 'dd');
  await page.fill('[data-testid=dec-rounds]', '');
  await page.click('[data-testid=compare]');
  await page.waitForSelector('[data-testid=compare-table]', { timeout: 60_000 });
  const cmp = await page.$$eval('[data-testid=compare-table] tr[data-mode]', (r) => r.map((x) => `${x.getAttribute('data-mode')}:${x.getAttribute('data-nfe')}`));
  check(`page: decoders side by side on the last observation (DD ${ROUNDS}, one-shot 1, AR 56, random ${ROUNDS} passes)`, cmp.join(' ') === `dd:${ROUNDS} oneshot:1 ar:56 random:${ROUNDS}`, cmp.join(' '));

  // Swap to the second model and back.
  await page.selectOption('[data-testid=model-select]', 'test-random-b');
  await waitModel(page, 'test-random-b');
  const hb = (await page.textContent('[data-testid=active-model]')) ?? '';
  const db = await stepCycle(page);
  check('page: swap to models/test-random-b (its default 6 rounds), URL updated', /test-random-b/.test(hb) && db.nfe === 6 && page.url().includes('model=test-random-b'), `${hb}; NFE ${db.nfe}`);
  await page.selectOption('[data-testid=model-select]', 'test-random');
  await waitModel(page, 'test-random');
  const da = await stepCycle(page);
  // The URL names the model unless it is the default.
  check('page: swap back to models/test-random', da.nfe === ROUNDS && page.url().includes('model=test-random') === !DEFAULT_IS_TEST_MODEL, `NFE ${da.nfe}, ${page.url()}`);

  // A model folder chosen from disk (the folder picker), then back to the bundled one.
  await page.setInputFiles('[data-testid=model-folder]', 'models/test-random-b');
  await waitModel(page, 'test-random-b');
  const df = await stepCycle(page);
  const shownAs = await page.$eval('[data-testid=model-select]', (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent ?? '');
  await page.selectOption('[data-testid=model-select]', 'test-random');
  await waitModel(page, 'test-random');
  check('page: a model folder chosen from disk loads and runs; back to the bundled model', df.nfe === 6 && /files: test-random-b/.test(shownAs), `${shownAs}, NFE ${df.nfe}`);

  // Broken models: a folder that is not there, and dropped files that are not ONNX.
  await page.fill('[data-testid=model-url]', '/models/no-such-model/');
  await page.click('[data-testid=model-url-load]');
  await page.waitForSelector('[data-testid=model-error]', { timeout: 30_000 });
  const e1 = (await page.textContent('[data-testid=model-error]')) ?? '';
  const manifest = await (await page.request.get(`${url}/models/test-random/manifest.json`)).body();
  const tokenizer = await (await page.request.get(`${url}/models/test-random/tokenizer.json`)).body();
  await page.setInputFiles('[data-testid=model-files]', [
    { name: 'manifest.json', mimeType: 'application/json', buffer: manifest },
    { name: 'tokenizer.json', mimeType: 'application/json', buffer: tokenizer },
    { name: 'encoder.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not an onnx file') },
    { name: 'decoder.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('nor is this') },
  ]);
  await page.waitForFunction((prev) => {
    const t = document.querySelector('[data-testid=model-error]')?.textContent ?? '';
    return t !== prev && t.length > 0;
  }, e1, { timeout: 30_000 });
  const e2 = (await page.textContent('[data-testid=model-error]')) ?? '';
  const still = await page.evaluate(() => window.__vla!.model!.name);
  const dk = await stepCycle(page);
  check('page: a missing model folder is refused with a clear message', /file not found/.test(e1) && /previous one is still in use/.test(e1), e1.slice(0, 140));
  check('page: dropped files that are not ONNX are refused; the old model still runs', /could not load it as an ONNX model/.test(e2) && still === 'test-random' && dk.nfe === ROUNDS, `${e2.slice(0, 110)}; still ${still}, NFE ${dk.nfe}`);

  // Robustness lab: occlusion greys the centre of what the model sees.
  await page.fill('[data-testid=p-occlusion]', '0.5');
  await page.waitForTimeout(100);
  await page.click('[data-testid=step-cycle]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=pause]'), null, { timeout: 30_000 });
  const centre = await page.$eval('[data-testid=sees-agentview]', (c) => {
    const cv = c as HTMLCanvasElement;
    return Array.from(cv.getContext('2d')!.getImageData(cv.width / 2, cv.height / 2, 1, 1).data.slice(0, 3));
  });
  check('page: occlusion is visible in "what the model sees"', centre.every((v) => Math.abs(v - 128) <= 1) && page.url().includes('p.occlusion=0.5'), `centre pixel ${centre.join(',')}`);
  await page.fill('[data-testid=p-occlusion]', '0');

  // Drag an object along the table.
  const objs = await page.evaluate(() => window.__vla!.objects());
  const o = objs[0];
  await page.mouse.move(o.screen[0], o.screen[1]);
  await page.mouse.down();
  await page.mouse.move(o.screen[0] + 40, o.screen[1] + 25, { steps: 5 });
  await page.mouse.up();
  const moved = (await page.evaluate(() => window.__vla!.objects())).find((x) => x.id === o.id)!;
  const dist = Math.hypot(moved.position[0] - o.position[0], moved.position[1] - o.position[1]);
  check('page: dragging an object moves it on the table', dist > 0.02, `${o.id} moved ${(dist * 100).toFixed(1)} cm`);

  // The URL replays the episode: two step cycles from a fresh load give the same arm pose.
  await page.selectOption('[data-testid=dec-remask]', 'residual');
  await page.fill('[data-testid=dec-seed]', '5');
  const replayUrl = page.url();
  await page.goto(replayUrl, { waitUntil: 'load' });
  await waitModel(page, 'test-random');
  await page.waitForFunction(() => window.__vla?.ready === true, null, { timeout: 60_000 });
  await stepCycle(page);
  await stepCycle(page);
  const tcp1 = await page.evaluate(() => window.__vla!.tcp());
  await page.reload({ waitUntil: 'load' });
  await waitModel(page, 'test-random');
  await page.waitForFunction(() => window.__vla?.ready === true, null, { timeout: 60_000 });
  await stepCycle(page);
  await stepCycle(page);
  const tcp2 = await page.evaluate(() => window.__vla!.tcp());
  const remask = await page.$eval('[data-testid=dec-remask]', (s) => (s as HTMLSelectElement).value);
  check('page: reloading the URL replays the same episode (settings restored, same arm pose)', JSON.stringify(tcp1) === JSON.stringify(tcp2) && remask === 'residual', `tcp ${tcp1?.map((v) => v.toFixed(4)).join(', ')}`);

  // Backend switch: WebGPU (SwiftShader here) and back to WASM.
  await page.selectOption('[data-testid=backend-select]', 'webgpu');
  await page.waitForFunction(() => /WebGPU/.test(document.querySelector('[data-testid=active-model]')?.textContent ?? '') && !window.__vla!.loading, null, { timeout: 60_000 });
  const dg = await stepCycle(page);
  await page.selectOption('[data-testid=backend-select]', 'wasm');
  await page.waitForFunction(() => /WASM/.test(document.querySelector('[data-testid=active-model]')?.textContent ?? '') && !window.__vla!.loading, null, { timeout: 60_000 });
  check('page: the user can switch the backend (WebGPU and back to WASM)', dg.nfe === ROUNDS, `NFE ${dg.nfe} on WebGPU`);

  check('page: no console errors', errors.length === 0, errors.slice(0, 4).join(' | '));
  await page.close();
}
