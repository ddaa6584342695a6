"""Session 36: can the default's keypoint goal head find the yellow cube with its vision frozen? It
caches the head's inputs (aux_features: each camera's keypoint token, the instruction vector, the
gripper position) from vla-dag10's frozen vision on TRAIN files, refits only the head (aux_head,
aux_tcp_in, aux_tcp_out; Adam, batch 256), and prints the xy error of goal slot 0's place and pick
points on TEST files, for the clauses that put a cube on a cube ("stack") apart from the rest,
before and during the refit. If the error falls, the keypoints already hold the position and only
the head had not learnt it; training --aux_only --head_only does that on the full data.

usage: LR=1e-3 python3 reports/probes/head_only_session36.py TRAIN.hdf5[,..] TEST.hdf5[,..] FRAMES STEPS
output of the run in training/recipes.md (round 17): reports/probes/head-only-session36.txt"""
import os, sys, time
import numpy as np, torch
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from training.data import FrameStore
from training.diagnose import load_for_eval
from training.goals import GOAL_SCALE, goal_loss
from training.train import to_device
torch.set_num_threads(2)
from place_error_session36 import STACK  # noqa: E402  (a clause whose destination is a cube)
ck = torch.load(os.environ.get('CKPT', 'training/runs/dag10/ckpt.pt'), map_location='cpu')
train_files = sys.argv[1].split(','); test_files = sys.argv[2].split(',')
ntrain = int(sys.argv[3]); steps = int(sys.argv[4])
def feats(files, n, seed):
    store = FrameStore(files, aux_goals=2, goal_order='clause')
    _, model, sampler = load_for_eval(ck, store)
    rng = np.random.default_rng(seed)
    valid = np.flatnonzero(store.aux[1][:, 0] > 0)
    fr = np.sort(rng.choice(valid, size=min(n, len(valid)), replace=False))
    F, A, V, T, S = [], [], [], [], []
    for i in range(0, len(fr), 256):
        b = to_device(sampler.batch(rng, 0, False, frames=fr[i:i+256]), sampler, 'cpu')
        with torch.no_grad():
            instr, parts = model.encode_vision(b['images'], b['input_ids'], b['attention_mask'])
            F.append(model.aux_features(parts, b['input_ids'], b['attention_mask'], instr, b['proprio']))
        A.append(b['aux']); V.append(b['aux_valid']); T.append(b['aux_tcp'])
        S.append(torch.tensor([bool(STACK.search(store.texts[t])) for t in store.frame_text[fr[i:i+256]]]))
    return model, torch.cat(F), torch.cat(A), torch.cat(V), torch.cat(T), torch.cat(S)
t0 = time.time()
model, Ftr, Atr, Vtr, Ttr, Str = feats(train_files, ntrain, 0)
_, Fte, Ate, Vte, Tte, Ste = feats(test_files, 3000, 1)
print('features', Ftr.shape, Fte.shape, f'{time.time()-t0:.0f}s', 'stack frac', Str.float().mean().item(), flush=True)
def report(tag):
    with torch.no_grad():
        w = model.goal_head(Fte)
    err = (w - Tte - Ate)[:, 3:6].numpy() * GOAL_SCALE * 100
    e = np.hypot(err[:, 0], err[:, 1]); pe = (w - Tte - Ate)[:, 0:3].numpy() * GOAL_SCALE * 100; pe = np.hypot(pe[:, 0], pe[:, 1])
    d = (Ate[:, 3:5].norm(dim=1) * GOAL_SCALE * 100).numpy(); s = Ste.numpy()
    for name, m in (('stack', s), ('other', ~s)):
        near = m & (d < 5)
        print(f'{tag} {name}: place xy median {np.median(e[m]):.2f} cm (within 5 cm of place: {np.median(e[near]) if near.any() else float("nan"):.2f}, n {near.sum()}), pick median {np.median(pe[m]):.2f}', flush=True)
report('before')
params = [p for n, p in model.named_parameters() if n.startswith(('aux_head', 'aux_tcp_in', 'aux_tcp_out'))]
print('head params', sum(p.numel() for p in params))
opt = torch.optim.Adam(params, lr=float(os.environ.get('LR', '1e-3')))
rng = np.random.default_rng(0)
for step in range(steps):
    i = torch.from_numpy(rng.integers(0, len(Ftr), 256))
    b = {'aux': Atr[i], 'aux_valid': Vtr[i], 'aux_tcp': Ttr[i]}
    loss = goal_loss(model, b, model.goal_head(Ftr[i]))
    opt.zero_grad(); loss.backward(); opt.step()
    if (step + 1) % max(1, steps // 4) == 0:
        print('step', step + 1, 'loss', round(loss.item(), 4)); report(f'step{step+1}')
