"""Training smoke test (CI, < 60 s): a tiny HDF5 in the documented layout (docs/data.md) written with
h5py in a temp dir -> a few steps of training/train.py on a tiny model -> resume -> export with
training/export_onnx.py -> ONNX parity in onnxruntime-web (training/tests/onnx_parity.mjs).
Also the pieces: mask draws, chunk padding, the vectorised bin rule against action_codec.py,
augmentation off at eval, unknown keys refused.
Invariant checked: 3 steps + resume + 3 steps == 6 uninterrupted steps, bit for bit.
"""
import json
import os
import shutil
import tempfile
import unittest

import h5py
import numpy as np
import torch

from training import train
from training.action_codec import ActionCodec
from training.config import ModelConfig, apply_overrides, parse_cli_overrides
from training.data import ChunkSampler, FrameStore, encode_actions, images_to_model, random_shift, split_demos
from training.export_onnx import main as export_main
from training.goals import goals_path
from training.manifest import load_manifest
from training.model import VLA
from training.preprocess import image_to_tensor
from training.tokenizer import build_tokenizer
from training.tests.parity import onnx_parity

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TASKS = [("spatial/red_in_bowl", ["put the red cube in the bowl", "place the red cube into the bowl"]),
         ("spatial/ball_left", ["push the ball to the left"])]
TINY = ["--image_size=16", "--vision_channels=[4,8]", "--n_layer=2", "--n_head=2", "--n_embd=16",
        "--max_instr_len=10", "--chunk_len=4", "--bins=32"]


def tiny_run(d, eval_interval):
    """A tiny dataset written in folder d, and train.py arguments for a few quick steps of a TINY
    model on it: (data path, arguments)."""
    data = os.path.join(d, "tiny.hdf5")
    write_tiny_hdf5(data)
    return data, [f"--data={data}", "--batch_size=4", "--mask_draws=2", "--eval_demos=2", f"--eval_interval={eval_interval}",
            "--eval_batches=1", "--eval_decode_samples=2", "--log_interval=1", "--warmup_steps=2",
            "--num_threads=1"] + TINY


OBJECTS = ["cube", "bowl"]  # with_objects=True: two objects in `states` and a goals sidecar


def write_tiny_hdf5(path, demos_per_task=3, size=16, seed=0, with_objects=False, success=1):
    """A few random demos in layout_version 1 (only what the readers read), stats as the TS writer.
    with_objects: `states` rows also hold two objects (position + quaternion) and
    <name>.goals.json (scripts/datasetGoals.ts) says "put the cube in the bowl" for every demo."""
    sidecar = {}
    rng = np.random.default_rng(seed)
    acts_all, prop_all = [], []
    with h5py.File(path, "w") as f:
        f.attrs["layout_version"] = 1
        f.attrs["collect_args"] = json.dumps({"fixture": True})
        data = f.create_group("data")
        i = 0
        for task_id, phrases in TASKS:
            for k in range(demos_per_task):
                T = int(rng.integers(5, 12))
                g = data.create_group(f"demo_{i}")
                g.attrs.update(num_samples=T, task_id=task_id, seed=i, instruction=phrases[k % len(phrases)],
                               paraphrase_index=k % len(phrases), success=success, scene="{}")
                obs = g.create_group("obs")
                for key in ("agentview_rgb", "eye_in_hand_rgb"):
                    obs[key] = rng.integers(0, 256, (T, size, size, 3), dtype=np.uint8)
                prop = rng.normal(0, 0.1, (T, 8))
                if with_objects:
                    prop[:, 7] = 0.08  # fingers open over the cube (its xy below): every frame has a yaw target
                acts = np.concatenate([rng.normal(0, 0.01, (T, 6)), np.sign(rng.normal(size=(T, 1)))], 1)
                for key, shape in (("ee_states", 6), ("ee_pos", 3), ("ee_ori", 3), ("gripper_states", 2),
                                   ("joint_states", 7)):
                    obs[key] = np.zeros((T, shape))
                obs["proprio"] = prop
                g["actions"], g["rewards"], g["dones"] = acts, np.zeros(T), np.zeros(T, np.uint8)
                n_obj = len(OBJECTS) if with_objects else 0
                g["states"] = np.concatenate([np.zeros((T, 7)), rng.normal(0, 0.1, (T, 7 * n_obj))], 1)
                if with_objects:
                    g["states"][:, 7:9] = prop[:, :2]
                sidecar[f"demo_{i}"] = {"task_id": task_id, "seed": i, "objects": OBJECTS,
                                        "goals": [{"type": "in", "object": "cube", "receptacle": "bowl"}]}
                acts_all.append(acts)
                prop_all.append(prop)
                i += 1
        data.attrs["total"] = sum(len(a) for a in acts_all)
        data.attrs["env_args"] = "{}"
        data.attrs["problem_info"] = json.dumps({"language_instruction": [p for _, ps in TASKS for p in ps]})
        for key, arrs in (("actions", acts_all), ("proprio", prop_all)):
            a = np.concatenate(arrs)
            for s, v in (("mean", a.mean(0)), ("std", a.std(0)), ("min", a.min(0)), ("max", a.max(0)),
                         ("q01", np.quantile(a, 0.01, axis=0)), ("q99", np.quantile(a, 0.99, axis=0))):
                f[f"stats/{key}/{s}"] = v
    if with_objects:
        with open(goals_path(path), "w") as f:
            json.dump({"version": 1, "dataset": os.path.basename(path), "demos": sidecar}, f)


class PiecesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        cls.path = os.path.join(cls.dir, "tiny.hdf5")
        write_tiny_hdf5(cls.path)
        cls.store = FrameStore([cls.path])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def test_masks_cover_at_least_one_token_and_follow_the_ratio(self):
        rng = np.random.default_rng(0)
        m = train.draw_masks(rng, 4000, 56)
        self.assertTrue((m.sum(1) >= 1).all())
        # E[cos(pi/2 u)] = 2/pi; ceil adds < 1 token
        self.assertAlmostEqual(m.mean(), 2 / np.pi, delta=0.03)
        fixed = train.draw_masks(rng, 10, 56, ratio=0.5)
        self.assertTrue((fixed.sum(1) == 28).all())

    def test_bin_rule_equals_action_codec(self):
        low, high = [-0.02, -0.1, -1.0], [0.02, 0.1, 1.0]
        codec = ActionCodec(low, high, bins=256)
        x = np.random.default_rng(1).uniform(-1.5, 1.5, (500, 3)) * np.array([0.02, 0.1, 1.0])
        x[:3] = [[-0.02, -0.1, -1.0], [0.02, 0.1, 1.0], [0.0, 0.0, 0.0]]
        want = [[codec.encode_value(float(v), d) for d, v in enumerate(row)] for row in x]
        np.testing.assert_array_equal(encode_actions(x, low, high, 256), want)

    def test_chunks_pad_with_the_last_action_and_split_is_by_demo(self):
        tr, ev = split_demos(self.store, 2)
        self.assertEqual(len(ev), 2)
        self.assertFalse(set(tr) & set(ev))
        self.assertEqual({self.store.task_ids[d] for d in ev}, {t for t, _ in TASKS})
        tok = build_tokenizer(self.store.all_instructions(), max_length=10)
        stats = {"image_mean": [0.5] * 3, "image_std": [0.25] * 3, "proprio_mean": [0.0] * 8,
                 "proprio_std": [1.0] * 8, "action_low": [-0.03] * 6 + [-1.0], "action_high": [0.03] * 6 + [1.0]}
        s = ChunkSampler(self.store, tr, tok, 4, 32, stats, ("agentview", "wrist"))
        last = self.store.demo_start[0] + self.store.demo_len[0] - 1
        b = s.batch(np.random.default_rng(0), 2, augment=False, frames=[last - 1, last])
        tgt = b["targets"].reshape(2, 4, 7)
        want_last = encode_actions(self.store.actions[last], stats["action_low"], stats["action_high"], 32)
        for row in (tgt[0, 1], tgt[0, 2], tgt[0, 3], tgt[1, 0], tgt[1, 3]):
            np.testing.assert_array_equal(row, want_last)
        # no augmentation: exactly the manifest normalisation (training/preprocess.py)
        x = images_to_model(torch.from_numpy(b["images"][0]), torch.from_numpy(b["jitter"][0]), [0.5] * 3, [0.25] * 3)
        want = image_to_tensor(self.store.images["agentview"][[last - 1, last]], [0.5] * 3, [0.25] * 3)
        np.testing.assert_allclose(x.numpy(), want, atol=1e-6)
        b2 = s.batch(np.random.default_rng(5), 2, augment=True, frames=[last - 1, last])
        self.assertTrue((b2["jitter"] != 1).all())
        x2 = images_to_model(torch.from_numpy(b2["images"][0]), torch.from_numpy(b2["jitter"][0]), [0.5] * 3, [0.25] * 3)
        self.assertEqual(x2.shape, x.shape)
        self.assertFalse(np.allclose(x2.numpy(), want))
        self.assertTrue(((x2 * 0.25 + 0.5) >= -1e-6).all() and ((x2 * 0.25 + 0.5) <= 1 + 1e-6).all())

    def test_a_demo_that_did_not_succeed_has_no_labels_past_its_end(self):
        # collect --max-steps N --keep-failed: cut demos end mid-motion, so the steps after the cut are
        # not labelled (-100) instead of padded with the last action as after a success
        cut = os.path.join(self.dir, "cut.hdf5")
        write_tiny_hdf5(cut, success=0)
        store = FrameStore([cut, self.path])
        n_cut = len(store.demo_len) // 2
        self.assertFalse(store.demo_success[:n_cut].any())
        self.assertTrue(store.demo_success[n_cut:].all())
        np.testing.assert_array_equal(store.demo_source, [0] * n_cut + [1] * n_cut)
        tok = build_tokenizer(store.all_instructions(), max_length=10)
        stats = {"image_mean": [0.5] * 3, "image_std": [0.25] * 3, "proprio_mean": [0.0] * 8,
                 "proprio_std": [1.0] * 8, "action_low": [-0.03] * 6 + [-1.0], "action_high": [0.03] * 6 + [1.0]}
        demos = list(range(len(store.demo_len)))
        s = ChunkSampler(store, demos, tok, 4, 32, stats, ("agentview", "wrist"))
        self.assertEqual(len(s), store.n_frames)
        last_cut = store.demo_start[0] + store.demo_len[0] - 1
        last_ok = store.demo_start[n_cut] + store.demo_len[n_cut] - 1
        tgt = s.chunk_targets(np.array([last_cut - 1, last_ok - 1])).reshape(2, 4, 7)
        want = [encode_actions(store.actions[f], stats["action_low"], stats["action_high"], 32) for f in (last_cut, last_ok)]
        np.testing.assert_array_equal(tgt[0, 1], want[0])
        self.assertTrue((tgt[0, 2:] == -100).all())  # cut demo: no label after its last step
        np.testing.assert_array_equal(tgt[1, 3], want[1])  # successful demo: the last action repeated
        # the loss never sees an unlabelled step and never reveals one as an input token
        model = VLA(apply_overrides(ModelConfig(), {**parse_cli_overrides(TINY), "instr_vocab_size": tok.vocab_size}))
        b = train.to_device(s.batch(np.random.default_rng(0), 2, augment=False, frames=[last_cut - 1, last_cut]), s, "cpu")
        masks = np.zeros((2, 28), bool)
        masks[:, 0] = True  # step 0 masked: labelled for both frames
        loss, _, t, _ = train.masked_loss(model, b, masks, lambda: torch.autocast(device_type="cpu", enabled=False))
        self.assertEqual(int((t >= 0).sum()), 2)
        self.assertTrue(np.isfinite(loss.item()))
        masks[:, 0], masks[:, 27] = False, True  # only step 3 masked: unlabelled for both -> loss 0, no NaN
        loss, _, t, _ = train.masked_loss(model, b, masks, lambda: torch.autocast(device_type="cpu", enabled=False))
        self.assertEqual((int((t >= 0).sum()), loss.item()), (0, 0.0))

    def test_random_shift_is_a_translation(self):
        x = np.random.default_rng(2).random((3, 16, 16, 3)).astype(np.float32)
        y = random_shift(x, np.random.default_rng(3))
        self.assertEqual(y.shape, x.shape)
        # every output is a (replicate-padded) translate: its interior pixels appear in x
        for i in range(3):
            self.assertTrue(np.isin(y[i, 6:10, 6:10], x[i]).all())

    def test_unknown_keys_are_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown key 'stpes'"):
            train.parse_args(["--stpes=3"])
        c, m = train.parse_args(["--steps=3", "--n_layer=2", "--data=a.hdf5,b", "--resume"])
        self.assertEqual((c.steps, c.data, c.resume, m), (3, ("a.hdf5", "b"), True, {"n_layer": 2}))


