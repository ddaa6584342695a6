"""Subtask sequencing: the Python twin of src/policy/subtasks.ts (same names, constants, fixture).

A two-step instruction ("put the red cube in the bowl and then put the blue cube on the plate") is
split into its clauses; the clause to work on moves on when the gripper opening shows a grasp that
was let go. At run time the page and the evaluation feed the model one clause at a time
(`--subtasks`, manifest decoding.subtasks); in training (`--goal_order=clause`) every frame of a
multi-step demo is relabelled with the clause the same rule gives at that frame, so the model
learns the behaviour the runtime asks of it.

Rule: a grasp is seen when the opening is the same (within HOLD_EPS) at two consecutive
observations and lies in [HELD_MIN, HELD_MAX]; a release is an opening wider than the grasp's by
more than RELEASE_MARGIN; each release moves to the next clause, never past the last one.
Shared cases: tests/fixtures/subtasks.json (tests/policy/subtasks.test.ts, training/tests/test_subtasks.py).
"""
import re
from typing import List, Sequence

import numpy as np

CONNECTOR = re.compile(r"\s*,?\s*\b(?:and after that|after that|and then|then)\b\s*,?\s*", re.IGNORECASE)
LEADING_FIRST = re.compile(r"^\s*first\b\s*,?\s*", re.IGNORECASE)

HELD_MIN = 0.01
HELD_MAX = 0.075
HOLD_EPS = 5e-4
RELEASE_MARGIN = 0.005


def split_instruction(text: str) -> List[str]:
    """The clauses of a multi-step instruction, in order; the whole (trimmed) text when it has one."""
    whole = text.strip()
    parts = [LEADING_FIRST.sub("", p, count=1).strip() for p in CONNECTOR.split(whole)]
    parts = [p for p in parts if p]
    return parts if len(parts) > 1 else [whole]


def clause_indices(openings: Sequence[float], n_clauses: int) -> np.ndarray:
    """(T,) gripper openings observed in order -> (T,) index of the clause in force at each
    observation (after reading it), as SubtaskSequencer.observe returns. Non-finite openings are
    ignored (they neither grasp nor release)."""
    out = np.zeros(len(openings), np.int64)
    index, last, held = 0, None, None
    for t, o in enumerate(np.asarray(openings, np.float64)):
        if np.isfinite(o):
            prev, last = last, o
            if held is not None:
                if o > held + RELEASE_MARGIN:
                    held = None
                    index = min(index + 1, n_clauses - 1)
            elif prev is not None and abs(o - prev) <= HOLD_EPS and HELD_MIN <= o <= HELD_MAX:
                held = o
        out[t] = index
    return out
