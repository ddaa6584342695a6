"""How far the learner's gripper yaw is from square to the cube it should grasp, in DAgger files
against the expert's own demonstrations (session 27, training/recipes.md "Round 6").

    /usr/bin/python3 reports/probes/yaw_in_dagger_session27.py data/spatial-p11.hdf5 data/spatial-dag6.hdf5 ...

Per file, over the frames of demos whose (first) goal moves a cube:
  yaw_sat     share of yaw labels at the controller's cap (|dyaw| > 0.095 rad per step)
  off_square  share of frames with the TCP more than 0.3 rad from square to the cube's faces
              (either face pair: the grasp rule takes both, src/expert/grasp.ts graspableNow)
  at_cube     frames with the open gripper at the cube (TCP within 1 cm in xy, 3 cm in z)
  at_cube_close / at_cube_off  of those, the share labelled "close" / more than 0.15 rad off square
The TCP yaw comes from the proprio quaternion (x y z w, the TCP frame: pointing down is the
identity), the cube's from the `states` rows and the <name>.goals.json sidecar (training/goals.py).
"""
import json
import sys

import h5py
import numpy as np

from training.goals import goals_path, object_poses, yaw_of


def wrap_quarter(a):
    """The TS wrapQuarter (src/expert/motion.ts): a -> (-pi/4, pi/4]."""
    q = np.pi / 2
    w = a - q * np.round(a / q)
    return np.where(w <= -np.pi / 4, w + q, w)


def probe(path):
    with open(goals_path(path)) as f:
        sidecar = json.load(f)["demos"]
    n = sat = off = at = at_close = at_off = 0
    with h5py.File(path, "r") as h:
        for name, demo in h["data"].items():
            d = sidecar[name]
            goal = d["goals"][0]
            oid = goal.get("object") or goal.get("top")
            ids = d["objects"]  # object ids, in the order of the states rows
            if oid is None or "cube" not in oid:
                continue
            states = demo["states"][:]
            pose = object_poses(states, states.shape[1] - 7 * len(ids), len(ids))[:, ids.index(oid)]
            pos, quat = pose[:, :3], pose[:, 3:]
            proprio, actions = demo["obs"]["proprio"][:], demo["actions"][:]
            square = np.abs(wrap_quarter(yaw_of(proprio[:, 3:7]) - yaw_of(quat)))
            near = ((np.hypot(*(proprio[:, :2] - pos[:, :2]).T) < 0.01)
                    & (np.abs(proprio[:, 2] - pos[:, 2]) < 0.03) & (proprio[:, 7] > 0.072))
            n += len(actions)
            sat += int((np.abs(actions[:, 5]) > 0.095).sum())
            off += int((square > 0.3).sum())
            at += int(near.sum())
            at_close += int((near & (actions[:, 6] > 0)).sum())
            at_off += int((near & (square > 0.15)).sum())
    return {"file": path, "frames": n, "yaw_sat": round(sat / max(1, n), 3),
            "off_square": round(off / max(1, n), 3), "at_cube": at,
            "at_cube_close": round(at_close / max(1, at), 3), "at_cube_off": round(at_off / max(1, at), 3)}


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for p in sys.argv[1:]:
        print(json.dumps(probe(p)))
