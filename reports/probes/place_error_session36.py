"""Session 36: does the default's keypoint goal head find WHERE to put the held cube? For a checkpoint
with aux_source "keypoints" and frames from one or more files: the xy error (cm) of goal slot 0's
place point (the head's world-frame output vs the recorded destination), binned by how far the
gripper really is from that point in xy, on frames whose slot 0 is labelled. Also prints the mean
signed error along the gripper-to-place direction (positive = the head puts the destination short
of where it is, i.e. nearer the gripper) so a bias that parks the arm before the base shows up. Frames whose
instruction (clause) puts a cube on a cube are reported apart from the rest.

usage: python3 reports/probes/place_error_session36.py CKPT DATA.hdf5[,MORE.hdf5] [FRAMES] [THREADS] [REGEX]
(REGEX: report the frames whose instruction matches it apart, instead of the cube-on-cube clauses)"""
import os
import re
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.diagnose import load_for_eval, store_for  # noqa: E402
from training.goals import GOAL_SCALE  # noqa: E402
from training.train import to_device  # noqa: E402

STACK = re.compile(r"(stack|on top of)\b.*\bcube\s*$")  # a clause whose destination is a cube
BINS_CM = [0, 1, 2, 3, 5, 10, 100]


def main(argv):
    n_frames = int(argv[2]) if len(argv) > 2 else 2000
    torch.set_num_threads(int(argv[3]) if len(argv) > 3 else 1)
    group = re.compile(argv[4]) if len(argv) > 4 else STACK
    ck = torch.load(argv[0], map_location="cpu")
    store = store_for(ck, argv[1].split(","))  # a clause model sees one clause
    _, model, sampler = load_for_eval(ck, store)
    rng = np.random.default_rng(0)
    valid = np.flatnonzero(store.aux[1][:, 0] > 0)
    frames = np.sort(rng.choice(valid, size=min(n_frames, len(valid)), replace=False))
    errs, dist, along, stack = [], [], [], []
    for i in range(0, len(frames), 256):
        b = to_device(sampler.batch(rng, 0, False, frames=frames[i:i + 256]), sampler, "cpu")
        with torch.no_grad():
            world = model.vision_goals(b["images"], b["input_ids"], b["attention_mask"], b["proprio"])
        err = (world - b["aux_tcp"] - b["aux"]).numpy()[:, 3:6] * GOAL_SCALE * 100  # cm, place point
        rel = b["aux"].numpy()[:, 3:5] * GOAL_SCALE * 100  # true place - tcp, cm
        d = np.hypot(rel[:, 0], rel[:, 1])
        u = rel / np.maximum(d, 1e-6)[:, None]
        errs.append(np.hypot(err[:, 0], err[:, 1]))
        stack.append(np.array([bool(group.search(store.texts[t])) for t in store.frame_text[frames[i:i + 256]]]))
        dist.append(d)
        along.append(-(err[:, 0] * u[:, 0] + err[:, 1] * u[:, 1]))  # >0: predicted nearer the gripper
    errs, dist, along, stack = (np.concatenate(x) for x in (errs, dist, along, stack))
    print(f"# {argv[0]} on {argv[1]}: {len(frames)} labelled frames")
    for name, part in (("matching", stack), ("other", ~stack)):
        for lo, hi in zip(BINS_CM[:-1], BINS_CM[1:]):
            sel = part & (dist >= lo) & (dist < hi)
            if not sel.any():
                continue
            e = errs[sel]
            print(f"{name:8s} gripper-to-place xy {lo:3d}-{hi:3d} cm  frames {sel.sum():5d}  place xy error median {np.median(e):5.2f} cm  "
                  f"p90 {np.percentile(e, 90):5.2f} cm  short-by mean {along[sel].mean():+5.2f} cm")


if __name__ == "__main__":
    main(sys.argv[1:])
