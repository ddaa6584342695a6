"""training/subtasks.py, the twin of src/policy/subtasks.ts: both give tests/fixtures/subtasks.json;
and goal_order "clause" (training/goals.py): slot 0 follows the clause in force, the rest are empty."""
import json
import os
import unittest

import numpy as np

from training.goals import goal_targets
from training.subtasks import clause_indices, split_instruction
from training.tests.test_goals import ActiveGoalTest

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "subtasks.json")


class SharedFixtureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(FIXTURE, "r", encoding="utf-8") as f:
            cls.fx = json.load(f)

    def test_split_gives_the_fixture_clauses(self):
        for c in self.fx["split"]:
            self.assertEqual(split_instruction(c["text"]), c["clauses"], c["text"])

    def test_clause_indices_give_the_fixture_sequences(self):
        for c in self.fx["sequences"]:
            openings = [np.nan if o is None else o for o in c["openings"]]
            self.assertEqual(clause_indices(openings, c["clauses"]).tolist(), c["indices"], c["name"])


class ClauseOrderTest(unittest.TestCase):
    """On ActiveGoalTest's two-step demo, with openings that show one grasp and its release."""

    setUp = ActiveGoalTest.setUp

    def test_slot_zero_is_the_clause_goal_and_other_slots_are_empty(self):
        # Openings 0.08, 0.04, 0.04, 0.08, 0.08: held from frame 2, let go at frame 3.
        proprio = self.proprio.copy()
        proprio[:, -1] = [0.08, 0.04, 0.04, 0.08, 0.08]
        args = (self.goals, self.objects, self.states, 2, proprio[:, :3], 2)
        plan, _ = goal_targets(*args)
        out, valid = goal_targets(*args, order="clause", proprio=proprio)
        for t in (0, 1, 2):
            np.testing.assert_array_equal(out[t, :6], plan[t, :6])  # first clause: the first goal
        for t in (3, 4):
            np.testing.assert_array_equal(out[t, :6], plan[t, 6:])  # after the release: the second
        np.testing.assert_array_equal(valid[:, :6], 1)
        np.testing.assert_array_equal(valid[:, 6:], 0)
        np.testing.assert_array_equal(out[:, 6:], 0)
        with self.assertRaisesRegex(ValueError, "needs the demo's proprio"):
            goal_targets(*args, order="clause")
        # A one-goal task is the same under every order.
        one = (self.goals[:1], self.objects, self.states, 2, proprio[:, :3], 2)
        for a, b in zip(goal_targets(*one), goal_targets(*one, order="clause", proprio=proprio)):
            np.testing.assert_array_equal(a, b)


if __name__ == "__main__":
    unittest.main()
