"""Observation preprocessing by the manifest's rules (Python twin of src/core/preprocess.ts; both
are checked against tests/fixtures/model/preprocess.json). Training must feed the model exactly
what the browser runtime will.

Camera: uint8 RGB(A) [H][W][C], rows top to bottom, p -> (p / 255 - mean[c]) / std[c], NCHW [3][H][W]
float32. Proprio: the sim's [x, y, z, qx, qy, qz, qw, opening], picked and ordered by
manifest proprio.names, v -> (v - mean[i]) / std[i], float32.
"""
import numpy as np

SIM_PROPRIO_NAMES = ["x", "y", "z", "qx", "qy", "qz", "qw", "opening"]


def image_to_tensor(pixels, mean, std) -> np.ndarray:
    """[..., H, W, 3 or 4] uint8 -> [..., 3, H, W] float32 (leading batch dims allowed).
    Computed in float32 like the TS twin, which stores into a Float32Array."""
    p = np.asarray(pixels)
    if p.dtype != np.uint8 or p.ndim < 3 or p.shape[-1] not in (3, 4):
        raise ValueError(f"image must be uint8 [..., H, W, 3|4], got {p.dtype} {p.shape}")
    x = p[..., :3].astype(np.float64) / 255.0
    x = (x - np.asarray(mean, np.float64)) / np.asarray(std, np.float64)
    return np.moveaxis(x, -1, -3).astype(np.float32)


def proprio_to_tensor(sim_proprio, names, mean, std) -> np.ndarray:
    """[..., 8] sim proprio -> [..., len(names)] float32."""
    p = np.asarray(sim_proprio, np.float64)
    if p.shape[-1] != len(SIM_PROPRIO_NAMES):
        raise ValueError(f"proprio must have {len(SIM_PROPRIO_NAMES)} values, got shape {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError("proprio must be finite")
    idx = [SIM_PROPRIO_NAMES.index(n) for n in names]
    return ((p[..., idx] - np.asarray(mean, np.float64)) / np.asarray(std, np.float64)).astype(np.float32)
