"""Export a VLA model to the browser contract: models/<name>/{encoder.onnx, decoder.onnx,
manifest.json, tokenizer.json}, plus optional parity fixtures (fixed inputs + PyTorch outputs)
for tests/core/onnxParity.test.ts. See models/README.md for the contract.

  /usr/bin/python3 -m training.export_onnx --random --out models/test-random \
      --fixtures tests/fixtures/model            # tiny random-weight model (TINY_OVERRIDES)
  /usr/bin/python3 -m training.export_onnx --random --out models/test-random \
      --instructions models/instructions.json --max-length 32   # vocabulary of every task phrasing
  /usr/bin/python3 -m training.export_onnx --checkpoint ckpt.pt --out models/vla-small

Checkpoint format (torch.save dict): {"config": ModelConfig.to_dict(), "model": state_dict,
"tokenizer": tokenizer json dict, "stats": see manifest.build_manifest, "training": dict or None,
"evaluation": dict or None, "name": str, "description": str}.
Invariant: the written manifest validates and the ONNX graphs' inputs/outputs equal its lists.
"""
import argparse
import base64
import inspect
import json
import math
import os
import re
import warnings
from typing import Dict, List, Optional

import numpy as np
import onnx
import torch
import torch.nn.functional as F

from training.config import TINY_OVERRIDES, ModelConfig, apply_overrides, config_from_dict
from training.manifest import build_manifest, check_tokenizer, default_decoding
from training.model import VLA, DecoderForExport, EncoderForExport
from training.tokenizer import Tokenizer, build_tokenizer

OPSET = 17
ONNX_DTYPES = {onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.INT64: "int64"}
# Instructions and stats for the random test model (plausible values, not data statistics).
TEST_INSTRUCTIONS = ["put the red cube in the bowl", "pick up the green ball",
                     "place the blue cylinder on the plate", "push the yellow cube to the left"]
TEST_STATS = {"image_mean": [0.5, 0.5, 0.5], "image_std": [0.25, 0.25, 0.25],
              "proprio_mean": [0.0, 0.0, 0.1, 0.0, 0.0, 0.0, 1.0, 0.04],
              "proprio_std": [0.2, 0.2, 0.1, 0.5, 0.5, 0.5, 0.5, 0.02],
              "action_low": [-0.02, -0.02, -0.02, -0.1, -0.1, -0.1, -1.0],
              "action_high": [0.02, 0.02, 0.02, 0.1, 0.1, 0.1, 1.0]}


