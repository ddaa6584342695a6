"""Train the VLA with the discrete-diffusion objective (nanoGPT train.py style: reads top to
bottom; all disk and device work is here, none in the model). Recipes: training/recipes.md.

  /usr/bin/python3 -m training.train --data=data/spatial.hdf5 --out_dir=training/runs/cpu \
      --steps=3000 --batch_size=32 --n_layer=4 [--resume]

Any TrainConfig or ModelConfig field is an override `--key=value` (JSON values); unknown keys are
errors. Objective (DESIGN.md, Discrete Diffusion VLA arXiv 2508.20072 / MaskGIT): per sample,
u ~ U(0, 1), mask ratio r = cos(pi/2 * u), n_mask = max(1, ceil(r * N)) of the N = H * 7 action
tokens replaced by the mask id; cross-entropy on masked positions only. K mask draws per sample
share one encode_prefix (the prefix never sees the actions). The objective lives in
training/objective.py, with `--self_cond`: a share of the draws sees the network's own guesses as
the visible tokens, as the DD decoder shows them. `--ema_decay=D` keeps an exponential moving
average of the weights; the checkpoint's "model" (what export, --init_from, soup and the held-out
eval use) is then the average, and "model_raw" the trained weights a --resume continues.
Invariants: a run resumed from its checkpoint gives the same weights as an uninterrupted run
(rng states saved; evaluation uses its own fixed-seed rng); checkpoints are written atomically and
are what `python3 -m training.export_onnx --checkpoint` reads.
Runs on Debian's torch 1.13 (CPU) and PyTorch 2.x (CUDA, bf16 autocast).
"""
import json
import math
import os
import sys
import time
from dataclasses import asdict

import numpy as np
import torch

from training.config import ModelConfig, TrainConfig, apply_overrides, parse_train_args as parse_args
from training.data import ChunkSampler, FrameStore, drop_task_demos, images_to_model, split_demos
from training.decoding import Rng, decode, make_settings
from training.ema import EMA, ema_decay_at
from training.goals import goal_loss, yaw_error_deg, yaw_loss
from training.objective import draw_masks, masked_loss
from training.model import GOAL_HEAD_PARAMS, VLA
from training.tokenizer import Tokenizer, build_tokenizer

MIN_BOUND_WIDTH = 1e-3  # a constant action dim (q01 == q99) still needs high > low in the manifest
# Proprio std floor: qx, qy have std ~5e-5 (the gripper stays level), so dividing by it would turn
# float noise into unit-scale inputs. Units are metres / quaternion components; opening std ~0.02.
PROPRIO_STD_FLOOR = 1e-2


def lr_at(step: int, c: TrainConfig) -> float:
    """Linear warmup, then cosine decay to min_lr at the last step."""
    if step < c.warmup_steps:
        return c.lr * (step + 1) / c.warmup_steps
    p = min(1.0, (step - c.warmup_steps) / max(1, c.steps - c.warmup_steps))
    return c.min_lr + 0.5 * (1 + math.cos(math.pi * p)) * (c.lr - c.min_lr)


def to_device(b: dict, sampler: ChunkSampler, device) -> dict:
    """numpy batch -> device tensors; images uploaded as uint8, normalised (and jittered) there."""
    out = {k: torch.from_numpy(v).to(device) for k, v in b.items() if k not in ("images", "jitter")}
    out["images"] = [images_to_model(torch.from_numpy(x).to(device), torch.from_numpy(j), sampler.img_mean,
                                     sampler.img_std) for x, j in zip(b["images"], b["jitter"])]
    return out


def aux_only_loss(model: VLA, b: dict, autocast) -> torch.Tensor:
    """--aux_only: the goal loss from the vision encoders and the keypoint head alone."""
    with autocast():
        pred = model.vision_goals(b["images"], b["input_ids"], b["attention_mask"], b["proprio"]).float()
    return goal_loss(model, b, pred)


def yaw_only_pred(model: VLA, b: dict, autocast) -> torch.Tensor:
    """--yaw_only: the yaw CNN's (model --goal_yaw=1) prediction (B, 2) from the wrist frames alone."""
    with autocast():
        return model.yaw_net(b["images"][model.cfg.cameras.index("wrist")]).float()


