// The robustness lab: sliders that perturb what the model sees (brightness, contrast, noise,
// occlusion, camera shift) and the two camera frames exactly as the model gets them, at the
// model's resolution, after the perturbation. Objects can also be dragged in the 3D view.
// Reference: src/app/perturb.ts (the tfjs ops); urlState.ts PERTURB_RANGE.
// Invariants: frames are drawn imperatively (no React state per frame); the sliders only
// report values.
import { useImperativeHandle, useRef, type Ref } from 'react';
import type { CameraFrame } from '../../policy/observation';
import { NO_PERTURBATION, PERTURB_RANGE, type Perturbation } from '../urlState';

export interface ModelSeesHandle {
  draw(frames: Record<string, CameraFrame>): void;
}

export interface RobustnessPanelProps {
  perturb: Perturbation;
  onChange: (p: Perturbation) => void;
  ref: Ref<ModelSeesHandle>;
}

function drawFrame(canvas: HTMLCanvasElement, f: CameraFrame): void {
  if (canvas.width !== f.width || canvas.height !== f.height) {
    canvas.width = f.width;
    canvas.height = f.height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(f.width, f.height);
  for (let i = 0, j = 0; j < img.data.length; i += f.channels, j += 4) {
    img.data[j] = f.data[i];
    img.data[j + 1] = f.data[i + 1];
    img.data[j + 2] = f.data[i + 2];
    img.data[j + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

const LABELS: Record<keyof Perturbation, string> = { brightness: 'brightness', contrast: 'contrast', noise: 'noise', occlusion: 'occlusion', shift: 'camera shift' };

export function RobustnessPanel({ perturb, onChange, ref }: RobustnessPanelProps) {
  const canvases = useRef<Record<string, HTMLCanvasElement | null>>({});
  const caption = useRef<HTMLSpanElement>(null);
  useImperativeHandle(ref, () => ({
    draw(frames) {
      for (const [name, f] of Object.entries(frames)) {
        const c = canvases.current[name];
        if (c) drawFrame(c, f);
      }
      const any = Object.values(frames)[0];
      if (any && caption.current) caption.current.textContent = `${any.width} x ${any.height}, as fed to the model`;
    },
  }));
  return (
    <section className="panel">
      <h2>
        What the model sees <span className="muted" ref={caption} />
      </h2>
      <div className="cameras" data-testid="model-sees">
        {['agentview', 'wrist'].map((n) => (
          <figure className="camera" key={n}>
            <canvas ref={(c) => void (canvases.current[n] = c)} width={32} height={32} data-testid={`sees-${n}`} />
            <figcaption>{n}</figcaption>
          </figure>
        ))}
      </div>
      <div className="fields">
        {(Object.keys(PERTURB_RANGE) as (keyof Perturbation)[]).map((k) => (
          <label className="field slider" key={k}>
            {LABELS[k]} <span className="muted">{perturb[k].toFixed(2)}</span>
            <input
              type="range"
              aria-label={LABELS[k]}
              data-testid={`p-${k}`}
              min={PERTURB_RANGE[k][0]}
              max={PERTURB_RANGE[k][1]}
              step={0.05}
              value={perturb[k]}
              onChange={(e) => onChange({ ...perturb, [k]: Number(e.target.value) })}
            />
          </label>
        ))}
      </div>
      <div className="row">
        <button type="button" onClick={() => onChange({ ...NO_PERTURBATION })}>
          Clear
        </button>
        <span className="hint">Drag an object in the 3D view to move it mid-episode.</span>
      </div>
    </section>
  );
}
