"""
Look at the tensors inside a model
==================================

Read a layer's input, output and weight tensors, compute its outputs for real digits with
a sub-model, and check them against the matrix product the layer performs.
"""

# %%
# ## Setup
#
import os

import keras
import numpy as np
from keras import ops

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Prepare the data
#
# The 8x8 digits come unrowed as `digits.data`, shape `(1797, 64)`. Dividing by 16 puts
# the grey levels between 0 and 1.
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
x = (digits.data / 16.0).astype("float32")
x_train, x_test, y_train, y_test = train_test_split(
    x, digits.target, test_size=0.25, stratify=digits.target, random_state=42
)
print("train:", x_train.shape, x_train.dtype, " test:", x_test.shape)

# %%
# ## Build the model
#
# Sixteen hidden ReLU units and ten softmax outputs, one per digit.
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(64,), name="pixels"),
        layers.Dense(16, activation="relu", name="hidden"),
        layers.Dense(10, activation="softmax", name="digit"),
    ],
    name="digits_mlp",
)
model.summary()
hidden_kernel = model.get_layer("hidden").kernel
hidden_kernel_weights = int(np.prod(hidden_kernel.shape))

# %%
# The hidden layer's kernel is a {{ hidden_kernel.shape }} matrix
# ({{ hidden_kernel_weights | , }} weights) plus 16 biases; the output layer's is
# `(16, 10)` plus 10 biases.
#
# ## A layer's input, output and weights
#
# Every layer of a model that knows its input shape has symbolic input and output
# tensors (`KerasTensor`s): they carry a shape and a dtype but no values. `None` on
# the first axis stands for the batch size, which is only known when data arrives.
# Its weights are real tensors (`Variable`s) holding numbers.
first_layer = model.layers[0]  # the InputLayer is not in model.layers
print("layer:  ", first_layer.name)
print("input:  ", first_layer.input)
print("output: ", first_layer.output)
for weight in first_layer.weights:
    print("weight: ", weight.path, tuple(weight.shape), weight.dtype)

# %%
# ## Train
#
epochs = 5 if QUICK else 40
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=epochs, batch_size=32,
                    validation_split=0.2, verbose=0)
print(f"after {epochs} epochs: accuracy {history.history['accuracy'][-1]:.3f}, "
      f"val_accuracy {history.history['val_accuracy'][-1]:.3f}")

# %%
# ## From inputs to a layer's outputs
#
# To compute what a hidden layer outputs for real samples, build a second `Model` from
# the same input tensor to that layer's output tensor. It shares the trained weights; no
# copy is made.
hidden_model = keras.Model(inputs=model.inputs, outputs=first_layer.output)
hidden = hidden_model.predict(x_test, verbose=0)
print("hidden outputs:", hidden.shape, hidden.dtype)
print("first test digit:", np.round(hidden[0], 2))

# %%
# Keras 2 code did this with `keras.backend.function`, which Keras 3 removed.
print("keras.backend has function:", hasattr(keras.backend, "function"))

# %%
# ## What the layer computes
#
# A Dense layer is a dot product, a broadcast addition and an element-wise activation:
# `relu(x @ kernel + bias)`. Recomputing it with `keras.ops` from the layer's weights
# gives the sub-model's numbers.
kernel, bias = first_layer.weights
by_hand = ops.relu(ops.matmul(x_test, kernel) + bias)
print("shapes:", x_test.shape, "@", tuple(kernel.shape), "+", tuple(bias.shape),
      "->", ops.shape(by_hand))
# `predict` returned NumPy; `ops.subtract` converts it to a backend tensor first, where `-`
# would leave the mix to the backend (PyTorch refuses a GPU tensor minus a NumPy array).
print("largest difference:", float(ops.max(ops.abs(ops.subtract(by_hand, hidden)))))

# %%
# ## See the weights as images
#
# Each column of the kernel holds the 64 weights one hidden unit gives to the 64 pixels.
# Reshaped to 8x8, the reverse of unrowing, it shows which pixels push the unit up (red)
# or down (blue).
import matplotlib.pyplot as plt

columns = ops.convert_to_numpy(kernel).T.reshape(16, 8, 8)
limit = np.abs(columns).max()
fig, axes = plt.subplots(2, 8, figsize=(9, 3.2))
for unit, ax in enumerate(axes.flat):
    ax.imshow(columns[unit], cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.text(0.5, -0.06, str(unit), transform=ax.transAxes, ha="center", va="top", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Kernel columns of hidden units 0-15 as 8x8 images (red: positive weight)")
fig.supxlabel("Pixel column")
fig.supylabel("Pixel row")
fig.tight_layout()
plt.show()

# %%
# ## Evaluate
#
# The 16 hidden outputs are all the output layer sees of each digit.
scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print({name: round(value, 3) for name, value in scores.items()})
