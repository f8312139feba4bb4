"""Two runs of a script print the same results: one in a kernel of its own, one in a
build worker's kernel right after another script (which registers custom objects and
changes warning filters), so whatever the first script left behind must not show.

Model summaries, parameter tables and errors must match exactly. Numbers printed from
training (losses, accuracies) may differ by at most TOLERANCE: seeds are fixed, but the
order of floating-point reductions may vary between runs on some backends. Timings
("3ms/step"), memory addresses in object reprs and the padding of progress bars are expected
to vary and are ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docbuild.execute import WorkerKernel, run_notebook
from docbuild.record import build_entry
from docbuild.script import parse

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "gallery" / "model-lifecycle" / "plot_iris_classifier.py"
BEFORE = ROOT / "gallery" / "saving" / "plot_save_and_load.py"  # runs first in the shared kernel
TOLERANCE = 1e-3
TIMING = re.compile(r"\b\d+(?:\.\d+)?\s*[mµu]?s(?:/step)?\b")
ADDRESS = re.compile(r"0x[0-9a-f]+")  # object reprs carry memory addresses
SPACES = re.compile(r"[ \t]+")  # progress bars pad to the width of their last redraw
NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[dict, dict]:
    script = parse(SCRIPT, ROOT / "gallery")
    notebook, wall = run_notebook(script, "quick", timeout=600)
    alone = build_entry(script, notebook, wall, "quick", tmp_path_factory.mktemp("a") / "entry")
    kernel = WorkerKernel("quick")
    try:
        run_notebook(parse(BEFORE, ROOT / "gallery"), "quick", timeout=600, kernel=kernel)
        notebook, wall = run_notebook(script, "quick", timeout=600, kernel=kernel)
    finally:
        kernel.close()
    shared = build_entry(script, notebook, wall, "quick", tmp_path_factory.mktemp("b") / "entry")
    return alone, shared


def _outputs(record: dict, kind: str) -> dict[str, list]:
    return {anchor: [o for o in section["outputs"] if o["type"] == kind]
            for anchor, section in record["sections"].items()}


@pytest.mark.parametrize("kind", ["params", "error"])
def test_exact_outputs_are_identical(two_runs, kind: str) -> None:
    first, second = two_runs
    assert _outputs(first, kind) == _outputs(second, kind), f"{kind} outputs differ between runs"


def test_text_outputs_match_within_tolerance(two_runs) -> None:
    first, second = (_outputs(r, "text") for r in two_runs)
    for anchor in first:
        a = ADDRESS.sub("<a>", TIMING.sub("<t>", "".join(o["text"] for o in first[anchor])))
        b = ADDRESS.sub("<a>", TIMING.sub("<t>", "".join(o["text"] for o in second[anchor])))
        a, b = SPACES.sub(" ", a).replace(" \n", "\n"), SPACES.sub(" ", b).replace(" \n", "\n")
        assert NUMBER.sub("<n>", a) == NUMBER.sub("<n>", b), f"section #{anchor} printed other text"
        for x, y in zip(NUMBER.findall(a), NUMBER.findall(b), strict=True):
            assert abs(float(x) - float(y)) <= TOLERANCE, f"section #{anchor}: {x} vs {y}"
