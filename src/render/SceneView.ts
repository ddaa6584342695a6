// The page's interactive 3D view: a main canvas with OrbitControls, resize handling and a
// requestAnimationFrame loop that advances the sim at a fixed control rate.
// Reference: mujoco_wasm's render loop (fixed-timestep catch-up, clamp after a stall).
// Invariants:
// - The sim advances only through `onTick`, exactly once per 1/controlHz of wall time while
//   playing; never by a variable dt (determinism lives in the sim's fixed step).
// - After a stall (tab hidden, debugger, slow frame) at most `maxCatchUpTicks` ticks run in one
//   animation frame and the rest of the backlog is dropped: the episode slows, never jumps.
// - The view only reads the sim (through `SimRenderer.sync`) and renders; it owns the canvas,
//   the renderer facade and the controls, and frees them in dispose().
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { SimRenderer, type SimRendererOptions, type SimSource } from './SimRenderer';

/** Options of the interactive view. */
export interface SceneViewOptions {
  /** Control steps per second of wall time while playing. @default 20 */
  controlHz: number;
  /** Most ticks run in one animation frame before the backlog is dropped. @default 4 */
  maxCatchUpTicks: number;
  /** Options of the underlying renderer (model frame size, shadows, ...). */
  renderer: Partial<SimRendererOptions>;
}

export const DEFAULT_SCENE_VIEW_OPTIONS: Readonly<SceneViewOptions> = {
  controlHz: 20,
  maxCatchUpTicks: 4,
  renderer: {},
};

export class SceneView {
  readonly canvas: HTMLCanvasElement;
  readonly simRenderer: SimRenderer;
  readonly camera: THREE.PerspectiveCamera;
  readonly controls: OrbitControls;
  /** Advances the sim one control step; return false to stop playing (episode over). */
  onTick: (() => boolean) | null = null;
  /** Called after each animation frame in which the sim changed (ticks ran, or invalidate()). */
  onFrame: ((ticks: number) => void) | null = null;
  /** The sim mirrored by the view; null shows an empty table. */
  source: SimSource | null = null;
  private playing = false;
  private accumulator = 0;
  private lastTime = -1;
  private rafId = 0;
  /** The view must be redrawn (camera moved, resized). */
  private dirty = true;
  /** The sim may have changed without a tick (new scene, reset): mirror it and call onFrame. */
  private simDirty = true;
  private readonly resizeObserver: ResizeObserver;
  private readonly opts: SceneViewOptions;

  constructor(
    private readonly container: HTMLElement,
    options: Partial<SceneViewOptions> = {},
  ) {
    this.opts = { ...DEFAULT_SCENE_VIEW_OPTIONS, ...options };
    this.canvas = document.createElement('canvas');
    this.canvas.style.display = 'block';
    this.canvas.style.width = '100%';
    this.canvas.style.height = '100%';
    container.appendChild(this.canvas);
    this.simRenderer = new SimRenderer({ ...this.opts.renderer, canvas: this.canvas, antialias: true });
    this.camera = new THREE.PerspectiveCamera(40, 1, 0.02, 20);
    // A three-quarter view from the front-left of the robot: the whole arm and table in frame.
    this.camera.position.set(1.25, 0.95, 0.95);
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.target.set(-0.15, 0, 0.22);
    this.controls.enableDamping = true;
    this.controls.maxPolarAngle = Math.PI * 0.495; // stay above the floor
    this.controls.minDistance = 0.3;
    this.controls.maxDistance = 4;
    this.controls.addEventListener('change', () => (this.dirty = true));
    this.controls.update();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
    this.rafId = requestAnimationFrame(this.loop);
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** Starts or stops ticking the sim. Starting resets the clock so no backlog is replayed. */
  setPlaying(playing: boolean): void {
    this.playing = playing;
    this.accumulator = 0;
  }

  /** Asks for a re-sync, a redraw and an onFrame call on the next animation frame, e.g. after
   * a reset or a new scene. */
  invalidate(): void {
    this.simDirty = true;
  }

  private resize(): void {
    const w = Math.max(1, this.container.clientWidth);
    const h = Math.max(1, this.container.clientHeight);
    this.simRenderer.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.dirty = true;
  }

  private readonly loop = (time: number): void => {
    this.rafId = requestAnimationFrame(this.loop);
    const dt = this.lastTime < 0 ? 0 : (time - this.lastTime) / 1000;
    this.lastTime = time;
    let ticks = 0;
    if (this.playing && this.onTick) {
      const stepDt = 1 / this.opts.controlHz;
      this.accumulator += dt;
      // Clamp after a stall: keep at most maxCatchUpTicks of backlog, drop the rest.
      this.accumulator = Math.min(this.accumulator, this.opts.maxCatchUpTicks * stepDt);
      while (this.accumulator >= stepDt && this.playing) {
        this.accumulator -= stepDt;
        ticks++;
        if (!this.onTick()) this.playing = false;
      }
    }
    const controlsMoved = this.controls.update();
    const simChanged = ticks > 0 || this.simDirty;
    if (!simChanged && !this.dirty && !controlsMoved) return;
    this.dirty = false;
    this.simDirty = false;
    if (simChanged && this.source) this.simRenderer.sync(this.source);
    this.simRenderer.renderView(this.camera);
    // Model frames only change with the sim, not with the orbit camera.
    if (simChanged && this.onFrame) this.onFrame(ticks);
  };

  dispose(): void {
    cancelAnimationFrame(this.rafId);
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.simRenderer.dispose();
    this.canvas.remove();
  }
}
