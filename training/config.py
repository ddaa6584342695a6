"""Model and training configuration (nanoGPT style): dataclasses with defaults, validated overrides
that reject unknown keys; the model's is saved next to the weights and into the manifest's training
info, the training run's (TrainConfig, read by training/train.py) into its checkpoint.

Invariants checked by validate(): n_embd % n_head == 0; image_size divisible by the product of
the vision strides (2 each unless vision_strides says otherwise) and patch_pool; the mask id is
bins, so the action vocabulary is bins + 1.
"""
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Dict, Sequence, Tuple


# Integer fields where 0 switches a feature off (every other integer field must be >= 1).
ZERO_MEANS_OFF = frozenset({"keypoints", "aux_goals", "aux_layer", "film", "goal_token", "aux_tcp", "goal_token_slots", "aux_yaw", "goal_yaw"})
# Fields left out of to_dict while at their default (off), so configs and manifests written before
# they existed stay byte-identical.
OMIT_AT_DEFAULT = {"proprio_drop": (), "aux_layer": 0, "vision_strides": (), "film": 0, "patch_pool": 1,
                   "aux_source": "prefix", "vision_init": "normal", "goal_token": 0, "aux_tcp": 0,
                   "goal_order": "plan", "goal_token_slots": 0, "aux_yaw": 0, "goal_yaw": 0}
AUX_SOURCES = ("prefix", "keypoints")
VISION_INITS = ("normal", "kaiming")
GOAL_ORDERS = ("plan", "active", "clause")  # how the goal slots are filled (training/goals.py goal_targets)


