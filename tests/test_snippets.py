"""Every snippet runs, and every model it defines has the parameter counts declared here."""

from __future__ import annotations

import ast
import importlib
import runpy
from functools import cache
from pathlib import Path

import keras
import pytest

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"
# online_*.py show code that downloads (MNIST, IMDB, ImageNet weights): shown, never run.
ONLINE = sorted(SNIPPETS.glob("*/online_*.py"))
ALL = sorted(set(SNIPPETS.glob("*/*.py")) - set(ONLINE))

# (snippet, model variable, total, trainable, non-trainable): one row per model shown.
EXPECTED = [
    # --- model-lifecycle ---
    pytest.param("model-lifecycle/sequential_add.py", "model", 21, 21, 0,
                 id="model-lifecycle/sequential_add"),
    pytest.param("model-lifecycle/problem_types.py", "regressor", 193, 193, 0,
                 id="model-lifecycle/problem_types-regressor"),
    pytest.param("model-lifecycle/problem_types.py", "binary", 193, 193, 0,
                 id="model-lifecycle/problem_types-binary"),
    pytest.param("model-lifecycle/problem_types.py", "multiclass", 227, 227, 0,
                 id="model-lifecycle/problem_types-multiclass"),
    # --- tensors ---
    # --- callbacks ---
    pytest.param("callbacks/custom_callback.py", "model", 2, 2, 0,
                 id="callbacks/custom_callback"),
    # --- activations ---
    pytest.param("activations/output_binary.py", "model", 65, 65, 0,
                 id="activations/output_binary"),
    pytest.param("activations/output_multiclass.py", "model", 99, 99, 0,
                 id="activations/output_multiclass"),
    pytest.param("activations/output_multilabel.py", "model", 99, 99, 0,
                 id="activations/output_multilabel"),
    pytest.param("activations/output_regression.py", "model", 65, 65, 0,
                 id="activations/output_regression"),
    # --- batch-normalization ---
    pytest.param("batch-normalization/bn_before_activation.py", "model", 22, 16, 6,
                 id="batch-normalization/bn_before_activation"),
    # --- tuning ---
    # --- cnns ---
    # --- lstms ---
    # --- autoencoders ---
    pytest.param("autoencoders/seed_encoder.py", "autoencoder", 904, 904, 0,
                 id="autoencoders/seed_encoder-autoencoder"),
    pytest.param("autoencoders/seed_encoder.py", "encoder", 404, 404, 0,
                 id="autoencoders/seed_encoder-encoder"),
    # --- saving ---
    # --- errata ---
]
DECLARED = {(p.values[0], p.values[1]) for p in EXPECTED}


@cache
def run(snippet: str) -> dict:
    keras.utils.clear_session()
    return runpy.run_path(str(SNIPPETS / snippet), run_name="__main__")


def _models(namespace: dict) -> dict[str, keras.Model]:
    return {k: v for k, v in namespace.items()
            if isinstance(v, keras.Model) and not k.startswith("_")}


@pytest.mark.parametrize("path", ALL, ids=[f"{p.parent.name}/{p.stem}" for p in ALL])
def test_snippet_runs_and_declares_its_models(path: Path) -> None:
    snippet = path.relative_to(SNIPPETS).as_posix()
    undeclared = sorted(set(_models(run(snippet))) - {n for s, n in DECLARED if s == snippet})
    assert not undeclared, (f"snippets/{snippet} defines model(s) {undeclared} with no "
                            "declared parameter counts in tests/test_snippets.py EXPECTED")


@pytest.mark.parametrize("snippet, name, total, trainable, non_trainable", EXPECTED)
def test_parameter_counts(snippet: str, name: str, total: int, trainable: int,
                          non_trainable: int) -> None:
    model = _models(run(snippet)).get(name)
    assert model is not None, f"snippets/{snippet} no longer defines a model named {name!r}"
    got = (model.count_params(),
           sum(int(keras.ops.size(w)) for w in model.trainable_weights),
           sum(int(keras.ops.size(w)) for w in model.non_trainable_weights))
    assert got == (total, trainable, non_trainable), (
        f"snippets/{snippet}: {name} has (total, trainable, non-trainable) = {got}, "
        f"declared {(total, trainable, non_trainable)}")


def _dotted_keras_names(tree: ast.AST) -> set[str]:
    """Every `keras.a.b.c` attribute chain used in the code, longest form only."""
    names = set()
    for node in ast.walk(tree):
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id == "keras" and parts:
            names.add(".".join(["keras", *reversed(parts)]))
    return names


@pytest.mark.parametrize("path", ONLINE, ids=[f"{p.parent.name}/{p.stem}" for p in ONLINE])
def test_online_snippet_uses_real_keras_names(path: Path) -> None:
    """Code that needs the network cannot run here, but every Keras name it uses must exist."""
    tree = ast.parse(path.read_text(), filename=str(path))
    missing = []
    for name in sorted(_dotted_keras_names(tree)):
        obj = importlib.import_module("keras")
        for attr in name.split(".")[1:]:
            if not hasattr(obj, attr):
                missing.append(name)
                break
            obj = getattr(obj, attr)
    assert not missing, f"snippets/{path.parent.name}/{path.name} uses names Keras lacks: {missing}"