@torch.no_grad()
def evaluate(model, sampler: ChunkSampler, c: TrainConfig, device, autocast) -> dict:
    """Held-out loss (cosine masks), masked-token accuracy at eval_mask_ratio, full DD decode
    accuracy (T = 12, greedy). A fixed-seed rng: the same samples every time, training rng untouched."""
    model.eval()
    rng = np.random.default_rng(12345)
    N = model.cfg.n_action_tokens
    if c.yaw_only:
        err, n, losses = 0.0, 0, []
        for _ in range(c.eval_batches):
            b = to_device(sampler.batch(rng, c.batch_size, augment=False), sampler, device)
            pred = yaw_only_pred(model, b, autocast)
            losses.append(yaw_loss(pred, b).item())
            e, k = yaw_error_deg(pred, b)
            err, n = err + e, n + k
        model.train()
        return {"eval_yaw_loss": float(np.mean(losses)), **({"eval_yaw_err_deg": err / n} if n else {})}
    if c.aux_only:
        aux = [aux_only_loss(model, to_device(sampler.batch(rng, c.batch_size, augment=False), sampler, device),
                             autocast).item() for _ in range(c.eval_batches)]
        model.train()
        return {"eval_aux_loss": float(np.mean(aux))}
    losses, aux_losses, correct, total, yaw_err, yaw_n = [], [], 0, 0, 0.0, 0
    for _ in range(c.eval_batches):
        b = to_device(sampler.batch(rng, c.batch_size, augment=False), sampler, device)
        out: dict = {}
        loss, _, _, aux = masked_loss(model, b, draw_masks(rng, c.batch_size, N), autocast,
                                      yaw_weight=c.aux_yaw_weight, outputs=out)
        losses.append(loss.item())
        if aux is not None:
            aux_losses.append(aux.item())
        if "yaw" in out:
            e, n = yaw_error_deg(out["yaw"], b)
            yaw_err, yaw_n = yaw_err + e, yaw_n + n
        _, logits, t, _ = masked_loss(model, b, draw_masks(rng, c.batch_size, N, c.eval_mask_ratio), autocast)
        sel = t >= 0
        correct += (logits.argmax(-1)[sel] == t[sel]).sum().item()
        total += sel.sum().item()
    b = to_device(sampler.batch(rng, c.eval_decode_samples, augment=False), sampler, device)
    settings = make_settings({"rounds": min(12, N), "temperature": 0.0})
    with autocast():
        cache, pmask = model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"], b["proprio"])
    dec_ok, dec_n, bin_err, err_n = 0, 0, 0.0, 0
    for i in range(c.eval_decode_samples):
        ci, pi = [(k[i:i + 1], v[i:i + 1]) for k, v in cache], pmask[i:i + 1]

        def tokens_to_logits(tokens, _round):
            x = torch.from_numpy(tokens.astype(np.int64))[None].to(device)
            with autocast():
                return model.decode_same_batch(x, ci, pi)[0].float().cpu().numpy().reshape(-1)

        out = decode(tokens_to_logits, (model.cfg.chunk_len, model.cfg.action_dim), model.cfg.mask_id,
                     settings, rng=Rng(i)).tokens
        tgt = b["targets"][i].cpu().numpy()
        lab = tgt >= 0  # labelled steps only
        dec_ok += int((out == tgt)[lab].sum())
        dec_n += int(lab.sum())
        bin_err += float(np.abs(out.astype(np.int64) - tgt)[lab].mean()) if lab.any() else 0.0
        err_n += int(lab.any())
    model.train()
    return {"eval_loss": float(np.mean(losses)), "eval_masked_acc": correct / max(1, total),
            "eval_decode_acc": dec_ok / max(1, dec_n),
            "eval_decode_bin_err": bin_err / max(1, err_n),
            **({"eval_aux_loss": float(np.mean(aux_losses))} if aux_losses else {}),
            # mean |error| of the predicted yaw still to turn, degrees (folded to +-45; 22.5 = chance)
            **({"eval_yaw_err_deg": yaw_err / yaw_n} if yaw_n else {})}


def load_warm_start(model: VLA, state: dict) -> None:
    """Load a checkpoint's weights into a model that may have more modules. Every checkpoint
    weight must exist in the model with the same shape; the model's extra weights keep their init."""
    own = model.state_dict()
    bad = [k for k, v in state.items() if k not in own or own[k].shape != v.shape]
    if bad:
        raise ValueError(f"--init_from: weights that do not fit the model: {bad[:8]}; change the model "
                         f"overrides so only new modules are added")
    missing = model.load_state_dict(state, strict=False).missing_keys
    print(f"warm start: {len(state)} tensors loaded; new: {', '.join(missing) or 'none'}", flush=True)


def save_checkpoint(path: str, obj: dict) -> None:
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)  # atomic: a crash leaves the previous checkpoint intact


