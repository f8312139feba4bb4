"""
Save, reload and take apart a trained model
===========================================

Save a whole model to a `.keras` file, its weights alone to `.weights.h5` and its
architecture to JSON, reload each, then reach inside: layers, weights, configs and a
sub-model that returns a hidden layer's activations.
"""

# %%
# ## Setup
#
# Fix the seeds so every build prints the same numbers; the budget variable lets the
# tests train for fewer epochs. We also quiet TensorFlow's warning about retracing:
# this script runs `predict` on several freshly loaded models in a row, on purpose.
import logging
import os

import keras
import numpy as np

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
logging.getLogger("tensorflow").setLevel(logging.ERROR)  # no retracing warnings

# %%
# ## Prepare the data
#
# scikit-learn's wine data: 178 wines, 13 chemical measurements each, from three
# cultivars. We scale the measurements and hold out a quarter for testing.
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

x, y = load_wine(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=0.25, stratify=y, random_state=42
)
scaler = StandardScaler().fit(x_train)
x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
print("train:", x_train.shape, " test:", x_test.shape)

# %%
# ## Build the model
#
# A functional model whose layers have names of our choosing, so that we can find them
# again later. The labels stay integers: `sparse_categorical_crossentropy` takes them
# as they are.
from keras import layers


def build_model():
    inputs = keras.Input(shape=(13,), name="measurements")
    hidden = layers.Dense(16, activation="relu", name="hidden")(inputs)
    outputs = layers.Dense(3, activation="softmax", name="cultivar")(hidden)
    return keras.Model(inputs=inputs, outputs=outputs, name="wine_classifier")


model = build_model()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.summary()

# %%
# The hidden layer holds 13 x 16 weights plus 16 biases (224 parameters), the output
# layer 16 x 3 plus 3 (51): 275 in all.
#
# ## Train
#
epochs = 10 if QUICK else 60
history = model.fit(x_train, y_train, epochs=epochs, batch_size=16, verbose=0)
print("final training accuracy:", round(history.history["accuracy"][-1], 3))
scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print("test:", {name: round(value, 4) for name, value in scores.items()})

# %%
# ## Save and reload the whole model
#
# `model.save("wine.keras")` writes everything needed to carry on where we stopped: the
# architecture, the weights, the compile settings (optimizer, loss, metrics) and the
# optimizer's state. `keras.models.load_model` gives back a model that is ready to
# predict, evaluate or continue training, with identical predictions.
model.save("wine.keras")
reloaded = keras.models.load_model("wine.keras")
before = model.predict(x_test, verbose=0)
after = reloaded.predict(x_test, verbose=0)
print("same predictions:", np.allclose(before, after))
print("reloaded optimizer:", type(reloaded.optimizer).__name__,
      "after", int(reloaded.optimizer.iterations), "steps")
scores = reloaded.evaluate(x_test, y_test, verbose=0, return_dict=True)
print("test:", {name: round(value, 4) for name, value in scores.items()})

# %%
# ## What a .keras file holds
#
# A `.keras` file is a zip archive: the architecture and compile settings as JSON, the
# Keras version that wrote it, and the weights in an HDF5 file.
import zipfile

with zipfile.ZipFile("wine.keras") as archive:
    for info in archive.infolist():
        print(f"{info.filename:<18} {info.file_size:>7,} bytes")

# %%
# ## Weights only
#
# `save_weights` stores just the numbers, in a file whose name must end in
# `.weights.h5`. To use them you need a model of the same architecture: here a fresh one
# from the same building function, whose random weights `load_weights` overwrites.
model.save_weights("wine.weights.h5")
twin = build_model()
print("fresh twin matches:", np.allclose(twin.predict(x_test, verbose=0), before))
twin.load_weights("wine.weights.h5")
print("after load_weights:", np.allclose(twin.predict(x_test, verbose=0), before))

# %%
# Keras 2 code saved weights as `weights.h5`; Keras 3 refuses that name:
try:
    model.save_weights("weights.h5")
except ValueError as error:
    print("ValueError:", error)

# %%
# ## Architecture only, as JSON
#
# `to_json` describes the layers, how they connect and the compile settings, without
# any weights; `keras.models.model_from_json` builds a new, untrained model from it
# (compiled, with a fresh optimizer). Together with a weights file this is a second way
# to rebuild the model. (Keras 2's `to_yaml` is gone.)
import json

architecture = model.to_json()
print(f"{len(architecture):,} characters; top-level keys:", sorted(json.loads(architecture)))
layer_configs = json.loads(architecture)["config"]["layers"]
print("layers:", [layer["config"]["name"] for layer in layer_configs])
rebuilt = keras.models.model_from_json(architecture)
print("compiled:", rebuilt.compiled, " optimizer steps:", int(rebuilt.optimizer.iterations))
rebuilt.load_weights("wine.weights.h5")
print("rebuilt + weights matches:", np.allclose(rebuilt.predict(x_test, verbose=0), before))
print("has to_yaml:", hasattr(model, "to_yaml"))

# %%
# ## The legacy .h5 format
#
# `model.save("wine.h5")` still writes a whole model in the old HDF5 format, with a
# warning that the format is legacy. It cannot store everything the `.keras` format can
# (custom objects, some compile settings), so use it only to hand a model to old code.
model.save("wine.h5")
legacy = keras.models.load_model("wine.h5")
print("legacy file predicts the same:", np.allclose(legacy.predict(x_test, verbose=0), before))

# %%
# ## Access the layers
#
# `model.layers` lists the layers in order (the input layer first, in a functional
# model); `get_layer` finds one by name. Each layer knows its symbolic input and output
# tensors and holds its weights.
for layer in model.layers:
    print(f"{layer.name:<13} {type(layer).__name__:<11} output shape {layer.output.shape}")
hidden = model.get_layer("hidden")
print("hidden.input: ", hidden.input)
print("hidden.output:", hidden.output)
print("hidden.weights:", [(w.path, tuple(w.shape)) for w in hidden.weights])

# %%
# ## Weights and configuration
#
# `get_weights` returns the layer's weights as NumPy arrays (kernel, then bias),
# `set_weights` puts arrays of the same shapes back, and `get_config` returns the
# settings the layer was created with: the recipe, not the numbers.
kernel, bias = hidden.get_weights()
print("kernel", kernel.shape, " bias", bias.shape)
config = hidden.get_config()
print({key: config[key] for key in ("name", "units", "activation", "use_bias")})

# Switch off the hidden layer's first neuron, then restore it.
keep = np.arange(16) != 0
hidden.set_weights([kernel * keep, bias * keep])
print("changed predictions:", not np.allclose(model.predict(x_test, verbose=0), before))
hidden.set_weights([kernel, bias])
print("restored predictions:", np.allclose(model.predict(x_test, verbose=0), before))

# %%
# ## A sub-model for a hidden layer's output
#
# Keras 2 courses used `keras.backend.function([inp], [out])` to map inputs to a
# layer's output; that function is gone. A functional `keras.Model` from the model's
# inputs to the layer's output does the same job, and shares the trained weights.
feature_extractor = keras.Model(inputs=model.inputs, outputs=model.get_layer("hidden").output)
activations = feature_extractor.predict(x_test[:3], verbose=0)
print("activations:", activations.shape)
print(np.round(activations[:, :6], 3))
by_hand = np.maximum(x_test[:3] @ kernel + bias, 0)  # relu(x W + b)
print("equals relu(x @ kernel + bias):", np.allclose(activations, by_hand, atol=1e-5))
print("keras.backend has function:", hasattr(keras.backend, "function"))
