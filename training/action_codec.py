"""Action codec: continuous 7-D actions <-> discrete action tokens (Python twin of
src/core/actionCodec.ts; both are checked against tests/fixtures/codec/cases.json).

Bin rule "uniform-floor-v1" (one rule, used everywhere, all arithmetic in float64 in this order):
    t      = (x - low) / (high - low)
    x_norm = clip(t * 2 - 1, -1, 1)
    bin    = min(max(floor((x_norm + 1) / 2 * B), 0), B - 1)
  decode (bin centre):
    x_norm = (2 * bin + 1) / B - 1
    x      = (x_norm + 1) / 2 * (high - low) + low
So x_norm = -1 is bin 0, x_norm = +1 is bin B-1 (the clamp), and a value exactly on an inner edge
-1 + 2k/B belongs to bin k. Token ids 0..B-1 are bins; id B is the mask token and is refused.
A chunk is [H][D] row-major: token index = step * D + dim.
Invariant: encode(decode(id)) == id for every id in 0..B-1 (bin centres are interior).
"""
import math
from typing import List, Sequence

BIN_RULE = "uniform-floor-v1"


class ActionCodec:
    """Normalise-and-bin codec for one model (bounds and bins come from its manifest)."""

    def __init__(self, low: Sequence[float], high: Sequence[float], bins: int = 256):
        if not isinstance(bins, int) or isinstance(bins, bool) or bins < 2:
            raise ValueError(f"bins must be an integer >= 2, got {bins!r}")
        if len(low) != len(high) or len(low) == 0:
            raise ValueError(f"low and high must be non-empty and the same length, got {len(low)} and {len(high)}")
        for d, (lo, hi) in enumerate(zip(low, high)):
            if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
                raise ValueError(f"bounds of dim {d} must be finite with high > low, got low={lo} high={hi}")
        self.low = [float(v) for v in low]
        self.high = [float(v) for v in high]
        self.bins = bins
        self.dims = len(low)
        self.mask_id = bins  # the mask token id is the number of bins (DESIGN.md conventions)

    def normalize(self, x: float, dim: int) -> float:
        """Value -> [-1, 1] (clipped)."""
        if not math.isfinite(x):
            raise ValueError(f"action value for dim {dim} must be finite, got {x}")
        t = (x - self.low[dim]) / (self.high[dim] - self.low[dim])
        return min(max(t * 2 - 1, -1.0), 1.0)

    def bin_of_normalized(self, x_norm: float) -> int:
        b = math.floor((x_norm + 1) / 2 * self.bins)
        return min(max(b, 0), self.bins - 1)

    def encode_value(self, x: float, dim: int) -> int:
        return self.bin_of_normalized(self.normalize(x, dim))

    def decode_value(self, token: int, dim: int) -> float:
        self.check_token(token)
        x_norm = (2 * token + 1) / self.bins - 1
        return (x_norm + 1) / 2 * (self.high[dim] - self.low[dim]) + self.low[dim]

    def check_token(self, token) -> None:
        if isinstance(token, bool) or not isinstance(token, int):
            if isinstance(token, float) and token.is_integer():
                token = int(token)
            else:
                raise ValueError(f"action token must be an integer, got {token!r}")
        if token == self.mask_id:
            raise ValueError(f"action token is the mask id {self.mask_id}: the chunk is not fully decoded")
        if token < 0 or token >= self.bins:
            raise ValueError(f"action token {token} is out of range [0, {self.bins - 1}]")

    def encode_chunk(self, actions: Sequence[Sequence[float]]) -> List[int]:
        """[H][D] actions -> H*D token ids (index = step * D + dim)."""
        out = []
        for h, row in enumerate(actions):
            if len(row) != self.dims:
                raise ValueError(f"action step {h} has {len(row)} dims, expected {self.dims}")
            out.extend(self.encode_value(float(v), d) for d, v in enumerate(row))
        return out

    def decode_chunk(self, tokens: Sequence[int]) -> List[List[float]]:
        """H*D token ids -> [H][D] bin-centre actions. Refuses mask ids and out-of-range ids."""
        if len(tokens) % self.dims != 0:
            raise ValueError(f"token count {len(tokens)} is not a multiple of the action dims {self.dims}")
        steps = len(tokens) // self.dims
        return [[self.decode_value(tokens[h * self.dims + d], d) for d in range(self.dims)] for h in range(steps)]


def compute_bounds(values, q_low: float = 0.01, q_high: float = 0.99, min_width: float = 1e-3):
    """Per-dimension (q01, q99) bounds of an [N][D] array, widened symmetrically to at least
    min_width so a constant dimension (e.g. droll always 0) still gives high > low."""
    import numpy as np

    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"compute_bounds needs a non-empty [N][D] array, got shape {arr.shape}")
    lo = np.quantile(arr, q_low, axis=0)
    hi = np.quantile(arr, q_high, axis=0)
    mid = (lo + hi) / 2
    half = np.maximum((hi - lo) / 2, min_width / 2)
    return (mid - half).tolist(), (mid + half).tolist()
