"""Session-8 probe of the VLA's own prefix: can training/model.py's VLA (FiLM + keypoint vision,
transformer, auxiliary head at block `aux_layer`) learn to find the named object at the home pose
when it is trained on layouts alone (aux loss on the pick x, y only, no actions)? The same data and
score as layout_probe_session8.py (train data/object-l21.hdf5 frame 0, held out data/object-l22.hdf5).

usage: python3 reports/probes/vla_path_probe_session8.py AUX_LAYER STEPS [THREADS] [kp_init]
  kp_init: start the keypoint MLP's last layer like every other weight (N(0, 0.02)), not at zero
Prints one JSON line every 250 steps."""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.config import ModelConfig, apply_overrides  # noqa: E402
from training.data import FrameStore, random_shift  # noqa: E402
from training.model import VLA  # noqa: E402
from training.tokenizer import build_tokenizer  # noqa: E402

aux_layer, steps = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
torch.backends.mkldnn.enabled = False  # as train.py on the CPU
train = FrameStore([os.path.join(ROOT, "data/object-l21.hdf5")], aux_goals=1)
test = FrameStore([os.path.join(ROOT, "data/object-l22.hdf5")], aux_goals=1)
tok = build_tokenizer(sorted(set(train.instructions) | set(test.instructions)), max_length=24)
cfg = apply_overrides(ModelConfig(), {"vision_channels": [16, 32, 32, 32], "vision_strides": [2, 1, 2, 1], "patch_pool": 4,
                                      "keypoints": 8, "keypoint_layer": 4, "film": 1, "n_layer": 4, "max_instr_len": 24,
                                      "aux_goals": 1, "aux_layer": aux_layer, "proprio_drop": [0, 1],
                                      "instr_vocab_size": tok.vocab_size})
stats = train.image_stats()
mean, std = torch.tensor(stats["image_mean"])[None, :, None, None], torch.tensor(stats["image_std"])[None, :, None, None]


def inputs(store, f, rng=None):
    ims = []
    for c in cfg.cameras:
        x = store.images[c][f]
        if rng is not None:
            x = random_shift(x, rng)
        ims.append((torch.from_numpy(x).permute(0, 3, 1, 2).float() / 255 - mean) / std)
    enc = [tok.encode(store.instructions[d]) for d in store.demo_of[f]]
    ids = torch.tensor([e[0] for e in enc])
    am = torch.tensor([e[1] for e in enc])
    return ims, ids, am, torch.zeros(len(f), cfg.proprio_dim)


def predict(model, store, f, rng=None):
    ims, ids, am, pr = inputs(store, f, rng)
    _, _, hidden = model.encode_prefix(ims, ids, am, pr, return_hidden=True)
    return model.predict_goals(hidden)[:, :2]


torch.manual_seed(0)
model, rng = VLA(cfg), np.random.default_rng(0)
kp_init = "kp_init" in sys.argv[4:]
if kp_init:
    for v in model.vision:
        torch.nn.init.normal_(v.kp_mlp[2].weight, std=0.02)
opt = torch.optim.AdamW(model.parameters(), 1e-3, weight_decay=0.05)
tr_f, te_f = train.demo_start, test.demo_start
tr_y = torch.from_numpy(train.aux[0][tr_f, :2].astype(np.float32))
te_y = test.aux[0][te_f, :2]
t0 = time.time()
for s in range(steps):
    i = rng.integers(0, len(tr_f), 64)
    loss = F.smooth_l1_loss(predict(model, train, tr_f[i], rng), tr_y[i])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if (s + 1) % 250 == 0:
        model.eval()
        with torch.no_grad():
            p = np.concatenate([predict(model, test, te_f[k:k + 200]).numpy() for k in range(0, len(te_f), 200)])
        model.train()
        corr = [round(float(np.corrcoef(p[:, k], te_y[:, k])[0, 1]), 3) for k in (0, 1)]
        print(json.dumps({"probe": "vla_path", "aux_layer": aux_layer, "kp_init": kp_init, "step": s + 1, "loss": round(loss.item(), 4),
                          "held_corr": corr, "held_cm": round(float(np.linalg.norm(p - te_y, axis=1).mean() * 10), 2),
                          "s": round(time.time() - t0)}), flush=True)
