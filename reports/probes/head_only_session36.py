"""Session 36: can the default's keypoint goal head find the yellow cube with its vision frozen? It
caches the head's inputs (aux_features: each camera's keypoint token, the instruction vector, the
gripper position) from the checkpoint's frozen vision on TRAIN files, refits only the head
(model.GOAL_HEAD_PARAMS; Adam, batch 256), and prints the xy error of goal slot 0's place and pick
points on TEST files, for the clauses that put a cube on a cube ("stack") apart from the rest,
before and during the refit. If the error falls, the keypoints already hold the position and only
the head had not learnt it; training --aux_only --head_only does that on the full data.

usage: [LR=1e-3] [CKPT=training/runs/dag10/ckpt.pt] python3 reports/probes/head_only_session36.py TRAIN.hdf5[,..] TEST.hdf5[,..] FRAMES STEPS
output of the run in training/recipes.md (round 17): reports/probes/head-only-session36.txt"""
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from place_error_session36 import STACK  # noqa: E402  (puts the repo on the path)
from training.diagnose import load_for_eval, store_for  # noqa: E402
from training.goals import GOAL_SCALE, goal_loss  # noqa: E402
from training.model import GOAL_HEAD_PARAMS  # noqa: E402
from training.train import to_device  # noqa: E402


def features(ck, files, n, seed):
    """(model, head inputs, aux targets, aux valid, aux tcp, stack-clause mask) on n labelled frames."""
    store = store_for(ck, files)
    _, model, sampler = load_for_eval(ck, store)
    rng = np.random.default_rng(seed)
    valid = np.flatnonzero(store.aux[1][:, 0] > 0)
    fr = np.sort(rng.choice(valid, size=min(n, len(valid)), replace=False))
    cols = [[] for _ in range(5)]
    for i in range(0, len(fr), 256):
        b = to_device(sampler.batch(rng, 0, False, frames=fr[i:i + 256]), sampler, "cpu")
        with torch.no_grad():
            instr, parts = model.encode_vision(b["images"], b["input_ids"], b["attention_mask"])
            f = model.aux_features(parts, b["input_ids"], b["attention_mask"], instr, b["proprio"])
        stack = torch.tensor([bool(STACK.search(store.texts[t])) for t in store.frame_text[fr[i:i + 256]]])
        for col, x in zip(cols, (f, b["aux"], b["aux_valid"], b["aux_tcp"], stack)):
            col.append(x)
    return (model, *(torch.cat(col) for col in cols))


def report(tag, model, F, A, T, S):
    with torch.no_grad():
        off = (model.goal_head(F) - T - A).numpy() * GOAL_SCALE * 100  # cm, pick xyz then place xyz
    place, pick = np.hypot(off[:, 3], off[:, 4]), np.hypot(off[:, 0], off[:, 1])
    d = (A[:, 3:5].norm(dim=1) * GOAL_SCALE * 100).numpy()
    s = S.numpy()
    for name, m in (("stack", s), ("other", ~s)):
        near = m & (d < 5)
        print(f"{tag} {name}: place xy median {np.median(place[m]):.2f} cm (within 5 cm of place: "
              f"{np.median(place[near]) if near.any() else float('nan'):.2f}, n {near.sum()}), "
              f"pick median {np.median(pick[m]):.2f}", flush=True)


def main(argv):
    torch.set_num_threads(2)
    ck = torch.load(os.environ.get("CKPT", "training/runs/dag10/ckpt.pt"), map_location="cpu")
    steps = int(argv[3])
    t0 = time.time()
    model, Ftr, Atr, Vtr, Ttr, Str = features(ck, argv[0].split(","), int(argv[2]), 0)
    _, Fte, Ate, _, Tte, Ste = features(ck, argv[1].split(","), 3000, 1)
    print("features", Ftr.shape, Fte.shape, f"{time.time() - t0:.0f}s", "stack frac", Str.float().mean().item(), flush=True)
    report("before", model, Fte, Ate, Tte, Ste)
    params = [p for n, p in model.named_parameters() if n.startswith(GOAL_HEAD_PARAMS)]
    print("head params", sum(p.numel() for p in params))
    opt = torch.optim.Adam(params, lr=float(os.environ.get("LR", "1e-3")))
    rng = np.random.default_rng(0)
    for step in range(steps):
        i = torch.from_numpy(rng.integers(0, len(Ftr), 256))
        loss = goal_loss(model, {"aux": Atr[i], "aux_valid": Vtr[i], "aux_tcp": Ttr[i]}, model.goal_head(Ftr[i]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % max(1, steps // 4) == 0:
            print("step", step + 1, "loss", round(loss.item(), 4))
            report(f"step{step + 1}", model, Fte, Ate, Tte, Ste)


if __name__ == "__main__":
    main(sys.argv[1:])
