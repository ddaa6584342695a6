"""Session 12: why does the DD decoder drive worse than one-shot on the same model?

On recorded frames (teacher-forced observation, nothing closed loop), each decoder fills the chunk
with training/decoding.py (the TypeScript decoder's twin) and is compared with the expert's chunk:

- bin error per dimension (mean |pred - expert| in bins);
- motion ratio for dx, dy, dz: mean |pred - zero bin| / mean |expert - zero bin| over the chunk
  (below 1: the chunk moves less than the expert, the "stops short" failure seen in closed loop);
- agreement with one-shot (share of tokens equal to the one-shot argmax);
- for DD: which action dimensions the first rounds commit (share of each dimension among the
  tokens committed in rounds 1-3) and the per-step mean of the round a token is committed in.

usage: python3 reports/probes/decoder_gap_session12.py CKPT DATA.hdf5 [SAMPLES] [THREADS] [--decoders a,b,...]
decoders are named oneshot, ar, or dd-T<rounds>-<remask>[-<ranking>] (e.g. dd-T12-threshold-gap)."""
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.data import FrameStore, encode_actions  # noqa: E402
from training.decoding import Rng, decode  # noqa: E402
from training.diagnose import DIMS, load_for_eval  # noqa: E402
from training.train import to_device  # noqa: E402

DEFAULT = "oneshot,ar,dd-T12-threshold,dd-T12-none,dd-T8-none,dd-T4-none,dd-T12-none-gap,dd-T12-threshold-random"


def settings_of(name: str) -> dict:
    if name in ("oneshot", "ar"):
        return {"mode": name}
    parts = name.split("-")  # dd, T12, remask[, ranking]
    s = {"mode": "dd", "rounds": int(parts[1][1:]), "remask": parts[2]}
    if len(parts) > 3:
        s["ranking"] = parts[3]
    return s


@torch.no_grad()
def main(argv):
    names = DEFAULT
    if "--decoders" in argv:
        i = argv.index("--decoders")
        names = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    names = names.split(",")
    samples = int(argv[2]) if len(argv) > 2 else 200
    torch.set_num_threads(int(argv[3]) if len(argv) > 3 else 1)
    ck = torch.load(argv[0], map_location="cpu")
    store = FrameStore([argv[1]], aux_goals=int(ck["config"].get("aux_goals", 0)))
    cfg, model, sampler = load_for_eval(ck, store)
    stats = ck["stats"]
    H, D = cfg.chunk_len, cfg.action_dim
    zero = encode_actions(np.zeros((1, D)), stats["action_low"], stats["action_high"], cfg.bins)[0].astype(np.float64)
    rng = np.random.default_rng(0)
    frames = np.sort(rng.choice(sampler.frames, size=min(samples, len(sampler)), replace=False))
    preds = {n: [] for n in names}
    first_rounds = {n: np.zeros(D) for n in names}
    commit_round = {n: np.zeros((H, D)) for n in names}
    tgts = []
    for i in range(0, len(frames), 32):
        f = frames[i:i + 32]
        b = to_device(sampler.batch(rng, 0, augment=False, frames=f), sampler, torch.device("cpu"))
        cache, pmask = model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"], b["proprio"])
        tgts.append(b["targets"].numpy().reshape(-1, H, D))
        for j in range(len(f)):
            cj = [(k[j:j + 1], v[j:j + 1]) for k, v in cache]
            pj = pmask[j:j + 1]

            def logits_of(tokens, _round):
                t = torch.as_tensor(tokens, dtype=torch.int64)[None]
                return model.decode_same_batch(t, cj, pj)[0].numpy().astype(np.float32).reshape(-1)

            for n in names:
                res = decode(logits_of, (H, D), cfg.mask_id, settings_of(n), Rng(j))
                preds[n].append(res.tokens.reshape(H, D))
                com = np.asarray(res.trace.committed)  # (T, L), 1 in the round a token was committed
                last = np.zeros(H * D)
                for r in range(com.shape[0]):
                    last[com[r] > 0] = r + 1  # a re-masked token counts at its final commit
                commit_round[n] += last.reshape(H, D) / max(1, com.shape[0])
                early = com[:3].sum(0).reshape(H, D).sum(0)
                first_rounds[n] += early
    tgt = np.concatenate(tgts).astype(np.float64)
    one = np.stack(preds["oneshot"]).astype(np.float64) if "oneshot" in preds else None
    out = {"checkpoint": argv[0], "data": argv[1], "frames": int(len(tgt)), "decoders": {}}
    for n in names:
        p = np.stack(preds[n]).astype(np.float64)
        err = np.abs(p - tgt).mean(axis=(0, 1))
        motion = {DIMS[k]: round(float(np.abs(p[..., k] - zero[k]).mean() / max(1e-9, np.abs(tgt[..., k] - zero[k]).mean())), 3)
                  for k in range(3)}
        fr = first_rounds[n] / max(1.0, first_rounds[n].sum())
        row = {"bin_error": {d: round(float(e), 2) for d, e in zip(DIMS, err)}, "motion_ratio": motion,
               "first3_rounds_dims": {d: round(float(x), 3) for d, x in zip(DIMS, fr)},
               "mean_commit_fraction_by_step": [round(float(x), 3) for x in (commit_round[n] / len(tgt)).mean(1)]}
        if one is not None:
            row["same_as_oneshot"] = round(float((p == one).mean()), 3)
        out["decoders"][n] = row
        print(f"{n:26s} err dx {err[0]:5.2f} dy {err[1]:5.2f} dz {err[2]:5.2f} grip {err[6]:5.2f} | motion "
              f"dx {motion['dx']:.2f} dy {motion['dy']:.2f} dz {motion['dz']:.2f} | =1shot {row.get('same_as_oneshot', 1):.3f} "
              f"| first3 {' '.join(f'{x:.2f}' for x in fr)}", flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
