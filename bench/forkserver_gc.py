"""What gc.freeze() in the copy-run fork server saves (tests/forkserver.py).

    python bench/forkserver_gc.py [--rounds N] [SLUG/plot_x.py ...]

Runs the same scripts as copy-runs (alone in empty folders, quick budget, 2 at a time, as
the test suite does), alternately with the server's freeze (the default) and without it,
and writes bench/forkserver_gc.md. The copy-runs are not kept offline here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from copyrun import TIMEOUT, copy_run_jobs, plain_env  # noqa: E402
from freeze_ab import arguments, compare  # noqa: E402

TABLE = ROOT / "bench" / "forkserver_gc.md"
SCRIPTS = ["model-lifecycle/plot_mnist_mlp.py", "model-lifecycle/plot_optimizers.py",
           "model-lifecycle/plot_iris_classifier.py", "callbacks/plot_early_stopping.py",
           "callbacks/plot_learning_curve.py", "activations/plot_compare_activations.py",
           "regularization/plot_initializers.py", "regularization/plot_overfitting.py"]


def run(names: list[str], freeze: bool) -> float:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = plain_env()
        jobs = copy_run_jobs(root, [(n, ROOT / "gallery" / n, env, TIMEOUT) for n in names])
        spec = root / "jobs.json"
        spec.write_text(json.dumps({"workers": 2, "guard": False, "freeze": freeze,
                                    "jobs": jobs}))
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(ROOT / "tests" / "forkserver.py"),
                                 str(spec)], env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        codes = [json.loads(line)["returncode"] for line in result.stdout.splitlines()]
        if result.returncode or any(codes) or len(codes) != len(names):
            sys.exit(f"the copy-runs failed: {codes}\n{result.stderr[-3000:]}")
        return elapsed


def main() -> None:
    args = arguments(__doc__, SCRIPTS)
    compare(lambda freeze: run(args.scripts, freeze), args.rounds, TABLE,
            f"{len(args.scripts)} copy-runs from the fork server, 2 at a time, quick budget",
            "Fork server", "preload, `gc.freeze()`, fork (the suite)", "preload, fork")


if __name__ == "__main__":
    main()
