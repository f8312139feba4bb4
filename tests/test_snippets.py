"""Every snippet runs, and every model it defines has the parameter counts declared here.

Every snippet, those that cannot run here included, uses only Keras names that exist and
keyword arguments that the Keras callables it calls accept.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import runpy
from functools import cache
from pathlib import Path

import keras
import pytest

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"
# online_*.py show code that downloads (MNIST, IMDB, ImageNet weights): shown, never run.
ONLINE = sorted(SNIPPETS.glob("*/online_*.py"))
ALL = sorted(set(SNIPPETS.glob("*/*.py")) - set(ONLINE))
# Fewer files than this means snippets moved and the tests below would quietly not run:
# 4 online and 13 runnable snippets when this was written.
MIN_ONLINE, MIN_RUNNABLE = 4, 12
assert len(ONLINE) >= MIN_ONLINE, f"{SNIPPETS}/*/online_*.py: {len(ONLINE)} files found"
assert len(ALL) >= MIN_RUNNABLE, f"{SNIPPETS}/*/*.py: {len(ALL)} runnable snippets found"

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
    # --- regularization ---
    pytest.param("regularization/regularized_mlp.py", "model", 669706, 669706, 0,
                 id="regularization/regularized_mlp"),
    # --- functional-graphs ---
    pytest.param("functional-graphs/shared_dense.py", "model", 57, 57, 0,
                 id="functional-graphs/shared_dense"),
    # --- customizing ---
    pytest.param("customizing/loss_function.py", "model", 2, 2, 0,
                 id="customizing/loss_function"),
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


# Keyword arguments keras.layers.Layer.__init__ takes out of **kwargs before it rejects
# the rest (keras/src/layers/layer.py: "input_dim", then "input_shape").
LAYER_KWARGS = {"input_dim", "input_shape"}
MISSING = object()


def _keras_imports(tree: ast.AST) -> dict[str, str]:
    """Local name -> the dotted Keras path it stands for, from the snippet's imports."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "keras":
                    names[alias.asname or "keras"] = alias.name if alias.asname else "keras"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "keras":
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _resolve(dotted: str):
    """The object a dotted path names, as Python's import and attribute access find it."""
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for depth, part in enumerate(parts[1:], start=2):
        if hasattr(obj, part):
            obj = getattr(obj, part)
            continue
        try:
            obj = importlib.import_module(".".join(parts[:depth]))
        except ImportError:
            return MISSING
    return obj


def _chain(node: ast.AST, imports: dict[str, str]) -> str | None:
    """`layers.LSTM` -> 'keras.layers.LSTM' when its first name is a Keras import."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in imports:
        return ".".join([imports[node.id], *reversed(parts)])
    return None


def _accepted_keywords(obj) -> set[str] | None:
    """The keyword arguments a Keras callable accepts; None when it takes any keyword.

    A class accepts what the ``__init__`` of each class in its MRO names, up to the first
    one without ``**kwargs`` or keras.layers.Layer's, which rejects what it does not know.
    """
    if inspect.isclass(obj):
        functions = [klass.__init__ for klass in obj.__mro__ if "__init__" in vars(klass)]
    else:
        functions = [obj]
    names: set[str] = set()
    for function in functions:
        try:
            parameters = inspect.signature(function).parameters.values()
        except (TypeError, ValueError):
            return None  # a builtin without a signature: nothing to check against
        names |= {p.name for p in parameters
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        if function is keras.layers.Layer.__init__:
            return names | LAYER_KWARGS
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            return names
    return None


def keras_api_problems(source: str, filename: str) -> list[str]:
    """Every Keras name the code uses that does not exist, and every keyword argument that
    a Keras callable it calls does not accept: 'file:line: what'."""
    tree = ast.parse(source, filename=filename)
    imports = _keras_imports(tree)
    problems = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "keras":
            for alias in node.names:
                if _resolve(f"{node.module}.{alias.name}") is MISSING:
                    problems.add((node.lineno, f"`from {node.module} import {alias.name}`: "
                                               f"{node.module} has no {alias.name!r}"))
        elif isinstance(node, (ast.Attribute, ast.Name)):
            dotted = _chain(node, imports)
            if dotted and _resolve(dotted) is MISSING:
                problems.add((node.lineno, f"{dotted} does not exist"))
        if isinstance(node, ast.Call) and (dotted := _chain(node.func, imports)):
            obj = _resolve(dotted)
            accepted = None if obj is MISSING else _accepted_keywords(obj)
            for keyword in node.keywords:
                if accepted is not None and keyword.arg and keyword.arg not in accepted:
                    problems.add((keyword.value.lineno,
                                  f"{dotted}() has no keyword argument {keyword.arg!r}"))
    return [f"{filename}:{line}: {what}" for line, what in sorted(problems)]


@pytest.mark.parametrize("path", sorted(ALL + ONLINE),
                         ids=[f"{p.parent.name}/{p.stem}" for p in sorted(ALL + ONLINE)])
def test_snippet_uses_real_keras_names_and_keywords(path: Path) -> None:
    """Code that needs the network cannot run here, but every Keras name it uses must exist
    and every keyword it passes to Keras must be one the callable accepts."""
    name = f"snippets/{path.parent.name}/{path.name}"
    problems = keras_api_problems(path.read_text(), name)
    assert not problems, f"{name} uses Keras names or arguments Keras lacks:\n" + "\n".join(
        problems)


@pytest.mark.parametrize("code, expected", [
    pytest.param("from keras.applications.resnet50 import ResNet5O\n",
                 "x.py:1: `from keras.applications.resnet50 import ResNet5O`: "
                 "keras.applications.resnet50 has no 'ResNet5O'", id="from-import"),
    pytest.param("from keras import layers as L\n\nL.LTSM(4)\n",
                 "x.py:3: keras.layers.LTSM does not exist", id="alias-attribute"),
    pytest.param("import keras\nkeras.layers.LSTM(4,\n    dropuot=0.2)\n",
                 "x.py:3: keras.layers.LSTM() has no keyword argument 'dropuot'",
                 id="layer-keyword"),
    pytest.param("from keras.utils import load_img\nload_img('a.jpg', size=(2, 2))\n",
                 "x.py:2: keras.utils.load_img() has no keyword argument 'size'",
                 id="function-keyword"),
    pytest.param("from keras.applications.resnet50 import ResNet50\nResNet50(weight=None)\n",
                 "x.py:2: keras.applications.resnet50.ResNet50() has no keyword argument "
                 "'weight'", id="application-keyword"),
    pytest.param("import keras as K\nK.Sequential(layer=[])\n",
                 "x.py:2: keras.Sequential() has no keyword argument 'layer'",
                 id="model-keyword"),
])
def test_the_api_check_catches(code: str, expected: str) -> None:
    assert keras_api_problems(code, "x.py") == [expected]


def test_the_api_check_passes_what_keras_accepts() -> None:
    code = ("import keras\nfrom keras import layers\nfrom keras.utils import pad_sequences\n"
            "layers.Dense(4, input_shape=(3,), name='d', dtype='float32')\n"
            "layers.LSTM(4, return_sequences=True, dropout=0.1)\n"
            "keras.Input(shape=(3,), dtype='int32')\n"
            "pad_sequences([[1]], maxlen=3)\nkeras.optimizers.Adam(learning_rate=1e-3)\n")
    assert keras_api_problems(code, "x.py") == []