@dataclass(frozen=True)
class ModelConfig:
    image_size: int = 64  # square camera images, both cameras (manifest cameras[].width/height)
    cameras: Tuple[str, ...] = ("agentview", "wrist")
    vision_channels: Tuple[int, ...] = (32, 64, 128)  # one 3x3 conv each: 64px -> 8x8 patches at stride 2
    # Stride of each vision conv (1 or 2), same length as vision_channels; () = all 2. Stride-1
    # layers keep the resolution that keypoints need to place small objects (a 64 px view with
    # strides 2, 1, 2, 1 gives a 16 x 16 map).
    vision_strides: Tuple[int, ...] = ()
    # Average-pool the last feature map by this factor before it becomes patch tokens (a 16 x 16
    # map with 4 gives 4 x 4 = 16 tokens per camera); 1 = every cell is a token.
    patch_pool: int = 1
    # 1 = FiLM (Perez et al. 2018, as in RT-1): every vision conv's channels are scaled and shifted
    # by the instruction (the layer-normed mean of its token embeddings), so the convs look for the
    # named object from the first layer on, instead of the transformer binding words to patches
    # later. Starts as the identity (zero-initialised). 0 = off.
    film: int = 0
    instr_vocab_size: int = 64  # from the tokenizer (len(vocab))
    max_instr_len: int = 32  # tokenizer maxLength
    proprio_dim: int = 8  # [x, y, z, qx, qy, qz, qw, opening]
    action_dim: int = 7
    chunk_len: int = 8  # H; the action block has chunk_len * action_dim tokens
    bins: int = 256  # action token ids 0..bins-1; mask id = bins
    n_layer: int = 6
    n_head: int = 4
    n_embd: int = 128
    mlp_ratio: int = 4
    dropout: float = 0.0
    # Spatial-softmax keypoints (Levine et al. 2016, "End-to-End Training of Deep Visuomotor
    # Policies"): K feature maps after conv `keypoint_layer` (1-based), each turned into its
    # expected (x, y) image position; all 2K numbers of a camera become one extra prefix token.
    # They give the transformer explicit object coordinates, finer than the patch grid. 0 = off.
    keypoints: int = 0
    keypoint_layer: int = 2
    # Training-only auxiliary head (training/goals.py): from the prefix's last token, regress the
    # pick and place points of up to `aux_goals` task goals relative to the gripper. The exported
    # graphs never run it. 0 = off.
    aux_goals: int = 0
    # Which prefix state the auxiliary head reads: 0 = the last block's output (which no action
    # token ever sees: they attend to each block's *input* keys/values), L in 1..n_layer-1 = the
    # output of block L, the input of block L + 1, whose keys and values the action tokens attend
    # to, so what the head learns is where the actions can read it.
    aux_layer: int = 0
    # What the auxiliary head reads. "prefix": the prefix state above (a linear head on the proprio
    # token). "keypoints": each camera's keypoint token and the instruction vector, through a small
    # MLP, straight from the vision encoders (no transformer in between), and it predicts the goal
    # points in the world frame (the loss subtracts the gripper's position): the short path a
    # standalone FiLM + keypoint encoder learns in a few hundred steps (training/recipes.md, session 9).
    # Needs keypoints > 0. With it `--aux_only` pretrains the vision on layouts alone.
    aux_source: str = "prefix"
    # Initial vision conv weights: "normal" = N(0, 0.02) like every other weight (a GPT init: four
    # such convs shrink an image's features about 100-fold); "kaiming" = PyTorch's conv default
    # (kaiming-uniform, a = sqrt(5)), which keeps their scale.
    vision_init: str = "normal"
    # Proprio inputs the model never sees (indices into the proprio layout [x, y, z, qx, qy, qz, qw,
    # opening]; multiplied by 0 inside the graph, so the runtime's input stays the full vector).
    # Why: with the gripper's x, y as input the model learns to continue the motion it is already in
    # (the arm's position during an approach says where the expert was heading), and not to look:
    # the "copycat" shortcut (Wen et al. 2020; de Haan et al. 2019, causal confusion). () = all seen.
    proprio_drop: Tuple[int, ...] = ()
    # 1: the keypoint goal head becomes part of the policy. Its world-frame goal points minus the
    # gripper's position (from the full proprio, whatever proprio_drop hides) go in as one more
    # prefix token, before the proprio token: the vector to servo on is an input instead of
    # something the transformer must rebuild from pixels. The head's output is detached there (it
    # learns from the goal loss only, so it stays a localiser) and clamped to +-GOAL_CLAMP units.
    # Needs aux_goals > 0 and aux_source "keypoints"; the exported encoder then runs the head.
    goal_token: int = 0
    # 1: the keypoint goal head also reads where the gripper is (its x, y, z from the full proprio,
    # in GOAL_SCALE units; whatever proprio_drop hides from the policy). Why: the wrist camera moves
    # with the gripper, so what it sees says where the object is *relative* to the gripper, which is
    # sub-centimetre near the object; a head predicting world-frame points from images alone cannot
    # use that, and its pick point stayed ~2.4 cm off even with the gripper right above the object
    # (reports/probes/head-error-vla-kp-gt-session11.txt). The gripper position enters the head's
    # hidden layer and its output through two zero-initialised linear maps, so a warm start from a
    # head without them begins exactly where it was. Needs aux_source "keypoints".
    aux_tcp: int = 0
    # What the goal slots hold (training/goals.py GOAL_ORDERS). "plan": slot g is the task's goal g
    # at every frame, so in a two-step task the policy must itself tell from the pictures whether
    # the first step is done and which slot to follow. "active": slot 0 is the goal that does not
    # hold yet (the one the expert works on), slot 1 the one after: the goal head makes that call
    # under its dense loss and the policy always serves slot 0. Single-goal tasks are the same
    # under both. "clause": each frame of a multi-step demo is trained with the clause of the
    # instruction in force there (training/subtasks.py: moved on when the gripper lets go of what it
    # held), slot 0 is that clause's goal and the other slots are empty; the exported manifest
    # then sets decoding.subtasks, so the runtime feeds the model one clause at a time too.
    goal_order: str = "plan"
    # goal_token: how many goal slots the policy reads (the first ones; the others enter as zeros,
    # still trained by the goal loss). 0 = all aux_goals. With goal_order "active", 1 leaves the
    # policy only the goal to work on now, so a two-step task looks to it like two one-step tasks.
    goal_token_slots: int = 0
    # 1: a training-only head on the prefix (the last token of block aux_layer's output, like
    # aux_source "prefix") regresses sin, cos of 4 x (the slot-0 goal's cube yaw - the gripper's
    # yaw) (training/goals.py yaw_targets), so the prefix the action tokens attend to must carry
    # how far the gripper still has to turn. Needs aux_goals > 0 (it reads the goals sidecars).
    aux_yaw: int = 0
    # 1: a small CNN of its own (model.YawNet) reads the wrist frame and predicts that yaw (trained by
    # the aux_yaw loss, or alone with --yaw_only), and the goal token carries its (sin, cos) through a
    # zero-initialised map: a warm start begins exactly where it was. Exported in the encoder graph.
    # Needs goal_token 1 and the wrist camera. (The prefix head of aux_yaw alone did not learn the
    # yaw in 500 steps; a CNN of its own did: reports/probes/yaw_cnn_session35.py.)
    goal_yaw: int = 0

    @property
    def strides(self) -> Tuple[int, ...]:
        return self.vision_strides or (2,) * len(self.vision_channels)

    def map_side(self, layers: int) -> int:
        """Side of the feature map after the first `layers` vision convs."""
        side = self.image_size
        for s in self.strides[:layers]:
            side //= s
        return side

    @property
    def n_patches(self) -> int:
        side = self.map_side(len(self.vision_channels)) // self.patch_pool
        return side * side

    @property
    def tokens_per_camera(self) -> int:
        return self.n_patches + (1 if self.keypoints > 0 else 0)

    @property
    def prefix_len(self) -> int:
        # prefix order: [camera 0 patches (+ keypoint token)][camera 1 ...][instruction tokens][proprio]
        # (+ the goal token before the proprio with goal_token)
        return len(self.cameras) * self.tokens_per_camera + self.max_instr_len + 1 + self.goal_token

    @property
    def n_action_tokens(self) -> int:
        return self.chunk_len * self.action_dim

    @property
    def mask_id(self) -> int:
        return self.bins

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_head

    def validate(self) -> "ModelConfig":
        def need(ok: bool, msg: str):
            if not ok:
                raise ValueError(f"ModelConfig: {msg}")

        for f in fields(self):
            v = getattr(self, f.name)
            if f.type in (int, "int"):
                lo = 0 if f.name in ZERO_MEANS_OFF else 1
                need(isinstance(v, int) and not isinstance(v, bool) and v >= lo,
                     f"{f.name} must be an integer >= {lo}, got {v!r}")
        need(self.keypoint_layer <= len(self.vision_channels),
             f"keypoint_layer ({self.keypoint_layer}) must be at most len(vision_channels) = {len(self.vision_channels)}")
        need(self.aux_layer < self.n_layer,
             f"aux_layer ({self.aux_layer}) must be below n_layer ({self.n_layer}): 0 = the last block's output, "
             f"L = block L's output")
        need(0.0 <= self.dropout < 1.0, f"dropout must be in [0, 1), got {self.dropout!r}")
        need(self.bins >= 2, f"bins must be >= 2, got {self.bins}")
        need(self.n_embd % self.n_head == 0,
             f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head}); change one of them")
        need(len(self.vision_channels) >= 1 and all(isinstance(c, int) and c >= 1 for c in self.vision_channels),
             f"vision_channels must be a non-empty tuple of positive ints, got {self.vision_channels!r}")
        need(not self.vision_strides or (len(self.vision_strides) == len(self.vision_channels)
                                        and all(st in (1, 2) for st in self.vision_strides)),
             f"vision_strides must be () or one stride (1 or 2) per vision conv ({len(self.vision_channels)}), "
             f"got {self.vision_strides!r}")
        total = self.patch_pool
        for st in self.strides:
            total *= st
        need(self.image_size % total == 0,
             f"image_size ({self.image_size}) must be divisible by the product of the vision strides and "
             f"patch_pool = {total}")
        need(self.film in (0, 1), f"film must be 0 (off) or 1, got {self.film!r}")
        need(self.aux_source in AUX_SOURCES, f"aux_source must be one of {AUX_SOURCES}, got {self.aux_source!r}")
        need(self.aux_source != "keypoints" or self.keypoints > 0,
             "aux_source 'keypoints' reads the keypoint tokens: set keypoints > 0")
        need(self.goal_token in (0, 1), f"goal_token must be 0 (off) or 1, got {self.goal_token!r}")
        need(not self.goal_token or (self.aux_goals > 0 and self.aux_source == "keypoints"),
             "goal_token feeds the keypoint goal head's points to the policy: set aux_goals > 0 and "
             "aux_source 'keypoints'")
        need(self.aux_tcp in (0, 1), f"aux_tcp must be 0 (off) or 1, got {self.aux_tcp!r}")
        need(not self.aux_tcp or (self.aux_goals > 0 and self.aux_source == "keypoints"),
             "aux_tcp gives the keypoint goal head the gripper's position: set aux_goals > 0 and aux_source 'keypoints'")
        need(self.goal_order in GOAL_ORDERS, f"goal_order must be one of {GOAL_ORDERS}, got {self.goal_order!r}")
        need(self.goal_order == "plan" or self.aux_goals > 0, "goal_order orders the auxiliary goal slots: set aux_goals > 0")
        need(self.goal_token_slots <= self.aux_goals and (self.goal_token_slots == 0 or self.goal_token),
             f"goal_token_slots ({self.goal_token_slots}) is how many of the aux_goals ({self.aux_goals}) slots the "
             f"goal token carries: needs goal_token 1 and at most aux_goals")
        need(self.aux_yaw in (0, 1), f"aux_yaw must be 0 (off) or 1, got {self.aux_yaw!r}")
        need(not self.aux_yaw or self.aux_goals > 0, "aux_yaw reads the goals sidecars: set aux_goals > 0")
        need(self.goal_yaw in (0, 1), f"goal_yaw must be 0 (off) or 1, got {self.goal_yaw!r}")
        need(not self.goal_yaw or (self.goal_token and "wrist" in self.cameras),
             "goal_yaw puts the wrist frame's yaw into the goal token: set goal_token 1 and keep the wrist camera")
        need(self.vision_init in VISION_INITS, f"vision_init must be one of {VISION_INITS}, got {self.vision_init!r}")
        need(all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < self.proprio_dim for i in self.proprio_drop)
             and len(set(self.proprio_drop)) == len(self.proprio_drop) < self.proprio_dim,
             f"proprio_drop must be distinct indices in [0, {self.proprio_dim}), not all of them, got {self.proprio_drop!r}")
        need(len(self.cameras) >= 1 and len(set(self.cameras)) == len(self.cameras)
             and all(c in ("agentview", "wrist") for c in self.cameras),
             f"cameras must be distinct names from ('agentview', 'wrist'), got {self.cameras!r}")
        return self

    def to_dict(self) -> Dict[str, Any]:
        d = asdict(self)
        for k, off in OMIT_AT_DEFAULT.items():
            if d[k] == off:  # asdict keeps tuples, so () compares equal
                del d[k]
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def apply_overrides(cfg, overrides: Dict[str, Any]):
    """Return a copy of the dataclass cfg with overrides applied. Unknown keys and wrong types
    are errors that list the valid keys (a typo must never be silently ignored)."""
    known = {f.name: f for f in fields(cfg)}
    changes = {}
    for key, value in overrides.items():
        if key not in known:
            raise ValueError(f"unknown config key {key!r}; valid keys: {', '.join(sorted(known))}")
        old = getattr(cfg, key)
        if isinstance(old, tuple):
            if not isinstance(value, (list, tuple)):
                raise ValueError(f"config key {key!r} must be a list, got {value!r}")
            value = tuple(value)
        elif isinstance(old, bool) or isinstance(value, bool):
            if type(value) is not type(old):
                raise ValueError(f"config key {key!r} must be {type(old).__name__}, got {value!r}")
        elif isinstance(old, float) and isinstance(value, int):
            value = float(value)
        elif type(value) is not type(old):
            raise ValueError(f"config key {key!r} must be {type(old).__name__}, got {value!r}")
        changes[key] = value
    new = replace(cfg, **changes)
    return new.validate() if hasattr(new, "validate") else new


