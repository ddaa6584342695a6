"""Writes the shared TS/Python fixtures for the codec, tokenizer and manifest twins:
  tests/fixtures/codec/cases.json, tests/fixtures/tokenizer/{tokenizer.json,cases.json},
  tests/fixtures/model/manifest_cases.json, tests/fixtures/model/preprocess.json
Expected values come from the Python implementations; the Vitest tests (tests/core/*.test.ts)
must reproduce them exactly, and training/tests check the files still match the Python code.
Run: /usr/bin/python3 -m training.make_fixtures
"""
import copy
import json
import math
import os
import random

from training.action_codec import ActionCodec
from training.config import TINY_OVERRIDES, ModelConfig, apply_overrides
from training.manifest import ManifestError, build_manifest, default_decoding, validate_manifest
from training.tokenizer import build_tokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures")

# Bounds chosen so (high - low) is not a power of two: edge cases then depend on rounding.
CODECS = [
    {"low": [-0.0123, -0.02, -0.03, -0.1, -0.25, -0.3, -1.0],
     "high": [0.0234, 0.02, 0.015, 0.1, 0.05, 0.7, 1.0], "bins": 256},
    {"low": [-1.0, 0.1], "high": [1.0, 0.7], "bins": 5},
]


def _num(x: float):
    return x if math.isfinite(x) else ("NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity"))


