// The instruction box and the run controls: type (or pick a suggested phrasing of) an
// instruction, then run, pause, step one control cycle (decode a chunk and execute it) or reset;
// or drive the arm with the scripted expert instead of the model.
// Reference: issue "Type an instruction and run"; src/app/instructionMatch.ts (success check).
// Invariants: only reports choices; the success note says plainly when no check applies.
import type { InstructionMatch } from '../instructionMatch';

export interface RunPanelProps {
  instruction: string;
  /** The task's own instruction (placeholder when the box is empty). */
  taskInstruction: string;
  suggestions: readonly string[];
  match: InstructionMatch;
  playing: boolean;
  done: boolean;
  modelReady: boolean;
  onInstruction: (text: string) => void;
  onRun: () => void;
  onPause: () => void;
  onStep: () => void;
  onReset: () => void;
  onExpert: () => void;
}

export function RunPanel(p: RunPanelProps) {
  return (
    <section className="panel">
      <h2>Instruction</h2>
      <input
        className="instruction-input"
        aria-label="instruction"
        data-testid="instruction-input"
        list="instruction-suggestions"
        placeholder={p.taskInstruction}
        value={p.instruction}
        onChange={(e) => p.onInstruction(e.target.value)}
      />
      <datalist id="instruction-suggestions">
        {p.suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <p className={`hint match ${p.match.kind}`} data-testid="match-note">
        {p.match.kind === 'task' && `Known phrasing of ${p.match.taskId}: success is checked.`}
        {p.match.kind === 'other-task' && `Phrasing of ${p.match.taskId}: Run loads that task's scene (success is checked).`}
        {p.match.kind === 'free' && 'Free-form instruction: the model runs, but no success check applies.'}
        {p.match.kind === 'empty' && 'Empty: the task instruction above is used. Pick a suggestion or type your own.'}
      </p>
      <div className="row">
        {p.playing ? (
          <button type="button" className="primary" data-testid="pause" onClick={p.onPause}>
            ❚❚ Pause
          </button>
        ) : (
          <button type="button" className="primary" data-testid="run" disabled={p.done || !p.modelReady} onClick={p.onRun}>
            ▶ Run model
          </button>
        )}
        <button type="button" data-testid="step-cycle" disabled={p.done || !p.modelReady || p.playing} onClick={p.onStep} title="decode one chunk and execute it">
          Step cycle
        </button>
        <button type="button" data-testid="reset" onClick={p.onReset}>
          ↺ Reset
        </button>
        <button type="button" data-testid="run-expert" disabled={p.done || p.playing} onClick={p.onExpert} title="the scripted expert that made the demonstrations">
          Expert
        </button>
      </div>
    </section>
  );
}
