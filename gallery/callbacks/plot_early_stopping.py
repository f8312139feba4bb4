"""
Stop training early and keep the best model
===========================================

Record the training history, stop when the validation loss stops improving, save the
best model to a `.keras` file as it trains, reload it, and write TensorBoard logs.
"""

# %%
# ## Setup
#
# Fix the seeds so every build prints the same numbers. The budget variable lets the
# tests run the same script with fewer epochs.
import os

import keras

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
keras_version = keras.__version__

# %%
# ## Prepare the data
#
# Two interleaved half-moons with plenty of noise: 200 points, two classes. A network
# much larger than the problem needs will learn the noise of the training points, which
# is exactly the situation callbacks are for. A third of the points are held out to
# validate after every epoch.
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

x, y = make_moons(n_samples=200, noise=0.35, random_state=42)
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=1 / 3, random_state=42)
print("train:", x_train.shape, " validation:", x_val.shape)

# %%
# ## Build the model
#
# Two hidden layers of 64 neurons for a two-feature problem: far more capacity than the
# moons need. A function builds a fresh, compiled copy, so each experiment below starts
# from new random weights.
from keras import layers


def make_model():
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="moons_mlp",
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


model = make_model()
model.summary()

# %%
# ## History: what fit records
#
# Every call to `fit` returns a `History` callback. Its `history` dictionary holds one
# list per metric, one value per epoch, with a `val_` prefix for the validation data.
epochs = 15 if QUICK else 100
history = model.fit(x_train, y_train, validation_data=(x_val, y_val),
                    epochs=epochs, batch_size=32, verbose=0)
print("keys:", sorted(history.history))
print("epochs run:", len(history.epoch))
print("first 3 validation losses:", [round(v, 3) for v in history.history["val_loss"][:3]])
print("training parameters:", history.params)

# %%
# ## Plot the learning curves
#
# Plotting the two loss lists side by side shows where the model stops learning the
# moons and starts learning the noise of its training points.
import matplotlib.pyplot as plt
import numpy as np

epoch_numbers = np.arange(1, len(history.epoch) + 1)  # count epochs from 1
best = int(np.argmin(history.history["val_loss"])) + 1
lowest_val_epoch = best  # `best` is reused below, for the early-stopped run
val_loss_rise = history.history["val_loss"][-1] - min(history.history["val_loss"])
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(epoch_numbers, history.history["loss"], label="training")
ax.plot(epoch_numbers, history.history["val_loss"], label="validation")
ax.axvline(best, color="gray", linestyle=":", label=f"lowest validation loss (epoch {best})")
ax.set(title="Model loss without early stopping", xlabel="Epoch",
       ylabel="Binary cross-entropy")
ax.legend()
plt.show()

# %%
# The validation loss is lowest at epoch {{ lowest_val_epoch }} of {{ epochs }} and ends
# {{ val_loss_rise | .3f }} above that minimum. A validation loss that rises while the
# training loss still falls means the network is learning the noise of its training points:
# each such epoch makes it worse on new data.
#
# ## Stop early and checkpoint the best model
#
# `EarlyStopping` watches a metric at the end of each epoch and stops training when it
# has not improved for `patience` epochs. With `restore_best_weights=True` the model
# gets back the weights of its best epoch; without it, the model keeps the weights of
# the last, already worse, epoch. `ModelCheckpoint` with `save_best_only=True` writes the
# whole model to `best_model.keras` each time the monitored metric improves.
patience = 10
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=patience, restore_best_weights=True
)
checkpoint = keras.callbacks.ModelCheckpoint(
    "best_model.keras", monitor="val_loss", save_best_only=True
)
callbacks = [early_stopping, checkpoint]

# %%
# ## Write TensorBoard logs
#
# The `TensorBoard` callback writes the losses and metrics of every epoch as event files
# under `logs/` (its `write_graph` option is "not supported at this time" in Keras
# {{ keras_version }},
# so expect no graph of the training step). It writes them with TensorFlow's summary
# writer, which needs both `tensorflow` and the `tensorboard` package; where either is
# missing we say so and train without it.
import importlib.util

