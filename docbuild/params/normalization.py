"""Normalization: batch, layer, group and RMS statistics, adapted data, spectral norm."""

from __future__ import annotations

import math

from .base import L, Part, built_shape, channels, dim, explain, formula, single

FAMILY = "Normalization"


def _learned(config, *, rms: bool = False) -> list[str]:
    """gamma with ``scale=True``, beta with ``center=True``."""
    return [n for n, on in (("gamma", config["scale"] or rms),
                            ("beta", config["center"] and not rms)) if on]


@formula(L.BatchNormalization, family=FAMILY,
         words="per feature: gamma (scale) and beta (center) learned, moving mean and variance "
               "non-trainable; renorm=True adds three more statistics")
def batch_norm(layer, config, shape) -> Part:
    """BatchNormalization: per feature, gamma and beta are learned; the moving mean
    and variance are statistics, updated by averaging, never by the optimizer.

    ``scale=False`` drops gamma, ``center=False`` drops beta; ``renorm=True``
    tracks three more statistics (moving stddev, renorm mean and stddev).
    """
    features = dim(layer, shape, config["axis"])
    learned = _learned(config)
    stats = ["moving mean", "moving variance"]
    if config.get("renorm"):
        stats += ["moving stddev", "renorm mean", "renorm stddev"]
    per_feature = len(learned) + len(stats)
    names = f"learned: {', '.join(learned)}; " if learned else ""
    names += f"statistics: {', '.join(stats)}"
    return Part(f"{per_feature} × features ({names})", f"{per_feature} × {features}",
                len(learned) * features, len(stats) * features)


def _per_features(layer, learned: list[str], dims: list[int]) -> Part:
    features = " × ".join(str(d) for d in dims)
    if len(dims) > 1:
        features = f"({features})"
    return Part(f"{len(learned)} × features ({', '.join(learned) or 'nothing learned'})",
                f"{len(learned)} × {features}", len(learned) * math.prod(dims))


def _axes(config) -> list[int]:
    axis = config["axis"]
    return list(axis) if isinstance(axis, (list, tuple)) else [axis]


@formula(L.LayerNormalization, family=FAMILY,
         words="gamma and beta, one per feature over the normalized axes (scale, center, "
               "rms_scaling choose which)")
def layer_norm(layer, config, shape) -> Part:
    """LayerNormalization: gamma and beta, one per feature over the normalized axes.

    Unlike BatchNormalization there are no moving statistics: every sample is
    normalized with its own mean and variance.
    """
    dims = [dim(layer, shape, a) for a in _axes(config)]
    return _per_features(layer, _learned(config, rms=config.get("rms_scaling", False)), dims)


@formula(L.GroupNormalization, family=FAMILY,
         words="gamma and beta, one per channel (not per group): the groups share "
               "statistics, not weights")
def group_norm(layer, config, shape) -> Part:
    """GroupNormalization: statistics over groups of channels, but gamma and beta per
    channel, so ``groups`` does not change the count."""
    return _per_features(layer, _learned(config), [dim(layer, shape, config["axis"])])


@formula(L.RMSNormalization, family=FAMILY,
         words="one learned scale per feature over the normalized axes")
def rms_norm(layer, config, shape) -> Part:
    """RMSNormalization: one learned scale per feature; no shift, no statistics."""
    dims = [dim(layer, shape, a) for a in _axes(config)]
    return _per_features(layer, ["scale"], dims)


@formula(L.Normalization, family=FAMILY,
         words="adapted (no mean given): mean and variance per kept feature + a count, all "
               "non-trainable; with mean and variance given, constants and no weights")
def normalization(layer, config, shape) -> Part:
    """Normalization: statistics of the data, stored but never trained.

    Without ``mean``/``variance`` the layer owns ``mean`` and ``variance`` variables, one
    entry per feature on the kept ``axis`` (a scalar with ``axis=None``), which
    ``adapt()`` fills, and a scalar ``count`` kept for old saved models. Given
    ``mean`` and ``variance``, they are constants, not weights.
    """
    if config["mean"] is not None:
        return Part("no weights: mean and variance given as constants", "0", 0,
                    source="no weights")
    full = single(layer, shape)
    kept = [full[a] for a in config["axis"] or ()]
    features = " × ".join(str(d) for d in kept) or "1"
    if len(kept) > 1:
        features = f"({features})"
    per = math.prod(kept)
    return Part("2 × features (mean, variance) + 1 (count), non-trainable",
                f"2 × {features} + 1", 0, 2 * per + 1)


def _kernel_columns(inner, shape) -> tuple[str, int]:
    """The kernel's last axis, whose size ``vector_u`` has, from the wrapped layer's config."""
    config = inner.get_config()
    if type(inner) in (L.Conv1DTranspose, L.Conv2DTranspose, L.Conv3DTranspose):
        return "channels", channels(inner, config, shape)  # kernel (..., filters, channels)
    for key in ("units", "filters", "output_dim", "depth_multiplier"):
        if key in config:
            return key, int(config[key])
    return "kernel's last axis", int(inner.kernel.shape[-1])


@formula(L.SpectralNormalization, family=FAMILY,
         words="the wrapped layer's weights + vector_u, one non-trainable entry per column "
               "of its kernel (units, filters or output_dim)")
def spectral_norm(layer, config, shape) -> Part:
    """SpectralNormalization: the wrapped layer's weights, plus ``vector_u`` (1 × the
    kernel's last axis), the power-iteration estimate of its top singular vector."""
    inner_shape = built_shape(layer.layer) or shape
    inner = explain(layer.layer, inner_shape)
    symbol, columns = _kernel_columns(layer.layer, inner_shape)
    return Part(f"{type(layer.layer).__name__}: {inner.formula} + {symbol} (vector_u)",
                f"{inner.numbers} + {columns}", inner.trainable, inner.non_trainable + columns,
                inner.source)
