"""Rebuilding a checkpoint from an exported model (training/from_onnx.py): the rebuilt weights
reproduce the export's parity fixture and export again to the same graphs; a folder whose
manifest lacks the model config is refused with the field named."""
import json
import os
import shutil
import tempfile
import unittest

import torch

from training.export_onnx import main as export_main
from training.from_onnx import check_parity, main, rebuild
from training.make_fixtures import FIX, ROOT

MODELS = os.path.join(ROOT, "models")


class FromOnnxTest(unittest.TestCase):
    def test_rebuilt_test_model_matches_fixture_and_reexports_identically(self):
        ck = rebuild(os.path.join(MODELS, "test-random"))
        self.assertLess(check_parity(ck, os.path.join(FIX, "model", "parity.json")), 1e-5)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ckpt.pt")
            main(["--model", os.path.join(MODELS, "test-random"), "--out", path,
                  "--check", os.path.join(FIX, "model", "parity.json")])
            self.assertEqual(torch.load(path)["name"], "test-random")
            export_main(["--checkpoint", path, "--out", os.path.join(d, "again")])
            for f in ["encoder.onnx", "decoder.onnx"]:
                with open(os.path.join(d, "again", f), "rb") as a, open(os.path.join(MODELS, "test-random", f), "rb") as b:
                    self.assertEqual(a.read(), b.read(), f)

    def test_shipped_model_rebuilds_within_parity_tolerance(self):
        ck = rebuild(os.path.join(MODELS, "vla-cpu"))
        self.assertEqual(ck["step"], 9000)
        self.assertLess(check_parity(ck, os.path.join(FIX, "vla-cpu", "parity.json")), 1e-4)

    def test_default_goal_token_model_rebuilds_within_parity_tolerance(self):
        # the page's default: keypoints, FiLM, the goal head inside the encoder graph, proprio buffers
        ck = rebuild(os.path.join(MODELS, "vla-kp-gtd"))
        self.assertEqual(ck["step"], 2000)
        self.assertEqual(ck["config"]["goal_token"], 1)
        self.assertLess(check_parity(ck, os.path.join(FIX, "vla-kp-gtd", "parity.json")), 1e-4)

    def test_manifest_without_config_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            for f in os.listdir(os.path.join(MODELS, "test-random")):
                shutil.copy(os.path.join(MODELS, "test-random", f), d)
            with open(os.path.join(d, "manifest.json")) as f:
                m = json.load(f)
            del m["training"]["config"]
            with open(os.path.join(d, "manifest.json"), "w") as f:
                json.dump(m, f)
            with self.assertRaisesRegex(ValueError, "training.config is missing"):
                rebuild(d)


if __name__ == "__main__":
    unittest.main()