def parse_cli_overrides(argv: Sequence[str]) -> Dict[str, Any]:
    """["--n_layer=4", "--cameras=[\"agentview\"]"] -> {"n_layer": 4, "cameras": ["agentview"]}.
    Values are parsed as JSON, falling back to the raw string."""
    import json

    out: Dict[str, Any] = {}
    for arg in argv:
        if not arg.startswith("--") or "=" not in arg:
            raise ValueError(f"override must look like --key=value, got {arg!r}")
        key, raw = arg[2:].split("=", 1)
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out


def config_from_dict(d: Dict[str, Any]) -> ModelConfig:
    return apply_overrides(ModelConfig(), d)


# A tiny config for models/test-random and the parity fixtures (fast to export, < 2 MB).
TINY_OVERRIDES: Dict[str, Any] = {"image_size": 32, "vision_channels": [8, 16, 16], "n_layer": 2, "n_head": 2,
                                  "n_embd": 32, "max_instr_len": 12, "chunk_len": 8}


@dataclass(frozen=True)
class TrainConfig:
    data: Tuple[str, ...] = ()  # HDF5 files and/or LeRobot export folders
    out_dir: str = "training/runs/default"
    name: str = "vla-small"  # model name in the manifest
    steps: int = 3000
    batch_size: int = 64  # samples (prefixes) per step; the decoder sees batch_size * mask_draws
    mask_draws: int = 2  # K mask draws per prefix
    lr: float = 1e-3
    min_lr: float = 1e-4
    warmup_steps: int = 100
    weight_decay: float = 0.05
    grad_clip: float = 1.0
    augment: bool = True
    eval_demos: int = 4  # held-out demos (split_demos)
    eval_interval: int = 500
    eval_batches: int = 4  # held-out batches of batch_size for loss / masked accuracy
    eval_mask_ratio: float = 0.5  # fixed ratio for the held-out masked-token accuracy
    eval_decode_samples: int = 16  # held-out samples fully decoded (DD, T = 12, greedy)
    log_interval: int = 10
    ckpt_interval: int = 500
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    num_threads: int = 0  # torch.set_num_threads; 0 = leave torch's default
    amp: bool = True  # bf16 autocast on CUDA (ignored on CPU)
    resume: bool = False
    # Warm start: a checkpoint whose weights, tokenizer and stats start this run (fresh optimiser,
    # step 0). Model overrides may add modules (e.g. --keypoints=32); every weight the checkpoint
    # has must fit the new model. Ignored on --resume (the run's own checkpoint wins).
    init_from: str = ""
    stop_step: int = 0  # > 0: stop (with a checkpoint) after this step; the lr schedule still spans `steps`
    aux_weight: float = 1.0  # weight of the auxiliary goal loss (model --aux_goals > 0; training/goals.py)
    aux_yaw_weight: float = 1.0  # weight of the yaw loss inside the auxiliary loss (model --aux_yaw=1)
    # Share of each training batch per --data file (same order), e.g. [1, 1] = half from each;
    # () = every frame equally likely. For mixing many one-frame layout demos (collect --max-steps
    # 1 --keep-failed) into the demos without them drowning, or vanishing among, the long demos.
    data_weights: Tuple[float, ...] = ()
    # Indices (0-based, --data order) of files whose frames are trained on only where the labelled
    # gripper is open, e.g. DAgger files, whose held-object labels lag the learner (data.ChunkSampler).
    data_open_only: Tuple[int, ...] = ()
    # Task ids whose demos are left out of the files at indices data_drop_from (both or neither),
    # e.g. stacks that older files hold with a retired expert behaviour (data.drop_task_demos).
    data_drop_tasks: Tuple[str, ...] = ()
    data_drop_from: Tuple[int, ...] = ()
    # Pretrain the vision alone: the loss is the auxiliary goal loss of the keypoint head (model
    # --aux_source=keypoints), computed from the vision encoders only (no transformer, no actions).
    # A later run warm-starts the policy from it with --init_from.
    aux_only: bool = False
    # Pretrain the yaw CNN alone (model --goal_yaw=1): the loss is the aux_yaw loss of model.YawNet on
    # the wrist frames; nothing else changes. A later run warm-starts the policy from it with --init_from.
    yaw_only: bool = False
    # With --aux_only: only the keypoint goal head learns (model.GOAL_HEAD_PARAMS: the MLP from the
    # keypoint tokens, instruction vector and gripper position to the goal points). The vision and
    # the policy keep their weights, so a policy that follows its goal token reads the same image
    # tokens and better points (training/recipes.md, round 17).
    head_only: bool = False
    # Share of mask draws whose visible tokens are the network's own one-shot predictions on its most
    # confident positions instead of the expert's (training/objective.py): trains the decoder on
    # what the DD decoder feeds it. 0 = off (the plain objective).
    self_cond: float = 0.0
    # > 0: an exponential moving average of the weights (training/ema.py) is the model the
    # checkpoint ships. 0.99 averages over about the last 100 steps.
    ema_decay: float = 0.0


def parse_train_args(argv) -> Tuple[TrainConfig, dict]:
    """CLI -> (TrainConfig, ModelConfig overrides). `--resume` alone means `--resume=true`."""
    argv = ["--resume=true" if a == "--resume" else a for a in argv]
    raw = parse_cli_overrides(argv)
    tkeys, mkeys = {f.name for f in fields(TrainConfig)}, {f.name for f in fields(ModelConfig)}
    for k in raw:
        if k not in tkeys and k not in mkeys:
            raise ValueError(f"unknown key {k!r}; train keys: {', '.join(sorted(tkeys))}; "
                             f"model keys: {', '.join(sorted(mkeys))}")
    tover = {k: v for k, v in raw.items() if k in tkeys}
    if isinstance(tover.get("data"), str):
        tover["data"] = tover["data"].split(",")
    return apply_overrides(TrainConfig(), tover), {k: v for k, v in raw.items() if k in mkeys}
