"""What every formula module shares: the registry, the error, shapes, arithmetic.

A formula is a function ``(layer, config, shape) -> Part`` registered for exact
classes with :func:`formula`; a class that owns no variables is registered with
:func:`weightless` and a reason; a class whose weights cannot be known from its
config (``Lambda``, a wrapped JAX or torch module) with :func:`from_weights`.
"""

from __future__ import annotations

import ast
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

import keras

L = keras.layers


class ParamArithmeticError(ValueError):
    """A count could not be explained, or the explanation disagrees with Keras."""


@dataclass(frozen=True)
class Part:
    """What a formula function returns: the split assumes the layer is trainable.

    ``trainable`` holds the weights the optimizer would update (kernels, biases,
    gamma, beta); ``non_trainable`` the ones it never does (moving statistics).
    Freezing is applied later, by the walker, because it depends on the parents.
    ``source`` says where the numbers come from: ``"formula"``, ``"no weights"``,
    or ``"weights"`` (read from the layer's variables, for a class with no formula).
    """

    formula: str
    numbers: str
    trainable: int
    non_trainable: int = 0
    source: str = "formula"

    @property
    def count(self) -> int:
        return self.trainable + self.non_trainable


Shape = tuple  # a built input shape, batch dimension first: (None, 28, 28, 1)
Formula = Callable[[keras.layers.Layer, dict, object], Part]


@dataclass(frozen=True)
class Entry:
    """How one layer class is explained, and the words the reference page prints."""

    family: str
    words: str
    explain: Formula
    source: str  # "formula", "no weights" or "weights"


REGISTRY: dict[type, Entry] = {}


def _register(classes, entry: Entry) -> None:
    for cls in classes:
        if cls in REGISTRY:
            raise ParamArithmeticError(f"params: {cls.__name__} is registered twice")
        REGISTRY[cls] = entry


def formula(*classes: type, family: str, words: str):
    """Decorator: ``fn`` explains these exact classes; ``words`` is the formula in words."""

    def register(fn: Formula) -> Formula:
        _register(classes, Entry(family, words, fn, "formula"))
        return fn

    return register


def weightless(family: str, reason: str, *classes: type) -> None:
    """These classes own no variables; ``reason`` says why, for the reader."""

    def explain(layer, config, shape) -> Part:
        return Part(f"no weights: {reason}", "0", 0, source="no weights")

    _register(classes, Entry(family, reason, explain, "no weights"))


def from_weights(family: str, reason: str, *classes: type) -> None:
    """No formula can exist for these classes: their rows are read from the weights."""
    from .fallback import read_weights

    _register(classes, Entry(family, reason, lambda layer, config, shape: read_weights(layer),
                             "weights"))


def exported_layer_classes() -> dict[type, list[str]]:
    """Every layer class ``keras.layers`` exports, with the names it is exported as.

    Aliases (``Conv2D`` and ``Convolution2D``) are one class with two names.
    """
    classes: dict[type, list[str]] = {}
    for name in sorted(dir(keras.layers)):
        value = getattr(keras.layers, name)
        if inspect.isclass(value) and issubclass(value, keras.layers.Layer):
            classes.setdefault(value, []).append(name)
    return classes


def check_coverage() -> None:
    """Fail, naming them, when exported classes have neither a formula nor a reason."""
    missing = sorted(", ".join(names) for cls, names in exported_layer_classes().items()
                     if cls not in REGISTRY)
    if missing:
        raise ParamArithmeticError(
            f"params: keras {keras.__version__} exports layer classes with no formula and "
            f"no no-weights reason: {'; '.join(missing)}; add them to a family module in "
            "docbuild/params/"
        )


# --------------------------------------------------------------------------- shapes


def built_shape(layer):
    """The input shape Keras recorded when it built ``layer``, or ``None``.

    ``get_build_config()`` is public and, unlike ``layer.input``, also exists for
    layers that were never called on a symbolic tensor (the layer inside a
    ``Bidirectional``). It is ``{"input_shape": shape}`` for one input and
    ``{"shapes_dict": {...}}`` when ``build`` takes several shapes (attention).
    """
    config = layer.get_build_config() or {}  # {} for layers built by adapt() or a vocabulary
    if "input_shape" in config:
        return config["input_shape"]
    return config.get("shapes_dict")


