"""Weight averaging in training (training/ema.py, train.py --ema_decay): the average after one step
is the warm-up formula's mix of the start and the trained weights, it is what the checkpoint ships
and exports, and a resumed run reproduces an uninterrupted one for both the average and the trained
weights."""
import os
import tempfile
import unittest

import torch

from training import train
from training.export_onnx import main as export_main
from training.manifest import load_manifest
from training.tests.test_train import tiny_run


class EmaTest(unittest.TestCase):
    def test_weight_average_is_shipped_and_resumes_exactly(self):
        with tempfile.TemporaryDirectory() as d:
            _, common = tiny_run(d, eval_interval=100)
            with self.assertRaisesRegex(ValueError, "ema_decay"):
                train.main(common + ["--steps=1", f"--out_dir={d}/bad", "--ema_decay=1"])
            start = train.main(common + ["--steps=2", f"--out_dir={d}/start"])["checkpoint"]
            init = torch.load(start)
            # one step from a warm start: average = (1 - 0.1) * trained + 0.1 * start (warm-up decay 1/10)
            one = torch.load(train.main(common + ["--steps=1", f"--out_dir={d}/one", f"--init_from={start}",
                                                  "--ema_decay=0.9"])["checkpoint"])
            for k, v in one["model"].items():
                if v.is_floating_point():
                    torch.testing.assert_close(v, 0.1 * init["model"][k] + 0.9 * one["model_raw"][k], msg=k)
            self.assertIn("head.weight", [k for k in one["model"] if not torch.equal(one["model"][k], one["model_raw"][k])])
            # 4 steps == 2 + resume + 2, for the average and the trained weights; a resume must keep the setting
            ema = ["--ema_decay=0.8", f"--init_from={start}"]
            full = torch.load(train.main(common + ["--steps=4", f"--out_dir={d}/full"] + ema)["checkpoint"])
            train.main(common + ["--steps=4", "--stop_step=2", f"--out_dir={d}/part"] + ema)
            with self.assertRaisesRegex(ValueError, "ema_decay"):
                train.main(common + ["--steps=4", f"--out_dir={d}/part", "--resume"])
            part = torch.load(train.main(common + ["--steps=4", f"--out_dir={d}/part", "--resume"] + ema)["checkpoint"])
            for key in ("model", "model_raw"):
                for k in full[key]:
                    self.assertTrue(torch.equal(full[key][k], part[key][k]), (key, k))
            export_main(["--checkpoint", os.path.join(d, "full", "ckpt.pt"), "--out", os.path.join(d, "model")])
            self.assertEqual(load_manifest(os.path.join(d, "model", "manifest.json"))["training"]["train_config"]["ema_decay"], 0.8)


if __name__ == "__main__":
    unittest.main()