def codec_cases():
    rng = random.Random(0)
    out = []
    for spec in CODECS:
        c = ActionCodec(spec["low"], spec["high"], spec["bins"])
        enc = []
        for d in range(c.dims):
            lo, hi = c.low[d], c.high[d]
            xs = [lo, hi, lo - 1.0, hi + 1.0, (lo + hi) / 2, -1e30, 1e30]
            for k in sorted({0, 1, c.bins // 2 - 1, c.bins // 2, c.bins // 2 + 1, c.bins - 1, c.bins}):
                edge = lo + k / c.bins * (hi - lo)  # inner bin edges in value space, +- 1 ulp
                xs += [edge, math.nextafter(edge, -math.inf), math.nextafter(edge, math.inf)]
            xs += [rng.uniform(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)) for _ in range(20)]
            for x in xs:
                enc.append({"dim": d, "x": x, "xNorm": c.normalize(x, d), "bin": c.encode_value(x, d)})
        # Normalised-space edges -1 + 2k/B exactly (and +- 1 ulp): the bin rule's own edge cases.
        norm = []
        for k in range(c.bins + 1):
            e = -1 + 2 * k / c.bins
            for v in [e, math.nextafter(e, -math.inf), math.nextafter(e, math.inf)]:
                v = min(max(v, -1.0), 1.0)
                norm.append({"xNorm": v, "bin": c.bin_of_normalized(v)})
        dec = [{"dim": d, "token": t, "x": c.decode_value(t, d)} for d in range(c.dims) for t in range(c.bins)]
        steps = 3
        actions = [[rng.uniform(c.low[d] - 0.05, c.high[d] + 0.05) for d in range(c.dims)] for _ in range(steps)]
        tokens = c.encode_chunk(actions)
        errors = [
            {"op": "encodeValue", "args": ["NaN", 0], "match": "finite"},
            {"op": "encodeValue", "args": ["Infinity", 0], "match": "finite"},
            {"op": "decodeValue", "args": [c.mask_id, 0], "match": "mask id"},
            {"op": "decodeValue", "args": [c.bins + 1, 0], "match": "out of range"},
            {"op": "decodeValue", "args": [-1, 0], "match": "out of range"},
            {"op": "decodeValue", "args": [1.5, 0], "match": "integer"},
            {"op": "decodeValue", "args": ["NaN", 0], "match": "integer"},
            {"op": "decodeChunk", "args": [tokens[:-1]], "match": "multiple"},
            {"op": "decodeChunk", "args": [tokens[:-1] + [c.mask_id]], "match": "mask id"},
            {"op": "encodeChunk", "args": [[[0.0] * (c.dims + 1)]], "match": "dims"},
        ]
        for e in errors:  # the Python codec must raise them too, or the fixture is wrong
            args = [float(a) if isinstance(a, str) else a for a in e["args"]]
            try:
                getattr(c, {"encodeValue": "encode_value", "decodeValue": "decode_value",
                            "decodeChunk": "decode_chunk", "encodeChunk": "encode_chunk"}[e["op"]])(*args)
                raise AssertionError(f"expected an error for {e}")
            except ValueError as err:
                assert e["match"] in str(err), (e, str(err))
        out.append({**spec, "maskId": c.mask_id, "encode": [{**r, "x": _num(r["x"])} for r in enc],
                    "normalizedEdges": norm, "decode": dec,
                    "chunk": {"actions": actions, "tokens": tokens, "decoded": c.decode_chunk(tokens)},
                    "errors": errors})
    return {"about": "Action codec cases (bin rule uniform-floor-v1); written by training/make_fixtures.py",
            "codecs": out}


TOKENIZER_INSTRUCTIONS = ["Put the red cube in the bowl.", "put the RED cube on the plate",
                          "Pick up the green ball, then place it in the tray!", "stack cube 2 on cube 1",
                          "move the blue cylinder to the left of the bowl", "Don't touch the yellow-cube"]


def tokenizer_cases():
    tok = build_tokenizer(TOKENIZER_INSTRUCTIONS, max_length=14)
    texts = TOKENIZER_INSTRUCTIONS + ["  PUT   the\tred\ncube  ", "put the purple cube in the bowl",
                                      "café au lait", "x", "put;the,red:cube", "ＰＵＴ the cube"]
    cases = []
    for t in texts:
        ids, mask = tok.encode(t)
        cases.append({"text": t, "ids": ids, "attentionMask": mask})
    errors = [{"text": "", "match": "empty"}, {"text": "   \t\n ", "match": "empty"}, {"text": "?!...", "match": "empty"},
              {"text": " ".join(["cube"] * 13), "match": "15 tokens"}]
    for e in errors:
        try:
            tok.encode(e["text"])
            raise AssertionError(f"expected an error for {e}")
        except ValueError as err:
            assert e["match"] in str(err) and ("maxLength = 14" in str(err) or e["match"] == "empty"), str(err)
    return tok.to_json(), {"about": "Tokenizer cases for tokenizer.json in this folder; written by "
                                    "training/make_fixtures.py", "buildFrom": TOKENIZER_INSTRUCTIONS,
                           "buildMaxLength": 14, "cases": cases, "errors": errors}


def manifest_cases():
    tok = build_tokenizer(["put the red cube in the bowl"], max_length=12)
    cfg = apply_overrides(ModelConfig(), {**TINY_OVERRIDES, "instr_vocab_size": tok.vocab_size})
    stats = {"image_mean": [0.5, 0.5, 0.5], "image_std": [0.25, 0.25, 0.25], "proprio_mean": [0] * 8,
             "proprio_std": [1] * 8, "action_low": [-1] * 7, "action_high": [1] * 7}
    valid = build_manifest(cfg, "fixture", "Manifest validation fixture", tok.to_json(), stats,
                           decoding={**default_decoding(), "stallPlans": 2, "stallTemperature": 1.0,
                                     "stallWindow": 8, "stallRadius": 0.02},
                           training={"note": "free-form"}, evaluation=None)
    # [case name, path, new value or "<delete>"]: one class of mistake each.
    edits = [
        ("wrong version", ["formatVersion"], 2), ("unknown top-level field", ["extra"], 1),
        ("missing section", ["action"], "<delete>"), ("bad name", ["name"], "has space"),
        ("bins not integer", ["action", "bins"], "abc"), ("bins too small", ["action", "bins"], 1),
        ("mask id not bins", ["action", "maskId"], 0), ("vocab not bins+1", ["action", "vocabSize"], 256),
        ("unknown bin rule", ["action", "binRule"], "round-v2"), ("bounds wrong length", ["action", "low"], [-1, -1]),
        ("high not above low", ["action", "high", 3], -1), ("bound not number", ["action", "low", 0], "0"),
        ("names wrong length", ["action", "names"], ["dx"]), ("chunk zero", ["action", "chunkLength"], 0),
        ("unknown camera", ["cameras", 0, "name"], "topview"), ("duplicate camera", ["cameras", 1, "name"], "agentview"),
        ("no cameras", ["cameras"], []), ("camera layout", ["cameras", 0, "layout"], "NHWC"),
        ("camera std zero", ["cameras", 1, "std", 2], 0), ("camera width", ["cameras", 0, "width"], 4),
        ("proprio unknown name", ["proprio", "names", 0], "elbow"), ("proprio std length", ["proprio", "std"], [1]),
        ("tokenizer path escapes", ["tokenizer", "file"], "../tok.json"), ("max length", ["tokenizer", "maxLength"], 2),
        ("cache layers", ["cache", "layers"], 0), ("onnx file ext", ["onnx", "encoder", "file"], "enc.pt"),
        ("input renamed", ["onnx", "encoder", "inputs", 2, "name"], "ids"),
        ("input dtype", ["onnx", "decoder", "inputs", 0, "dtype"], "int32"),
        ("cache shape mismatch", ["onnx", "decoder", "inputs", 1, "shape", 3], 99),
        ("batch not symbolic", ["onnx", "decoder", "outputs", 0, "shape", 0], 1),
        ("logits vocab", ["onnx", "decoder", "outputs", 0, "shape", 2], 256),
        ("missing output", ["onnx", "encoder", "outputs"], []),
        ("decoding rounds too many", ["decoding", "rounds"], 57), ("decoding unknown key", ["decoding", "steps"], 12),
        ("decoding missing key", ["decoding", "ranking"], "<delete>"), ("temperature negative", ["decoding", "temperature"], -1),
        ("execute steps zero", ["decoding", "executeSteps"], 0),
        ("execute steps past the chunk", ["decoding", "executeSteps"], 99),
        ("execute steps fraction", ["decoding", "executeSteps"], 2.5),
        ("subtasks not boolean", ["decoding", "subtasks"], 1),
        ("keepWhenStill not boolean", ["decoding", "keepWhenStill"], "yes"),
        ("stall plans zero", ["decoding", "stallPlans"], 0),
        ("stall plans without temperature", ["decoding", "stallTemperature"], "<delete>"),
        ("stall temperature zero", ["decoding", "stallTemperature"], 0),
        ("stall temperature without plans", ["decoding", "stallPlans"], "<delete>"),
        ("stall window one", ["decoding", "stallWindow"], 1),
        ("stall window without radius", ["decoding", "stallRadius"], "<delete>"),
        ("stall radius zero", ["decoding", "stallRadius"], 0),
        ("stall radius without window", ["decoding", "stallWindow"], "<delete>"),
        ("training not object", ["training"], "yesterday"),
    ]
    cases = []
    for name, path, value in edits:
        m = copy.deepcopy(valid)
        parent = m
        for p in path[:-1]:
            parent = parent[p]
        if value == "<delete>":
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
        try:
            validate_manifest(m, "models/x/manifest.json")
            raise AssertionError(f"manifest case {name!r} was accepted")
        except ManifestError as e:
            cases.append({"name": name, "path": path, "value": value, "error": str(e)})
    return {"about": "Manifest validation cases: apply each edit to `valid`; written by training/make_fixtures.py",
            "fileName": "models/x/manifest.json", "valid": valid, "cases": cases}


def preprocess_cases():
    import numpy as np

    from training.preprocess import image_to_tensor, proprio_to_tensor

    rng = np.random.default_rng(0)
    cam = {"name": "agentview", "width": 5, "height": 3, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
    rgba = rng.integers(0, 256, size=(3, 5, 4), dtype=np.uint8)
    rgba[0, 0, :3] = [0, 128, 255]
    prop = {"names": ["opening", "x", "y", "z", "qw"], "mean": [0.04, 0.0, 0.0, 0.1, 0.5],
            "std": [0.02, 0.2, 0.2, 0.1, 0.5]}
    sim = [0.31, -0.12, 0.205, 0.0, 0.7071, 0.0, 0.7071, 0.035]
    return {"about": "Preprocessing cases (image NCHW, proprio); written by training/make_fixtures.py",
            "camera": cam, "rgba": rgba.reshape(-1).tolist(),
            "image": [float(v) for v in image_to_tensor(rgba, cam["mean"], cam["std"]).reshape(-1)],
            "proprio": prop, "simProprio": sim,
            "proprioOut": [float(v) for v in proprio_to_tensor(sim, prop["names"], prop["mean"], prop["std"])]}


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def main():
    write(os.path.join(FIX, "codec", "cases.json"), codec_cases())
    tok_json, tok_cases = tokenizer_cases()
    write(os.path.join(FIX, "tokenizer", "tokenizer.json"), tok_json)
    write(os.path.join(FIX, "tokenizer", "cases.json"), tok_cases)
    write(os.path.join(FIX, "model", "manifest_cases.json"), manifest_cases())
    write(os.path.join(FIX, "model", "preprocess.json"), preprocess_cases())
    print("fixtures written under", FIX)


if __name__ == "__main__":
    main()