missing = [name for name in ("tensorflow", "tensorboard") if not importlib.util.find_spec(name)]
if missing:
    print(f"No TensorBoard logs: {', '.join(missing)} not installed (pip install {missing[0]}).")
else:
    callbacks.append(keras.callbacks.TensorBoard(log_dir="logs"))
    print("TensorBoard will write to ./logs")

# %%
# ## Train with the callbacks
#
# We give `fit` the same generous number of epochs and let the callbacks decide.
# `stopped_epoch` and `best_epoch` are counted from 0, so we add 1 to print them.
model = make_model()
epochs = 15 if QUICK else 100
history = model.fit(x_train, y_train, validation_data=(x_val, y_val),
                    epochs=epochs, batch_size=32, verbose=0, callbacks=callbacks)
stopped, best = early_stopping.stopped_epoch, early_stopping.best_epoch
epochs_run = len(history.epoch)
print(f"epochs run: {epochs_run} of {epochs}")
print(f"stopped after epoch {stopped + 1}" if stopped else "ran all epochs without stopping")
print(f"best epoch {best + 1}, val_loss {early_stopping.best:.4f}")

# %%
# ## See where it stopped
#
# The dashed line marks the epoch at which training stopped, the dotted line the best
# epoch whose weights were restored: when training stops early, exactly `patience` epochs
# earlier.
epoch_numbers = np.arange(1, len(history.epoch) + 1)
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(epoch_numbers, history.history["loss"], label="training")
ax.plot(epoch_numbers, history.history["val_loss"], label="validation")
if stopped:
    ax.axvline(stopped + 1, color="black", linestyle="--", label=f"stopped (epoch {stopped + 1})")
ax.axvline(best + 1, color="gray", linestyle=":", label=f"best, restored (epoch {best + 1})")
ax.set(title=f"Model loss with EarlyStopping(patience={patience})", xlabel="Epoch",
       ylabel="Binary cross-entropy")
ax.legend()
plt.show()

# %%
# ## Reload the best checkpoint
#
# `keras.models.load_model` rebuilds the architecture, the weights, the optimizer state
# and the compile settings from the `.keras` file. The checkpoint was written at the best
# epoch and the early-stopped model restored that same epoch's weights, so both
# evaluate to the same numbers.
best_model = keras.models.load_model("best_model.keras")
restored = model.evaluate(x_val, y_val, verbose=0, return_dict=True)
reloaded = best_model.evaluate(x_val, y_val, verbose=0, return_dict=True)
print("restored weights:", {k: round(v, 4) for k, v in restored.items()})
print("reloaded file:   ", {k: round(v, 4) for k, v in reloaded.items()})
same = np.allclose(model.predict(x_val, verbose=0), best_model.predict(x_val, verbose=0))
print("same predictions:", same)

# %%
# ## The old .hd5 checkpoint name
#
# Keras 2 courses wrote `ModelCheckpoint('best_model.hd5')`. Keras 3 checks the file
# name as soon as the callback is created: a whole model needs `.keras` (or the legacy
# `.h5`), weights alone need `.weights.h5` together with `save_weights_only=True`.
try:
    keras.callbacks.ModelCheckpoint("best_model.hd5", save_best_only=True)
except ValueError as error:
    print("ValueError:", error)
try:
    keras.callbacks.ModelCheckpoint("best.h5", save_best_only=True, save_weights_only=True)
except ValueError as error:
    print("ValueError:", error)
weights_only = keras.callbacks.ModelCheckpoint(
    "best.weights.h5", save_best_only=True, save_weights_only=True
)
print("accepted:", weights_only.filepath)

# %%
# ## Inspect the TensorBoard logs
#
# The callback wrote one folder per phase, `train` and `validation`, each holding an
# event file whose name carries a timestamp and the host name. Point TensorBoard at the
# parent folder to see the curves (`pip install tensorboard`, then
# `tensorboard --logdir logs` and open http://localhost:6006).
if not os.path.isdir("logs"):
    print("No logs were written (see above).")
for folder, _, files in sorted(os.walk("logs")):
    for file in sorted(files):
        size = os.path.getsize(os.path.join(folder, file))
        print(f"{folder}/{file.split('.')[0]}.out.tfevents.*.v2  ({size:,} bytes)")
