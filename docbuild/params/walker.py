"""Walk a model's layers into rows, check every sum, and write the Markdown table."""

from __future__ import annotations

import re
from dataclasses import dataclass

import keras

from .base import (
    L,
    ParamArithmeticError,
    Part,
    built_shape,
    evaluate,
    explain,
    formula,
    size,
    total,
)
from .optimizer import optimizer_row


@dataclass(frozen=True)
class Row:
    """One layer's parameter count, with the formula that explains it.

    ``trainable`` and ``non_trainable`` are what Keras reports for this model:
    a frozen layer (or a layer inside a frozen model) has ``trainable == 0``.
    ``source`` is ``"formula"``, ``"no weights"``, ``"weights"`` when the row was
    read from the layer's variables because no formula describes its class, or
    ``"shared"`` (count 0) for a layer whose weights an earlier row counts already.
    """

    layer: str
    kind: str
    formula: str
    numbers: str
    count: int
    trainable: int
    non_trainable: int
    source: str = "formula"


@formula(L.Pipeline, family="Containers",
         words="the sum of its stages, each explained by its own class")
def pipeline(layer, config, shape) -> Part:
    """Pipeline: preprocessing stages applied in turn; the weights are the stages'."""
    parts = [explain(stage, built_shape(stage)) for stage in layer.layers]
    if all(p.count == 0 for p in parts):
        return Part("no weights: every stage is weightless", "0", 0, source="no weights")
    names = [type(stage).__name__ for stage in layer.layers]
    return total(parts, [f"{n}: {p.formula}" for n, p in zip(names, parts, strict=True)])


def _is_graph_model(layer) -> bool:
    """A Sequential or functional Model: a graph of layers with no weights of its own."""
    return type(layer) is keras.Sequential or (
        isinstance(layer, keras.Model) and isinstance(layer, keras.Function)
    )


def _own_weights(model):
    """Weights of a subclassed model that none of its layers owns (``add_weight`` in it)."""
    owned = {id(w) for layer in model.layers for w in layer.weights}
    return [w for w in model.weights if id(w) not in owned]


def _layer_part(layer, name: str, counted: dict[int, str]) -> Part:
    """The layer's part, counting no weight that an earlier row counts already.

    Keras counts a shared variable once (``model.weights`` holds it once): a layer met
    a second time (used at the top and inside a nested model) or a reader's layer that
    reuses another layer's variable (a tied embedding) must not count it again.
    """
    from .fallback import read_weights

    weights = layer.weights
    shared = [w for w in weights if id(w) in counted]
    if not shared:
        return explain(layer, built_shape(layer))
    if len(shared) == len(weights):
        where = ", ".join(dict.fromkeys(f"`{counted[id(w)]}`" for w in weights))
        return Part(f"the same weights as {where}, counted there", "0", 0, source="shared")
    part = read_weights(layer, "some of its weights are another layer's", counted)
    own = size(w for w in weights if id(w) not in counted)
    if evaluate(part.numbers) != part.count or part.count != own:
        raise ParamArithmeticError(
            f"params: layer {name}: row {part.numbers} = {part.count:,}, but its own "
            f"weights hold {own:,}"
        )
    return part


def _model_rows(model, prefix: str, parents_trainable: bool,
                counted: dict[int, str]) -> list[Row]:
    """Rows for every layer of ``model``, recursing into nested models.

    A layer's weights are trainable only if the layer *and all its parents* are:
    that is how Keras' ``trainable_weights`` treats a frozen nested model.
    ``counted`` maps every weight a row counts already to that row's name.
    """
    trainable = parents_trainable and model.trainable
    rows: list[Row] = []
    for layer in model.layers:
        name = prefix + layer.name
        if isinstance(layer, keras.Model):
            before = size(w for w in layer.weights if id(w) in counted)
            sub = _model_rows(layer, name + "/", trainable, counted)
            _check_sum(layer, name, sub, before)
            rows.extend(sub)
            continue
        part = _layer_part(layer, name, counted)
        if part.source == "shared":
            split = 0, 0
        elif trainable and layer.trainable:
            split = part.trainable, part.non_trainable
            keras_split = (size(w for w in layer.trainable_weights if id(w) not in counted),
                           size(w for w in layer.non_trainable_weights if id(w) not in counted))
            if split != keras_split:
                raise ParamArithmeticError(
                    f"params: layer {name}: trainable/non-trainable {split} but Keras "
                    f"says {keras_split}"
                )
        else:
            split = 0, part.count  # frozen: nothing is updated by the optimizer
        for weight in layer.weights:
            counted.setdefault(id(weight), name)
        rows.append(Row(name, type(layer).__name__, part.formula, part.numbers,
                        part.count, *split, part.source))
    own = [] if _is_graph_model(model) else [w for w in _own_weights(model)
                                             if id(w) not in counted]
    if own:  # a subclassed model's own add_weight() variables
        count, trained = size(own), size(w for w in own if w.trainable) if trainable else 0
        numbers = " + ".join(" × ".join(map(str, w.shape)) or "1" for w in own)
        terms = " + ".join(f"{w.name} {' × '.join(map(str, w.shape)) or '1'}" for w in own)
        rows.append(Row(f"{prefix}{model.name} (own weights)", type(model).__name__,
                        f"read from its weights, no formula: {terms}", numbers, count,
                        trained, count - trained, "weights"))
        for weight in own:
            counted.setdefault(id(weight), rows[-1].layer)
    return rows


