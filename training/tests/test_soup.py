"""Weight averaging (training/soup.py): the soup is the weighted mean of the members' weights,
a one-member-weight soup is that member, the written checkpoint exports, and checkpoints that
are not runs of one model (other stats, config or weights) or bad weights are refused."""
import copy
import os
import tempfile
import unittest

import torch

from training.export_onnx import main as export_main
from training.from_onnx import rebuild
from training.make_fixtures import ROOT
from training.soup import main, soup

MODELS = os.path.join(ROOT, "models")


def perturbed(ck, seed):
    g = torch.Generator().manual_seed(seed)
    out = copy.deepcopy(ck)
    out["model"] = {k: v + torch.randn(v.shape, generator=g) * 0.1 if v.is_floating_point() else v
                    for k, v in ck["model"].items()}
    return out


class SoupTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = rebuild(os.path.join(MODELS, "test-random"))
        cls.b = perturbed(cls.a, 1)

    def test_weighted_mean(self):
        s = soup([self.a, self.b], [1.0, 3.0])  # normalised to 0.25, 0.75
        for k, v in s.items():
            torch.testing.assert_close(v, 0.25 * self.a["model"][k] + 0.75 * self.b["model"][k])

    def test_all_weight_on_one_member_is_that_member(self):
        s = soup([self.a, self.b], [0.0, 2.0])
        for k, v in s.items():
            self.assertTrue(torch.equal(v, self.b["model"][k]), k)

    def test_data_side_config_field_may_differ(self):
        b = copy.deepcopy(self.b)
        b["config"]["goal_order"] = "clause"
        soup([self.a, b], [1, 1])

    def test_refuses_what_is_not_one_model(self):
        cases = {}
        c = copy.deepcopy(self.b); c["stats"]["image_mean"] = [0.0, 0.0, 0.0]; cases["stats"] = c
        c = copy.deepcopy(self.b); c["config"]["n_layer"] = 7; cases["n_layer"] = c
        c = copy.deepcopy(self.b); c["model"].pop(next(iter(c["model"]))); cases["other weights"] = c
        k = next(k for k, v in self.b["model"].items() if v.dim() == 2)
        c = copy.deepcopy(self.b); c["model"][k] = torch.zeros(3, 3); cases["other shapes"] = c
        for what, other in cases.items():
            with self.subTest(what), self.assertRaisesRegex(ValueError, what):
                soup([self.a, other], [1, 1])

    def test_refuses_bad_weights(self):
        for w in ([1.0], [-1.0, 2.0], [0.0, 0.0], [float("nan"), 1.0]):
            with self.subTest(w), self.assertRaises(ValueError):
                soup([self.a, self.b], w)
        with self.assertRaises(ValueError):
            soup([self.a], [1.0])

    def test_written_checkpoint_exports(self):
        with tempfile.TemporaryDirectory() as d:
            pa, pb, out = (os.path.join(d, f) for f in ("a.pt", "b.pt", "soup.pt"))
            torch.save(self.a, pa)
            torch.save(self.b, pb)
            ck = main(["--checkpoints", f"{pa},{pb}", "--weights", "1,1", "--out", out, "--name", "soup-test"])
            self.assertEqual([m["weight"] for m in ck["training"]["soup"]], [0.5, 0.5])
            self.assertNotIn("init_from", ck["training"])  # neither member was warm-started
            chain = {"checkpoint": "start.pt", "step": 7, "training": {"steps": 7}}
            for p in (pa, pb):
                torch.save({**self.a, "training": {"steps": 3, "init_from": chain}}, p)
            ck = main(["--checkpoints", f"{pa},{pb}", "--out", out, "--name", "soup-test"])
            self.assertEqual(ck["training"]["init_from"], chain)  # the shared chain, once
            self.assertEqual([m["training"] for m in ck["training"]["soup"]], [{"steps": 3}, {"steps": 3}])
            export_main(["--checkpoint", out, "--out", os.path.join(d, "model")])
            self.assertTrue(os.path.isfile(os.path.join(d, "model", "decoder.onnx")))
            with self.assertRaises(SystemExit):
                main(["--checkpoints", f"{pa},{d}/missing.pt", "--out", out, "--name", "x"])
            with self.assertRaises(SystemExit):
                main(["--checkpoints", f"{pa},{pb}", "--weights", "1,x", "--out", out, "--name", "x"])


if __name__ == "__main__":
    unittest.main()
