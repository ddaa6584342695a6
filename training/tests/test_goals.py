"""Auxiliary goal targets (training/goals.py): pick/place points per goal type, relative to the
gripper in GOAL_SCALE units, invalid slots masked, and sidecars that do not match refused."""
import json
import os
import tempfile
import unittest

import numpy as np

from training.goals import (GOAL_SCALE, active_goal, demo_goal_targets, goal_targets, goals_met, goals_path,
                            load_goals, object_kind, yaw_targets, YAW_NEAR)


def states_of(positions, n_joints=2):
    """positions (T, n_obj, 3) -> states rows [joints][pos 3, quat 4 per object]."""
    T, n, _ = positions.shape
    quat = np.tile([0.0, 0.0, 0.0, 1.0], (T, n, 1))
    return np.concatenate([np.zeros((T, n_joints)), np.concatenate([positions, quat], 2).reshape(T, 7 * n)], 1)


def proprio_of(tcp, opening):
    """(T, 3) TCP + (T,) finger opening -> proprio rows [x, y, z, qx, qy, qz, qw, opening]."""
    T = len(tcp)
    return np.concatenate([np.asarray(tcp, float), np.tile([0.0, 0.0, 0.0, 1.0], (T, 1)),
                           np.asarray(opening, float)[:, None]], 1)


class ActiveGoalTest(unittest.TestCase):
    """goal_order "active": a two-step task's slots follow the first goal that does not hold."""

    def setUp(self):
        self.objects = ["bowl", "plate", "red_cube", "blue_cube"]
        self.goals = [{"type": "in", "object": "red_cube", "receptacle": "bowl"},
                      {"type": "in", "object": "blue_cube", "receptacle": "plate"}]
        bowl, plate, blue = [0.0, 0.0, 0.024], [0.2, 0.1, 0.009], [0.1, -0.1, 0.02]
        red = [[-0.1, 0.1, 0.02],   # 0: on the table
               [0.0, 0.0, 0.05],    # 1: held over the bowl
               [0.01, 0.0, 0.02],   # 2: released in the bowl
               [0.01, 0.0, 0.02],   # 3: in the bowl, fingers closing around it again
               [0.12, 0.0, 0.02]]   # 4: knocked out of the bowl
        self.states = states_of(np.array([[bowl, plate, r, blue] for r in red]))
        tcp = np.array([[0.0, 0.0, 0.28], [0.0, 0.0, 0.051], [0.01, 0.0, 0.06], [0.01, 0.0, 0.021], [0.1, 0.0, 0.14]])
        self.proprio = proprio_of(tcp, [0.08, 0.04, 0.08, 0.04, 0.08])

    def test_a_goal_holds_once_the_object_rests_there_and_is_let_go(self):
        met = goals_met(self.goals, self.objects, self.states, 2, self.proprio)
        np.testing.assert_array_equal(met[:, 0], [False, False, True, False, False])
        np.testing.assert_array_equal(met[:, 1], False)
        np.testing.assert_array_equal(active_goal(met), [0, 0, 1, 0, 0])  # back to the first when undone
        np.testing.assert_array_equal(active_goal(np.ones((1, 2), bool)), [1])  # all hold: the last

    def test_slot_zero_is_the_active_goal_and_plan_order_is_unchanged(self):
        args = (self.goals, self.objects, self.states, 2, self.proprio[:, :3], 2)
        plan, plan_valid = goal_targets(*args)
        act, act_valid = goal_targets(*args, order="active", proprio=self.proprio)
        for t in (0, 1, 3, 4):
            np.testing.assert_array_equal(act[t], plan[t])
            np.testing.assert_array_equal(act_valid[t], 1)
        np.testing.assert_array_equal(act[2, :6], plan[2, 6:])  # the second goal moved to slot 0
        np.testing.assert_array_equal(act_valid[2], [1] * 6 + [0] * 6)  # nothing after it
        np.testing.assert_array_equal(act[2, 6:], 0)
        with self.assertRaisesRegex(ValueError, "needs the demo's proprio"):
            goal_targets(*args, order="active")
        with self.assertRaisesRegex(ValueError, "goal order must be one of"):
            goal_targets(*args, order="random")

    def test_stacked_tray_and_lifted_predicates(self):
        objects = ["tray", "green_cube", "yellow_cube"]
        yaw = 0.3
        tray_q = [0.0, 0.0, np.sin(yaw / 2), np.cos(yaw / 2)]
        # the green cube 7 cm out along the tray's own x axis (limit 0.11 - 0.015 - 0.02 = 0.075),
        # then 8 cm out (outside); the yellow cube 4 cm up on the green one (stacked), then lifted
        rows = []
        for r, top in ((0.07, [0.0, 0.3, 0.06]), (0.08, [0.0, 0.3, 0.15])):
            green = [r * np.cos(yaw), r * np.sin(yaw), 0.02]
            rows.append(np.concatenate([[0, 0], [0, 0, 0.02], tray_q, green, [0, 0, 0, 1],
                                        [green[0], green[1], 0.06] if top[2] < 0.1 else top, [0, 0, 0, 1]]))
        states = np.array(rows)
        prop = proprio_of([[0.5, 0.5, 0.3], [0.0, 0.3, 0.151]], [0.08, 0.04])
        goals = [{"type": "in", "object": "green_cube", "receptacle": "tray"},
                 {"type": "stacked", "top": "yellow_cube", "base": "green_cube"},
                 {"type": "lifted", "object": "yellow_cube", "height": 0.08}]
        met = goals_met(goals, objects, states, 2, prop)
        np.testing.assert_array_equal(met, [[True, True, False], [False, False, True]])
        with self.assertRaisesRegex(ValueError, "does not end in a kind"):
            goals_met([{"type": "in", "object": "green_cube", "receptacle": "box"}], ["box", "green_cube"],
                      states_of(np.zeros((1, 2, 3))), 2, prop[:1])


