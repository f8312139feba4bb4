"""
Initialize the weights of a deep stack
======================================

Follow the scale of the activations forward and of the gradients backward through 20
Dense layers with each of four initializers, then train a deep network with three of
them.
"""

# %%
# ## Setup
#
import os

import keras
import numpy as np
from keras import layers, ops

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## What the initializers draw
#
# A Dense layer starts with `kernel_initializer="glorot_uniform"` and
# `bias_initializer="zeros"`. Glorot (also called Xavier) draws the kernel uniformly
# in `[-limit, limit]` with `limit = sqrt(6 / (fan_in + fan_out))`, a variance of
# `2 / (fan_in + fan_out)`; He draws from a normal distribution, truncated at two
# standard deviations, with a variance of `2 / fan_in`. For a 100 x 100 kernel:
width = 100
initializers = {
    "RandomNormal(0.01)": keras.initializers.RandomNormal(stddev=0.01),
    "RandomNormal(1.0)": keras.initializers.RandomNormal(stddev=1.0),
    "GlorotUniform": keras.initializers.GlorotUniform(),
    "HeNormal": keras.initializers.HeNormal(),
}
drawn_std = {}
for name, initializer in initializers.items():
    drawn_std[name] = float(ops.std(initializer((width, width))))
    print(f"{name:18} standard deviation {drawn_std[name]:.4f}")
glorot_std, he_std = np.sqrt(2 / (2 * width)), np.sqrt(2 / width)
print(f"expected: Glorot {glorot_std:.4f}, He {he_std:.4f}")

# %%
# ## Build the deep stacks
#
# Twenty Dense layers of 100 units, all initialized the same way, as one functional
# model that returns every layer's output. Glorot's variance keeps the scale of a
# signal through a layer whose activation is linear near zero (tanh, sigmoid); ReLU
# zeroes half of its inputs, which halves the variance at every layer, and He's factor
# of 2 is there to make up for it. So each initializer is paired with the activation it
# is meant for, and the two extremes with tanh.
depth = 20
pairs = [
    ("RandomNormal(0.01)", "tanh"),
    ("RandomNormal(1.0)", "tanh"),
    ("GlorotUniform", "tanh"),
    ("GlorotUniform", "relu"),
    ("HeNormal", "relu"),
]


def deep_stack(initializer, activation):
    inputs = keras.Input(shape=(width,))
    outputs, h = [], inputs
    for _ in range(depth):
        h = layers.Dense(width, activation=activation,
                         kernel_initializer=initializers[initializer])(h)
        outputs.append(h)
    return keras.Model(inputs, outputs, name=f"{activation}_{initializer}")


stacks = {f"{init} + {act}": deep_stack(init, act) for init, act in pairs}
he_stack = stacks["HeNormal + relu"]
he_stack.summary(layer_range=[he_stack.layers[1].name, he_stack.layers[2].name])
stack_params = he_stack.count_params()

# %%
# ## Follow the activations forward
#
# A batch of 512 standard-normal inputs goes through each stack; at each layer we
# measure the standard deviation of its output.
x = keras.random.normal((512, width), seed=1)
activations, forward_std = {}, {}
for name, stack in stacks.items():
    activations[name] = [ops.convert_to_numpy(a) for a in stack(x)]
    forward_std[name] = [float(a.astype("float64").std()) for a in activations[name]]
    print(f"{name:28} layer 1: {forward_std[name][0]:.3g}   layer {depth}: "
          f"{forward_std[name][-1]:.3g}")

# %%
# ## Follow the gradients backward
#
# Backpropagation runs the same layers in reverse: the gradient with respect to a layer's
# input is the gradient with respect to its output, times the activation's slope, times
# the transposed kernel. We start from a unit-scale gradient at the top and apply the
# chain rule by hand with `keras.ops` (which runs on every backend), layer by layer.
def slope(activation, a):  # derivative of the activation, written with its output a
    return 1 - a**2 if activation == "tanh" else (a > 0).astype("float32")


