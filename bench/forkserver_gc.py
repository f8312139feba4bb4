"""What gc.freeze() in the copy-run fork server saves (tests/forkserver.py).

    python bench/forkserver_gc.py [--rounds N] [SLUG/plot_x.py ...]

Runs the same scripts as copy-runs (alone in empty folders, quick budget, 2 at a time, as
the test suite does), alternately with the server's freeze (the default) and without it,
and writes bench/forkserver_gc.md. The copy-runs are not kept offline here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from copyrun import TIMEOUT, copy_run_jobs, plain_env  # noqa: E402

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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("scripts", nargs="*", default=SCRIPTS)
    args = parser.parse_args()
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for freeze in (False, True):
            times[freeze].append(run(args.scripts, freeze))
            print(f"freeze={freeze}: {times[freeze][-1]:.1f} s", flush=True)
    frozen, unfrozen = (statistics.median(times[f]) for f in (True, False))
    TABLE.write_text(
        f"Measured with `python bench/forkserver_gc.py`: {len(args.scripts)} copy-runs from "
        f"the fork server, 2 at a time, quick budget, {platform.machine()}, "
        f"{os.cpu_count()} cores; medians of {args.rounds} alternating runs.\n\n"
        "| Fork server | Median (s) | Runs (s) |\n| --- | ---: | --- |\n"
        f"| preload, `gc.freeze()`, fork (the suite) | {frozen:.1f} | "
        f"{', '.join(f'{t:.1f}' for t in times[True])} |\n"
        f"| preload, fork | {unfrozen:.1f} | {', '.join(f'{t:.1f}' for t in times[False])} |\n\n"
        f"Freezing saves **{1 - frozen / unfrozen:.0%}**.\n")
    print(TABLE.read_text())


if __name__ == "__main__":
    main()
