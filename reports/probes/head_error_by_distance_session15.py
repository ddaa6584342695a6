"""Session 15: how precise is the keypoint goal head where precision matters, near the object? For a
checkpoint with aux_source "keypoints" and frames drawn from one or more files: the xy error (cm) of
goal 0's pick point (the head's world-frame output vs the recorded object position), binned by how far
the gripper really is from that point in xy. The arm must descend within 2 cm of the object
(EXPERT.descendGate) and the fingers close on a 4 cm cube, so the bins under 5 cm are the ones to read.
With aux_tcp the head also sees the gripper's position, so the wrist camera can say where the object
is relative to it.

usage: python3 reports/probes/head_error_by_distance_session15.py CKPT DATA.hdf5[,MORE.hdf5] [FRAMES] [THREADS]
Prints one line per distance bin: frames, median and 90th-percentile pick xy error."""
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.data import FrameStore  # noqa: E402
from training.diagnose import load_for_eval  # noqa: E402
from training.goals import GOAL_SCALE  # noqa: E402
from training.train import to_device  # noqa: E402

BINS_CM = [0, 2, 5, 10, 20, 100]


def main(argv):
    n_frames = int(argv[2]) if len(argv) > 2 else 2000
    torch.set_num_threads(int(argv[3]) if len(argv) > 3 else 1)
    ck = torch.load(argv[0], map_location="cpu")
    store = FrameStore(argv[1].split(","), aux_goals=int(ck["config"].get("aux_goals", 0)))
    _, model, sampler = load_for_eval(ck, store)
    rng = np.random.default_rng(0)
    # frames whose goal 0 is labelled (a demo's valid pick target) and that are not past a cut
    valid = np.flatnonzero(store.aux[1][:, 0] > 0)
    frames = np.sort(rng.choice(valid, size=min(n_frames, len(valid)), replace=False))
    pick_err, dist = [], []
    for i in range(0, len(frames), 256):
        b = to_device(sampler.batch(rng, 0, False, frames=frames[i:i + 256]), sampler, "cpu")
        with torch.no_grad():
            world = model.vision_goals(b["images"], b["input_ids"], b["attention_mask"], b["proprio"])
        err = (world - b["aux_tcp"] - b["aux"]).numpy() * GOAL_SCALE * 100  # cm
        pick_err.append(np.hypot(err[:, 0], err[:, 1]))
        dist.append(np.hypot(b["aux"][:, 0].numpy(), b["aux"][:, 1].numpy()) * GOAL_SCALE * 100)
    pick_err, dist = np.concatenate(pick_err), np.concatenate(dist)
    print(f"# {argv[0]} on {argv[1]}: {len(frames)} frames")
    for lo, hi in zip(BINS_CM[:-1], BINS_CM[1:]):
        sel = (dist >= lo) & (dist < hi)
        if sel.any():
            e = pick_err[sel]
            print(f"gripper-to-pick xy {lo:3d}-{hi:3d} cm  frames {sel.sum():5d}  pick xy error median {np.median(e):5.2f} cm  "
                  f"p90 {np.percentile(e, 90):5.2f} cm")


if __name__ == "__main__":
    main(sys.argv[1:])
