"""How well a model with a yaw head (config aux_yaw, or the yaw CNN of goal_yaw) reads the yaw the gripper
still has to turn, on demos it was not trained on: mean |error| (degrees, folded to +-45) by the
true angle, against predicting "square already" (error = |true angle|).

    PYTHONPATH=. /usr/bin/python3 reports/probes/yaw_head_session35.py training/runs/yaw15/ckpt.pt \
        data/goal-sfd13.hdf5 data/long-sfd13.hdf5
"""
import sys

import numpy as np
import torch

from training import goals
from training.config import config_from_dict
from training.data import ChunkSampler, FrameStore
from training.model import VLA
from training.tokenizer import Tokenizer
from training.train import to_device


def main(ckpt_path, paths, per_file=1500, seed=0):
    ck = torch.load(ckpt_path, map_location="cpu")
    cfg = config_from_dict(ck["config"])
    model = VLA(cfg).eval()
    model.load_state_dict(ck["model"])
    tok, st = Tokenizer(ck["tokenizer"]), ck["stats"]
    model.set_proprio_stats(st["proprio_mean"], st["proprio_std"])
    rng = np.random.default_rng(seed)
    edges = [0, 5, 10, 20, 30, 46]
    for p in paths:
        # the training code's own path: the frame store's yaw targets, clause texts and batches
        store = FrameStore([p], aux_goals=cfg.aux_goals, goal_order=cfg.goal_order, aux_yaw=1)
        sampler = ChunkSampler(store, range(len(store.demo_len)), tok, cfg.chunk_len, cfg.bins, st, cfg.cameras)
        y, v = store.yaw
        prop = store.proprio
        f = rng.choice(np.flatnonzero(v > 0), min(per_file, int((v > 0).sum())), replace=False)
        preds = []
        with torch.no_grad():
            for s in range(0, len(f), 64):
                b = to_device(sampler.batch(rng, 0, augment=False, frames=f[s:s + 64]), sampler, "cpu")
                state = model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"], b["proprio"], return_state=True)[3]
                preds.append(model.predict_yaw(state).numpy())
        pred = np.concatenate(preds)
        true = np.degrees(np.arctan2(y[f, 0], y[f, 1])) / goals.YAW_FOLD
        got = np.degrees(np.arctan2(pred[:, 0], pred[:, 1])) / goals.YAW_FOLD
        err = np.abs((got - true + 45) % 90 - 45)
        closed = prop[f, 7] < goals.HELD_OPENING
        print(f"{p}: {len(f)} frames with a cube to turn to; mean |error| {err.mean():.1f} deg "
              f"(predicting 0: {np.abs(true).mean():.1f}); open gripper {err[~closed].mean():.1f} vs {np.abs(true[~closed]).mean():.1f}")
        for lo, hi in zip(edges, edges[1:]):
            sel = (np.abs(true) >= lo) & (np.abs(true) < hi)
            if sel.any():
                same_sign = np.mean(np.sign(got[sel]) == np.sign(true[sel]))
                print(f"  |true| {lo:2d}-{hi:2d} deg: n {sel.sum():4d}  mean |error| {err[sel].mean():5.1f}  "
                      f"(predicting 0: {np.abs(true[sel]).mean():5.1f})  sign right {same_sign:.2f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