class TrainSmokeTest(unittest.TestCase):
    def test_train_resume_export_parity(self):
        with tempfile.TemporaryDirectory() as d:
            data, common = tiny_run(d, eval_interval=3)
            full, part = os.path.join(d, "full"), os.path.join(d, "part")
            out = train.main(common + ["--steps=6", f"--out_dir={full}"])
            train.main(common + ["--steps=6", "--stop_step=3", f"--out_dir={part}", "--ckpt_interval=100"])
            with self.assertRaisesRegex(ValueError, "differ from the checkpoint"):
                train.main(common + ["--steps=6", f"--out_dir={part}", "--resume", "--n_layer=3"])
            with self.assertRaisesRegex(ValueError, "data_drop_from: file indices \\[1\\]"):  # reaches the split
                train.main(common + ["--steps=1", f"--out_dir={os.path.join(d, 'drop')}",
                                     '--data_drop_tasks=["libero_spatial/t0"]', "--data_drop_from=[1]"])
            train.main(common + ["--steps=6", f"--out_dir={part}", "--resume"])
            a, b = torch.load(out["checkpoint"]), torch.load(os.path.join(part, "ckpt.pt"))
            self.assertEqual(b["step"], 6)
            self.assertEqual(a["rng"]["numpy"], b["rng"]["numpy"])  # same sampling/masking stream
            for k in a["model"]:
                self.assertTrue(torch.equal(a["model"][k], b["model"][k]), k)
            with open(os.path.join(full, "log.jsonl")) as f:
                full_loss = [json.loads(ln)["loss"] for ln in f]
            with open(os.path.join(part, "log.jsonl")) as f:
                recs = [json.loads(ln) for ln in f]
            self.assertEqual([r["step"] for r in recs], [1, 2, 3, 4, 5, 6])
            self.assertEqual([r["loss"] for r in recs], full_loss)
            ev = out["last_eval"]
            for k in ("eval_loss", "eval_masked_acc", "eval_decode_acc"):
                self.assertTrue(np.isfinite(ev[k]), k)
            self.assertTrue(0 <= ev["eval_decode_acc"] <= 1)

            from training.diagnose import main as diagnose_main
            dg = diagnose_main(["--checkpoint", out["checkpoint"], "--data", data, "--samples", "20"])
            self.assertEqual(dg["frames"], 20)
            self.assertEqual(set(dg["bin_error"]), {"dx", "dy", "dz", "droll", "dpitch", "dyaw", "gripper"})
            self.assertTrue(all(0 <= v <= 31 for v in dg["bin_error"].values()), dg)
            self.assertTrue(0 <= dg["xy_wrong_direction"] <= 1)
            self.assertEqual(dg, diagnose_main(["--checkpoint", out["checkpoint"], "--data", data, "--samples", "20"]))

            model_dir, fx = os.path.join(d, "model"), os.path.join(d, "fx")
            export_main(["--checkpoint", out["checkpoint"], "--out", model_dir, "--fixtures", fx])
            m = load_manifest(os.path.join(model_dir, "manifest.json"))
            self.assertEqual(m["action"]["bins"], 32)
            self.assertEqual(m["training"]["steps"], 6)
            q = a["stats"]
            self.assertTrue(all(h > lo for lo, h in zip(q["action_low"], q["action_high"])))
            rep = onnx_parity(self, model_dir, fx)
            self.assertTrue(rep["maskLogitNegInf"])
            self.assertLessEqual(rep["decoder"]["fromOrtCache"], 1e-4)

            # warm start: the 6-step model plus spatial-softmax keypoints and the auxiliary goal head,
            # 2 more steps on demos with object states, export (without the head), parity
            warm, obj_data = os.path.join(d, "warm"), os.path.join(d, "tiny-obj.hdf5")
            write_tiny_hdf5(obj_data, with_objects=True)
            warm_args = [a.replace(data, obj_data) for a in common] + ["--steps=2", f"--out_dir={warm}",
                                                                       f"--init_from={out['checkpoint']}"]
            with self.assertRaisesRegex(ValueError, "do not fit the model"):
                train.main(warm_args + ["--n_embd=32"])
            with self.assertRaisesRegex(FileNotFoundError, "npm run dataset:goals"):
                train.main(common + ["--steps=2", f"--out_dir={warm}", f"--init_from={out['checkpoint']}", "--aux_goals=1"])
            w = train.main(warm_args + ["--keypoints=3", "--aux_goals=1", "--aux_layer=1", "--proprio_drop=[0,1]"])
            c = torch.load(w["checkpoint"])
            self.assertEqual(c["config"]["keypoints"], 3)
            self.assertEqual(c["config"]["proprio_drop"], [0, 1])
            self.assertEqual(c["config"]["aux_layer"], 1)
            self.assertIn("aux_head.1.weight", c["model"])
            with open(os.path.join(warm, "log.jsonl")) as f:
                recs = [json.loads(ln) for ln in f]
            self.assertTrue(all(np.isfinite(r["aux_loss"]) for r in recs))
            self.assertTrue(np.isfinite(recs[-1]["eval_aux_loss"]))
            dg = diagnose_main(["--checkpoint", w["checkpoint"], "--data", obj_data, "--samples", "20", "--look-at", "0,2"])
            self.assertEqual(set(dg["goal_error_cm"]), {"pick", "place"})
            look = dg["look_test"]["offsets"]
            self.assertEqual(set(look), {"0", "2"})
            for r in look.values():
                for dim in ("dx", "dy"):
                    self.assertTrue(-1 <= r[dim]["own"] <= 1 and -1 <= r[dim]["other_layout"] <= 1, r)
                    self.assertTrue(-1 <= r[dim]["aux_pick_vs_true"] <= 1 and -1 <= r[dim]["expert_vs_true_pick"] <= 1, r)
            self.assertTrue(all(0 <= v < 1e4 for v in dg["goal_error_cm"].values()), dg)
            self.assertEqual(c["training"]["init_from"]["step"], 6)
            self.assertEqual(c["tokenizer"], a["tokenizer"])  # the warm start's tokenizer and stats
            moved = [k for k in a["model"] if not torch.equal(a["model"][k], c["model"][k])]
            self.assertIn("head.weight", moved)  # trained on, not just copied
            kp_dir, kp_fx = os.path.join(d, "kp-model"), os.path.join(d, "kp-fx")
            export_main(["--checkpoint", w["checkpoint"], "--out", kp_dir, "--fixtures", kp_fx])
            km = load_manifest(os.path.join(kp_dir, "manifest.json"))
            self.assertEqual(km["cache"]["prefixLength"], m["cache"]["prefixLength"] + 2)  # + 1 token per camera
            self.assertLessEqual(onnx_parity(self, kp_dir, kp_fx)["encoder"]["past_keys"], 1e-4)

    def test_keypoint_head_predicts_world_points_the_loss_makes_relative(self):
        cfg = apply_overrides(ModelConfig(), {"image_size": 16, "vision_channels": [4, 8], "n_layer": 1, "n_head": 2,
                                              "n_embd": 16, "keypoints": 2, "aux_goals": 1, "aux_source": "keypoints"})
        model = VLA(cfg)
        rel = torch.randn(3, 6)
        tcp = torch.randn(3, 3).repeat(1, 2)
        b = {"aux": rel, "aux_valid": torch.ones(3, 6), "aux_tcp": tcp}
        self.assertLess(train.goal_loss(model, b, rel + tcp).item(), 1e-12)  # world point - gripper = target
        self.assertGreater(train.goal_loss(model, b, rel).item(), 0.0)
        prefix = VLA(apply_overrides(cfg, {"aux_source": "prefix"}))
        self.assertEqual(train.goal_loss(prefix, b, rel).item(), 0.0)  # the prefix head is already relative


if __name__ == "__main__":
    unittest.main()
