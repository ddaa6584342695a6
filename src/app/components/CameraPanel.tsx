// The two model cameras as the policy sees them: each RGB frame drawn 1:1 into a small canvas
// (scaled up with nearest-neighbour CSS so the real resolution stays visible).
// Reference: ModelFrames layout ([row][col][rgb], row 0 = top) in docs/rendering.md.
// Invariants: drawing is imperative (no React state per frame); the ImageData is reused
// while the frame size stays the same.
import { useImperativeHandle, useRef, type Ref } from 'react';
import type { ModelFrames } from '../../render/ModelCameras';

/** Imperative handle: the page pushes frames here after each rendered sim step. */
export interface CameraPanelHandle {
  draw(frames: ModelFrames): void;
}

/** Copies an RGB frame into an RGBA ImageData (same row order: both are top-down). */
function rgbToImageData(rgb: Uint8Array, img: ImageData): void {
  const d = img.data;
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    d[j] = rgb[i];
    d[j + 1] = rgb[i + 1];
    d[j + 2] = rgb[i + 2];
    d[j + 3] = 255;
  }
}

function CameraCanvas({ label, canvasRef }: { label: string; canvasRef: Ref<HTMLCanvasElement> }) {
  return (
    <figure className="camera">
      <canvas ref={canvasRef} width={128} height={128} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

export function CameraPanel({ ref }: { ref: Ref<CameraPanelHandle> }) {
  const agent = useRef<HTMLCanvasElement>(null);
  const wrist = useRef<HTMLCanvasElement>(null);
  const images = useRef<{ agentview?: ImageData; wrist?: ImageData }>({});
  const size = useRef('128 x 128 RGB');
  const caption = useRef<HTMLSpanElement>(null);
  useImperativeHandle(ref, () => ({
    draw(frames: ModelFrames) {
      for (const [key, canvas] of [['agentview', agent.current], ['wrist', wrist.current]] as const) {
        if (!canvas) continue;
        const ctx = canvas.getContext('2d');
        if (!ctx) continue;
        if (canvas.width !== frames.width || canvas.height !== frames.height) {
          canvas.width = frames.width;
          canvas.height = frames.height;
        }
        let img = images.current[key];
        if (!img || img.width !== frames.width || img.height !== frames.height) {
          img = ctx.createImageData(frames.width, frames.height);
          images.current[key] = img;
        }
        rgbToImageData(frames[key], img);
        ctx.putImageData(img, 0, 0);
      }
      const text = `${frames.width} x ${frames.height} RGB`;
      if (size.current !== text && caption.current) caption.current.textContent = text;
      size.current = text;
    },
  }));
  return (
    <section className="panel">
      <h2>
        Model cameras <span className="muted" ref={caption}>128 x 128 RGB</span>
      </h2>
      <div className="cameras">
        <CameraCanvas label="agent view" canvasRef={agent} />
        <CameraCanvas label="wrist" canvasRef={wrist} />
      </div>
    </section>
  );
}
