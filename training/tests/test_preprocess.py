"""Preprocessing (training/preprocess.py) against tests/fixtures/model/preprocess.json (the TS twin,
src/core/preprocess.ts, must give the same float32 values)."""
import json
import os
import unittest

import numpy as np

from training.make_fixtures import FIX, preprocess_cases
from training.preprocess import image_to_tensor, proprio_to_tensor


class PreprocessTest(unittest.TestCase):
    def test_fixture_matches_python(self):
        with open(os.path.join(FIX, "model", "preprocess.json")) as f:
            self.assertEqual(json.load(f), json.loads(json.dumps(preprocess_cases())))

    def test_layout_and_values(self):
        img = np.zeros((2, 3, 4), np.uint8)  # H=2, W=3, RGBA
        img[1, 2] = [255, 0, 51, 7]
        x = image_to_tensor(img, [0.5, 0.0, 0.0], [0.5, 1.0, 0.2])
        self.assertEqual(x.shape, (3, 2, 3))
        self.assertEqual(x.dtype, np.float32)
        self.assertAlmostEqual(float(x[0, 1, 2]), 1.0)
        self.assertAlmostEqual(float(x[0, 0, 0]), -1.0)
        self.assertAlmostEqual(float(x[2, 1, 2]), 1.0, places=6)
        batch = image_to_tensor(np.stack([img, img]), [0.5, 0.0, 0.0], [0.5, 1.0, 0.2])
        self.assertEqual(batch.shape, (2, 3, 2, 3))

    def test_proprio_order_and_errors(self):
        p = proprio_to_tensor([1, 2, 3, 0, 0, 0, 1, 0.04], ["opening", "z"], [0.0, 1.0], [0.02, 2.0])
        np.testing.assert_allclose(p, [2.0, 1.0], rtol=1e-6)
        with self.assertRaisesRegex(ValueError, "8 values"):
            proprio_to_tensor([1, 2], ["x"], [0], [1])
        with self.assertRaisesRegex(ValueError, "uint8"):
            image_to_tensor(np.zeros((2, 2, 3), np.float32), [0, 0, 0], [1, 1, 1])


if __name__ == "__main__":
    unittest.main()
