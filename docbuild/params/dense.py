"""Dense layers, einsum projections, embeddings and the one learned activation."""

from __future__ import annotations

import math
import re

from .base import L, ParamArithmeticError, Part, dim, formula, plus_bias, single

FAMILY = "Dense and embedding"


@formula(L.Dense, family=FAMILY,
         words="inputs × units + units: a weight per (input, unit) pair and a bias per unit "
               "(no bias with use_bias=False); only the last input axis counts")
def dense(layer, config, shape) -> Part:
    """Dense: one weight per (input, unit) pair, plus one bias per unit.

    Only the last input axis counts: Dense on (batch, 13, 13, 16) has a 16 × units
    kernel applied at each of the 13 × 13 positions.
    """
    inputs, units = dim(layer, shape, -1), config["units"]
    bias = units if config["use_bias"] else None
    return plus_bias("inputs × units", f"{inputs} × {units}", inputs * units, bias, "units")


def _letter_sizes(layer, equation: str, input_shape, output_shape) -> dict[str, int]:
    """The size of every axis letter of an einsum equation, from the two shapes.

    ``...`` stands for axes the equation leaves alone; letters align from the right
    when it leads (``...b,bc->...c``) and from the left otherwise.
    """
    match = re.fullmatch(r"([.a-zA-Z]+),([a-zA-Z]+)->([.a-zA-Z]+)", equation.replace(" ", ""))
    if match is None:
        raise ParamArithmeticError(f"params: layer {layer.name}: cannot read {equation!r}")
    sizes: dict[str, int] = {}
    for spec, full in ((match[1], input_shape), (match[3], output_shape)):
        letters = spec.replace("...", "")
        dims = full[len(full) - len(letters):] if spec.startswith("...") else full[:len(letters)]
        for letter, value in zip(letters, dims, strict=True):
            if value is not None:
                sizes.setdefault(letter, int(value))
    missing = [c for c in match[2] if c not in sizes]
    if missing:
        raise ParamArithmeticError(
            f"params: layer {layer.name}: no size for kernel axes {missing} of {equation!r}"
        )
    return sizes


@formula(L.EinsumDense, family=FAMILY,
         words="the product of the kernel's axes in the equation (each sized from the input "
               "or the output shape) + the product of the bias_axes sizes, if any")
def einsum_dense(layer, config, shape) -> Part:
    """EinsumDense: ``ab,bc->ac`` has a ``b × c`` kernel; ``bias_axes="c"`` adds ``c``.

    Each kernel letter takes its size from the input axis or the output axis that
    carries the same letter, so the count follows from the equation and the shapes.
    """
    equation, bias_axes = config["equation"], config["bias_axes"]
    input_shape = single(layer, shape)
    output_shape = tuple(layer.compute_output_shape(input_shape))
    sizes = _letter_sizes(layer, equation, input_shape, output_shape)
    kernel_letters = equation.split(",")[1].split("->")[0]
    symbols = " × ".join(kernel_letters)
    numbers = " × ".join(str(sizes[c]) for c in kernel_letters)
    part = Part(f"{equation}: kernel {symbols}", numbers,
                math.prod(sizes[c] for c in kernel_letters))
    if not bias_axes:
        return part
    bias = math.prod(sizes[c] for c in bias_axes)
    return Part(f"{part.formula} + bias {' × '.join(bias_axes)}",
                f"{numbers} + {' × '.join(str(sizes[c]) for c in bias_axes)}",
                part.trainable + bias)


@formula(L.Embedding, family=FAMILY,
         words="input_dim × output_dim: one row of output_dim numbers per token")
def embedding(layer, config, shape) -> Part:
    """Embedding: a lookup table with one row of ``output_dim`` numbers per token."""
    rows, cols = config["input_dim"], config["output_dim"]
    return Part("input_dim × output_dim", f"{rows} × {cols}", rows * cols)


@formula(L.ReversibleEmbedding, family=FAMILY,
         words="input_dim × output_dim, twice with tie_weights=False (a separate "
               "output_dim × input_dim table maps vectors back to token logits)")
def reversible_embedding(layer, config, shape) -> Part:
    """ReversibleEmbedding: the embedding table, shared with the reverse projection
    unless ``tie_weights=False`` gives the reverse direction its own table."""
    rows, cols = config["input_dim"], config["output_dim"]
    if config["tie_weights"]:
        return Part("input_dim × output_dim (tied: also the reverse projection)",
                    f"{rows} × {cols}", rows * cols)
    return Part("input_dim × output_dim + output_dim × input_dim (untied reverse)",
                f"{rows} × {cols} + {cols} × {rows}", 2 * rows * cols)


@formula(L.PReLU, family=FAMILY,
         words="one learned slope per input position, except along shared_axes")
def prelu(layer, config, shape) -> Part:
    """PReLU: one learned slope per input position; ``shared_axes`` share one slope."""
    dims = list(single(layer, shape)[1:])
    for axis in config.get("shared_axes") or []:
        dims[axis - 1] = 1
    if any(d is None for d in dims):
        raise ParamArithmeticError(f"params: layer {layer.name}: unknown dimension in {dims}")
    return Part("one slope per input position", " × ".join(str(d) for d in dims), math.prod(dims))
