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
are invalid (mask 0). The head exists only in training: the exported graphs never compute it.

Invariants: `states` rows are [joint angles (n_joints)] + 7 per object (position 3, quaternion 4)
in the order of the sidecar's `objects` (= the stored scene's); a sidecar whose demo, task or seed
does not match the dataset is refused.
"""
import json
import os
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

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


def object_positions(states: np.ndarray, n_joints: int, n_objects: int) -> np.ndarray:
    """(T, state_dim) -> (T, n_objects, 3) positions."""
    T = states.shape[0]
    if states.shape[1] != n_joints + 7 * n_objects:
        raise ValueError(f"states rows have {states.shape[1]} values, expected {n_joints} joints + 7 x {n_objects} objects")
    return states[:, n_joints:].reshape(T, n_objects, 7)[:, :, :3]


def goal_points(goal: dict, pos: np.ndarray, index: Dict[str, int]) -> Tuple[np.ndarray, np.ndarray]:
    """One goal -> (pick (T, 3), place (T, 3)) world positions over the demo."""
    def at(obj_id: str) -> np.ndarray:
        if obj_id not in index:
            raise ValueError(f"goal names object {obj_id!r}, not in the scene {sorted(index)}")
        return pos[:, index[obj_id]]

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


def goal_targets(goals: Sequence[dict], objects: Sequence[str], states: np.ndarray, n_joints: int,
                 tcp: np.ndarray, n_slots: int) -> Tuple[np.ndarray, np.ndarray]:
    """-> (targets (T, n_slots * 6) float32, valid (T, n_slots * 6) float32)."""
    T = len(tcp)
    pos = object_positions(np.asarray(states, np.float64), n_joints, len(objects))
    index = {o: i for i, o in enumerate(objects)}
    out = np.zeros((T, n_slots * VALUES_PER_GOAL), np.float32)
    valid = np.zeros_like(out)
    for g, goal in enumerate(list(goals)[:n_slots]):
        pick, place = goal_points(goal, pos, index)
        s = slice(g * VALUES_PER_GOAL, (g + 1) * VALUES_PER_GOAL)
        out[:, s] = np.concatenate([pick - tcp, place - tcp], axis=1) / GOAL_SCALE
        valid[:, s] = 1.0
    return out, valid


def demo_goal_targets(demos: List[dict], path: str, n_slots: int) -> Tuple[np.ndarray, np.ndarray]:
    """Targets of every frame of one HDF5 file's demos (read_demo dicts), concatenated."""
    side = load_goals(path)
    outs, valids = [], []
    for d in demos:
        g = side.get(d["name"])
        if g is None or g["task_id"] != d["task_id"] or int(g["seed"]) != int(d["seed"]):
            raise ValueError(f"{goals_path(path)}: no matching entry for {d['name']} ({d['task_id']} seed {d['seed']}); "
                             f"rerun `npm run dataset:goals -- {path}`")
        o, v = goal_targets(g["goals"], g["objects"], d["states"], d["joint_states"].shape[1],
                            np.asarray(d["proprio"], np.float64)[:, :3], n_slots)
        outs.append(o)
        valids.append(v)
    return np.concatenate(outs), np.concatenate(valids)


def goal_prediction(model, b: dict, pred: torch.Tensor) -> torch.Tensor:
    """pred (B, 6 G) from VLA.predict_goals / vision_goals -> (point - tcp) / GOAL_SCALE like b["aux"]:
    the keypoint head (aux_source "keypoints") predicts world-frame points, so the gripper's
    position (b["aux_tcp"], training/data.py) is subtracted."""
    return pred - b["aux_tcp"] if model.cfg.aux_source == "keypoints" else pred


def goal_loss(model, b: dict, pred: torch.Tensor) -> torch.Tensor:
    """Smooth L1 of the auxiliary goal points over the valid values (GOAL_SCALE units)."""
    per = F.smooth_l1_loss(goal_prediction(model, b, pred), b["aux"], reduction="none") * b["aux_valid"]
    return per.sum() / b["aux_valid"].sum().clamp(min=1.0)
