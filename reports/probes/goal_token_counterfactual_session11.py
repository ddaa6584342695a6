"""Session 11: what sets how far a goal_token policy moves in x, y? On every demo of a file, at
fixed offsets, the one-shot chunk's mean |dx|, |dy| as a fraction of the expert's, three ways:
as recorded; with the goal token's points moved twice as far from the gripper (as if the arm were
short of the object); with the proprio z raised to the highest z in the batch (the home height).
If the policy read the distance from the token, the second row would move; if it times its stop
by its height (the expert descends while it travels), the third does.

usage: python3 reports/probes/goal_token_counterfactual_session11.py CKPT DATA.hdf5 [THREADS]"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from goal_token_follow_session11 import Fixed, load  # noqa: E402
from training.diagnose import one_shot  # noqa: E402
from training.train import to_device  # noqa: E402  (goal_token_follow_session11 puts the repo on the path)

OFFSETS = [0, 5, 10, 15]


def main(argv):
    store, cfg, model, sampler, zero = load(argv)
    head = model.aux_head
    for off in OFFSETS:
        fr = np.array([store.demo_start[d] + off for d in range(len(store.demo_len)) if store.demo_len[d] > off + 8])
        b = to_device(sampler.batch(np.random.default_rng(0), len(fr), False, frames=fr), sampler, "cpu")
        tgt = np.abs(b["targets"].numpy().reshape(-1, cfg.chunk_len, cfg.action_dim)[:, :, :2].mean(1) - zero[:2]).mean(0)
        with torch.no_grad():
            world = model.vision_goals(b["images"], b["input_ids"], b["attention_mask"])
        tcp, home = b["aux_tcp"], b["proprio"].clone()
        home[:, 2] = float(b["proprio"][:, 2].max())
        row = {}
        for name, points, proprio in (("as recorded", world, b["proprio"]),
                                      ("goal 2x farther", tcp + 2 * (world - tcp), b["proprio"]),
                                      ("z at home height", world, home)):
            model.aux_head = Fixed(points)
            with torch.no_grad():
                cache, pmask = model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"], proprio)
                pred = np.abs(one_shot(model, cache, pmask)[:, :, :2].mean(1) - zero[:2]).mean(0)
            row[name] = " / ".join(f"{v:.2f}" for v in pred / tgt)
        model.aux_head = head
        print(f"offset {off:3d}  demos {len(fr):3d}  expert |dx| / |dy| {tgt[0]:.1f} / {tgt[1]:.1f} bins;  predicted / expert: "
              + ";  ".join(f"{k} {v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
