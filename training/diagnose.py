"""Teacher-forced error of a checkpoint on recorded demos, per action dimension and per phase of
the demo: does the model fit (or generalise to) the expert's actions where it matters?

  /usr/bin/python3 -m training.diagnose --checkpoint training/runs/cpu-all/ckpt.pt \
      --data data/object.hdf5 [--samples 512] [--seed 0] [--json out.json]

For `samples` frames drawn uniformly from the dataset's demos (no augmentation), the model sees
the recorded observation and a fully masked chunk, and its one-shot argmax tokens (one forward
pass) are compared with the expert's chunk. Reported: mean |bin error| per dimension over all
frames and over the first quarter of each demo (the approach, where the arm must find the object
from the images alone), and the rate at which dx and dy point the wrong way (sign of the
token vs the expert's, relative to the bin of 0, for steps where the expert's token is more than
10% of the bin range away from it). A model trained with `--aux_goals` (training/goals.py) also
gets the error of its goal points, in cm: where it thinks the object to move and its destination
are (first goal), over all frames and the approach (needs the datasets' goals sidecars).
Demos the run trained on measure fit; fresh demos (another collection seed) measure
generalisation.

Look test (`--look-at 0,15`): does the model take the direction of its approach from the images?
For the frame `offset` steps into every demo, the chunk's mean dx and dy (in bins) predicted from
the demo's own observation are correlated, over demos, with the expert's; then the same with the
cameras of another demo of the same task (next one in file order) and everything else kept. A
model that looks scores high with its own images and near 0 with the other layout's. A model
that continues the motion its proprio says it is in scores the same with both (the "copycat"
shortcut). At offset 0 every demo starts at the same home pose, so only the images can say where
to go. Invariant: deterministic for (checkpoint, data, samples, seed).
"""
import argparse
import json
from typing import Dict, List, Sequence

import numpy as np
import torch

from training.config import ModelConfig, apply_overrides
from training.data import ChunkSampler, FrameStore, encode_actions
from training.goals import GOAL_SCALE, goal_prediction
from training.model import VLA
from training.tokenizer import Tokenizer
from training.train import to_device

DIMS = ["dx", "dy", "dz", "droll", "dpitch", "dyaw", "gripper"]


def store_for(ck: dict, paths: Sequence[str]) -> FrameStore:
    """The frames a checkpoint reads: with its auxiliary goal slots, filled in its goal order (a
    "clause" model sees one clause of a two-step instruction at a time)."""
    return FrameStore(list(paths), aux_goals=int(ck["config"].get("aux_goals", 0)),
                      goal_order=ck["config"].get("goal_order", "plan"))


def load_for_eval(ck: dict, store: FrameStore):
    """(config, model in eval mode, sampler over every demo of store) for a checkpoint."""
    cfg = apply_overrides(ModelConfig(), ck["config"])
    model = VLA(cfg).eval()
    model.load_state_dict(ck["model"])
    sampler = ChunkSampler(store, list(range(len(store.demo_len))), Tokenizer(ck["tokenizer"]), cfg.chunk_len,
                           cfg.bins, ck["stats"], cfg.cameras)
    return cfg, model, sampler


def one_shot(model: VLA, cache, pmask) -> np.ndarray:
    """Argmax tokens (B, H, D) of one decoder pass over a fully masked chunk."""
    cfg = model.cfg
    tokens = torch.full((pmask.size(0), cfg.n_action_tokens), cfg.mask_id, dtype=torch.int64)
    logits = model.decode_same_batch(tokens, cache, pmask)[..., : cfg.bins]
    return logits.argmax(-1).numpy().reshape(-1, cfg.chunk_len, cfg.action_dim)


