"""Training data in RAM: every frame of one or more datasets (HDF5 from `npm run collect`, or the
LeRobot video export) loaded once as uint8, chunk sampling with numpy, and image augmentation.

Reference: docs/data.md (layout, stats), models/README.md (input normalisation, bin rule).
Invariants:
- a sample is (demo, t) drawn uniformly over the frames of the split; its targets are the tokens
  of actions[t : t + H]; a chunk that runs past the end of its demo is padded by REPEATING THE LAST
  ACTION (the expert holds still after success), and the padded steps stay in the loss;
- action tokens use the manifest rule uniform-floor-v1 with bounds = dataset q01/q99 (vectorised
  here, checked against training/action_codec.py in the tests);
- images: p -> (p / 255 - mean[c]) / std[c] (training/preprocess.py), NCHW float32, done in torch
  on the training device (images_to_model); augmentation (random shift: replicate-pad 4 px +
  random crop, per camera, on uint8 in numpy; mild contrast/brightness jitter, per camera, on the
  device) only when asked, never at evaluation;
- all randomness comes from the numpy Generator passed in (resumable, reproducible).
"""
import os
from typing import Dict, List, Optional, Sequence

import numpy as np

from training import dataset_hdf5, goals, subtasks

CAMERA_KEYS = {"agentview": "agentview_rgb", "wrist": "eye_in_hand_rgb"}  # model camera -> demo key
SHIFT_PAD = 4  # px, DrQ-style random shift
BRIGHTNESS, CONTRAST = 0.1, 0.1  # jitter factors drawn from U(1 - x, 1 + x)


def _load_source(path: str):
    """Demo dicts and action/proprio stats (None when the source has none) of one dataset."""
    if os.path.isdir(path):  # LeRobot export (videos + parquet)
        from training import dataset_lerobot
        return dataset_lerobot.load_demos(path), None
    with dataset_hdf5.Hdf5Demos(path) as ds:
        demos = [ds.read_demo(i) for i in range(len(ds))]
        return demos, ds.stats()


def check_finite(demos, path: str) -> None:
    """Refuses a dataset with a non-finite action or proprio value, naming the demo and step: a NaN
    label becomes the bin -2**63 and stops training mid-run with an index error far from its cause."""
    for i, d in enumerate(demos):
        for key in ("actions", "proprio"):
            bad = ~np.isfinite(np.asarray(d[key], np.float64)).all(axis=1)
            if bad.any():
                t = int(np.argmax(bad))
                raise ValueError(f"{path}: demo {d.get('name', i)} ({d.get('task_id', '?')}) has a non-finite {key} value "
                                 f"at step {t} ({int(bad.sum())} steps in all); recollect it or leave the file out")


def encode_actions(actions: np.ndarray, low: Sequence[float], high: Sequence[float], bins: int) -> np.ndarray:
    """(..., D) float actions -> int64 bins by uniform-floor-v1, in float64 in the documented order."""
    lo, hi = np.asarray(low, np.float64), np.asarray(high, np.float64)
    t = (np.asarray(actions, np.float64) - lo) / (hi - lo)
    x_norm = np.clip(t * 2 - 1, -1.0, 1.0)
    return np.clip(np.floor((x_norm + 1) / 2 * bins), 0, bins - 1).astype(np.int64)


GRIPPER_DIM = 6  # action entry of the gripper: -1 open, +1 closed


