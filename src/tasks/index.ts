// Task registry: every task of the four suites, looked up by id or suite.
// Invariants: ids are unique and "<suite>/<name>"; lookups of unknown ids or suites throw an
// error that lists the valid ones (so a typo on the command line is self-explaining).

import { GOAL_TASKS } from './goal';
import { LONG_TASKS } from './long';
import { OBJECT_TASKS } from './object';
import { SPATIAL_TASKS } from './spatial';
import { SUITES, type Suite, type TaskSpec } from './types';

export { SUITES } from './types';
export type { Goal, Region, Suite, TaskInstance, TaskSpec } from './types';
export { allGoalsHold, goalHolds } from './predicates';

export const TASKS: readonly TaskSpec[] = [...SPATIAL_TASKS, ...OBJECT_TASKS, ...GOAL_TASKS, ...LONG_TASKS];

const BY_ID = new Map<string, TaskSpec>();
for (const t of TASKS) {
  if (BY_ID.has(t.id)) throw new Error(`duplicate task id ${t.id}`);
  BY_ID.set(t.id, t);
}

export function isSuite(s: string): s is Suite {
  return (SUITES as readonly string[]).includes(s);
}

export function getTask(id: string): TaskSpec {
  const t = BY_ID.get(id);
  if (!t) throw new Error(`unknown task "${id}"; valid ids:\n  ${[...BY_ID.keys()].join('\n  ')}`);
  return t;
}

export function tasksInSuite(suite: string): TaskSpec[] {
  if (!isSuite(suite)) throw new Error(`unknown suite "${suite}"; valid suites: ${SUITES.join(', ')}`);
  return TASKS.filter((t) => t.suite === suite);
}
