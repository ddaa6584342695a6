"""Session-9 gate: does the VLA's own vision (FiLM convs + keypoints) with the keypoint goal head
(model --aux_source=keypoints) find the named object at the home pose on layouts it never saw?
Scores a checkpoint (from `training.train --aux_only` or a full run) on frame 0 of every demo of
a held-out file: correlation x / y and mean error (cm) of goal 0's pick point relative to the
gripper, the same numbers as layout_probe_session8.py (held out: data/object-l22.hdf5).

usage: python3 reports/probes/kp_head_probe_session9.py CKPT [DATA.hdf5] [THREADS]
Prints one JSON line."""
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.config import ModelConfig, apply_overrides  # noqa: E402
from training.data import ChunkSampler, FrameStore  # noqa: E402
from training.model import VLA  # noqa: E402
from training.tokenizer import Tokenizer  # noqa: E402
from training.train import to_device  # noqa: E402

ckpt = sys.argv[1]
data = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "data/object-l22.hdf5")
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
ck = torch.load(ckpt, map_location="cpu")
cfg = apply_overrides(ModelConfig(), ck["config"])
model = VLA(cfg).eval()
model.load_state_dict(ck["model"])
store = FrameStore([data], aux_goals=cfg.aux_goals)
tok = Tokenizer(ck["tokenizer"])
s = ChunkSampler(store, list(range(len(store.demo_len))), tok, cfg.chunk_len, cfg.bins, ck["stats"], cfg.cameras)
f = store.demo_start
preds = []
with torch.no_grad():
    for i in range(0, len(f), 200):
        b = to_device(s.batch(np.random.default_rng(0), 0, augment=False, frames=f[i:i + 200]), s, "cpu")
        preds.append((model.vision_goals(b["images"], b["input_ids"], b["attention_mask"]) - b["aux_tcp"]).numpy())
p, y = np.concatenate(preds)[:, :2], store.aux[0][f, :2]
print(json.dumps({"checkpoint": ckpt, "step": ck["step"], "data": os.path.basename(data), "frames": len(f),
                  "held_corr": [round(float(np.corrcoef(p[:, k], y[:, k])[0, 1]), 3) for k in (0, 1)],
                  "held_cm": round(float(np.linalg.norm(p - y, axis=1).mean() * 10), 2),
                  "config": {k: ck["config"].get(k) for k in ("vision_init", "aux_source", "film", "keypoints")},
                  "train": {k: ck["train_config"].get(k) for k in ("steps", "batch_size", "lr", "weight_decay", "data")}}))
