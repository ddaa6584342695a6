// One observation for the page's model: render both model cameras for the sim's current state,
// apply the robustness lab's perturbation, and build the encoder inputs from exactly those
// pixels (so "what the model sees" is what it gets).
// Reference: src/browser-eval/evalPage.ts observer (same frames, same proprio, same pipeline:
// buildEncoderInputs); src/app/perturb.ts.
// Invariants: unperturbed frames go to the model unchanged (the eval path); the noise seed is
// the sim step, so a replay from the URL perturbs identically.
import type { Manifest } from '../core/manifestTypes';
import type { Tokenizer } from '../core/tokenizer';
import type { ModelFrames } from '../render/ModelCameras';
import type { SceneView } from '../render/SceneView';
import type { Sim } from '../sim';
import { buildEncoderInputs, type CameraFrame } from '../policy/observation';
import type { EncoderInputs } from '../policy/VlaModel';
import { isIdentity, perturbFrame } from './perturb';
import type { Perturbation } from './urlState';

export interface PageObservation {
  /** The rendered frames (before perturbation). */
  raw: ModelFrames;
  /** Per camera: the frame the model gets, at its size. */
  images: Record<string, CameraFrame>;
  inputs(tokenizer: Tokenizer, instruction: string, proprio: ArrayLike<number>): EncoderInputs;
}

/** Renders and perturbs. `sim` null: the view already mirrors the sim (inside onFrame). */
export function observe(view: SceneView, sim: Sim | null, manifest: Manifest, perturb: Perturbation, step = 0): PageObservation {
  if (sim) view.simRenderer.sync(sim);
  const raw = view.simRenderer.renderFrames(true);
  const images: Record<string, CameraFrame> = {};
  const keys = ['agentview', 'wrist'] as const;
  keys.forEach((k, i) => {
    const f: CameraFrame = { data: raw[k], width: raw.width, height: raw.height, channels: 3 };
    const cam = manifest.cameras.find((c) => c.name === k) ?? manifest.cameras[0];
    images[k] = isIdentity(perturb) ? f : perturbFrame(f, perturb, cam.width, cam.height, step * 2 + i);
  });
  return {
    raw,
    images,
    inputs: (tokenizer, instruction, proprio) => buildEncoderInputs(manifest, tokenizer, { instruction, proprio, images }),
  };
}