def _check_sum(model, name: str, rows: list[Row], elsewhere: int = 0) -> None:
    """The rows, and the shared weights counted before them, add up to Keras' count."""
    count = sum(r.count for r in rows) + elsewhere
    if count != model.count_params():
        raise ParamArithmeticError(
            f"params: rows of {name} sum to {count:,}, but Keras counts "
            f"{model.count_params():,} (weights outside any layer?)"
        )


def param_rows(model) -> list[Row]:
    """One :class:`Row` per layer of a built ``model``.

    Nested models are expanded in place, their rows named ``parent/child``.
    Raises :class:`ParamArithmeticError` when any count or the trainable split
    disagrees with Keras.
    """
    if not isinstance(model, keras.Model):
        raise ParamArithmeticError(
            f"params: {model.name} of type {type(model).__name__} is not a keras.Model"
        )
    if not model.built:
        raise ParamArithmeticError(
            f"params: model {model.name} is not built; give it an Input first"
        )
    rows = _model_rows(model, "", True, {})
    _check_sum(model, model.name, rows)
    split = sum(r.trainable for r in rows), sum(r.non_trainable for r in rows)
    keras_split = size(model.trainable_weights), size(model.non_trainable_weights)
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
    """A Markdown table (Layer, Formula, Numbers, Parameters) and the summary's totals.

    A layer with non-trainable weights shows them in brackets, e.g. ``12 (6
    non-trainable)`` for BatchNormalization on 3 features. With ``layer_range`` (as
    given to ``model.summary``) the table has the rows the summary shows; every layer
    is still checked, and the totals are the whole model's, as in the summary. A
    compiled model whose optimizer is built gets a last row for the optimizer's
    variables, which summary() adds to "Total params".
    """
    if isinstance(model, keras.Model) and not model.built:
        # summary() prints an unbuilt model (each layer "0 (unbuilt)"); so does the page.
        return ("The model is not built yet, so it has no weights and `summary()` counts 0. "
                "Give it an `Input` (or call it on data) and this table shows where each "
                "layer's count comes from.\n")
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
    opt = optimizer_row(model)
    if opt is not None:
        lines.append(f"| `{_cell(opt.name)}` ({opt.kind} optimizer) | {_cell(opt.formula)} "
                     f"| {_cell(opt.numbers)} | {opt.count:,} (optimizer) |")
    weights = sum(r.count for r in rows)
    trainable = sum(r.trainable for r in rows)
    if shown is not rows:
        lines += ["", f"Rows for {len(shown)} of the {len(rows)} layers, as in the summary; "
                      "totals for the whole model."]
    lines += [
        "",
        f"- Total params: {weights + (opt.count if opt else 0):,}",
        f"- Trainable params: {trainable:,}",
        f"- Non-trainable params: {weights - trainable:,}",
    ]
    if opt is not None:
        lines += [f"- Optimizer params: {opt.count:,} (the optimizer's own variables, not "
                  "the model's; summary() adds them to the total)"]
    if any(r.source == "weights" for r in shown):
        lines += ["", "Rows that say *read from its weights* list the layer's own variables: "
                      "no formula describes that class, so the count is the sum of their "
                      "shapes, checked against Keras."]
    return "\n".join(lines) + "\n"
