"""The yaw the gripper still has to turn (config aux_yaw, goal_yaw; training/goals.py yaw_targets):
the training-only prefix head leaves the exported path alone; the wrist yaw CNN starts as no
change and then feeds the goal token."""
import unittest

import torch

from training.config import TINY_OVERRIDES, ModelConfig, apply_overrides
from training.model import VLA


class YawHeadTest(unittest.TestCase):
    """config aux_yaw: a training-only head on the prefix state; the exported path is unchanged."""

    def test_yaw_head_reads_the_prefix_state_and_leaves_the_graph_alone(self):
        base = apply_overrides(ModelConfig(), {**TINY_OVERRIDES, "aux_goals": 1})
        cfg = apply_overrides(base, {"aux_yaw": 1})
        torch.manual_seed(0)
        m = VLA(cfg).eval()
        plain = VLA(base).eval()
        plain.load_state_dict({k: v for k, v in m.state_dict().items() if not k.startswith("yaw_head.")})
        B = 2
        images = [torch.randn(B, 3, cfg.image_size, cfg.image_size) for _ in cfg.cameras]
        ids, mask = torch.randint(1, cfg.instr_vocab_size, (B, cfg.max_instr_len)), torch.ones(B, cfg.max_instr_len, dtype=torch.int64)
        proprio = torch.randn(B, cfg.proprio_dim)
        with torch.no_grad():
            cache, _, hidden, state = m.encode_prefix(images, ids, mask, proprio, return_hidden=True, return_state=True)
            ref = plain.encode_prefix(images, ids, mask, proprio)[0]
            self.assertTrue(all(torch.equal(a[0], b[0]) for a, b in zip(cache, ref)))  # same keys the actions read
            self.assertTrue(torch.equal(state, hidden))  # aux_source "prefix": the same block output
            self.assertEqual(tuple(m.predict_yaw(state).shape), (B, 2))
        self.assertEqual(m.num_params(), plain.num_params())  # not deployed, not counted
        self.assertEqual(base.to_dict(), apply_overrides(base, {"aux_yaw": 0}).to_dict())  # off: configs unchanged
        self.assertEqual(cfg.to_dict()["aux_yaw"], 1)
        with self.assertRaisesRegex(ValueError, "aux_yaw reads the goals sidecars"):
            apply_overrides(ModelConfig(), {**TINY_OVERRIDES, "aux_yaw": 1})
        with self.assertRaisesRegex(ValueError, "aux_yaw must be 0"):
            apply_overrides(base, {"aux_yaw": 2})

    def test_goal_yaw_starts_where_the_model_was_and_feeds_the_goal_token(self):
        base = apply_overrides(ModelConfig(), {**TINY_OVERRIDES, "aux_goals": 1, "aux_source": "keypoints",
                                               "keypoints": 2, "goal_token": 1})
        cfg = apply_overrides(base, {"goal_yaw": 1, "aux_yaw": 1})
        torch.manual_seed(0)
        plain = VLA(base).eval()
        m = VLA(cfg).eval()
        m.load_state_dict(plain.state_dict(), strict=False)
        B = 2
        images = [torch.randn(B, 3, cfg.image_size, cfg.image_size) for _ in cfg.cameras]
        ids, mask = torch.randint(1, cfg.instr_vocab_size, (B, cfg.max_instr_len)), torch.ones(B, cfg.max_instr_len, dtype=torch.int64)
        proprio = torch.randn(B, cfg.proprio_dim)
        keys = lambda model: model.encode_prefix(images, ids, mask, proprio)[0][-1][0]  # noqa: E731
        with torch.no_grad():
            self.assertTrue(torch.equal(keys(m), keys(plain)))  # zero-initialised: a warm start begins as it was
            state = m.encode_prefix(images, ids, mask, proprio, return_state=True)[3]
            self.assertTrue(torch.equal(m.predict_yaw(state), m.yaw_net(images[cfg.cameras.index("wrist")])))
            m.yaw_proj.weight.normal_()
            self.assertFalse(torch.equal(keys(m), keys(plain)))  # then the policy reads it
        self.assertGreater(m.num_params(), plain.num_params())  # deployed: in the encoder graph
        with self.assertRaisesRegex(ValueError, "goal_yaw puts the wrist frame"):
            apply_overrides(base, {"goal_yaw": 1, "cameras": ["agentview"]})


if __name__ == "__main__":
    unittest.main()
