"""training/data.py ChunkSampler over two data files: --data_weights set each file's share of a
batch; --data_open_only keeps a file's frames only where the labelled gripper is open; --data_drop_tasks
leaves out one file's demos of a task."""
import os
import shutil
import tempfile
import unittest

import numpy as np

from training.data import ChunkSampler, FrameStore, drop_task_demos
from training.tests.test_train import write_tiny_hdf5
from training.tokenizer import build_tokenizer

STATS = {"image_mean": [0.5] * 3, "image_std": [0.25] * 3, "proprio_mean": [0.0] * 8,
         "proprio_std": [1.0] * 8, "action_low": [-0.03] * 6 + [-1.0], "action_high": [0.03] * 6 + [1.0]}


class TwoFileSamplerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        paths = [os.path.join(cls.dir, "tiny.hdf5"), os.path.join(cls.dir, "other.hdf5")]
        write_tiny_hdf5(paths[0])
        write_tiny_hdf5(paths[1], demos_per_task=1, seed=3)
        cls.store = FrameStore(paths)
        cls.tok = build_tokenizer(cls.store.all_instructions(), max_length=10)
        cls.demos = list(range(len(cls.store.demo_len)))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def sampler(self, weights=None, open_only=()):
        return ChunkSampler(self.store, self.demos, self.tok, 4, 32, STATS, ("agentview",), weights, open_only)

    def test_data_weights_set_each_files_share_of_a_batch(self):
        store = self.store
        rng = np.random.default_rng(0)
        for w, share in (([1, 1], 0.5), ([1, 3], 0.75), ([1, 0], 0.0)):
            src = store.demo_source[store.demo_of[self.sampler(w).draw(rng, 20000)]]
            self.assertAlmostEqual(src.mean(), share, delta=0.015)
        share = store.demo_len[store.demo_source == 1].sum() / store.n_frames
        self.assertAlmostEqual(store.demo_source[store.demo_of[self.sampler().draw(rng, 20000)]].mean(), share, delta=0.015)
        for bad in ([1], [1, -1], [0, 0]):
            with self.assertRaises(ValueError):
                self.sampler(bad)

    def test_data_open_only_keeps_a_files_open_gripper_frames(self):
        store = self.store
        closed = store.actions[:, 6] > 0
        src = store.demo_source[store.demo_of]
        self.assertTrue(closed[src == 0].any() and closed[src == 1].any())  # both files hold something
        s = self.sampler([1, 1], open_only=[1])
        kept_src = store.demo_source[store.demo_of[s.frames]]
        self.assertFalse(closed[s.frames[kept_src == 1]].any())  # file 1: open frames only
        self.assertEqual(int((kept_src == 0).sum()), int((src == 0).sum()))  # file 0 untouched
        self.assertEqual(int((kept_src == 1).sum()), int(((src == 1) & ~closed).sum()))
        drawn = s.draw(np.random.default_rng(0), 4000)
        self.assertAlmostEqual(store.demo_source[store.demo_of[drawn]].mean(), 0.5, delta=0.03)  # weights still hold
        with self.assertRaises(ValueError):
            self.sampler(open_only=[2])

    def test_drops_a_task_from_the_named_files_only(self):
        store, demos = self.store, self.demos
        task = store.task_ids[0]
        self.assertGreater(len(set(store.task_ids)), 1)  # another task must survive
        kept = drop_task_demos(store, demos, [task], [0])
        gone = [d for d in demos if d not in kept]
        self.assertTrue(gone)
        self.assertTrue(all(store.task_ids[d] == task and store.demo_source[d] == 0 for d in gone))
        self.assertTrue(any(store.task_ids[d] == task and store.demo_source[d] == 1 for d in kept))  # file 1 keeps it
        self.assertEqual(len(kept) + len(gone), len(demos))
        self.assertEqual(drop_task_demos(store, demos, [], []), demos)

    def test_drop_task_demos_names_bad_arguments(self):
        store, demos = self.store, self.demos
        for tasks, files, word in (([store.task_ids[0]], [], "go together"), ([], [0], "go together"),
                                   ([store.task_ids[0]], [2], "out of range"), (["goal/no_such_task"], [0], "no demo")):
            with self.assertRaisesRegex(ValueError, word):
                drop_task_demos(store, demos, tasks, files)


if __name__ == "__main__":
    unittest.main()
