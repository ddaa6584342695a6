"""Model manifest (models/<name>/manifest.json), formatVersion 1: the single contract between
training and the browser runtime. Python twin of src/core/manifest.ts; both are checked against
tests/fixtures/model/manifest_cases.json, and models/README.md documents every field.

validate_manifest(obj, file_name) returns the manifest (a plain dict) or raises ManifestError
whose message names the file, the field path and what was expected, e.g.
  models/x/manifest.json: action.bins must be an integer >= 2, got "abc"
The ONNX input/output lists must equal expected_io(manifest) exactly (names, dtypes, shapes;
a string dimension is symbolic, the batch dimension must be one).
"""
import json
import math
import re
from typing import Any, Dict, List

FORMAT_VERSION = 1
BIN_RULE = "uniform-floor-v1"
CAMERA_NAMES = ["agentview", "wrist"]
PROPRIO_NAMES = ["x", "y", "z", "qx", "qy", "qz", "qw", "opening"]
DECODING_REQUIRED = ["mode", "rounds", "schedule", "ranking", "temperature", "remask"]
# executeSteps, subtasks and keepWhenStill are the closed loop's, not the decoder's: how many of a
# chunk's actions run before the next observation (absent: all of them), whether a multi-step
# instruction is fed one clause at a time (training/subtasks.py; absent: false), and whether a
# chunk's next actions run while the arm is still (src/policy/chunkPlan.ts; absent: false), and the
# stall escape: after stallPlans plans in a row that left the arm still, sample at stallTemperature
# (src/policy/VlaPolicy.ts; both or neither; absent: off), and also once stallWindow plans in a
# row were made with the TCP within stallRadius metres (the hover rule; both or neither, and only
# with the escape). The rest are DecoderSettings names.
CLOSED_LOOP_KEYS = ["executeSteps", "subtasks", "keepWhenStill", "stallPlans", "stallTemperature", "stallWindow",
                    "stallRadius"]
DECODING_KEYS = DECODING_REQUIRED + ["temperatureAnneal", "gumbelScale", "eta0", "residualMargin", "topK"] + CLOSED_LOOP_KEYS
TOP_KEYS = ["formatVersion", "name", "description", "cameras", "proprio", "tokenizer", "action",
            "cache", "onnx", "decoding", "training", "evaluation"]


class ManifestError(ValueError):
    pass


def _show(v: Any) -> str:
    return json.dumps(v, separators=(",", ":"))


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class _Checker:
    def __init__(self, file_name: str):
        self.file_name = file_name

    def fail(self, path: str, expected: str, got: Any) -> None:
        path = path or "(top level)"
        if expected == "present":
            raise ManifestError(f"{self.file_name}: {path} is missing")
        raise ManifestError(f"{self.file_name}: {path} must be {expected}, got {_show(got)}")

    def obj(self, v, path, keys=None):
        if not isinstance(v, dict):
            self.fail(path, "an object", v)
        if keys is not None:
            for k in v:
                if k not in keys:
                    self.fail(f"{path}.{k}" if path else k, "absent (unknown field; known: " + ", ".join(keys) + ")", v[k])
            for k in keys:
                if k not in v:
                    self.fail(f"{path}.{k}" if path else k, "present", None)
        return v

    def int(self, v, path, lo=None, hi=None):
        # JSON has one number type: 8.0 is the integer 8 here as in JavaScript (Number.isInteger).
        ok = _is_number(v) and float(v).is_integer()
        if ok and lo is not None and v < lo:
            ok = False
        if ok and hi is not None and v > hi:
            ok = False
        if not ok:
            rng = f" >= {lo}" if hi is None else f" in [{lo}, {hi}]"
            self.fail(path, "an integer" + (rng if lo is not None else ""), v)
        return v

    def num(self, v, path, positive=False, nonneg=False):
        ok = _is_number(v) and math.isfinite(v)
        if ok and positive and v <= 0:
            ok = False
        if ok and nonneg and v < 0:
            ok = False
        if not ok:
            self.fail(path, "a finite number" + (" > 0" if positive else " >= 0" if nonneg else ""), v)
        return v

    def str(self, v, path, pattern=None, choices=None):
        if not isinstance(v, str) or (pattern and not re.fullmatch(pattern, v)) or v == "" and pattern:
            self.fail(path, "a string" + (f" matching {pattern}" if pattern else ""), v)
        if choices is not None and v not in choices:
            self.fail(path, "one of " + ", ".join(_show(c) for c in choices), v)
        return v

    def bool(self, v, path):
        if not isinstance(v, bool):
            self.fail(path, "true or false", v)
        return v

    def const(self, v, path, want):
        same_kind = _is_number(v) if _is_number(want) else isinstance(v, str)
        if not same_kind or v != want:
            self.fail(path, _show(want), v)

    def arr(self, v, path, length=None, min_len=0):
        if not isinstance(v, list):
            self.fail(path, "an array", v)
        if length is not None and len(v) != length:
            self.fail(path, f"an array of length {length}", v)
        if len(v) < min_len:
            self.fail(path, f"an array of length >= {min_len}", v)
        return v

    def file(self, v, path, ext):
        # Relative to the manifest's folder, no escaping it: a model folder is self-contained.
        return self.str(v, path, r"[A-Za-z0-9_.-]+\." + ext)


