// The two cameras the policy sees (agent view + wrist), rendered off-screen into small
// WebGLRenderTargets and read back as RGB bytes.
// Reference: LIBERO's "agentview" (fixed, in front of the robot, looking down at the workspace)
// and "robot0_eye_in_hand" cameras; docs/rendering.md documents the frame layout.
// Invariants:
// - Frame layout is [row][col][rgb] (Uint8Array, length width*height*3), row 0 = TOP of the
//   image. GL reads back bottom-up, so the copy flips rows.
// - Frames are sRGB-encoded bytes (the render target is SRGB8_ALPHA8, so the GPU encodes),
//   i.e. what a PNG of the view would hold. No tone mapping.
// - No per-frame allocation: the RGBA readback buffer and both RGB outputs are reused; the
//   returned arrays are overwritten by the next render unless `copy` is asked for.
import * as THREE from 'three';
import type { Pose, Vec3 } from '../sim/types';
import { applyCameraPose } from './coords';

/** Options of the model cameras. */
export interface ModelCameraOptions {
  /** Frame width in pixels. @default 128 */
  width: number;
  /** Frame height in pixels. @default 128 */
  height: number;
  /** MSAA samples of the render targets (0 = off, as in LIBERO's renders). @default 0 */
  samples: number;
  /** Agent-view camera position, world frame. @default [0.62, 0, 0.58] */
  agentPosition: Vec3;
  /** Point the agent view looks at. @default [-0.1, 0, 0.06] */
  agentTarget: Vec3;
  /** Agent-view vertical field of view, degrees. With the default pose the whole WORKSPACE
   * (x -0.2..0.25, y +-0.25) just fits, so objects are as large as possible. @default 46 */
  agentFovDeg: number;
  /** Wrist-camera vertical field of view, degrees. @default 60 */
  wristFovDeg: number;
}

export const DEFAULT_MODEL_CAMERA_OPTIONS: Readonly<ModelCameraOptions> = {
  width: 128,
  height: 128,
  samples: 0,
  agentPosition: [0.62, 0, 0.58],
  agentTarget: [-0.1, 0, 0.06],
  agentFovDeg: 46,
  wristFovDeg: 60,
};

/** RGB frames of both model cameras. */
export interface ModelFrames {
  /** Agent-view RGB, [row][col][rgb], row 0 = top. */
  agentview: Uint8Array;
  /** Wrist-camera RGB, [row][col][rgb], row 0 = top. */
  wrist: Uint8Array;
  width: number;
  height: number;
}

export class ModelCameras {
  readonly agentCamera: THREE.PerspectiveCamera;
  readonly wristCamera: THREE.PerspectiveCamera;
  private readonly opts: ModelCameraOptions;
  private target: THREE.WebGLRenderTarget | null = null;
  // GL readback scratch: [row (bottom-up)][col (agent view 0..w-1, wrist w..2w-1)][rgba]
  private rgba = new Uint8Array(0);
  // Returned by render() without `copy`; mutated in place so a step allocates nothing.
  private readonly out: ModelFrames = { agentview: new Uint8Array(0), wrist: new Uint8Array(0), width: 0, height: 0 };

  constructor(
    private readonly renderer: THREE.WebGLRenderer,
    options: Partial<ModelCameraOptions> = {},
  ) {
    this.opts = { ...DEFAULT_MODEL_CAMERA_OPTIONS, ...options };
    const o = this.opts;
    const aspect = o.width / o.height;
    this.agentCamera = new THREE.PerspectiveCamera(o.agentFovDeg, aspect, 0.02, 10);
    this.agentCamera.position.set(...o.agentPosition);
    this.agentCamera.lookAt(...o.agentTarget);
    this.agentCamera.updateMatrixWorld(true);
    // Near plane 1 cm: the wrist camera sits a few cm from the fingers and must see them.
    this.wristCamera = new THREE.PerspectiveCamera(o.wristFovDeg, aspect, 0.01, 5);
    this.setSize(o.width, o.height);
  }

  get width(): number {
    return this.opts.width;
  }
  get height(): number {
    return this.opts.height;
  }

  /** Reallocates the target and buffers for a new frame size (e.g. 64x64 for training). */
  setSize(width: number, height: number): void {
    if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height))) {
      throw new Error(`ModelCameras.setSize: width and height must be positive integers, got ${width}x${height}`);
    }
    this.target?.dispose();
    this.opts.width = width;
    this.opts.height = height;
    // One target holds both views side by side (agent view left, wrist right), so a step
    // costs a single readback: each readPixels is a full round trip to the GPU process.
    this.target = new THREE.WebGLRenderTarget(2 * width, height, {
      samples: this.opts.samples,
      depthBuffer: true,
      colorSpace: THREE.SRGBColorSpace,
      type: THREE.UnsignedByteType,
      format: THREE.RGBAFormat,
      minFilter: THREE.LinearFilter,
      generateMipmaps: false,
    });
    this.target.scissorTest = true;
    this.rgba = new Uint8Array(2 * width * height * 4);
    this.out.agentview = new Uint8Array(width * height * 3);
    this.out.wrist = new Uint8Array(width * height * 3);
    this.out.width = width;
    this.out.height = height;
    for (const cam of [this.agentCamera, this.wristCamera]) {
      cam.aspect = width / height;
      cam.updateProjectionMatrix();
    }
  }

  /** Moves the wrist camera to a sim camera pose (looks along local -z, up local +y). */
  setWristPose(pose: Pose): void {
    applyCameraPose(this.wristCamera, pose);
  }

  /** Renders both cameras and reads them back. With `copy`, returns fresh arrays the caller
   * may keep; otherwise the internal frames object and buffers (valid until the next call). */
  render(scene: THREE.Scene, copy = false): ModelFrames {
    const r = this.renderer;
    const t = this.target!;
    const { width, height } = this.opts;
    const prevTarget = r.getRenderTarget();
    r.setRenderTarget(t);
    for (const [i, cam] of [this.agentCamera, this.wristCamera].entries()) {
      t.viewport.set(i * width, 0, width, height);
      t.scissor.set(i * width, 0, width, height);
      r.setRenderTarget(t); // re-applies the target's viewport and scissor
      r.render(scene, cam);
    }
    r.readRenderTargetPixels(t, 0, 0, 2 * width, height, this.rgba);
    r.setRenderTarget(prevTarget);
    flipRgbaToRgb(this.rgba, 2 * width, 0, this.out.agentview, width, height);
    flipRgbaToRgb(this.rgba, 2 * width, width, this.out.wrist, width, height);
    if (!copy) return this.out;
    return { agentview: this.out.agentview.slice(), wrist: this.out.wrist.slice(), width, height };
  }

  dispose(): void {
    this.target?.dispose();
    this.target = null;
  }
}

/** Copies one view out of a bottom-up RGBA readback into a top-down RGB frame (drops alpha).
 * src: [row (bottom-up)][col 0..srcWidth-1][rgba], the view starting at column `col0`;
 * dst: [row (top-down)][col 0..width-1][rgb]. */
export function flipRgbaToRgb(
  src: Uint8Array,
  srcWidth: number,
  col0: number,
  dst: Uint8Array,
  width: number,
  height: number,
): void {
  for (let r = 0; r < height; r++) {
    let s = ((height - 1 - r) * srcWidth + col0) * 4;
    let d = r * width * 3;
    for (let c = 0; c < width; c++, s += 4, d += 3) {
      dst[d] = src[s];
      dst[d + 1] = src[s + 1];
      dst[d + 2] = src[s + 2];
    }
  }
}
