"""How well a model with the training-only yaw head (config aux_yaw) reads the yaw the gripper
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
from training.data import CAMERA_KEYS, _load_source, images_to_model
from training.model import VLA
from training.tokenizer import Tokenizer


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
        demos, _ = _load_source(p)
        y, v = goals.demo_yaw_targets(demos, p, cfg.goal_order)
        from training import subtasks
        texts, imgs, prop = [], {c: [] for c in cfg.cameras}, []
        for d in demos:
            clauses = subtasks.split_instruction(d["instruction"]) if cfg.goal_order == "clause" else [d["instruction"]]
            k = subtasks.clause_indices(np.asarray(d["proprio"])[:, -1], len(clauses)) if len(clauses) > 1 else np.zeros(len(d["actions"]), int)
            texts += [clauses[i] for i in k]
            for c in cfg.cameras:
                imgs[c].append(d[CAMERA_KEYS[c]])
            prop.append(np.asarray(d["proprio"], np.float64))
        imgs = {c: np.concatenate(a) for c, a in imgs.items()}
        prop = np.concatenate(prop)
        f = rng.choice(np.flatnonzero(v > 0), min(per_file, int((v > 0).sum())), replace=False)
        preds = []
        with torch.no_grad():
            for s in range(0, len(f), 64):
                ff = f[s:s + 64]
                enc = [tok.encode(texts[i]) for i in ff]
                ids = torch.tensor([e[0] for e in enc]); mask = torch.tensor([e[1] for e in enc])
                ims = [images_to_model(torch.from_numpy(imgs[c][ff]), torch.ones(len(ff), 2), st["image_mean"], st["image_std"])
                       for c in cfg.cameras]
                pr = torch.from_numpy(((prop[ff] - np.array(st["proprio_mean"])) / np.array(st["proprio_std"])).astype(np.float32))
                state = model.encode_prefix(ims, ids, mask, pr, return_state=True)[3]
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
