"""Explain a Keras model's parameter count, layer by layer.

``model.summary()`` prints how many parameters each layer has, but not *why*.
This module recomputes every count from what a reader can see -- the layer's
config (``units``, ``filters``, ``kernel_size``...) and the input shape Keras
built it with -- and shows the arithmetic: ``inputs × units + units`` with
``10 × 20 + 20`` plugged in gives 220.

The arithmetic is checked three ways, so a page can never print a wrong sum:

1. the ``numbers`` string is evaluated and must equal the computed count;
2. the computed count must equal Keras' own ``layer.count_params()``;
3. the trainable / non-trainable split and the model total must equal Keras'
   (``model.count_params()``, ``model.trainable_weights``).

Any disagreement, and any layer class without a formula here, raises
:class:`ParamArithmeticError`. The module never guesses: a layer class it does
not know is an error even if that layer has no weights, and the registry is
keyed by exact class, so a subclass of ``Dense`` is unknown too (it may add
weights).

Nested models (a ``Sequential`` or functional ``Model`` used as a layer) are
expanded: their layers appear as their own rows, named ``parent/child``
(``encoder/dense``), and no sub-total row is added, so the rows always sum to
the model total. Wrappers (``Bidirectional``, ``TimeDistributed``) stay one
row whose formula explains the wrapped layer.

Public API: :class:`Row`, :func:`param_rows`, :func:`param_table_markdown`,
:class:`ParamArithmeticError`.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import keras

__all__ = ["ParamArithmeticError", "Row", "param_rows", "param_table_markdown"]

L = keras.layers


class ParamArithmeticError(ValueError):
    """A count could not be explained, or the explanation disagrees with Keras."""


@dataclass(frozen=True)
class Row:
    """One layer's parameter count, with the formula that explains it.

    ``trainable`` and ``non_trainable`` are what Keras reports for this model:
    a frozen layer (or a layer inside a frozen model) has ``trainable == 0``.
    """

    layer: str
    kind: str
    formula: str
    numbers: str
    count: int
    trainable: int
    non_trainable: int


@dataclass(frozen=True)
class _Part:
    """What a formula function returns: the split assumes the layer is trainable.

    ``trainable`` holds the weights the optimizer would update (kernels, biases,
    gamma, beta); ``non_trainable`` the ones it never does (moving statistics).
    Freezing is applied later, by the walker, because it depends on the parents.
    """

    formula: str
    numbers: str
    trainable: int
    non_trainable: int = 0

    @property
    def count(self) -> int:
        return self.trainable + self.non_trainable


Shape = tuple  # a built input shape, batch dimension first: (None, 28, 28, 1)
Formula = Callable[[keras.layers.Layer, dict, object], _Part]


# --------------------------------------------------------------------------- shapes


def _built_shape(layer):
    """The input shape Keras recorded when it built ``layer``, or ``None``.

    ``get_build_config()`` is public and, unlike ``layer.input``, also exists for
    layers that were never called on a symbolic tensor (the layer inside a
    ``Bidirectional``). It is ``{"input_shape": shape}`` for one input and
    ``{"shapes_dict": {...}}`` when ``build`` takes several shapes (attention).
    """
    config = layer.get_build_config()
    if config is None:
        return None
    if "input_shape" in config:
        return config["input_shape"]
    return config["shapes_dict"]


def _single(layer, shape) -> Shape:
    """The one input shape of a single-input layer (the first, if ``build`` took more)."""
    if isinstance(shape, dict):
        shape = next(iter(shape.values()), None)
    if shape is None:
        raise ParamArithmeticError(
            f"params: layer {layer.name} of type {type(layer).__name__} has no built "
            "input shape; build the model (give it an Input) before explaining it"
        )
    return tuple(shape)


def _dim(layer, shape, axis: int) -> int:
    """One known dimension of the input shape; ``None`` there cannot be explained."""
    value = _single(layer, shape)[axis]
    if value is None:
        raise ParamArithmeticError(
            f"params: layer {layer.name} of type {type(layer).__name__} has an unknown "
            f"input dimension at axis {axis} ({_single(layer, shape)})"
        )
    return int(value)


def _channels(layer, config, shape) -> int:
    """Input channels of a convolution: last axis, or axis 1 for channels_first."""
    axis = 1 if config.get("data_format") == "channels_first" else -1
    return _dim(layer, shape, axis)


# ------------------------------------------------------------------- text helpers


def _product(symbols: list[str], values: list[int]) -> tuple[str, str, int]:
    """Join factors as ``a × b × c``: the formula, the numbers and their product."""
    return " × ".join(symbols), " × ".join(str(v) for v in values), math.prod(values)


def _plus_bias(formula: str, numbers: str, weights: int, bias: int | None, name: str) -> _Part:
    """``weights + bias`` when the layer has a bias (``use_bias=True``), else ``weights``."""
    if bias is None:
        return _Part(formula, numbers, weights)
    return _Part(f"{formula} + {name}", f"{numbers} + {bias}", weights + bias)


# ------------------------------------------------------------- zero-parameter layers


def _no_weights(reason: str) -> Formula:
    """A layer family that owns no variables; ``reason`` says why, for the reader."""

    def formula(layer, config, shape) -> _Part:
        return _Part(f"no weights: {reason}", "0", 0)

    return formula


_ZERO = {
    "input placeholder": [L.InputLayer],
    "keeps the max of each window": [L.MaxPooling1D, L.MaxPooling2D, L.MaxPooling3D],
    "averages each window": [L.AveragePooling1D, L.AveragePooling2D, L.AveragePooling3D],
    "keeps the max over all positions": [
        L.GlobalMaxPooling1D, L.GlobalMaxPooling2D, L.GlobalMaxPooling3D,
    ],
    "averages over all positions": [
        L.GlobalAveragePooling1D, L.GlobalAveragePooling2D, L.GlobalAveragePooling3D,
    ],
    "only rearranges values": [
        L.Flatten, L.Reshape, L.Permute, L.RepeatVector,
        L.ZeroPadding1D, L.ZeroPadding2D, L.ZeroPadding3D,
        L.Cropping1D, L.Cropping2D, L.Cropping3D,
        L.UpSampling1D, L.UpSampling2D, L.UpSampling3D,
    ],
    "random noise, only while training": [
        L.Dropout, L.SpatialDropout1D, L.SpatialDropout2D, L.SpatialDropout3D,
        L.GaussianNoise, L.GaussianDropout, L.AlphaDropout,
    ],
    "a fixed function": [
        L.Activation, L.ReLU, L.LeakyReLU, L.ELU, L.Softmax,
        L.Identity, L.Masking, L.Rescaling, L.UnitNormalization, L.ActivityRegularization,
    ],
    "combines its inputs": [
        L.Add, L.Subtract, L.Multiply, L.Average, L.Maximum, L.Minimum,
        L.Concatenate, L.Dot,
    ],
}


# ----------------------------------------------------------------- dense, embedding


def _dense(layer, config, shape) -> _Part:
    """Dense: one weight per (input, unit) pair, plus one bias per unit.

    Only the last input axis counts: Dense on (batch, 13, 13, 16) has a 16 × units
    kernel applied at each of the 13 × 13 positions.
    """
    inputs, units = _dim(layer, shape, -1), config["units"]
    bias = units if config["use_bias"] else None
    return _plus_bias("inputs × units", f"{inputs} × {units}", inputs * units, bias, "units")


def _embedding(layer, config, shape) -> _Part:
    """Embedding: a lookup table with one row of ``output_dim`` numbers per token."""
    rows, cols = config["input_dim"], config["output_dim"]
    return _Part("input_dim × output_dim", f"{rows} × {cols}", rows * cols)


# ------------------------------------------------------------------- convolutions

_KERNEL_SYMBOLS = {
    1: ["kernel"],
    2: ["kernel_h", "kernel_w"],
    3: ["kernel_d", "kernel_h", "kernel_w"],
}


def _kernel(config) -> tuple[list[str], list[int]]:
    """Kernel factors: ``kernel_h × kernel_w`` symbols and their values from config."""
    size = [int(k) for k in config["kernel_size"]]
    return list(_KERNEL_SYMBOLS[len(size)]), size


def _conv(layer, config, shape) -> _Part:
    """ConvND: each filter sees every kernel position of (channels / groups) channels.

    With ``groups=g`` the channels are split into g independent groups, so each
    filter only connects to channels / g of them: g times fewer weights.
    """
    symbols, values = _kernel(config)
    channels, groups, filters = _channels(layer, config, shape), config["groups"], config["filters"]
    if channels % groups:
        raise ParamArithmeticError(
            f"params: layer {layer.name}: {channels} channels do not split into {groups} groups"
        )
    formula, numbers, weights = _product(symbols, values)
    if groups == 1:
        formula += " × channels × filters"
        numbers += f" × {channels} × {filters}"
    else:
        formula += " × (channels / groups) × filters"
        numbers += f" × ({channels} / {groups}) × {filters}"
    weights *= channels // groups * filters
    bias = filters if config["use_bias"] else None
    return _plus_bias(formula, numbers, weights, bias, "filters")


def _conv_transpose(layer, config, shape) -> _Part:
    """ConvNDTranspose: the same kernel count as a convolution, run backwards."""
    if config.get("groups", 1) != 1:
        raise ParamArithmeticError(f"params: no formula for grouped transpose {layer.name}")
    symbols, values = _kernel(config)
    channels, filters = _channels(layer, config, shape), config["filters"]
    formula, numbers, weights = _product(symbols + ["filters", "channels"],
                                         values + [filters, channels])
    bias = filters if config["use_bias"] else None
    return _plus_bias(formula, numbers, weights, bias, "filters")


def _depthwise(layer, config, shape) -> _Part:
    """DepthwiseConvND: each channel gets its own ``depth_multiplier`` kernels.

    No mixing across channels, hence no ``× filters`` factor; the bias has one
    entry per output channel (channels × depth_multiplier).
    """
    symbols, values = _kernel(config)
    channels, mult = _channels(layer, config, shape), config["depth_multiplier"]
    formula, numbers, weights = _product(symbols + ["channels", "depth_multiplier"],
                                         values + [channels, mult])
    if not config["use_bias"]:
        return _Part(formula, numbers, weights)
    return _Part(f"{formula} + channels × depth_multiplier",
                 f"{numbers} + {channels} × {mult}", weights + channels * mult)


def _separable(layer, config, shape) -> _Part:
    """SeparableConvND: a depthwise step, then a 1×1 pointwise step that mixes channels."""
    symbols, values = _kernel(config)
    channels, mult, filters = (_channels(layer, config, shape), config["depth_multiplier"],
                               config["filters"])
    formula, numbers, depthwise = _product(symbols + ["channels", "depth_multiplier"],
                                           values + [channels, mult])
    formula += " + channels × depth_multiplier × filters"
    numbers += f" + {channels} × {mult} × {filters}"
    weights = depthwise + channels * mult * filters
    bias = filters if config["use_bias"] else None
    return _plus_bias(formula, numbers, weights, bias, "filters")


# ------------------------------------------------------------------ normalization


def _batch_norm(layer, config, shape) -> _Part:
    """BatchNormalization: per feature, gamma and beta are learned; the moving mean
    and variance are statistics, updated by averaging, never by the optimizer.

    ``scale=False`` drops gamma, ``center=False`` drops beta; ``renorm=True``
    tracks three more statistics (moving stddev, renorm mean and stddev).
    """
    features = _dim(layer, shape, config["axis"])
    learned = [n for n, on in (("gamma", config["scale"]), ("beta", config["center"])) if on]
    stats = ["moving mean", "moving variance"]
    if config.get("renorm"):
        stats += ["moving stddev", "renorm mean", "renorm stddev"]
    per_feature = len(learned) + len(stats)
    names = f"learned: {', '.join(learned)}; " if learned else ""
    names += f"statistics: {', '.join(stats)}"
    return _Part(f"{per_feature} × features ({names})", f"{per_feature} × {features}",
                 len(learned) * features, len(stats) * features)


def _layer_norm(layer, config, shape) -> _Part:
    """LayerNormalization: gamma and beta, one per feature over the normalized axes.

    Unlike BatchNormalization there are no moving statistics: every sample is
    normalized with its own mean and variance.
    """
    axes = config["axis"] if isinstance(config["axis"], (list, tuple)) else [config["axis"]]
    dims = [_dim(layer, shape, a) for a in axes]
    rms = config.get("rms_scaling", False)
    learned = [n for n, on in (("gamma", config["scale"] or rms),
                               ("beta", config["center"] and not rms)) if on]
    features = " × ".join(str(d) for d in dims)
    if len(dims) > 1:
        features = f"({features})"
    return _Part(f"{len(learned)} × features ({', '.join(learned) or 'nothing learned'})",
                 f"{len(learned)} × {features}", len(learned) * math.prod(dims))


def _prelu(layer, config, shape) -> _Part:
    """PReLU: one learned slope per input position; ``shared_axes`` share one slope."""
    dims = list(_single(layer, shape)[1:])
    for axis in config.get("shared_axes") or []:
        dims[axis - 1] = 1
    if any(d is None for d in dims):
        raise ParamArithmeticError(f"params: layer {layer.name}: unknown dimension in {dims}")
    return _Part("one slope per input position", " × ".join(str(d) for d in dims), math.prod(dims))


# -------------------------------------------------------------------- recurrent


def _gated(gates: int, config, inputs: int, bias_per_gate: int) -> _Part:
    """``gates × (units × (inputs + units) + bias)``: each gate is a small Dense layer
    that sees the input and the previous output (hence ``inputs + units``)."""
    units = config["units"]
    formula, numbers = "units × (inputs + units)", f"{units} × ({inputs} + {units})"
    per_gate = units * (inputs + units)
    if config["use_bias"]:
        if bias_per_gate == 1:
            formula, numbers = f"{formula} + units", f"{numbers} + {units}"
        else:
            formula += f" + {bias_per_gate} × units"
            numbers += f" + {bias_per_gate} × {units}"
        per_gate += bias_per_gate * units
    if gates == 1:
        return _Part(formula, numbers, per_gate)
    return _Part(f"{gates} × ({formula})", f"{gates} × ({numbers})", gates * per_gate)


def _simple_rnn_cell(config, inputs: int) -> _Part:
    """SimpleRNN: one kernel (inputs × units), one recurrent kernel (units × units), a bias."""
    return _gated(1, config, inputs, 1)


def _lstm_cell(config, inputs: int) -> _Part:
    """LSTM: four gates (input, forget, cell, output), each with kernel, recurrent kernel, bias."""
    return _gated(4, config, inputs, 1)


def _gru_cell(config, inputs: int) -> _Part:
    """GRU: three gates (update, reset, candidate).

    With ``reset_after=True`` (the Keras default, cuDNN-compatible) the input and the
    recurrent projections each get their own bias: 2 × units per gate. With
    ``reset_after=False`` there is one bias per gate.
    """
    return _gated(3, config, inputs, 2 if config["reset_after"] else 1)


_CELLS = {L.SimpleRNNCell: _simple_rnn_cell, L.LSTMCell: _lstm_cell, L.GRUCell: _gru_cell}


def _recurrent(cell_formula) -> Formula:
    """SimpleRNN / LSTM / GRU layers: the cell formula on the last input axis."""

    def formula(layer, config, shape) -> _Part:
        return cell_formula(config, _dim(layer, shape, -1))

    formula.__doc__ = cell_formula.__doc__
    return formula


def _rnn(layer, config, shape) -> _Part:
    """Generic ``keras.layers.RNN(cell)``: the weights are the cell's."""
    cell_formula = _CELLS.get(type(layer.cell))
    if cell_formula is None:
        raise _unknown(layer, f"cell of type {type(layer.cell).__name__}")
    part = cell_formula(layer.cell.get_config(), _dim(layer, shape, -1))
    return _Part(f"{type(layer.cell).__name__}: {part.formula}", part.numbers, part.trainable)


