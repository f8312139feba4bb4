"""
Compress handwritten digits with an autoencoder
===============================================

Build the course notes' 100-4-100 autoencoder and extract its encoder, then compress real 8x8
digits to 8 numbers and back, and compare the reconstructions with PCA's.
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
# ## The notes' autoencoder
#
# An autoencoder is trained to output its own input. The notes squeeze 100 inputs through
# a layer of 4 neurons (the **code**) and expand them back to 100, with a sigmoid so the
# outputs lie between 0 and 1 like the inputs. To reproduce them the network must fit what
# matters about the 100 numbers into 4.
from keras import layers

autoencoder = keras.Sequential(
    [
        keras.Input(shape=(100,)),
        layers.Dense(4, activation="relu"),
        layers.Dense(100, activation="sigmoid"),
    ],
    name="seed_autoencoder",
)
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
autoencoder.summary()
encode_params, decode_params = (layer.count_params() for layer in autoencoder.layers)

# %%
# 100 x 4 + 4 = {{ encode_params }} parameters to encode, 4 x 100 + 100 = {{ decode_params }}
# to decode.
#
# ## Prepare the data for it
#
# Data that can be compressed: each 100-number sample is generated from 4 hidden numbers
# (a sigmoid of 4 random factors mixed by a fixed random matrix), so 4 numbers do hold all
# it has to say.
rng = np.random.default_rng(42)
mixing = rng.normal(size=(4, 100))
factors = rng.normal(size=(1200, 4))
data = (1 / (1 + np.exp(-factors @ mixing))).astype("float32")
x_train, x_test = data[:1000], data[1000:]
print("train:", x_train.shape, " test:", x_test.shape,
      " range:", round(float(data.min()), 3), "to", round(float(data.max()), 3))

# %%
# ## Train
#
# The input is also the target: `fit(x_train, x_train)`.
epochs = 10 if QUICK else 60
history = autoencoder.fit(x_train, x_train, epochs=epochs, batch_size=32,
                          validation_data=(x_test, x_test), verbose=0)
print("val_loss: first epoch", round(history.history["val_loss"][0], 4),
      "last epoch", round(history.history["val_loss"][-1], 4))
reconstructed = autoencoder.predict(x_test, verbose=0)
baseline = np.mean((x_test - x_train.mean(axis=0)) ** 2)  # always predict the average
notes_mse = np.mean((x_test - reconstructed) ** 2)
average_vs_ae = float(baseline / notes_mse)
print(f"test MSE: autoencoder {notes_mse:.4f}, average sample {baseline:.4f}")

# %%
# Always answering the average sample gives {{ average_vs_ae | .1f }} times the
# autoencoder's squared error: that is what the 4 code numbers carry about each sample.
#
# ## Extract the encoder
#
# The notes put the trained first layer in a new `Sequential` model. That still works in
# Keras 3, and so does a functional model from the autoencoder's input to the code layer's
# output. Both share the trained layer (no copy), and return the 4-number code.
encoder = keras.Sequential([keras.Input(shape=(100,)), autoencoder.layers[0]], name="encoder")
encoder.summary()
codes = encoder.predict(x_test, verbose=0)
same = keras.Model(autoencoder.inputs[0], autoencoder.layers[0].output)
print("codes:", codes.shape, " functional encoder agrees:",
      np.allclose(codes, keras.ops.convert_to_numpy(same(x_test)), atol=1e-5))
print(np.round(codes[:3], 2))

# %%
# ## Prepare the digits
#
# Real data: scikit-learn's 1,797 handwritten digits, 8x8 = 64 pixels each, scaled to
# [0, 1].
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
pixels = (digits.data / 16.0).astype("float32")
d_train, d_test, label_train, label_test = train_test_split(
    pixels, digits.target, test_size=0.2, random_state=42
)
print("train:", d_train.shape, " test:", d_test.shape)

# %%
# ## Build the digits autoencoder
#
# This time the encoder and the decoder are models of their own, chained in a third one.
# After training, `encoder` compresses and `decoder` reconstructs with no layer surgery.
code_size = 8
encoder = keras.Sequential(
    [keras.Input(shape=(64,)), layers.Dense(32, activation="relu"),
     layers.Dense(code_size, activation="relu")],
    name="encoder",
)
decoder = keras.Sequential(
    [keras.Input(shape=(code_size,)), layers.Dense(32, activation="relu"),
     layers.Dense(64, activation="sigmoid")],
    name="decoder",
)
digits_ae = keras.Sequential([encoder, decoder], name="digits_autoencoder")
digits_ae.summary()

# %%
# ## Train the digits autoencoder
#
# Binary cross-entropy treats each pixel as a probability of ink, which suits pixels in
# [0, 1]; the mean squared error works too.
digits_ae.compile(optimizer="adam", loss="binary_crossentropy")
epochs = 10 if QUICK else 100
history = digits_ae.fit(d_train, d_train, epochs=epochs, batch_size=64,
                        validation_data=(d_test, d_test), verbose=0)
print("val_loss: first epoch", round(history.history["val_loss"][0], 4),
      "last epoch", round(history.history["val_loss"][-1], 4))

# %%
# ## Reconstructions
#
# Top row: test digits the network has never seen. Middle: their 8-number codes. Bottom:
# what the decoder rebuilds from those 8 numbers.
import matplotlib.pyplot as plt

# Calling a model on an array runs it like predict (predict adds batching, for big data).
codes = keras.ops.convert_to_numpy(encoder(d_test))
rebuilt = keras.ops.convert_to_numpy(decoder(codes))
fig, axes = plt.subplots(3, 10, figsize=(10, 3.6))
for i in range(10):
    axes[0, i].imshow(d_test[i].reshape(8, 8), cmap="gray_r")
    axes[1, i].imshow(codes[i].reshape(1, code_size), cmap="viridis")
    axes[2, i].imshow(rebuilt[i].reshape(8, 8), cmap="gray_r")
    axes[0, i].set_title(str(label_test[i]))
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
for ax, name in zip(axes[:, 0], ["input", "code", "output"]):
    ax.set_ylabel(name)
fig.suptitle("Test digits, their 8-number codes and the reconstructions")
plt.show()

# %%
# The shapes come back blurred but readable: 8 numbers keep most of what distinguishes the
# digits.
#
# ## Evaluate against PCA
#
# Principal component analysis is the linear way to keep 8 numbers per digit. The
# autoencoder's layers are not linear, so with enough training it can do better.
from sklearn.decomposition import PCA

pca = PCA(n_components=code_size).fit(d_train)
pca_rebuilt = pca.inverse_transform(pca.transform(d_test))
ae_mse, pca_mse = np.mean((d_test - rebuilt) ** 2), np.mean((d_test - pca_rebuilt) ** 2)
ae_vs_pca = float(ae_mse / pca_mse)
print(f"test MSE with {code_size} numbers per digit: autoencoder {ae_mse:.4f}, PCA {pca_mse:.4f}")