def expected_io(m: Dict) -> Dict[str, Dict[str, List[Dict]]]:
    """The encoder/decoder inputs and outputs the runtime relies on, derived from the manifest."""
    c, a, cam = m["cache"], m["action"], m["cameras"]
    kv = [c["layers"], "batch", c["heads"], c["prefixLength"], c["headDim"]]
    t = m["tokenizer"]["maxLength"]
    enc_in = [{"name": x["name"], "dtype": "float32", "shape": ["batch", 3, x["height"], x["width"]]} for x in cam]
    enc_in += [{"name": "input_ids", "dtype": "int64", "shape": ["batch", t]},
               {"name": "attention_mask", "dtype": "int64", "shape": ["batch", t]},
               {"name": "proprio", "dtype": "float32", "shape": ["batch", len(m["proprio"]["names"])]}]
    cache = [{"name": "past_keys", "dtype": "float32", "shape": kv},
             {"name": "past_values", "dtype": "float32", "shape": kv},
             {"name": "prefix_mask", "dtype": "float32", "shape": ["batch", c["prefixLength"]]}]
    n_tok = a["chunkLength"] * a["dims"]
    dec_in = [{"name": "action_tokens", "dtype": "int64", "shape": ["batch", n_tok]}] + cache
    dec_out = [{"name": "logits", "dtype": "float32", "shape": ["batch", n_tok, a["vocabSize"]]}]
    return {"encoder": {"inputs": enc_in, "outputs": cache}, "decoder": {"inputs": dec_in, "outputs": dec_out}}


def _check_io(ck: _Checker, got, path: str, want: List[Dict]) -> None:
    ck.arr(got, path, length=len(want))
    for i, (g, w) in enumerate(zip(got, want)):
        p = f"{path}[{i}]"
        ck.obj(g, p, ["name", "dtype", "shape"])
        ck.const(g["name"], p + ".name", w["name"])
        ck.const(g["dtype"], p + ".dtype", w["dtype"])
        shape = ck.arr(g["shape"], p + ".shape", length=len(w["shape"]))
        for j, (gd, wd) in enumerate(zip(shape, w["shape"])):
            if isinstance(wd, str):
                ck.str(gd, f"{p}.shape[{j}]", r"[A-Za-z_][A-Za-z0-9_]*")
            else:
                ck.const(gd, f"{p}.shape[{j}]", wd)