class FrameStore:
    """All frames of the given datasets, concatenated. Arrays are indexed by global frame f:
    images[cam] (F, H, W, 3) uint8, proprio (F, 8) float64, actions (F, 7) float64,
    demo_of (F,) demo index, demo_start / demo_len (n_demos,)."""

    def __init__(self, paths: Sequence[str], aux_goals: int = 0, goal_order: str = "plan", aux_yaw: int = 0):
        if goal_order == "clause" and aux_goals <= 0:
            raise ValueError("goal_order 'clause' needs the goals sidecars: set aux_goals > 0")
        if aux_yaw and aux_goals <= 0:
            raise ValueError("aux_yaw needs the goals sidecars: set aux_goals > 0")
        demos, stats, aux, yaw, n_per_path, active = [], [], [], [], [], []
        for p in paths:
            d, s = _load_source(p)
            n_per_path.append(len(d))
            if not d:
                raise ValueError(f"{p}: no demos")
            check_finite(d, p)
            if aux_goals > 0:
                if os.path.isdir(p):
                    raise ValueError(f"{p}: --aux_goals needs HDF5 datasets (object states and a goals sidecar), "
                                     f"not a LeRobot export")
                aux.append(goals.demo_goal_targets(d, p, aux_goals, goal_order))
                if aux_yaw:
                    yaw.append(goals.demo_yaw_targets(d, p, goal_order))
                if goal_order == "clause":
                    active += goals.demo_active_goals(d, p)
            demos += d
            stats.append(s)
        # Auxiliary goal targets per frame (training/goals.py), or None: (F, 6 G) values, (F, 6 G) validity.
        self.aux = (np.concatenate([a for a, _ in aux]), np.concatenate([v for _, v in aux])) if aux else None
        # With aux_yaw: (F, 2) sin, cos of 4 x the yaw still to turn, (F,) validity (goals.yaw_targets), or None.
        self.yaw = (np.concatenate([a for a, _ in yaw]), np.concatenate([v for _, v in yaw])) if yaw else None
        self.paths = list(paths)
        self.demo_source = np.concatenate([np.full(n, i, np.int64) for i, n in enumerate(n_per_path)])
        self.instructions = [d["instruction"] for d in demos]
        # The instruction each frame is trained with, as an index into self.texts: its demo's, or with
        # goal_order "clause" the clause in force at that frame (training/subtasks.py), as the runtime's
        # subtask sequencer will feed it. keep: frames to train on; "clause" drops the frames of a
        # multi-step demo where that clause is not the goal the expert labels work on (the learner let
        # go of something before the step was done, or a goal was undone), whose label contradicts it.
        per_demo = []  # (clauses, (T,) clause index per frame)
        for d in demos:
            if goal_order == "clause":
                clauses = subtasks.split_instruction(d["instruction"])
                per_demo.append((clauses, subtasks.clause_indices(np.asarray(d["proprio"], np.float64)[:, -1], len(clauses))))
            else:
                per_demo.append(([d["instruction"]], np.zeros(len(d["actions"]), np.int64)))
        self.texts = sorted({c for clauses, _ in per_demo for c in clauses})
        at = {t: j for j, t in enumerate(self.texts)}
        self.frame_text = np.concatenate([np.array([at[c] for c in clauses], np.int64)[k] for clauses, k in per_demo]
                                         ) if per_demo else np.zeros(0, np.int64)
        self.keep = np.concatenate([k == active[i] if len(clauses) > 1 else np.ones(len(k), bool)
                                    for i, (clauses, k) in enumerate(per_demo)]) if per_demo else np.zeros(0, bool)
        self.task_ids = [d["task_id"] for d in demos]
        # An HDF5 demo records whether it succeeded; a LeRobot export has no such flag (counted as success).
        self.demo_success = np.array([bool(d.get("success", True)) for d in demos], bool)
        self.demo_len = np.array([len(d["actions"]) for d in demos], np.int64)
        self.demo_start = np.concatenate([[0], np.cumsum(self.demo_len)[:-1]]).astype(np.int64)
        self.demo_of = np.repeat(np.arange(len(demos)), self.demo_len)
        self.images = {cam: np.concatenate([d[key] for d in demos]) for cam, key in CAMERA_KEYS.items()}
        self.proprio = np.concatenate([np.asarray(d["proprio"], np.float64) for d in demos])
        self.actions = np.concatenate([np.asarray(d["actions"], np.float64) for d in demos])
        # One file: its stored stats (exactly the TS computation). Several files or a LeRobot copy:
        # recompute with numpy by the same rules (population std, linear quantiles).
        if len(paths) == 1 and stats[0] is not None:
            self.stats = stats[0]
        else:
            self.stats = {k: {"mean": a.mean(0), "std": a.std(0), "min": a.min(0), "max": a.max(0),
                              "q01": np.quantile(a, 0.01, axis=0), "q99": np.quantile(a, 0.99, axis=0)}
                          for k, a in (("actions", self.actions), ("proprio", self.proprio))}

    @property
    def n_frames(self) -> int:
        return len(self.demo_of)

    @property
    def image_size(self) -> int:
        h, w = self.images["agentview"].shape[1:3]
        return h if h == w else -1

    def all_instructions(self, extra: Sequence[str] = ()) -> List[str]:
        return sorted(set(self.instructions) | set(self.texts) | set(extra))

    def image_stats(self, max_frames: int = 2000) -> Dict[str, List[float]]:
        """Per-channel mean/std in [0, 1] over both cameras (evenly spaced frames, deterministic)."""
        idx = np.linspace(0, self.n_frames - 1, min(max_frames, self.n_frames)).astype(np.int64)
        px = np.concatenate([self.images[c][idx].reshape(-1, 3) for c in self.images]).astype(np.float64) / 255.0
        return {"image_mean": px.mean(0).tolist(), "image_std": np.maximum(px.std(0), 1e-3).tolist()}


