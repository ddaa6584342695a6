"""Model (training/model.py) and config (training/config.py): the cached prefix path equals a
full-sequence pass with an explicit block-causal mask; actions never change the prefix; padding
is ignored; the mask id never wins; the loss counts masked positions only; overrides are checked."""
import math
import unittest

import torch
import torch.nn.functional as F

from training.config import TINY_OVERRIDES, ModelConfig, apply_overrides, parse_cli_overrides
from training.model import VLA


def full_sequence_reference(model: VLA, images, ids, mask, proprio, tokens):
    """Independent reference: one pass over [prefix | actions] with a (T, T) block-causal mask.
    Returns (prefix hidden states after the last block, action logits)."""
    cfg = model.cfg
    instr = model.instruction_vector(ids, mask)  # FiLM input (None when off)
    parts = [enc(img, instr) for enc, img in zip(model.vision, images)]
    parts += [model.instr_emb(ids) + model.instr_pos, model.proprio_proj(proprio).unsqueeze(1)]
    prefix = torch.cat(parts, 1)
    P, N = prefix.size(1), tokens.size(1)
    x = torch.cat([prefix, model.action_emb(tokens) + model.action_pos[:, :N]], 1)  # (B, P + N, C)
    B, T, C = x.shape
    valid = torch.cat([torch.ones(B, P - ids.size(1) - 1), mask.float(), torch.ones(B, 1 + N)], 1).bool()
    allowed = torch.zeros(T, T, dtype=torch.bool)
    allowed[:P, :P] = True  # prefix -> prefix only
    allowed[P:, :] = True  # actions -> everything
    allowed = allowed[None] & valid[:, None, :]  # (B, T, T), padding keys never seen
    for blk in model.blocks:
        h = blk.ln_1(x)
        q, k, v = blk.attn.qkv(h).split(C, 2)
        q, k, v = [t.view(B, T, cfg.n_head, -1).transpose(1, 2) for t in (q, k, v)]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
        att = att.masked_fill(~allowed[:, None], float("-inf")).softmax(-1)
        x = x + blk.attn.proj((att @ v).transpose(1, 2).reshape(B, T, C))
        x = x + blk.mlp(blk.ln_2(x))
    return x[:, :P], model.head(model.ln_f(x[:, P:]))


class ModelTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.cfg = apply_overrides(ModelConfig(), {**TINY_OVERRIDES, "instr_vocab_size": 20})
        self.model = VLA(self.cfg).eval()
        B, S, L = 2, self.cfg.image_size, self.cfg.max_instr_len
        self.images = [torch.randn(B, 3, S, S) for _ in self.cfg.cameras]
        self.ids = torch.randint(4, 20, (B, L))
        self.mask = torch.ones(B, L, dtype=torch.int64)
        self.mask[1, 6:] = 0
        self.ids[1, 6:] = 0
        self.proprio = torch.randn(B, self.cfg.proprio_dim)
        self.tokens = torch.randint(0, self.cfg.bins + 1, (B, self.cfg.n_action_tokens))

    def run_model(self, tokens=None, ids=None):
        ids = self.ids if ids is None else ids
        tokens = self.tokens if tokens is None else tokens
        with torch.no_grad():
            return self.model(self.images, ids, self.mask, self.proprio, tokens)[0]

    def test_cached_path_equals_full_block_causal_pass(self):
        with torch.no_grad():
            _, ref = full_sequence_reference(self.model, self.images, self.ids, self.mask, self.proprio, self.tokens)
        got = self.run_model()
        self.assertLess((got[..., : self.cfg.bins] - ref).abs().max().item(), 1e-5)

    def test_actions_do_not_change_the_prefix_but_change_each_other(self):
        other = self.tokens.clone()
        other[:, 3] = (other[:, 3] + 1) % self.cfg.bins
        with torch.no_grad():
            h1, _ = full_sequence_reference(self.model, self.images, self.ids, self.mask, self.proprio, self.tokens)
            h2, _ = full_sequence_reference(self.model, self.images, self.ids, self.mask, self.proprio, other)
        self.assertTrue(torch.equal(h1, h2))
        diff = (self.run_model(other) - self.run_model())[..., : self.cfg.bins].abs().amax(-1)  # (B, N)
        self.assertTrue(bool((diff[:, [i for i in range(self.cfg.n_action_tokens) if i != 3]] > 1e-6).all()))

    def test_padding_tokens_are_ignored_and_mask_id_never_wins(self):
        ids = self.ids.clone()
        ids[1, 7] = 9  # a padded position
        self.assertTrue(torch.equal(self.run_model(ids=ids), self.run_model()))
        logits = self.run_model()
        self.assertTrue(bool(torch.isneginf(logits[..., self.cfg.mask_id]).all()))
        self.assertTrue(bool((logits.argmax(-1) < self.cfg.bins).all()))

    def test_loss_uses_masked_positions_only_and_draws_share_a_prefix(self):
        targets = torch.full_like(self.tokens, -100)
        targets[:, :5] = 7
        self.model.train()
        logits, loss = self.model(self.images, self.ids, self.mask, self.proprio, self.tokens, targets)
        want = F.cross_entropy(logits[:, :5, : self.cfg.bins].reshape(-1, self.cfg.bins), targets[:, :5].reshape(-1))
        self.assertAlmostEqual(loss.item(), want.item(), places=5)
        loss.backward()
        self.assertIsNotNone(self.model.vision[0].convs[0].weight.grad)
        self.model.eval()
        with torch.no_grad():
            cache, pmask = self.model.encode_prefix(self.images, self.ids, self.mask, self.proprio)
            k_draws = self.model.decode_actions(self.tokens.repeat_interleave(3, 0), cache, pmask)  # (3B, N, V)
        self.assertLess((k_draws[::3] - self.run_model())[..., : self.cfg.bins].abs().max().item(), 1e-6)

    def test_keypoints_add_one_token_per_camera(self):
        cfg = apply_overrides(self.cfg, {"keypoints": 4})
        self.assertEqual(cfg.prefix_len, self.cfg.prefix_len + len(cfg.cameras))
        torch.manual_seed(1)
        model = VLA(cfg).eval()
        with torch.no_grad():
            cache, pmask = model.encode_prefix(self.images, self.ids, self.mask, self.proprio)
            self.assertEqual(cache[0][0].size(2), cfg.prefix_len)
            self.assertEqual(pmask.size(1), cfg.prefix_len)
            # the keypoint token starts constant (zero last layer): no image information yet
            enc = model.vision[0]
            t0, t1 = enc(self.images[0])[:, -1], enc(torch.randn_like(self.images[0]))[:, -1]
            self.assertTrue(torch.equal(t0, t1))
            torch.nn.init.normal_(enc.kp_mlp[2].weight)
            self.assertFalse(torch.allclose(enc(self.images[0])[:, -1], t0))
            # and the cached path still equals the full block-causal pass
            prefix_ref, logits_ref = full_sequence_reference(model, self.images, self.ids, self.mask, self.proprio,
                                                             self.tokens)
            cache, pmask = model.encode_prefix(self.images, self.ids, self.mask, self.proprio)
            logits = model.decode_actions(self.tokens, cache, pmask)[..., : cfg.bins]
        self.assertLess((logits - logits_ref).abs().max().item(), 1e-5)

    def test_film_strides_and_pooling_condition_the_vision_on_the_instruction(self):
        # the session-8 vision: FiLM convs at strides 2,1,2 (8 x 8 map), pooled 2 -> 4 patches, keypoints
        cfg = apply_overrides(self.cfg, {"film": 1, "vision_strides": [2, 1, 2], "patch_pool": 2, "keypoints": 4,
                                         "keypoint_layer": 3})
        self.assertEqual((cfg.map_side(3), cfg.n_patches, cfg.tokens_per_camera), (8, 16, 17))
        for bad in ({"vision_strides": [2, 2]}, {"vision_strides": [2, 3, 2]}, {"patch_pool": 3}, {"film": 2}):
            with self.assertRaises(ValueError):
                apply_overrides(cfg, bad)
        self.assertEqual({k: cfg.to_dict()[k] for k in ("film", "vision_strides", "patch_pool")},
                         {"film": 1, "vision_strides": [2, 1, 2], "patch_pool": 2})
        self.assertFalse({"film", "vision_strides", "patch_pool"} & set(self.cfg.to_dict()))  # off: not written
        torch.manual_seed(2)
        model = VLA(cfg).eval()
        other = self.ids.clone()
        other[0, :3] = torch.tensor([5, 6, 7])
        with torch.no_grad():
            enc, instr = model.vision[1], model.instruction_vector(self.ids, self.mask)
            t0 = enc(self.images[1], instr)
            # FiLM starts as the identity: the instruction does not reach the patches yet
            self.assertTrue(torch.equal(t0, enc(self.images[1], model.instruction_vector(other, self.mask))))
            for lin in enc.film:
                torch.nn.init.normal_(lin.weight, std=0.1)
            self.assertFalse(torch.allclose(enc(self.images[1], instr), t0))
            t1 = enc(self.images[1], model.instruction_vector(other, self.mask))
            self.assertFalse(torch.allclose(t1[0], enc(self.images[1], instr)[0]))  # sample 0's words changed
            self.assertTrue(torch.allclose(t1[1], enc(self.images[1], instr)[1]))  # sample 1's did not
            prefix_ref, logits_ref = full_sequence_reference(model, self.images, self.ids, self.mask, self.proprio,
                                                             self.tokens)
            cache, pmask = model.encode_prefix(self.images, self.ids, self.mask, self.proprio)
            self.assertEqual(cache[0][0].size(2), cfg.prefix_len)
            logits = model.decode_actions(self.tokens, cache, pmask)[..., : cfg.bins]
            self.assertLess((logits - logits_ref).abs().max().item(), 1e-5)
            # a padded instruction position still changes nothing, FiLM included
            ids = self.ids.clone()
            ids[1, 7] = 9
            c2, _ = model.encode_prefix(self.images, ids, self.mask, self.proprio)
            self.assertTrue(torch.equal(model.decode_actions(self.tokens, c2, pmask)[..., : cfg.bins], logits))

    def test_proprio_drop_hides_those_inputs_and_nothing_else(self):
        cfg = apply_overrides(self.cfg, {"proprio_drop": [0, 1]})
        self.assertEqual(cfg.prefix_len, self.cfg.prefix_len)
        torch.manual_seed(2)
        model = VLA(cfg).eval()
        self.assertEqual(set(model.state_dict()), set(VLA(self.cfg).state_dict()))  # no new weights
        moved = self.proprio.clone()
        moved[:, :2] += 5.0  # x, y: never seen
        other = self.proprio.clone()
        other[:, 2] += 1.0  # z: seen
        with torch.no_grad():
            out = [model(self.images, self.ids, self.mask, p, self.tokens)[0] for p in (self.proprio, moved, other)]
        self.assertTrue(torch.equal(out[0], out[1]))
        self.assertFalse(torch.allclose(out[0], out[2]))
        for bad in ([0, 0], [8], list(range(8)), [True]):
            with self.assertRaisesRegex(ValueError, "proprio_drop"):
                apply_overrides(ModelConfig(), {"proprio_drop": bad})
        self.assertEqual(ModelConfig().proprio_drop, ())  # off by default: older configs load unchanged

    def test_goal_order_is_checked_and_left_out_of_configs_at_its_default(self):
        self.assertNotIn("goal_order", ModelConfig().to_dict())  # "plan": older configs stay byte-identical
        cfg = apply_overrides(self.cfg, {"aux_goals": 2, "goal_order": "active"})
        self.assertEqual(cfg.to_dict()["goal_order"], "active")
        with self.assertRaisesRegex(ValueError, "goal_order must be one of"):
            apply_overrides(cfg, {"goal_order": "next"})
        with self.assertRaisesRegex(ValueError, "set aux_goals > 0"):
            apply_overrides(self.cfg, {"aux_goals": 0, "goal_order": "active"})

    def test_spatial_softmax_finds_a_peak(self):
        cfg = apply_overrides(self.cfg, {"keypoints": 2})
        kp = VLA(cfg).vision[0].keypoints
        side = cfg.image_size // 2 ** cfg.keypoint_layer
        with torch.no_grad():
            kp.net = torch.nn.Identity()  # feature maps are the keypoint logits
            kp.log_temp.fill_(math.log(50.0))
            f = torch.zeros(1, 2, side, side)
            f[0, 0, 0, side - 1] = 1.0  # top-right cell: x = +1, y = -1
            f[0, 1, side - 1, 0] = 1.0  # bottom-left: x = -1, y = +1
            xy = kp(f)[0]
        self.assertTrue(torch.allclose(xy, torch.tensor([1.0, -1.0, -1.0, 1.0]), atol=1e-3), xy)

    def test_aux_layer_picks_the_prefix_state_the_action_tokens_read(self):
        with torch.no_grad():
            ref, _ = full_sequence_reference(self.model, self.images, self.ids, self.mask, self.proprio, self.tokens)
            _, _, last = self.model.encode_prefix(self.images, self.ids, self.mask, self.proprio, return_hidden=True)
        self.assertLess((last - ref).abs().max().item(), 1e-5)  # aux_layer 0: the last block's output
        m1 = VLA(apply_overrides(self.cfg, {"aux_layer": 1})).eval()
        m1.load_state_dict(self.model.state_dict())
        with torch.no_grad():
            cache, _, h = m1.encode_prefix(self.images, self.ids, self.mask, self.proprio, return_hidden=True)
            blk = m1.blocks[1]  # block 2 computes the keys the action tokens attend to from block 1's output
            k = blk.attn.qkv(blk.ln_1(h)).split(self.cfg.n_embd, 2)[1]
            k = k.view(*k.shape[:2], self.cfg.n_head, -1).transpose(1, 2)
        self.assertLess((k - cache[1][0]).abs().max().item(), 1e-6)
        self.assertGreater((h - last).abs().max().item(), 1e-3)
        with self.assertRaisesRegex(ValueError, "aux_layer"):
            apply_overrides(self.cfg, {"aux_layer": self.cfg.n_layer})
        self.assertNotIn("aux_layer", self.cfg.to_dict())  # off: older configs and manifests unchanged
        self.assertEqual(apply_overrides(self.cfg, {"aux_layer": 1}).to_dict()["aux_layer"], 1)

    def test_keypoint_goal_head_reads_the_vision_alone(self):
        cfg = apply_overrides(self.cfg, {"keypoints": 2, "aux_goals": 2, "aux_source": "keypoints", "film": 1})
        m = VLA(cfg).eval()
        with torch.no_grad():
            _, _, h = m.encode_prefix(self.images, self.ids, self.mask, self.proprio, return_hidden=True)
            self.assertEqual(tuple(h.shape), (self.ids.size(0), 3 * cfg.n_embd))  # 2 keypoint tokens + instruction
            full = m.predict_goals(h)
            self.assertLess((full - m.vision_goals(self.images, self.ids, self.mask)).abs().max().item(), 1e-6)
            other = m.vision_goals(self.images, self.ids, self.mask)
            m.blocks[0].mlp.fc.weight.add_(1.0)  # the transformer is not on the head's path
            self.assertTrue(torch.equal(other, m.predict_goals(m.encode_prefix(
                self.images, self.ids, self.mask, self.proprio, return_hidden=True)[2])))
        self.assertEqual(m.num_params(), VLA(apply_overrides(cfg, {"aux_goals": 0})).num_params())
        with self.assertRaisesRegex(ValueError, "set keypoints > 0"):
            apply_overrides(self.cfg, {"aux_source": "keypoints"})
        with self.assertRaisesRegex(ValueError, "aux_source must be one of"):
            apply_overrides(self.cfg, {"aux_source": "proprio"})
        for k in ("aux_source", "vision_init"):
            self.assertNotIn(k, self.cfg.to_dict())  # off: older configs and manifests unchanged

    def test_goal_token_gives_the_policy_the_heads_points_relative_to_the_gripper(self):
        cfg = apply_overrides(self.cfg, {"keypoints": 2, "aux_goals": 1, "aux_source": "keypoints", "film": 1,
                                         "goal_token": 1, "proprio_drop": [0, 1]})
        self.assertEqual(cfg.prefix_len, apply_overrides(cfg, {"goal_token": 0}).prefix_len + 1)
        torch.manual_seed(3)
        m = VLA(cfg).eval()
        mean, std = [0.1] * 8, [0.2] * 8
        m.set_proprio_stats(mean, std)
        with torch.no_grad():
            m.goal_proj.weight.mul_(50.0)  # a token that matters (its init is N(0, 0.02))
            cache, pmask = m.encode_prefix(self.images, self.ids, self.mask, self.proprio)
            out = m.decode_actions(self.tokens, cache, pmask)[..., :-1]  # (the mask id's -inf dropped)
            self.assertEqual((cache[0][0].size(2), pmask.size(1)), (cfg.prefix_len, cfg.prefix_len))
            # the head's x moves by d (goal units) and the gripper with it: the same relative goal, and
            # x itself is hidden (proprio_drop), so nothing changes; the head alone moving does
            d = 0.7
            m.aux_head[-1].bias[[0, 3]] += d
            moved = self.proprio.clone()
            moved[:, 0] += d * 0.1 / std[0]  # GOAL_SCALE 0.1 m
            keys = lambda p: m.encode_prefix(self.images, self.ids, self.mask, p)[0][-1][0]  # noqa: E731
            ref = cache[-1][0]
            self.assertLess((keys(moved) - ref).abs().max().item(), 1e-5)
            self.assertGreater((keys(self.proprio) - ref).abs().max().item(), 100 * (keys(moved) - ref).abs().max().item())
            self.assertLess((m(self.images, self.ids, self.mask, moved, self.tokens)[0][..., :-1] - out).abs().max().item(), 1e-5)
            m.aux_head[-1].bias.fill_(1e9)  # an absurd prediction stays bounded
            self.assertTrue(torch.isfinite(m(self.images, self.ids, self.mask, self.proprio, self.tokens)[0][..., :-1]).all())
        m.train()
        _, loss = m(self.images, self.ids, self.mask, self.proprio, self.tokens,
                    torch.randint(0, cfg.bins, self.tokens.shape))
        loss.backward()  # the action loss does not reach the head: it learns from the goal loss alone
        self.assertTrue(all(p.grad is None or not p.grad.any() for p in m.aux_head.parameters()))
        self.assertTrue(m.goal_proj.weight.grad.abs().sum() > 0)
        self.assertEqual(m.num_params(), sum(p.numel() for p in m.parameters()))  # the head is deployed now
        with self.assertRaisesRegex(ValueError, "goal_token"):
            apply_overrides(self.cfg, {"goal_token": 1})
        self.assertNotIn("goal_token", self.cfg.to_dict())

    def test_goal_token_slots_hides_the_later_goals_from_the_policy(self):
        cfg = apply_overrides(self.cfg, {"keypoints": 2, "aux_goals": 2, "aux_source": "keypoints", "film": 1,
                                         "goal_token": 1, "goal_order": "active", "goal_token_slots": 1})
        self.assertEqual(cfg.to_dict()["goal_token_slots"], 1)
        self.assertNotIn("goal_token_slots", apply_overrides(cfg, {"goal_token_slots": 0}).to_dict())
        for bad in ({"goal_token_slots": 3}, {"goal_token": 0}):
            with self.assertRaisesRegex(ValueError, "goal_token_slots"):
                apply_overrides(cfg, bad)
        torch.manual_seed(5)
        m = VLA(cfg).eval()
        m.set_proprio_stats([0.1] * 8, [0.2] * 8)
        keys = lambda: m.encode_prefix(self.images, self.ids, self.mask, self.proprio)[0][-1][0]  # noqa: E731
        with torch.no_grad():
            m.goal_proj.weight.mul_(50.0)
            ref = keys()
            m.aux_head[-1].bias[6:] += 3.0  # the second slot: not read
            self.assertLess((keys() - ref).abs().max().item(), 1e-5)
            m.aux_head[-1].bias[:6] += 3.0  # the first: read
            self.assertGreater((keys() - ref).abs().max().item(), 1e-3)

    def test_aux_tcp_gives_the_goal_head_the_gripper_position_from_a_neutral_start(self):
        base = apply_overrides(self.cfg, {"keypoints": 2, "aux_goals": 1, "aux_source": "keypoints", "film": 1,
                                          "goal_token": 1, "proprio_drop": [0, 1]})
        cfg = apply_overrides(base, {"aux_tcp": 1})
        self.assertEqual(cfg.prefix_len, base.prefix_len)  # the head changes, the prefix does not
        torch.manual_seed(4)
        old = VLA(base).eval()
        m = VLA(cfg).eval()
        missing, unexpected = m.load_state_dict(old.state_dict(), strict=False)
        self.assertEqual((sorted(missing), unexpected), (["aux_tcp_in.weight", "aux_tcp_out.weight"], []))
        for x in (old, m):
            x.set_proprio_stats([0.1] * 8, [0.2] * 8)
        with torch.no_grad():
            # warm start from a head without it: the same points and the same prefix as before
            g_old = old.vision_goals(self.images, self.ids, self.mask)
            self.assertLess((m.vision_goals(self.images, self.ids, self.mask, self.proprio) - g_old).abs().max().item(), 1e-6)
            k_old = old.encode_prefix(self.images, self.ids, self.mask, self.proprio)[0][-1][0]
            self.assertLess((m.encode_prefix(self.images, self.ids, self.mask, self.proprio)[0][-1][0] - k_old).abs().max().item(), 1e-6)
            # once trained, the points follow the gripper's position: identity on the output map
            # puts the world points at (gripper + what the images say), x moving with proprio x
            m.aux_tcp_out.weight.copy_(torch.eye(3).repeat(2, 1))
            moved = self.proprio.clone()
            moved[:, 0] += 0.5  # normalised units: 0.5 * 0.2 m = 0.1 m = 1 GOAL_SCALE unit
            d = m.vision_goals(self.images, self.ids, self.mask, moved) - m.vision_goals(self.images, self.ids, self.mask, self.proprio)
            torch.testing.assert_close(d[:, [0, 3]], torch.ones(d.size(0), 2), atol=1e-5, rtol=0)
            self.assertLess(d[:, [1, 2, 4, 5]].abs().max().item(), 1e-5)
        with self.assertRaisesRegex(ValueError, "pass proprio"):
            m.vision_goals(self.images, self.ids, self.mask)
        with self.assertRaisesRegex(ValueError, "aux_tcp"):
            apply_overrides(self.cfg, {"aux_tcp": 1})
        self.assertNotIn("aux_tcp", base.to_dict())  # off: older configs and manifests unchanged
        m.train()
        _, loss = m(self.images, self.ids, self.mask, self.proprio, self.tokens, torch.randint(0, cfg.bins, self.tokens.shape))
        self.assertTrue(torch.isfinite(loss))

    def test_kaiming_vision_init_keeps_the_feature_scale(self):
        torch.manual_seed(0)
        x = torch.randn(4, 3, self.cfg.image_size, self.cfg.image_size)
        scale = {}
        for init in ("normal", "kaiming"):
            torch.manual_seed(0)
            v = VLA(apply_overrides(self.cfg, {"vision_init": init})).vision[0]
            with torch.no_grad():
                scale[init] = v.convs(x).std().item()
        self.assertLess(scale["normal"], 0.05)  # four N(0, 0.02) convs nearly erase the image
        self.assertGreater(scale["kaiming"], 5 * scale["normal"])
        with self.assertRaisesRegex(ValueError, "vision_init must be one of"):
            apply_overrides(self.cfg, {"vision_init": "xavier"})

    def test_default_size_and_config_overrides(self):
        n = VLA(ModelConfig()).num_params()
        self.assertTrue(1_000_000 <= n <= 2_000_000, n)
        aux = VLA(apply_overrides(ModelConfig(), {"aux_goals": 2}))
        self.assertEqual(aux.num_params(), n)  # the training-only head is not part of the deployed model
        self.assertEqual(sum(p.numel() for p in aux.aux_head.parameters()), 2 * 128 + 128 * 12 + 12)
        with self.assertRaisesRegex(ValueError, "aux_goals must be an integer >= 0"):
            apply_overrides(ModelConfig(), {"aux_goals": -1})
        with self.assertRaisesRegex(ValueError, "unknown config key 'n_layers'.*n_layer"):
            apply_overrides(ModelConfig(), {"n_layers": 2})
        with self.assertRaisesRegex(ValueError, "must be int"):
            apply_overrides(ModelConfig(), {"n_layer": "2"})
        with self.assertRaisesRegex(ValueError, "divisible by n_head"):
            apply_overrides(ModelConfig(), {"n_embd": 130})
        with self.assertRaisesRegex(ValueError, "keypoints must be an integer >= 0"):
            apply_overrides(ModelConfig(), {"keypoints": -1})
        with self.assertRaisesRegex(ValueError, "keypoint_layer"):
            apply_overrides(ModelConfig(), {"keypoints": 8, "keypoint_layer": 4})
        self.assertEqual(ModelConfig().keypoints, 0)  # off by default: older configs load unchanged
        with self.assertRaisesRegex(ValueError, "image_size"):
            apply_overrides(ModelConfig(), {"image_size": 60})
        self.assertEqual(parse_cli_overrides(["--n_layer=3", "--dropout=0.1"]), {"n_layer": 3, "dropout": 0.1})
        self.assertEqual(apply_overrides(ModelConfig(), {"dropout": 0}).dropout, 0.0)


if __name__ == "__main__":
    unittest.main()
