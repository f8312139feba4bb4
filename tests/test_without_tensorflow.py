"""The text-LSTM script turns text into numbers without TensorFlow exactly as with it.

`TextVectorization` needs TensorFlow even on the JAX and PyTorch backends, so the script's
`text_vectorizer` falls back to plain Python where TensorFlow is missing (a GPU runner with JAX
alone). The page says both ways give the same numbers; this runs both on the script's own
texts and compares them. For the second run TensorFlow is made missing as Python sees it
(`find_spec` finds nothing, `import tensorflow` fails) and `TextVectorization` raises, so
the numbers can only come from the plain-Python path.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from docbuild.script import parse

GALLERY = Path(__file__).resolve().parent.parent / "gallery"
SCRIPT = GALLERY / "lstms" / "plot_text_lstm.py"
# The sections that make the texts and the vectorizer; the ones that train are left out.
SECTIONS = ["Setup", "Embedding: from word numbers to vectors", "Prepare the data",
            "Turn text into sequences", "Next-word prediction: the text",
            "Next-word prediction: sequences of three words"]
UNSEEN = ["The film was GREAT!", "errors should never pass... silently?", "zebra crossing"]


@pytest.fixture(scope="module")
def script_namespace(tmp_path_factory) -> dict:
    sections = {s.heading: s for s in parse(SCRIPT, GALLERY).sections}
    missing = [name for name in SECTIONS if name not in sections]
    assert not missing, f"{SCRIPT}: sections renamed or gone: {missing}"
    code = "\n".join(sections[name].code for name in SECTIONS)
    namespace: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("text_lstm"))
        exec(compile(code, str(SCRIPT), "exec"), namespace)
    return namespace


def _needs_tensorflow(*args, **kwargs):
    raise AssertionError(f"{SCRIPT}: text_vectorizer used TextVectorization although "
                         "TensorFlow is missing: the plain-Python path was not taken")


@pytest.mark.parametrize("corpus,length", [("reviews", 16), ("lines", 3)])
def test_plain_python_matches_text_vectorization(script_namespace, monkeypatch, corpus,
                                                 length) -> None:
    texts = list(script_namespace[corpus])
    make = script_namespace["text_vectorizer"]
    assert importlib.util.find_spec("tensorflow"), "the test suite installs TensorFlow"
    vocabulary, vectorize = make(texts, length)
    expected = [vectorize(batch) for batch in (texts, UNSEEN)]
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "tensorflow", None)  # as if it were not installed
        patch.setattr(keras.layers, "TextVectorization", _needs_tensorflow)
        assert importlib.util.find_spec("tensorflow") is None
        plain_vocabulary, plain_vectorize = make(texts, length)
        got = [plain_vectorize(batch) for batch in (texts, UNSEEN)]
    assert plain_vocabulary == vocabulary, f"{SCRIPT}: the two vocabularies differ"
    for batch, want, have in zip(("the texts", "unseen texts"), expected, got, strict=True):
        np.testing.assert_array_equal(have, want, err_msg=f"{SCRIPT}: {batch} vectorized "
                                      "otherwise without TensorFlow")
        assert have.dtype == want.dtype, (
            f"{SCRIPT}: {have.dtype} without TensorFlow, {want.dtype} with")