def split_demos(store: FrameStore, n_eval: int, demos: Optional[Sequence[int]] = None):
    """(train demo ids, eval demo ids) from `demos` (default: all; e.g. what drop_task_demos kept).
    Held out: the last demo of each task that has two or more, up to n_eval, spread over tasks; if
    that gives none, the last n_eval demos (if any remain)."""
    pool = list(range(len(store.demo_len))) if demos is None else list(demos)
    last = {}
    counts = {}
    for i in pool:
        t = store.task_ids[i]
        last[t] = i
        counts[t] = counts.get(t, 0) + 1
    held = sorted(last[t] for t in sorted(last) if counts[t] >= 2)[:n_eval]
    if not held and len(pool) > n_eval:
        held = pool[-n_eval:]
    held_set = set(held)
    return [i for i in pool if i not in held_set], held


def drop_task_demos(store: FrameStore, demos: Sequence[int], tasks: Sequence[str], files: Sequence[int]) -> List[int]:
    """`demos` less those of `tasks` (task ids) that come from `files` (indices into store.paths).
    For retiring one file's demos of a task whose expert changed (e.g. stacks collected with
    --stack-yaw align once newer files hold them with free), without recollecting the rest."""
    if not tasks and not files:
        return list(demos)
    if not tasks or not files:
        raise ValueError("data_drop_tasks and data_drop_from go together: the task ids to drop and the "
                         f"data files to drop them from (got tasks {list(tasks)}, files {list(files)})")
    bad = [i for i in files if not 0 <= i < len(store.paths)]
    if bad:
        raise ValueError(f"data_drop_from: file indices {bad} out of range for {len(store.paths)} data files")
    unknown = sorted(set(tasks) - set(store.task_ids))
    if unknown:
        raise ValueError(f"data_drop_tasks: no demo has task id(s) {unknown}; ids look like 'goal/stack_red_cube_on_blue_cube'")
    tasks, files = set(tasks), set(files)
    return [d for d in demos if not (store.task_ids[d] in tasks and int(store.demo_source[d]) in files)]


