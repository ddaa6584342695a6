"""Loss curve of a training run as a standalone SVG (no matplotlib needed: Debian's torch machine
may not have it). Reads the JSONL log written by training/train.py.

  /usr/bin/python3 -m training.plot training/runs/cpu/log.jsonl [--out training/runs/cpu/loss.svg]
  /usr/bin/python3 -m training.plot first/log.jsonl warm/log.jsonl --out loss.svg   # a warm-started chain

Several logs are one chain of runs (each later run warm-started from the previous one's last
checkpoint, `train.py --init_from`): their steps are shifted to continue, and a dashed line marks
where each later run starts.

Left panel: training loss and held-out loss (masked-token cross-entropy) against step.
Right panel: held-out masked-token accuracy (fixed mask ratio) and full-decode token accuracy.
Invariant: output depends only on the log (deterministic text; same log, same bytes).
"""
import argparse
import json
import math
import os
from typing import Dict, List, Sequence, Tuple

W, H, PAD = 420, 260, 44  # one panel, px
COLOURS = {"loss": "#1f77b4", "eval_loss": "#d62728", "eval_masked_acc": "#2ca02c", "eval_decode_acc": "#9467bd"}


def read_log(path: str) -> List[Dict]:
    """The log's records in step order, one per step. A run resumed from its checkpoint (train.py
    --resume) logs the steps after that checkpoint again: the later record of a step wins."""
    with open(path) as f:
        recs = [json.loads(ln) for ln in f if ln.strip()]
    by_step = {r["step"]: r for r in recs if "step" in r}
    return [by_step[k] for k in sorted(by_step)]


def chain(logs: Sequence[Sequence[Dict]]) -> Tuple[List[Dict], List[float]]:
    """Concatenate logs of chained runs: steps (and elapsed) continue from the previous run's last
    record. Returns (records, the step at which each later run starts)."""
    out: List[Dict] = []
    starts: List[float] = []
    step0, el0 = 0.0, 0.0
    for i, recs in enumerate(logs):
        if i > 0:
            starts.append(step0)
        for r in recs:
            out.append({**r, "step": r["step"] + step0, **({"elapsed": r["elapsed"] + el0} if "elapsed" in r else {})})
        if recs:
            step0 += recs[-1]["step"]
            el0 += recs[-1].get("elapsed", 0.0)
    return out, starts


def series(recs: Sequence[Dict], key: str) -> List[Tuple[float, float]]:
    return [(r["step"], r[key]) for r in recs if key in r and math.isfinite(r[key])]


def panel(x0: int, title: str, lines: Dict[str, List[Tuple[float, float]]], y_min=None, y_max=None,
          marks: Sequence[float] = ()) -> str:
    pts = [p for s in lines.values() for p in s]
    if not pts:
        return f'<text x="{x0 + W / 2}" y="{H / 2}" text-anchor="middle">{title}: no data</text>'
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    xa, xb = min(xs), max(max(xs), min(xs) + 1)
    ya = min(ys) if y_min is None else y_min
    yb = max(ys) if y_max is None else y_max
    yb = yb if yb > ya else ya + 1
    sx = lambda x: x0 + PAD + (x - xa) / (xb - xa) * (W - 2 * PAD)  # noqa: E731
    sy = lambda y: H - PAD - (y - ya) / (yb - ya) * (H - 2 * PAD)  # noqa: E731
    out = [f'<text x="{x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">{title}</text>',
           f'<rect x="{x0 + PAD}" y="{PAD}" width="{W - 2 * PAD}" height="{H - 2 * PAD}" fill="none" stroke="#999"/>']
    for i in range(5):  # y ticks
        y = ya + (yb - ya) * i / 4
        out.append(f'<text x="{x0 + PAD - 4}" y="{sy(y) + 4:.1f}" text-anchor="end" font-size="10">{y:.3g}</text>')
    for x in (xa, xb):
        out.append(f'<text x="{sx(x):.1f}" y="{H - PAD + 14}" text-anchor="middle" font-size="10">{x:.0f}</text>')
    out.append(f'<text x="{x0 + W / 2}" y="{H - 8}" text-anchor="middle" font-size="11">step</text>')
    label_y = H - PAD - 4
    last_x = -math.inf
    for m in marks:  # where a warm-started run begins
        # A label that would run into the previous one (runs close together) goes one line up.
        label_y = label_y - 11 if sx(m) - last_x < 75 else H - PAD - 4
        last_x = sx(m)
        out.append(f'<line x1="{sx(m):.1f}" y1="{PAD}" x2="{sx(m):.1f}" y2="{H - PAD}" stroke="#777" '
                   f'stroke-dasharray="4 3"/><text x="{sx(m) + 3:.1f}" y="{label_y}" font-size="9" '
                   f'fill="#555">warm start {m:.0f}</text>')
    for j, (name, s) in enumerate(lines.items()):
        if not s:
            continue
        c = COLOURS.get(name, "#333")
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in s)
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="1.5" points="{path}"/>')
        if len(s) == 1:
            out.append(f'<circle cx="{sx(s[0][0]):.1f}" cy="{sy(s[0][1]):.1f}" r="3" fill="{c}"/>')
        out.append(f'<text x="{x0 + W - PAD - 4}" y="{PAD + 14 + 14 * j}" text-anchor="end" font-size="11" '
                   f'fill="{c}">{name} {s[-1][1]:.3f}</text>')
    return "\n".join(out)


def masked_loss_records(recs: Sequence[Dict]) -> List[Dict]:
    """The records whose "loss" is the masked-token cross-entropy. A run that trains one part alone
    (train.py --aux_only, --yaw_only) logs that part's loss under "loss" with no masked token
    (masked_tokens_per_s 0): its steps count in a chain, its loss is not this curve's."""
    return [r for r in recs if r.get("masked_tokens_per_s", 1.0) > 0]


def render(recs: Sequence[Dict], marks: Sequence[float] = ()) -> str:
    left = panel(0, "masked-token cross-entropy", {"loss": series(masked_loss_records(recs), "loss"),
                                                   "eval_loss": series(recs, "eval_loss")}, marks=marks)
    right = panel(W, "held-out token accuracy", {"eval_masked_acc": series(recs, "eval_masked_acc"),
                                                 "eval_decode_acc": series(recs, "eval_decode_acc")}, 0.0, 1.0, marks)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H}" font-family="sans-serif">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n{left}\n{right}\n</svg>\n')


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("log", nargs="+", help="log.jsonl of a run; several: a warm-started chain, first run first")
    ap.add_argument("--out", help="SVG path (default: loss.svg beside the last log)")
    a = ap.parse_args(argv)
    out = a.out or os.path.join(os.path.dirname(a.log[-1]), "loss.svg")
    recs, marks = chain([read_log(p) for p in a.log])
    with open(out, "w") as f:
        f.write(render(recs, marks))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