def validate_manifest(m: Any, file_name: str = "manifest.json") -> Dict:
    ck = _Checker(file_name)
    ck.obj(m, "", TOP_KEYS)
    ck.const(m["formatVersion"], "formatVersion", FORMAT_VERSION)
    ck.str(m["name"], "name", r"[A-Za-z0-9_.-]+")
    ck.str(m["description"], "description")
    cams = ck.arr(m["cameras"], "cameras", min_len=1)
    seen = []
    for i, cam in enumerate(cams):
        p = f"cameras[{i}]"
        ck.obj(cam, p, ["name", "width", "height", "channelOrder", "layout", "dtype", "mean", "std"])
        ck.str(cam["name"], p + ".name", choices=[n for n in CAMERA_NAMES if n not in seen])
        seen.append(cam["name"])
        ck.int(cam["width"], p + ".width", 8, 1024)
        ck.int(cam["height"], p + ".height", 8, 1024)
        ck.const(cam["channelOrder"], p + ".channelOrder", "RGB")
        ck.const(cam["layout"], p + ".layout", "NCHW")
        ck.const(cam["dtype"], p + ".dtype", "float32")
        for j, v in enumerate(ck.arr(cam["mean"], p + ".mean", length=3)):
            ck.num(v, f"{p}.mean[{j}]")
        for j, v in enumerate(ck.arr(cam["std"], p + ".std", length=3)):
            ck.num(v, f"{p}.std[{j}]", positive=True)
    pr = ck.obj(m["proprio"], "proprio", ["names", "mean", "std"])
    names = ck.arr(pr["names"], "proprio.names", min_len=1)
    for j, n in enumerate(names):
        ck.str(n, f"proprio.names[{j}]", choices=[x for x in PROPRIO_NAMES if x not in names[:j]])
    for j, v in enumerate(ck.arr(pr["mean"], "proprio.mean", length=len(names))):
        ck.num(v, f"proprio.mean[{j}]")
    for j, v in enumerate(ck.arr(pr["std"], "proprio.std", length=len(names))):
        ck.num(v, f"proprio.std[{j}]", positive=True)
    tk = ck.obj(m["tokenizer"], "tokenizer", ["file", "maxLength", "vocabSize"])
    ck.file(tk["file"], "tokenizer.file", "json")
    ck.int(tk["maxLength"], "tokenizer.maxLength", 3)
    ck.int(tk["vocabSize"], "tokenizer.vocabSize", 5)
    a = ck.obj(m["action"], "action", ["names", "chunkLength", "dims", "bins", "binRule", "low", "high",
                                       "maskId", "vocabSize"])
    dims = ck.int(a["dims"], "action.dims", 1)
    for j, n in enumerate(ck.arr(a["names"], "action.names", length=dims)):
        ck.str(n, f"action.names[{j}]", r".+")
    ck.int(a["chunkLength"], "action.chunkLength", 1)
    bins = ck.int(a["bins"], "action.bins", 2)
    ck.const(a["binRule"], "action.binRule", BIN_RULE)
    low = ck.arr(a["low"], "action.low", length=dims)
    high = ck.arr(a["high"], "action.high", length=dims)
    for j in range(dims):
        ck.num(low[j], f"action.low[{j}]")
        ck.num(high[j], f"action.high[{j}]")
        if not high[j] > low[j]:
            ck.fail(f"action.high[{j}]", f"greater than action.low[{j}] = {_show(low[j])}", high[j])
    ck.const(a["maskId"], "action.maskId", bins)
    ck.const(a["vocabSize"], "action.vocabSize", bins + 1)
    c = ck.obj(m["cache"], "cache", ["layers", "heads", "headDim", "prefixLength"])
    for k in ["layers", "heads", "headDim", "prefixLength"]:
        ck.int(c[k], "cache." + k, 1)
    ox = ck.obj(m["onnx"], "onnx", ["opset", "encoder", "decoder"])
    ck.int(ox["opset"], "onnx.opset", 13)
    want = expected_io(m)
    for g in ["encoder", "decoder"]:
        gr = ck.obj(ox[g], "onnx." + g, ["file", "inputs", "outputs"])
        ck.file(gr["file"], f"onnx.{g}.file", "onnx")
        _check_io(ck, gr["inputs"], f"onnx.{g}.inputs", want[g]["inputs"])
        _check_io(ck, gr["outputs"], f"onnx.{g}.outputs", want[g]["outputs"])
    # Default decoder settings; names and values follow src/decoder/settings.ts (DecoderSettings),
    # whose validateSettings does the finer checks (known schedules, rankings, remask rules).
    d = ck.obj(m["decoding"], "decoding")
    for k in d:
        if k not in DECODING_KEYS:
            ck.fail("decoding." + k, "absent (unknown field; known: " + ", ".join(DECODING_KEYS) + ")", d[k])
    for k in DECODING_REQUIRED:
        if k not in d:
            ck.fail("decoding." + k, "present", None)
    for k in ["mode", "schedule", "ranking", "remask", "temperatureAnneal"]:
        if k in d:
            ck.str(d[k], "decoding." + k, r"[a-z][a-z0-9-]*")
    ck.int(d["rounds"], "decoding.rounds", 1, a["chunkLength"] * dims)
    for k in ["temperature", "gumbelScale", "eta0", "residualMargin"]:
        if k in d:
            ck.num(d[k], "decoding." + k, nonneg=True)
    if "topK" in d:
        ck.int(d["topK"], "decoding.topK", 1)
    if "executeSteps" in d:
        ck.int(d["executeSteps"], "decoding.executeSteps", 1, a["chunkLength"])
    for k in ["subtasks", "keepWhenStill"]:
        if k in d:
            ck.bool(d[k], "decoding." + k)
    if "stallPlans" in d:
        ck.int(d["stallPlans"], "decoding.stallPlans", 1)
    if "stallTemperature" in d:
        ck.num(d["stallTemperature"], "decoding.stallTemperature", positive=True)
    if ("stallPlans" in d) != ("stallTemperature" in d):  # the stall escape needs both
        ck.fail("decoding." + ("stallTemperature" if "stallPlans" in d else "stallPlans"), "present", None)
    if "stallWindow" in d:
        ck.int(d["stallWindow"], "decoding.stallWindow", 2)
    if "stallRadius" in d:
        ck.num(d["stallRadius"], "decoding.stallRadius", positive=True)
    if ("stallWindow" in d) != ("stallRadius" in d):  # the hover rule needs both, and the escape it starts
        ck.fail("decoding." + ("stallRadius" if "stallWindow" in d else "stallWindow"), "present", None)
    if "stallWindow" in d and "stallPlans" not in d:
        ck.fail("decoding.stallPlans", "present (stallWindow and stallRadius need the stall escape)", None)
    for k in ["training", "evaluation"]:
        if m[k] is not None:
            ck.obj(m[k], k)
    return m


