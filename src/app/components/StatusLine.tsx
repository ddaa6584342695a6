// Status line: the instruction, the step counter and the outcome of the episode, plus why the
// arm may be standing still (decoding a chunk) and whether a success check applies at all.
// Invariants: pure view of an EpisodeStatus and a few flags; no timing or state of its own.
import type { EpisodeStatus } from '../episode';

export interface StatusLineProps {
  status: EpisodeStatus | null;
  playing: boolean;
  /** False for a free-form instruction: there is no success predicate to check. */
  successCheck: boolean;
  /** A chunk is being decoded (the sim waits for it). */
  waiting: boolean;
  /** An object was dragged: the episode no longer replays from its URL. */
  moved: boolean;
}

function outcome(s: EpisodeStatus, playing: boolean, check: boolean): { text: string; cls: string } {
  if (s.success) return { text: 'success', cls: 'ok' };
  if (s.failure === 'timeout') return { text: check ? 'failed: step limit' : 'step limit', cls: check ? 'bad' : 'idle' };
  if (s.failure === 'physics-blowup') return { text: 'failed: physics blow-up', cls: 'bad' };
  if (playing) return { text: 'running', cls: 'run' };
  return { text: s.step === 0 ? 'ready' : 'paused', cls: 'idle' };
}

export function StatusLine({ status, playing, successCheck, waiting, moved }: StatusLineProps) {
  if (!status) return <div className="status">loading…</div>;
  const o = outcome(status, playing, successCheck);
  return (
    <div className="status" data-testid="status">
      <span className="instruction" data-testid="instruction">
        “{status.instruction}”
      </span>
      {!successCheck && <span className="badge idle" data-testid="no-check">no success check (free-form)</span>}
      {moved && <span className="badge idle" title="objects were dragged: this episode no longer replays from its URL">edited</span>}
      {playing && waiting && <span className="muted">decoding…</span>}
      <span className="step" data-testid="step">
        step {status.step} / {status.maxSteps}
      </span>
      <span className={`badge ${o.cls}`} data-testid="outcome">
        {o.text}
      </span>
    </div>
  );
}
