// Subtask sequencing for two-step instructions: split "put the red cube in the bowl and then the
// blue cube on the plate" into its clauses, feed the model one clause at a time, and move to the
// next clause when the arm's own proprioception says a grasped object was let go.
//
// Why: the shipped models solve one-step tasks far more often than two-step ones, and their
// failure on two-step tasks is not finding the second object after the first step is done
// (training/recipes.md, round 8). The switch reads only what the policy already sees (the
// gripper opening in the proprio vector), never the simulator's state or the task's predicate.
//
// Rule (docs/runtime.md; tests/policy/subtasks.test.ts; Python twin training/subtasks.py, same
// constants and the shared cases of tests/fixtures/subtasks.json):
// - A grasp is seen when the opening is the same (within HOLD_EPS) at two consecutive
//   observations and lies in [HELD_MIN, HELD_MAX]: the fingers stopped on something. Closing on
//   nothing ends at 0; open is 0.08; a transient mid-close or mid-open moves by more than
//   HOLD_EPS between observations (a full close takes 0.2 s, 4 control steps).
// - A release is an opening wider than the grasp's by more than RELEASE_MARGIN, after a grasp.
// - Each release moves to the next clause; the last clause stays until the episode ends.
//
// Invariants: pure (no DOM, no model); splitInstruction() returns at least one clause, and the
// input trimmed when the text has no step connector; the sequencer never goes past the last
// clause and never goes back.

/** Connectors between steps, longest first (the task templates' three, plus a bare "then"). */
const CONNECTOR = /\s*,?\s*\b(?:and after that|after that|and then|then)\b\s*,?\s*/i;
const LEADING_FIRST = /^\s*first\b\s*,?\s*/i;

export const HELD_MIN = 0.01;
export const HELD_MAX = 0.075;
export const HOLD_EPS = 5e-4;
export const RELEASE_MARGIN = 0.005;

/** The clauses of a multi-step instruction, in order; the whole text when it has one step. */
export function splitInstruction(text: string): string[] {
  const whole = text.trim();
  const parts = whole.split(CONNECTOR).map((p) => p.replace(LEADING_FIRST, '').trim()).filter((p) => p.length > 0);
  return parts.length > 1 ? parts : [whole];
}

/** Index of the clause to work on, advanced by grasp-then-release events in the proprio. */
export class SubtaskSequencer {
  readonly clauses: readonly string[];
  private index = 0;
  private lastOpening: number | null = null;
  /** Opening at which the fingers stopped on an object, while it is held; null otherwise. */
  private heldWidth: number | null = null;

  constructor(readonly instruction: string) {
    this.clauses = splitInstruction(instruction);
  }

  /** 0-based index of the current clause. */
  get step(): number {
    return this.index;
  }

  get current(): string {
    return this.clauses[this.index];
  }

  /** Whether the fingers are (as far as the proprio says) holding something now. */
  get holding(): boolean {
    return this.heldWidth !== null;
  }

  /** Reads one observation's gripper opening (metres) and returns the clause to work on. A
   * non-finite opening is ignored (the caller reports it); it neither grasps nor releases. */
  observe(opening: number): string {
    if (!Number.isFinite(opening)) return this.current;
    const prev = this.lastOpening;
    this.lastOpening = opening;
    if (this.heldWidth !== null) {
      if (opening > this.heldWidth + RELEASE_MARGIN) {
        this.heldWidth = null;
        if (this.index < this.clauses.length - 1) this.index++;
      }
    } else if (prev !== null && Math.abs(opening - prev) <= HOLD_EPS && opening >= HELD_MIN && opening <= HELD_MAX) {
      this.heldWidth = opening;
    }
    return this.current;
  }
}