class ChunkSampler:
    """Batches of (images, instruction ids, proprio, target tokens) from a FrameStore split."""

    def __init__(self, store: FrameStore, demos: Sequence[int], tok, chunk_len: int, bins: int,
                 stats: Dict, cameras: Sequence[str], source_weights: Optional[Sequence[float]] = None,
                 open_only: Sequence[int] = (), yaw_only: bool = False):
        self.store, self.chunk_len, self.cameras = store, chunk_len, list(cameras)
        self.frames = np.concatenate([np.arange(store.demo_start[d], store.demo_start[d] + store.demo_len[d])
                                      for d in demos]) if len(demos) else np.zeros(0, np.int64)
        self.frames = self.frames[store.keep[self.frames]]
        if len(open_only) and len(self.frames):
            # Files (indices into store.paths) whose frames count only where the labelled gripper is
            # open: reaching, descending, releasing. For DAgger files, whose expert labels of a held
            # object (lift, carry, lower) follow its phase gates, which the learner's motion can leave
            # unmet: they say "up to cruise height" above the destination (training/recipes.md).
            bad = [i for i in open_only if not 0 <= i < len(store.paths)]
            if bad:
                raise ValueError(f"open_only: file indices {bad} out of range for {len(store.paths)} data files")
            src = store.demo_source[store.demo_of[self.frames]]
            closed = np.isin(src, list(open_only)) & (store.actions[self.frames, GRIPPER_DIM] > 0)
            self.frames = self.frames[~closed]
        if yaw_only:  # --yaw_only: only the frames with a yaw target (goals.yaw_targets)
            if store.yaw is None:
                raise ValueError("yaw_only: the frame store has no yaw targets (model aux_yaw = 1)")
            self.frames = self.frames[store.yaw[1][self.frames] > 0]
        # Sampling CDF over self.frames (None = uniform): each file's weight spread over its frames here.
        self.cdf = None
        if source_weights is not None and len(self.frames):
            w = np.asarray(source_weights, np.float64)
            if len(w) != len(store.paths) or not (w >= 0).all() or not np.isfinite(w).all():
                raise ValueError(f"source weights must be {len(store.paths)} non-negative numbers (one per data "
                                 f"file), got {list(source_weights)}")
            src = store.demo_source[store.demo_of[self.frames]]
            count = np.bincount(src, minlength=len(w)).astype(np.float64)
            if (w[count > 0] == 0).all():
                raise ValueError("source weights: every file with frames in this split has weight 0")
            p = w[src] / count[src]
            self.cdf = np.cumsum(p / p.sum())
        self.tokens = encode_actions(store.actions, stats["action_low"], stats["action_high"], bins)  # (F, 7)
        enc = [tok.encode(s) for s in store.texts]
        self.ids = np.array([e[0] for e in enc], np.int64)  # (n_texts, L), row store.frame_text[f] for frame f
        self.mask = np.array([e[1] for e in enc], np.int64)
        self.proprio = ((store.proprio - np.asarray(stats["proprio_mean"])) /
                        np.asarray(stats["proprio_std"])).astype(np.float32)  # (F, 8)
        self.img_mean, self.img_std = list(stats["image_mean"]), list(stats["image_std"])

    def __len__(self) -> int:
        return len(self.frames)

    def chunk_rows(self, f: np.ndarray) -> np.ndarray:
        """(B,) frames -> (B, H) frame rows of actions[t : t + H], clamped to the demo's last frame."""
        d = self.store.demo_of[f]
        end = self.store.demo_start[d] + self.store.demo_len[d] - 1
        return np.minimum(f[:, None] + np.arange(self.chunk_len)[None, :], end[:, None])

    def chunk_targets(self, f: np.ndarray) -> np.ndarray:
        """(B,) frames -> (B, H * 7) target tokens, [step][dim]; -100 for the steps past the end of a
        demo that did not succeed (no label there), the last action repeated past a successful one."""
        rows = self.chunk_rows(f)  # (B, H), clamped to each demo's last frame
        tgt = self.tokens[rows]  # (B, H, 7)
        past = rows != f[:, None] + np.arange(self.chunk_len)[None, :]  # steps the clamp moved
        tgt[past & ~self.store.demo_success[self.store.demo_of[f]][:, None]] = -100
        return tgt.reshape(len(f), -1)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n frames of the split: uniformly, or by the per-file weights."""
        if self.cdf is None:
            return self.frames[rng.integers(0, len(self.frames), n)]
        return self.frames[np.minimum(np.searchsorted(self.cdf, rng.random(n), side="right"), len(self.frames) - 1)]

    def batch(self, rng: np.random.Generator, batch_size: int, augment: bool, frames=None) -> Dict[str, np.ndarray]:
        """Images stay uint8 (B, H, W, 3), already shifted when augment; `jitter` (n_cam, B, 2)
        holds the (contrast, brightness) factors (ones without augment). images_to_model applies
        them and the normalisation on the training device (cheap there, slow in numpy)."""
        f = self.draw(rng, batch_size) if frames is None else np.asarray(frames)
        t = self.store.frame_text[f]
        imgs = [self.store.images[c][f] for c in self.cameras]
        jitter = np.ones((len(self.cameras), len(f), 2), np.float32)
        if augment:
            imgs = [random_shift(x, rng) for x in imgs]
            jitter[..., 0] = rng.uniform(1 - CONTRAST, 1 + CONTRAST, jitter.shape[:2])
            jitter[..., 1] = rng.uniform(1 - BRIGHTNESS, 1 + BRIGHTNESS, jitter.shape[:2])
        return {
            "images": imgs, "jitter": jitter,
            "input_ids": self.ids[t], "attention_mask": self.mask[t], "proprio": self.proprio[f],
            "targets": self.chunk_targets(f),  # (B, H * 7), [step][dim]
            **({"aux": self.store.aux[0][f], "aux_valid": self.store.aux[1][f],
                # the gripper's position in goal units, once per point: world-frame predictions minus
                # this are the (point - tcp) targets (model aux_source "keypoints")
                "aux_tcp": np.tile(self.store.proprio[f, :3] / goals.GOAL_SCALE, (1, self.store.aux[0].shape[1] // 3)
                                   ).astype(np.float32)}
               if self.store.aux is not None else {}),
            **({"yaw": self.store.yaw[0][f], "yaw_valid": self.store.yaw[1][f]} if self.store.yaw is not None else {}),
        }


def random_shift(x: np.ndarray, rng, pad: int = SHIFT_PAD) -> np.ndarray:
    """(B, H, W, 3): replicate-pad by `pad` px and crop back at a random offset per image."""
    B, H, W, _ = x.shape
    p = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="edge")
    oy = rng.integers(0, 2 * pad + 1, B)
    ox = rng.integers(0, 2 * pad + 1, B)
    return np.stack([p[i, oy[i]:oy[i] + H, ox[i]:ox[i] + W] for i in range(B)])


def images_to_model(u8, jitter, mean, std):
    """(B, H, W, 3) uint8 torch tensor + (B, 2) (contrast, brightness) -> (B, 3, H, W) float32
    normalised as the manifest says. Jitter: contrast about the image mean, then brightness,
    clipped to [0, 1]; with factors 1 this is exactly training/preprocess.image_to_tensor."""
    import torch

    x = u8.permute(0, 3, 1, 2).float() / 255.0  # (B, 3, H, W)
    j = jitter.to(x.device, torch.float32)
    if bool((j != 1).any()):
        m = x.mean(dim=(1, 2, 3), keepdim=True)
        x = (((x - m) * j[:, 0, None, None, None] + m) * j[:, 1, None, None, None]).clamp(0.0, 1.0)
    mean_t = torch.as_tensor(mean, dtype=torch.float32, device=x.device)[None, :, None, None]
    std_t = torch.as_tensor(std, dtype=torch.float32, device=x.device)[None, :, None, None]
    return (x - mean_t) / std_t
