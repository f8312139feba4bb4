"""
Convolve, pool and classify handwritten digits
==============================================

Apply an edge-detecting kernel to a real 8x8 digit, count the parameters of the CNN layers,
then train a small convolutional network on scikit-learn's digits and look at its feature maps.
"""

# %%
# ## Setup
#
# Fix every random seed so the build produces the same numbers each time. The budget
# variable lets the test suite run the same script with fewer epochs.
import os

import keras
import numpy as np

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Prepare the data
#
# scikit-learn ships 1,797 real handwritten digits, each an 8x8 image of grey levels from
# 0 to 16. A convolutional layer expects images as (height, width, channels), so we scale
# the pixels to [0, 1] and add a channel axis of size 1 (grey).
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
images = (digits.images / 16.0).astype("float32")[..., np.newaxis]
x_train, x_test, y_train, y_test = train_test_split(
    images, digits.target, test_size=0.2, stratify=digits.target, random_state=42
)
print("train:", x_train.shape, " test:", x_test.shape, " classes:", np.unique(y_train))

# %%
# ## A convolution by hand
#
# A convolution slides a small grid of weights, the kernel, over the image. At each
# position it multiplies the kernel by the pixels under it and **sums** the products (plus
# a bias): one output pixel. The Sobel kernel below weighs the right column against the
# left one, so it responds to vertical edges: positive where the image gets brighter from
# left to right, negative where it gets darker. We put it into a `Conv2D` layer with one
# filter and no bias by setting the layer's weights.
from keras import layers

sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype="float32")
edge_layer = layers.Conv2D(filters=1, kernel_size=3, use_bias=False)
edge_layer.build((None, 8, 8, 1))
edge_layer.set_weights([sobel_x.reshape(3, 3, 1, 1)])  # (height, width, in, out)

digit = x_train[:1]  # a batch of one image: (1, 8, 8, 1)
edges = keras.ops.convert_to_numpy(edge_layer(digit))
print("input:", digit.shape, "-> output:", edges.shape)

# %%
# With no padding (`padding="valid"`, the default) the 3x3 kernel fits in 6x6 positions,
# so the 8x8 image becomes a 6x6 map. One output pixel, recomputed with NumPy, is exactly
# the sum of the element-wise products. Keras, like every deep learning library, does not
# flip the kernel (strictly, a cross-correlation); the network learns its kernels, so the
# difference does not matter.
patch = digit[0, 2:5, 3:6, 0]  # the 3x3 pixels under the kernel at output (2, 3)
print("patch:\n", np.round(patch, 2))
print("sum(patch * kernel) =", round(float(np.sum(patch * sobel_x)), 4))
print("Conv2D output[2, 3] =", round(float(edges[0, 2, 3, 0]), 4))
same = keras.ops.conv(digit, sobel_x.reshape(3, 3, 1, 1))  # the function behind the layer
print("keras.ops.conv gives the same map:", np.allclose(keras.ops.convert_to_numpy(same), edges))

# %%
# ## Plot the edge map
#
# Side by side: the digit, the kernel and the edge map. The left edges of the strokes light
# up in one colour and the right edges in the other.
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4))
panels = [(digit[0, :, :, 0], f"Digit {y_train[0]} (8x8 input)", "gray_r"),
          (sobel_x, "Sobel kernel (3x3)", "coolwarm"),
          (edges[0, :, :, 0], "Vertical edges (6x6 output)", "coolwarm")]
for ax, (image, title, cmap) in zip(axes, panels):
    limit = np.abs(image).max()
    shown = ax.imshow(image, cmap=cmap, vmin=0 if cmap == "gray_r" else -limit, vmax=limit)
    ax.set(title=title, xlabel="column", ylabel="row",
           xticks=range(image.shape[1]), yticks=range(image.shape[0]))
    fig.colorbar(shown, ax=ax, shrink=0.8)
fig.tight_layout()
plt.show()

