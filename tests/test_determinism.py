"""Two runs of a script print the same results: one from a fork server of its own, one
from a build worker's server right after another script, so whatever the first script
left behind must not show (each script runs in a child forked afresh, docbuild/forkshell.py:
this holds as long as that does). Two first scripts: the saving script (it registers custom objects
and changes warning filters), and the setup the tuning scripts share (Keras's progress
bars turned off, TensorFlow's Python logger quietened).

Model summaries, parameter tables, the kinds and order of the outputs and the figures
(size, alt text, format) must match exactly. Numbers printed from training (losses,
accuracies) may differ by at most TOLERANCE: seeds are fixed, but the order of
floating-point reductions may vary between runs on some backends. Timings ("3ms/step"),
memory addresses in object reprs and the padding of progress bars are expected to vary
and are ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docbuild.execute import Worker, run_notebook
from docbuild.record import build_entry
from docbuild.schema import Record
from docbuild.script import parse

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "gallery" / "model-lifecycle" / "plot_iris_classifier.py"
BEFORE = ROOT / "gallery" / "saving" / "plot_save_and_load.py"  # runs first from the shared server
# What gallery/tuning/plot_random_search.py and plot_sklearn_wrapper.py do in their setup.
TUNING_SETUP = '''"""
Leave global state behind
=========================

Do what the tuning scripts' setup does, and nothing else.
"""

import logging

import keras

keras.config.disable_interactive_logging()
logging.getLogger("tensorflow").setLevel(logging.ERROR)
'''
TOLERANCE = 1e-3
TIMING = re.compile(r"\b\d+(?:\.\d+)?\s*[mµu]?s(?:/step)?\b")
ADDRESS = re.compile(r"0x[0-9a-f]+")  # object reprs carry memory addresses
SPACES = re.compile(r"[ \t]+")  # progress bars pad to the width of their last redraw
NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")


def _run(script_path: Path, gallery: Path, out: Path, worker: Worker | None) -> Record:
    script = parse(script_path, gallery)
    notebook, wall = run_notebook(script, "quick", timeout=600, worker=worker)
    return build_entry(script, notebook, wall, "quick", out)


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> Record:
    return _run(SCRIPT, ROOT / "gallery", tmp_path_factory.mktemp("alone") / "entry", None)


@pytest.fixture(scope="module", params=[
    pytest.param("saving", id="after-saving"),
    pytest.param("tuning-setup", id="after-tuning-setup"),
])
def shared(request, tmp_path_factory) -> Record:
    if request.param == "saving":
        before, gallery = BEFORE, ROOT / "gallery"
    else:
        gallery = tmp_path_factory.mktemp("gallery")
        before = gallery / "leaky" / "plot_tuning_setup.py"
        before.parent.mkdir()
        before.write_text(TUNING_SETUP)
    worker = Worker("quick")
    try:
        _run(before, gallery, tmp_path_factory.mktemp("before") / "entry", worker)
        return _run(SCRIPT, ROOT / "gallery", tmp_path_factory.mktemp("shared") / "entry",
                    worker)
    finally:
        worker.close()


def _outputs(record: Record, kind: str) -> dict[str, list]:
    return {section.anchor: [o for o in section.outputs if o.type == kind]
            for section in record.sections}


def test_parameter_tables_are_identical(alone: Record, shared: Record) -> None:
    assert _outputs(alone, "params") == _outputs(shared, "params"), (
        f"{SCRIPT.name}: parameter tables differ between runs")


def test_the_same_kinds_of_output_in_the_same_order(alone: Record, shared: Record) -> None:
    """An output that only one run has (a warning, a progress bar) is a leak of state."""
    for first, second in zip(alone.sections, shared.sections, strict=True):
        kinds = [[o.type for o in s.outputs] for s in (first, second)]
        assert kinds[0] == kinds[1], (
            f"{SCRIPT.name}#{first.anchor}: outputs {kinds[0]} alone, {kinds[1]} in a shared "
            "server")


def test_figures_are_identical(alone: Record, shared: Record) -> None:
    assert alone.figures, f"{SCRIPT.name} drew no figure: this test checks nothing"
    describe = [[(f.alt, f.width, f.height, Path(f.file).suffix) for f in r.figures]
                for r in (alone, shared)]
    assert describe[0] == describe[1], f"{SCRIPT.name}: figures differ between runs"
    assert _outputs(alone, "figure") == _outputs(shared, "figure"), (
        f"{SCRIPT.name}: figures shown in other sections between runs")


def test_text_outputs_match_within_tolerance(alone: Record, shared: Record) -> None:
    first, second = _outputs(alone, "text"), _outputs(shared, "text")
    for anchor in first:
        a = ADDRESS.sub("<a>", TIMING.sub("<t>", "".join(o.text for o in first[anchor])))
        b = ADDRESS.sub("<a>", TIMING.sub("<t>", "".join(o.text for o in second[anchor])))
        a, b = SPACES.sub(" ", a).replace(" \n", "\n"), SPACES.sub(" ", b).replace(" \n", "\n")
        assert NUMBER.sub("<n>", a) == NUMBER.sub("<n>", b), f"section #{anchor} printed other text"
        for x, y in zip(NUMBER.findall(a), NUMBER.findall(b), strict=True):
            assert abs(float(x) - float(y)) <= TOLERANCE, f"section #{anchor}: {x} vs {y}"
