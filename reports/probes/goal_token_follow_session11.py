"""Session 11: does a goal_token policy follow its goal token? For a checkpoint with --goal_token=1
and every demo of a file, at fixed offsets into the demo, the one-shot chunk's mean dx, dy (bins)
against the expert's, twice: with the goal token the model computes (its keypoint head's points)
and with an oracle token built from the recorded object positions (the head's output replaced by
the truth in every slot that has a target; slots without one keep the head's output, which the
policy was trained on).
If the oracle row is good and the head row is not, the head is what fails; if both are poor, the
policy does not use the token.

Per offset and dx / dy: correlation with the expert over demos, mean |error| in bins, and the
ratio of mean |predicted| to mean |expert| motion (below 1: the chunk moves less than the expert,
the "stops short" failure seen in closed loop).

usage: python3 reports/probes/goal_token_follow_session11.py CKPT DATA.hdf5 [THREADS]"""
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.data import FrameStore, encode_actions  # noqa: E402
from training.diagnose import load_for_eval, one_shot  # noqa: E402
from training.train import to_device  # noqa: E402

OFFSETS = [0, 5, 10, 15, 20, 30]


class Fixed(torch.nn.Module):
    """Stands in for the keypoint head: returns the given world-frame points whatever it reads."""

    def __init__(self, points: torch.Tensor):
        super().__init__()
        self.points = points

    def forward(self, _features):
        return self.points


def load(argv):
    """CKPT DATA [THREADS] -> (store, cfg, model, sampler, the bins of a zero action)."""
    torch.set_num_threads(int(argv[2]) if len(argv) > 2 else 1)
    ck = torch.load(argv[0], map_location="cpu")
    store = FrameStore([argv[1]], aux_goals=int(ck["config"].get("aux_goals", 0)))
    cfg, model, sampler = load_for_eval(ck, store)
    assert cfg.goal_token, "needs a --goal_token=1 checkpoint"
    stats = ck["stats"]
    zero = encode_actions(np.zeros((1, cfg.action_dim)), stats["action_low"], stats["action_high"], cfg.bins)[0]
    return store, cfg, model, sampler, zero


def main(argv):
    store, cfg, model, sampler, zero = load(argv)
    head = model.aux_head
    rng = np.random.default_rng(0)
    out = {}
    for off in OFFSETS:
        fr = np.array([store.demo_start[d] + off for d in range(len(store.demo_len)) if store.demo_len[d] > off + 8])
        b = to_device(sampler.batch(rng, len(fr), False, frames=fr), sampler, "cpu")
        tgt = b["targets"].numpy().reshape(-1, cfg.chunk_len, cfg.action_dim)[:, :, :2].mean(1) - zero[:2]
        row = {"demos": int(len(fr))}
        with torch.no_grad():  # the oracle keeps the head's output where the slot has no target
            pred_world = model.vision_goals(b["images"], b["input_ids"], b["attention_mask"])
        oracle = torch.where(b["aux_valid"].bool(), b["aux"] + b["aux_tcp"], pred_world)
        for name, aux_head in (("head", head), ("oracle", Fixed(oracle))):
            model.aux_head = aux_head
            with torch.no_grad():
                cache, pmask = model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"], b["proprio"])
                pred = one_shot(model, cache, pmask)[:, :, :2].mean(1) - zero[:2]
            row[name] = {n: {"corr": round(float(np.corrcoef(pred[:, k], tgt[:, k])[0, 1]), 3),
                             "abs_err_bins": round(float(np.abs(pred[:, k] - tgt[:, k]).mean()), 1),
                             "motion_ratio": round(float(np.abs(pred[:, k]).mean() / max(1e-9, np.abs(tgt[:, k]).mean())), 2)}
                         for k, n in ((0, "dx"), (1, "dy"))}
        model.aux_head = head
        out[off] = row
        h, o = row["head"], row["oracle"]
        print(f"offset {off:3d}  demos {len(fr):3d}  head: dx corr {h['dx']['corr']:5.2f} err {h['dx']['abs_err_bins']:5.1f} "
              f"motion {h['dx']['motion_ratio']:4.2f}  dy {h['dy']['corr']:5.2f} {h['dy']['abs_err_bins']:5.1f} "
              f"{h['dy']['motion_ratio']:4.2f}  | oracle: dx {o['dx']['corr']:5.2f} {o['dx']['abs_err_bins']:5.1f} "
              f"{o['dx']['motion_ratio']:4.2f}  dy {o['dy']['corr']:5.2f} {o['dy']['abs_err_bins']:5.1f} "
              f"{o['dy']['motion_ratio']:4.2f}", flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