# %%
# ## Pooling
#
# A pooling layer shrinks a map by keeping one number per window: `MaxPooling2D(2)` keeps
# the largest of each 2x2 block, halving height and width. It has no weights; it makes
# the next layer see a wider part of the image and makes small shifts matter less.
pooled = layers.MaxPooling2D(pool_size=2)(edges)
print("edge map", edges.shape, "-> pooled", tuple(pooled.shape))
print(np.round(keras.ops.convert_to_numpy(pooled)[0, :, :, 0], 2))

# %%
# ## The seeds' 28x28 model
#
# The course notes build a CNN for 28x28 grey images (MNIST's size) and three classes: two
# convolutions with 3x3 kernels, then `Flatten`, which unrolls the last feature maps into
# one vector so that a `Dense` layer can classify it. A filter of a `Conv2D` layer has one
# 3x3 kernel per input channel plus one bias, whatever the image size.
seed_cnn = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(filters=32, kernel_size=3, activation="relu"),
        layers.Conv2D(8, kernel_size=3, activation="relu"),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ],
    name="seed_cnn_28x28",
)
seed_cnn.summary()
conv_params = [layer.count_params() for layer in seed_cnn.layers[:2]]
flat_inputs = seed_cnn.layers[2].output.shape[-1]  # what Flatten hands to Dense
dense_params = seed_cnn.layers[3].count_params()
seed_params = seed_cnn.count_params()

# %%
# The convolutions are cheap: {{ conv_params[0] | , }} and {{ conv_params[1] | , }}
# parameters. The last layer holds {{ dense_params | , }} of the {{ seed_params | , }},
# because `Flatten` turns the 24 x 24 x 8 maps into {{ flat_inputs | , }} inputs, each
# connected to 3 outputs.
#
# ## The seeds' functional CNN on 64x64 images
#
# The second model takes 64x64 grey images: two convolution + pooling blocks, then
# `Dense(10)` and `Dense(1, sigmoid)` for a yes/no answer. As written in the notes it has
# no `Flatten`.
inputs = keras.Input(shape=(64, 64, 1))
x = layers.Conv2D(32, kernel_size=4, activation="relu")(inputs)
x = layers.MaxPooling2D(pool_size=(2, 2))(x)
x = layers.Conv2D(16, kernel_size=4, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=(2, 2))(x)
x = layers.Dense(10, activation="relu")(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
functional_cnn = keras.Model(inputs, outputs, name="seed_cnn_64x64")
functional_cnn.summary()
functional_params = functional_cnn.count_params()

# %%
# The count matches the notes, {{ functional_params | , }}, but look at the output shape:
# {{ outputs.shape }}. A
# `Dense` layer only mixes the **last** axis, so on a 4-D tensor it acts on each of the
# 13 x 13 positions separately, with the same 16 x 10 + 10 weights. The model answers 169
# times per image, once per position, not once per image.
#
# ## The same CNN with Flatten
#
# Adding `Flatten()` before the dense layers gives one answer per image. The parameter
# count grows, because `Dense(10)` now connects all 13 x 13 x 16 values to each unit.
inputs = keras.Input(shape=(64, 64, 1))
x = layers.Conv2D(32, kernel_size=4, activation="relu")(inputs)
x = layers.MaxPooling2D(pool_size=(2, 2))(x)
x = layers.Conv2D(16, kernel_size=4, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=(2, 2))(x)
x = layers.Flatten()(x)
flat_values = x.shape[-1]  # 13 x 13 x 16 values per image
x = layers.Dense(10, activation="relu")(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
flat_cnn = keras.Model(inputs, outputs, name="seed_cnn_64x64_flatten")
flat_cnn.summary()
flat_params = flat_cnn.count_params()
flat_dense_params = flat_cnn.layers[-2].count_params()  # Dense(10)

# %%
# One output per image, {{ outputs.shape }}, and {{ flat_params | , }} parameters:
# {{ flat_values | , }} x 10 + 10 = {{ flat_dense_params | , }} of them in `Dense(10)`.
#
# ## Draw the model
#
# As in the notes, `keras.utils.plot_model` draws the graph with each layer's output shape.
# It needs the `pydot` package and Graphviz's `dot` program; without them we say so.
try:
    keras.utils.plot_model(flat_cnn, to_file="cnn_64x64.png", show_shapes=True, dpi=60)
except ImportError as error:  # pydot or Graphviz missing, in a plain script
    print(f"Diagram skipped: {error}")
if os.path.exists("cnn_64x64.png"):  # in a notebook Keras only prints why it drew nothing
    diagram = plt.imread("cnn_64x64.png")
    fig, ax = plt.subplots(figsize=(diagram.shape[1] / 120, diagram.shape[0] / 120))
    ax.imshow(diagram)
else:  # still a figure, so the figures after it keep their numbers
    fig, ax = plt.subplots(figsize=(6, 1))
    ax.text(0.5, 0.5, "Diagram not drawn: install pydot and Graphviz", ha="center")
ax.set_axis_off()
ax.set_title("The 64x64 CNN with Flatten, layer by layer")
plt.show()

# %%
# ## Build the model
#
# For the 8x8 digits, two small convolution blocks are enough. `padding="same"` pads the
# border with zeros so a convolution keeps the map size; each pooling halves it
# (8 -> 4 -> 2). The last layer has one unit per digit with softmax.
model = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(10, activation="softmax", name="digit"),
    ],
    name="digits_cnn",
)
model.summary()
n_params = model.count_params()

