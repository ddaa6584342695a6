// Synthetic demonstrations for the data tests: seeded, with smooth images (a gradient
// background and a moving coloured square, like a rendered scene rather than noise, so video
// codecs see realistic content) and random low-dimensional arrays of the right shapes.
// Invariants: same (seed, options) -> identical demo; no Math.random.
import { Rng } from '../../src/core/rng';
import type { Demo } from '../../src/data/demo';
import { quatToAxisAngle } from '../../src/data/demo';

export interface SyntheticOptions {
  /** Steps. @default 12 */
  steps: number;
  /** Image width. @default 16 */
  width: number;
  /** Image height. @default 12 */
  height: number;
  /** Number of objects in `states`. @default 2 */
  objects: number;
  taskId: string;
}

const DEFAULTS: SyntheticOptions = { steps: 12, width: 16, height: 12, objects: 2, taskId: 'spatial/synthetic' };

/** Draw one frame: gradient background, a square at (cx, cy) of colour c. */
function drawFrame(out: Uint8Array, o: number, w: number, h: number, cx: number, cy: number, c: number[], tint: number): void {
  const half = Math.max(1, Math.round(Math.min(w, h) / 6));
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      const i = o + (r * w + col) * 3;
      const inside = Math.abs(col - cx) <= half && Math.abs(r - cy) <= half;
      out[i] = inside ? c[0] : Math.round((200 * col) / w) ^ tint;
      out[i + 1] = inside ? c[1] : Math.round((180 * r) / h) + 30;
      out[i + 2] = inside ? c[2] : 90 + tint;
    }
  }
}

export function syntheticDemo(seed: number, options: Partial<SyntheticOptions> = {}): Demo {
  const o = { ...DEFAULTS, ...options };
  const rng = new Rng(seed);
  const T = o.steps;
  const { width: W, height: H } = o;
  const nJoints = 7;
  const stateDim = nJoints + 7 * o.objects;
  const agentview = new Uint8Array(T * H * W * 3);
  const wrist = new Uint8Array(T * H * W * 3);
  const color = [rng.int(256), rng.int(256), rng.int(256)];
  const tint = rng.int(40);
  for (let t = 0; t < T; t++) {
    drawFrame(agentview, t * H * W * 3, W, H, (t * 2) % W, H / 2, color, tint);
    drawFrame(wrist, t * H * W * 3, W, H, W / 2, (t * 3) % H, [255 - color[0], color[1], 255 - color[2]], tint);
  }
  const f = (n: number, scale = 1) => Float64Array.from({ length: n }, () => rng.normal(0, scale));
  const proprio = new Float64Array(T * 8);
  const eeStates = new Float64Array(T * 6);
  const gripperStates = new Float64Array(T * 2);
  for (let t = 0; t < T; t++) {
    const q = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(...q);
    const quat = q.map((v) => v / n);
    const pos = [rng.range(-0.2, 0.2), rng.range(-0.2, 0.2), rng.range(0, 0.3)];
    const opening = rng.range(0, 0.08);
    proprio.set([...pos, ...quat, opening], t * 8);
    eeStates.set([...pos, ...quatToAxisAngle(quat)], t * 6);
    gripperStates.set([opening / 2, -opening / 2], t * 2);
  }
  const actions = f(T * 7, 0.01);
  for (let t = 0; t < T; t++) actions[t * 7 + 6] = rng.bool() ? 1 : -1;
  const eePos = new Float64Array(T * 3);
  const eeOri = new Float64Array(T * 3);
  for (let t = 0; t < T; t++) {
    eePos.set(eeStates.subarray(t * 6, t * 6 + 3), t * 3);
    eeOri.set(eeStates.subarray(t * 6 + 3, t * 6 + 6), t * 3);
  }
  const rewards = new Float64Array(T);
  rewards[T - 1] = 1;
  const dones = new Uint8Array(T);
  dones[T - 1] = 1;
  return {
    taskId: o.taskId,
    seed,
    instruction: `put the object ${seed} in the bowl`,
    paraphraseIndex: seed % 3,
    success: true,
    scene: JSON.stringify({ objects: [{ id: 'red_cube', seed }] }),
    numSamples: T,
    width: W,
    height: H,
    nJoints,
    stateDim,
    agentview,
    wrist,
    eeStates,
    eePos,
    eeOri,
    gripperStates,
    jointStates: f(T * nJoints),
    proprio,
    actions,
    rewards,
    dones,
    states: f(T * stateDim),
  };
}
