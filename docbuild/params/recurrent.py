"""Recurrent layers and their cells, convolutional LSTMs, and the sequence wrappers."""

from __future__ import annotations

from .base import L, Part, built_shape, channels, dim, explain, formula, single, total
from .conv import kernel

FAMILY = "Recurrent"


def gated(gates: int, config, inputs: int, bias_per_gate: int) -> Part:
    """``gates × (units × (inputs + units) + bias)``: each gate is a small Dense layer
    that sees the input and the previous output (hence ``inputs + units``)."""
    units = config["units"]
    text, numbers = "units × (inputs + units)", f"{units} × ({inputs} + {units})"
    per_gate = units * (inputs + units)
    if config["use_bias"]:
        if bias_per_gate == 1:
            text, numbers = f"{text} + units", f"{numbers} + {units}"
        else:
            text += f" + {bias_per_gate} × units"
            numbers += f" + {bias_per_gate} × {units}"
        per_gate += bias_per_gate * units
    if gates == 1:
        return Part(text, numbers, per_gate)
    return Part(f"{gates} × ({text})", f"{gates} × ({numbers})", gates * per_gate)


def simple_rnn_cell(config, inputs: int) -> Part:
    """SimpleRNN: one kernel (inputs × units), one recurrent kernel (units × units), a bias."""
    return gated(1, config, inputs, 1)


def lstm_cell(config, inputs: int) -> Part:
    """LSTM: four gates (input, forget, cell, output), each with kernel, recurrent kernel, bias."""
    return gated(4, config, inputs, 1)


def gru_cell(config, inputs: int) -> Part:
    """GRU: three gates (update, reset, candidate).

    With ``reset_after=True`` (the Keras default, cuDNN-compatible) the input and the
    recurrent projections each get their own bias: 2 × units per gate. With
    ``reset_after=False`` there is one bias per gate.
    """
    return gated(3, config, inputs, 2 if config["reset_after"] else 1)


_WORDS = {
    simple_rnn_cell: "units × (inputs + units) + units: a kernel, a recurrent kernel, a bias",
    lstm_cell: "4 × (units × (inputs + units) + units): four gates, each a kernel, a "
               "recurrent kernel and a bias",
    gru_cell: "3 × (units × (inputs + units) + 2 × units): three gates; with "
              "reset_after=False one bias per gate instead of two",
}


def _on_last_axis(cell_formula):
    def explain_layer(layer, config, shape) -> Part:
        return cell_formula(config, dim(layer, shape, -1))

    explain_layer.__doc__ = cell_formula.__doc__
    return explain_layer


for _cell, _classes in ((simple_rnn_cell, (L.SimpleRNN, L.SimpleRNNCell)),
                        (lstm_cell, (L.LSTM, L.LSTMCell)),
                        (gru_cell, (L.GRU, L.GRUCell))):
    formula(*_classes, family=FAMILY, words=_WORDS[_cell])(_on_last_axis(_cell))


@formula(L.RNN, family=FAMILY, words="the weights of its cell, explained as the cell's class")
def rnn(layer, config, shape) -> Part:
    """Generic ``keras.layers.RNN(cell)``: the weights are the cell's (a reader's cell is
    read from its weights)."""
    part = explain(layer.cell, built_shape(layer.cell))
    return Part(f"{type(layer.cell).__name__}: {part.formula}", part.numbers,
                part.trainable, part.non_trainable, part.source)


@formula(L.StackedRNNCells, family=FAMILY,
         words="the sum of its cells; each cell's inputs are the previous cell's units")
def stacked_cells(layer, config, shape) -> Part:
    """StackedRNNCells: cells applied in turn, each built on the previous one's output."""
    parts = [explain(cell, built_shape(cell)) for cell in layer.cells]
    names = [type(cell).__name__ for cell in layer.cells]
    return total(parts, [f"{n}: {p.formula}" for n, p in zip(names, parts, strict=True)])


@formula(L.ConvLSTM1D, L.ConvLSTM2D, L.ConvLSTM3D, family=FAMILY,
         words="4 × (kernel positions × (channels + filters) × filters + filters): four "
               "gates, each a convolution of the input and of the previous output")
def conv_lstm(layer, config, shape) -> Part:
    """ConvLSTMND: an LSTM whose gates are convolutions.

    Each of the four gates convolves the input (``channels``) and the previous
    output (``filters``) with the same kernel size, and has one bias per filter.
    """
    symbols, values = kernel(config)
    step = (single(layer, shape)[0],) + tuple(single(layer, shape)[2:])  # drop the time axis
    inputs, filters = channels(layer, config, step), config["filters"]
    text = " × ".join(symbols) + " × (channels + filters) × filters"
    numbers = " × ".join(map(str, values)) + f" × ({inputs} + {filters}) × {filters}"
    per_gate = filters * (inputs + filters)
    for value in values:
        per_gate *= value
    if config["use_bias"]:
        text, numbers, per_gate = f"{text} + filters", f"{numbers} + {filters}", per_gate + filters
    return Part(f"4 × ({text})", f"4 × ({numbers})", 4 * per_gate)


# --------------------------------------------------------------------- wrappers


@formula(L.Bidirectional, family=FAMILY,
         words="two independent copies of the wrapped layer, one per direction")
def bidirectional(layer, config, shape) -> Part:
    """Bidirectional: two independent copies of the layer, one per direction."""
    forward = explain(layer.forward_layer, shape)
    backward = explain(layer.backward_layer, shape)
    kind = type(layer.forward_layer).__name__
    if (forward.formula, forward.numbers) == (backward.formula, backward.numbers):
        return Part(f"{kind} forward + backward: 2 × ({forward.formula})",
                    f"2 × ({forward.numbers})",
                    forward.trainable + backward.trainable,
                    forward.non_trainable + backward.non_trainable, forward.source)
    return total([forward, backward], [f"forward: {forward.formula}",
                                       f"backward: {backward.formula}"])


@formula(L.TimeDistributed, family=FAMILY,
         words="one copy of the wrapped layer, shared by every time step")
def time_distributed(layer, config, shape) -> Part:
    """TimeDistributed: one copy of the wrapped layer, shared by every time step.

    The wrapped layer sees one step, so its input shape drops the time axis:
    (batch, time, features...) -> (batch, features...). Weights do not grow with time.
    """
    full = single(layer, shape)
    inner = explain(layer.layer, (full[0],) + full[2:])
    return Part(f"{type(layer.layer).__name__} on each step, shared: {inner.formula}",
                inner.numbers, inner.trainable, inner.non_trainable, inner.source)
