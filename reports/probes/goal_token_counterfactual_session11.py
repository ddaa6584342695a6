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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.data import FrameStore, encode_actions  # noqa: E402
from training.diagnose import load_for_eval, one_shot  # noqa: E402
from training.train import to_device  # noqa: E402

OFFSETS = [0, 5, 10, 15]


class Fixed(torch.nn.Module):
    """Stands in for the keypoint head: returns the given world-frame points whatever it reads."""

    def __init__(self, points: torch.Tensor):
        super().__init__()
        self.points = points

    def forward(self, _features):
        return self.points


def main(argv):
    torch.set_num_threads(int(argv[2]) if len(argv) > 2 else 1)
    ck = torch.load(argv[0], map_location="cpu")
    store = FrameStore([argv[1]], aux_goals=int(ck["config"].get("aux_goals", 0)))
    cfg, model, sampler = load_for_eval(ck, store)
    assert cfg.goal_token, "needs a --goal_token=1 checkpoint"
    stats, head = ck["stats"], model.aux_head
    zero = encode_actions(np.zeros((1, cfg.action_dim)), stats["action_low"], stats["action_high"], cfg.bins)[0]
    for off in OFFSETS:
        fr = np.array([store.demo_start[d] + off for d in range(len(store.demo_len)) if store.demo_len[d] > off + 8])
        b = to_device(sampler.batch(np.random.default_rng(0), len(fr), False, frames=fr), sampler, "cpu")
        tgt = np.abs(b["targets"].numpy().reshape(-1, cfg.chunk_len, cfg.action_dim)[:, :, :2].mean(1) - zero[:2]).mean(0)
        with torch.no_grad():
            world = head(model.aux_features(model.encode_vision(b["images"], b["input_ids"], b["attention_mask"])[1],
                                            b["input_ids"], b["attention_mask"]))
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
