"""ONNX export (training/export_onnx.py): a fresh random export validates, its graphs' inputs and
outputs equal the manifest, and it reproduces the committed models/test-random and parity
fixture byte for byte (so a model change cannot silently leave stale fixtures behind)."""
import filecmp
import os
import tempfile
import unittest

from training.export_onnx import graph_io, main
from training.make_fixtures import FIX, ROOT
from training.manifest import load_manifest


class ExportTest(unittest.TestCase):
    def test_random_export_matches_committed_files(self):
        with tempfile.TemporaryDirectory() as d:
            out, fx = os.path.join(d, "test-random"), os.path.join(d, "fixtures")
            main(["--random", "--out", out, "--fixtures", fx])
            m = load_manifest(os.path.join(out, "manifest.json"))
            for g in ["encoder", "decoder"]:
                io = graph_io(os.path.join(out, m["onnx"][g]["file"]))
                self.assertEqual(io["inputs"], m["onnx"][g]["inputs"])
                self.assertEqual(io["outputs"], m["onnx"][g]["outputs"])
            committed = os.path.join(ROOT, "models", "test-random")
            for f in ["manifest.json", "tokenizer.json", "encoder.onnx", "decoder.onnx"]:
                self.assertTrue(filecmp.cmp(os.path.join(out, f), os.path.join(committed, f), shallow=False),
                                f"{f} differs: re-run python3 -m training.export_onnx --random --out models/test-random "
                                "--fixtures tests/fixtures/model")
            self.assertTrue(filecmp.cmp(os.path.join(fx, "parity.json"), os.path.join(FIX, "model", "parity.json"),
                                        shallow=False))
            total = sum(os.path.getsize(os.path.join(committed, f)) for f in os.listdir(committed))
            self.assertLess(total, 2_000_000)


if __name__ == "__main__":
    unittest.main()