@torch.no_grad()
def diagnose(ck: dict, store: FrameStore, samples: int, seed: int) -> Dict:
    cfg, model, sampler = load_for_eval(ck, store)
    stats = ck["stats"]
    rng = np.random.default_rng(seed)
    frames = np.sort(rng.choice(sampler.frames, size=min(samples, len(sampler)), replace=False))
    H, D, errs, early, wrong, moving = cfg.chunk_len, cfg.action_dim, [], [], 0, 0
    goal_err, goal_early = [], []  # (B, 2): pick, place distance of goal 0, metres
    zero = encode_actions(np.zeros((1, D)), stats["action_low"], stats["action_high"], cfg.bins)[0].astype(np.float64)
    for i in range(0, len(frames), 64):
        f = frames[i:i + 64]
        b = to_device(sampler.batch(rng, 0, augment=False, frames=f), sampler, torch.device("cpu"))
        cache, pmask, hidden = model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"], b["proprio"],
                                                   return_hidden=True)
        d = store.demo_of[f]
        first_quarter = (f - store.demo_start[d]) < store.demo_len[d] / 4
        if cfg.aux_goals > 0 and "aux" in b:
            diff = (goal_prediction(model, b, model.predict_goals(hidden)) - b["aux"]).numpy()[:, :6].reshape(-1, 2, 3) * GOAL_SCALE
            ge = np.linalg.norm(diff, axis=2)  # (B, 2)
            goal_err.append(ge)
            goal_early.append(ge[first_quarter])
        pred = one_shot(model, cache, pmask)
        tgt = b["targets"].numpy().reshape(-1, H, D)
        err = np.abs(pred - tgt).mean(axis=1)  # (B, D)
        errs.append(err)
        early.append(err[first_quarter])
        for k in (0, 1):  # dx, dy: does the model head the right way? (bins are relative to the bin of 0)
            move = np.abs(tgt[..., k] - zero[k]) > 0.1 * (cfg.bins - 1) / 2
            moving += int(move.sum())
            wrong += int((np.sign(pred[..., k] - zero[k]) != np.sign(tgt[..., k] - zero[k]))[move].sum())
    e, ea = np.concatenate(errs), np.concatenate(early)
    return {"frames": int(len(e)), "approach_frames": int(len(ea)),
            "bin_error": {n: round(float(v), 2) for n, v in zip(DIMS, e.mean(0))},
            "bin_error_approach": {n: round(float(v), 2) for n, v in zip(DIMS, ea.mean(0))} if len(ea) else {},
            "xy_wrong_direction": round(wrong / max(1, moving), 4), "xy_moving_steps": moving,
            **({"goal_error_cm": goal_cm(np.concatenate(goal_err)),
                "goal_error_cm_approach": goal_cm(np.concatenate(goal_early))} if goal_err else {})}


@torch.no_grad()
def look_test(ck: dict, store: FrameStore, offsets: List[int]) -> Dict:
    cfg, model, sampler = load_for_eval(ck, store)
    demos = np.arange(len(store.demo_len))
    keys = np.array(store.task_ids)
    partner = np.empty_like(demos)  # the next demo of the same task (cyclic)
    for k in np.unique(keys):
        ds = demos[keys == k]
        partner[ds] = np.roll(ds, -1)
    H, D, out = cfg.chunk_len, cfg.action_dim, {}

    with_aux = cfg.aux_goals > 0

    def predict(b):
        cache, pmask, hidden = model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"], b["proprio"],
                                                   return_hidden=True)
        goal = goal_prediction(model, b, model.predict_goals(hidden)).numpy()[:, :2] if with_aux else None  # pick x, y - tcp (goal 0)
        return one_shot(model, cache, pmask), goal

    rng = np.random.default_rng(0)
    for off in offsets:
        f = store.demo_start[demos] + np.minimum(off, store.demo_len[demos] - 1)
        g = store.demo_start[partner] + np.minimum(off, store.demo_len[partner] - 1)
        own, swap, tgt, goal, goal_true = [], [], [], [], []
        for i in range(0, len(f), 64):
            b = to_device(sampler.batch(rng, 0, augment=False, frames=f[i:i + 64]), sampler, torch.device("cpu"))
            bo = to_device(sampler.batch(rng, 0, augment=False, frames=g[i:i + 64]), sampler, torch.device("cpu"))
            (p, gp), (ps, _) = predict(b), predict({**b, "images": bo["images"]})
            own.append(p)
            swap.append(ps)
            tgt.append(b["targets"].numpy().reshape(-1, H, D))
            if with_aux and "aux" in b:
                goal.append(gp)
                goal_true.append(b["aux"].numpy()[:, :2])
        own, swap, tgt = (np.concatenate(x)[:, :, :2].mean(1) for x in (own, swap, tgt))  # (demos, 2): dx, dy
        corr = lambda a, t: round(float(np.corrcoef(a, t)[0, 1]), 3) if a.std() > 0 and t.std() > 0 else 0.0  # noqa: E731
        out[str(off)] = {n: {"own": corr(own[:, k], tgt[:, k]), "other_layout": corr(swap[:, k], tgt[:, k]),
                             "mean_abs_err_bins": round(float(np.abs(own[:, k] - tgt[:, k]).mean()), 1),
                             "expert_std_bins": round(float(tgt[:, k].std()), 1)}
                         for k, n in ((0, "dx"), (1, "dy"))}
        if goal:  # does the prefix know where the object is (auxiliary head), and does the expert head there?
            gp, gt = np.concatenate(goal), np.concatenate(goal_true)
            for k, n in ((0, "dx"), (1, "dy")):
                out[str(off)][n].update({"aux_pick_vs_true": corr(gp[:, k], gt[:, k]),
                                         "expert_vs_true_pick": corr(tgt[:, k], gt[:, k])})
    return {"demos": int(len(demos)), "offsets": out}


