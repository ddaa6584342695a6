"""Discrete-diffusion action decoder, Python twin of src/decoder/ (decode.ts, schedule.ts,
settings.ts, tokenScoring.ts) for training-time validation.

References: MaskGIT parallel_decode / mask_schedule (arXiv 2202.04200, google-research/maskgit
libml/); Discrete Diffusion VLA (arXiv 2508.20072): max-confidence / gap ranking and secondary
remasking (threshold eta_t = eta0 * (1 - t/T), residual drop). docs/decoder.md has the formulas.

Same rules, same names (snake_case), same rng draw order as the TypeScript decoder; both are
checked against tests/fixtures/decoder/decoder_fixture.json (integers exactly, float trace values
to float32 precision). Invariants: exactly T forward passes; C_t tokens committed after round t;
re-masks per round <= L - C_t and never in rounds 1 or T; output holds action ids only.
`Rng` is a port of src/core/rng.ts (mulberry32 + splitmix32 seeding), bit-identical draws.
"""
import math
from dataclasses import dataclass, fields, replace
from typing import Callable, Optional, Tuple

import numpy as np

SCHEDULE_METHODS = ("cosine", "linear", "square", "cubic", "sqrt", "log", "exp")
ANNEAL_KINDS = ("constant", "linear", "cosine")
DECODER_MODES = ("dd", "oneshot", "ar", "random")
RANKING_RULES = ("maxprob", "gap", "sampled", "random")
REMASK_RULES = ("none", "threshold", "residual", "both")
MIN_MASK_RATIO = 1e-6  # MaskGIT's clamp
SCHEDULE_EPS = 1e-9  # same counts whatever libm's last ulp of cos (see schedule.ts)
CONFIDENCE_OF_KNOWN_TOKENS = math.inf  # committed tokens are never re-ranked
MIN_CONFIDENCE = 1e-12  # floor before log so a zero gap still ranks
MIN_UNIFORM = 1e-300  # keeps Gumbel noise finite

M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & M32


def _mix32(x: int) -> int:
    z = (x + 0x9E3779B9) & M32
    z = _imul(z ^ (z >> 16), 0x85EBCA6B)
    z = _imul(z ^ (z >> 13), 0xC2B2AE35)
    return (z ^ (z >> 16)) & M32


class Rng:
    """mulberry32 seeded through splitmix32, as src/core/rng.ts (integer seeds |seed| < 2^32)."""

    def __init__(self, seed: int):
        if not isinstance(seed, int) or abs(seed) >= 2**32:
            raise ValueError(f"Rng: seed must be an integer with |seed| < 2^32, got {seed!r}")
        self.seed = seed & M32
        self.state = _mix32(self.seed)

    def next(self) -> float:
        self.state = (self.state + 0x6D2B79F5) & M32
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296