class GoalTargetsTest(unittest.TestCase):
    def setUp(self):
        self.objects = ["cube", "bowl", "tray"]
        pos = np.array([[[0.1, 0.0, 0.02], [0.0, 0.2, 0.03], [-0.1, -0.1, 0.01]],
                        [[0.1, 0.1, 0.12], [0.0, 0.2, 0.03], [-0.1, -0.1, 0.01]]])  # the cube moves
        self.states = states_of(pos)
        self.tcp = np.array([[0.0, 0.0, 0.3], [0.1, 0.1, 0.15]])

    def targets(self, goals, n_slots=2):
        return goal_targets(goals, self.objects, self.states, 2, self.tcp, n_slots)

    def test_in_with_offset_is_relative_to_the_gripper_in_scale_units(self):
        out, valid = self.targets([{"type": "in", "object": "cube", "receptacle": "tray", "placeOffset": [0.02, -0.01]}])
        np.testing.assert_allclose(out[0, :6], np.array([0.1, 0.0, -0.28, -0.08, -0.11, -0.29]) / GOAL_SCALE, atol=1e-5)
        np.testing.assert_allclose(out[1, :3], [0.0, 0.0, -0.3], atol=1e-5)  # follows the carried cube
        np.testing.assert_array_equal(valid[:, :6], 1)
        np.testing.assert_array_equal(valid[:, 6:], 0)  # one goal: the second slot is masked
        np.testing.assert_array_equal(out[:, 6:], 0)

    def test_each_goal_type_has_its_place_point(self):
        out, _ = self.targets([{"type": "stacked", "top": "cube", "base": "bowl"},
                               {"type": "pushed", "object": "cube",
                                "region": {"xMin": 0.0, "xMax": 0.2, "yMin": -0.1, "yMax": 0.1}}])
        np.testing.assert_allclose(out[0, 3:6], np.array([0.0, 0.2, -0.27]) / GOAL_SCALE, atol=1e-5)
        np.testing.assert_allclose(out[1, 9:12], np.array([0.0, -0.1, -0.03]) / GOAL_SCALE, atol=1e-5)  # region centre at cube height
        out, _ = self.targets([{"type": "lifted", "object": "cube", "height": 0.08}], n_slots=1)
        np.testing.assert_allclose(out[1, 3:6], np.array([0.0, -0.1, -0.05]) / GOAL_SCALE, atol=1e-5)  # start + height
        self.assertEqual(out.shape, (2, 6))

    def test_goals_past_the_slots_are_dropped_and_bad_input_is_refused(self):
        g = {"type": "in", "object": "cube", "receptacle": "bowl"}
        out, valid = self.targets([g, g, g], n_slots=2)
        self.assertEqual(out.shape, (2, 12))
        self.assertTrue(valid.all())
        with self.assertRaisesRegex(ValueError, "not in the scene"):
            self.targets([{"type": "in", "object": "ball", "receptacle": "bowl"}])
        with self.assertRaisesRegex(ValueError, "unknown goal type"):
            self.targets([{"type": "thrown", "object": "cube"}])
        with self.assertRaisesRegex(ValueError, "expected 2 joints"):
            goal_targets([g], self.objects, self.states[:, :-7], 2, self.tcp, 1)

    def test_sidecar_must_exist_and_match_the_demos(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.hdf5")
            self.assertEqual(goals_path(path), os.path.join(d, "x.goals.json"))
            with self.assertRaisesRegex(FileNotFoundError, "npm run dataset:goals -- " + path):
                load_goals(path)
            demo = {"name": "demo_0", "task_id": "goal/a", "seed": 5, "states": self.states,
                    "joint_states": np.zeros((2, 2)), "proprio": np.concatenate([self.tcp, np.zeros((2, 5))], 1)}
            side = {"demo_0": {"task_id": "goal/a", "seed": 5, "objects": self.objects,
                               "goals": [{"type": "in", "object": "cube", "receptacle": "bowl"}]}}
            with open(goals_path(path), "w") as f:
                json.dump({"version": 1, "demos": side}, f)
            out, valid = demo_goal_targets([demo], path, 1)
            np.testing.assert_allclose(out, self.targets(side["demo_0"]["goals"], 1)[0])
            with self.assertRaisesRegex(ValueError, "no matching entry"):
                demo_goal_targets([{**demo, "seed": 6}], path, 1)
            with open(goals_path(path), "w") as f:
                json.dump({"version": 2, "demos": side}, f)
            with self.assertRaisesRegex(ValueError, "version 2"):
                load_goals(path)


if __name__ == "__main__":
    unittest.main()


def yaw_quat(yaw):
    """Rotation about z by `yaw` -> quaternion [x, y, z, w]."""
    return [0.0, 0.0, np.sin(yaw / 2), np.cos(yaw / 2)]


class YawTargetsTest(unittest.TestCase):
    """model aux_yaw: sin, cos of 4 x (cube yaw - gripper yaw) for slot 0's object, cubes only."""

    def setUp(self):
        self.objects = ["bowl", "pink_cube_2", "yellow_cylinder"]
        cube_yaw = np.radians([30.0, 30.0 + 90.0, 10.0, 10.0])
        tcp_yaw = np.radians([0.0, 0.0, 10.0, 25.0])
        T = len(cube_yaw)
        pos = np.tile([[0.0, 0.0, 0.024], [0.1, 0.0, 0.02], [-0.1, 0.0, 0.025]], (T, 1, 1))
        quat = np.array([[[0, 0, 0, 1], yaw_quat(c), [0, 0, 0, 1]] for c in cube_yaw])
        self.states = np.concatenate([np.zeros((T, 2)), np.concatenate([pos, quat], 2).reshape(T, 21)], 1)
        self.proprio = np.concatenate([np.tile([0.1, 0.0, 0.14], (T, 1)), [yaw_quat(t) for t in tcp_yaw],
                                       np.full((T, 1), 0.08)], 1)

    def test_a_cube_is_folded_to_a_quarter_turn_relative_to_the_gripper(self):
        goals = [{"type": "in", "object": "pink_cube_2", "receptacle": "bowl"}]
        y, v = yaw_targets(goals, self.objects, self.states, 2, self.proprio)
        want = np.radians(4 * np.array([30.0, 120.0, 0.0, -15.0]))
        np.testing.assert_allclose(y, np.stack([np.sin(want), np.cos(want)], 1), atol=1e-6)
        np.testing.assert_array_equal(v, 1)
        np.testing.assert_allclose(y[0], y[1], atol=1e-6)  # a quarter turn looks the same

    def test_only_the_open_approach_near_the_cube_has_a_target(self):
        goals = [{"type": "in", "object": "pink_cube_2", "receptacle": "bowl"}]
        p = self.proprio.copy()
        p[1, 7] = 0.05  # holding
        p[2, 0] = 0.1 + YAW_NEAR + 0.01  # too far in x
        _, v = yaw_targets(goals, self.objects, self.states, 2, p)
        np.testing.assert_array_equal(v, [1, 0, 0, 1])

    def test_round_objects_and_pushes_have_no_target(self):
        for goal in ({"type": "in", "object": "yellow_cylinder", "receptacle": "bowl"},
                     {"type": "pushed", "object": "pink_cube_2", "region": {"xMin": 0, "xMax": 1, "yMin": 0, "yMax": 1}}):
            y, v = yaw_targets([goal], self.objects, self.states, 2, self.proprio)
            np.testing.assert_array_equal(v, 0)
            np.testing.assert_array_equal(y, 0)

    def test_clause_order_follows_the_clause_in_force(self):
        goals = [{"type": "in", "object": "yellow_cylinder", "receptacle": "bowl"},
                 {"type": "lifted", "object": "pink_cube_2", "height": 0.08}]
        p = self.proprio.copy()
        p[:, 7] = [0.08, 0.05, 0.05, 0.08]  # holds the cylinder at 1-2, lets go at 3: clause 2 from there
        y, v = yaw_targets(goals, self.objects, self.states, 2, p, order="clause")
        np.testing.assert_array_equal(v, [0, 0, 0, 1])
        np.testing.assert_allclose(y[3], [np.sin(np.radians(-60.0)), np.cos(np.radians(-60.0))], atol=1e-6)
        self.assertEqual(object_kind("pink_cube_2"), "cube")
        with self.assertRaises(ValueError):
            object_kind("cube_7_x")