backward_std = {}
for name, stack in stacks.items():
    activation = name.split(" + ")[1]
    grad = keras.random.normal((512, width), seed=2)  # d loss / d (last output)
    stds = []
    for layer, a in zip(reversed(stack.layers[1:]), reversed(activations[name])):
        grad = ops.matmul(ops.multiply(grad, slope(activation, a)), ops.transpose(layer.kernel))
        stds.append(float(ops.convert_to_numpy(grad).astype("float64").std()))
    backward_std[name] = stds[::-1]  # index 0 is the gradient at the first layer's input
    print(f"{name:28} gradient at layer {depth}: {backward_std[name][-1]:.3g}   "
          f"at layer 1: {backward_std[name][0]:.3g}")


def per_layer(stds):  # the average factor from one layer to the next
    return (stds[-1] / stds[0]) ** (1 / (len(stds) - 1))


forward_factor = {name: per_layer(stds) for name, stds in forward_std.items()}
backward_factor = {name: 1 / per_layer(stds) for name, stds in backward_std.items()}
for name in stacks:
    print(f"{name:28} per layer: forward x{forward_factor[name]:.3g}, "
          f"backward x{backward_factor[name]:.3g}")

# %%
# ## Plot the scales layer by layer
#
# On a logarithmic scale a constant factor per layer is a straight line. In the ReLU
# stack, the output scale changes by a factor of about
# {{ forward_factor['HeNormal + relu'] | .2f }} per layer with He's initializer and
# {{ forward_factor['GlorotUniform + relu'] | .2f }} with Glorot's, which over
# {{ depth }} layers is the difference between a usable signal and almost none.
import matplotlib.pyplot as plt

fig, (ax_f, ax_b) = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
layer_numbers = np.arange(1, depth + 1)
for name in stacks:
    ax_f.plot(layer_numbers, forward_std[name], marker=".", label=name)
    ax_b.plot(layer_numbers, backward_std[name], marker=".", label=name)
ax_f.set(title="Activations, forward", xlabel="Layer", ylabel="Standard deviation",
         yscale="log")
ax_b.set(title="Gradients, backward (at each layer's input)", xlabel="Layer",
         ylabel="Standard deviation", yscale="log")
ax_b.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# ## Prepare the data
#
# Does it matter once training starts? The digits, standardized, with a deep ReLU network
# trained by plain SGD, which (unlike Adam) takes steps in proportion to the gradient.
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

digits_x, digits_y = load_digits(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(digits_x, digits_y, test_size=0.3,
                                                  stratify=digits_y, random_state=42)
scaler = StandardScaler().fit(x_train)
x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
print("train:", x_train.shape, " validation:", x_val.shape)

# %%
# ## Build the model
#
# Ten hidden layers of 64 ReLU units; only the initializer changes.
n_hidden = 10


def make_classifier(initializer):
    keras.utils.set_random_seed(42)
    model = keras.Sequential([keras.Input(shape=(64,))], name="deep_digits")
    for _ in range(n_hidden):
        model.add(layers.Dense(64, activation="relu",
                               kernel_initializer=initializers[initializer]))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


make_classifier("HeNormal").summary()

# %%
# ## Train
#
epochs = 2 if QUICK else 8
batch_size = 32
curves = {}
for initializer in ["RandomNormal(0.01)", "GlorotUniform", "HeNormal"]:
    history = make_classifier(initializer).fit(
        x_train, y_train, validation_data=(x_val, y_val), validation_batch_size=1024,
        epochs=epochs, batch_size=batch_size, verbose=0)
    curves[initializer] = history.history
    print(f"{initializer:18} validation accuracy after {epochs} epochs: "
          f"{history.history['val_accuracy'][-1]:.3f}")

# %%
# ## Evaluate
#
# Chance is one digit in ten.
final_val_acc = {name: logs["val_accuracy"][-1] for name, logs in curves.items()}
fig, ax = plt.subplots(figsize=(7, 3.5))
for name, logs in curves.items():
    ax.plot(np.arange(1, epochs + 1), logs["val_accuracy"], marker=".", label=name)
ax.set(title=f"{n_hidden} ReLU layers trained with SGD", xlabel="Epoch",
       ylabel="Validation accuracy", ylim=(0, 1))
ax.legend()
plt.show()
