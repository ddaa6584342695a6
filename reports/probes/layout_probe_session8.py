"""Session-8 vision probe: does the number of distinct layouts decide whether the home-pose view
finds the named object? Regress the target's pick x, y (training/goals.py units, relative to the
TCP) from frame 0 (both cameras) given the task, trained on N layouts of data/object-l21.hdf5 and
scored on the unseen layouts of data/object-l22.hdf5 (both from `npm run collect -- --suite object
--max-steps 1 --keep-failed`, goals sidecars from `npm run dataset:goals`).

usage: python3 reports/probes/layout_probe_session8.py VARIANT N_LAYOUTS STEPS [THREADS]
  VARIANT: stem   -- the VLA's conv stem (4 stride-2 convs [16,32,64,64]), flatten, MLP
           tokens -- the same stem as 2 x 16 grid tokens + a task token through a 2-layer
                     transformer, read at the task token (the VLA's prefix in miniature)
           filmkp -- task-FiLM convs (strides 2,1,2,1) + 4 spatial-softmax keypoints per camera
Prints one JSON line every 500 steps."""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.data import FrameStore, random_shift  # noqa: E402
from training.model import SpatialSoftmax  # noqa: E402

variant, n_layouts, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
CAMS = ["agentview", "wrist"]
train = FrameStore([os.path.join(ROOT, "data/object-l21.hdf5")], aux_goals=1)
test = FrameStore([os.path.join(ROOT, "data/object-l22.hdf5")], aux_goals=1)
TASKS = sorted(set(train.task_ids))


def frame0(store, n=None):
    """Frame 0 of the first n demos of each task (balanced), as global frame indices + task ids."""
    tix = np.array([TASKS.index(t) for t in store.task_ids])
    keep = np.concatenate([np.where(tix == k)[0][: (n // len(TASKS) if n else None)] for k in range(len(TASKS))])
    return store.demo_start[keep], tix[keep]


tr_f, tr_t = frame0(train, n_layouts)
te_f, te_t = frame0(test)
tr_y = torch.from_numpy(train.aux[0][tr_f, :2].astype(np.float32))
te_y = test.aux[0][te_f, :2]


def stem(ch=(16, 32, 64, 64)):
    layers, c = [], 3
    for o in ch:
        layers += [nn.Conv2d(c, o, 3, 2, 1), nn.GELU()]
        c = o
    return nn.Sequential(*layers)


class FiLMKp(nn.Module):
    """Task-FiLM convs, then K heatmaps -> soft-argmax (training/model.py SpatialSoftmax)."""

    def __init__(self, ch=(16, 32, 32, 32), strides=(2, 1, 2, 1), k=4):
        super().__init__()
        self.convs, self.films, c = nn.ModuleList(), nn.ModuleList(), 3
        for o, st in zip(ch, strides):
            self.convs.append(nn.Conv2d(c, o, 3, st, 1))
            self.films.append(nn.Linear(128, 2 * o))
            nn.init.zeros_(self.films[-1].weight)
            nn.init.zeros_(self.films[-1].bias)
            c = o
        self.kp = SpatialSoftmax(c, k, 64 // int(np.prod(strides)))
        self.kp.reset_parameters()
        self.out = nn.Sequential(nn.Linear(2 * k, 128), nn.GELU())

    def forward(self, x, temb):
        for conv, film in zip(self.convs, self.films):
            g, b = film(temb).chunk(2, 1)
            x = F.gelu(conv(x) * (1 + g[:, :, None, None]) + b[:, :, None, None])
        return self.out(self.kp(x))


class Probe(nn.Module):
    def __init__(self):
        super().__init__()
        self.task = nn.Embedding(len(TASKS), 128)
        if variant == "stem":
            self.enc = nn.ModuleList([nn.Sequential(stem(), nn.Flatten(), nn.Linear(64 * 16, 128), nn.GELU()) for _ in CAMS])
            width = 128 * (len(CAMS) + 1)
        elif variant == "tokens":
            self.enc = nn.ModuleList([stem() for _ in CAMS])
            self.proj = nn.Linear(64, 128)
            self.pos = nn.Parameter(torch.randn(len(CAMS) * 16, 128) * 0.02)
            layer = nn.TransformerEncoderLayer(128, 4, 512, 0.0, batch_first=True, norm_first=True)
            self.tf = nn.TransformerEncoder(layer, 2)
            width = 128
        elif variant == "filmkp":
            self.enc = nn.ModuleList([FiLMKp() for _ in CAMS])
            width = 128 * (len(CAMS) + 1)
        else:
            raise SystemExit(f"unknown variant {variant}")
        self.head = nn.Sequential(nn.Linear(width, 256), nn.GELU(), nn.Linear(256, 2))

    def forward(self, ims, t):
        te = self.task(t)
        if variant == "tokens":
            toks = torch.cat([e(x).flatten(2).transpose(1, 2) for e, x in zip(self.enc, ims)], 1)
            h = self.tf(torch.cat([te[:, None], self.proj(toks) + self.pos], 1))
            return self.head(h[:, 0])
        feats = [e(x, te) if variant == "filmkp" else e(x) for e, x in zip(self.enc, ims)]
        return self.head(torch.cat(feats + [te], 1))


def images(store, f, rng=None):
    out = []
    for c in CAMS:
        x = store.images[c][f]
        if rng is not None:
            x = random_shift(x, rng)
        out.append(torch.from_numpy(x).permute(0, 3, 1, 2).float() / 127.5 - 1)
    return out


def score(model, store, f, t, y):
    model.eval()
    with torch.no_grad():
        p = np.concatenate([model(images(store, f[i:i + 256]), torch.from_numpy(t[i:i + 256])).numpy()
                            for i in range(0, len(f), 256)])
    model.train()
    corr = [round(float(np.corrcoef(p[:, k], y[:, k])[0, 1]), 3) for k in (0, 1)]
    return corr, round(float(np.linalg.norm(p - y, axis=1).mean() * 10), 2)  # mean error, cm


torch.manual_seed(0)
model, rng = Probe(), np.random.default_rng(0)
opt = torch.optim.AdamW(model.parameters(), 1e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, 1e-3, total_steps=steps, pct_start=0.05)
t0 = time.time()
for s in range(steps):
    i = rng.integers(0, len(tr_f), 64)
    loss = F.smooth_l1_loss(model(images(train, tr_f[i], rng), torch.from_numpy(tr_t[i])), tr_y[i])
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if (s + 1) % 500 == 0 or s + 1 == steps:
        k = np.random.default_rng(1).choice(len(tr_f), min(600, len(tr_f)), replace=False)  # all tasks
        print(json.dumps({"variant": variant, "layouts": len(tr_f), "step": s + 1, "loss": round(loss.item(), 4),
                          "train_corr_cm": score(model, train, tr_f[k], tr_t[k], tr_y[k].numpy()),
                          "held_corr_cm": score(model, test, te_f, te_t, te_y), "s": round(time.time() - t0)}), flush=True)