# --------------------------------------------------------------------- wrappers


def _bidirectional(layer, config, shape) -> _Part:
    """Bidirectional: two independent copies of the layer, one per direction."""
    forward = _explain(layer.forward_layer, shape)
    backward = _explain(layer.backward_layer, shape)
    kind = type(layer.forward_layer).__name__
    if (forward.formula, forward.numbers) == (backward.formula, backward.numbers):
        return _Part(f"{kind} forward + backward: 2 × ({forward.formula})",
                     f"2 × ({forward.numbers})",
                     forward.trainable + backward.trainable,
                     forward.non_trainable + backward.non_trainable)
    return _Part(f"forward ({forward.formula}) + backward ({backward.formula})",
                 f"({forward.numbers}) + ({backward.numbers})",
                 forward.trainable + backward.trainable,
                 forward.non_trainable + backward.non_trainable)


def _time_distributed(layer, config, shape) -> _Part:
    """TimeDistributed: one copy of the wrapped layer, shared by every time step.

    The wrapped layer sees one step, so its input shape drops the time axis:
    (batch, time, features...) -> (batch, features...). Weights do not grow with time.
    """
    full = _single(layer, shape)
    inner = _explain(layer.layer, (full[0],) + full[2:])
    return _Part(f"{type(layer.layer).__name__} on each step, shared: {inner.formula}",
                 inner.numbers, inner.trainable, inner.non_trainable)


