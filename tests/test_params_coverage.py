"""Every layer class ``keras.layers`` exports is explained, and the reference page says how.

The enumeration runs on the installed Keras, so an upgrade that exports a new
class fails here, naming it, until a family module gives it a formula or a reason.
"""

import dataclasses
import re

import keras
import pytest

from docbuild.params import (
    REGISTRY,
    ParamArithmeticError,
    check_coverage,
    exported_layer_classes,
    param_rows,
    reference_markdown,
)

L = keras.layers


def test_every_exported_class_has_a_formula_or_a_reason():
    check_coverage()
    exported = exported_layer_classes()
    assert len(exported) >= 140, f"keras.layers exports only {len(exported)} layer classes?"
    for cls in exported:
        entry = REGISTRY[cls]
        assert entry.source in {"formula", "no weights", "weights"}, (cls, entry)
        assert entry.words and entry.family, f"{cls.__name__} has no words for the reference"
    cells = {L.SimpleRNNCell, L.LSTMCell, L.GRUCell, L.StackedRNNCells}
    assert {REGISTRY[c].source for c in cells} == {"formula"}


class FancyNewLayer(L.Layer):
    """What a future Keras might export."""


def test_a_new_keras_class_fails_naming_it(monkeypatch):
    monkeypatch.setattr(keras.layers, "FancyNewLayer", FancyNewLayer, raising=False)
    assert FancyNewLayer in exported_layer_classes()
    with pytest.raises(ParamArithmeticError, match=r"no no-weights reason: FancyNewLayer;"):
        check_coverage()
    with pytest.raises(ParamArithmeticError, match="FancyNewLayer"):
        reference_markdown()


@pytest.fixture(scope="module")
def page():
    return reference_markdown()


def test_reference_page_shape(page):
    lines = page.splitlines()
    assert lines[0] == "# Layer parameter reference" and lines[1] == ""
    assert lines[2].startswith("Every layer class that `keras.layers` exports in Keras ")
    assert lines[3] == "" and lines[4].startswith("## "), "one-paragraph lead, then H2s"
    families = [line[3:] for line in lines if line.startswith("## ")]
    assert len(families) == len(set(families)) >= 10, families
    assert {"Dense and embedding", "Convolution", "Recurrent", "Attention", "Normalization",
            "Pooling", "Image augmentation", "Read from the weights"} <= set(families)


def test_reference_page_lists_every_exported_name_once(page):
    exported = exported_layer_classes()
    entries = [line for line in page.splitlines() if line.startswith("- `")]
    assert len(entries) == len(exported), (len(entries), len(exported))
    named = re.findall(r"`(\w+)`", "\n".join(entries))
    for names in exported.values():
        for name in names:
            assert named.count(name) == 1, f"{name} should appear once on the page"
    assert "- `RandomFlip`: no weights: a random transform" in page
    assert "- `Lambda`: read from its weights: " in page
    assert "- `Dense`: inputs × units + units" in page


def test_reference_page_is_generated_from_the_registry(monkeypatch):
    entry = REGISTRY[L.Dense]
    monkeypatch.setitem(REGISTRY, L.Dense, dataclasses.replace(entry, words="changed words"))
    assert "- `Dense`: changed words." in reference_markdown()


def test_counts_in_the_lead_match_the_registry(page):
    sources = [REGISTRY[cls].source for cls in exported_layer_classes()]
    lead = page.splitlines()[2]
    for source, label in (("formula", "classes have a formula"), ("no weights", "own no"),
                          ("weights", "(the base classes")):
        assert f"{sources.count(source)} {label}" in lead, (source, lead)


def test_every_formula_is_checked_against_keras(monkeypatch):
    """Each class with a formula is explained in some test model, so Keras checks it."""
    import test_params
    import test_params_layers

    called = set()
    for cls, entry in list(REGISTRY.items()):
        def recording(layer, config, shape, _explain=entry.explain):
            called.add(type(layer))
            return _explain(layer, config, shape)

        monkeypatch.setitem(REGISTRY, cls, dataclasses.replace(entry, explain=recording))
    for module in (test_params, test_params_layers):
        for case in module.MODELS:
            param_rows(module.built(case.values[0]))
    with_formula = {cls for cls in exported_layer_classes() if REGISTRY[cls].source == "formula"}
    unchecked = sorted(cls.__name__ for cls in with_formula - called)
    assert not unchecked, f"formulas no test model exercises: {unchecked}"
