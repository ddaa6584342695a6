"""Training recipes in miniature (CI): the tiny HDF5 of test_train.py through the sessions' recipes
(layout demos with FiLM and keypoints; the keypoint head pretrained alone, then the policy; the
goal head retrained alone; the yaw CNN pretrained alone, then the policy), each exported, checked
for ONNX parity in onnxruntime-web and rebuilt from its ONNX files."""
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np
import torch

from training import train
from training.config import ModelConfig, apply_overrides
from training.export_onnx import main as export_main
from training.manifest import load_manifest
from training.model import VLA
from training.tests.test_train import ROOT, TINY, write_tiny_hdf5


class RecipeMiniatureTest(unittest.TestCase):
    def test_film_vision_with_layout_demos_trains_exports_and_rebuilds(self):
        # the session-8 recipe in miniature: one-frame cut "layout" demos (success 0) mixed 1:1 into demos,
        # FiLM convs with a stride-1 layer, pooled patches and keypoints; export, parity, rebuild from ONNX
        from training.from_onnx import rebuild
        with tempfile.TemporaryDirectory() as d:
            demos, layouts = os.path.join(d, "demos.hdf5"), os.path.join(d, "layouts.hdf5")
            write_tiny_hdf5(demos, with_objects=True)
            write_tiny_hdf5(layouts, with_objects=True, success=0, seed=4)
            out = train.main([f"--data={layouts},{demos}", "--data_weights=[1,1]", "--batch_size=4", "--eval_demos=2",
                              "--eval_interval=2", "--eval_batches=1", "--eval_decode_samples=2", "--log_interval=1",
                              "--warmup_steps=1", "--num_threads=1", "--steps=2", f"--out_dir={os.path.join(d, 'run')}",
                              "--film=1", "--vision_strides=[2,1]", "--patch_pool=2", "--keypoints=2",
                              "--aux_goals=1", "--aux_layer=1", "--aux_yaw=1"] + TINY)
            c = torch.load(out["checkpoint"])
            self.assertTrue(any(k.startswith("yaw_head.") for k in c["model"]))
            self.assertTrue(0.0 <= out["last_eval"]["eval_yaw_err_deg"] <= 45.0)  # the tiny demos' cube has a yaw target
            self.assertEqual({k: c["config"][k] for k in ("film", "vision_strides", "patch_pool")},
                             {"film": 1, "vision_strides": [2, 1], "patch_pool": 2})
            self.assertTrue(all(np.isfinite(out["last_eval"][k]) for k in ("eval_loss", "eval_decode_acc")))
            model_dir, fx = os.path.join(d, "model"), os.path.join(d, "fx")
            export_main(["--checkpoint", out["checkpoint"], "--out", model_dir, "--fixtures", fx])
            m = load_manifest(os.path.join(model_dir, "manifest.json"))
            self.assertEqual(m["cache"]["prefixLength"], 2 * (16 + 1) + 10 + 1)  # 4 x 4 pooled patches + keypoints
            r = subprocess.run(["node", os.path.join(ROOT, "training", "tests", "onnx_parity.mjs"), model_dir,
                                os.path.join(fx, "parity.json")], cwd=ROOT, capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertLessEqual(json.loads(r.stdout)["encoder"]["past_keys"], 1e-4)
            ck = rebuild(model_dir)  # every exported weight comes back; the training-only aux heads do not
            self.assertEqual(set(ck["model"]), {k for k in c["model"] if not k.startswith(("aux_head.", "yaw_head."))})
            for k, v in ck["model"].items():
                self.assertTrue(torch.allclose(v, c["model"][k]), k)

    def test_keypoint_goal_head_pretrains_the_vision_then_warm_starts_the_policy(self):
        # the session-9 recipe in miniature: --aux_only trains the vision and the keypoint goal head
        # alone (no transformer), then the policy warm-starts from it and keeps that head (here also
        # reading it through the goal token, which the exported encoder then computes)
        with tempfile.TemporaryDirectory() as d:
            demos, layouts = os.path.join(d, "demos.hdf5"), os.path.join(d, "layouts.hdf5")
            write_tiny_hdf5(demos, with_objects=True)
            write_tiny_hdf5(layouts, with_objects=True, success=0, seed=4)
            common = [f"--data={layouts},{demos}", "--batch_size=4", "--eval_demos=2", "--eval_interval=3",
                      "--eval_batches=1", "--eval_decode_samples=2", "--log_interval=1", "--warmup_steps=1",
                      "--num_threads=1"] + TINY
            vis = common + ["--film=1", "--keypoints=2", "--aux_goals=1", "--vision_init=kaiming"]
            with self.assertRaisesRegex(ValueError, "aux_source=keypoints"):
                train.main(vis + ["--steps=1", "--aux_only=true", f"--out_dir={os.path.join(d, 'bad')}"])
            pre = train.main(vis + ["--steps=3", "--aux_only=true", "--aux_source=keypoints",
                                    f"--out_dir={os.path.join(d, 'pre')}"])
            c = torch.load(pre["checkpoint"])
            self.assertEqual((c["config"]["aux_source"], c["config"]["vision_init"]), ("keypoints", "kaiming"))
            torch.manual_seed(0)  # train.py's seed: the same init, so what moved is what --aux_only trains
            init = VLA(apply_overrides(ModelConfig(), c["config"])).state_dict()
            moved = {k.split(".")[0] for k in init if not torch.equal(init[k], c["model"][k])}
            self.assertEqual(moved, {"vision", "aux_head", "instr_emb", "film_norm"})
            self.assertEqual(set(pre["last_eval"]), {"step", "eval_aux_loss"})
            self.assertTrue(np.isfinite(pre["last_eval"]["eval_aux_loss"]))
            # the policy reads the head's points as its goal token (config.goal_token), x, y hidden
            pol = train.main(common + ["--steps=2", "--mask_draws=2", f"--init_from={pre['checkpoint']}",
                                       "--goal_token=1", "--proprio_drop=[0,1]", f"--out_dir={os.path.join(d, 'pol')}"])
            p = torch.load(pol["checkpoint"])
            self.assertEqual((p["config"]["aux_source"], p["config"]["goal_token"]), ("keypoints", 1))
            self.assertEqual(p["model"]["proprio_std"].tolist(), torch.tensor(p["stats"]["proprio_std"]).tolist())
            self.assertFalse(torch.equal(p["model"]["head.weight"], c["model"]["head.weight"]))
            with open(os.path.join(d, "pol", "log.jsonl")) as f:
                self.assertTrue(all(np.isfinite(json.loads(ln)["aux_loss"]) for ln in f))
            from training.diagnose import main as diagnose_main
            dg = diagnose_main(["--checkpoint", pol["checkpoint"], "--data", demos, "--samples", "12", "--look-at", "0"])
            self.assertTrue(all(0 <= v < 1e4 for v in dg["goal_error_cm"].values()), dg)
            self.assertTrue(-1 <= dg["look_test"]["offsets"]["0"]["dx"]["aux_pick_vs_true"] <= 1, dg)
            model_dir, fx = os.path.join(d, "model"), os.path.join(d, "fx")
            export_main(["--checkpoint", pol["checkpoint"], "--out", model_dir, "--fixtures", fx])
            r = subprocess.run(["node", os.path.join(ROOT, "training", "tests", "onnx_parity.mjs"), model_dir,
                                os.path.join(fx, "parity.json")], cwd=ROOT, capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            from training.from_onnx import check_parity, rebuild
            ck = rebuild(model_dir)  # the goal head is in the encoder graph now, so it comes back too
            self.assertEqual(set(ck["model"]), set(p["model"]))
            self.assertLess(check_parity(ck, os.path.join(fx, "parity.json")), 1e-4)
            # the session-36 recipe in miniature: --head_only retrains the keypoint goal head alone from
            # the policy (the vision and the policy keep their weights)
            with self.assertRaisesRegex(ValueError, "use it with --aux_only"):
                train.main(common + ["--steps=1", "--head_only=true", f"--init_from={pol['checkpoint']}",
                                     f"--out_dir={os.path.join(d, 'bad3')}"])
            head = train.main(common + ["--steps=2", "--aux_only=true", "--head_only=true", "--lr=1e-2",
                                        f"--init_from={pol['checkpoint']}", f"--out_dir={os.path.join(d, 'head')}"])
            hc = torch.load(head["checkpoint"])
            moved = {k.split(".")[0] for k in p["model"] if not torch.equal(p["model"][k], hc["model"][k])}
            self.assertEqual(moved, {"aux_head"})
            # the session-35 recipe in miniature: --yaw_only trains the yaw CNN alone, then the policy
            # reads its yaw through the goal token (config.goal_yaw), which the encoder graph computes
            with self.assertRaisesRegex(ValueError, "--goal_yaw=1"):
                train.main(common + ["--steps=1", "--yaw_only=true", f"--init_from={pol['checkpoint']}",
                                     f"--out_dir={os.path.join(d, 'bad2')}"])
            ypre = train.main(common + ["--steps=2", "--yaw_only=true", "--lr=1e-3", "--goal_yaw=1", "--aux_yaw=1",
                                        f"--init_from={pol['checkpoint']}", f"--out_dir={os.path.join(d, 'ypre')}"])
            yc = torch.load(ypre["checkpoint"])
            moved = {k.split(".")[0] for k in yc["model"] if k not in p["model"] or not torch.equal(p["model"][k], yc["model"][k])}
            self.assertEqual(moved, {"yaw_net", "yaw_proj"})  # new modules; of the old weights none moved
            self.assertFalse(torch.any(yc["model"]["yaw_proj.weight"] != 0))  # the policy does not read it yet
            self.assertEqual(set(ypre["last_eval"]), {"step", "eval_yaw_loss", "eval_yaw_err_deg"})
            ypol = train.main(common + ["--steps=2", "--mask_draws=2", f"--init_from={ypre['checkpoint']}",
                                        f"--out_dir={os.path.join(d, 'ypol')}"])
            yp = torch.load(ypol["checkpoint"])
            self.assertEqual((yp["config"]["goal_yaw"], yp["config"]["aux_yaw"]), (1, 1))
            self.assertTrue(torch.any(yp["model"]["yaw_proj.weight"] != 0))
            ydir, yfx = os.path.join(d, "ymodel"), os.path.join(d, "yfx")
            export_main(["--checkpoint", ypol["checkpoint"], "--out", ydir, "--fixtures", yfx])
            r = subprocess.run(["node", os.path.join(ROOT, "training", "tests", "onnx_parity.mjs"), ydir,
                                os.path.join(yfx, "parity.json")], cwd=ROOT, capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            ck = rebuild(ydir)  # the yaw CNN is in the encoder graph, so it comes back too
            self.assertEqual(set(ck["model"]), set(yp["model"]))
            self.assertLess(check_parity(ck, os.path.join(yfx, "parity.json")), 1e-4)


if __name__ == "__main__":
    unittest.main()
