"""Action codec (training/action_codec.py): hand-checked bin rule cases, and the shared fixture
tests/fixtures/codec/cases.json still matches this implementation (the TS twin is checked against
the same file in tests/core/actionCodec.test.ts)."""
import json
import math
import os
import unittest

from training.action_codec import ActionCodec, compute_bounds
from training.make_fixtures import FIX, codec_cases


class BinRuleTest(unittest.TestCase):
    def test_edges_belong_to_the_upper_bin_and_the_ends_clamp(self):
        c = ActionCodec([-1.0], [1.0], bins=4)  # edges at -0.5, 0, 0.5
        got = [c.encode_value(x, 0) for x in [-5.0, -1.0, -0.5, -1e-12, 0.0, 0.5, 0.999, 1.0, 7.0]]
        self.assertEqual(got, [0, 0, 1, 1, 2, 3, 3, 3, 3])

    def test_decodes_to_bin_centres_with_bounds(self):
        c = ActionCodec([0.0, -0.02], [1.0, 0.02], bins=4)
        self.assertEqual([c.decode_value(b, 0) for b in range(4)], [0.125, 0.375, 0.625, 0.875])
        self.assertAlmostEqual(c.decode_value(0, 1), -0.015, places=15)
        for b in range(4):
            self.assertEqual(c.encode_value(c.decode_value(b, 1), 1), b)

    def test_chunk_layout_is_step_major(self):
        c = ActionCodec([-1.0, -1.0], [1.0, 1.0], bins=4)
        self.assertEqual(c.encode_chunk([[-1.0, 1.0], [0.0, -0.6]]), [0, 3, 2, 0])
        self.assertEqual(c.decode_chunk([0, 3, 2, 0]), [[-0.75, 0.75], [0.25, -0.75]])

    def test_refuses_bad_input(self):
        c = ActionCodec([-1.0], [1.0], bins=4)
        for token, msg in [(4, "mask id"), (5, "out of range"), (-1, "out of range"), (1.5, "integer"), (True, "integer")]:
            with self.assertRaisesRegex(ValueError, msg):
                c.decode_value(token, 0)
        with self.assertRaisesRegex(ValueError, "finite"):
            c.encode_value(math.nan, 0)
        with self.assertRaisesRegex(ValueError, "high > low"):
            ActionCodec([0.0], [0.0])
        with self.assertRaisesRegex(ValueError, "bins"):
            ActionCodec([0.0], [1.0], bins=1)

    def test_compute_bounds_widens_constant_dims(self):
        lo, hi = compute_bounds([[0.0, i / 100] for i in range(101)])
        self.assertAlmostEqual(lo[0], -0.0005)
        self.assertAlmostEqual(hi[0], 0.0005)
        self.assertAlmostEqual(lo[1], 0.01)
        self.assertAlmostEqual(hi[1], 0.99)


class SharedFixtureTest(unittest.TestCase):
    def test_fixture_file_matches_the_python_codec(self):
        with open(os.path.join(FIX, "codec", "cases.json")) as f:
            stored = json.load(f)
        fresh = json.loads(json.dumps(codec_cases()))
        self.assertEqual(stored, fresh, "re-run: python3 -m training.make_fixtures")

    def test_stored_bins_are_reproduced(self):
        with open(os.path.join(FIX, "codec", "cases.json")) as f:
            for spec in json.load(f)["codecs"]:
                c = ActionCodec(spec["low"], spec["high"], spec["bins"])
                for r in spec["encode"]:
                    self.assertEqual(c.encode_value(float(r["x"]), r["dim"]), r["bin"])
                for r in spec["decode"]:
                    self.assertEqual(c.decode_value(r["token"], r["dim"]), r["x"])


if __name__ == "__main__":
    unittest.main()
