"""The product-of-experts export (training/ensemble.py): the encoder stacks the members' caches
along the layer axis, the decoder returns the weighted mean of their log-softmax, the written
model's manifest describes K x n_layer cache layers and its ONNX graphs match PyTorch in
onnxruntime-web (and training.from_onnx refuses to rebuild it as one model), and what is not one model's checkpoints or has a weight <= 0 is refused."""
import copy
import os
import tempfile
import unittest

import torch
import torch.nn.functional as F

from training.config import config_from_dict
from training.ensemble import Ensemble, main
from training.export_onnx import TEST_INSTRUCTIONS, example_inputs
from training.from_onnx import rebuild
from training.model import VLA, DecoderForExport, EncoderForExport
from training.tests.parity import onnx_parity
from training.tests.test_soup import MODELS, perturbed
from training.tokenizer import Tokenizer


def vla(ck):
    m = VLA(config_from_dict(ck["config"]))
    m.load_state_dict(ck["model"])
    return m.eval()


class EnsembleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = rebuild(os.path.join(MODELS, "test-random"))
        cls.b = perturbed(cls.a, 1)
        cls.ma, cls.mb = vla(cls.a), vla(cls.b)
        cfg, tok = cls.ma.cfg, Tokenizer(cls.a["tokenizer"])
        images, ids, mask, proprio = example_inputs(cfg, tok, TEST_INSTRUCTIONS[:2], seed=3)
        cls.inputs = tuple(images) + (ids, mask, proprio)
        cls.tokens = torch.randint(0, cfg.bins, (2, cfg.n_action_tokens), generator=torch.Generator().manual_seed(4))
        cls.tokens[0, ::2] = cfg.mask_id

    def run_graphs(self, model):
        with torch.no_grad():
            k, v, pm = EncoderForExport(model)(*self.inputs)
            return k, v, pm, DecoderForExport(model)(self.tokens, k, v, pm)

    def test_cache_stacks_members_and_logits_are_weighted_log_softmax(self):
        ens = Ensemble([self.ma, self.mb], [1.0, 3.0]).eval()
        self.assertEqual(ens.cfg.n_layer, 2 * self.ma.cfg.n_layer)
        self.assertEqual(ens.num_params(), 2 * self.ma.num_params())
        ka, va, pma, la = self.run_graphs(self.ma)
        kb, vb, pmb, lb = self.run_graphs(self.mb)
        k, v, pm, logits = self.run_graphs(ens)
        torch.testing.assert_close(k, torch.cat([ka, kb]))
        torch.testing.assert_close(v, torch.cat([va, vb]))
        torch.testing.assert_close(pm, pma)
        want = 0.25 * F.log_softmax(la, -1) + 0.75 * F.log_softmax(lb, -1)
        fin = torch.isfinite(want)
        self.assertFalse(bool(fin.all()))  # the mask logit stays -inf
        self.assertTrue(torch.equal(torch.isfinite(logits), fin))
        torch.testing.assert_close(logits[fin], want[fin])
        # members that agree: the ensemble ranks tokens as each of them does
        _, _, _, same = self.run_graphs(Ensemble([self.ma, vla(self.a)], [1, 1]).eval())
        self.assertTrue(torch.equal(same.argmax(-1), la.argmax(-1)))

    def test_refuses_bad_members_and_weights(self):
        with self.assertRaisesRegex(ValueError, "positive weight"):
            Ensemble([self.ma, self.mb], [0.0, 1.0])
        with tempfile.TemporaryDirectory() as d:
            pa, pb = os.path.join(d, "a.pt"), os.path.join(d, "b.pt")
            torch.save(self.a, pa)
            other = copy.deepcopy(self.b)
            other["stats"]["image_mean"] = [0.0, 0.0, 0.0]
            torch.save(other, pb)
            out = os.path.join(d, "m")
            for args in (["--checkpoints", f"{pa},{pb}"], ["--checkpoints", pa],
                         ["--checkpoints", f"{pa},{pa}", "--weights", "1,0"],
                         ["--checkpoints", f"{pa},{d}/missing.pt"]):
                with self.subTest(args), self.assertRaises(SystemExit):
                    main(args + ["--out", out, "--name", "x"])
            self.assertFalse(os.path.exists(out))

    def test_export_matches_in_onnxruntime_web(self):
        with tempfile.TemporaryDirectory() as d:
            pa, pb, out, fx = (os.path.join(d, f) for f in ("a.pt", "b.pt", "model", "fx"))
            torch.save(self.a, pa)
            torch.save(self.b, pb)
            m = main(["--checkpoints", f"{pa},{pb}", "--weights", "2,1", "--out", out, "--name", "ens-test",
                      "--rounds", "4", "--execute-steps", "4", "--fixtures", fx])
            self.assertEqual(m["cache"]["layers"], 2 * self.ma.cfg.n_layer)
            self.assertEqual(m["decoding"]["rounds"], 4)
            self.assertEqual(m["decoding"]["executeSteps"], 4)
            self.assertEqual([round(e["weight"], 6) for e in m["training"]["ensemble"]], [0.666667, 0.333333])
            self.assertEqual(m["training"]["parameters"], 2 * self.ma.num_params())
            rep = onnx_parity(self, out, fx)
            self.assertTrue(rep["maskLogitNegInf"])
            self.assertLessEqual(rep["decoder"]["fromOrtCache"], 1e-4)
            with self.assertRaisesRegex(ValueError, "ensemble of 2 checkpoints"):
                rebuild(out)  # no one model's weights to take back


if __name__ == "__main__":
    unittest.main()
