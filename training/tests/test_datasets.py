"""Dataset readers against files written by the TypeScript side.

Run from the repository root: python3 -m unittest training.tests.test_datasets
The HDF5 fixture is written at test time by tests/data/makeFixture.ts (TS writer, and the TS
reader's view of it as sha256 digests); Python must read byte-identical arrays. The LeRobot
export test runs scripts/exportLerobot.ts (headless Chromium encodes the videos) and is skipped
where node or chromium is missing.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

from training.dataset_hdf5 import OBS_KEYS, ChunkDataset, Hdf5Demos, load_demos

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_tsx(*args, timeout=300):
    subprocess.run(["npx", "tsx", *args], cwd=ROOT, check=True, timeout=timeout,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


_FIXTURE = {}


def fixture_dir():
    """The TS-written HDF5 fixture, made once per test run (shared by the reader and export tests)."""
    if "dir" not in _FIXTURE:
        _FIXTURE["dir"] = tempfile.mkdtemp(prefix="vla-ds-")
        run_tsx("tests/data/makeFixture.ts", _FIXTURE["dir"])
    return _FIXTURE["dir"]


def tearDownModule():
    if "dir" in _FIXTURE:
        shutil.rmtree(_FIXTURE.pop("dir"), ignore_errors=True)


@unittest.skipIf(shutil.which("npx") is None, "node/npx not installed: cannot write the TS fixture")
class TestHdf5Reader(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = os.path.join(fixture_dir(), "tiny.hdf5")
        with open(os.path.join(fixture_dir(), "tiny_expected.json")) as f:
            cls.expected = json.load(f)

    def test_same_arrays_as_the_ts_reader(self):
        with Hdf5Demos(self.path) as ds:
            self.assertEqual(ds.demo_names, [d["name"] for d in self.expected["demos"]])
            self.assertEqual(ds.attrs["total"], self.expected["attrs"]["total"])
            self.assertEqual(ds.attrs["problem_info"], self.expected["attrs"]["problemInfo"])
            for i, exp in enumerate(self.expected["demos"]):
                demo = ds.read_demo(i)
                for k, v in exp["attrs"].items():
                    self.assertEqual(demo[k], v, f"{exp['name']} attr {k}")
                for k, a in exp["arrays"].items():
                    arr = demo[k]
                    self.assertEqual(list(arr.shape), a["shape"], f"{exp['name']}/{k} shape")
                    digest = hashlib.sha256(np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes())
                    self.assertEqual(digest.hexdigest(), a["sha256"], f"{exp['name']}/{k} bytes")

    def test_documented_layout_in_h5py(self):
        with h5py.File(self.path, "r") as f:
            self.assertEqual(int(f.attrs["layout_version"]), 1)
            for k in ("total", "env_args", "problem_info"):
                self.assertIn(k, f["data"].attrs)
            demo = f["data"]["demo_0"]
            self.assertEqual(set(demo["obs"].keys()), set(OBS_KEYS))
            for k in ("actions", "rewards", "dones", "states"):
                self.assertIn(k, demo)
            for k in ("num_samples", "task_id", "seed", "instruction", "paraphrase_index", "success", "scene"):
                self.assertIn(k, demo.attrs)
            img = demo["obs"]["agentview_rgb"]
            self.assertEqual(img.dtype, np.uint8)
            self.assertEqual(img.compression, "gzip")
            self.assertEqual(img.chunks, (1,) + img.shape[1:])
            T = int(demo.attrs["num_samples"])
            self.assertEqual(demo["actions"].shape, (T, 7))
            self.assertEqual(demo["obs"]["proprio"].shape, (T, 8))
            self.assertEqual(demo["obs"]["ee_states"].shape, (T, 6))
            self.assertEqual(int(demo["dones"][-1]), 1)

    def test_stats_match_numpy(self):
        demos = load_demos(self.path)
        with Hdf5Demos(self.path) as ds:
            stats = ds.stats()
        for key in ("actions", "proprio"):
            x = np.concatenate([d[key] for d in demos])
            np.testing.assert_allclose(stats[key]["q01"], np.quantile(x, 0.01, axis=0), rtol=0, atol=1e-12)
            np.testing.assert_allclose(stats[key]["q99"], np.quantile(x, 0.99, axis=0), rtol=0, atol=1e-12)
            np.testing.assert_allclose(stats[key]["mean"], x.mean(0), rtol=0, atol=1e-12)
            np.testing.assert_allclose(stats[key]["std"], x.std(0), rtol=0, atol=1e-12)
            self.assertEqual(stats[key]["min"].tolist(), x.min(0).tolist())

    def test_chunk_dataset_pads_with_the_last_action(self):
        demos = load_demos(self.path)
        ds = ChunkDataset(demos, chunk=8)
        self.assertEqual(len(ds), sum(len(d["actions"]) for d in demos))
        T = len(demos[0]["actions"])
        s = ds[T - 2]  # second-to-last step of demo 0
        np.testing.assert_array_equal(s["actions"][0], demos[0]["actions"][T - 2].astype(np.float32))
        np.testing.assert_array_equal(s["actions"][-1], demos[0]["actions"][T - 1].astype(np.float32))
        self.assertEqual(s["action_is_pad"].tolist(), [False, False] + [True] * 6)
        self.assertEqual(s["agentview_rgb"].shape, demos[0]["agentview_rgb"].shape[1:])


def have_chromium():
    return any(os.path.exists(p) for p in (os.environ.get("CHROMIUM_PATH", ""), "/usr/lib/chromium/chromium",
                                           "/usr/bin/chromium"))


@unittest.skipIf(shutil.which("npx") is None or not have_chromium(), "node/npx or chromium missing: no export")
class TestLerobotExport(unittest.TestCase):
    # Synthetic frames are small (20x14) with hard-edged squares: harder for a codec than
    # rendered 64x64 scenes (docs/data.md gives the error measured on those).
    MAX_MEAN_ABS_ERROR = 12.0

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vla-lr-")
        cls.hdf5 = os.path.join(fixture_dir(), "tiny.hdf5")
        cls.root = os.path.join(cls.tmp, "tiny_lerobot")
        run_tsx("scripts/exportLerobot.ts", "--in", cls.hdf5, "--out", cls.root)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_layout(self):
        from training.dataset_lerobot import LerobotDemos
        for rel in ("meta/info.json", "meta/stats.json", "meta/tasks.parquet", "meta/episodes/chunk-000/file-000.parquet",
                    "data/chunk-000/file-000.parquet", "videos/observation.images.agentview/chunk-000/file-000.mp4",
                    "videos/observation.images.eye_in_hand/chunk-000/file-000.mp4"):
            self.assertTrue(os.path.isfile(os.path.join(self.root, rel)), rel)
        ds = LerobotDemos(self.root)
        with Hdf5Demos(self.hdf5) as h:
            self.assertEqual(len(ds), len(h))
            self.assertEqual(ds.info["total_frames"], h.attrs["total"])
            np.testing.assert_array_equal(ds.stats["action"]["q99"], h.stats()["actions"]["q99"])

    def test_same_demos_as_hdf5(self):
        from training.dataset_lerobot import load_demos as load_lerobot
        ref = load_demos(self.hdf5)
        got = load_lerobot(self.root)
        self.assertEqual(len(got), len(ref))
        errors = []
        for r, g in zip(ref, got):
            self.assertEqual(g["instruction"], r["instruction"])
            self.assertEqual((g["task_id"], g["seed"], g["num_samples"]), (r["task_id"], r["seed"], r["num_samples"]))
            np.testing.assert_array_equal(g["actions"], r["actions"].astype(np.float32))
            np.testing.assert_array_equal(g["proprio"], r["proprio"].astype(np.float32))
            np.testing.assert_array_equal(g["dones"], r["dones"])
            for cam in ("agentview_rgb", "eye_in_hand_rgb"):
                self.assertEqual(g[cam].shape, r[cam].shape)
                errors.append(np.abs(g[cam].astype(np.int16) - r[cam].astype(np.int16)).mean())
        self.assertLess(max(errors), self.MAX_MEAN_ABS_ERROR)
        # Decoded frames must follow the source, not be e.g. a constant colour.
        self.assertGreater(np.corrcoef(got[0]["agentview_rgb"].ravel(), ref[0]["agentview_rgb"].ravel())[0, 1], 0.9)


def collect(out, *extra, check=True):
    return subprocess.run(["npx", "tsx", "scripts/collect.ts", "--out", out, *extra], cwd=ROOT, check=check, timeout=600,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@unittest.skipIf(shutil.which("npx") is None or not have_chromium(), "node/npx or chromium missing: no collection")
class TestCollect(unittest.TestCase):
    """`npm run collect` end to end (expert + sim + renderer in headless Chromium), read with h5py."""

    ARGS = ("--suite", "spatial", "--episodes-per-task", "1", "--limit-tasks", "1", "--size", "32x24", "--seed", "5")

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vla-col-")
        cls.path = os.path.join(cls.tmp, "c.hdf5")
        cls.summary = json.loads(collect(cls.path, *cls.ARGS).stdout)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_collected_file_has_the_documented_layout(self):
        self.assertEqual(self.summary["demos"], 1)
        with h5py.File(self.path, "r") as f:
            info = json.loads(f["data"].attrs["problem_info"])
            env = json.loads(f["data"].attrs["env_args"])
            self.assertEqual(info["suite"], "spatial")
            self.assertEqual((env["env_kwargs"]["camera_widths"], env["env_kwargs"]["camera_heights"]), (32, 24))
            d = f["data"]["demo_0"]
            T = int(d.attrs["num_samples"])
            self.assertEqual(int(f["data"].attrs["total"]), T)
            self.assertEqual(d["obs"]["agentview_rgb"].shape, (T, 24, 32, 3))
            self.assertEqual(d["obs"]["eye_in_hand_rgb"].shape, (T, 24, 32, 3))
            self.assertIn(_s(d.attrs["instruction"]), info["language_instruction"])
            self.assertTrue(_s(d.attrs["task_id"]).startswith("spatial/"))
            self.assertEqual(int(d.attrs["success"]), 1)
            self.assertEqual((float(d["rewards"][-1]), int(d["dones"][-1]), int(d["dones"][:-1].sum())), (1.0, 1, 0))
            proprio, ee = d["obs"]["proprio"][()], d["obs"]["ee_states"][()]
            # ee_states and proprio describe the same TCP (proprio went through float32 in the sim).
            np.testing.assert_allclose(ee[:, :3], proprio[:, :3], atol=1e-6)
            q = proprio[:, 3:7] * np.sign(proprio[:, 6:7] + 1e-12)
            angle = 2 * np.arctan2(np.linalg.norm(q[:, :3], axis=1), q[:, 3])
            np.testing.assert_allclose(np.linalg.norm(ee[:, 3:], axis=1), angle, atol=1e-5)
            np.testing.assert_allclose(d["obs"]["gripper_states"][:, 0] * 2, proprio[:, 7], atol=1e-6)
            self.assertTrue(set(np.unique(d["actions"][:, 6])) <= {-1.0, 1.0})
            img = d["obs"]["agentview_rgb"][()]
            self.assertGreater(img.std(), 10)  # a rendered scene, not a blank frame
            self.assertGreater(np.abs(img[-1].astype(int) - img[0]).mean(), 0.5)  # the arm moved
            self.assertEqual(f["stats"]["actions"]["q99"].shape, (7,))

    def test_same_seed_same_bytes(self):
        again = os.path.join(self.tmp, "again.hdf5")
        collect(again, *self.ARGS)
        with open(self.path, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_bad_input_clear_errors_no_file(self):
        cases = [
            (("--suite", "kitchen", "--episodes-per-task", "1"), os.path.join(self.tmp, "b1.hdf5"), "unknown suite"),
            (("--suite", "spatial", "--episodes-per-task", "1", "--size", "0x0"), os.path.join(self.tmp, "b2.hdf5"),
             "must be positive"),
            (("--suite", "spatial", "--episodes-per-task", "1"), os.path.join(self.tmp, "missing", "b3.hdf5"),
             "output folder does not exist"),
            # /proc refuses new files even to root: the "exists but cannot write" case.
            (("--suite", "spatial", "--episodes-per-task", "1"), "/proc/vla-collect-test.hdf5", "cannot write to"),
        ]
        for extra, out, message in cases:
            r = collect(out, *extra, check=False)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn(message, r.stderr)
            self.assertFalse(os.path.exists(out))
        leftovers = [n for n in os.listdir(self.tmp) if "partial" in n or "probe" in n]
        self.assertEqual(leftovers, [])


class TestFrameStoreRefusesNonFinite(unittest.TestCase):
    def test_a_nan_action_is_refused_at_load_naming_the_demo_and_step(self):
        # A NaN label would become the bin -2**63 and stop training hundreds of steps later with an
        # index error (it happened: an expert label under DAgger); loading names it instead.
        from training.data import FrameStore
        from training.tests.test_train import write_tiny_hdf5
        d = tempfile.mkdtemp(prefix="vla-nan-")
        try:
            path = os.path.join(d, "nan.hdf5")
            write_tiny_hdf5(path, demos_per_task=1)
            FrameStore([path])  # finite: loads
            with h5py.File(path, "r+") as f:
                f["data/demo_1/actions"][3, 4] = np.nan
            with self.assertRaisesRegex(ValueError, r"nan.hdf5: demo demo_1 .* non-finite actions value at step 3"):
                FrameStore([path])
        finally:
            shutil.rmtree(d, ignore_errors=True)


def _s(v):
    return v.decode() if isinstance(v, bytes) else str(v)


if __name__ == "__main__":
    unittest.main()
