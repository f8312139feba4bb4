"""
Save a model with a custom layer
================================

Write a layer of your own with a trainable weight, put it after augmentation layers in a
small digits CNN, and save and reload the whole model in the `.keras` format.
"""

# sphinx_gallery_budget = {"quick": 120, "full": 300}

# %%
# ## Setup
#
# Seed everything; the quick budget (the tests) trains for fewer epochs.
import os

import keras
import numpy as np
from keras import layers, ops

keras.utils.set_random_seed(0)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"

# %%
# ## Prepare the data
#
# scikit-learn's handwritten digits: 8x8 images with pixel values from 0 to 16.
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
images = digits.images[..., np.newaxis].astype("float32")
x_train, x_test, y_train, y_test = train_test_split(
    images, digits.target, test_size=0.25, stratify=digits.target, random_state=0)
print("train:", x_train.shape, " test:", x_test.shape)

# %%
# ## A custom layer
#
# A layer of our own: it multiplies each channel by a learned factor. `build` creates
# its weight once the input's channel count is known; `get_config` lists what
# `__init__` needs to rebuild it. Registering the class lets `keras.saving.load_model`
# find it again by name.


@keras.saving.register_keras_serializable(package="reference")
class ChannelScale(layers.Layer):
    def __init__(self, initial=1.0, **kwargs):
        super().__init__(**kwargs)
        self.initial = initial

    def build(self, input_shape):
        self.scale = self.add_weight(
            shape=(input_shape[-1],), initializer=keras.initializers.Constant(self.initial),
            name="scale")

    def call(self, inputs):
        return inputs * self.scale

    def get_config(self):
        return {**super().get_config(), "initial": self.initial}


# %%
# ## Build the model
#
# Rescaling maps the pixels to [0, 1]; the random layers shift and turn each training
# image a little (and do nothing at inference). The custom layer sits after the
# convolution. Keras knows no formula for our layer, so its row in the table under the
# summary is read from its weights; the augmentation layers have none.
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Rescaling(1 / 16),
    layers.RandomTranslation(0.1, 0.1),
    layers.RandomRotation(0.05),
    layers.Conv2D(16, 3, activation="relu"),
    ChannelScale(name="channel_scale"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
], name="digits_custom")
model.summary()

# %%
# ## Train
#
# A few epochs; augmentation makes each epoch's images slightly different.
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
epochs = 5 if QUICK else 40
history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0,
                    validation_split=0.2)
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy after {epochs} epochs: {test_accuracy:.3f}")

# %%
# ## Save and reload
#
# The `.keras` file holds the architecture (with each layer's `get_config`), the weights
# and the optimizer state. Reloaded, the model predicts exactly what the original does.
model.save("digits_custom.keras")
reloaded = keras.saving.load_model("digits_custom.keras")
same = bool(np.allclose(model.predict(x_test, verbose=0), reloaded.predict(x_test, verbose=0)))
print("reloaded layer:", type(reloaded.get_layer("channel_scale")).__name__)
print("same predictions:", same)
scales = ops.convert_to_numpy(reloaded.get_layer("channel_scale").scale)
print("learned scales:", np.round(scales, 2))

# %%
# ## Without registration
#
# Loading the file where the class is not registered fails: Keras finds only the name
# `reference>ChannelScale` in the file. We unregister it to show the error a reader gets.
keras.saving.get_custom_objects().pop("reference>ChannelScale")
try:
    keras.saving.load_model("digits_custom.keras")
except TypeError as error:
    reason = [line for line in str(error).splitlines() if "Could not locate" in line]
    print(type(error).__name__ + ":", (reason or str(error).splitlines())[0].strip()[:200])