def main(argv=None) -> dict:
    c, model_over = parse_args(sys.argv[1:] if argv is None else argv)
    if not c.data:
        raise ValueError("--data=<file.hdf5 or lerobot folder>[,more] is required")
    device = torch.device("cuda" if c.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if c.device == "auto" else c.device))
    if c.num_threads > 0:
        torch.set_num_threads(c.num_threads)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True  # fp32 leftovers outside autocast
        torch.backends.cudnn.allow_tf32 = True
    if device.type == "cpu":
        # oneDNN's conv backward returns garbage (run-to-run different, sometimes NaN) when its
        # grad_output is not contiguous, which our patch flatten/transpose produces (measured on
        # Debian's torch 1.13: weight grads off by 0.1, bias by 1.5; the native kernel is exact and
        # no slower here). Forward/export are unaffected.
        torch.backends.mkldnn.enabled = False
    os.makedirs(c.out_dir, exist_ok=True)
    ckpt_path, log_path = os.path.join(c.out_dir, "ckpt.pt"), os.path.join(c.out_dir, "log.jsonl")
    ck = None
    if c.resume:
        if not os.path.exists(ckpt_path):
            raise FileNotFoundError(f"--resume: no checkpoint at {ckpt_path}; drop --resume to start from scratch")
        ck = torch.load(ckpt_path, map_location="cpu")
        clash = {k: v for k, v in model_over.items() if ck["config"].get(k) != (list(v) if isinstance(v, tuple) else v)}
        if clash:
            raise ValueError(f"--resume: model overrides {clash} differ from the checkpoint's config {ck['config']}")

    init = None
    if c.init_from and ck is None:
        if not os.path.exists(c.init_from):
            raise FileNotFoundError(f"--init_from: no checkpoint at {c.init_from}")
        init = torch.load(c.init_from, map_location="cpu")

    # ---- data: all frames in RAM, tokenizer and stats from the dataset ----
    t0 = time.time()
    cfg_src = ck["config"] if ck is not None else {**(init["config"] if init is not None else {}), **model_over}
    store = FrameStore(c.data, aux_goals=int(cfg_src.get("aux_goals", 0)),
                       goal_order=cfg_src.get("goal_order", "plan"), aux_yaw=int(cfg_src.get("aux_yaw", 0)))
    if ck is not None:  # the checkpoint's tokenizer, stats and model config win (same dataset assumed)
        tok, stats, mcfg = Tokenizer(ck["tokenizer"]), ck["stats"], apply_overrides(ModelConfig(), ck["config"])
    elif init is not None:  # warm start: its tokenizer and stats (the weights were trained with them)
        tok, stats = Tokenizer(init["tokenizer"]), init["stats"]
        mcfg = apply_overrides(apply_overrides(ModelConfig(), init["config"]), model_over)
    else:
        mcfg = apply_overrides(ModelConfig(), model_over)
        tok = build_tokenizer(store.all_instructions(), max_length=mcfg.max_instr_len)
        if "instr_vocab_size" not in model_over:
            mcfg = apply_overrides(mcfg, {"instr_vocab_size": tok.vocab_size})
        a = store.stats["actions"]
        mid, half = (a["q01"] + a["q99"]) / 2, np.maximum((a["q99"] - a["q01"]) / 2, MIN_BOUND_WIDTH / 2)
        stats = {**store.image_stats(), "proprio_mean": store.stats["proprio"]["mean"].tolist(),
                 "proprio_std": np.maximum(store.stats["proprio"]["std"], PROPRIO_STD_FLOOR).tolist(),
                 "action_low": (mid - half).tolist(), "action_high": (mid + half).tolist()}
    if c.aux_only and (mcfg.aux_goals <= 0 or mcfg.aux_source != "keypoints"):
        raise ValueError("--aux_only trains the keypoint goal head alone: set --aux_goals=G (>= 1) and "
                         "--aux_source=keypoints (with --keypoints=K)")
    if c.yaw_only and not (mcfg.goal_yaw and mcfg.aux_yaw):
        raise ValueError("--yaw_only trains the yaw CNN alone: set --goal_yaw=1 (with --aux_yaw=1 and --goal_token=1)")
    if c.head_only and not c.aux_only:
        raise ValueError("--head_only trains the keypoint goal head on the goal loss: use it with --aux_only")
    if c.yaw_only and c.aux_only:
        raise ValueError("--yaw_only and --aux_only each train one part alone; pick one")
    if store.image_size != mcfg.image_size:
        raise ValueError(f"dataset images are {store.images['agentview'].shape[1:3]} but image_size = "
                         f"{mcfg.image_size}; collect with --size {mcfg.image_size}x{mcfg.image_size} or set --image_size")
    kept = drop_task_demos(store, range(len(store.demo_len)), c.data_drop_tasks, c.data_drop_from)
    if len(kept) < len(store.demo_len):
        print(f"data_drop_tasks: left out {len(store.demo_len) - len(kept)} demos of {list(c.data_drop_tasks)} "
              f"from files {list(c.data_drop_from)}", flush=True)
    train_demos, eval_demos = split_demos(store, c.eval_demos, kept)
    if not 0.0 <= c.self_cond <= 1.0:
        raise ValueError(f"--self_cond is a share of the mask draws, in [0, 1]; got {c.self_cond}")
    if not 0.0 <= c.ema_decay < 1.0:
        raise ValueError(f"--ema_decay is a decay per step, in [0, 1); got {c.ema_decay}")
    if c.data_weights and len(c.data_weights) != len(c.data):
        raise ValueError(f"--data_weights has {len(c.data_weights)} numbers for {len(c.data)} --data files")
    mk = lambda demos, w=None, o=(): ChunkSampler(store, demos, tok, mcfg.chunk_len, mcfg.bins, stats, mcfg.cameras, w, o,  # noqa: E731
                                                  c.yaw_only)
    train_s = mk(train_demos, c.data_weights or None, c.data_open_only)
    eval_s = mk(eval_demos) if eval_demos else None
    if eval_s is not None and len(eval_s) == 0:  # e.g. --yaw_only with held-out demos that have no yaw target
        print("held-out demos have no frames to evaluate on: no held-out evaluation", flush=True)
        eval_s = None
    print(f"data: {len(store.demo_len)} demos, {store.n_frames} frames ({len(train_s)} train, "
          f"{0 if eval_s is None else len(eval_s)} held out in demos {eval_demos}); vocab {tok.vocab_size}; "
          f"loaded in {time.time() - t0:.1f}s", flush=True)

    # ---- model and optimiser ----
    torch.manual_seed(c.seed)
    model = VLA(mcfg).to(device)
    if c.head_only:  # everything else keeps its (warm-start) weights
        for n, p in model.named_parameters():
            p.requires_grad_(n.startswith(GOAL_HEAD_PARAMS))
    learn = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    decay = [p for n, p in learn if p.dim() >= 2 and "pos" not in n]
    no_decay = [p for n, p in learn if not (p.dim() >= 2 and "pos" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": c.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=c.lr, betas=(0.9, 0.95))
    use_amp = c.amp and device.type == "cuda" and torch.cuda.is_bf16_supported()
    autocast = (lambda: torch.autocast(device_type="cuda", dtype=torch.bfloat16)) if use_amp else \
        (lambda: torch.autocast(device_type="cpu", enabled=False))
    rng = np.random.default_rng(c.seed)
    step, elapsed0 = 0, 0.0
    if ck is not None:
        if ("model_raw" in ck) != (c.ema_decay > 0):
            raise ValueError(f"--resume: the checkpoint was trained {'with' if 'model_raw' in ck else 'without'} "
                             f"--ema_decay; resume with the same setting")
        model.load_state_dict(ck.get("model_raw", ck["model"]))
        opt.load_state_dict(ck["optimizer"])
        step, elapsed0 = ck["step"], ck["elapsed"]
        rng.bit_generator.state = ck["rng"]["numpy"]
        torch.set_rng_state(ck["rng"]["torch"])
        if device.type == "cuda" and ck["rng"].get("cuda") is not None:
            torch.cuda.set_rng_state(ck["rng"]["cuda"])
        if os.path.exists(log_path):  # drop log lines written after the checkpoint
            with open(log_path) as f:
                keep = [ln for ln in f if json.loads(ln)["step"] <= step]
            with open(log_path, "w") as f:
                f.writelines(keep)
    elif os.path.exists(log_path):
        os.remove(log_path)
    if init is not None:
        load_warm_start(model, init["model"])
    model.set_proprio_stats(stats["proprio_mean"], stats["proprio_std"])  # goal_token's world tcp
    ema = EMA(model) if c.ema_decay > 0 else None  # starts at the start weights (the warm start's)
    if ema is not None and ck is not None:
        ema.model.load_state_dict(ck["model"])
    shipped = ema.model if ema is not None else model  # what the checkpoint's "model" holds
    print(f"model: {model.num_params():,} parameters, prefix {mcfg.prefix_len} + {mcfg.n_action_tokens} action "
          f"tokens; device {device}{' bf16' if use_amp else ''}, threads {torch.get_num_threads()}; "
          f"{'resumed at step ' + str(step) if ck else ('warm start from ' + c.init_from if init else 'from scratch')}", flush=True)

    # The warm-start chain this run continues (a resumed run keeps its own record).
    init_info = None
    if ck is not None:
        init_info = (ck.get("training") or {}).get("init_from")
    elif init is not None:
        init_info = {"checkpoint": c.init_from, "step": init["step"], "training": init.get("training")}

    def checkpoint(last_eval):
        save_checkpoint(ckpt_path, {
            "config": mcfg.to_dict(), "model": shipped.state_dict(), "optimizer": opt.state_dict(),
            **({"model_raw": model.state_dict()} if ema is not None else {}),
            "step": step, "elapsed": elapsed0 + time.time() - t_start, "train_config": asdict(c),
            "rng": {"numpy": rng.bit_generator.state, "torch": torch.get_rng_state(),
                    "cuda": torch.cuda.get_rng_state() if device.type == "cuda" else None},
            "tokenizer": tok.to_json(), "stats": stats, "name": c.name,
            "description": (f"VLA warm-started from a {init_info['step']}-step checkpoint and trained {step} more steps"
                            if init_info else "VLA trained from scratch") + f" on {', '.join(os.path.basename(p) for p in c.data)} "
                           f"with the discrete-diffusion objective ({model.num_params():,} parameters).",
            "training": {"data": [os.path.basename(p) for p in c.data], "demos": len(store.demo_len),
                         "frames": store.n_frames, "steps": step, "config": mcfg.to_dict(),
                         "train_config": {k: v for k, v in asdict(c).items() if k not in ("resume", "out_dir")},
                         "parameters": model.num_params(), "held_out": last_eval, "device": str(device),
                         **({"init_from": init_info} if init_info else {})},
            "evaluation": None})

    # ---- training loop ----
    log = open(log_path, "a")
    t_start, t_log, cpu_log, tokens_seen, last_eval = time.time(), time.time(), time.process_time(), 0, None
    model.train()
    last = c.steps if c.stop_step <= 0 else min(c.steps, c.stop_step)
    while step < last:
        lr = lr_at(step, c)
        for g in opt.param_groups:
            g["lr"] = lr
        b = to_device(train_s.batch(rng, c.batch_size, c.augment), train_s, device)
        if c.aux_only or c.yaw_only:
            masks, aux_loss = np.zeros((1, 1), bool), None
            loss = aux_only_loss(model, b, autocast) if c.aux_only else yaw_loss(yaw_only_pred(model, b, autocast), b)
        else:
            masks = draw_masks(rng, c.batch_size * c.mask_draws, mcfg.n_action_tokens)
            sc = rng.random(len(masks)) < c.self_cond if c.self_cond > 0 else None
            loss, _, _, aux_loss = masked_loss(model, b, masks, autocast, sc, c.aux_yaw_weight)
        opt.zero_grad(set_to_none=True)
        (loss if aux_loss is None else loss + c.aux_weight * aux_loss).backward()
        if c.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), c.grad_clip)
        opt.step()
        if ema is not None:
            ema.update(ema_decay_at(step, c.ema_decay))
        step += 1
        tokens_seen += int(masks.sum())
        rec = None
        if step % c.log_interval == 0 or step == last:
            dt, n_steps = time.time() - t_log, (c.log_interval if step % c.log_interval == 0 else step % c.log_interval)
            rec = {"step": step, "loss": round(loss.item(), 5), "lr": lr,
                   **({"aux_loss": round(aux_loss.item(), 5)} if aux_loss is not None else {}),
                   "masked_tokens_per_s": round(tokens_seen / dt, 1),
                   "s_per_step": round(dt / n_steps, 4),
                   # process CPU seconds (all threads): on a shared machine, wall time / this = cores we got
                   "cpu_s_per_step": round((time.process_time() - cpu_log) / n_steps, 4),
                   "elapsed": round(elapsed0 + time.time() - t_start, 2)}
            t_log, cpu_log, tokens_seen = time.time(), time.process_time(), 0
        if eval_s is not None and (step % c.eval_interval == 0 or step == c.steps):
            last_eval = {"step": step, **evaluate(shipped, eval_s, c, device, autocast)}
            rec = {**(rec or {"step": step}), **{k: round(v, 5) for k, v in last_eval.items() if k != "step"}}
        if rec is not None:
            log.write(json.dumps(rec) + "\n")
            log.flush()
            print(json.dumps(rec), flush=True)
        if step % c.ckpt_interval == 0 or step == last:
            checkpoint(last_eval)
    log.close()
    return {"step": step, "last_eval": last_eval, "checkpoint": ckpt_path}


if __name__ == "__main__":
    main()
