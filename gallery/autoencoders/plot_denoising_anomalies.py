"""
Denoise digits and flag anomalies with autoencoders
===================================================

Train one autoencoder to remove noise from real handwritten digits and another to flag inputs
that look like no digit, by their reconstruction error and a threshold.
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
# scikit-learn's 1,797 real 8x8 digits, scaled to [0, 1]. The noisy copies add Gaussian
# noise with a standard deviation of 0.3 (almost a third of the pixel range), clipped back
# into [0, 1]. The test digits get their noise once, so that every evaluation sees the same
# inputs; the training digits get fresh noise every epoch (below).
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
pixels = (digits.data / 16.0).astype("float32")
x_train, x_test = train_test_split(pixels, test_size=0.2, random_state=42)
rng = np.random.default_rng(42)


def add_noise(x):
    return np.clip(x + rng.normal(0, 0.3, size=x.shape), 0, 1).astype("float32")


noisy_test = add_noise(x_test)
print("train:", x_train.shape, " test:", x_test.shape)

# %%
# ## Build the model
#
# A dense autoencoder with a 16-number code. The same function builds both models of this
# script.
from keras import layers


def make_autoencoder(name):
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(16, activation="relu"),  # the code
            layers.Dense(32, activation="relu"),
            layers.Dense(64, activation="sigmoid"),
        ],
        name=name,
    )


denoiser = make_autoencoder("denoiser")
denoiser.summary()

# %%
# ## Train a denoiser
#
# The only change from a plain autoencoder is the training pair: noisy digits in, clean
# digits out. A `keras.utils.PyDataset` serves the batches and draws new noise at the start
# of every epoch (`on_epoch_begin`), so the network never sees the same noise twice: to
# rebuild the clean digit through a narrow code, it has to keep the strokes and drop the noise.
class FreshNoise(keras.utils.PyDataset):
    def __init__(self, x, batch_size):
        super().__init__()
        self.x, self.batch_size, self.draws = x, batch_size, 0
        self.noisy = add_noise(x)  # Keras reads one batch before the first epoch

    def on_epoch_begin(self):
        self.noisy, self.draws = add_noise(self.x), self.draws + 1

    def __len__(self):
        return -(-len(self.x) // self.batch_size)  # batches per epoch, rounded up

    def __getitem__(self, i):
        batch = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.noisy[batch], self.x[batch]


train_batches = FreshNoise(x_train, batch_size=64)
denoiser.compile(optimizer="adam", loss="binary_crossentropy")
epochs = 10 if QUICK else 80
history = denoiser.fit(train_batches, epochs=epochs, validation_data=(noisy_test, x_test),
                       verbose=0)
noise_draws = train_batches.draws
denoised = keras.ops.convert_to_numpy(denoiser(noisy_test))
noisy_mse = float(np.mean((noisy_test - x_test) ** 2))
denoised_mse = float(np.mean((denoised - x_test) ** 2))
mse_ratio = denoised_mse / noisy_mse
distance_ratio = mse_ratio**0.5  # ratio of root-mean-square distances
print(f"noise drawn {noise_draws} times in {epochs} epochs")
print(f"test MSE against the clean digits: noisy {noisy_mse:.4f}, denoised {denoised_mse:.4f} "
      f"(ratio {mse_ratio:.2f})")

# %%
# The denoised digits' mean squared error against the clean ones is {{ mse_ratio | .0% }}
# of the noisy inputs' (as a root-mean-square distance, {{ distance_ratio | .0% }} as far).
import matplotlib.pyplot as plt

fig, axes = plt.subplots(3, 10, figsize=(10, 3.4))
for i in range(10):
    for row, images in enumerate([noisy_test, denoised, x_test]):
        axes[row, i].imshow(images[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
for ax, name in zip(axes[:, 0], ["noisy input", "denoised", "clean"]):
    ax.set_ylabel(name, fontsize=8)
fig.suptitle("Denoising test digits: noisy input, autoencoder output, original")
plt.show()

# %%
# ## Anomalies: inputs that look like no digit
#
# An autoencoder trained on normal data reconstructs normal data well and anything else
# badly. To test that, we make anomalies: test digits whose 64 pixels are shuffled. They
# have exactly the same pixel values as real digits, only no stroke structure, so no rule
# on an image's values alone (its brightness, how much of it is inked) can tell them apart:
# only where the ink lies differs.
scrambled = np.array([rng.permutation(image) for image in x_test])
detector = make_autoencoder("detector")
detector.compile(optimizer="adam", loss="mse")
epochs = 10 if QUICK else 80
detector.fit(x_train, x_train, epochs=epochs, batch_size=64, verbose=0)


def reconstruction_error(x):
    return np.mean((keras.ops.convert_to_numpy(detector(x)) - x) ** 2, axis=1)


train_error = reconstruction_error(x_train)
normal_error, anomaly_error = reconstruction_error(x_test), reconstruction_error(scrambled)
print(f"mean error: training digits {train_error.mean():.4f}, "
      f"test digits {normal_error.mean():.4f}, scrambled {anomaly_error.mean():.4f}")

# %%
# ## Choose a threshold
#
# Anything reconstructed worse than the threshold is flagged. A common choice is a high
# percentile of the errors on the training data: with the 99th, one training digit in a
# hundred lies above it by construction, the false alarms you accept.
threshold = np.percentile(train_error, 99)
detection_rate = float(np.mean(anomaly_error > threshold))
false_alarm_rate = float(np.mean(normal_error > threshold))
print(f"threshold (99th percentile of training errors): {threshold:.4f}")
print(f"flagged: {detection_rate:.1%} of scrambled digits (detections), "
      f"{false_alarm_rate:.1%} of test digits (false alarms)")

# %%
# ## Evaluate
#
# The two histograms of reconstruction error, and the threshold between them: above it lie
# {{ detection_rate | .1% }} of the scrambled digits and {{ false_alarm_rate | .1% }} of the
# test digits.
fig, ax = plt.subplots(figsize=(7, 3.8))
bins = np.linspace(0, max(normal_error.max(), anomaly_error.max()), 60)
ax.hist(normal_error, bins=bins, alpha=0.7, label="test digits")
ax.hist(anomaly_error, bins=bins, alpha=0.7, label="scrambled digits")
ax.axvline(threshold, color="black", linestyle="--", label="threshold")
ax.set(title="Reconstruction error of normal and anomalous inputs",
       xlabel="Mean squared reconstruction error", ylabel="Number of images")
ax.legend()
plt.show()
