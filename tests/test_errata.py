"""The errata page's Keras 2 idioms still fail (or warn) the way the page shows.

The idioms are split over two scripts by topic (training code; imports and files), each
with the same Setup. Each case runs its script's Setup section and then one idiom's
section, exactly as the page shows them, in a fresh namespace, and reads what the `keras2`
helper printed. If a Keras release starts accepting an old line again (or changes its
message), the case for that idiom fails and the page needs a new look.
"""

from __future__ import annotations

import contextlib
import io
from functools import cache
from pathlib import Path

import keras
import pytest

from docbuild.script import parse

GALLERY = Path(__file__).resolve().parent.parent / "gallery"
SCRIPTS = [GALLERY / "errata" / "plot_keras3_errata.py",
           GALLERY / "errata" / "plot_keras3_modules.py"]
NOT_IDIOMS = {"introduction", "setup"}
NO_ERROR = "No error"
LOGGED = "WARNING (logged by Keras)"

# (section anchor, what `keras2` prints for the old code, a fragment of its message, or a
# tuple of fragments for a section that runs several old lines, each to be found).
# The outcome is an exception or warning class name, LOGGED for an absl log line, or
# NO_ERROR for old code that still runs; for NO_ERROR the fragment is something the old
# code itself printed (the value that changed meaning).
IDIOMS = [
    ("lr-in-optimizers", "ValueError", "Argument(s) not recognized: {'lr': 0.01}"),
    ("decay-in-optimizers", "UserWarning", "`decay` is no longer supported"),
    ("misspelled-epochs-in-fit", "TypeError", "unexpected keyword argument 'apochs'"),
    ("metric-in-compile", "TypeError", "unexpected keyword argument 'metric'"),
    ("metrics-in-fit", "TypeError", "unexpected keyword argument 'metrics'"),
    ("keras-2-compile-arguments", "TypeError", "unexpected keyword argument 'sample_weight_mode'"),
    ("misspelled-loss-name", "ValueError", "Could not interpret loss identifier"),
    ("input-dim-and-input-shape", "UserWarning", "Do not pass an `input_shape`/`input_dim`"),
    ("layer-input-shape-and-output-shape", "AttributeError", "no attribute 'output_shape'"),
    ("fit-generator", "AttributeError", "no attribute 'fit_generator'"),
    ("predict-classes", "AttributeError", "no attribute 'predict_classes'"),
    ("history-keys", "KeyError", "'acc'"),
    ("metrics-names", NO_ERROR, "compile_metrics"),
    ("keras-layers-submodules", "ModuleNotFoundError",
     tuple(f"No module named 'keras.layers.{name}'"
           for name in ("recurrent", "embeddings", "convolutional", "pooling"))),
    ("lstm-recurrent-activation", NO_ERROR, "sigmoid"),
    ("embedding-input-length", "UserWarning", "`input_length` is deprecated"),
    ("tokenizer", "ModuleNotFoundError", "No module named 'keras.preprocessing.text'"),
    ("keras-backend-function", "AttributeError", "has no attribute 'function'"),
    ("keras-backend-math-functions", "AttributeError", "has no attribute 'sqrt'"),
    ("keras-utils-np-utils", "ModuleNotFoundError", "No module named 'keras.utils.np_utils'"),
    ("image-and-sequence-helpers", NO_ERROR, "load_img pad_sequences"),
    ("the-scikit-learn-wrapper", "ModuleNotFoundError",
     "No module named 'keras.wrappers.scikit_learn'"),
    ("kerasclassifier-arguments", "TypeError", "unexpected keyword argument 'build_fn'"),
    ("binary-models-in-sklearnclassifier", "ValueError", "must have the same shape"),
    ("architecture-as-yaml", "AttributeError", "no attribute 'to_yaml'"),
    ("weights-file-names", "ValueError", "must end in `.weights.h5`"),
    ("full-model-hdf5-files", LOGGED, "considered legacy"),
    ("modelcheckpoint-file-names", "ValueError", "must end in `.keras`"),
]
CASES = [pytest.param(*row, id=f"errata/{row[0]}") for row in IDIOMS]


@cache
def script_sections(script: Path) -> dict:
    return {s.anchor: s for s in parse(script, GALLERY).sections}


@cache
def sections() -> dict:
    """Every idiom section, with the script it is in (anchors are unique across both)."""
    found = {}
    for script in SCRIPTS:
        for anchor, section in script_sections(script).items():
            if anchor not in NOT_IDIOMS:
                assert anchor not in found, f"section #{anchor} is in both errata scripts"
                found[anchor] = (script, section)
    return found


def run_idiom(anchor: str) -> str:
    """Execute the idiom's script's Setup, then the idiom, in one fresh namespace."""
    keras.utils.clear_session()
    script, section = sections()[anchor]
    namespace = {"__name__": "__main__"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for part, name in ((script_sections(script)["setup"], "setup"), (section, anchor)):
            exec(compile(part.code, f"{script}#{name}", "exec"), namespace)
    return printed.getvalue()


def test_every_idiom_section_has_a_case() -> None:
    untested = sorted(set(sections()) - {row[0] for row in IDIOMS})
    missing = sorted({row[0] for row in IDIOMS} - set(sections()))
    assert not untested, f"errata scripts: sections with no row in IDIOMS: {untested}"
    assert not missing, f"errata scripts: IDIOMS rows with no section: {missing}"


@pytest.mark.parametrize("anchor, outcome, fragment", CASES)
def test_keras2_idiom(anchor: str, outcome: str, fragment: str | tuple[str, ...], tmp_path,
                      monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the sections write model files
    printed = run_idiom(anchor)
    lines = [line for line in printed.splitlines() if line.startswith(outcome)]
    fragments = fragment if isinstance(fragment, tuple) else (fragment,)
    if outcome == NO_ERROR:
        ok = bool(lines) and all(part in printed for part in fragments)
    else:
        ok = all(any(part in line for line in lines) for part in fragments)
    assert ok, (f"section #{anchor} of {sections()[anchor][0].name}: expected the Keras 2 "
                f"code to give {outcome} mentioning {fragment!r}; it printed:\n{printed}")