def single(layer, shape) -> Shape:
    """The one input shape of a single-input layer (the first, if ``build`` took more)."""
    if isinstance(shape, dict):
        shape = next(iter(shape.values()), None)
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    if shape is None:
        raise ParamArithmeticError(
            f"params: layer {layer.name} of type {type(layer).__name__} has no built "
            "input shape; build the model (give it an Input) before explaining it"
        )
    return tuple(shape)


def dim(layer, shape, axis: int) -> int:
    """One known dimension of the input shape; ``None`` there cannot be explained."""
    value = single(layer, shape)[axis]
    if value is None:
        raise ParamArithmeticError(
            f"params: layer {layer.name} of type {type(layer).__name__} has an unknown "
            f"input dimension at axis {axis} ({single(layer, shape)})"
        )
    return int(value)


def channels(layer, config, shape) -> int:
    """Input channels of a convolution: last axis, or axis 1 for channels_first."""
    axis = 1 if config.get("data_format") == "channels_first" else -1
    return dim(layer, shape, axis)


# ------------------------------------------------------------------- text helpers


def product(symbols: list[str], values: list[int]) -> tuple[str, str, int]:
    """Join factors as ``a × b × c``: the formula, the numbers and their product."""
    return " × ".join(symbols), " × ".join(str(v) for v in values), math.prod(values)


def plus_bias(formula: str, numbers: str, weights: int, bias: int | None, name: str) -> Part:
    """``weights + bias`` when the layer has a bias (``use_bias=True``), else ``weights``."""
    if bias is None:
        return Part(formula, numbers, weights)
    return Part(f"{formula} + {name}", f"{numbers} + {bias}", weights + bias)


def total(parts: list[Part], formulas: list[str] | None = None) -> Part:
    """Parts side by side: ``(a) + (b)``, their counts and splits added."""
    formulas = formulas or [p.formula for p in parts]
    return Part(" + ".join(f"({f})" for f in formulas),
                " + ".join(f"({p.numbers})" for p in parts),
                sum(p.trainable for p in parts), sum(p.non_trainable for p in parts),
                "weights" if any(p.source == "weights" for p in parts) else "formula")


# ----------------------------------------------------------------------- checks

_ALLOWED = (ast.Expression, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Constant)


def evaluate(numbers: str) -> float:
    """Evaluate a ``numbers`` string such as ``4 × (10 × (1 + 10) + 10)``.

    Only integers, + - × / and parentheses are allowed, so this is not ``eval``
    of arbitrary text; it proves the printed arithmetic gives the printed count.
    """
    tree = ast.parse(numbers.replace("×", "*"), mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED) or (
            isinstance(node, ast.Constant) and type(node.value) is not int
        ):
            raise ParamArithmeticError(f"params: not plain arithmetic: {numbers!r}")
    return eval(compile(tree, "<numbers>", "eval"), {"__builtins__": {}})


def size(weights) -> int:
    """Total number of scalars in a list of variables (what Keras counts)."""
    return sum(math.prod(w.shape) for w in weights)


def explain(layer, shape) -> Part:
    """Explain ``layer`` by its exact class, or from its weights, and check it against Keras.

    The registry is keyed by exact class: a subclass of ``Dense`` may add weights,
    so it is read from its weights like any class the registry does not name.
    """
    from .fallback import read_weights

    entry = REGISTRY.get(type(layer))
    config = layer.get_config() if entry is not None and entry.source == "formula" else {}
    if not layer.built:  # no input shape, no weights: summary() shows "0 (unbuilt)"
        part = Part("not built yet, so no weights (summary() shows 0 (unbuilt))", "0", 0,
                    source="no weights")
    elif entry is None:
        part = read_weights(layer)
    elif config.get("lora_rank") or getattr(layer, "quantization_mode", None):
        part = read_weights(layer, "LoRA-enabled or quantized")
    else:
        part = entry.explain(layer, config, shape)
    if evaluate(part.numbers) != part.count:
        raise ParamArithmeticError(
            f"params: layer {layer.name}: {part.numbers} does not equal {part.count}"
        )
    # An unbuilt layer has no weights; summary() shows it as "0 (unbuilt)".
    keras_count = layer.count_params() if layer.built else size(layer.weights)
    if part.count != keras_count:
        what = "row" if part.source == "weights" else "formula"
        raise ParamArithmeticError(
            f"params: layer {layer.name} of type {type(layer).__name__}: {what} "
            f"{part.formula} = {part.numbers} = {part.count:,}, but Keras counts {keras_count:,}"
        )
    return part