# -------------------------------------------------------------------- attention


def _multi_head_attention(layer, config, shape) -> _Part:
    """MultiHeadAttention: four dense projections, each with a bias when ``use_bias``.

    query, key and value features are projected to ``heads × key_dim`` (query,
    key) and ``heads × value_dim`` (value); the output projection maps
    ``heads × value_dim`` back to the query's features (or ``output_shape``).
    """
    if not isinstance(shape, dict) or "query_shape" not in shape:
        raise ParamArithmeticError(f"params: layer {layer.name}: no query/value build shapes")
    query = int(shape["query_shape"][-1])
    value = int(shape["value_shape"][-1])
    key = int((shape.get("key_shape") or shape["value_shape"])[-1])
    heads, key_dim = config["num_heads"], config["key_dim"]
    value_dim = config["value_dim"] or key_dim
    out_shape = config["output_shape"]
    if isinstance(out_shape, int):
        out_shape = (out_shape,)
    out = math.prod(out_shape) if out_shape else query
    use_bias = config["use_bias"]

    projections = [  # (name, inputs, per-head size, symbol)
        ("q_features", query, key_dim, "key_dim"),
        ("k_features", key, key_dim, "key_dim"),
        ("v_features", value, value_dim, "value_dim"),
    ]
    if config.get("use_gate"):
        projections.append(("q_features", query, value_dim, "value_dim"))
    formulas, numbers, total = [], [], 0
    for name, n_in, size, symbol in projections:
        f, n = f"{name} × heads × {symbol}", f"{n_in} × {heads} × {size}"
        if use_bias:
            f, n = f"({f} + heads × {symbol})", f"({n} + {heads} × {size})"
        formulas.append(f)
        numbers.append(n)
        total += n_in * heads * size + (heads * size if use_bias else 0)
    f, n = "heads × value_dim × out_features", f"{heads} × {value_dim} × {out}"
    if use_bias:
        f, n = f"({f} + out_features)", f"({n} + {out})"
    formulas.append(f)
    numbers.append(n)
    total += heads * value_dim * out + (out if use_bias else 0)
    return _Part(" + ".join(formulas), " + ".join(numbers), total)


