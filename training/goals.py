"""Auxiliary goal targets (training only; `--aux_goals=G`, training/recipes.md).

The policy must find, from pixels and words, WHICH object to move and WHERE to put it. The action
tokens teach that only indirectly (during the approach the expert's dx, dy saturate, so they say
the direction, not the distance). The demos also record the privileged answer: every task's Goal
list (scripts/datasetGoals.ts writes it beside the dataset as <name>.goals.json, rebuilt from
task id and seed) and every object's position at every frame (the `states` rows). So a small
head on the prefix is trained to regress, per goal slot g < G, two points relative to the
gripper (TCP):

    pick  = the object to move (`object`, or `top` of a stack), at frame t
    place = where it goes at frame t: `in` -> the receptacle (+ placeOffset), `stacked` -> the base,
            `pushed` -> the region's centre (at the object's height), `lifted` -> the object's
            start position raised by `height`

each as (point - tcp) / GOAL_SCALE, x y z, so a row is G * 6 numbers; slots past the task's goals
are invalid (mask 0). Slot g holds the task's goal g, or with the model option goal_order "active"
the g-th goal from the first one that does not hold at frame t (`goals_met`, `active_goal`), or
with "clause" only the goal of the instruction's clause in force at t (training/subtasks.py). The
head exists only in training unless goal_token puts its points in front of the policy.

Invariants: `states` rows are [joint angles (n_joints)] + 7 per object (position 3, quaternion 4)
in the order of the sidecar's `objects` (= the stored scene's); a sidecar whose demo, task or seed
does not match the dataset is refused.
"""
import json
import os
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from training import subtasks
from training.config import GOAL_ORDERS  # how the goal slots are filled (ModelConfig.goal_order)

GOALS_VERSION = 1
GOAL_SCALE = 0.1  # metres per target unit
VALUES_PER_GOAL = 6  # pick xyz, place xyz


def goals_path(hdf5_path: str) -> str:
    """data/x.hdf5 -> data/x.goals.json (scripts/datasetGoals.ts goalsPath)."""
    return (hdf5_path[:-5] if hdf5_path.endswith(".hdf5") else hdf5_path) + ".goals.json"


def load_goals(hdf5_path: str) -> Dict[str, dict]:
    """The sidecar's demos: {demo name: {task_id, seed, objects, goals}}."""
    p = goals_path(hdf5_path)
    if not os.path.exists(p):
        raise FileNotFoundError(f"{p} is missing: --aux_goals needs each dataset's goals; run "
                                f"`npm run dataset:goals -- {hdf5_path}`")
    with open(p) as f:
        d = json.load(f)
    if d.get("version") != GOALS_VERSION:
        raise ValueError(f"{p}: version {d.get('version')!r}, this reader reads {GOALS_VERSION}")
    return d["demos"]


def object_poses(states: np.ndarray, n_joints: int, n_objects: int) -> np.ndarray:
    """(T, state_dim) -> (T, n_objects, 7) poses: position 3, quaternion 4 (x, y, z, w)."""
    T = states.shape[0]
    if states.shape[1] != n_joints + 7 * n_objects:
        raise ValueError(f"states rows have {states.shape[1]} values, expected {n_joints} joints + 7 x {n_objects} objects")
    return states[:, n_joints:].reshape(T, n_objects, 7)


def object_positions(states: np.ndarray, n_joints: int, n_objects: int) -> np.ndarray:
    """(T, state_dim) -> (T, n_objects, 3) positions."""
    return object_poses(states, n_joints, n_objects)[:, :, :3]


def object_slot(index: Dict[str, int], obj_id: str) -> int:
    """Where a goal's object sits in the states rows; an id not in the scene is an error."""
    if obj_id not in index:
        raise ValueError(f"goal names object {obj_id!r}, not in the scene {sorted(index)}")
    return index[obj_id]


