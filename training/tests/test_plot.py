"""training/plot.py: the loss-curve SVG draws every logged series, deterministically, and chains
warm-started runs into one curve with a dashed line where each stage began."""
import json
import os
import tempfile
import unittest

from training.plot import chain, read_log, render


class PlotTest(unittest.TestCase):
    def test_plot_draws_each_logged_series(self):
        recs = [{"step": 10, "loss": 5.0}, {"step": 20, "loss": 4.0, "eval_loss": 4.5, "eval_masked_acc": 0.1,
                                           "eval_decode_acc": 0.2}, {"step": 30, "loss": 3.0}]
        svg = render(recs)
        self.assertEqual(svg.count("<polyline"), 4)
        self.assertIn("loss 3.000", svg)
        self.assertEqual(svg, render(recs))

    def test_plot_chains_warm_started_runs(self):
        a = [{"step": 10, "loss": 5.0, "elapsed": 7.0}, {"step": 20, "loss": 4.0, "elapsed": 14.0}]
        b = [{"step": 5, "loss": 3.5, "elapsed": 4.0}, {"step": 10, "loss": 3.0, "eval_loss": 3.2, "eval_masked_acc": 0.8, "elapsed": 8.0}]
        recs, marks = chain([a, b])
        self.assertEqual([r["step"] for r in recs], [10, 20, 25, 30])
        self.assertEqual(recs[-1]["elapsed"], 22.0)
        self.assertEqual(marks, [20])
        svg = render(recs, marks)
        self.assertEqual(svg.count("warm start 20"), 2)  # one dashed line per panel

    def test_a_run_training_one_part_alone_keeps_its_steps_not_its_loss(self):
        policy = [{"step": 10, "loss": 2.5, "masked_tokens_per_s": 900.0}, {"step": 20, "loss": 2.4, "masked_tokens_per_s": 900.0}]
        head = [{"step": 100, "loss": 0.01, "masked_tokens_per_s": 0.0}]  # train.py --aux_only --head_only
        after = [{"step": 10, "loss": 2.2, "masked_tokens_per_s": 900.0}]
        recs, marks = chain([policy, head, after])
        self.assertEqual(marks, [20, 120])
        svg = render(recs, marks)
        self.assertIn("loss 2.200", svg)
        left = svg.split("held-out token accuracy")[0]
        self.assertEqual(left.count("<polyline"), 1)
        # the cross-entropy line has three points (steps 10, 20, 130), not the head's 0.01 at step 120
        points = left.split('points="')[1].split('"')[0].split()
        self.assertEqual(len(points), 3)

    def test_a_resumed_runs_relogged_steps_count_once(self):
        recs = [{"step": 25, "loss": 3.0}, {"step": 50, "loss": 2.9}, {"step": 75, "loss": 2.8},
                {"step": 75, "loss": 2.7}, {"step": 100, "loss": 2.5}]  # resumed at its step-50 checkpoint
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "log.jsonl")
            with open(path, "w") as f:
                f.write("".join(json.dumps(r) + "\n" for r in recs))
            got = read_log(path)
        self.assertEqual([(r["step"], r["loss"]) for r in got], [(25, 3.0), (50, 2.9), (75, 2.7), (100, 2.5)])


if __name__ == "__main__":
    unittest.main()