# --------------------------------------------------------------------- registry

_FORMULAS: dict[type, Formula] = {
    cls: _no_weights(reason) for reason, classes in _ZERO.items() for cls in classes
}
_FORMULAS.update({
    L.Dense: _dense,
    L.Embedding: _embedding,
    L.Conv1D: _conv, L.Conv2D: _conv, L.Conv3D: _conv,
    L.Conv1DTranspose: _conv_transpose, L.Conv2DTranspose: _conv_transpose,
    L.Conv3DTranspose: _conv_transpose,
    L.DepthwiseConv1D: _depthwise, L.DepthwiseConv2D: _depthwise,
    L.SeparableConv1D: _separable, L.SeparableConv2D: _separable,
    L.BatchNormalization: _batch_norm,
    L.LayerNormalization: _layer_norm,
    L.PReLU: _prelu,
    L.SimpleRNN: _recurrent(_simple_rnn_cell),
    L.LSTM: _recurrent(_lstm_cell),
    L.GRU: _recurrent(_gru_cell),
    L.RNN: _rnn,
    L.Bidirectional: _bidirectional,
    L.TimeDistributed: _time_distributed,
    L.MultiHeadAttention: _multi_head_attention,
})


# ----------------------------------------------------------------------- checks


def _unknown(layer, what: str = "") -> ParamArithmeticError:
    detail = f" ({what})" if what else ""
    return ParamArithmeticError(
        f"params: no formula for layer {layer.name} of type {type(layer).__name__}{detail}; "
        "add one to _FORMULAS in docbuild/params.py rather than guessing"
    )


