"""Session 10: is the keypoint goal head still right once the arm moves? For a checkpoint with
aux_source "keypoints" and every demo of a file, at fixed offsets into the demo: median xy error
(cm) of goal 0's pick and place points (the head's world-frame output vs the recorded object
positions), beside the median true distance from gripper to pick (how far the expert still has to
go). Correlations (training.diagnose --look-at) shrink as that distance does, so errors in cm are
the number to read mid-episode.

usage: python3 reports/probes/head_error_along_episode_session10.py CKPT DATA.hdf5 [THREADS]
Prints one line per offset."""
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

OFFSETS = [0, 10, 20, 30, 45, 60, 80]


def main(argv):
    torch.set_num_threads(int(argv[2]) if len(argv) > 2 else 1)
    ck = torch.load(argv[0], map_location="cpu")
    store = FrameStore([argv[1]], aux_goals=int(ck["config"].get("aux_goals", 0)))
    _, model, sampler = load_for_eval(ck, store)
    rng = np.random.default_rng(0)
    for off in OFFSETS:
        fr = np.array([store.demo_start[d] + off for d in range(len(store.demo_len)) if store.demo_len[d] > off + 8])
        b = to_device(sampler.batch(rng, len(fr), False, frames=fr), sampler, "cpu")
        with torch.no_grad():
            world = model.vision_goals(b["images"], b["input_ids"], b["attention_mask"], b["proprio"])
        err = (world - b["aux_tcp"] - b["aux"]).numpy() * GOAL_SCALE * 100  # cm
        pick, place = np.hypot(err[:, 0], err[:, 1]), np.hypot(err[:, 3], err[:, 4])
        dist = np.hypot(b["aux"][:, 0].numpy(), b["aux"][:, 1].numpy()) * GOAL_SCALE * 100
        print(f"offset {off:3d}  demos {len(fr):3d}  pick xy error median {np.median(pick):5.1f} cm  "
              f"place {np.median(place):5.1f} cm  gripper-to-pick distance median {np.median(dist):5.1f} cm")


if __name__ == "__main__":
    main(sys.argv[1:])
