"""
Plot activation functions and their derivatives
===============================================

Sigmoid, tanh, ReLU, leaky ReLU and softmax computed with `keras.activations`, their
derivatives from analytic formulas checked against finite differences.
"""

# %%
# ## Setup
#
# Everything here is computed with `keras.activations` and `keras.ops`, so it runs
# unchanged on every backend. No automatic differentiation is needed: each derivative
# has a short closed form, which we check numerically.
import inspect

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import activations, ops

keras.utils.set_random_seed(42)

# %%
# ## Four element-wise activations
#
# An activation is applied to each element of a layer's pre-activation `z = x @ W + b`.
# Without it, stacked Dense layers would collapse into a single linear map.
z = ops.linspace(-5.0, 5.0, 201)
functions = {
    "sigmoid": activations.sigmoid,
    "tanh": activations.tanh,
    "relu": activations.relu,
    "leaky_relu": activations.leaky_relu,
}
leaky_slope = inspect.signature(activations.leaky_relu).parameters["negative_slope"].default
probe = ops.convert_to_tensor([-3.0, -1.0, 0.0, 1.0, 3.0])
print("z:          ", ops.convert_to_numpy(probe))
for name, function in functions.items():
    print(f"{name:11} ", np.round(ops.convert_to_numpy(function(probe)), 3))

# %%
# Sigmoid squashes every input into (0, 1), tanh into (-1, 1); ReLU keeps positive values
# and zeroes negative ones; leaky ReLU lets a small fraction ({{ leaky_slope }}, its default
# `negative_slope`) of negative values through.
#
# ## Their derivatives
#
# Backpropagation multiplies gradients by the activation's derivative, so its size
# decides how well a layer learns. The closed forms use the function's own output.
def derivative(name, z):
    """Analytic derivative of an element-wise activation, with keras.ops only."""
    if name == "sigmoid":
        s = activations.sigmoid(z)
        return s * (1 - s)
    if name == "tanh":
        return 1 - activations.tanh(z) ** 2
    if name == "relu":
        return ops.cast(z > 0, "float32")  # 0 at z = 0 by convention
    if name == "leaky_relu":
        return ops.where(z > 0, 1.0, leaky_slope)
    raise ValueError(name)


def finite_difference(function, z, h=1e-3):
    """Central difference (f(z + h) - f(z - h)) / 2h, the check on each formula."""
    return (function(z + h) - function(z - h)) / (2 * h)


smooth = ops.convert_to_tensor([-4.0, -1.5, -0.2, 0.3, 2.0, 4.5])  # avoid the kink at 0
fd_error = {}
for name, function in functions.items():
    error = ops.max(ops.abs(derivative(name, smooth) - finite_difference(function, smooth)))
    fd_error[name] = float(error)
    print(f"{name:11} largest |analytic - finite difference| = {fd_error[name]:.1e}")
worst_fd_error = max(fd_error.values())

# %%
# The formulas agree with the numerical slopes to within {{ worst_fd_error | .0e }}, as close
# as a finite difference with the step `h=1e-3` gets in float32.
fig, axes = plt.subplots(2, 2, figsize=(8, 6), sharex=True)
z_np = ops.convert_to_numpy(z)
for ax, (name, function) in zip(axes.flat, functions.items()):
    ax.plot(z_np, ops.convert_to_numpy(function(z)), label=f"{name}(z)")
    ax.plot(z_np, ops.convert_to_numpy(derivative(name, z)), "--", label="derivative")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set(title=name, xlabel="z (pre-activation)", ylabel="value")
    ax.legend(loc="upper left")
fig.suptitle("Activation functions (solid) and their derivatives (dashed)")
fig.tight_layout()
plt.show()

# %%
# ## Vanishing gradients
#
# The sigmoid's derivative is at most 0.25 (at z = 0) and almost 0 once |z| > 5: a
# saturated unit passes back almost no gradient. Through many sigmoid layers these small
# factors multiply, which is why sigmoid hidden layers are not recommended for deep
# models. tanh is better (slope 1 at 0) but saturates too; ReLU's slope is exactly 1 for
# every positive input.
for name in functions:
    peak = float(ops.max(derivative(name, z)))
    print(f"{name:11} largest slope {peak:.2f}; after 10 layers at best {peak ** 10:.1e}")