def goal_points(goal: dict, pos: np.ndarray, index: Dict[str, int]) -> Tuple[np.ndarray, np.ndarray]:
    """One goal -> (pick (T, 3), place (T, 3)) world positions over the demo."""
    def at(obj_id: str) -> np.ndarray:
        return pos[:, object_slot(index, obj_id)]

    kind = goal["type"]
    if kind == "in":
        pick, place = at(goal["object"]), at(goal["receptacle"]).copy()
        off = goal.get("placeOffset")
        if off is not None:
            place[:, :2] += np.asarray(off, np.float64)
    elif kind == "stacked":
        pick, place = at(goal["top"]), at(goal["base"])
    elif kind == "pushed":
        pick = at(goal["object"])
        r = goal["region"]
        place = np.stack([np.full(len(pick), (r["xMin"] + r["xMax"]) / 2),
                          np.full(len(pick), (r["yMin"] + r["yMax"]) / 2), pick[:, 2]], axis=1)
    elif kind == "lifted":
        pick = at(goal["object"])
        place = np.repeat(pick[:1] + np.array([0.0, 0.0, goal["height"]]), len(pick), axis=0)
    else:
        raise ValueError(f"unknown goal type {kind!r}")
    return pick, place


# Twin of src/tasks/predicates.ts (TOLERANCE, placeTolerance, isIn, isStacked, isLifted,
# isPushedInto) and of src/sim/constants.ts (defaultSize, objectHeight), on what a demo records:
# object poses (the `states` rows) and the gripper (proprio: TCP x, y, z and the finger opening).
# A demo has no `grasped` flag, so "held" is approximated: the fingers closed past HELD_OPENING
# (open is 0.08 m, closed on a 4 cm object about 0.04) with the object's centre within
# HELD_RADIUS of the TCP (a held object's centre sits about 1 mm below it).
TOLERANCE = {"bowlInner": 0.7, "plateInner": 0.75, "trayWall": 0.015, "aboveRim": 0.02,
             "stackGap": 0.015, "stackXY": 1.0}
DEFAULT_SIZE = {"cube": 0.04, "cylinder": 0.04, "ball": 0.04, "bowl": 0.16, "plate": 0.18, "tray": 0.22}
HEIGHT_FACTOR = {"cube": 1.0, "ball": 1.0, "cylinder": 1.25, "bowl": 0.3, "plate": 0.1, "tray": 0.18}
HELD_OPENING = 0.07
HELD_RADIUS = 0.035


def object_kind(obj_id: str) -> str:
    """"red_cube" -> "cube", "bowl" -> "bowl", "pink_cube_2" -> "cube": scene ids end in their kind,
    or in their kind and a number where a scene holds several alike (src/tasks/spatial.ts)."""
    parts = obj_id.split("_")
    kind = parts[-2] if len(parts) > 2 and parts[-1].isdigit() else parts[-1]
    if kind not in DEFAULT_SIZE:
        raise ValueError(f"object id {obj_id!r} does not end in a kind ({sorted(DEFAULT_SIZE)})")
    return kind


def yaw_of(q: np.ndarray) -> np.ndarray:
    """(..., 4) quaternions [x, y, z, w] -> (...) rotation about world z (predicates.ts yawOf)."""
    x, y, z, w = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    return np.arctan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))


