"""ONNX export (training/export_onnx.py): a fresh random export validates, its graphs' inputs and
outputs equal the manifest, and it reproduces the committed models/test-random byte for byte and
its parity fixture (its float outputs within OUTPUT_ATOL, the rest exactly), so a model change
cannot silently leave stale fixtures behind."""
import filecmp
import json
import os
import tempfile
import unittest

import numpy as np

from training.export_onnx import fixture_array, graph_io, main, stall_escape_arg
from training.make_fixtures import FIX, ROOT
from training.manifest import load_manifest


# PyTorch's outputs in a parity fixture differ in the last float32 bit from one CPU to another
# (BLAS kernels sum in different orders: 1.2e-7 measured between two x86 machines here), so they
# are compared within this bound; inputs, shapes and everything else must be identical. Any
# change of the model or the exporter moves outputs by far more.
OUTPUT_ATOL = 1e-6


def assert_same_fixture(test, got_path, want_path):
    with open(got_path) as f:
        got = json.load(f)
    with open(want_path) as f:
        want = json.load(f)
    for graph in ("encoder", "decoder"):
        outs_got, outs_want = got[graph].pop("outputs"), want[graph].pop("outputs")
        test.assertEqual(sorted(outs_got), sorted(outs_want), graph)
        for k in outs_want:
            a, b = fixture_array(outs_got[k]), fixture_array(outs_want[k])
            test.assertEqual(a.shape, b.shape, f"{graph}.{k}")
            np.testing.assert_allclose(a, b, rtol=0, atol=OUTPUT_ATOL, err_msg=f"{graph}.{k}")
    test.assertEqual(got, want)  # inputs, instructions, tolerance, names: exactly


class ExportTest(unittest.TestCase):
    def test_random_export_matches_committed_files(self):
        with tempfile.TemporaryDirectory() as d:
            out, fx = os.path.join(d, "test-random"), os.path.join(d, "fixtures")
            # The committed test model's tokenizer covers every task phrasing (models/instructions.json).
            extra = ["--instructions", os.path.join(ROOT, "models", "instructions.json"), "--max-length", "32"]
            main(["--random", "--out", out, "--fixtures", fx] + extra)
            m = load_manifest(os.path.join(out, "manifest.json"))
            for g in ["encoder", "decoder"]:
                io = graph_io(os.path.join(out, m["onnx"][g]["file"]))
                self.assertEqual(io["inputs"], m["onnx"][g]["inputs"])
                self.assertEqual(io["outputs"], m["onnx"][g]["outputs"])
            committed = os.path.join(ROOT, "models", "test-random")
            for f in ["manifest.json", "tokenizer.json", "encoder.onnx", "decoder.onnx"]:
                self.assertTrue(filecmp.cmp(os.path.join(out, f), os.path.join(committed, f), shallow=False),
                                f"{f} differs: re-run python3 -m training.export_onnx --random --out models/test-random "
                                "--fixtures tests/fixtures/model --instructions models/instructions.json --max-length 32")
            assert_same_fixture(self, os.path.join(fx, "parity.json"), os.path.join(FIX, "model", "parity.json"))
            total = sum(os.path.getsize(os.path.join(committed, f)) for f in os.listdir(committed))
            self.assertLess(total, 2_000_000)


if __name__ == "__main__":
    unittest.main()


class CheckpointExportTest(unittest.TestCase):
    def test_checkpoint_round_trip(self):
        import torch

        from training.config import TINY_OVERRIDES, ModelConfig, apply_overrides
        from training.export_onnx import TEST_STATS
        from training.model import VLA
        from training.tokenizer import build_tokenizer

        tok = build_tokenizer(["open the drawer"], max_length=12)
        cfg = apply_overrides(ModelConfig(), {**TINY_OVERRIDES, "instr_vocab_size": tok.vocab_size, "chunk_len": 4})
        model = VLA(cfg)
        with tempfile.TemporaryDirectory() as d:
            ck = os.path.join(d, "ckpt.pt")
            torch.save({"config": cfg.to_dict(), "model": model.state_dict(), "tokenizer": tok.to_json(),
                        "stats": TEST_STATS, "name": "ckpt-model", "description": "round trip",
                        "training": {"steps": 0}, "evaluation": {"success": 0.0}}, ck)
            main(["--checkpoint", ck, "--out", os.path.join(d, "out")])
            m = load_manifest(os.path.join(d, "out", "manifest.json"))
            self.assertEqual(m["action"]["chunkLength"], 4)
            self.assertEqual(m["onnx"]["decoder"]["outputs"][0]["shape"], ["batch", 28, 257])
            self.assertEqual(m["evaluation"], {"success": 0.0})
            self.assertEqual(m["tokenizer"]["vocabSize"], tok.vocab_size)
            self.assertNotIn("executeSteps", m["decoding"])
            self.assertNotIn("subtasks", m["decoding"])
            main(["--checkpoint", ck, "--out", os.path.join(d, "out2"), "--rounds", "4", "--execute-steps", "2", "--subtasks"])
            m = load_manifest(os.path.join(d, "out2", "manifest.json"))
            self.assertEqual((m["decoding"]["rounds"], m["decoding"]["executeSteps"], m["decoding"]["subtasks"]), (4, 2, True))
            self.assertNotIn("stallPlans", m["decoding"])
            main(["--checkpoint", ck, "--out", os.path.join(d, "out3"), "--stall-escape", "2:1"])
            m = load_manifest(os.path.join(d, "out3", "manifest.json"))
            self.assertEqual((m["decoding"]["stallPlans"], m["decoding"]["stallTemperature"]), (2, 1.0))
            self.assertNotIn("stallWindow", m["decoding"])
            self.assertEqual(stall_escape_arg("2:1:8:0.02"), {"stallPlans": 2, "stallTemperature": 1.0,
                                                              "stallWindow": 8, "stallRadius": 0.02})
            for bad in ("0:1", "2:0", "2", "x:1", "1.5:1", "2:inf", "2:nan", "2:1:1:0.02", "2:1:8:0", "2:1:8",
                        "2:1:8:x", "2:1:8:inf", "2:1:-8:0.02"):
                with self.subTest(bad), self.assertRaises(SystemExit):
                    main(["--checkpoint", ck, "--out", os.path.join(d, "bad"), "--stall-escape", bad])
            self.assertFalse(os.path.exists(os.path.join(d, "bad")))
