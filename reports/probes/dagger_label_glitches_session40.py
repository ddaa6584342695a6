"""One-step "open" labels inside a held stretch of DAgger data (session 40).

    /usr/bin/python3 reports/probes/dagger_label_glitches_session40.py data/long-pgd18.hdf5 [...files]

A glitch is a frame labelled open (gripper -1) between two frames labelled closed, with the fingers
holding something at that frame (proprio opening under 7 cm). The lenient expert gave one whenever
it restarted a goal (a phase past its step limit, e.g. a learner hovering over the spot for 60
steps) while the learner still held the goal's object: the restart's approach, fingers open, was
the label for that one step (src/expert/ExpertPolicy.ts now goes on to the held object's phase
first). Per file: glitches, the demos that have any, the frames, and the closed-label frames with
the fingers holding. Then, per stack-task demo file, the TCP height at the first "open" label given
while holding (the stack-then-bowl task's release height; the expert's own demos let go at 7.5 cm).
"""
import sys

import h5py
import numpy as np

HELD = 0.07  # proprio opening (m) under which the fingers are on something (open is 0.08)


def main(paths):
    for path in paths:
        d = h5py.File(path, "r")["data"]
        glitches, demos, frames, held, first_open = 0, 0, 0, 0, []
        for k in d:
            e = d[k]
            grip, opening, z = e["actions"][:, 6], e["obs/proprio"][:, 7], e["obs/ee_pos"][:, 2]
            frames += len(grip)
            held += int(((grip > 0) & (opening < HELD)).sum())
            g = [i for i in range(1, len(grip) - 1) if grip[i] < 0 < grip[i - 1] and grip[i + 1] > 0 and opening[i] < HELD]
            glitches += len(g)
            demos += bool(g)
            if "stack" in e.attrs["task_id"]:
                opens = [i for i in range(1, len(grip)) if grip[i] < 0 < grip[i - 1] and opening[i] < HELD and opening[i - 1] < HELD]
                if opens:
                    first_open.append(z[opens[0]])
        line = f"{path}: {glitches} one-step open labels while holding, in {demos} of {len(d)} demos ({frames} frames, {held} held frames labelled closed)"
        if first_open:
            q = np.percentile(first_open, [10, 50, 90])
            line += f"; stack task: first open label while holding at TCP z median {q[1]:.3f} m (p10 {q[0]:.3f}, p90 {q[2]:.3f}, {len(first_open)} demos)"
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
