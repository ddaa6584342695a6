"""Average the weights of checkpoints fine-tuned from one starting point (a "model soup",
Wortsman et al. 2022), into a checkpoint that export_onnx and train.py --init_from read.

  /usr/bin/python3 -m training.soup --checkpoints training/runs/dag7/ckpt.pt,training/runs/dag10/ckpt.pt \
      --weights 0.5,0.5 --out training/runs/soup/ckpt.pt --name vla-soup

Why: two warm-started runs of the same model each win on different tasks (training/recipes.md);
their weights lie in one basin, so a weighted mean can keep what each learned. It costs no
training step, only an evaluation to see whether it does.
Invariants: every checkpoint has the same weights (names, shapes), tokenizer and normalisation
stats, and model configs that differ only in fields that leave the weights alone (the data-side
goal_order); otherwise an error names the difference. Weights are non-negative and are
normalised to sum 1. Integer tensors (none today) must be equal and are copied. The output's
config is the last checkpoint's; its training block lists the members and their weights, and the
warm-start chain they share once (training.init_from), not once per member.
"""
import argparse
import json
import os
from typing import Dict, List, Sequence, Tuple

import torch

from training.train import save_checkpoint

# ModelConfig fields that change what the model is trained on, not its weights or its graph.
DATA_SIDE_FIELDS = ("goal_order",)


def _diff(a: Dict, b: Dict, skip: Sequence[str] = ()) -> List[str]:
    keys = sorted((set(a) | set(b)) - set(skip))
    return [k for k in keys if a.get(k) != b.get(k)]


def normalised(weights: Sequence[float], n: int) -> List[float]:
    """The n members' weights, checked and scaled to sum 1."""
    if n < 2:
        raise ValueError(f"a soup needs at least two checkpoints, got {n}")
    if len(weights) != n:
        raise ValueError(f"{len(weights)} weights for {n} checkpoints")
    if any(not (w >= 0) for w in weights) or sum(weights) <= 0:  # `not >=` also rejects NaN
        raise ValueError(f"weights must be non-negative with a positive sum, got {list(weights)}")
    total = float(sum(weights))
    return [w / total for w in weights]


def check_members(checkpoints: Sequence[Dict]) -> None:
    """Raises ValueError unless the checkpoints are one model's: the same tokenizer, normalisation
    stats, model config (data-side fields aside), weight names and shapes. training/ensemble.py
    asks the same of its members."""
    first = checkpoints[0]
    for i, ck in enumerate(checkpoints[1:], 1):
        for key in ("tokenizer", "stats"):
            if ck[key] != first[key]:
                raise ValueError(f"checkpoint {i} has a different {key} from checkpoint 0: not one model's runs")
        bad = _diff(first["config"], ck["config"], DATA_SIDE_FIELDS)
        if bad:
            raise ValueError(f"checkpoint {i}'s model config differs from checkpoint 0's in {bad}")
        a, b = first["model"], ck["model"]
        if set(a) != set(b):
            raise ValueError(f"checkpoint {i} has other weights: {sorted(set(a) ^ set(b))[:8]}")
        shapes = [k for k in a if a[k].shape != b[k].shape]
        if shapes:
            raise ValueError(f"checkpoint {i} has weights of other shapes: {shapes[:8]}")


def soup(checkpoints: Sequence[Dict], weights: Sequence[float]) -> Dict[str, torch.Tensor]:
    """Weighted mean of the checkpoints' model state dicts (weights normalised to sum 1)."""
    ws = normalised(weights, len(checkpoints))
    check_members(checkpoints)
    first = checkpoints[0]
    out = {}
    for k, v in first["model"].items():
        if v.is_floating_point():
            acc = torch.zeros_like(v, dtype=torch.float64)
            for w, ck in zip(ws, checkpoints):
                acc += w * ck["model"][k].to(torch.float64)
            out[k] = acc.to(v.dtype)
        else:
            for i, ck in enumerate(checkpoints[1:], 1):
                if not torch.equal(ck["model"][k], v):
                    raise ValueError(f"integer tensor {k} differs in checkpoint {i}: cannot average it")
            out[k] = v.clone()
    return out


def make_soup_checkpoint(paths: Sequence[str], weights: Sequence[float], name: str, description: str = "") -> Dict:
    cks = [torch.load(p, map_location="cpu") for p in paths]
    state = soup(cks, weights)
    ws = normalised(weights, len(cks))
    last = cks[-1]
    runs = [dict(ck.get("training") or {}) for ck in cks]
    # Members warm-started from one checkpoint share its (long) chain: kept once, at the soup's level.
    chains = [json.dumps(r.get("init_from"), sort_keys=True, default=str) for r in runs]
    shared = runs[0].get("init_from") if len(set(chains)) == 1 else None
    if shared is not None:
        for r in runs:
            r.pop("init_from", None)
    members = [{"checkpoint": p, "weight": w, "step": ck.get("step"), "training": r}
               for p, w, ck, r in zip(paths, ws, cks, runs)]
    desc = description or (f"Weighted mean of {len(paths)} checkpoints of one model: " +
                           ", ".join(f"{os.path.basename(os.path.dirname(p)) or p} x{w:.2f}"
                                     for p, w in zip(paths, ws)) + f". {last.get('description', '')}").strip()
    return {"config": last["config"], "model": state, "step": 0, "tokenizer": last["tokenizer"], "stats": last["stats"],
            "name": name, "description": desc,
            "training": {"soup": members, "config": last["config"], "device": "cpu",
                         "parameters": sum(v.numel() for v in state.values() if v.is_floating_point()),
                         **({"init_from": shared} if shared is not None else {})},
            "evaluation": None}


def add_member_args(ap: argparse.ArgumentParser, checkpoints_help: str) -> None:
    """--checkpoints and --weights (soup and training/ensemble.py)."""
    ap.add_argument("--checkpoints", required=True, help=checkpoints_help)
    ap.add_argument("--weights", default="", help="comma-separated weights, one per checkpoint (default: equal)")


def member_args(a) -> Tuple[List[str], List[float]]:
    """The checkpoint paths (each must exist) and raw weights of add_member_args' options."""
    paths = [p for p in a.checkpoints.split(",") if p]
    for p in paths:
        if not os.path.isfile(p):
            raise SystemExit(f"--checkpoints: {p} not found")
    try:
        return paths, [float(w) for w in a.weights.split(",")] if a.weights else [1.0] * len(paths)
    except ValueError:
        raise SystemExit(f"--weights: not numbers: {a.weights!r}")


def main(argv=None) -> Dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_member_args(ap, "comma-separated checkpoint paths (same model, same init)")
    ap.add_argument("--out", required=True, help="where to write the averaged checkpoint")
    ap.add_argument("--name", required=True, help="model name for the export")
    ap.add_argument("--description", default="")
    a = ap.parse_args(argv)
    paths, weights = member_args(a)
    try:
        ck = make_soup_checkpoint(paths, weights, a.name, a.description)
    except ValueError as e:
        raise SystemExit(f"soup: {e}")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    save_checkpoint(a.out, ck)
    print(f"soup of {len(paths)} checkpoints (weights {[round(m['weight'], 4) for m in ck['training']['soup']]}) "
          f"written to {a.out}", flush=True)
    return ck


if __name__ == "__main__":
    main()
