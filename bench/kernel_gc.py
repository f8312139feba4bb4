"""What freezing the garbage collector between scripts saves (docbuild/capture.py).

    python bench/kernel_gc.py [--rounds N] [SLUG/plot_x.py ...]

Runs the same scripts one after another from one build worker's fork server (as a
build worker does), alternately as the build does (``gc.freeze()`` in each script's
setup) and with the freeze undone (``gc.unfreeze()`` in the setup cell), at the quick
budget. Nothing is cached or written but bench/kernel_gc.md.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from freeze_ab import arguments, compare  # noqa: E402

from docbuild import execute  # noqa: E402
from docbuild.config import settings  # noqa: E402
from docbuild.script import parse  # noqa: E402

TABLE = ROOT / "bench" / "kernel_gc.md"
SCRIPTS = [
    "model-lifecycle/plot_functional_models.py", "model-lifecycle/plot_mnist_mlp.py",
    "model-lifecycle/plot_optimizers.py", "model-lifecycle/plot_iris_classifier.py",
    "callbacks/plot_early_stopping.py", "callbacks/plot_learning_curve.py",
    "activations/plot_activation_functions.py", "activations/plot_compare_activations.py",
    "regularization/plot_initializers.py", "regularization/plot_overfitting.py"]
SETUP = execute.SETUP


def run(names: list[str], freeze: bool) -> float:
    execute.SETUP = SETUP if freeze else SETUP + "import gc\ngc.unfreeze()\n"
    conf = settings()
    kernel = execute.Worker("quick")
    start = time.perf_counter()
    try:
        for name in names:
            execute.run_notebook(parse(conf.gallery_dir / name, conf.gallery_dir), "quick",
                                 conf.timeout, kernel)
    finally:
        kernel.close()
        execute.SETUP = SETUP
    return time.perf_counter() - start


def main() -> None:
    args = arguments(__doc__, SCRIPTS)
    os.environ["KERAS_REF_BUDGET"] = "quick"
    compare(lambda freeze: run(args.scripts, freeze), args.rounds, TABLE,
            f"{len(args.scripts)} scripts one after another in one kernel, quick budget",
            "Kernel between scripts", "reset, then `gc.freeze()` (the build)", "reset only")


if __name__ == "__main__":
    main()