def goals_met(goals: Sequence[dict], objects: Sequence[str], states: np.ndarray, n_joints: int,
              proprio: np.ndarray) -> np.ndarray:
    """(T, n_goals) bool: whether each goal holds at each frame (default sizes, "held" approximated)."""
    states = np.asarray(states, np.float64)
    T = states.shape[0]
    poses = object_poses(states, n_joints, len(objects))
    index = {o: i for i, o in enumerate(objects)}
    tcp, opening = np.asarray(proprio, np.float64)[:, :3], np.asarray(proprio, np.float64)[:, 7]

    def obj(obj_id: str):
        pose = poses[:, object_slot(index, obj_id)]
        kind = object_kind(obj_id)
        size = DEFAULT_SIZE[kind]
        height = HEIGHT_FACTOR[kind] * size
        held = (opening < HELD_OPENING) & (np.linalg.norm(pose[:, :3] - tcp, axis=1) < HELD_RADIUS)
        return {"kind": kind, "pos": pose[:, :3], "quat": pose[:, 3:], "size": size, "height": height,
                "bottom": pose[:, 2] - height / 2, "held": held}

    met = np.zeros((T, len(goals)), bool)
    for g, goal in enumerate(goals):
        kind = goal["type"]
        if kind == "in":
            o, r = obj(goal["object"]), obj(goal["receptacle"])
            d = o["pos"][:, :2] - r["pos"][:, :2]
            resting = (o["bottom"] <= r["height"] + TOLERANCE["aboveRim"]) & (o["bottom"] >= -0.01)
            half = r["size"] / 2
            if r["kind"] == "tray":
                lim = half - TOLERANCE["trayWall"] - o["size"] / 2
                yaw = yaw_of(r["quat"])
                lx = np.cos(yaw) * d[:, 0] + np.sin(yaw) * d[:, 1]
                ly = -np.sin(yaw) * d[:, 0] + np.cos(yaw) * d[:, 1]
                inside = (np.abs(lx) < lim) & (np.abs(ly) < lim)
            elif r["kind"] in ("bowl", "plate"):
                inside = np.hypot(d[:, 0], d[:, 1]) < half * TOLERANCE[r["kind"] + "Inner"]
            else:
                raise ValueError(f"goal 'in': {goal['receptacle']!r} is a {r['kind']}, not a receptacle")
            met[:, g] = ~o["held"] & resting & inside
        elif kind == "stacked":
            top, base = obj(goal["top"]), obj(goal["base"])
            dxy = np.hypot(*(top["pos"][:, :2] - base["pos"][:, :2]).T)
            gap = top["bottom"] - (base["pos"][:, 2] + base["height"] / 2)
            met[:, g] = (~top["held"] & ~base["held"] & (dxy <= base["size"] / 2 * TOLERANCE["stackXY"])
                         & (np.abs(gap) < TOLERANCE["stackGap"]) & (base["bottom"] < 0.01))
        elif kind == "lifted":
            o = obj(goal["object"])
            met[:, g] = o["held"] & (o["bottom"] >= goal["height"])
        elif kind == "pushed":
            o, r = obj(goal["object"]), goal["region"]
            x, y = o["pos"][:, 0], o["pos"][:, 1]
            met[:, g] = (~o["held"] & (o["bottom"] < 0.01) & (x >= r["xMin"]) & (x <= r["xMax"])
                         & (y >= r["yMin"]) & (y <= r["yMax"]))
        else:
            raise ValueError(f"unknown goal type {kind!r}")
    return met


def active_goal(met: np.ndarray) -> np.ndarray:
    """(T, n_goals) bool -> (T,) index of the first goal that does not hold (the last goal's index
    where all hold): the goal the expert works on (src/expert, "the first goal that does not hold")."""
    n = met.shape[1]
    return np.where(met.all(axis=1), n - 1, np.argmin(met, axis=1))


def slot_zero_goal(goals: Sequence[dict], objects: Sequence[str], states: np.ndarray, n_joints: int, T: int,
                   order: str, proprio: Optional[np.ndarray]) -> np.ndarray:
    """(T,) index of the goal in slot 0 at each frame under `order` (GOAL_ORDERS): goal 0 ("plan",
    or a one-goal task), the first that does not hold ("active"), the clause in force ("clause")."""
    if len(goals) < 2 or order == "plan":
        return np.zeros(T, np.int64)
    if proprio is None:
        raise ValueError(f"goal order {order!r} needs the demo's proprio")
    if order == "active":
        return active_goal(goals_met(goals, objects, states, n_joints, proprio))
    return subtasks.clause_indices(np.asarray(proprio, np.float64)[:, -1], len(goals))


