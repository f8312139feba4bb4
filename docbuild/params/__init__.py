"""Explain a Keras model's parameter count, layer by layer.

``model.summary()`` prints how many parameters each layer has, but not *why*.
This package recomputes every count from what a reader can see -- the layer's
config (``units``, ``filters``, ``kernel_size``...) and the input shape Keras
built it with -- and shows the arithmetic: ``inputs × units + units`` with
``10 × 20 + 20`` plugged in gives 220.

The arithmetic is checked three ways, so a page can never print a wrong sum:

1. the ``numbers`` string is evaluated and must equal the computed count;
2. the computed count must equal Keras' own ``layer.count_params()``;
3. the trainable / non-trainable split and the model total must equal Keras'
   (``model.count_params()``, ``model.trainable_weights``).

Any disagreement raises :class:`ParamArithmeticError`. The package never guesses:
every class that ``keras.layers`` exports is registered, by exact class, with a
formula, with a reason it has no weights (a weightless layer that turns out to
have weights is an error), or -- for ``Layer``, ``Lambda`` and the wrappers of
JAX, Flax, torch and SavedModel code -- as read from its weights.
``check_coverage()`` and the tests fail, naming the class, when a Keras release
exports a class that is none of these. A class the registry does not name (a
reader's own layer, a subclass of ``Dense``, which may add weights) gets a row
read from its own weights -- each weight's name and shape, the product written
out, marked as not a formula -- and that row is checked like any other.

Nested models (a ``Sequential`` or functional ``Model`` used as a layer) are
expanded: their layers appear as their own rows, named ``parent/child``
(``encoder/dense``), and no sub-total row is added, so the rows always sum to
the model total. Wrappers (``Bidirectional``, ``TimeDistributed``,
``SpectralNormalization``) stay one row whose formula explains the wrapped layer.
A compiled model whose optimizer has variables (after the first training step)
gets one more row for them, as ``summary()`` counts them in "Total params".

Layout: ``base`` (registry, checks, shapes), one module per family (``dense``,
``conv``, ``recurrent``, ``attention``, ``normalization``, ``weightless``,
``fallback``), ``optimizer``, ``walker`` (rows and the table) and ``reference``
(the reference page).

Public API: :class:`Row`, :func:`param_rows`, :func:`param_table_markdown`,
:class:`ParamArithmeticError`, :func:`reference_markdown`, :func:`check_coverage`.
"""

from __future__ import annotations

from . import attention, conv, dense, fallback, normalization, recurrent, weightless  # noqa: F401
from .base import REGISTRY, ParamArithmeticError, check_coverage, exported_layer_classes
from .reference import reference_markdown
from .walker import Row, param_rows, param_table_markdown

__all__ = [
    "REGISTRY", "ParamArithmeticError", "Row", "check_coverage", "exported_layer_classes",
    "param_rows", "param_table_markdown", "reference_markdown",
]