_ALLOWED = (ast.Expression, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Constant)


def _evaluate(numbers: str) -> float:
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


def _size(weights) -> int:
    """Total number of scalars in a list of variables (what Keras counts)."""
    return sum(math.prod(w.shape) for w in weights)


def _explain(layer, shape) -> _Part:
    """Look up the formula for ``layer``'s exact class and check it against Keras."""
    formula = _FORMULAS.get(type(layer))
    if formula is None:
        raise _unknown(layer)
    config = layer.get_config()
    if config.get("lora_rank") or getattr(layer, "quantization_mode", None):
        raise _unknown(layer, "LoRA-enabled or quantized")
    part = formula(layer, config, shape)
    if _evaluate(part.numbers) != part.count:
        raise ParamArithmeticError(
            f"params: layer {layer.name}: {part.numbers} does not equal {part.count}"
        )
    keras_count = layer.count_params()
    if part.count != keras_count:
        raise ParamArithmeticError(
            f"params: layer {layer.name} of type {type(layer).__name__}: formula "
            f"{part.formula} = {part.numbers} = {part.count:,}, but Keras counts {keras_count:,}"
        )
    return part


def _is_graph_model(layer) -> bool:
    """A Sequential or functional Model: a graph of layers with no weights of its own."""
    return type(layer) is keras.Sequential or (
        isinstance(layer, keras.Model) and isinstance(layer, keras.Function)
    )