def goal_targets(goals: Sequence[dict], objects: Sequence[str], states: np.ndarray, n_joints: int,
                 tcp: np.ndarray, n_slots: int, order: str = "plan",
                 proprio: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
    """-> (targets (T, n_slots * 6) float32, valid (T, n_slots * 6) float32). Orders "active" and
    "clause" (see GOAL_ORDERS) need the demo's proprio (the gripper's opening says what it holds)."""
    if order not in GOAL_ORDERS:
        raise ValueError(f"goal order must be one of {GOAL_ORDERS}, got {order!r}")
    T = len(tcp)
    filled = n_slots  # slots that get targets; the rest stay invalid
    pos = object_positions(np.asarray(states, np.float64), n_joints, len(objects))
    index = {o: i for i, o in enumerate(objects)}
    goals = list(goals)
    per_goal = np.zeros((len(goals), T, VALUES_PER_GOAL), np.float32)
    for g, goal in enumerate(goals):
        pick, place = goal_points(goal, pos, index)
        per_goal[g] = np.concatenate([pick - tcp, place - tcp], axis=1) / GOAL_SCALE
    first = slot_zero_goal(goals, objects, states, n_joints, T, order, proprio)
    if order == "clause" and len(goals) > 1:  # the clause in force names one goal: slot 0 holds it, the others stay empty
        filled = min(n_slots, 1)
    out = np.zeros((T, n_slots * VALUES_PER_GOAL), np.float32)
    valid = np.zeros_like(out)
    frames = np.arange(T)
    for s in range(filled):
        g = first + s
        ok = g < len(goals)
        sl = slice(s * VALUES_PER_GOAL, (s + 1) * VALUES_PER_GOAL)
        out[frames[ok], sl] = per_goal[g[ok], frames[ok]]
        valid[frames[ok], sl] = 1.0
    return out, valid


YAW_FOLD = 4  # a cube looks the same every quarter turn: the yaw target is sin, cos of 4 x the angle
# The yaw target counts only with the fingers open and the cube this close (xy, metres) to the TCP:
# the approach and the descent, where the wrist camera shows the cube and the turn decides the grasp.
YAW_NEAR = 0.06


def yaw_targets(goals: Sequence[dict], objects: Sequence[str], states: np.ndarray, n_joints: int,
                proprio: np.ndarray, order: str = "plan") -> Tuple[np.ndarray, np.ndarray]:
    """-> (targets (T, 2) float32, valid (T,) float32): (sin, cos) of YAW_FOLD x (cube yaw - gripper
    yaw) for the object of the goal in slot 0 (goal_targets' slot 0 under the same order), the angle
    the gripper must still turn to hold that cube square across two faces (src/expert/grasp.ts
    graspableNow compares the same two yaws). Valid only where that object is a cube and the goal
    is not a push (a round object, or a pushed cube, needs no particular yaw), with the fingers open
    and the cube within YAW_NEAR of the TCP in xy."""
    proprio = np.asarray(proprio, np.float64)
    T = len(proprio)
    goals = list(goals)
    first = slot_zero_goal(goals, objects, states, n_joints, T, order, proprio)
    poses = object_poses(np.asarray(states, np.float64), n_joints, len(objects))
    index = {o: i for i, o in enumerate(objects)}
    tcp_yaw = yaw_of(proprio[:, 3:7])
    out = np.zeros((T, 2), np.float32)
    valid = np.zeros(T, np.float32)
    frames = np.arange(T)
    for g, goal in enumerate(goals):
        obj_id = goal["top"] if goal["type"] == "stacked" else goal["object"]
        at = first == g
        if goal["type"] == "pushed" or object_kind(obj_id) != "cube" or not at.any():
            continue
        pose = poses[:, object_slot(index, obj_id)]
        at &= (proprio[:, 7] >= HELD_OPENING) & (np.hypot(*(pose[:, :2] - proprio[:, :2]).T) < YAW_NEAR)
        d = YAW_FOLD * (yaw_of(pose[:, 3:]) - tcp_yaw)
        out[frames[at]] = np.stack([np.sin(d), np.cos(d)], axis=1)[at]
        valid[frames[at]] = 1.0
    return out, valid


def demo_yaw_targets(demos: List[dict], path: str, order: str = "plan") -> Tuple[np.ndarray, np.ndarray]:
    """yaw_targets of every frame of one HDF5 file's demos (read_demo dicts), concatenated."""
    return _over_demos(demos, path, lambda g, d: yaw_targets(g["goals"], g["objects"], d["states"],
                                                              d["joint_states"].shape[1], d["proprio"], order))


def yaw_loss(pred: torch.Tensor, b: dict) -> torch.Tensor:
    """Mean squared error of the (sin, cos) yaw prediction (B, 2) over the valid frames."""
    per = ((pred - b["yaw"]) ** 2).sum(1) * b["yaw_valid"]
    return per.sum() / b["yaw_valid"].sum().clamp(min=1.0)


def yaw_error_deg(pred: torch.Tensor, b: dict) -> Tuple[float, int]:
    """(sum of |angle error| in degrees of the cube-to-gripper yaw, folded to +-45, number of valid
    frames) for pred (B, 2) against b["yaw"]."""
    a = torch.atan2(pred[:, 0], pred[:, 1])
    t = torch.atan2(b["yaw"][:, 0], b["yaw"][:, 1])
    err = torch.remainder(a - t + np.pi, 2 * np.pi) - np.pi  # wrapped, in folded radians
    sel = b["yaw_valid"] > 0
    return float((err[sel].abs() * 180 / np.pi / YAW_FOLD).sum()), int(sel.sum())


def _sidecar_entry(side: Dict[str, dict], d: dict, path: str) -> dict:
    """The goals sidecar's entry of demo `d`; refused unless its task and seed match."""
    g = side.get(d["name"])
    if g is None or g["task_id"] != d["task_id"] or int(g["seed"]) != int(d["seed"]):
        raise ValueError(f"{goals_path(path)}: no matching entry for {d['name']} ({d['task_id']} seed {d['seed']}); "
                         f"rerun `npm run dataset:goals -- {path}`")
    return g


def _over_demos(demos: List[dict], path: str, targets) -> Tuple[np.ndarray, np.ndarray]:
    """targets(sidecar entry, demo) -> (values, validity) for each demo of one HDF5 file, concatenated."""
    side = load_goals(path)
    pairs = [targets(_sidecar_entry(side, d, path), d) for d in demos]
    return np.concatenate([o for o, _ in pairs]), np.concatenate([v for _, v in pairs])


def demo_goal_targets(demos: List[dict], path: str, n_slots: int, order: str = "plan") -> Tuple[np.ndarray, np.ndarray]:
    """Targets of every frame of one HDF5 file's demos (read_demo dicts), concatenated."""
    def one(g, d):
        proprio = np.asarray(d["proprio"], np.float64)
        return goal_targets(g["goals"], g["objects"], d["states"], d["joint_states"].shape[1],
                            proprio[:, :3], n_slots, order, proprio)
    return _over_demos(demos, path, one)


def demo_active_goals(demos: List[dict], path: str) -> List[np.ndarray]:
    """Per demo of one HDF5 file: (T,) index of the goal the expert works on at each frame (0
    throughout a one-goal demo)."""
    side = load_goals(path)
    out = []
    for d in demos:
        g = _sidecar_entry(side, d, path)
        if len(g["goals"]) < 2:
            out.append(np.zeros(len(d["actions"]), np.int64))
            continue
        out.append(active_goal(goals_met(g["goals"], g["objects"], d["states"], d["joint_states"].shape[1],
                                         np.asarray(d["proprio"], np.float64))))
    return out


def goal_prediction(model, b: dict, pred: torch.Tensor) -> torch.Tensor:
    """pred (B, 6 G) from VLA.predict_goals / vision_goals -> (point - tcp) / GOAL_SCALE like b["aux"]:
    the keypoint head (aux_source "keypoints") predicts world-frame points, so the gripper's
    position (b["aux_tcp"], training/data.py) is subtracted."""
    return pred - b["aux_tcp"] if model.cfg.aux_source == "keypoints" else pred


def goal_loss(model, b: dict, pred: torch.Tensor) -> torch.Tensor:
    """Smooth L1 of the auxiliary goal points over the valid values (GOAL_SCALE units)."""
    per = F.smooth_l1_loss(goal_prediction(model, b, pred), b["aux"], reduction="none") * b["aux_valid"]
    return per.sum() / b["aux_valid"].sum().clamp(min=1.0)
