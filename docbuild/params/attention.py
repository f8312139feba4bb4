"""Attention: multi-head and grouped-query projections, and the two scoring layers."""

from __future__ import annotations

import math

from .base import L, ParamArithmeticError, Part, formula, single

FAMILY = "Attention"


def _projections(projections, out: tuple[str, int, str, int, int], use_bias: bool) -> Part:
    """Dense projections: ``(inputs × heads × size + heads × size) + ...``, then the output.

    Each projection is (inputs symbol, inputs, heads symbol, heads, size symbol, size);
    ``out`` is (heads symbol, heads, size symbol, size, output features): the output
    projection maps heads × size back to the features, with one bias per feature.
    """
    formulas, numbers, count = [], [], 0
    for n_sym, n_in, h_sym, heads, s_sym, per in projections:
        f, n = f"{n_sym} × {h_sym} × {s_sym}", f"{n_in} × {heads} × {per}"
        if use_bias:
            f, n = f"({f} + {h_sym} × {s_sym})", f"({n} + {heads} × {per})"
        formulas.append(f)
        numbers.append(n)
        count += n_in * heads * per + (heads * per if use_bias else 0)
    h_sym, heads, s_sym, per, features = out
    f, n = f"{h_sym} × {s_sym} × out_features", f"{heads} × {per} × {features}"
    if use_bias:
        f, n = f"({f} + out_features)", f"({n} + {features})"
    count += heads * per * features + (features if use_bias else 0)
    return Part(" + ".join(formulas + [f]), " + ".join(numbers + [n]), count)


def _shapes(layer, shape) -> tuple[int, int, int]:
    """Last axes of the query, value and key build shapes (key defaults to value)."""
    if not isinstance(shape, dict) or "query_shape" not in shape:
        raise ParamArithmeticError(f"params: layer {layer.name}: no query/value build shapes")
    query, value = int(shape["query_shape"][-1]), int(shape["value_shape"][-1])
    key = int((shape.get("key_shape") or shape["value_shape"])[-1])
    return query, value, key


@formula(L.MultiHeadAttention, family=FAMILY,
         words="four dense projections (query, key, value to heads × key_dim or value_dim, "
               "and heads × value_dim back to the output features), each with a bias when "
               "use_bias; a fifth, gate, projection with use_gate")
def multi_head_attention(layer, config, shape) -> Part:
    """MultiHeadAttention: four dense projections, each with a bias when ``use_bias``.

    query, key and value features are projected to ``heads × key_dim`` (query,
    key) and ``heads × value_dim`` (value); the output projection maps
    ``heads × value_dim`` back to the query's features (or ``output_shape``).
    """
    query, value, key = _shapes(layer, shape)
    heads, key_dim = config["num_heads"], config["key_dim"]
    value_dim = config["value_dim"] or key_dim
    out_shape = config["output_shape"]
    if isinstance(out_shape, int):
        out_shape = (out_shape,)
    out = math.prod(out_shape) if out_shape else query
    projections = [
        ("q_features", query, "heads", heads, "key_dim", key_dim),
        ("k_features", key, "heads", heads, "key_dim", key_dim),
        ("v_features", value, "heads", heads, "value_dim", value_dim),
    ]
    if config.get("use_gate"):
        projections.append(("q_features", query, "heads", heads, "value_dim", value_dim))
    return _projections(projections, ("heads", heads, "value_dim", value_dim, out),
                        config["use_bias"])


@formula(L.GroupQueryAttention, family=FAMILY,
         words="query (features × query heads × head_dim), key and value (features × "
               "key/value heads × head_dim), output (query heads × head_dim × features), "
               "each with a bias when use_bias; a gate projection with use_gate")
def group_query_attention(layer, config, shape) -> Part:
    """GroupQueryAttention: fewer key/value heads than query heads.

    The key and value projections have ``num_key_value_heads`` heads, shared by
    groups of query heads; the output maps every query head back to the query's
    features.
    """
    query, value, key = _shapes(layer, shape)
    q_heads, kv_heads, head = (config["num_query_heads"], config["num_key_value_heads"],
                               config["head_dim"])
    projections = [
        ("q_features", query, "query_heads", q_heads, "head_dim", head),
        ("k_features", key, "kv_heads", kv_heads, "head_dim", head),
        ("v_features", value, "kv_heads", kv_heads, "head_dim", head),
    ]
    if config.get("use_gate"):
        projections.append(("q_features", query, "query_heads", q_heads, "head_dim", head))
    return _projections(projections, ("query_heads", q_heads, "head_dim", head, query),
                        config["use_bias"])


@formula(L.Attention, family=FAMILY,
         words="no weights, or 1 with use_scale (a learned scalar temperature), plus 1 "
               "with score_mode='concat' (a learned scalar on the concat score)")
def attention(layer, config, shape) -> Part:
    """Attention (Luong): dot-product scores; ``use_scale`` learns one scalar that
    scales them, ``score_mode="concat"`` one more scalar weight on the tanh score."""
    scalars = [n for n, on in (("scale", config["use_scale"]),
                               ("concat_score_weight", config["score_mode"] == "concat")) if on]
    if not scalars:
        return Part("no weights: dot-product scores (use_scale=False)", "0", 0,
                    source="no weights")
    return Part(" + ".join(f"1 ({n})" for n in scalars), " + ".join("1" for _ in scalars),
                len(scalars))


@formula(L.AdditiveAttention, family=FAMILY,
         words="features of the query with use_scale (one learned scale per feature), "
               "else no weights")
def additive_attention(layer, config, shape) -> Part:
    """AdditiveAttention (Bahdanau): with ``use_scale`` one learned scale per feature
    of the query, multiplying the tanh scores before they are summed."""
    if not config["use_scale"]:
        return Part("no weights: unscaled additive scores (use_scale=False)", "0", 0,
                    source="no weights")
    features = single(layer, shape)[-1]
    return Part("query features (scale)", str(features), int(features))