class DecoderInputError(ValueError):
    """Bad settings, shape or logits; `field` names what to change."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DecoderSettings:
    """Mirror of DecoderSettings in src/decoder/settings.ts (defaults and sources there)."""
    mode: str = "dd"
    rounds: int = 12  # DD-VLA on LIBERO
    schedule: str = "cosine"  # MaskGIT / DD-VLA
    ranking: str = "maxprob"
    temperature: float = 0.0
    temperature_anneal: str = "linear"
    gumbel_scale: float = 0.0
    remask: str = "threshold"
    eta0: float = 0.5  # DD-VLA
    residual_margin: float = 0.3
    top_k: int = 3
    num_action_ids: Optional[int] = None
    vocab_size: Optional[int] = None


def default_decoder_settings() -> DecoderSettings:
    return DecoderSettings()


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def make_settings(overrides=None) -> DecoderSettings:
    """Defaults with overrides (a dict with snake_case or the TS camelCase keys, or settings)."""
    if overrides is None:
        return DecoderSettings()
    if isinstance(overrides, DecoderSettings):
        return overrides
    known = {f.name for f in fields(DecoderSettings)}
    kw = {}
    for key, value in overrides.items():
        name = _snake(key)
        if name not in known:
            raise DecoderInputError(f"settings.{key}: unknown setting (known: {', '.join(sorted(known))})", f"settings.{key}")
        kw[name] = value
    return replace(DecoderSettings(), **kw)


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool) and math.isfinite(v)


def validate_settings(s: DecoderSettings, tokens: Optional[int] = None, mask_id: Optional[int] = None):
    """Every problem with `s` (empty list when valid); messages start with the field name."""
    e = []
    for name, allowed in (("mode", DECODER_MODES), ("schedule", SCHEDULE_METHODS), ("ranking", RANKING_RULES),
                          ("temperature_anneal", ANNEAL_KINDS), ("remask", REMASK_RULES)):
        if getattr(s, name) not in allowed:
            e.append(f"settings.{name}: unknown value {getattr(s, name)!r} (expected {', '.join(allowed)})")
    if s.mode in ("dd", "random"):
        if not _is_int(s.rounds) or s.rounds < 1:
            e.append(f"settings.rounds: must be an integer >= 1, got {s.rounds!r}")
        elif tokens is not None and s.rounds > tokens:
            e.append(f"settings.rounds: {s.rounds} rounds exceed the {tokens} tokens of the chunk")
    for name, lo, hi in (("temperature", 0, math.inf), ("gumbel_scale", 0, math.inf), ("eta0", 0, 1), ("residual_margin", 0, 1)):
        v = getattr(s, name)
        if not _is_num(v) or v < lo or v > hi:
            e.append(f"settings.{name}: must be a finite number in [{lo}, {hi}], got {v!r}")
    if not _is_int(s.top_k) or s.top_k < 1:
        e.append(f"settings.top_k: must be an integer >= 1, got {s.top_k!r}")
    if s.num_action_ids is not None and (not _is_int(s.num_action_ids) or s.num_action_ids < 2):
        e.append(f"settings.num_action_ids: must be None or an integer >= 2, got {s.num_action_ids!r}")
    if s.vocab_size is not None and (not _is_int(s.vocab_size) or s.vocab_size < 3):
        e.append(f"settings.vocab_size: must be None or an integer >= 3, got {s.vocab_size!r}")
    if mask_id is not None:
        actions = s.num_action_ids if s.num_action_ids is not None else mask_id
        if not _is_int(mask_id) or mask_id < 0:
            e.append(f"mask_id: must be an integer >= 0, got {mask_id!r}")
        elif mask_id < actions:
            e.append(f"mask_id: {mask_id} is an action id (actions are [0, {actions})); the mask must not be sampleable")
        elif s.num_action_ids is None and mask_id < 2:
            e.append(f"mask_id: {mask_id} leaves fewer than 2 action ids; set settings.num_action_ids")
        if _is_int(s.top_k) and _is_int(actions) and s.top_k > actions:
            e.append(f"settings.top_k: {s.top_k} exceeds the {actions} action ids")
        if s.vocab_size is not None and _is_int(mask_id) and mask_id >= s.vocab_size:
            e.append(f"settings.vocab_size: {s.vocab_size} does not contain mask_id {mask_id}")
    return e


def assert_valid_settings(s: DecoderSettings, tokens=None, mask_id=None) -> None:
    e = validate_settings(s, tokens, mask_id)
    if e:
        raise DecoderInputError("decoder: " + "; ".join(e), e[0].split(":")[0])


@dataclass(frozen=True)
class DecodePlan:
    mode: str
    rounds: int
    schedule: str
    ranking: str  # RANKING_RULES or "position" (AR baseline)
    remask: str
    gumbel_scale: float


def resolve_plan(s: DecoderSettings, tokens: int) -> DecodePlan:
    if s.mode == "dd":
        return DecodePlan("dd", s.rounds, s.schedule, s.ranking, s.remask, s.gumbel_scale)
    if s.mode == "oneshot":
        return DecodePlan("oneshot", 1, "linear", s.ranking, "none", 0.0)
    if s.mode == "ar":
        return DecodePlan("ar", tokens, "linear", "position", "none", 0.0)
    if s.mode == "random":
        return DecodePlan("random", s.rounds, s.schedule, "random", "none", 0.0)
    raise DecoderInputError(f"settings.mode: unknown mode {s.mode!r}", "settings.mode")


def mask_ratio(method: str, ratio: float, total_unknown: int) -> float:
    """MaskGIT schedule(): fraction still masked at progress `ratio`, clamped to [1e-6, 1]."""
    if method == "cosine":
        r = math.cos(math.pi / 2 * ratio)
    elif method == "linear":
        r = 1 - ratio
    elif method == "square":
        r = 1 - ratio * ratio
    elif method == "cubic":
        r = 1 - ratio * ratio * ratio
    elif method == "sqrt":
        r = 1 - math.sqrt(ratio)
    elif method == "log":
        if total_unknown <= 1:
            r = 0.0 if ratio >= 1 else 1.0
        else:
            r = math.inf if ratio == 0 else -math.log2(ratio) / math.log2(total_unknown)
    elif method == "exp":
        r = 1 - math.pow(2, -math.log2(max(total_unknown, 1)) * (1 - ratio))
    else:
        raise DecoderInputError(f"decoder: unknown schedule {method!r} (expected one of {', '.join(SCHEDULE_METHODS)})", "settings.schedule")
    if math.isnan(r):
        r = 1.0
    return min(1.0, max(MIN_MASK_RATIO, r))


def committed_schedule(tokens: int, rounds: int, method: str) -> np.ndarray:
    """C_t for t = 1..T: tokens committed after each round (strictly increasing, C_T = L)."""
    if not _is_int(tokens) or tokens < 1:
        raise DecoderInputError(f"decoder: chunk must have >= 1 token, got {tokens!r}", "shape")
    if not _is_int(rounds) or rounds < 1 or rounds > tokens:
        raise DecoderInputError(f"decoder: settings.rounds must be an integer in [1, {tokens}], got {rounds!r}", "settings.rounds")
    out = np.zeros(rounds, np.int32)
    prev = tokens
    for t in range(1, rounds + 1):
        masked = 0
        if t < rounds:
            masked = math.floor(tokens * mask_ratio(method, t / rounds, tokens) + SCHEDULE_EPS)
            masked = max(min(masked, prev - 1), rounds - t)
        out[t - 1] = tokens - masked
        prev = masked
    return out


def anneal_factor(kind: str, ratio: float) -> float:
    if kind == "constant":
        return 1.0
    if kind == "linear":
        return max(0.0, 1 - ratio)
    if kind == "cosine":
        return max(0.0, math.cos(math.pi / 2 * ratio))
    raise DecoderInputError(f"decoder: unknown anneal kind {kind!r}", "settings.temperature_anneal")


def gumbel(rng) -> float:
    return -math.log(-math.log(max(rng.next(), MIN_UNIFORM)))



@dataclass
class DecodeTrace:
    """Every round of a decode; arrays are (T, L) or (T, L, k), per-round scalars (T,)."""
    rounds: int
    tokens: int
    top_k: int
    rounds_done: int = 0
    forward_passes: int = 0
    vocab_size: int = 0
    tokens_in: np.ndarray = None
    predicted: np.ndarray = None
    confidence: np.ndarray = None
    score: np.ndarray = None
    top_ids: np.ndarray = None
    top_probs: np.ndarray = None
    committed: np.ndarray = None
    remasked: np.ndarray = None
    tokens_out: np.ndarray = None
    committed_target: np.ndarray = None
    temperature: np.ndarray = None
    gumbel_scale: np.ndarray = None
    eta: np.ndarray = None


def alloc_trace(rounds: int, tokens: int, k: int) -> DecodeTrace:
    z = lambda dt, *sh: np.zeros(sh, dt)  # noqa: E731
    return DecodeTrace(rounds, tokens, k, tokens_in=z(np.int32, rounds, tokens), predicted=z(np.int32, rounds, tokens),
                       confidence=z(np.float32, rounds, tokens), score=z(np.float32, rounds, tokens),
                       top_ids=z(np.int32, rounds, tokens, k), top_probs=z(np.float32, rounds, tokens, k),
                       committed=z(np.uint8, rounds, tokens), remasked=z(np.uint8, rounds, tokens),
                       tokens_out=z(np.int32, rounds, tokens), committed_target=z(np.int32, rounds),
                       temperature=z(np.float32, rounds), gumbel_scale=z(np.float32, rounds), eta=z(np.float32, rounds))


@dataclass
class DecodeResult:
    tokens: np.ndarray
    trace: DecodeTrace
    forward_passes: int
    settings: DecoderSettings
    plan: DecodePlan


def check_logits(logits, tokens: int, vocab: int, actions: int, rnd: int) -> np.ndarray:
    """(L, V) float32 view; NaN anywhere or +-inf in an action column is an error (-inf elsewhere is fine)."""
    a = np.asarray(logits)
    if a.dtype != np.float32:
        raise DecoderInputError(f"logits (round {rnd}): tokens_to_logits must return float32, got {a.dtype}", "logits")
    if a.size != tokens * vocab:
        raise DecoderInputError(f"logits (round {rnd}): length {a.size} != {tokens} tokens x {vocab} vocab = {tokens * vocab}", "logits")
    a = a.reshape(tokens, vocab)
    bad = np.isnan(a) | np.isposinf(a)
    bad[:, :actions] |= np.isinf(a[:, :actions])
    if bad.any():
        i, v = map(int, np.argwhere(bad)[0])
        raise DecoderInputError(f"logits (round {rnd}): non-finite value {a[i, v]} at token {i}, id {v}", "logits")
    return a


def _sample_row(row: np.ndarray, mx: float, tau: float, top0: int, rng) -> int:
    """Inverse-CDF draw from softmax(row / tau) over the action ids (one rng draw); tau 0 = argmax."""
    if tau == 0:
        return top0
    w = np.exp((row - mx) / tau)
    cum = np.cumsum(w)  # sequential sum, as the TS loop
    idx = int(np.searchsorted(cum, rng.next() * cum[-1], side="right"))
    return idx if idx < len(row) else int(np.flatnonzero(w > 0)[-1])


def decode(tokens_to_logits: Callable, shape: Tuple[int, int], mask_id: int, settings=None, rng=None,
           before_round: Optional[Callable] = None) -> DecodeResult:
    """Fill a (steps, dims) chunk in T rounds; tokens_to_logits(tokens (L,), round) -> float32 (L*V)."""
    steps, dims = shape
    if not (_is_int(steps) and _is_int(dims) and steps >= 1 and dims >= 1):
        raise DecoderInputError(f"shape: steps and dims must be integers >= 1, got {shape!r}", "shape")
    L = steps * dims
    s = make_settings(settings)
    assert_valid_settings(s, L, mask_id)
    plan = resolve_plan(s, L)
    T, A, k = plan.rounds, (s.num_action_ids if s.num_action_ids is not None else mask_id), s.top_k
    kint = max(k, min(2, A))
    targets = committed_schedule(L, T, plan.schedule)
    tr = alloc_trace(T, L, k)
    tr.committed_target[:] = targets
    tokens = np.full(L, mask_id, np.int32)
    is_committed = np.zeros(L, bool)
    commit_prob = np.zeros(L)
    cur_prob = np.zeros(L)
    vocab = s.vocab_size or 0
    count = 0
    for t in range(1, T + 1):
        r = t - 1
        if before_round is not None:
            before_round(t, T, tokens.copy(), tr)
        tokens_in = tokens.copy()
        tr.tokens_in[r] = tokens_in
        logits = tokens_to_logits(tokens_in.copy(), t)
        tr.forward_passes += 1
        if vocab == 0:
            n = np.asarray(logits).size
            if n <= 0 or n % L:
                raise DecoderInputError(f"logits (round {t}): length {n} is not a multiple of {L} tokens", "logits")
            vocab = n // L
        if vocab <= mask_id or vocab < A:
            raise DecoderInputError(f"logits (round {t}): vocab {vocab} must exceed mask_id {mask_id} and cover {A} action ids", "logits")
        lg = check_logits(logits, L, vocab, A, t)[:, :A].astype(np.float64)  # (L, A)
        tr.vocab_size = vocab
        tau = s.temperature * anneal_factor(s.temperature_anneal, r / T)
        g = plan.gumbel_scale * (1 - t / T)
        remask_on = plan.remask != "none" and 1 < t < T
        eta = s.eta0 * (1 - t / T) if remask_on and plan.remask in ("threshold", "both") else 0.0
        tr.temperature[r], tr.gumbel_scale[r], tr.eta[r] = tau, g, eta
        top = np.argsort(-lg, axis=1, kind="stable")[:, :kint]  # (L, kint), ties: lower id first
        mx = lg[np.arange(L), top[:, 0]]
        probs = np.exp(lg - mx[:, None]) / np.cumsum(np.exp(lg - mx[:, None]), axis=1)[:, -1:]  # (L, A)
        tr.top_ids[r] = top[:, :k]
        tr.top_probs[r] = np.take_along_axis(probs, top[:, :k], axis=1)
        pred = tokens.copy()
        pred_prob = np.zeros(L)
        score = np.full(L, CONFIDENCE_OF_KNOWN_TOKENS)
        conf = np.zeros(L)
        for i in range(L):  # rng draw order per masked token: sample, random ranking, Gumbel
            if is_committed[i]:
                conf[i] = cur_prob[i] = probs[i, tokens[i]]
                continue
            p = _sample_row(lg[i], mx[i], tau, int(top[i, 0]), rng)
            pred[i], pred_prob[i] = p, probs[i, p]
            p1 = probs[i, top[i, 0]]
            c = {"maxprob": p1, "position": p1, "gap": p1 - (probs[i, top[i, 1]] if kint > 1 else 0.0),
                 "sampled": pred_prob[i]}.get(plan.ranking)
            if c is None:
                c = rng.next()
            conf[i] = c
            sc = float(L - i) if plan.ranking == "position" else math.log(max(c, MIN_CONFIDENCE))
            if g > 0:
                sc += g * gumbel(rng)
            score[i] = sc
        tr.predicted[r], tr.confidence[r], tr.score[r] = pred, conf, score
        new = int(targets[r]) - count
        if remask_on:  # secondary remasking: least confident first, at most M_t
            fired = [i for i in range(L) if is_committed[i] and (cur_prob[i] < eta or (
                plan.remask in ("residual", "both") and commit_prob[i] - cur_prob[i] > s.residual_margin))]
            fired.sort(key=lambda i: (cur_prob[i], i))
            for i in fired[:L - int(targets[r])]:
                is_committed[i], tokens[i], tr.remasked[r, i] = False, mask_id, 1
                count -= 1
                new += 1
        cand = sorted((i for i in range(L) if tokens_in[i] == mask_id), key=lambda i: (-score[i], i))
        if new > len(cand):
            raise RuntimeError(f"decoder invariant broken: {new} commits needed, {len(cand)} masked")
        for i in cand[:new]:
            tokens[i], is_committed[i], commit_prob[i], tr.committed[r, i] = pred[i], True, pred_prob[i], 1
        count += new
        tr.tokens_out[r] = tokens
        tr.rounds_done = t
    return DecodeResult(tokens.copy(), tr, tr.forward_passes, s, plan)
