"""Rebuild a training checkpoint from an exported model folder (manifest.json, tokenizer.json,
encoder.onnx, decoder.onnx), so a shipped model whose checkpoint is gone can be warm-started
(`train.py --init_from`) or re-exported.

  /usr/bin/python3 -m training.from_onnx --model models/vla-cpu --out training/runs/vla-cpu/ckpt.pt

How the weights come back: the exporter renames and merges initializers (a Linear's weight becomes
a transposed MatMul constant "onnx::MatMul_554"; equal tensors, such as the zero biases of a fresh
model, are merged into one), so names alone do not say which weight is which. Instead a probe
model of the manifest's config, with every weight drawn distinct, is exported the same way; the
two graphs have the same nodes, so the shipped constant at each (node, input) slot is the weight
the probe's constant there came from (found by value, as is or transposed).
Invariants: every weight of the manifest's ModelConfig is recovered (strict load, or an error
naming what is missing); with --check, the rebuilt model reproduces the export's parity fixture.
"""
import argparse
import json
import os
import tempfile
from typing import Dict

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from training.config import config_from_dict
from training.export_onnx import export_graphs, fixture_array
from training.model import VLA, DecoderForExport, EncoderForExport
from training.tokenizer import Tokenizer


def probe_model(cfg) -> VLA:
    """A model of `cfg` whose weights are all distinct (no two equal tensors, none symmetric)."""
    g = torch.Generator().manual_seed(0)
    model = VLA(cfg)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    return model


def _resolved(g):
    """(nodes, constants by input name) with Identity-of-a-constant nodes folded away: the exporter
    writes a merged tensor once and reaches it again through Identity nodes."""
    init = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    nodes = []
    for n in g.node:
        if n.op_type == "Identity" and n.input[0] in init:
            init[n.output[0]] = init[n.input[0]]
        else:
            nodes.append(n)
    return nodes, init


def slot_weights(probe_path: str, shipped_path: str, params: Dict[str, torch.Tensor]) -> Dict[str, np.ndarray]:
    """Weights of the shipped graph, by matching its constants slot by slot to the probe graph's."""
    probe, shipped = onnx.load(probe_path).graph, onnx.load(shipped_path).graph
    name = os.path.basename(shipped_path)
    p_nodes, p_init = _resolved(probe)
    s_nodes, s_init = _resolved(shipped)
    if [n.op_type for n in p_nodes] != [n.op_type for n in s_nodes]:
        raise ValueError(f"{name}: its nodes differ from an export of the manifest's config "
                         f"({len(s_nodes)} vs {len(p_nodes)} nodes); was it exported by training/export_onnx.py?")
    by_bytes = {}
    for k, v in params.items():
        a = v.detach().numpy().astype(np.float32)
        by_bytes[(a.shape, a.tobytes())] = (k, False)
        if a.ndim == 2:
            t = np.ascontiguousarray(a.T)
            by_bytes[(t.shape, t.tobytes())] = (k, True)
    out: Dict[str, np.ndarray] = {}
    for pn, sn in zip(p_nodes, s_nodes):
        for pi, si in zip(pn.input, sn.input):
            if pi not in p_init:
                continue
            hit = by_bytes.get((p_init[pi].shape, np.ascontiguousarray(p_init[pi]).tobytes()))
            if hit is None:
                continue  # a constant of the graph itself (shapes, the mask logit), not a weight
            if si not in s_init or s_init[si].shape != p_init[pi].shape:
                raise ValueError(f"{name}: no constant of shape {p_init[pi].shape} where {hit[0]} belongs")
            w = s_init[si].T if hit[1] else s_init[si]
            if hit[0] in out and not np.array_equal(out[hit[0]], w):
                raise ValueError(f"{name}: two different values for {hit[0]}")
            out[hit[0]] = np.array(w)
    return out


