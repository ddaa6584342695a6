"""Parity and invariant tests of training/decoding.py, the Python twin of src/decoder/.

Run from the repository root: python3 -m unittest training.tests.test_decoding
The shared fixture tests/fixtures/decoder/decoder_fixture.json is written by
tests/fixtures/decoder/makeFixture.ts (TypeScript decoder); here the Python decoder must give the
same tokens and integer trace arrays exactly, and the float32 trace values to float32 precision.
"""
import base64
import json
import math
import os
import unittest

import numpy as np

from training.decoding import (DecoderInputError, Rng, committed_schedule, decode, mask_ratio, make_settings,
                               validate_settings)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "decoder", "decoder_fixture.json")
INT_FIELDS = ("tokens_in", "predicted", "top_ids", "committed", "remasked", "tokens_out", "committed_target")
FLOAT_FIELDS = ("confidence", "score", "top_probs", "temperature", "gumbel_scale", "eta")


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def case_logits(c):
    """int8 bytes -> float32 logits [round][token][vocab]; -128 means -inf (fixtureFormat.ts)."""
    b = np.frombuffer(base64.b64decode(c["logitsB64"]), np.int8).astype(np.float32)
    out = b * np.float32(c["logitScale"])
    out[b == -128] = -np.inf
    return out


def run_case(c):
    logits = case_logits(c)
    L = c["shape"]["steps"] * c["shape"]["dims"]
    per = L * c["vocab"]
    return decode(lambda tokens, rnd: logits[(rnd - 1) * per:rnd * per].copy(), (c["shape"]["steps"], c["shape"]["dims"]),
                  c["maskId"], c["settings"], Rng(c["seed"]))


class FixtureParity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(FIXTURE) as f:
            cls.fx = json.load(f)

    def test_rng_port_matches_typescript(self):
        for entry in self.fx["rngDraws"]:
            rng = Rng(entry["seed"] if entry["seed"] < 2**31 else entry["seed"])
            self.assertEqual([rng.next() for _ in entry["draws"]], entry["draws"])

    def test_schedules_match(self):
        for s in self.fx["schedules"]:
            got = committed_schedule(s["tokens"], s["rounds"], s["method"]).tolist()
            self.assertEqual(got, s["committed"], f"{s['method']} L={s['tokens']} T={s['rounds']}")

    def test_cases_match(self):
        self.assertGreaterEqual(len(self.fx["cases"]), 6)
        for c in self.fx["cases"]:
            with self.subTest(case=c["name"]):
                exp = c["expected"]
                res = run_case(c)
                self.assertEqual(res.tokens.tolist(), exp["tokens"])
                self.assertEqual(res.forward_passes, exp["forwardPasses"])
                for name in INT_FIELDS:
                    self.assertEqual(getattr(res.trace, name).ravel().tolist(), exp[camel(name)], name)
                for name in FLOAT_FIELDS:
                    want = np.array([math.inf if x is None else x for x in exp[camel(name)]], np.float64)
                    got = getattr(res.trace, name).ravel().astype(np.float64)
                    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7, err_msg=name)

    def test_fixture_exercises_remasking(self):
        # Guards the fixture itself: both remasking rules must fire somewhere, or parity proves little.
        by_name = {c["name"]: sum(c["expected"]["remasked"]) for c in self.fx["cases"]}
        self.assertGreater(by_name["dd_cosine_maxprob_threshold"], 0)
        self.assertGreater(by_name["dd_linear_gap_residual"], 0)


def random_model(seed, L, V, spread=3.0):
    gen = np.random.default_rng(seed)
    return lambda tokens, rnd: (gen.standard_normal(L * V) * spread).astype(np.float32)


class Invariants(unittest.TestCase):
    def test_dd_invariants(self):
        for seed in range(5):
            res = decode(random_model(seed, 56, 257), (8, 7), 256,
                         {"rounds": 12, "remask": "both", "eta0": 0.9, "temperature": 1.0, "gumbel_scale": 2.0}, Rng(seed))
            tr = res.trace
            self.assertEqual(res.forward_passes, 12)
            self.assertTrue(np.all(res.tokens < 256))
            np.testing.assert_array_equal((tr.tokens_out != 256).sum(axis=1), tr.committed_target)
            # a committed token only changes by being re-masked
            for r in range(1, 12):
                kept = (tr.tokens_in[r] != 256) & (tr.remasked[r] == 0)
                np.testing.assert_array_equal(tr.tokens_out[r][kept], tr.tokens_in[r][kept])
                self.assertTrue(np.all(tr.tokens_in[r][tr.remasked[r - 1] == 1] == 256))

    def test_baselines_pass_counts(self):
        for mode, passes in (("oneshot", 1), ("ar", 56), ("random", 12)):
            res = decode(random_model(1, 56, 257), (8, 7), 256, {"mode": mode}, Rng(1))
            self.assertEqual(res.forward_passes, passes)
        ar = decode(random_model(2, 56, 257), (8, 7), 256, {"mode": "ar"}, Rng(1)).trace
        self.assertEqual([int(np.argmax(ar.committed[r])) for r in range(56)], list(range(56)))

    def test_same_seed_same_trace(self):
        s = {"temperature": 1.0, "gumbel_scale": 4.5, "ranking": "sampled"}
        a = decode(random_model(3, 12, 17), (4, 3), 16, s, Rng(9)).trace
        b = decode(random_model(3, 12, 17), (4, 3), 16, s, Rng(9)).trace
        np.testing.assert_array_equal(a.tokens_out, b.tokens_out)
        np.testing.assert_array_equal(a.score, b.score)


class BadInput(unittest.TestCase):
    def run_bad(self, settings=None, logits=None, mask_id=16):
        model = (lambda tokens, rnd: logits) if logits is not None else random_model(0, 12, 17)
        with self.assertRaises(DecoderInputError) as ctx:
            decode(model, (4, 3), mask_id, settings, Rng(0))
        return str(ctx.exception)

    def test_errors_name_the_field(self):
        self.assertIn("settings.rounds", self.run_bad({"rounds": 0}))
        self.assertIn("settings.rounds", self.run_bad({"rounds": 13}))
        self.assertIn("settings.schedule", self.run_bad({"schedule": "zigzag"}))
        self.assertIn("settings.bogus", self.run_bad({"bogus": 1}))
        self.assertIn("mask_id", self.run_bad(mask_id=3, settings={"num_action_ids": 16}))
        self.assertIn("length", self.run_bad(logits=np.zeros(12 * 17 + 1, np.float32)))
        bad = np.zeros(12 * 17, np.float32)
        bad[5] = np.nan
        self.assertIn("non-finite", self.run_bad(logits=bad))
        bad[5] = np.inf
        self.assertIn("non-finite", self.run_bad(logits=bad))
        self.assertIn("float32", self.run_bad(logits=np.zeros(12 * 17, np.float64)))

    def test_validate_and_ratio(self):
        self.assertEqual(validate_settings(make_settings()), [])
        self.assertEqual(mask_ratio("cosine", 0.0, 56), 1.0)
        self.assertAlmostEqual(mask_ratio("linear", 0.25, 56), 0.75)


if __name__ == "__main__":
    unittest.main()
