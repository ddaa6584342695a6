"""Exponential moving average of a model's weights (Polyak averaging, as diffusion policies train),
for train.py --ema_decay. The average starts at the source model's weights; each update is
avg = d * avg + (1 - d) * weights with the usual warm-up d = min(D, (1 + step) / (10 + step)).
Invariants: floating-point parameters and buffers are averaged, integer buffers copied; the source
model's tensors must be updated in place (as optimizers do), since the pairs are bound once.
"""
import copy

import torch


def ema_decay_at(step: int, decay: float) -> float:
    """Decay for the update after `step` optimizer steps (warm-up: early weights are not kept long)."""
    return min(decay, (1.0 + step) / (10.0 + step))


class EMA:
    def __init__(self, source: torch.nn.Module):
        self.model = copy.deepcopy(source)
        for p in self.model.parameters():
            p.requires_grad_(False)
        own, src = self.model.state_dict(), source.state_dict()
        self._pairs = [(own[k], v) for k, v in src.items()]  # bound once, not rebuilt every step

    @torch.no_grad()
    def update(self, decay: float) -> None:
        for avg, v in self._pairs:
            if avg.is_floating_point():
                avg.mul_(decay).add_(v, alpha=1.0 - decay)
            else:
                avg.copy_(v)
