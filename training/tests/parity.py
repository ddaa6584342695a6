"""ONNX parity of an export in onnxruntime-web (Node, WASM), for the Python tests: Debian has no
Python onnxruntime, so the graphs run where the browser runs them (training/tests/onnx_parity.mjs)."""
import json
import os
import subprocess

from training.make_fixtures import ROOT


def onnx_parity(test, model_dir: str, fixtures_dir: str) -> dict:
    """Runs onnx_parity.mjs on model_dir with fixtures_dir/parity.json; fails `test` unless it passed
    (every difference within the fixture's tolerance); returns its report."""
    r = subprocess.run(["node", os.path.join(ROOT, "training", "tests", "onnx_parity.mjs"), model_dir,
                        os.path.join(fixtures_dir, "parity.json")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    test.assertEqual(r.returncode, 0, r.stdout + r.stderr)
    return json.loads(r.stdout)
