"""Export K trained checkpoints of one model as one browser model that decodes with all of them (a
product of experts): models/<name>/{encoder.onnx, decoder.onnx, manifest.json, tokenizer.json}.

  /usr/bin/python3 -m training.ensemble --checkpoints training/runs/pg18/ckpt.pt,training/runs/pgd18/ckpt.pt \
      --out models/vla-ens20 --name vla-ens20 --rounds 4 --execute-steps 4 --subtasks --keep-when-still \
      [--weights 0.5,0.5] [--fixtures tests/fixtures/vla-ens20]

Why: runs of one model warm-started from one checkpoint win on different tasks, and averaging their
weights (training/soup.py) trades one suite against another (training/recipes.md, rounds 10-19).
An ensemble keeps every member's weights and combines their predictions instead.

How, within the model contract (models/README.md) and with no change to the runtime:
- the encoder graph runs each member's encoder on the same inputs and stacks their key/value caches
  along the layer axis, so the manifest's cache.layers is K x n_layer;
- the decoder graph gives each member its slice of the cache and returns the weighted mean of the
  members' log-softmax over the 257 tokens as "logits". Softmax of that is the normalised weighted
  geometric mean of the members' distributions, so every decoder (DD, one-shot, AR) ranks and
  commits tokens on what the members agree on.
Invariants: the members are one model's checkpoints (training.soup.check_members: tokenizer,
normalisation stats, config and weight shapes equal), so one manifest describes their inputs; the
prefix masks are the same for every member (same config, same instruction). Weights are
positive and normalised to sum 1. Cost: K times the encoder and decoder work per chunk, and
K times the ONNX size.
"""
import argparse
import os
from dataclasses import replace
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.config import config_from_dict
from training.export_onnx import add_decoding_args, decoding_from_args, export_model
from training.model import VLA
from training.soup import add_member_args, check_members, member_args, normalised
from training.tokenizer import Tokenizer


class Ensemble(nn.Module):
    """Duck-types the parts of VLA that export_onnx uses (cfg, encode_prefix, decode_same_batch,
    set_proprio_stats, num_params), so EncoderForExport/DecoderForExport export it unchanged."""

    def __init__(self, members: Sequence[VLA], weights: Sequence[float]):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.weights = normalised(list(weights), len(members))
        if min(self.weights) <= 0:  # 0 x the -inf mask logit would be NaN; such a member adds nothing
            raise ValueError(f"every member needs a positive weight (leave the others out), got {list(weights)}")
        base = members[0].cfg
        self.layers = [m.cfg.n_layer for m in members]
        self.cfg = replace(base, n_layer=sum(self.layers))  # what the manifest's cache describes

    def num_params(self) -> int:
        return sum(m.num_params() for m in self.members)

    def set_proprio_stats(self, mean: Sequence[float], std: Sequence[float]) -> None:
        for m in self.members:
            m.set_proprio_stats(mean, std)

    def encode_prefix(self, images, input_ids, attention_mask, proprio):
        parts = [m.encode_prefix(images, input_ids, attention_mask, proprio) for m in self.members]
        return [kv for cache, _ in parts for kv in cache], parts[0][1]  # one config: one prefix mask

    def decode_same_batch(self, tokens, cache, prefix_mask):
        out, start = None, 0
        for w, n, m in zip(self.weights, self.layers, self.members):
            logp = F.log_softmax(m.decode_same_batch(tokens, cache[start:start + n], prefix_mask), dim=-1)
            out = w * logp if out is None else out + w * logp
            start += n
        return out


def load_members(paths: Sequence[str]) -> Tuple[List[Dict], List[VLA]]:
    cks = [torch.load(p, map_location="cpu") for p in paths]
    check_members(cks)
    models = []
    for ck in cks:
        m = VLA(config_from_dict(ck["config"]))
        m.load_state_dict(ck["model"])
        models.append(m.eval())
    return cks, models


def ensemble_training_block(paths: Sequence[str], weights: Sequence[float], cks: Sequence[Dict],
                            model: Ensemble) -> Dict:
    """The manifest's training block: the members' runs (each with its own warm-start chain)."""
    return {"ensemble": [{"checkpoint": p, "weight": w, "step": ck.get("step"), "training": ck.get("training")}
                         for p, w, ck in zip(paths, weights, cks)],
            "config": cks[0]["config"], "device": "cpu", "parameters": model.num_params()}


def main(argv=None) -> Dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_member_args(ap, "comma-separated checkpoint paths (one model's runs)")
    ap.add_argument("--out", required=True, help="output folder, e.g. models/vla-ens20")
    ap.add_argument("--name", required=True, help="model name in the manifest")
    ap.add_argument("--description", default="")
    ap.add_argument("--fixtures", help="also write parity.json to this folder")
    add_decoding_args(ap)
    a = ap.parse_args(argv)
    paths, raw = member_args(a)
    try:
        weights = normalised(raw, len(paths))
        cks, members = load_members(paths)
        model = Ensemble(members, weights).eval()
        decoding = decoding_from_args(a)
    except ValueError as e:
        raise SystemExit(f"ensemble: {e}")
    desc = a.description or ("Product-of-experts ensemble of " + ", ".join(
        f"{os.path.basename(os.path.dirname(p)) or p} x{w:.2f}" for p, w in zip(paths, weights)) +
        f" (training/ensemble.py): each member encodes, the decoder averages their log-probabilities. "
        f"{cks[0].get('description', '')}").strip()
    m = export_model(model, Tokenizer(cks[0]["tokenizer"]), cks[0]["stats"], a.out, a.name, desc,
                     training=ensemble_training_block(paths, weights, cks, model), evaluation=None,
                     fixtures_dir=a.fixtures, decoding=decoding)
    sizes = {f: os.path.getsize(os.path.join(a.out, f)) for f in sorted(os.listdir(a.out))}
    print(f"exported {m['name']} ({len(members)} members, {model.num_params()} parameters) to {a.out}: {sizes}")
    return m


if __name__ == "__main__":
    main()
