// Status line: the task instruction, the step counter and the outcome of the episode.
// Invariants: pure view of an EpisodeStatus; no timing or state of its own.
import type { EpisodeStatus } from '../episode';

export interface StatusLineProps {
  status: EpisodeStatus | null;
  playing: boolean;
}

function outcome(s: EpisodeStatus, playing: boolean): { text: string; cls: string } {
  if (s.success) return { text: 'success', cls: 'ok' };
  if (s.failure === 'timeout') return { text: 'failed: step limit', cls: 'bad' };
  if (s.failure === 'physics-blowup') return { text: 'failed: physics blow-up', cls: 'bad' };
  if (playing) return { text: 'running', cls: 'run' };
  return { text: s.step === 0 ? 'ready' : 'paused', cls: 'idle' };
}

export function StatusLine({ status, playing }: StatusLineProps) {
  if (!status) return <div className="status">loading…</div>;
  const o = outcome(status, playing);
  return (
    <div className="status" data-testid="status">
      <span className="instruction" data-testid="instruction">
        “{status.instruction}”
      </span>
      <span className="step" data-testid="step">
        step {status.step} / {status.maxSteps}
      </span>
      <span className={`badge ${o.cls}`} data-testid="outcome">
        {o.text}
      </span>
    </div>
  );
}
