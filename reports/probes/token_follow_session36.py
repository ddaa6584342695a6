"""Session 36: does the policy steer by its goal token while it carries a cube to a base? On frames
of the cube-on-cube clause where a cube is held (gripper label closed) and the gripper is 2-15 cm
(xy) from the destination, the one-shot chunk's mean (dx, dy) is compared with the direction to the
true destination, three ways: the goal token as the model computes it (the keypoint head's points);
with the recorded (oracle) points in its place; with the place point mirrored through the gripper
(pointing the wrong way). If the policy steered by the token, the oracle would raise the cosine and
the mirror would turn it negative. The expert's labels on the same frames (DAgger files: what it
would do from there) are the reference.

usage: python3 reports/probes/token_follow_session36.py CKPT DATA.hdf5[,MORE.hdf5] [THREADS]"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from place_error_session36 import STACK  # noqa: E402  (puts the repo on the path)
from training.data import encode_actions  # noqa: E402
from training.diagnose import load_for_eval, one_shot, store_for  # noqa: E402
from training.goals import GOAL_SCALE  # noqa: E402
from training.train import to_device  # noqa: E402


def main(argv):
    torch.set_num_threads(int(argv[2]) if len(argv) > 2 else 1)
    ck = torch.load(argv[0], map_location="cpu")
    store = store_for(ck, argv[1].split(","))  # a clause model sees one clause
    cfg, model, sampler = load_for_eval(ck, store)
    stats = ck["stats"]
    zero = encode_actions(np.zeros((1, cfg.action_dim)), stats["action_low"], stats["action_high"], cfg.bins)[0]
    grip = cfg.action_dim - 1
    rng = np.random.default_rng(0)
    valid = np.flatnonzero(store.aux[1][:, 3] > 0)
    stack = np.array([bool(STACK.search(store.texts[t])) for t in store.frame_text[valid]])
    cand = valid[stack]
    rel = store.aux[0][cand][:, 3:5] * GOAL_SCALE  # true place - tcp, metres
    d = np.hypot(rel[:, 0], rel[:, 1])
    held = sampler.chunk_targets(cand).reshape(-1, cfg.chunk_len, cfg.action_dim)[:, 0, grip] > zero[grip]
    keep = np.flatnonzero(held & (d > 0.02) & (d < 0.15))
    keep = np.sort(rng.choice(keep, size=min(600, len(keep)), replace=False))
    frames = cand[keep]
    real_head = model.goal_head
    cos = {"head's points": [], "recorded points": [], "place mirrored": [], "expert's labels": []}
    for i in range(0, len(frames), 200):
        b = to_device(sampler.batch(rng, 0, False, frames=frames[i:i + 200]), sampler, "cpu")
        u = b["aux"].numpy()[:, 3:5]
        u = u / np.maximum(np.hypot(u[:, 0], u[:, 1]), 1e-9)[:, None]
        with torch.no_grad():
            head_world = model.vision_goals(b["images"], b["input_ids"], b["attention_mask"], b["proprio"])
        oracle = head_world.clone()
        ok = b["aux_valid"] > 0
        oracle[ok] = (b["aux_tcp"] + b["aux"])[ok]
        mirror = head_world.clone()
        mirror[:, 3:5] = 2 * b["aux_tcp"][:, 3:5] - head_world[:, 3:5]
        label = b["targets"].numpy().reshape(-1, cfg.chunk_len, cfg.action_dim)[:, :, :2].mean(1) - zero[:2]
        for name, pts in (("head's points", head_world), ("recorded points", oracle), ("place mirrored", mirror),
                          ("expert's labels", None)):
            if pts is None:
                a = label
            else:
                model.goal_head = lambda f, pts=pts: pts  # noqa: E731
                with torch.no_grad():
                    cache, pmask = model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"], b["proprio"])
                    a = one_shot(model, cache, pmask)[:, :, :2].mean(1) - zero[:2]
                model.goal_head = real_head
            n = np.hypot(a[:, 0], a[:, 1])  # 0: a still chunk, no direction (nan)
            cos[name].append(np.where(n > 0, (a[:, 0] * u[:, 0] + a[:, 1] * u[:, 1]) / np.maximum(n, 1e-9), np.nan))
    print(f"# {argv[0]} on {argv[1]}: {len(frames)} frames (cube-on-cube clause, cube held, 2-15 cm from the destination)")
    for name, v in cos.items():
        v = np.concatenate(v)
        print(f"{name:16s} cosine of the chunk's mean (dx, dy) with the true direction: mean {np.nanmean(v):+.2f}, "
              f"share > 0.7 {np.nanmean(v > 0.7):.2f}, still chunks {np.isnan(v).mean():.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