def load_manifest(path: str) -> Dict:
    with open(path, "r", encoding="utf-8") as f:
        try:
            obj = json.load(f)
        except json.JSONDecodeError as e:
            raise ManifestError(f"{path}: not valid JSON ({e})") from None
    return validate_manifest(obj, path)


def default_decoding(rounds: int = 12) -> Dict:
    """The manifest's decoding block: greedy DD with `rounds` rounds, cosine schedule, threshold remasking."""
    return {"mode": "dd", "rounds": rounds, "schedule": "cosine", "ranking": "maxprob",
            "temperature": 0, "remask": "threshold", "eta0": 0.5}


def build_manifest(cfg, name: str, description: str, tokenizer_json: Dict, stats: Dict,
                   decoding: Dict = None, training: Dict = None, evaluation: Dict = None,
                   opset: int = 17) -> Dict:
    """Manifest for a training.config.ModelConfig. stats: {"image_mean": [3], "image_std": [3],
    "proprio_mean": [D], "proprio_std": [D], "action_low": [7], "action_high": [7]}."""
    m = {
        "formatVersion": FORMAT_VERSION, "name": name, "description": description,
        "cameras": [{"name": c, "width": cfg.image_size, "height": cfg.image_size, "channelOrder": "RGB",
                     "layout": "NCHW", "dtype": "float32", "mean": list(stats["image_mean"]),
                     "std": list(stats["image_std"])} for c in cfg.cameras],
        "proprio": {"names": PROPRIO_NAMES[: cfg.proprio_dim], "mean": list(stats["proprio_mean"]),
                    "std": list(stats["proprio_std"])},
        "tokenizer": {"file": "tokenizer.json", "maxLength": tokenizer_json["maxLength"],
                      "vocabSize": len(tokenizer_json["vocab"])},
        "action": {"names": ["dx", "dy", "dz", "droll", "dpitch", "dyaw", "gripper"][: cfg.action_dim],
                   "chunkLength": cfg.chunk_len, "dims": cfg.action_dim, "bins": cfg.bins, "binRule": BIN_RULE,
                   "low": list(stats["action_low"]), "high": list(stats["action_high"]),
                   "maskId": cfg.mask_id, "vocabSize": cfg.bins + 1},
        "cache": {"layers": cfg.n_layer, "heads": cfg.n_head, "headDim": cfg.head_dim,
                  "prefixLength": cfg.prefix_len},
        "onnx": {"opset": opset},
        # A model trained on one clause at a time (goal_order "clause") is run that way too.
        "decoding": {**(decoding or default_decoding()),
                     **({"subtasks": True} if getattr(cfg, "goal_order", "plan") == "clause" else {})},
        "training": training, "evaluation": evaluation,
    }
    io = expected_io(m)
    m["onnx"]["encoder"] = {"file": "encoder.onnx", **io["encoder"]}
    m["onnx"]["decoder"] = {"file": "decoder.onnx", **io["decoder"]}
    m = json.loads(json.dumps(m))  # unshare the lists expected_io reuses; JSON types only
    return validate_manifest(m, f"models/{name}/manifest.json")


def check_tokenizer(m: Dict, tok, file_name: str = None) -> None:
    """Cross-file check for loaders: the tokenizer file must be the one the manifest describes."""
    if tok.max_length != m["tokenizer"]["maxLength"] or tok.vocab_size != m["tokenizer"]["vocabSize"]:
        raise ManifestError(
            f"{file_name or m['tokenizer']['file']}: maxLength {tok.max_length} and vocab size {tok.vocab_size} "
            f"must equal the manifest's tokenizer.maxLength {m['tokenizer']['maxLength']} and "
            f"tokenizer.vocabSize {m['tokenizer']['vocabSize']}")
