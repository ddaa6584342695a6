"""Does the policy that drove a DAgger file turn the way its labels ask? In each file the learner
drove (beta 0), the yaw it executed (the change of the TCP's yaw from one frame to the next) against
the expert's yaw label at that frame, over open-gripper frames after the first 12 steps.

    PYTHONPATH=. /usr/bin/python3 reports/probes/yaw_response_session35.py data/goal-sfd13.hdf5 data/long-sfd13.hdf5 \
        data/spatial-dag12.hdf5 data/long-dag12.hdf5 data/spatial-dag4.hdf5
"""
import sys

import h5py
import numpy as np

from training.goals import yaw_of


def main(paths):
    for fn in paths:
        labels, executed = [], []
        with h5py.File(fn, "r") as f:
            for k in f["data"]:
                d = f["data"][k]
                pr, a = d["obs/proprio"][:], d["actions"][:]
                y = yaw_of(pr[:, 3:7])
                dy = np.angle(np.exp(1j * (y[1:] - y[:-1])))  # executed turn, wrapped
                sel = (pr[:-1, 7] > 0.075) & (np.arange(len(dy)) > 12)  # fingers open, after the start
                labels += list(a[:-1, 5][sel])
                executed += list(dy[sel])
        L, E = np.array(labels), np.array(executed)
        cap = np.abs(L) > 0.09
        print(f"{fn}: {len(L)} frames; yaw label at the 0.1 rad cap {cap.mean():.2f}; corr(label, executed) "
              f"{np.corrcoef(L, E)[0, 1]:.3f}; where the label is at the cap: executed turn the same way "
              f"{(np.sign(E[cap]) == np.sign(L[cap])).mean():.2f}, mean |executed| {np.abs(E[cap]).mean():.4f} rad; "
              f"where |label| < 0.01: mean |executed| {np.abs(E[np.abs(L) < 0.01]).mean():.4f} rad")


if __name__ == "__main__":
    main(sys.argv[1:])
