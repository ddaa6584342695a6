"""The training objective's self-conditioning (training/objective.py) on a tiny random model:
the visible tokens of a self-conditioned draw are the network's own one-shot argmax on its most
confident positions, the mask count per draw is unchanged, label-less steps stay masked and out of
the loss, and draws that are not self-conditioned are left exactly as drawn."""
import unittest

import numpy as np
import torch

from training.config import ModelConfig, apply_overrides
from training.objective import draw_masks, masked_loss, self_condition
from training.model import VLA

TINY = {"image_size": 16, "vision_channels": [4, 8], "n_layer": 2, "n_head": 2, "n_embd": 16,
        "max_instr_len": 10, "chunk_len": 4, "bins": 32, "instr_vocab_size": 20}


def batch(cfg, B, seed):
    g = torch.Generator().manual_seed(seed)
    targets = torch.randint(0, cfg.bins, (B, cfg.n_action_tokens), generator=g)
    targets[1, -7:] = -100  # sample 1: its last step has no label (a cut demo)
    return {"images": [torch.randn(B, 3, 16, 16, generator=g) for _ in cfg.cameras],
            "input_ids": torch.randint(1, 20, (B, 10), generator=g), "attention_mask": torch.ones(B, 10, dtype=torch.int64),
            "proprio": torch.randn(B, cfg.proprio_dim, generator=g), "targets": targets}


class SelfConditionTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.cfg = apply_overrides(ModelConfig(), TINY)
        self.model = VLA(self.cfg).eval()
        self.b = batch(self.cfg, 3, 1)

    def test_visible_tokens_are_the_networks_most_confident_one_shot_guesses(self):
        cfg, b, K, N = self.cfg, self.b, 2, self.cfg.n_action_tokens
        masks = draw_masks(np.random.default_rng(0), 3 * K, N)
        targets = b["targets"].repeat_interleave(K, 0)
        rows = torch.tensor([True, False, True, True, False, True])
        with torch.no_grad():
            cache, pmask = self.model.encode_prefix(b["images"], b["input_ids"], b["attention_mask"], b["proprio"])
            tokens, m = self_condition(self.model, cache, pmask, torch.from_numpy(masks), targets, rows)
            full = torch.full((3, N), cfg.mask_id, dtype=torch.int64)
            probs = self.model.decode_same_batch(full, cache, pmask)[..., : cfg.bins].softmax(-1)
        conf, pred = probs.max(-1)
        lab = (targets >= 0).numpy()
        np.testing.assert_array_equal((m.numpy() & lab).sum(1), (masks & lab).sum(1))  # same count in the loss
        for r in range(3 * K):
            s, vis = r // K, ~m[r]
            self.assertFalse(bool(vis[targets[r] < 0].any()))  # a label-less step is never shown
            self.assertTrue(bool((tokens[r][m[r]] == cfg.mask_id).all()))
            if rows[r]:
                np.testing.assert_array_equal(tokens[r][vis].numpy(), pred[s][vis].numpy())
                labelled = targets[r] >= 0
                if vis.any() and bool((labelled & m[r]).any()):  # visible = the most confident labelled ones
                    self.assertGreaterEqual(float(conf[s][vis].min()), float(conf[s][labelled & m[r]].max()))
            else:
                np.testing.assert_array_equal(m[r].numpy(), masks[r])
                np.testing.assert_array_equal(tokens[r][vis].numpy(), targets[r][vis].numpy())

    def test_loss_is_over_the_new_mask_against_the_experts_tokens(self):
        N = self.cfg.n_action_tokens
        masks = np.zeros((3, N), bool)
        masks[:, :5] = True
        off = lambda: torch.autocast(device_type="cpu", enabled=False)  # noqa: E731
        _, _, t0, _ = masked_loss(self.model, self.b, masks, off)
        _, _, t1, _ = masked_loss(self.model, self.b, masks, off, np.array([True, True, True]))
        self.assertEqual(int((t0 >= 0).sum()), int((t1 >= 0).sum()))  # 5 labelled masked tokens per draw
        self.assertEqual(int((t1 >= 0).sum()), 15)
        lab = t1 >= 0
        np.testing.assert_array_equal(t1[lab].numpy(), self.b["targets"][lab].numpy())
        _, _, t2, _ = masked_loss(self.model, self.b, masks, off, np.array([False, False, False]))
        np.testing.assert_array_equal(t0.numpy(), t2.numpy())  # no draw chosen: the plain objective


if __name__ == "__main__":
    unittest.main()
