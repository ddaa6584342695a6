"""Can the 64 x 64 wrist frames show the yaw the gripper still has to turn? A small CNN of its own
(no policy, no instruction) regresses sin, cos of 4 x (cube yaw - gripper yaw) (training/goals.py
yaw_targets) from the wrist frame alone, on open-gripper frames with the target cube within 4 cm
(xy) of the TCP; trained on some files, measured on others.

    PYTHONPATH=. /usr/bin/python3 reports/probes/yaw_cnn_session35.py --train data/spatial-dag12.hdf5,... \
        --test data/goal-sfd13.hdf5,data/long-sfd13.hdf5 [--steps 1500]
"""
import argparse
import time

import numpy as np
import torch
import torch.nn as nn

from training import goals
from training.data import _load_source


def frames(paths, near=0.04):
    X, Y = [], []
    for p in paths:
        demos, _ = _load_source(p)
        side = goals.load_goals(p)
        for d in demos:
            g = side[d["name"]]
            y, v = goals.yaw_targets(g["goals"], g["objects"], d["states"], d["joint_states"].shape[1], d["proprio"], "clause")
            pr = np.asarray(d["proprio"])
            pos = goals.object_positions(np.asarray(d["states"]), d["joint_states"].shape[1], len(g["objects"]))
            # the slot-0 cube: nearest cube in xy among the goals' pick objects (enough for selection)
            picks = [g["objects"].index(x["top"] if x["type"] == "stacked" else x["object"]) for x in g["goals"]]
            dist = np.min([np.hypot(*(pos[:, i, :2] - pr[:, :2]).T) for i in picks], axis=0)
            sel = (v > 0) & (pr[:, 7] > 0.075) & (dist < near)
            X.append(d["eye_in_hand_rgb"][sel]); Y.append(y[sel])
    return np.concatenate(X), np.concatenate(Y).astype(np.float32)


class Net(nn.Module):
    def __init__(self, ch=(32, 64, 64, 128), hidden=128):
        super().__init__()
        layers, c0 = [], 3
        for c, s in zip(ch, [2, 1, 2, 2]):
            layers += [nn.Conv2d(c0, c, 3, s, 1), nn.GELU()]
            c0 = c
        self.conv = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(ch[-1] * 8 * 8, hidden), nn.GELU(), nn.Linear(hidden, 2))

    def forward(self, x):
        return self.head(self.conv(x))


def err_deg(pred, y):
    a = np.degrees(np.arctan2(pred[:, 0], pred[:, 1])) / 4
    t = np.degrees(np.arctan2(y[:, 0], y[:, 1])) / 4
    return np.abs((a - t + 45) % 90 - 45), np.abs(t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--channels", default="32,64,64,128")
    ap.add_argument("--hidden", type=int, default=128)
    a = ap.parse_args()
    torch.manual_seed(0); torch.set_num_threads(2)
    t0 = time.time()
    Xtr, Ytr = frames(a.train.split(","))
    Xte, Yte = frames(a.test.split(","))
    print(f"frames: train {len(Xtr)}, test {len(Xte)} (loaded in {time.time() - t0:.0f} s)", flush=True)
    to = lambda x: torch.from_numpy(x).permute(0, 3, 1, 2).float() / 255.0 - 0.5  # noqa: E731
    net = Net(tuple(int(c) for c in a.channels.split(",")), a.hidden)
    print(f"{sum(p.numel() for p in net.parameters()):,} parameters", flush=True)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    rng = np.random.default_rng(0)
    for step in range(1, a.steps + 1):
        i = rng.integers(0, len(Xtr), 64)
        loss = ((net(to(Xtr[i])) - torch.from_numpy(Ytr[i])) ** 2).sum(1).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        if step % 250 == 0 or step == a.steps:
            with torch.no_grad():
                pte = np.concatenate([net(to(Xte[s:s + 256])).numpy() for s in range(0, len(Xte), 256)])
                ptr = np.concatenate([net(to(Xtr[s:s + 256])).numpy() for s in range(0, min(len(Xtr), 2048), 256)])
            e, base = err_deg(pte, Yte)
            etr, btr = err_deg(ptr, Ytr[:len(ptr)])
            print(f"step {step}: loss {loss.item():.3f}; train |err| {etr.mean():.1f} (predicting 0: {btr.mean():.1f}); "
                  f"test |err| {e.mean():.1f} deg (predicting 0: {base.mean():.1f}), median {np.median(e):.1f}; "
                  f"{time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