# %%
# ReLU's slope is 0 for negative inputs: a unit whose inputs are always negative stops
# learning (a "dead" ReLU). Leaky ReLU keeps a small slope there.
#
# ## Softmax
#
# Softmax is not element-wise: it turns a whole vector of scores (logits) into
# probabilities that are positive and sum to 1, `exp(z_i) / sum_j exp(z_j)`. It is the
# output activation for choosing one class among several.
logits = ops.convert_to_tensor([[2.0, 1.0, 0.1]])
probabilities = activations.softmax(logits)
print("logits:       ", ops.convert_to_numpy(logits)[0])
print("softmax:      ", np.round(ops.convert_to_numpy(probabilities)[0], 3))
print("sum:          ", round(float(ops.sum(probabilities)), 6))
print("shift by +100:", np.round(ops.convert_to_numpy(activations.softmax(logits + 100))[0], 3))

# %%
# Adding the same number to every logit changes nothing: only differences matter. The
# derivative of softmax is a matrix (each output depends on every input), the Jacobian
# `J[i, j] = s_i (delta_ij - s_j)`; a finite difference per input checks it column by column.
s = probabilities[0]
jacobian = ops.diag(s) - ops.outer(s, s)
h = 1e-3
numeric = ops.stack(
    [(activations.softmax(logits + h * ops.one_hot(j, 3))
      - activations.softmax(logits - h * ops.one_hot(j, 3)))[0] / (2 * h) for j in range(3)],
    axis=1,
)
print("Jacobian:\n", np.round(ops.convert_to_numpy(jacobian), 3))
print("largest |analytic - finite difference| =",
      f"{float(ops.max(ops.abs(jacobian - numeric))):.1e}")

# %%
# With two classes, softmax of `[z, 0]` is exactly `sigmoid(z)`: a binary classifier can
# use one sigmoid output instead of two softmax outputs.
two_class = activations.softmax(ops.stack([z, ops.zeros_like(z)], axis=1))[:, 0]
print("largest |softmax([z, 0])[0] - sigmoid(z)| =",
      f"{float(ops.max(ops.abs(two_class - activations.sigmoid(z)))):.1e}")

fig, (ax_bar, ax_curve) = plt.subplots(1, 2, figsize=(9, 3.5))
positions = np.arange(3)
ax_bar.bar(positions - 0.2, ops.convert_to_numpy(logits)[0], width=0.4, label="logit")
ax_bar.bar(positions + 0.2, ops.convert_to_numpy(probabilities)[0], width=0.4,
           label="softmax probability")
ax_bar.set(title="Softmax of three scores", xlabel="Class", ylabel="Value",
           xticks=positions)
ax_bar.legend()
ax_curve.plot(z_np, ops.convert_to_numpy(two_class), label="softmax([z, 0])[0]")
ax_curve.plot(z_np, ops.convert_to_numpy(activations.sigmoid(z)), ":", lw=3, label="sigmoid(z)")
ax_curve.set(title="Two-class softmax equals sigmoid", xlabel="z", ylabel="Probability")
ax_curve.legend()
fig.tight_layout()
plt.show()

# %%
# ## Activations as strings, functions and layers
#
# A layer takes its activation by name (`activation="leaky_relu"`) or as a function.
# An activation with a setting of its own can also be a separate layer:
# `layers.LeakyReLU(negative_slope=...)`. Keras 2 called that setting `alpha`; Keras 3
# still accepts it, with a warning.
import warnings

from keras import layers

leaky_layer = layers.LeakyReLU(negative_slope=0.2)
same = ops.max(ops.abs(leaky_layer(z) - activations.get("leaky_relu")(z)))
print("LeakyReLU(negative_slope=0.2) layer == 'leaky_relu' function:", float(same) == 0.0)
layer_slope = layers.LeakyReLU().negative_slope
print("layer default negative_slope:", layer_slope, " function default:", leaky_slope)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    layers.LeakyReLU(alpha=0.1)  # the Keras 2 spelling
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