def rebuild(model_dir: str) -> dict:
    """The checkpoint dict train.py and export_onnx.py read (no optimiser: warm start or export only)."""
    with open(os.path.join(model_dir, "manifest.json")) as f:
        m = json.load(f)
    training = m.get("training") or {}
    if "config" not in training:
        raise ValueError(f"{model_dir}/manifest.json: training.config is missing, so the model's shape is unknown")
    if "ensemble" in training:
        raise ValueError(f"{model_dir} is an ensemble of {len(training['ensemble'])} checkpoints (training/ensemble.py), "
                         "not one model's weights: rebuild or warm-start from its members instead")
    # The training-only auxiliary goal head is not exported, so it cannot come back: the rebuilt model
    # has none (a warm start with --aux_goals gives it a fresh one). With goal_token the encoder runs
    # the head, so it comes back with the rest. The yaw head (aux_yaw) is training-only always.
    keep_head = bool(training["config"].get("goal_token"))
    cfg = config_from_dict({**training["config"], **({} if keep_head else {"aux_goals": 0}), "aux_layer": 0,
                            "aux_yaw": 0})
    with open(os.path.join(model_dir, m["tokenizer"]["file"])) as f:
        tok = Tokenizer(json.load(f))
    probe = probe_model(cfg)
    params = dict(probe.named_parameters())
    weights: Dict[str, np.ndarray] = {}
    with tempfile.TemporaryDirectory() as d:
        export_graphs(probe, d, tok)
        for g in ("encoder", "decoder"):
            for k, v in slot_weights(os.path.join(d, f"{g}.onnx"), os.path.join(model_dir, m["onnx"][g]["file"]),
                                     params).items():
                if k in weights and not np.array_equal(weights[k], v):
                    raise ValueError(f"{k} differs between the encoder and decoder graphs")
                weights[k] = v
    model = VLA(cfg)
    model.set_proprio_stats(m["proprio"]["mean"], m["proprio"]["std"])  # goal_token's buffers: the manifest's
    own = model.state_dict()
    params = dict(model.named_parameters())
    weights.update({k: v.numpy() for k, v in own.items() if k not in params})  # saved buffers: not in `params`
    missing = sorted(set(own) - set(weights))
    extra = sorted(set(weights) - set(own))
    bad = [k for k in own if k in weights and tuple(weights[k].shape) != tuple(own[k].shape)]
    if missing or extra or bad:
        raise ValueError(f"{model_dir}: weights do not match the manifest's config: missing {missing[:6]}, "
                         f"unexpected {extra[:6]}, wrong shape {bad[:6]}")
    model.load_state_dict({k: torch.from_numpy(weights[k]) for k in own})
    cam = m["cameras"][0]
    stats = {"image_mean": cam["mean"], "image_std": cam["std"], "proprio_mean": m["proprio"]["mean"],
             "proprio_std": m["proprio"]["std"], "action_low": m["action"]["low"], "action_high": m["action"]["high"]}
    return {"config": cfg.to_dict(), "model": model.state_dict(), "step": int(training.get("steps", 0)),
            "tokenizer": tok.to_json(), "stats": stats, "name": m["name"], "description": m["description"],
            "training": {**training, "rebuilt_from_onnx": os.path.normpath(model_dir)},
            "evaluation": m.get("evaluation")}


def check_parity(ck: dict, fixture_path: str) -> float:
    """Max |diff| between the rebuilt model and a parity fixture's PyTorch outputs (logits and cache)."""

    def arr(t):
        return torch.from_numpy(fixture_array(t))

    with open(fixture_path) as f:
        fx = json.load(f)
    model = VLA(config_from_dict(ck["config"]))
    model.load_state_dict(ck["model"])
    model.eval()
    ei = fx["encoder"]["inputs"]
    args = [arr(ei[c]) for c in model.cfg.cameras] + [arr(ei[k]) for k in ("input_ids", "attention_mask", "proprio")]
    with torch.no_grad():
        pk, pv, pm = EncoderForExport(model)(*args)
        logits = DecoderForExport(model)(arr(fx["decoder"]["inputs"]["action_tokens"]), pk, pv, pm)
    eo, want = fx["encoder"]["outputs"], arr(fx["decoder"]["outputs"]["logits"])
    finite = torch.isfinite(want)
    return max(float((pk - arr(eo["past_keys"])).abs().max()), float((pv - arr(eo["past_values"])).abs().max()),
               float((logits[finite] - want[finite]).abs().max()))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="exported model folder, e.g. models/vla-cpu")
    ap.add_argument("--out", required=True, help="checkpoint to write, e.g. training/runs/vla-cpu/ckpt.pt")
    ap.add_argument("--check", help="parity fixture of that export (tests/fixtures/<name>/parity.json)")
    args = ap.parse_args(argv)
    ck = rebuild(args.model)
    if args.check:
        diff = check_parity(ck, args.check)
        print(f"parity against {args.check}: max |diff| {diff:.2e}")
        if not diff < 1e-4:
            raise SystemExit(f"rebuilt model does not reproduce {args.check} (max |diff| {diff:.2e} >= 1e-4)")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    torch.save(ck, tmp)
    os.replace(tmp, args.out)
    n = sum(v.numel() for v in ck["model"].values())
    print(f"rebuilt {ck['name']} ({n:,} weights, step {ck['step']}) -> {args.out}")


if __name__ == "__main__":
    main()