def smooth_images(B: int, S: int, g: torch.Generator) -> torch.Tensor:
    """Normalised camera-like images: N(0, 1) on an (S/8) x (S/8) grid, bilinearly upsampled, so
    neighbouring pixels correlate as in a rendered frame. Per-pixel white noise (what these were
    before) put vla-kp-gt's spatial-softmax keypoints near ties, where float32 rounding differences
    between PyTorch and onnxruntime reached 1.6e-4 in the logits (4.9e-5 with these images)."""
    low = torch.randn(B, 3, max(S // 8, 1), max(S // 8, 1), generator=g)
    return F.interpolate(low, size=(S, S), mode="bilinear", align_corners=False)


def example_inputs(cfg: ModelConfig, tok: Tokenizer, instructions: List[str], seed: int = 0):
    """Fixed encoder inputs for a batch of len(instructions) (images, ids, mask, proprio)."""
    g = torch.Generator().manual_seed(seed)
    B, S = len(instructions), cfg.image_size
    images = [smooth_images(B, S, g) for _ in cfg.cameras]
    enc = [tok.encode(t) for t in instructions]
    ids = torch.tensor([e[0] for e in enc], dtype=torch.int64)
    mask = torch.tensor([e[1] for e in enc], dtype=torch.int64)
    proprio = torch.randn(B, cfg.proprio_dim, generator=g)
    return images, ids, mask, proprio


def graph_io(path: str) -> Dict[str, List[Dict]]:
    """Inputs/outputs of an ONNX file in the manifest's form (symbolic dims as strings)."""
    g = onnx.load(path).graph

    def rows(vals):
        out = []
        for v in vals:
            t = v.type.tensor_type
            shape = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
            out.append({"name": v.name, "dtype": ONNX_DTYPES.get(t.elem_type, str(t.elem_type)), "shape": shape})
        return out

    return {"inputs": rows(g.input), "outputs": rows(g.output)}


def fix_output_shapes(path: str, outputs: List[Dict]) -> None:
    """The exporter leaves generated symbolic names on outputs built by Concat/Stack
    ("Concatpast_keys_dim_2") although only the batch varies; write the manifest's shapes."""
    m = onnx.load(path)
    for v, want in zip(m.graph.output, outputs):
        dims = v.type.tensor_type.shape.dim
        for d, w in zip(dims, want["shape"]):
            if isinstance(w, str):
                d.dim_param = w
            else:
                d.dim_value = w
    onnx.save(m, path)


def _exporter_kwargs() -> Dict:
    # PyTorch >= 2.9 defaults to the dynamo exporter, which treats dynamic_axes differently; the
    # TorchScript exporter is the one torch 1.13 has, so ask for it wherever the switch exists.
    return {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


def export_graphs(model: VLA, out_dir: str, tok: Tokenizer) -> None:
    cfg = model.cfg
    model.eval()
    images, ids, mask, proprio = example_inputs(cfg, tok, TEST_INSTRUCTIONS[:2])
    enc_names = list(cfg.cameras) + ["input_ids", "attention_mask", "proprio"]
    cache_names = ["past_keys", "past_values", "prefix_mask"]
    axes = {n: {0: "batch"} for n in enc_names + ["prefix_mask", "action_tokens", "logits"]}
    axes.update({"past_keys": {1: "batch"}, "past_values": {1: "batch"}})
    enc_axes = {k: v for k, v in axes.items() if k in enc_names + cache_names}
    dec_axes = {k: v for k, v in axes.items() if k in ["action_tokens", "logits"] + cache_names}
    with torch.no_grad(), warnings.catch_warnings():
        # torch 1.13 notes it cannot fold strided Slice constants; harmless for the result.
        warnings.filterwarnings("ignore", message="Constant folding")
        enc = EncoderForExport(model)
        torch.onnx.export(enc, tuple(images) + (ids, mask, proprio), os.path.join(out_dir, "encoder.onnx"),
                          input_names=enc_names, output_names=cache_names, dynamic_axes=enc_axes,
                          opset_version=OPSET, do_constant_folding=True, **_exporter_kwargs())
        past_k, past_v, pmask = enc(*images, ids, mask, proprio)
        tokens = torch.full((ids.size(0), cfg.n_action_tokens), cfg.mask_id, dtype=torch.int64)
        torch.onnx.export(DecoderForExport(model), (tokens, past_k, past_v, pmask),
                          os.path.join(out_dir, "decoder.onnx"),
                          input_names=["action_tokens"] + cache_names, output_names=["logits"],
                          dynamic_axes=dec_axes, opset_version=OPSET, do_constant_folding=True, **_exporter_kwargs())


def _tensor(t: torch.Tensor) -> Dict:
    a = t.detach().cpu().numpy()
    if a.dtype == np.int64:
        return {"dtype": "int64", "shape": list(a.shape), "data": a.reshape(-1).tolist()}
    a = a.astype("<f4")
    return {"dtype": "float32", "shape": list(a.shape), "base64": base64.b64encode(a.tobytes()).decode("ascii")}


def fixture_array(t: Dict) -> np.ndarray:
    """A fixture tensor written by _tensor back as a numpy array (float32 or int64)."""
    if t["dtype"] == "int64":
        return np.array(t["data"], dtype=np.int64).reshape(t["shape"])
    return np.frombuffer(base64.b64decode(t["base64"]), dtype="<f4").reshape(t["shape"]).copy()


def parity_fixture(model: VLA, tok: Tokenizer, name: str) -> Dict:
    """Fixed inputs and PyTorch outputs. Batch 2 (symbolic batch is exercised); instruction 1 is
    shorter, so padding is exercised; the action tokens mix mask ids and bin ids."""
    cfg = model.cfg
    instructions = TEST_INSTRUCTIONS[1:3]
    images, ids, mask, proprio = example_inputs(cfg, tok, instructions, seed=1)
    g = torch.Generator().manual_seed(2)
    tokens = torch.randint(0, cfg.bins, (2, cfg.n_action_tokens), generator=g)
    tokens[0, ::3] = cfg.mask_id
    tokens[1, :] = cfg.mask_id
    tokens[1, 5] = 17
    with torch.no_grad():
        past_k, past_v, pmask = EncoderForExport(model)(*images, ids, mask, proprio)
        logits = DecoderForExport(model)(tokens, past_k, past_v, pmask)
    enc_in = {c: _tensor(im) for c, im in zip(cfg.cameras, images)}
    enc_in.update(input_ids=_tensor(ids), attention_mask=_tensor(mask), proprio=_tensor(proprio))
    return {
        "about": "PyTorch outputs of models/" + name + " for fixed inputs; written by training/export_onnx.py",
        "model": name, "instructions": instructions, "tolerance": {"maxAbs": 1e-4},
        "encoder": {"inputs": enc_in, "outputs": {"past_keys": _tensor(past_k), "past_values": _tensor(past_v),
                                                  "prefix_mask": _tensor(pmask)}},
        "decoder": {"inputs": {"action_tokens": _tensor(tokens)}, "outputs": {"logits": _tensor(logits)}},
    }


def export_model(model: VLA, tok: Tokenizer, stats: Dict, out_dir: str, name: str, description: str,
                 training: Optional[Dict] = None, evaluation: Optional[Dict] = None,
                 fixtures_dir: Optional[str] = None, decoding: Optional[Dict] = None) -> Dict:
    os.makedirs(out_dir, exist_ok=True)
    manifest = build_manifest(model.cfg, name, description, tok.to_json(), stats, decoding=decoding,
                              training=training, evaluation=evaluation, opset=OPSET)
    check_tokenizer(manifest, tok)
    if tok.vocab_size > model.cfg.instr_vocab_size or tok.max_length != model.cfg.max_instr_len:
        raise ValueError(f"tokenizer (vocab {tok.vocab_size}, maxLength {tok.max_length}) does not fit the model "
                         f"(instr_vocab_size {model.cfg.instr_vocab_size}, max_instr_len {model.cfg.max_instr_len})")
    # goal_token graphs undo the proprio normalisation: it must be the one the manifest gives the runtime
    model.set_proprio_stats(stats["proprio_mean"], stats["proprio_std"])
    export_graphs(model, out_dir, tok)
    for g in ["encoder", "decoder"]:
        fix_output_shapes(os.path.join(out_dir, manifest["onnx"][g]["file"]), manifest["onnx"][g]["outputs"])
        got = graph_io(os.path.join(out_dir, manifest["onnx"][g]["file"]))
        onnx.checker.check_model(os.path.join(out_dir, manifest["onnx"][g]["file"]))
        for key in ["inputs", "outputs"]:
            if got[key] != manifest["onnx"][g][key]:
                raise RuntimeError(f"{g}.onnx {key} differ from the manifest:\n{got[key]}\n{manifest['onnx'][g][key]}")
    with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
        json.dump(tok.to_json(), f, indent=1)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    if fixtures_dir:
        os.makedirs(fixtures_dir, exist_ok=True)
        with open(os.path.join(fixtures_dir, "parity.json"), "w") as f:
            json.dump(parity_fixture(model, tok, name), f)
    return manifest


def add_decoding_args(ap: argparse.ArgumentParser) -> None:
    """The manifest's decoding options (export_onnx and training/ensemble.py)."""
    ap.add_argument("--rounds", type=int, help="default DD decoder rounds in the manifest (default 12); the shipped "
                    "trained models use 4 (training/recipes.md, session 13)")
    ap.add_argument("--execute-steps", type=int, help="manifest decoding.executeSteps: actions of each chunk run "
                    "before the next observation (default: absent, the whole chunk)")
    ap.add_argument("--subtasks", action="store_true", help="manifest decoding.subtasks: feed a multi-step "
                    "instruction one clause at a time (set anyway for a model trained with goal_order 'clause')")
    ap.add_argument("--keep-when-still", action="store_true", help="manifest decoding.keepWhenStill: when the "
                    "executed actions left the arm still, run the chunk's next actions instead of replanning "
                    "(src/policy/chunkPlan.ts)")
    ap.add_argument("--stall-escape", metavar="PLANS:TAU[:WINDOW:RADIUS]", help="manifest decoding.stallPlans and "
                    "stallTemperature: after PLANS plans in a row that left the arm still, sample the next chunks at "
                    "temperature TAU until it moves; with WINDOW:RADIUS (decoding.stallWindow, stallRadius) also "
                    "once WINDOW plans in a row were made with the TCP within RADIUS metres "
                    "(src/policy/chunkPlan.ts; default: off)")


def stall_escape_arg(v: str) -> Dict:
    """"2:1" -> {"stallPlans": 2, "stallTemperature": 1.0}; "2:1:8:0.02" adds "stallWindow": 8 and
    "stallRadius": 0.02. The rules of npm run eval's --stall-escape."""
    m = re.fullmatch(r"(\d+):([^:]+)(?::(\d+):([^:]+))?", v)
    try:
        plans, tau = (int(m[1]), float(m[2])) if m else (0, 0.0)
        window, radius = (int(m[3]), float(m[4])) if m and m[3] is not None else (None, None)
    except ValueError:  # a temperature or radius that is not a number
        plans, tau, window, radius = 0, 0.0, None, None
    if plans < 1 or not (math.isfinite(tau) and tau > 0) or (
            window is not None and (window < 2 or not (math.isfinite(radius) and radius > 0))):
        raise ValueError(f"--stall-escape needs plans:temperature or plans:temperature:window:radius with integers "
                         f"plans >= 1 and window >= 2, a temperature > 0 and a radius > 0 in metres (e.g. 2:1 or "
                         f"2:1:8:0.02), got {v!r}")
    hover = {"stallWindow": window, "stallRadius": radius} if window is not None else {}
    return {"stallPlans": plans, "stallTemperature": tau, **hover}


def decoding_from_args(args) -> Optional[Dict]:
    """The manifest's decoding block from add_decoding_args' options (None: the default)."""
    decoding = default_decoding(args.rounds) if args.rounds else None
    closed_loop = {**({"executeSteps": args.execute_steps} if args.execute_steps is not None else {}),
                   **({"subtasks": True} if args.subtasks else {}),
                   **({"keepWhenStill": True} if args.keep_when_still else {}),
                   **(stall_escape_arg(args.stall_escape) if args.stall_escape else {})}
    if closed_loop:
        decoding = {**(decoding or default_decoding()), **closed_loop}
    return decoding


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output folder, e.g. models/test-random")
    ap.add_argument("--checkpoint", help="trained checkpoint (see module docstring)")
    ap.add_argument("--random", action="store_true", help="tiny random-weight model (seed 0)")
    ap.add_argument("--fixtures", help="also write parity.json to this folder")
    ap.add_argument("--name", help="model name in the manifest (default: the checkpoint's, or the --out folder's for --random)")
    # Options of --random only: a tokenizer that covers the page's task phrasings, and a second
    # distinguishable test model (other weights, other default rounds) for model-swap tests.
    ap.add_argument("--instructions", help="--random: JSON list of extra instructions for the tokenizer vocabulary")
    ap.add_argument("--max-length", type=int, help="--random: tokenizer maxLength (default TINY_OVERRIDES)")
    ap.add_argument("--seed", type=int, default=0, help="--random: torch seed of the weights (default 0)")
    add_decoding_args(ap)
    args = ap.parse_args(argv)
    if args.random == bool(args.checkpoint):
        ap.error("give exactly one of --random and --checkpoint")
    if args.random:
        torch.manual_seed(args.seed)
        instructions = list(TEST_INSTRUCTIONS)
        if args.instructions:
            with open(args.instructions, "r", encoding="utf-8") as f:
                instructions += [t for t in json.load(f) if t not in instructions]
        max_len = args.max_length or TINY_OVERRIDES["max_instr_len"]
        tok = build_tokenizer(instructions, max_length=max_len)
        cfg = apply_overrides(ModelConfig(), {**TINY_OVERRIDES, "instr_vocab_size": tok.vocab_size,
                                              "max_instr_len": max_len})
        model, stats, name = VLA(cfg), TEST_STATS, os.path.basename(os.path.normpath(args.out))
        desc = "Tiny random-weight model for contract and parity tests; its actions are meaningless."
        extra = {"training": {"weights": f"random (torch.manual_seed({args.seed}))", "config": cfg.to_dict(),
                              "parameters": model.num_params()}, "evaluation": None}
    else:
        ck = torch.load(args.checkpoint, map_location="cpu")
        cfg = config_from_dict(ck["config"])
        model = VLA(cfg)
        model.load_state_dict(ck["model"])
        tok, stats, name, desc = Tokenizer(ck["tokenizer"]), ck["stats"], ck["name"], ck["description"]
        extra = {"training": ck.get("training"), "evaluation": ck.get("evaluation")}
    try:
        decoding = decoding_from_args(args)
    except ValueError as e:
        ap.error(str(e))
    name = args.name or name
    m = export_model(model, tok, stats, args.out, name, desc, fixtures_dir=args.fixtures, decoding=decoding, **extra)
    sizes = {f: os.path.getsize(os.path.join(args.out, f)) for f in sorted(os.listdir(args.out))}
    print(f"exported {m['name']} ({model.num_params()} parameters) to {args.out}: {sizes}")


if __name__ == "__main__":
    main()
