"""
Compare mini-batch sizes
========================

Train the same network on the same data with four batch sizes, timing every epoch with
a small callback, and compare the learning curves per epoch and per second.
"""

# %%
# ## Setup
#
import os
import time

import keras
import numpy as np

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Prepare the data
#
# Two interleaved half-moons with noise: 600 points to train on, 200 to validate.
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

x, y = make_moons(n_samples=800, noise=0.25, random_state=42)
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.25, random_state=42)
print("train:", x_train.shape, " validation:", x_val.shape)

# %%
# ## Build the model
#
# The builder re-seeds, so every run starts from the same weights.
from keras import layers


def get_model():
    keras.utils.set_random_seed(42)
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            layers.Dense(16, activation="relu"),
            layers.Dense(16, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="moons",
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


get_model().summary()

# %%
# ## Time every epoch with a callback
#
# A callback's `on_epoch_begin` and `on_epoch_end` run around each epoch, so the time
# between them is the epoch's wall time: its training steps plus the validation pass.
class EpochTimer(keras.callbacks.Callback):
    """Record the wall time of every epoch in `self.times` (seconds)."""

    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)


# %%
# ## Train with four batch sizes
#
# One epoch is one pass over the 600 training points; the batch size decides how many
# weight updates that pass makes: `ceil(600 / batch_size)`. A batch of 600 is plain
# (full-batch) gradient descent: one update per epoch.
batch_sizes = [8, 32, 128, 600]
epochs = 4 if QUICK else 30
results = {}
epoch_ms = {}  # median milliseconds per epoch, for each batch size
for batch_size in batch_sizes:
    timer = EpochTimer()
    history = get_model().fit(x_train, y_train, validation_data=(x_val, y_val),
                              epochs=epochs, batch_size=batch_size, verbose=0,
                              callbacks=[timer])
    results[batch_size] = (history.history, timer.times)
    per_epoch = np.median(timer.times[1:])  # the first epoch also compiles the step
    epoch_ms[batch_size] = float(per_epoch * 1000)
    print(f"batch {batch_size:3}: {int(np.ceil(600 / batch_size)):2} updates/epoch, "
          f"{per_epoch * 1000:5.0f} ms/epoch, "
          f"final val_loss {history.history['val_loss'][-1]:.3f}, "
          f"val_accuracy {history.history['val_accuracy'][-1]:.3f}")
lowest_final = min(results, key=lambda b: results[b][0]["val_loss"][-1])
time_ratio = epoch_ms[batch_sizes[0]] / epoch_ms[batch_sizes[-1]]

# %%
# ## Learning curves per epoch and per second
#
# Per epoch, small batches make many more updates per pass; after {{ epochs }} epochs the
# lowest validation loss is that of batch size {{ lowest_final }}. Per second of training
# the comparison is fairer, because each of those updates costs time
# (the curves start after the first epoch, which includes compiling the training step).
import matplotlib.pyplot as plt

fig, (ax_epoch, ax_time) = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for batch_size, (logs, times) in results.items():
    label = f"batch size {batch_size}"
    ax_epoch.plot(range(1, epochs + 1), logs["val_loss"], label=label)
    ax_time.plot(np.cumsum(times), logs["val_loss"], label=label)
ax_epoch.set(title="Validation loss per epoch", xlabel="Epoch",
             ylabel="Validation binary cross-entropy")
ax_time.set(title="Validation loss against training time", xlabel="Wall time (s)")
ax_epoch.legend()
fig.tight_layout()
plt.show()

# %%
# ## Time per epoch
#
# Every update has a fixed cost (launching the step, Python overhead) besides the
# arithmetic, so an epoch of many small batches takes longer than one of a few large
# batches, although both see the same 600 points. Each epoch also pays a cost that does
# not depend on the batch size (the validation pass, the callbacks): for a model this
# small, that overhead is a large share of the epoch: here 75 times more updates (batch
# size 8 against 600) take {{ time_ratio | .1f }} times as long. With a large model the
# arithmetic dominates instead,
# and large batches on a GPU process many more samples per second.
fig, (ax_ms, ax_updates) = plt.subplots(1, 2, figsize=(9, 3.5))
labels = [str(b) for b in batch_sizes]
ax_ms.bar(labels, [np.median(times[1:]) * 1000 for _, times in results.values()])
ax_ms.set(title="Median time per epoch", xlabel="Batch size", ylabel="Milliseconds")
ax_updates.bar(labels, [int(np.ceil(600 / b)) for b in batch_sizes], color="tab:orange")
ax_updates.set(title="Weight updates per epoch", xlabel="Batch size", ylabel="Updates")
fig.tight_layout()
plt.show()

# %%
# ## Evaluate
#
# Whatever the batch size used for training, prediction can use large batches: it makes
# no updates, so a bigger batch only means fewer, cheaper steps.
for batch_size, (logs, _) in results.items():
    print(f"batch {batch_size:3}: best val_loss {min(logs['val_loss']):.3f} "
          f"at epoch {int(np.argmin(logs['val_loss'])) + 1}")
