"""The VLA's image parts (training/model.py assembles them): the per-camera conv encoder with
optional FiLM and spatial-softmax keypoints, and the wrist-frame yaw CNN of config.goal_yaw.

Invariants: every module here is export-friendly (convs, reshapes, softmax, matmul); modules
added to a trained model start as no change (zero-initialised FiLM and keypoint MLP outputs).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from training.config import ModelConfig


class SpatialSoftmax(nn.Module):
    """K keypoints from a feature map (Levine et al. 2016): per keypoint map, a softmax over all
    h*w cells (learned temperature) and the expected (x, y) in [-1, 1] (x to the right, y down).
    Export-friendly: a reshape, a softmax and a matmul with a constant coordinate grid."""

    def __init__(self, c_in: int, k: int, side: int):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(c_in, c_in, 3, padding=1), nn.GELU(), nn.Conv2d(c_in, k, 1))
        self.log_temp = nn.Parameter(torch.zeros(1))
        lin = torch.linspace(-1.0, 1.0, side)
        ys, xs = torch.meshgrid(lin, lin, indexing="ij")  # row-major cells, as flatten(2) orders them
        self.register_buffer("grid", torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=1), persistent=False)

    def reset_parameters(self):
        """Unit-scale keypoint logits from the start (the 0.02-std init of the rest of the model
        gives logits of ~1e-3 and a flat softmax that barely learns)."""
        nn.init.kaiming_normal_(self.net[0].weight, nonlinearity="relu")
        nn.init.normal_(self.net[2].weight, std=self.net[2].in_channels ** -0.5)
        nn.init.zeros_(self.net[0].bias)
        nn.init.zeros_(self.net[2].bias)

    def forward(self, f):  # f (B, c, h, w) -> (B, 2K): x0, y0, x1, y1, ...
        mu = f.mean(dim=(1, 2, 3), keepdim=True)  # normalise the input's scale per image
        f = (f - mu) * torch.rsqrt(((f - mu) ** 2).mean(dim=(1, 2, 3), keepdim=True) + 1e-5)
        m = self.net(f).flatten(2)  # (B, K, h*w)
        attn = F.softmax(m * torch.exp(self.log_temp), dim=-1)
        return (attn @ self.grid).flatten(1)  # (B, K, 2) -> (B, 2K)


class VisionEncoder(nn.Module):
    """A few 3x3 convs (stride 2 each, or cfg.vision_strides); every cell of the last feature map
    (average-pooled by cfg.patch_pool) is one patch token. With cfg.film, each conv's output
    channels are scaled and shifted by the instruction before its activation (FiLM). With
    cfg.keypoints > 0, one more token: spatial-softmax keypoints of the feature map after conv
    cfg.keypoint_layer, through a small MLP whose last layer starts at zero (so keypoints added to a
    trained model start as one constant token and grow in from there)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        layers, c_in = [], 3
        for c_out, stride in zip(cfg.vision_channels, cfg.strides):
            layers += [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1), nn.GELU()]
            c_in = c_out
        self.convs = nn.Sequential(*layers)  # conv i is convs[2 i], its activation convs[2 i + 1]
        self.pool, self.use_film = cfg.patch_pool, bool(cfg.film)
        if cfg.film:  # per conv: instruction vector (C) -> (gamma, beta) over its channels
            self.film = nn.ModuleList([nn.Linear(cfg.n_embd, 2 * c) for c in cfg.vision_channels])
        self.proj = nn.Linear(c_in, cfg.n_embd)
        self.pos = nn.Parameter(torch.zeros(1, cfg.n_patches, cfg.n_embd))
        self.kp_at = cfg.keypoint_layer - 1 if cfg.keypoints > 0 else -1
        if cfg.keypoints > 0:
            self.keypoints = SpatialSoftmax(cfg.vision_channels[self.kp_at], cfg.keypoints,
                                            cfg.map_side(cfg.keypoint_layer))
            self.kp_mlp = nn.Sequential(nn.Linear(2 * cfg.keypoints, cfg.n_embd), nn.GELU(),
                                        nn.Linear(cfg.n_embd, cfg.n_embd))
            self.kp_pos = nn.Parameter(torch.zeros(1, 1, cfg.n_embd))

    def forward(self, img, instr=None):  # img (B, 3, H, W), normalised per the manifest; instr (B, C) with film
        f, kp = img, None
        for i in range(0, len(self.convs), 2):
            f = self.convs[i](f)  # (B, c, h, w)
            if self.use_film:
                gamma, beta = self.film[i // 2](instr).chunk(2, dim=1)  # (B, c) each
                f = f * (1.0 + gamma[:, :, None, None]) + beta[:, :, None, None]
            f = self.convs[i + 1](f)
            if i // 2 == self.kp_at:
                kp = self.kp_mlp(self.keypoints(f)).unsqueeze(1) + self.kp_pos  # (B, 1, C)
        if self.pool > 1:
            f = F.avg_pool2d(f, self.pool)
        f = f.flatten(2).transpose(1, 2)  # (B, h*w, c), row-major patches
        patches = self.proj(f) + self.pos  # (B, P_img, C)
        return patches if kp is None else torch.cat([patches, kp], dim=1)  # (B, P_img [+ 1], C)

    def init_keypoints(self):
        if self.kp_at >= 0:
            self.keypoints.reset_parameters()
            nn.init.zeros_(self.kp_mlp[2].weight)
            nn.init.zeros_(self.kp_mlp[2].bias)

    def init_film(self):
        """FiLM starts as the identity (gamma = beta = 0), so adding it changes nothing at step 0."""
        for lin in (self.film if self.use_film else []):
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)


# goal_yaw: the yaw CNN's sin, cos enter the goal token times this. From a zero start, AdamW moves
# each weight about lr per step whatever the input's scale, and at gain 1 the map from the yaw grew
# to a twentieth of the goal points' in 500 steps at lr 1e-4 (vla-yaw15b): the policy barely read it.
YAW_GAIN = 10.0


class YawNet(nn.Module):
    """config.goal_yaw: a small CNN of its own on the wrist frame (B, 3, H, W), normalised as the
    policy's, -> (B, 2) sin, cos of YAW_FOLD x the yaw the gripper still has to turn to hold the
    goal's cube square (training/goals.py yaw_targets). Sized by reports/probes/yaw_cnn_session35.py."""
    CHANNELS = (16, 32, 32, 32)
    STRIDES = (2, 1, 2, 2)
    HIDDEN = 64

    def __init__(self, image_size: int):
        super().__init__()
        layers, c0 = [], 3
        for c, s in zip(self.CHANNELS, self.STRIDES):
            layers += [nn.Conv2d(c0, c, 3, s, 1), nn.GELU()]
            c0 = c
        side = image_size
        for s in self.STRIDES:
            side //= s
        self.conv = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(c0 * side * side, self.HIDDEN), nn.GELU(),
                                  nn.Linear(self.HIDDEN, 2))

    def reset_parameters(self):
        """PyTorch's own init (the VLA's 0.02-std init starves four stacked convs)."""
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.reset_parameters()

    def forward(self, wrist):
        return self.head(self.conv(wrist))
