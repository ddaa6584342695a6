"""Manifest validation (training/manifest.py) against tests/fixtures/model/manifest_cases.json
(the TS twin must give the same messages, tests/core/manifest.test.ts), and the exported
models/test-random manifest."""
import copy
import json
import os
import tempfile
import unittest

from training.make_fixtures import FIX, ROOT, manifest_cases
from training.manifest import ManifestError, check_tokenizer, expected_io, load_manifest, validate_manifest
from training.tokenizer import build_tokenizer, load_tokenizer


class ManifestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(FIX, "model", "manifest_cases.json")) as f:
            cls.fx = json.load(f)

    def test_fixture_matches_the_python_validator(self):
        self.assertEqual(self.fx, json.loads(json.dumps(manifest_cases())), "re-run: python3 -m training.make_fixtures")

    def test_every_case_is_refused_with_its_message(self):
        self.assertGreaterEqual(len(self.fx["cases"]), 30)
        for c in self.fx["cases"]:
            m = copy.deepcopy(self.fx["valid"])
            parent = m
            for p in c["path"][:-1]:
                parent = parent[p]
            if c["value"] == "<delete>":
                del parent[c["path"][-1]]
            else:
                parent[c["path"][-1]] = c["value"]
            with self.assertRaises(ManifestError, msg=c["name"]) as ctx:
                validate_manifest(m, self.fx["fileName"])
            self.assertEqual(str(ctx.exception), c["error"])

    def test_json_integers_may_be_written_as_floats(self):
        m = copy.deepcopy(self.fx["valid"])
        m["action"]["bins"] = 256.0
        validate_manifest(m)
        m["action"]["bins"] = True
        with self.assertRaisesRegex(ManifestError, "action.bins must be an integer >= 2, got true"):
            validate_manifest(m)

    def test_test_random_manifest_is_valid_and_consistent(self):
        m = load_manifest(os.path.join(ROOT, "models", "test-random", "manifest.json"))
        io = expected_io(m)
        self.assertEqual(m["onnx"]["decoder"]["inputs"], io["decoder"]["inputs"])
        self.assertEqual(m["action"]["maskId"], m["action"]["bins"])
        check_tokenizer(m, load_tokenizer(os.path.join(ROOT, "models", "test-random", "tokenizer.json")))
        with self.assertRaisesRegex(ManifestError, "tokenizer.vocabSize %d" % m["tokenizer"]["vocabSize"]):
            check_tokenizer(m, build_tokenizer(["a b"], max_length=12))

    def test_a_clause_trained_model_asks_for_subtasks(self):
        from training.config import ModelConfig, apply_overrides
        from training.make_fixtures import TINY_OVERRIDES
        from training.manifest import build_manifest
        tok = build_tokenizer(["put the red cube in the bowl"], max_length=12)
        stats = {"image_mean": [0.5] * 3, "image_std": [0.25] * 3, "proprio_mean": [0] * 8, "proprio_std": [1] * 8,
                 "action_low": [-1] * 7, "action_high": [1] * 7}
        for order, want in (("plan", None), ("active", None), ("clause", True)):
            over = {**TINY_OVERRIDES, "instr_vocab_size": tok.vocab_size, "aux_goals": 2, "goal_order": order}
            m = build_manifest(apply_overrides(ModelConfig(), over), "x", "x", tok.to_json(), stats)
            validate_manifest(m)
            self.assertEqual(m["decoding"].get("subtasks"), want, order)

    def test_bad_json_names_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "manifest.json")
            with open(p, "w") as f:
                f.write("{")
            with self.assertRaisesRegex(ManifestError, "manifest.json: not valid JSON"):
                load_manifest(p)


if __name__ == "__main__":
    unittest.main()
