// Run / pause / reset of the scripted expert on the current scene.
// Invariants: buttons only call back; whether the episode may run is the page's decision
// (a finished episode must be reset before it runs again).

export interface PlaybackControlsProps {
  playing: boolean;
  done: boolean;
  onRun: () => void;
  onPause: () => void;
  onReset: () => void;
}

export function PlaybackControls({ playing, done, onRun, onPause, onReset }: PlaybackControlsProps) {
  return (
    <section className="panel">
      <h2>Scripted expert</h2>
      <div className="row">
        {playing ? (
          <button type="button" className="primary" data-testid="pause" onClick={onPause}>
            ❚❚ Pause
          </button>
        ) : (
          <button type="button" className="primary" data-testid="run-expert" disabled={done} onClick={onRun}>
            ▶ Run expert
          </button>
        )}
        <button type="button" data-testid="reset" onClick={onReset}>
          ↺ Reset
        </button>
      </div>
      <p className="hint">
        The expert acts from privileged state (object poses, task goals) at 20 Hz; it is how the
        training demonstrations are made.
      </p>
    </section>
  );
}