# %%
# ## Train
#
# The labels are integers 0-9, so the loss is *sparse* categorical cross-entropy (no
# one-hot encoding needed). A fifth of the training images validate each epoch.
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
epochs = 3 if QUICK else 30
batch_size = 32
history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                    validation_split=0.2, verbose=0)
for epoch in (0, epochs // 2, epochs - 1):
    logs = {name: round(values[epoch], 3) for name, values in history.history.items()}
    print(f"epoch {epoch + 1}: {logs}")

# %%
# The learning curves: training and validation accuracy after each epoch.
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(history.history["accuracy"], label="training")
ax.plot(history.history["val_accuracy"], label="validation")
ax.set(title="Digits CNN accuracy per epoch", xlabel="Epoch", ylabel="Accuracy")
ax.legend()
plt.show()

# %%
# ## Evaluate
#
# The test digits were held out of training and of validation: they measure how well the
# network does on digits it has never seen.
scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print({name: round(value, 3) for name, value in scores.items()})
predicted = model.predict(x_test, verbose=0).argmax(axis=1)
print("predicted:", predicted[:12])
print("true:     ", y_test[:12])

# %%
# On the {{ x_test.shape[0] }} held-out digits the network is right
# {{ scores['accuracy'] | .0% }} of the time after {{ epochs }} epochs, with
# {{ n_params | , }} parameters.
#
# ## Feature maps
#
# What does the first convolution see? A model from the same input to the `conv1` layer's
# output returns its 16 feature maps for any image (Keras 3's replacement for
# `keras.backend.function`). Each map is one learned kernel applied to the digit: some pick
# out edges on one side, some fill in strokes, some the background.
feature_model = keras.Model(model.inputs, model.get_layer("conv1").output)
maps = feature_model.predict(x_test[:1], verbose=0)[0]
print("feature maps:", maps.shape)

fig, axes = plt.subplots(2, 9, figsize=(11, 2.8))
axes[0, 0].imshow(x_test[0, :, :, 0], cmap="gray_r")
axes[0, 0].set_title(f"input ({y_test[0]})", fontsize=8)
axes[1, 0].set_axis_off()
for i, ax in enumerate(axes[:, 1:].ravel()):
    ax.imshow(maps[:, :, i], cmap="viridis")
    ax.set_title(f"map {i}", fontsize=8)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("The 16 feature maps of conv1 for one test digit")
fig.supxlabel("column")
fig.supylabel("row")
plt.show()