def goal_cm(e: np.ndarray) -> Dict[str, float]:
    return {"pick": round(100 * float(e[:, 0].mean()), 2), "place": round(100 * float(e[:, 1].mean()), 2)} if len(e) else {}


def main(argv=None) -> Dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--data", required=True, help="HDF5 file(s) or LeRobot folder(s), comma-separated")
    ap.add_argument("--samples", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--look-at", default="", help="look test at these frame offsets from each demo's start, e.g. 0,15")
    ap.add_argument("--json", help="also write the result here")
    a = ap.parse_args(argv)
    if a.samples < 1:
        raise SystemExit("--samples must be >= 1")
    torch.backends.mkldnn.enabled = False  # as in train.py (Debian torch 1.13)
    ck = torch.load(a.checkpoint, map_location="cpu")
    store = store_for(ck, a.data.split(","))
    out = {"checkpoint": a.checkpoint, "step": ck.get("step"), "data": a.data,
           **diagnose(ck, store, a.samples, a.seed)}
    rows: List[str] = [f"{a.checkpoint} (step {out['step']}) on {a.data}: {out['frames']} frames "
                       f"({out['approach_frames']} in the first quarter of their demo)",
                       "dim       bin err   approach"]
    for n in DIMS:
        rows.append(f"{n:<8} {out['bin_error'][n]:>8.2f} {out['bin_error_approach'].get(n, float('nan')):>10.2f}")
    rows.append(f"dx/dy wrong direction: {100 * out['xy_wrong_direction']:.1f}% of {out['xy_moving_steps']} moving steps")
    if "goal_error_cm" in out:
        g, ga = out["goal_error_cm"], out["goal_error_cm_approach"]
        rows.append(f"goal points (first goal), cm: pick {g['pick']:.1f} (approach {ga.get('pick', float('nan')):.1f}), "
                    f"place {g['place']:.1f} (approach {ga.get('place', float('nan')):.1f})")
    if a.look_at:
        out["look_test"] = look_test(ck, store, [int(x) for x in a.look_at.split(",")])
        rows.append(f"look test over {out['look_test']['demos']} demos: corr(predicted, expert) of the chunk's mean "
                    f"dx / dy with the demo's own images | another layout's images")
        for off, r in out["look_test"]["offsets"].items():
            rows.append(f"  frame {off:>3}: dx {r['dx']['own']:+.2f} | {r['dx']['other_layout']:+.2f}   "
                        f"dy {r['dy']['own']:+.2f} | {r['dy']['other_layout']:+.2f}   (mean |err| "
                        f"{r['dx']['mean_abs_err_bins']:.0f} / {r['dy']['mean_abs_err_bins']:.0f} bins; expert std "
                        f"{r['dx']['expert_std_bins']:.0f} / {r['dy']['expert_std_bins']:.0f})")
            if "aux_pick_vs_true" in r["dx"]:
                rows.append(f"             auxiliary head's pick x / y vs the true one: {r['dx']['aux_pick_vs_true']:+.2f} / "
                            f"{r['dy']['aux_pick_vs_true']:+.2f}; expert's dx / dy vs the true pick x / y: "
                            f"{r['dx']['expert_vs_true_pick']:+.2f} / {r['dy']['expert_vs_true_pick']:+.2f}")
    print("\n".join(rows))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(out, fh, indent=1)
    return out


if __name__ == "__main__":
    main()
