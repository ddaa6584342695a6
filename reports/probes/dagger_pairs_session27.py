"""Paired solve counts of two DAgger collections over the same episodes (session 27).

    /usr/bin/python3 reports/probes/dagger_pairs_session27.py data/object-dag6.hdf5 data/object-oyaw.hdf5 [...pairs]

Arguments come in pairs (A B). Demos are matched by task id and seed (the same --seed gives the
same episodes); per task and in all: A's and B's solves, episodes only A / only B solved, and the
exact two-sided McNemar p (binomial on the discordant pairs).
"""
import json
import sys
from collections import defaultdict
from math import comb

import h5py


def outcomes(path):
    with h5py.File(path, "r") as h:
        return {(d.attrs["task_id"], int(d.attrs["seed"])): bool(d.attrs["success"]) for d in h["data"].values()}


def mcnemar_exact(b, c):
    """The twin of src/eval/compare.ts mcnemarExact (what `npm run eval:compare` reports)."""
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    return min(1.0, 2 * sum(comb(n, i) for i in range(k + 1)) / 2 ** n)


def pair(a_path, b_path):
    a, b = outcomes(a_path), outcomes(b_path)
    keys = sorted(set(a) & set(b))
    rows = defaultdict(lambda: [0, 0, 0, 0, 0])  # n, a, b, only a, only b
    for k in keys:
        for t in (k[0], "all"):
            r = rows[t]
            r[0] += 1
            r[1] += a[k]
            r[2] += b[k]
            r[3] += a[k] and not b[k]
            r[4] += b[k] and not a[k]
    return [{"a": a_path, "b": b_path, "task": t, "episodes": r[0], "a_solved": r[1], "b_solved": r[2],
             "only_a": r[3], "only_b": r[4], "p": float(f"{mcnemar_exact(r[3], r[4]):.2g}")} for t, r in sorted(rows.items())]


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    for i in range(0, len(args), 2):
        for row in pair(args[i], args[i + 1]):
            print(json.dumps(row))
