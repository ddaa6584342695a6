// Renderer facade: one WebGL2 context, the world mirror and the two model cameras. Used by the
// page (through SceneView, with a visible canvas) and headless (benchmarks, data collection,
// evaluation) with a hidden canvas.
// Reference: docs/rendering.md (frame layout, camera placement, colour handling).
// Invariants: the renderer only READS the sim (state(), armFrames(), wristCameraPose()); it
// never steps or mutates it. `renderFrames()` renders what the last `sync()` copied.
import * as THREE from 'three';
import type { Pose, SimState } from '../sim/types';
import { useZUp } from './coords';
import { ModelCameras, type ModelCameraOptions, type ModelFrames } from './ModelCameras';
import { DEFAULT_WORLD_MIRROR_OPTIONS, WorldMirror, type WorldMirrorOptions } from './WorldMirror';

/** What the renderer reads from a simulator (the `Sim` class satisfies it). */
export interface SimSource {
  state(): SimState;
  armFrames(): Pose[];
  wristCameraPose(): Pose;
}

/** Options of the renderer facade. */
export interface SimRendererOptions {
  /** Canvas to draw the main view on; omitted -> a detached 1x1 canvas (headless use). */
  canvas?: HTMLCanvasElement;
  /** MSAA on the main canvas (model cameras have their own `samples`). @default false */
  antialias: boolean;
  /** Model camera options (frame size, agent-view placement, fields of view). */
  cameras: Partial<ModelCameraOptions>;
  /** World options (shadows, background). */
  world: Partial<WorldMirrorOptions>;
}

export class SimRenderer {
  readonly renderer: THREE.WebGLRenderer;
  readonly world: WorldMirror;
  readonly cameras: ModelCameras;

  constructor(options: Partial<SimRendererOptions> = {}) {
    useZUp();
    const canvas = options.canvas ?? document.createElement('canvas');
    if (!options.canvas) {
      canvas.width = 1;
      canvas.height = 1;
    }
    this.renderer = new THREE.WebGLRenderer({
      canvas,
      antialias: options.antialias ?? false,
      powerPreference: 'high-performance',
    });
    if (!this.renderer.capabilities.isWebGL2) throw new Error('SimRenderer: WebGL2 is required');
    this.renderer.setPixelRatio(Math.min(globalThis.devicePixelRatio ?? 1, 2));
    this.renderer.outputColorSpace = THREE.SRGBColorSpace;
    // No tone mapping: render targets skip it anyway, and the page should show the colours
    // the model sees.
    this.renderer.toneMapping = THREE.NoToneMapping;
    const world = { ...DEFAULT_WORLD_MIRROR_OPTIONS, ...options.world };
    this.renderer.shadowMap.enabled = world.shadows;
    this.renderer.shadowMap.type = world.shadowType === 'basic' ? THREE.BasicShadowMap : THREE.PCFShadowMap;
    // The shadow map is redrawn once per sync (see sync), not once per camera.
    this.renderer.shadowMap.autoUpdate = false;
    this.world = new WorldMirror(world);
    this.cameras = new ModelCameras(this.renderer, options.cameras);
  }

  /** Copies the sim's current state into the scene and moves the wrist camera. */
  sync(sim: SimSource): void {
    this.syncState(sim.state(), sim.armFrames(), sim.wristCameraPose());
  }

  /** Same as sync() from already-read values (e.g. a recorded episode). */
  syncState(state: SimState, armFrames: readonly Pose[], wristPose: Pose): void {
    this.world.sync(state, armFrames);
    this.cameras.setWristPose(wristPose);
    this.renderer.shadowMap.needsUpdate = true;
  }

  /** Renders both model cameras and reads them back: RGB, [row][col][rgb], row 0 = top.
   * Without `copy` the arrays are reused by the next call. */
  renderFrames(copy = false): ModelFrames {
    return this.cameras.render(this.world.scene, copy);
  }

  /** Renders the scene from `camera` onto the canvas. */
  renderView(camera: THREE.Camera): void {
    this.renderer.setRenderTarget(null);
    this.renderer.render(this.world.scene, camera);
  }

  dispose(): void {
    this.cameras.dispose();
    this.world.dispose();
    this.renderer.dispose();
    // Release the WebGL context now rather than at garbage collection: Chromium keeps at most
    // 16 live contexts per page and drops the oldest with a console warning.
    this.renderer.forceContextLoss();
  }
}