def _model_rows(model, prefix: str, parents_trainable: bool) -> list[Row]:
    """Rows for every layer of ``model``, recursing into nested models.

    A layer's weights are trainable only if the layer *and all its parents* are:
    that is how Keras' ``trainable_weights`` treats a frozen nested model.
    """
    trainable = parents_trainable and model.trainable
    rows: list[Row] = []
    for layer in model.layers:
        name = prefix + layer.name
        if _is_graph_model(layer):
            sub = _model_rows(layer, name + "/", trainable)
            _check_sum(layer, name, sub)
            rows.extend(sub)
            continue
        part = _explain(layer, _built_shape(layer))
        if trainable and layer.trainable:
            split = part.trainable, part.non_trainable
            keras_split = _size(layer.trainable_weights), _size(layer.non_trainable_weights)
            if split != keras_split:
                raise ParamArithmeticError(
                    f"params: layer {name}: trainable/non-trainable {split} but Keras "
                    f"says {keras_split}"
                )
        else:
            split = 0, part.count  # frozen: nothing is updated by the optimizer
        rows.append(Row(name, type(layer).__name__, part.formula, part.numbers,
                        part.count, *split))
    return rows


def _check_sum(model, name: str, rows: list[Row]) -> None:
    total = sum(r.count for r in rows)
    if total != model.count_params():
        raise ParamArithmeticError(
            f"params: rows of {name} sum to {total:,}, but Keras counts "
            f"{model.count_params():,} (weights outside any layer, or a shared layer?)"
        )


