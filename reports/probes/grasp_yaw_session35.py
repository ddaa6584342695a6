"""How square the first grasp of each rollout is, in files whose rollouts a policy drove: where the
fingers first close and stay closed, the finger gap (over 48 mm = a 40 mm cube held across its
corners, "diagonal") and the gripper's yaw relative to the grasped cube (folded to +-45 degrees),
binned by how far the cube started from the gripper's home yaw. The same seed gives the same
layouts, so two files collected with `collect:dagger --seed S` pair rollout by rollout.

    PYTHONPATH=. /usr/bin/python3 reports/probes/grasp_yaw_session35.py data/goal-sfd13.hdf5 data/goal-yawd15.hdf5 \
        data/long-sfd13.hdf5 data/long-yawd15.hdf5
"""
import json
import math
import sys

import h5py
import numpy as np

from training.goals import goals_path, yaw_of


def fold(a):
    return (a + math.pi / 4) % (math.pi / 2) - math.pi / 4


def first_grasps(fn):
    """Per rollout: (cube's start yaw from the gripper's, degrees; relative yaw at the grasp; gap m; success)."""
    side = json.load(open(goals_path(fn)))["demos"]
    rows = []
    with h5py.File(fn, "r") as f:
        for k in f["data"]:
            d = f["data"][k]
            objs = side[k]["objects"]
            st, pr = d["states"][:], d["obs/proprio"][:]
            op = pr[:, 7]
            t = next((i + 8 for i in range(1, len(op) - 8) if op[i] < 0.07 <= op[i - 1] and (op[i:i + 8] < 0.07).all()), None)
            if t is None:
                continue
            cubes = [(np.hypot(*(st[t, 7 + 7 * j:9 + 7 * j] - pr[t, :2])), j) for j, o in enumerate(objs) if "cube" in o]
            dist, j = min(cubes)
            if dist > 0.03:
                continue
            q = lambda i: st[i, 10 + 7 * j:14 + 7 * j]  # noqa: E731
            start = fold(yaw_of(q(0)) - yaw_of(pr[0, 3:7]))
            rel = fold(yaw_of(pr[t, 3:7]) - yaw_of(q(t)))
            rows.append((math.degrees(start), math.degrees(rel), op[t], int(d.attrs["success"])))
    return rows


def main(paths):
    for fn in paths:
        rows = first_grasps(fn)
        diag = [r for r in rows if r[2] > 0.048]
        print(f"{fn}: {len(rows)} first grasps of a cube, {len(diag)} diagonal; rollouts solved "
              f"{sum(r[3] for r in rows)} (after a flat grasp {sum(r[3] for r in rows if r[2] <= 0.048)}/{len(rows) - len(diag)}, "
              f"after a diagonal one {sum(r[3] for r in diag)}/{len(diag)})")
        for lo, hi in ((0, 15), (15, 30), (30, 46)):
            sel = [r for r in rows if lo <= abs(r[0]) < hi]
            if sel:
                print(f"  cube {lo:2d}-{hi:2d} deg from the home yaw: {len(sel):3d} grasps, {sum(r[2] > 0.048 for r in sel):3d} diagonal, "
                      f"mean |yaw off the cube| at the grasp {np.mean([abs(r[1]) for r in sel]):.1f} deg")


if __name__ == "__main__":
    main(sys.argv[1:])
