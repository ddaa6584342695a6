"""A small vision-language-action transformer with a block-causal prefix cache (nanoGPT style;
torch 1.13 API, also runs on PyTorch 2.x). Reference: Discrete Diffusion VLA (arXiv 2508.20072)
for the masked action-token objective; nanoGPT (model.py) for the transformer.

Sequence: prefix = [agentview patches (+ keypoint token)][wrist patches (+ keypoint token)][instruction tokens]
[goal token, with cfg.goal_token; it also carries the wrist yaw CNN's reading with cfg.goal_yaw][proprio], then the
action block of chunk_len * action_dim tokens (ids 0..bins-1, mask id = bins).
Block-causal attention: prefix queries see only (non-padding) prefix keys; action queries see the
prefix and every action token. Hence the per-layer prefix keys/values do not depend on the action
tokens and are computed once (encode_prefix) and reused every decoding round (decode_actions).
Invariants: forward == decode_actions(encode_prefix(...)); the mask id never wins (its logit is
-inf); a padded instruction token (attention_mask 0) changes nothing downstream.
"""
import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.config import ModelConfig
from training.goals import GOAL_SCALE
from training.vision import YAW_GAIN, SpatialSoftmax, VisionEncoder, YawNet  # noqa: F401 (SpatialSoftmax: older probes import it here)

KV = Tuple[torch.Tensor, torch.Tensor]  # per layer: keys, values, each (B, n_head, T, head_dim)
# Additive attention bias for padding keys. Finite (not -inf) so a fully padded row stays NaN-free.
NEG_BIAS = -1e9
# aux_source "keypoints": the goal head's parameters (VLA.goal_head); what --head_only trains.
GOAL_HEAD_PARAMS = ("aux_head.", "aux_tcp_in.", "aux_tcp_out.")
GOAL_CLAMP = 10.0  # goal_token: |point - gripper| per axis at most 10 GOAL_SCALE units (1 m)


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.n_head, self.n_embd = cfg.n_head, cfg.n_embd
        self.scale = 1.0 / math.sqrt(cfg.head_dim)
        self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, key_bias, past: Optional[KV] = None):
        # x (B, T, C); key_bias (B, S) additive over all keys (S = past length + T)
        B, T, C = x.size()
        q, k, v = self.qkv(x).split(self.n_embd, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hd)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hd)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hd)
        new_kv = (k, v)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)  # (B, nh, S, hd)
            v = torch.cat([past[1], v], dim=2)
        att = (q @ k.transpose(-2, -1)) * self.scale  # (B, nh, T, S)
        att = att + key_bias[:, None, None, :]
        att = self.drop(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.drop(self.proj(y)), new_kv


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.fc = nn.Linear(cfg.n_embd, cfg.mlp_ratio * cfg.n_embd)
        self.proj = nn.Linear(cfg.mlp_ratio * cfg.n_embd, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x):
        return self.drop(self.proj(F.gelu(self.fc(x))))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd)
        self.attn = Attention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.n_embd)
        self.mlp = MLP(cfg)

    def forward(self, x, key_bias, past: Optional[KV] = None):
        a, kv = self.attn(self.ln_1(x), key_bias, past)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, kv