# ------------------------------------------------------------------- public API


def param_rows(model) -> list[Row]:
    """One :class:`Row` per layer of a built Sequential or functional ``model``.

    Nested models are expanded in place, their rows named ``parent/child``.
    Raises :class:`ParamArithmeticError` for a layer without a formula, or when
    any count or the trainable split disagrees with Keras.
    """
    if not _is_graph_model(model):
        raise _unknown(model, "only Sequential and functional models are walked")
    if not model.built:
        raise ParamArithmeticError(
            f"params: model {model.name} is not built; give it an Input first"
        )
    rows = _model_rows(model, "", True)
    _check_sum(model, model.name, rows)
    split = sum(r.trainable for r in rows), sum(r.non_trainable for r in rows)
    keras_split = _size(model.trainable_weights), _size(model.non_trainable_weights)
    if split != keras_split:
        raise ParamArithmeticError(
            f"params: model {model.name}: trainable/non-trainable {split}, Keras {keras_split}"
        )
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _in_range(model, layer_range) -> set[str]:
    """Names of the top-level layers ``model.summary(layer_range=...)`` shows.

    Keras' rule: the first layer whose name matches the first pattern (``re.match``)
    through the last layer whose name matches the second, both inclusive.
    """
    names = [layer.name for layer in model.layers]
    starts = [i for i, name in enumerate(names) if re.match(layer_range[0], name)]
    ends = [i for i, name in enumerate(names) if re.match(layer_range[1], name)]
    if not starts or not ends:
        raise ParamArithmeticError(f"params: layer_range {layer_range} matches no layer")
    low, high = sorted((min(starts), max(ends)))
    return set(names[low:high + 1])


def param_table_markdown(model, layer_range: tuple[str, str] | None = None) -> str:
    """A Markdown table (Layer, Formula, Numbers, Parameters) and the three totals.

    A layer with non-trainable weights shows them in brackets, e.g. ``12 (6
    non-trainable)`` for BatchNormalization on 3 features. With ``layer_range`` (as
    given to ``model.summary``) the table has the rows the summary shows; every layer
    is still checked, and the totals are the whole model's, as in the summary.
    """
    rows = param_rows(model)
    shown = rows
    if layer_range is not None:
        names = _in_range(model, layer_range)
        shown = [row for row in rows if row.layer.split("/")[0] in names]
    lines = [
        "| Layer | Formula | Numbers | Parameters |",
        "| --- | --- | --- | ---: |",
    ]
    for row in shown:
        count = f"{row.count:,}"
        if row.non_trainable:
            count += f" ({row.non_trainable:,} non-trainable)"
        lines.append(
            f"| `{_cell(row.layer)}` ({row.kind}) | {_cell(row.formula)} "
            f"| {_cell(row.numbers)} | {count} |"
        )
    total = sum(r.count for r in rows)
    trainable = sum(r.trainable for r in rows)
    if shown is not rows:
        lines += ["", f"Rows for {len(shown)} of the {len(rows)} layers, as in the summary; "
                      "totals for the whole model."]
    lines += [
        "",
        f"- Total params: {total:,}",
        f"- Trainable params: {trainable:,}",
        f"- Non-trainable params: {total - trainable:,}",
    ]
    return "\n".join(lines) + "\n"
