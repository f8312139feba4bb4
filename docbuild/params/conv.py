"""Convolutions: plain, grouped, transposed, depthwise, separable, and the STFT kernels."""

from __future__ import annotations

from .base import L, ParamArithmeticError, Part, channels, formula, plus_bias, product

FAMILY = "Convolution"

KERNEL_SYMBOLS = {
    1: ["kernel"],
    2: ["kernel_h", "kernel_w"],
    3: ["kernel_d", "kernel_h", "kernel_w"],
}


def kernel(config) -> tuple[list[str], list[int]]:
    """Kernel factors: ``kernel_h × kernel_w`` symbols and their values from config."""
    size = [int(k) for k in config["kernel_size"]]
    return list(KERNEL_SYMBOLS[len(size)]), size


@formula(L.Conv1D, L.Conv2D, L.Conv3D, family=FAMILY,
         words="kernel positions × (channels / groups) × filters + filters (no bias with "
               "use_bias=False)")
def conv(layer, config, shape) -> Part:
    """ConvND: each filter sees every kernel position of (channels / groups) channels.

    With ``groups=g`` the channels are split into g independent groups, so each
    filter only connects to channels / g of them: g times fewer weights.
    """
    symbols, values = kernel(config)
    inputs, groups, filters = channels(layer, config, shape), config["groups"], config["filters"]
    if inputs % groups:
        raise ParamArithmeticError(
            f"params: layer {layer.name}: {inputs} channels do not split into {groups} groups"
        )
    text, numbers, weights = product(symbols, values)
    if groups == 1:
        text += " × channels × filters"
        numbers += f" × {inputs} × {filters}"
    else:
        text += " × (channels / groups) × filters"
        numbers += f" × ({inputs} / {groups}) × {filters}"
    weights *= inputs // groups * filters
    bias = filters if config["use_bias"] else None
    return plus_bias(text, numbers, weights, bias, "filters")


@formula(L.Conv1DTranspose, L.Conv2DTranspose, L.Conv3DTranspose, family=FAMILY,
         words="kernel positions × filters × channels + filters: a convolution's count, "
               "run backwards")
def conv_transpose(layer, config, shape) -> Part:
    """ConvNDTranspose: the same kernel count as a convolution, run backwards."""
    if config.get("groups", 1) != 1:
        raise ParamArithmeticError(f"params: no formula for grouped transpose {layer.name}")
    symbols, values = kernel(config)
    inputs, filters = channels(layer, config, shape), config["filters"]
    text, numbers, weights = product(symbols + ["filters", "channels"],
                                     values + [filters, inputs])
    bias = filters if config["use_bias"] else None
    return plus_bias(text, numbers, weights, bias, "filters")


@formula(L.DepthwiseConv1D, L.DepthwiseConv2D, family=FAMILY,
         words="kernel positions × channels × depth_multiplier + channels × depth_multiplier")
def depthwise(layer, config, shape) -> Part:
    """DepthwiseConvND: each channel gets its own ``depth_multiplier`` kernels.

    No mixing across channels, hence no ``× filters`` factor; the bias has one
    entry per output channel (channels × depth_multiplier).
    """
    symbols, values = kernel(config)
    inputs, mult = channels(layer, config, shape), config["depth_multiplier"]
    text, numbers, weights = product(symbols + ["channels", "depth_multiplier"],
                                     values + [inputs, mult])
    if not config["use_bias"]:
        return Part(text, numbers, weights)
    return Part(f"{text} + channels × depth_multiplier",
                f"{numbers} + {inputs} × {mult}", weights + inputs * mult)


@formula(L.SeparableConv1D, L.SeparableConv2D, family=FAMILY,
         words="a depthwise step (kernel positions × channels × depth_multiplier), then a "
               "1×1 pointwise step (channels × depth_multiplier × filters) + filters")
def separable(layer, config, shape) -> Part:
    """SeparableConvND: a depthwise step, then a 1×1 pointwise step that mixes channels."""
    symbols, values = kernel(config)
    inputs, mult, filters = (channels(layer, config, shape), config["depth_multiplier"],
                             config["filters"])
    text, numbers, depthwise_count = product(symbols + ["channels", "depth_multiplier"],
                                             values + [inputs, mult])
    text += " + channels × depth_multiplier × filters"
    numbers += f" + {inputs} × {mult} × {filters}"
    weights = depthwise_count + inputs * mult * filters
    bias = filters if config["use_bias"] else None
    return plus_bias(text, numbers, weights, bias, "filters")


@formula(L.STFTSpectrogram, family="Preprocessing",
         words="frame_length × (fft_length / 2 + 1) for each of the real and imaginary "
               "Fourier kernels (one of them in mode real or imag)")
def stft(layer, config, shape) -> Part:
    """STFTSpectrogram: the Fourier transform as 1-D convolution kernels.

    Each kernel has one filter per frequency bin (``fft_length // 2 + 1``) over a
    frame; ``fft_length`` defaults to the power of two at or above ``frame_length``.
    """
    frame = config["frame_length"]
    fft = config["fft_length"] or 1 << (frame - 1).bit_length()
    kernels = [k for k, skip in (("real", "imag"), ("imag", "real")) if config["mode"] != skip]
    bins = fft // 2 + 1
    per = frame * bins
    return Part(f"{len(kernels)} × frame_length × (fft_length / 2 + 1) "
                f"({', '.join(kernels)} kernels)",
                f"{len(kernels)} × {frame} × ({fft} / 2 + 1)" if fft % 2 == 0 else
                f"{len(kernels)} × {frame} × {bins}",
                len(kernels) * per)
