"""Rows read from a layer's own weights, for classes no formula can describe.

A reader's subclass of ``Layer``, a ``Lambda``, a wrapped JAX, Flax, torch or
SavedModel function: what weights they own depends on code, not on a config the
module could read. Their row lists each weight with its name and shape and writes
the product out (``kernel 3 × 4 + bias 4``), says that it was read from the weights
rather than derived, and takes the trainable split from Keras'
``layer.trainable_weights``. The walker still checks the sum against ``layer.count_params()``.
"""

from __future__ import annotations

from .base import L, Part, from_weights, size


def _name(layer, weight) -> str:
    """The weight's path below the layer (``dense/kernel`` inside a custom block)."""
    path = getattr(weight, "path", None) or weight.name
    prefix = f"{getattr(layer, 'path', None) or layer.name}/"
    return path[len(prefix):] if path.startswith(prefix) else weight.name


def _factors(shape) -> str:
    return " × ".join(str(int(d)) for d in shape) if len(shape) else "1"


def read_weights(layer, why: str = "", counted: dict[int, str] | None = None) -> Part:
    """``kernel 3 × 4 + bias 4``: every weight of ``layer``, named, sized, summed.

    ``counted`` maps the weights an earlier row already counts (a tied embedding) to
    that row's name: they are named here, with where they are counted, but not added.
    """
    marker = f"read from its weights, no formula{f' ({why})' if why else ''}"
    counted = counted or {}
    weights = [w for w in layer.weights if id(w) not in counted]
    elsewhere = "".join(f" (and {_name(layer, w)}, counted in `{counted[id(w)]}`)"
                        for w in layer.weights if id(w) in counted)
    if not weights:
        return Part(f"{marker}: it has none{elsewhere}", "0", 0, source="weights")
    terms = [f"{_name(layer, w)} {_factors(w.shape)}" for w in weights]
    numbers = " + ".join(_factors(w.shape) for w in weights)
    # The split is Keras' own: a frozen sublayer's weights are non-trainable there.
    trainable = size(w for w in layer.trainable_weights if id(w) not in counted)
    return Part(f"{marker}: {' + '.join(terms)}{elsewhere}", numbers, trainable,
                size(weights) - trainable, source="weights")


FAMILY = "Read from the weights"

from_weights(FAMILY, "the base class of every layer: a subclass's weights are whatever its "
             "build() adds, so its row lists them", L.Layer)
from_weights(FAMILY, "wraps an arbitrary function; any weights it owns are listed", L.Lambda)
from_weights(FAMILY, "the base class of wrappers: the weights are the wrapped layer's and "
             "the subclass's own", L.Wrapper)
from_weights(FAMILY, "wraps a JAX function; its parameters are listed", L.JaxLayer)
from_weights(FAMILY, "wraps a Flax module; its parameters are listed", L.FlaxLayer)
from_weights(FAMILY, "wraps a torch module; its parameters are listed", L.TorchModuleWrapper)
from_weights(FAMILY, "a reloaded TensorFlow SavedModel; its variables are listed", L.TFSMLayer)
