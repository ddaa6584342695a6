"""The discrete-diffusion training objective (DESIGN.md; Discrete Diffusion VLA arXiv 2508.20072,
MaskGIT arXiv 2202.04200): mask draws and the loss over masked positions, with optional
self-conditioning.

Per sample, u ~ U(0, 1), mask ratio r = cos(pi/2 * u), n_mask = max(1, ceil(r * N)) of the N = H * 7
action tokens are replaced by the mask id; cross-entropy on masked positions only. K mask draws per
sample share one encode_prefix (the prefix never sees the actions).

Self-conditioning (`self_cond` > 0, our addition). With the expert's tokens as the visible ones the
network learns p(masked | true visible tokens). The decoder never shows it true tokens: round t
conditions on the tokens the network itself committed in rounds < t, its most confident
predictions. Session 12 measured what that mismatch costs on vla-kp-gtd, teacher-forced on fresh
goal demos: the mean dx error was 3.8 bins one-shot, 5.9 bins with DD T = 12 and 10.6 with
left-to-right AR. So for a share `self_cond` of the draws the visible tokens are replaced by the
network's own one-shot argmax, computed from the same prefix without gradient. The positions left
visible are the most confident of those predictions (as many as the draw left visible among the
labelled steps), which is what the decoder's max-probability ranking commits first. The loss stays the cross-entropy against the
expert's tokens on the masked positions, so the network learns to correct its own guesses rather
than extrapolate them. Costs one extra decoder pass (batch B, no backward) per step.
Invariants: the number of masked labelled tokens (those in the loss) per draw is the same with and
without self-conditioning; a label-less step (target -100) is always masked on input and never in the loss.
"""
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

from training.goals import goal_loss, yaw_loss
from training.model import VLA


def draw_masks(rng: np.random.Generator, rows: int, n_tokens: int, ratio: Optional[float] = None) -> np.ndarray:
    """(rows, n_tokens) bool, True = masked. ratio None: cosine schedule r = cos(pi/2 * u);
    n_mask = max(1, ceil(r * n_tokens)), positions uniformly at random."""
    r = np.cos(np.pi / 2 * rng.random(rows)) if ratio is None else np.full(rows, ratio)
    n_mask = np.maximum(1, np.ceil(r * n_tokens - 1e-9)).astype(np.int64)
    rank = np.argsort(rng.random((rows, n_tokens)), axis=1).argsort(axis=1)  # random permutation ranks
    return rank < n_mask[:, None]


@torch.no_grad()
def self_condition(model: VLA, cache, prefix_mask, m: torch.Tensor, targets: torch.Tensor, rows: torch.Tensor):
    """For the draws in `rows` (bool, B*K): the visible tokens become the network's one-shot argmax
    on its n_visible most confident labelled positions. Returns (tokens fed, mask) for every draw;
    m (B*K, N) bool True = masked, targets (B*K, N) with -100 where a step has no label."""
    cfg = model.cfg
    BK, N = m.shape
    K = BK // prefix_mask.size(0)
    full = torch.full((prefix_mask.size(0), N), cfg.mask_id, dtype=torch.int64, device=m.device)
    logits = model.decode_same_batch(full, cache, prefix_mask)[..., : cfg.bins].float()  # (B, N, bins)
    conf, pred = logits.softmax(-1).max(-1)  # (B, N)
    conf, pred = conf.repeat_interleave(K, 0), pred.repeat_interleave(K, 0)  # (B*K, N)
    labelled = targets >= 0
    conf = torch.where(labelled, conf, torch.full_like(conf, -1.0))  # label-less steps stay masked
    n_visible = labelled.sum(1) - (m & labelled).sum(1)  # (B*K,) as many labelled tokens in the loss as drawn
    rank = conf.argsort(1, descending=True).argsort(1)  # 0 = most confident
    m_sc = rank >= n_visible[:, None]
    m_new = torch.where(rows[:, None], m_sc, m)
    visible = torch.where(rows[:, None], pred, targets)
    tokens = torch.where(m_new | ~labelled, torch.full_like(targets, cfg.mask_id), visible)
    return tokens, m_new


def masked_loss(model: VLA, b: dict, masks: np.ndarray, autocast, self_cond_rows: Optional[np.ndarray] = None,
                yaw_weight: float = 1.0, outputs: Optional[dict] = None):
    """Loss over masked positions of K = len(masks) / B draws sharing one prefix per sample.
    self_cond_rows: None, or (B*K,) bool, the draws whose visible tokens are the network's own
    (module docstring). Returns (loss, logits (B*K, N, bins), targets (B*K, N) with -100 on
    unmasked, aux_loss): aux_loss is the goal-point loss (smooth L1 over valid values,
    training/goals.py), plus yaw_weight x the yaw loss with model aux_yaw (goals.yaw_loss), or None
    when the model has no auxiliary head or the batch no goal targets. outputs: a dict that, when
    given, receives "yaw", the yaw prediction (B, 2) the loss used (held-out metrics reuse it)."""
    cfg = model.cfg
    K = masks.shape[0] // b["targets"].size(0)
    targets = b["targets"].repeat_interleave(K, 0)  # (B*K, N)
    m = torch.from_numpy(masks).to(targets.device)
    # Steps without a label (target -100: past the end of a demo that did not succeed) are always masked
    # on input and left out of the loss.
    tokens = torch.where(m | (targets < 0), torch.full_like(targets, cfg.mask_id), targets)
    with_aux = cfg.aux_goals > 0 and "aux" in b
    with_yaw = bool(cfg.aux_yaw) and "yaw" in b
    with autocast():
        cache, prefix_mask, hidden, state = model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"],
                                                                b["proprio"], return_hidden=True, return_state=True)
        if self_cond_rows is not None and self_cond_rows.any():
            rows = torch.from_numpy(self_cond_rows).to(targets.device)
            tokens, m = self_condition(model, cache, prefix_mask, m, targets, rows)  # no_grad inside
        logits = model.decode_actions(tokens, cache, prefix_mask)[..., : cfg.bins].float()  # (B*K, N, bins)
        pred = model.predict_goals(hidden).float() if with_aux else None  # (B, 6 G)
        yaw = model.predict_yaw(state).float() if with_yaw else None  # (B, 2)
    t = torch.where(m, targets, torch.full_like(targets, -100))
    aux_loss = goal_loss(model, b, pred) if pred is not None else None
    if yaw is not None:
        if outputs is not None:
            outputs["yaw"] = yaw.detach()
        aux_loss = yaw_weight * yaw_loss(yaw, b) + (aux_loss if aux_loss is not None else 0.0)
    if bool((t >= 0).any()):
        loss = F.cross_entropy(logits.reshape(-1, cfg.bins), t.reshape(-1), ignore_index=-100)
    else:  # no labelled masked position in the batch (mean over nothing would be NaN)
        loss = logits.sum() * 0.0
    return loss, logits, t, aux_loss
