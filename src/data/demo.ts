// One demonstration in memory (the unit the HDF5 writer writes and the readers return) and the
// recorder that builds it step by step from sim state, camera frames and the expert's action.
// Reference: LIBERO / robomimic per-demo contents (see layout.ts).
// Invariants: obs[t] is observed BEFORE actions[t] is applied (robomimic's convention);
// every per-step array has numSamples rows; dones/rewards are 1 only on the last step
// (rewards only if the demo succeeded); frames are copied, so the renderer may reuse its buffers.
import type { SimState } from '../sim/types';
import { ACTION_DIM, PROPRIO_DIM } from '../sim/types';

/** Everything stored for one demonstration. Flat arrays are row-major, first index = step. */
export interface Demo {
  taskId: string;
  seed: number;
  instruction: string;
  /** Index into the task instance's paraphrases of `instruction`. */
  paraphraseIndex: number;
  success: boolean;
  /** JSON of the SceneSpec the episode started from. */
  scene: string;
  numSamples: number;
  /** Image width and height in pixels. */
  width: number;
  height: number;
  nJoints: number;
  /** Width of one `states` row: nJoints + 7 * number of objects. */
  stateDim: number;
  agentview: Uint8Array; // [t][row][col][rgb], row 0 = top
  wrist: Uint8Array; // [t][row][col][rgb], row 0 = top
  eeStates: Float64Array; // [t][x,y,z,ax,ay,az]
  eePos: Float64Array; // [t][3]
  eeOri: Float64Array; // [t][3] axis-angle
  gripperStates: Float64Array; // [t][2]
  jointStates: Float64Array; // [t][nJoints]
  proprio: Float64Array; // [t][8]
  actions: Float64Array; // [t][7]
  rewards: Float64Array; // [t]
  dones: Uint8Array; // [t]
  states: Float64Array; // [t][stateDim]
}

/** Per-episode facts known before the first step. */
export interface DemoMeta {
  taskId: string;
  seed: number;
  instruction: string;
  paraphraseIndex: number;
  scene: string;
}

/** Axis-angle (rotation vector) of a unit quaternion [x, y, z, w]; angle in [0, pi]. */
export function quatToAxisAngle(q: ArrayLike<number>): [number, number, number] {
  let [x, y, z, w] = [q[0], q[1], q[2], q[3]];
  if (w < 0) [x, y, z, w] = [-x, -y, -z, -w]; // same rotation, angle <= pi
  const s = Math.hypot(x, y, z);
  if (s < 1e-12) return [0, 0, 0];
  const angle = 2 * Math.atan2(s, w);
  return [(x / s) * angle, (y / s) * angle, (z / s) * angle];
}

/** Collects one episode; `finish` packs it into a Demo. */
export class DemoRecorder {
  private frames: { agentview: Uint8Array[]; wrist: Uint8Array[] } = { agentview: [], wrist: [] };
  private low = {
    eeStates: [] as number[],
    gripperStates: [] as number[],
    jointStates: [] as number[],
    proprio: [] as number[],
    actions: [] as number[],
    states: [] as number[],
  };
  private nJoints = -1;
  private stateDim = -1;
  private t = 0;

  constructor(
    private readonly meta: DemoMeta,
    private readonly width: number,
    private readonly height: number,
  ) {}

  get steps(): number {
    return this.t;
  }

  /** Record obs[t] (state, proprio, frames, all before the action) and actions[t]. */
  record(
    state: SimState,
    proprio: ArrayLike<number>,
    frames: { agentview: Uint8Array; wrist: Uint8Array },
    action: ArrayLike<number>,
  ): void {
    const px = this.width * this.height * 3;
    if (frames.agentview.length !== px || frames.wrist.length !== px) {
      throw new Error(`DemoRecorder: frame length ${frames.agentview.length}/${frames.wrist.length}, expected ${px}`);
    }
    if (proprio.length !== PROPRIO_DIM) throw new Error(`DemoRecorder: proprio has ${proprio.length} dims, expected ${PROPRIO_DIM}`);
    if (action.length !== ACTION_DIM) throw new Error(`DemoRecorder: action has ${action.length} dims, expected ${ACTION_DIM}`);
    const q = state.arm.q;
    const stateRow = [...q];
    for (const o of state.objects) stateRow.push(...o.position, ...o.quaternion);
    if (this.t === 0) {
      this.nJoints = q.length;
      this.stateDim = stateRow.length;
    } else if (q.length !== this.nJoints || stateRow.length !== this.stateDim) {
      throw new Error('DemoRecorder: joint or object count changed during the episode');
    }
    this.frames.agentview.push(frames.agentview.slice());
    this.frames.wrist.push(frames.wrist.slice());
    const { position: p, quaternion: rq } = state.arm.tcp;
    this.low.eeStates.push(p[0], p[1], p[2], ...quatToAxisAngle(rq));
    const half = state.arm.opening / 2;
    this.low.gripperStates.push(half, -half);
    this.low.jointStates.push(...q);
    for (let i = 0; i < PROPRIO_DIM; i++) this.low.proprio.push(proprio[i]);
    for (let i = 0; i < ACTION_DIM; i++) this.low.actions.push(action[i]);
    this.low.states.push(...stateRow);
    this.t++;
  }

  /** Pack the episode. `success`: the task predicate held at the end. */
  finish(success: boolean): Demo {
    const T = this.t;
    if (T === 0) throw new Error('DemoRecorder: no steps recorded');
    const eeStates = Float64Array.from(this.low.eeStates);
    const eePos = new Float64Array(T * 3);
    const eeOri = new Float64Array(T * 3);
    for (let t = 0; t < T; t++) {
      eePos.set(eeStates.subarray(t * 6, t * 6 + 3), t * 3);
      eeOri.set(eeStates.subarray(t * 6 + 3, t * 6 + 6), t * 3);
    }
    const rewards = new Float64Array(T);
    const dones = new Uint8Array(T);
    dones[T - 1] = 1;
    if (success) rewards[T - 1] = 1;
    return {
      ...this.meta,
      success,
      numSamples: T,
      width: this.width,
      height: this.height,
      nJoints: this.nJoints,
      stateDim: this.stateDim,
      agentview: concatBytes(this.frames.agentview),
      wrist: concatBytes(this.frames.wrist),
      eeStates,
      eePos,
      eeOri,
      gripperStates: Float64Array.from(this.low.gripperStates),
      jointStates: Float64Array.from(this.low.jointStates),
      proprio: Float64Array.from(this.low.proprio),
      actions: Float64Array.from(this.low.actions),
      rewards,
      dones,
      states: Float64Array.from(this.low.states),
    };
  }
}

/** Concatenate equal-sized chunks into one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