class VLA(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg.validate()
        C = cfg.n_embd
        self.vision = nn.ModuleList([VisionEncoder(cfg) for _ in cfg.cameras])
        self.instr_emb = nn.Embedding(cfg.instr_vocab_size, C)
        self.instr_pos = nn.Parameter(torch.zeros(1, cfg.max_instr_len, C))
        if cfg.film:  # the instruction vector FiLM reads: mean token embedding, layer-normed to unit scale
            self.film_norm = nn.LayerNorm(C)
        self.proprio_proj = nn.Linear(cfg.proprio_dim, C)
        if cfg.proprio_drop:  # a constant 0/1 mask over the proprio inputs (not a weight)
            keep = torch.ones(cfg.proprio_dim)
            keep[list(cfg.proprio_drop)] = 0.0
            self.register_buffer("proprio_keep", keep, persistent=False)
        self.action_emb = nn.Embedding(cfg.bins + 1, C)  # + 1: the mask token
        self.action_pos = nn.Parameter(torch.zeros(1, cfg.n_action_tokens, C))
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(C)
        self.head = nn.Linear(C, cfg.bins)  # bins only: the mask id gets a constant -inf logit
        if cfg.aux_goals > 0 and cfg.aux_source == "keypoints":  # training only unless goal_token
            # reads [keypoint token per camera, instruction vector] (aux_features): world-frame goal points
            self.aux_head = nn.Sequential(nn.LayerNorm((len(cfg.cameras) + 1) * C),
                                          nn.Linear((len(cfg.cameras) + 1) * C, 2 * C), nn.GELU(),
                                          nn.Linear(2 * C, 6 * cfg.aux_goals))
        elif cfg.aux_goals > 0:  # training only (training/goals.py); not in the exported graphs
            self.aux_head = nn.Sequential(nn.LayerNorm(C), nn.Linear(C, 6 * cfg.aux_goals))
        if cfg.goal_yaw:  # the wrist frame's yaw into the goal token (config.goal_yaw); exported
            self.yaw_net = YawNet(cfg.image_size)
            self.yaw_proj = nn.Linear(2, C, bias=False)
        elif cfg.aux_yaw:  # training only (config.aux_yaw); not in the exported graphs
            self.yaw_head = nn.Sequential(nn.LayerNorm(C), nn.Linear(C, 2))
        if cfg.aux_tcp:  # the gripper's position into the keypoint head (config.aux_tcp), zero at the start
            self.aux_tcp_in = nn.Linear(3, 2 * C, bias=False)
            self.aux_tcp_out = nn.Linear(3, 6 * cfg.aux_goals, bias=False)
        if cfg.goal_token:  # the head's points relative to the gripper -> one prefix token (config.goal_token)
            self.goal_proj = nn.Linear(6 * cfg.aux_goals, C)
        if cfg.goal_token or cfg.aux_tcp:
            # proprio normalisation (set_proprio_stats): the gripper's world position from the input
            self.register_buffer("proprio_mean", torch.zeros(cfg.proprio_dim))
            self.register_buffer("proprio_std", torch.ones(cfg.proprio_dim))
        self.apply(self._init_weights)
        if cfg.aux_tcp:
            nn.init.zeros_(self.aux_tcp_in.weight)
            nn.init.zeros_(self.aux_tcp_out.weight)
        if cfg.goal_yaw:
            self.yaw_net.reset_parameters()
            nn.init.zeros_(self.yaw_proj.weight)
        if cfg.vision_init == "kaiming":  # PyTorch's own conv init, which keeps the features' scale
            for m in self.vision.modules():
                if isinstance(m, nn.Conv2d):
                    m.reset_parameters()
        for p in [self.instr_pos, self.action_pos] + [v.pos for v in self.vision]:
            nn.init.normal_(p, std=0.02)
        for v in self.vision:
            v.init_keypoints()
            v.init_film()

    @staticmethod
    def _init_weights(m):
        if isinstance(m, (nn.Linear, nn.Embedding, nn.Conv2d)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)

    def num_params(self) -> int:
        """Parameters of the deployed model: the training-only auxiliary head is not counted."""
        return sum(p.numel() for n, p in self.named_parameters()
                   if not n.startswith("yaw_head.")
                   and (self.cfg.goal_token or not n.startswith(("aux_head.", "aux_tcp_"))))

    def set_proprio_stats(self, mean: Sequence[float], std: Sequence[float]) -> None:
        """goal_token / aux_tcp: the normalisation the runtime applies to proprio (the manifest's), so
        the graph can recover the gripper's position in metres. A no-op without either."""
        if self.cfg.goal_token or self.cfg.aux_tcp:
            self.proprio_mean.copy_(torch.as_tensor(mean, dtype=self.proprio_mean.dtype))
            self.proprio_std.copy_(torch.as_tensor(std, dtype=self.proprio_std.dtype))

    def goal_vector(self, world_goals, proprio):
        """goal_token: the head's world-frame points (B, 6 G) -> (point - gripper) in GOAL_SCALE
        units, detached from the head and clamped to +-GOAL_CLAMP (a wild prediction stays bounded);
        with goal_token_slots the slots after the first ones are zeros."""
        tcp = self.gripper_position(proprio)  # (B, 3)
        rel = world_goals.detach() - tcp.repeat(1, world_goals.size(1) // 3)
        rel = rel.clamp(-GOAL_CLAMP, GOAL_CLAMP)
        read = 6 * self.cfg.goal_token_slots  # config goal_token_slots: the later slots enter as zeros
        return F.pad(rel[:, :read], (0, rel.size(1) - read)) if 0 < read < rel.size(1) else rel

    def gripper_position(self, proprio):
        """(B, 3) the gripper's world position in GOAL_SCALE units, from the normalised proprio."""
        return (proprio[:, :3] * self.proprio_std[:3] + self.proprio_mean[:3]) / GOAL_SCALE

    def goal_head(self, features):
        """aux_source "keypoints": aux_features (B, F) -> world-frame goal points (B, 6 G). With
        aux_tcp the last 3 features are the gripper's position, added to the hidden layer and the
        output through zero-initialised maps (config.aux_tcp)."""
        if not self.cfg.aux_tcp:
            return self.aux_head(features)
        f, tcp = features[:, :-3], features[:, -3:]
        norm, hid, act, out = self.aux_head
        return out(act(hid(norm(f)) + self.aux_tcp_in(tcp))) + self.aux_tcp_out(tcp)

    def instruction_vector(self, input_ids, attention_mask, always: bool = False):
        """(B, C) what FiLM reads: the layer-normed mean of the instruction's token embeddings
        (padding left out); without cfg.film None, or with `always` the plain mean."""
        if not (self.cfg.film or always):
            return None
        m = attention_mask.to(self.instr_pos.dtype).unsqueeze(-1)  # (B, L, 1)
        mean = (self.instr_emb(input_ids) * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.film_norm(mean) if self.cfg.film else mean

    def aux_features(self, vision_parts, input_ids, attention_mask, instr=None, proprio=None):
        """aux_source "keypoints": (B, (n_cam + 1) C [+ 3]) = each camera's keypoint token (the last
        of its tokens) and the instruction vector (and with aux_tcp the gripper's position): what
        the auxiliary head reads, no transformer between."""
        if instr is None:
            instr = self.instruction_vector(input_ids, attention_mask, always=True)
        feats = [p[:, -1] for p in vision_parts] + [instr]
        if self.cfg.aux_tcp:
            if proprio is None:
                raise ValueError("aux_tcp: the goal head reads the gripper's position; pass proprio")
            feats.append(self.gripper_position(proprio).to(instr.dtype))
        return torch.cat(feats, dim=1)

    def vision_goals(self, images: Sequence[torch.Tensor], input_ids, attention_mask, proprio=None):
        """aux_source "keypoints": the auxiliary head's world-frame goal points (B, 6 G) from the
        vision encoders alone (no transformer): the cheap pass `--aux_only` pretraining runs.
        proprio (normalised) is needed with aux_tcp."""
        instr, parts = self.encode_vision(images, input_ids, attention_mask)
        return self.goal_head(self.aux_features(parts, input_ids, attention_mask, instr, proprio))

    def encode_vision(self, images: Sequence[torch.Tensor], input_ids, attention_mask):
        """(FiLM's instruction vector or None, [(B, P_img, C) tokens per camera])."""
        instr = self.instruction_vector(input_ids, attention_mask)  # None without FiLM
        return instr, [enc(img, instr) for enc, img in zip(self.vision, images)]

    def encode_prefix(self, images: Sequence[torch.Tensor], input_ids, attention_mask, proprio,
                      return_hidden: bool = False, return_state: bool = False):
        """images: one (B, 3, H, W) float tensor per camera in cfg.cameras order; input_ids,
        attention_mask (B, L) int64; proprio (B, proprio_dim), normalised.
        Returns (cache, prefix_mask): cache is a list of per-layer (k, v), each
        (B, n_head, P, head_dim); prefix_mask (B, P) float, 1 = real token, 0 = padding.
        return_hidden: also what the auxiliary head reads: the prefix state (B, P, C), the last
        block's output or with cfg.aux_layer = L > 0 block L's output; with aux_source "keypoints"
        aux_features (B, (n_cam + 1) C) instead. return_state: (cache, prefix_mask, hidden, state),
        state being that block output whatever the aux_source, or with goal_yaw the yaw CNN's (B, 2)
        prediction (what predict_yaw reads)."""
        B = input_ids.size(0)
        instr, parts = self.encode_vision(images, input_ids, attention_mask)  # (B, P_img, C) each
        kp_hidden = (self.aux_features(parts, input_ids, attention_mask, instr, proprio)
                     if (return_hidden and self.cfg.aux_source == "keypoints") or self.cfg.goal_token else None)
        yaw = self.yaw_net(images[self.cfg.cameras.index("wrist")]) if self.cfg.goal_yaw else None
        parts.append(self.instr_emb(input_ids) + self.instr_pos)  # (B, L, C)
        if self.cfg.goal_token:  # from the full proprio: the gripper's x, y enter only relative to the goals
            goal = self.goal_proj(self.goal_vector(self.goal_head(kp_hidden), proprio))
            if yaw is not None:  # detached, as the goal points are: only the yaw loss trains the CNN
                goal = goal + self.yaw_proj(YAW_GAIN * yaw.detach())
            parts.append(goal.unsqueeze(1))
        if self.cfg.proprio_drop:
            proprio = proprio * self.proprio_keep  # dropped inputs are 0 whatever the runtime sends
        parts.append(self.proprio_proj(proprio).unsqueeze(1))  # (B, 1, C)
        x = torch.cat(parts, dim=1)  # (B, P, C)
        n_img = x.size(1) - input_ids.size(1) - 1 - self.cfg.goal_token
        ones = torch.ones(B, n_img, dtype=x.dtype, device=x.device)
        prefix_mask = torch.cat([ones, attention_mask.to(x.dtype), ones[:, :1 + self.cfg.goal_token]], dim=1)  # (B, P)
        bias = (1.0 - prefix_mask) * NEG_BIAS  # (B, P)
        cache: List[KV] = []
        read_at = self.cfg.aux_layer or len(self.blocks)  # the block whose output the auxiliary head reads
        for i, block in enumerate(self.blocks):
            x, kv = block(x, bias)
            cache.append(kv)
            if i + 1 == read_at:
                hidden = x
        state = yaw if yaw is not None else hidden  # goal_yaw: the CNN's yaw; else block aux_layer's output
        if kp_hidden is not None:
            hidden = kp_hidden
        if return_state:
            return cache, prefix_mask, hidden, state
        return (cache, prefix_mask, hidden) if return_hidden else (cache, prefix_mask)

    def predict_yaw(self, state):
        """config.aux_yaw: encode_prefix's state -> (B, 2) sin, cos of YAW_FOLD x the yaw the gripper
        still has to turn (training/goals.py yaw_targets): with goal_yaw the yaw CNN's own output,
        else read from the last prefix token (proprio), which attends to every camera and
        instruction token."""
        return state if self.cfg.goal_yaw else self.yaw_head(state[:, -1])

    def predict_goals(self, hidden):
        """encode_prefix's hidden -> (B, 6 * aux_goals) goal points (training/goals.py). aux_source
        "prefix": read from the last prefix token (proprio), which attends to every camera and
        instruction token, relative to the gripper. "keypoints": from aux_features, in the world
        frame (/ GOAL_SCALE); the caller subtracts the gripper's position (goals.goal_prediction)."""
        return self.goal_head(hidden) if self.cfg.aux_source == "keypoints" else self.aux_head(hidden[:, -1])

    def decode_actions(self, tokens, cache: Sequence[KV], prefix_mask):
        """tokens (B, N) int64 action ids (mask id allowed) -> logits (B, N, bins + 1) with
        logits[..., bins] = -inf. The cache may have batch B or B / K (K draws share a prefix)."""
        if prefix_mask.size(0) != tokens.size(0):  # several mask draws per sample share one prefix
            reps = tokens.size(0) // prefix_mask.size(0)
            cache = [(k.repeat_interleave(reps, 0), v.repeat_interleave(reps, 0)) for k, v in cache]
            prefix_mask = prefix_mask.repeat_interleave(reps, 0)
        return self.decode_same_batch(tokens, cache, prefix_mask)

    def decode_same_batch(self, tokens, cache: Sequence[KV], prefix_mask):
        """decode_actions when the cache batch equals the token batch (the exported graph)."""
        B, N = tokens.size()
        x = self.action_emb(tokens) + self.action_pos[:, :N]  # (B, N, C)
        bias = (1.0 - prefix_mask) * NEG_BIAS  # (B, P)
        bias = torch.cat([bias, torch.zeros_like(bias[:, :1]).expand(B, N)], dim=1)  # (B, P + N)
        for block, past in zip(self.blocks, cache):
            x, _ = block(x, bias, past)
        logits = self.head(self.ln_f(x))  # (B, N, bins)
        return F.pad(logits, (0, 1), value=float("-inf"))  # (B, N, bins + 1)

    def forward(self, images, input_ids, attention_mask, proprio, tokens, targets=None):
        """Training pass. targets (B, N) int64: bin ids at masked positions, -100 elsewhere
        (loss on masked positions only). Returns (logits, loss or None)."""
        cache, prefix_mask = self.encode_prefix(images, input_ids, attention_mask, proprio)
        logits = self.decode_actions(tokens, cache, prefix_mask)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits[..., : self.cfg.bins].reshape(-1, self.cfg.bins),
                                   targets.reshape(-1), ignore_index=-100)
        return logits, loss


class EncoderForExport(nn.Module):
    """ONNX encoder graph: cameras..., input_ids, attention_mask, proprio -> past_keys,
    past_values (n_layer, B, n_head, P, head_dim), prefix_mask (B, P)."""

    def __init__(self, model: VLA):
        super().__init__()
        self.model = model

    def forward(self, *args):
        n_cam = len(self.model.cfg.cameras)
        images, (input_ids, attention_mask, proprio) = args[:n_cam], args[n_cam:]
        cache, prefix_mask = self.model.encode_prefix(images, input_ids, attention_mask, proprio)
        past_keys = torch.stack([k for k, _ in cache], dim=0)  # (n_layer, B, nh, P, hd)
        past_values = torch.stack([v for _, v in cache], dim=0)  # (n_layer, B, nh, P, hd)
        return past_keys, past_values, prefix_mask


class DecoderForExport(nn.Module):
    """ONNX decoder graph: action_tokens, past_keys, past_values, prefix_mask -> logits."""

    def __init__(self, model: VLA):
        super().__init__()
        self.model = model

    def forward(self, action_tokens, past_keys, past_values, prefix_mask):
        cache = [(past_keys[i], past_values[i]) for i in range(self.model.cfg.n_layer)]
        return self.model.decode_same_batch(action_tokens, cache, prefix_mask)
