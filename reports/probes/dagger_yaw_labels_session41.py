"""How often the labels turn the gripper at full rate (session 41).

    /usr/bin/python3 reports/probes/dagger_yaw_labels_session41.py [--first N] data/spatial-fx22.hdf5 data/spatial-ex22.hdf5 [...files]

Per file and task: demos, frames, the share of frames whose dyaw label is at the action limit
(|dyaw| >= 0.099 of 0.1 rad per step), the mean |dyaw| label, and the mean over demos of what the
labels asked (sum of dyaw) against what the TCP turned (last minus first ee_ori yaw), in rad. The
expert's own demos turn a few steps at the start and then hold the yaw; a DAgger file labels the
learner's states, and where the learner does not turn, the lenient expert asks for a full-rate turn
at every step until the grasp. With --first N only the first N demos of each task (in the order
they were collected) count: two DAgger files collected with the same model, seed and flags but the
labeller's --pick-yaw have the same rollouts there, so their labels compare state for state.
"""
import sys

import h5py
import numpy as np

LIMIT = 0.099  # rad per step; the action's dyaw range is +-0.1


def main(paths, first=None):
    print(f"{'file':24s} {'task':56s} {'demos':>5s} {'frames':>6s} {'at limit':>8s} {'mean|dyaw|':>10s} {'asked':>7s} {'turned':>7s}")
    for path in paths:
        d = h5py.File(path, "r")["data"]
        by = {}
        for k in sorted(d, key=lambda k: int(k.split("_")[-1])):
            e = d[k]
            if first is not None and len(by.get(e.attrs["task_id"], [])) >= first:
                continue
            a, yaw = e["actions"][:, 5], e["obs/ee_ori"][:, 2]
            by.setdefault(e.attrs["task_id"], []).append((a, float(a.sum()), float(yaw[-1] - yaw[0])))
        for task in sorted(by):
            rows = by[task]
            a = np.concatenate([r[0] for r in rows])
            asked = np.mean([abs(r[1]) for r in rows])
            turned = np.mean([abs(r[2]) for r in rows])
            print(f"{path.split('/')[-1]:24s} {task:56s} {len(rows):5d} {len(a):6d} {np.mean(np.abs(a) >= LIMIT):8.1%} "
                  f"{np.abs(a).mean():10.4f} {asked:7.2f} {turned:7.2f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    n = None
    if args[:1] == ["--first"]:
        n, args = int(args[1]), args[2:]
    main(args, n)
