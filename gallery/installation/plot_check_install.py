"""
Check a Keras installation
==========================

Print the Keras version, the backend Keras runs on and the devices that backend can
compute on, then run a small computation and a short training run to prove they work.
"""

# sphinx_gallery_budget = {"quick": 120, "full": 240}

# %%
# ## Setup
#
# The backend is chosen when `keras` is first imported, from the `KERAS_BACKEND`
# environment variable or, if it is not set, from the `backend` entry of
# `~/.keras/keras.json` (TensorFlow when neither says otherwise).
import os

import keras
import numpy as np

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Versions and backend
#
# `keras.config` reports the settings this process started with. Keras has already
# imported the backend library, so its version can be read without importing it again.
import sys

backend = keras.config.backend()
keras_version = keras.__version__
backend_version = getattr(sys.modules.get(backend), "__version__", "?")
print("Keras version:   ", keras_version)
print("backend:         ", backend)
print("backend version: ", backend_version)
print("KERAS_BACKEND:   ", os.environ.get("KERAS_BACKEND", "(not set)"))
print("float type:      ", keras.config.floatx())
print("image format:    ", keras.config.image_data_format())

# %%
# ## Devices the backend sees
#
# Each backend lists its devices its own way, so this is the one place where the script
# imports the backend library, and only the one in use. Keras puts work on the first GPU
# when the backend sees one, and on the CPU otherwise.


def visible_devices():
    """The devices the current backend can compute on, as readable strings."""
    if backend == "tensorflow":
        import tensorflow as tf

        return [f"{d.device_type} {d.name}" for d in tf.config.list_physical_devices()]
    if backend == "jax":
        import jax

        return [f"{d.platform} {d.device_kind} ({d})" for d in jax.devices()]
    if backend == "torch":
        import torch

        gpus = [f"cuda:{i} {torch.cuda.get_device_name(i)}"
                for i in range(torch.cuda.device_count())]
        return ["cpu", *gpus]
    return [f"(no device listing written for the {backend} backend)"]


devices = visible_devices()
for device in devices:
    print(device)
print("GPU available:", any("GPU" in d.upper() or "cuda" in d for d in devices))

# %%
# ## A computation with keras.ops
#
# `keras.ops` is the NumPy-like API that every backend implements. The result is a
# tensor of the backend (its type shows which), placed on the backend's default device;
# `convert_to_numpy` brings it back as a NumPy array.
x = keras.ops.reshape(keras.ops.arange(6, dtype="float32"), (2, 3))
w = keras.ops.ones((3, 2))
y = keras.ops.matmul(x, w) + 1.0
print("tensor type:", type(y).__module__, type(y).__name__)
print("placed on:  ", getattr(y, "device", "?"))
print(keras.ops.convert_to_numpy(y))

# %%
# `keras.device` places the operations in its block on a named device, the same way on
# every backend. Here it pins a softmax to the CPU.
with keras.device("cpu:0"):
    probabilities = keras.ops.softmax(keras.ops.convert_to_tensor([1.0, 2.0, 3.0]))
print("softmax on CPU:", np.round(keras.ops.convert_to_numpy(probabilities), 3))

# %%
# ## One training run
#
# Computing is half of it; training also needs gradients and an optimizer. A tiny model
# fitted for a few epochs on random data checks the whole path: if the loss goes down,
# the installation works.
inputs = np.random.default_rng(42).normal(size=(64, 4)).astype("float32")
targets = inputs.sum(axis=1, keepdims=True)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
# compile's default, jit_compile="auto", is resolved per backend; fit compiles (XLA) or not
jit_compile = model.jit_compile
print("jit_compile:", jit_compile)
epochs = 5 if QUICK else 20
history = model.fit(inputs, targets, epochs=epochs, batch_size=16, verbose=0)
print(f"loss: {history.history['loss'][0]:.3f} after epoch 1, "
      f"{history.history['loss'][-1]:.3f} after epoch {epochs}")
