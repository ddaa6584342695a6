// Does a typed instruction name a known task? Matches the text (case, spaces and punctuation
// ignored) against every phrasing of the current task, then of every other task, at the
// episode's seed. A known phrasing gets the task's success check; free text gets none.
// Reference: src/tasks (TaskSpec.sample(seed).paraphrases).
// Invariants: pure; the empty instruction means "the task's own instruction"; the phrasing
// table is built once per seed (sampling every task is not free), then lookups are cheap.
import type { TaskSpec } from '../tasks';

export type InstructionMatch =
  | { kind: 'empty' }
  | { kind: 'task'; taskId: string }
  | { kind: 'other-task'; taskId: string }
  | { kind: 'free' };

/** Every phrasing of every task at one seed, by task id, in task order. */
export type PhrasingTable = ReadonlyMap<string, readonly string[]>;

/** Lower case, words only, single spaces. */
export function normalizeInstruction(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

export function phrasingTable(seed: number, tasks: readonly TaskSpec[]): PhrasingTable {
  return new Map(tasks.map((t) => [t.id, t.sample(seed).paraphrases]));
}

export function matchInstruction(text: string, taskId: string, table: PhrasingTable): InstructionMatch {
  const t = normalizeInstruction(text);
  if (!t) return { kind: 'empty' };
  const has = (id: string) => (table.get(id) ?? []).some((p) => normalizeInstruction(p) === t);
  if (has(taskId)) return { kind: 'task', taskId };
  for (const id of table.keys()) if (id !== taskId && has(id)) return { kind: 'other-task', taskId: id };
  return { kind: 'free' };
}

/** Suggestions: every phrasing of the current task first, then each other task's first one. */
export function suggestions(taskId: string, table: PhrasingTable): string[] {
  const own = table.get(taskId) ?? [];
  const rest = [...table.entries()].filter(([id]) => id !== taskId).map(([, p]) => p[0]);
  return [...new Set([...own, ...rest])];
}
