"""Pure vision probe: from early frames, regress the target object's x, y relative to the TCP
(goal 0 pick point, training/goals.py units) given the task. Held-out demos = new layouts."""
import sys, time, json
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
import os
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.data import FrameStore, random_shift
torch.set_num_threads(1); torch.backends.mkldnn.enabled = False
variant, shift, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cams = sys.argv[4].split(",") if len(sys.argv) > 4 else ["agentview", "wrist"]
store = FrameStore([os.path.join(ROOT, "data/object-p11.hdf5"), os.path.join(ROOT, "data/object-p12.hdf5")], aux_goals=1)
tasks = sorted(set(store.task_ids)); tix = np.array([tasks.index(t) for t in store.task_ids])
nd = len(store.demo_len); held = np.arange(nd) % 5 == 0
def frames(demos, offs):
    return np.concatenate([store.demo_start[demos] + o for o in offs])
tr = frames(np.where(~held)[0], range(0, 8)); te0 = frames(np.where(held)[0], [0]); te4 = frames(np.where(held)[0], [4])
tgt = torch.from_numpy(store.aux[0][:, :2].astype(np.float32))
def enc(variant):
    if variant == "s2":
        ch, layers, c = [16, 32, 64, 64], [], 3
        for o in ch: layers += [nn.Conv2d(c, o, 3, 2, 1), nn.GELU()]; c = o
    elif variant == "s1":
        layers = [nn.Conv2d(3, 16, 3, 1, 1), nn.GELU()]; c = 16
        for o in [32, 64, 64, 64]: layers += [nn.Conv2d(c, o, 3, 2, 1), nn.GELU()]; c = o
    elif variant == "s1w":
        layers = [nn.Conv2d(3, 32, 3, 1, 1), nn.GELU(), nn.Conv2d(32, 32, 3, 1, 1), nn.GELU()]; c = 32
        for o in [32, 64, 64, 64]: layers += [nn.Conv2d(c, o, 3, 2, 1), nn.GELU()]; c = o
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(c * 16, 128), nn.GELU())
class FiLMEnc(nn.Module):
    """Convs whose channels are scaled/shifted by the task (FiLM, Perez et al. 2018; RT-1)."""
    def __init__(s, ch, stride1):
        super().__init__(); s.convs = nn.ModuleList(); s.films = nn.ModuleList(); c = 3
        for i, o in enumerate(ch):
            s.convs.append(nn.Conv2d(c, o, 3, 1 if i < stride1 else 2, 1)); s.films.append(nn.Linear(128, 2 * o)); c = o
            nn.init.zeros_(s.films[-1].weight); nn.init.zeros_(s.films[-1].bias)
        s.out = nn.Sequential(nn.Flatten(), nn.Linear(c * 16, 128), nn.GELU())
    def forward(s, x, temb):
        for conv, film in zip(s.convs, s.films):
            g, b = film(temb).chunk(2, 1)
            x = F.gelu(conv(x) * (1 + g[:, :, None, None]) + b[:, :, None, None])
        return s.out(x)
class FiLMKp(nn.Module):
    """FiLM-conditioned convs (strides per layer), then K heatmaps -> spatial soft-argmax (x, y)."""
    def __init__(s, ch, strides, k=4):
        super().__init__(); s.convs = nn.ModuleList(); s.films = nn.ModuleList(); c = 3
        for o, st in zip(ch, strides):
            s.convs.append(nn.Conv2d(c, o, 3, st, 1)); s.films.append(nn.Linear(128, 2 * o)); c = o
            nn.init.zeros_(s.films[-1].weight); nn.init.zeros_(s.films[-1].bias)
        s.kp = nn.Conv2d(c, k, 1); s.temp = nn.Parameter(torch.zeros(1))
        side = 64 // int(np.prod(strides)); lin = torch.linspace(-1, 1, side)
        ys, xs = torch.meshgrid(lin, lin, indexing="ij"); s.register_buffer("grid", torch.stack([xs.reshape(-1), ys.reshape(-1)], 1))
        s.out = nn.Sequential(nn.Linear(2 * k, 128), nn.GELU())
    def forward(s, x, temb):
        for conv, film in zip(s.convs, s.films):
            g, b = film(temb).chunk(2, 1)
            x = F.gelu(conv(x) * (1 + g[:, :, None, None]) + b[:, :, None, None])
        a = F.softmax(s.kp(x).flatten(2) * torch.exp(s.temp), -1)
        return s.out((a @ s.grid).flatten(1))
class P(nn.Module):
    def __init__(s):
        super().__init__(); s.t = nn.Embedding(len(tasks), 128)
        s.film = variant.startswith("film")
        if variant == "film": s.e = nn.ModuleList([FiLMEnc([16, 32, 64, 64], 0) for _ in cams])
        elif variant == "film1": s.e = nn.ModuleList([FiLMEnc([16, 32, 32, 64, 64], 1) for _ in cams])
        elif variant == "filmkp": s.e = nn.ModuleList([FiLMKp([16, 32, 32, 32], [2, 1, 2, 1]) for _ in cams])
        else: s.e = nn.ModuleList([enc(variant) for _ in cams])
        s.h = nn.Sequential(nn.Linear(128 * (len(cams) + 1), 256), nn.GELU(), nn.Linear(256, 2))
    def forward(s, ims, t):
        te = s.t(t)
        return s.h(torch.cat([(e(x, te) if s.film else e(x)) for e, x in zip(s.e, ims)] + [te], 1))
m = P(); opt = torch.optim.Adam(m.parameters(), 1e-3); rng = np.random.default_rng(0)
def imgs(f, aug):
    out = []
    for c in cams:
        x = store.images[c][f]
        if aug and shift: x = random_shift(x, rng, shift)
        out.append(torch.from_numpy(x).permute(0, 3, 1, 2).float() / 127.5 - 1)
    return out
def ev(f):
    m.eval()
    with torch.no_grad(): p = m(imgs(f, False), torch.from_numpy(tix[store.demo_of[f]])).numpy()
    m.train(); t = tgt[f].numpy()
    return [round(float(np.corrcoef(p[:, k], t[:, k])[0, 1]), 3) for k in (0, 1)], round(float(np.linalg.norm(p - t, axis=1).mean() * 10), 2)
t0 = time.time()
for s in range(steps):
    f = tr[rng.integers(0, len(tr), 64)]
    loss = F.smooth_l1_loss(m(imgs(f, True), torch.from_numpy(tix[store.demo_of[f]])), tgt[f])
    opt.zero_grad(); loss.backward(); opt.step()
    if (s + 1) % 500 == 0:
        print(json.dumps({"variant": variant, "shift": shift, "cams": cams, "step": s + 1, "loss": round(loss.item(), 4),
                          "train_f0": ev(tr[:400]), "held_f0": ev(te0), "held_f4": ev(te4), "s": round(time.time() - t0)}), flush=True)
