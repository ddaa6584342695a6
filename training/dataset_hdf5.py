"""Demonstration datasets in the LIBERO / robomimic HDF5 layout written by `npm run collect`
(Python twin of src/data/hdf5Reader.ts; names from src/data/layout.ts; docs/data.md).

    data/demo_<i>/obs/{agentview_rgb, eye_in_hand_rgb, ee_states, ee_pos, ee_ori,
                       gripper_states, joint_states, proprio}
    data/demo_<i>/{actions, rewards, dones, states}     + attrs num_samples, task_id, seed, ...
    data.attrs {total, env_args, problem_info}; stats/{actions,proprio}/{mean,std,min,max,q01,q99}

Invariants: read_demo returns the same arrays as the TS reader for the same file (uint8 images
[T][H][W][3] row 0 = top, float64 low-dim); demos come in index order (demo_2 before demo_10);
a file of another layout_version is refused. Uses numpy + h5py only (torch is optional: the
chunk dataset below returns numpy arrays that a torch DataLoader collates as they are).
"""
import json

import h5py
import numpy as np

LAYOUT_VERSION = 1
OBS_KEYS = ("agentview_rgb", "eye_in_hand_rgb", "ee_states", "ee_pos", "ee_ori", "gripper_states",
            "joint_states", "proprio")
DEMO_KEYS = ("actions", "rewards", "dones", "states")
STAT_NAMES = ("mean", "std", "min", "max", "q01", "q99")
STAT_KEYS = ("actions", "proprio")
INT_ATTRS = ("num_samples", "seed", "paraphrase_index", "success")
STR_ATTRS = ("task_id", "instruction", "scene")


def _str(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def sort_demo_names(names):
    """Demo group names in index order (HDF5 lists them alphabetically)."""
    return sorted((n for n in names if n.startswith("demo_")), key=lambda n: int(n[len("demo_"):]))


class Hdf5Demos:
    """Read-only view of one dataset file. Use as a context manager or call close()."""

    def __init__(self, path):
        self.path = path
        self.file = h5py.File(path, "r")
        if "data" not in self.file:
            raise ValueError(f"{path}: no 'data' group; not a demonstration dataset")
        version = int(self.file.attrs.get("layout_version", -1))
        if version != LAYOUT_VERSION:
            raise ValueError(f"{path}: layout_version {version}, this reader reads {LAYOUT_VERSION}")
        data = self.file["data"]
        self.demo_names = sort_demo_names(data.keys())
        self.attrs = {
            "total": int(data.attrs["total"]),
            "env_args": json.loads(_str(data.attrs["env_args"])),
            "problem_info": json.loads(_str(data.attrs["problem_info"])),
            "collect_args": json.loads(_str(self.file.attrs["collect_args"])),
        }

    def __len__(self):
        return len(self.demo_names)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.file.close()

    def read_demo(self, name_or_index):
        """One demo as a dict: every dataset of the layout (numpy) plus the per-demo attributes."""
        name = self.demo_names[name_or_index] if isinstance(name_or_index, int) else name_or_index
        g = self.file["data"][name]
        out = {"name": name}
        for k in INT_ATTRS:
            out[k] = int(g.attrs[k])
        for k in STR_ATTRS:
            out[k] = _str(g.attrs[k])
        out["success"] = bool(out["success"])
        for k in OBS_KEYS:
            out[k] = g["obs"][k][()]
        for k in DEMO_KEYS:
            out[k] = g[k][()]
        return out

    def stats(self):
        """{'actions': {'mean': (7,), ..., 'q99': (7,)}, 'proprio': {... (8,)}} as float64 arrays."""
        return {k: {s: self.file["stats"][k][s][()] for s in STAT_NAMES} for k in STAT_KEYS}


def load_demos(path):
    """Every demo of a file, in index order, fully in memory (fine for 64x64 datasets)."""
    with Hdf5Demos(path) as ds:
        return [ds.read_demo(i) for i in range(len(ds))]


class ChunkDataset:
    """Training samples: observation at step t + the action chunk actions[t : t + chunk].

    Shared by both readers (HDF5 and the LeRobot export give the same demo dicts). A chunk that
    runs past the end of its demo is padded by repeating the last action, and `action_is_pad`
    marks the padded rows (LeRobot's convention), so the loss can ignore or keep them.
    """

    def __init__(self, demos, chunk=8):
        if chunk < 1:
            raise ValueError(f"chunk must be >= 1, got {chunk}")
        self.demos = demos
        self.chunk = chunk
        self.index = [(d, t) for d, demo in enumerate(demos) for t in range(len(demo["actions"]))]

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        d, t = self.index[i]
        demo = self.demos[d]
        acts = demo["actions"]
        T = len(acts)
        rows = np.minimum(np.arange(t, t + self.chunk), T - 1)
        return {
            "agentview_rgb": demo["agentview_rgb"][t],      # (H, W, 3) uint8
            "eye_in_hand_rgb": demo["eye_in_hand_rgb"][t],  # (H, W, 3) uint8
            "proprio": demo["proprio"][t].astype(np.float32),  # (8,)
            "instruction": demo["instruction"],
            "actions": acts[rows].astype(np.float32),  # (chunk, 7)
            "action_is_pad": np.arange(t, t + self.chunk) >= T,  # (chunk,)
            "task_id": demo["task_id"],
        }
