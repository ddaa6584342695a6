// Task picker: tasks grouped by suite, a seed field and "New scene".
// Reference: TASKS / SUITES in src/tasks. Invariants: the picker only reports choices; the
// page decides when to rebuild the scene (on "New scene", or when the task changes).
import type { TaskSpec } from '../../tasks';
import { SUITES } from '../../tasks';

export interface TaskPickerProps {
  tasks: readonly TaskSpec[];
  taskId: string;
  seed: number;
  onTask: (taskId: string) => void;
  onSeed: (seed: number) => void;
  onNewScene: () => void;
}

/** "spatial/cube_left_of_bowl_to_plate" -> "cube left of bowl to plate". */
export function taskLabel(id: string): string {
  return id.slice(id.indexOf('/') + 1).replace(/_/g, ' ');
}

export function TaskPicker({ tasks, taskId, seed, onTask, onSeed, onNewScene }: TaskPickerProps) {
  return (
    <section className="panel">
      <h2>Task</h2>
      <select
        aria-label="task"
        data-testid="task-select"
        value={taskId}
        onChange={(e) => onTask(e.target.value)}
      >
        {SUITES.map((suite) => (
          <optgroup key={suite} label={`LIBERO-like ${suite}`}>
            {tasks
              .filter((t) => t.suite === suite)
              .map((t) => (
                <option key={t.id} value={t.id}>
                  {taskLabel(t.id)}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
      <div className="row">
        <label className="seed">
          seed
          <input
            aria-label="seed"
            data-testid="seed-input"
            type="number"
            min={0}
            step={1}
            value={seed}
            onChange={(e) => {
              const v = Math.floor(Number(e.target.value));
              if (Number.isFinite(v) && v >= 0) onSeed(v);
            }}
          />
        </label>
        <button type="button" title="seed + 1" onClick={() => onSeed(seed + 1)}>
          next
        </button>
        <button type="button" className="primary" data-testid="new-scene" onClick={onNewScene}>
          New scene
        </button>
      </div>
    </section>
  );
}
