"""
Transfer a digit CNN to new digits
==================================

Pretrain a small CNN on the digits 0-4, reuse its frozen features for the digits 5-9 with
a new head, fine-tune it with a low learning rate, and compare with the same network
trained from scratch on the same few labelled images.
"""

# sphinx_gallery_headline = ["fine_tuned_accuracy", "scratch_accuracy", "without_compile"]

# %%
# ## Setup
#
# Fixed seeds, so every build prints the same numbers; the tests run fewer epochs.
import os
import warnings

import keras
import numpy as np
from keras import layers, ops

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
keras_version, backend = keras.__version__, keras.backend.backend()
default_momentum = layers.BatchNormalization().momentum

# %%
# ## Prepare the data
#
# scikit-learn's 8x8 digits, split into two tasks. The **source** task, the digits 0-4,
# has plenty of labels. The **target** task, the digits 5-9 (relabelled 0-4), has only a
# few labelled images per class; its other images are for validation and testing.
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
images = (digits.images / 16.0).astype("float32")[..., None]  # (n, 8, 8, 1) in [0, 1]
source = digits.target < 5
x_source, y_source = images[source], digits.target[source]
x_target, y_target = images[~source], digits.target[~source] - 5

per_class = 10  # labelled images per class in the target task
x_small, x_rest, y_small, y_rest = train_test_split(
    x_target, y_target, train_size=5 * per_class, stratify=y_target, random_state=42)
x_val, x_test, y_val, y_test = train_test_split(
    x_rest, y_rest, train_size=0.3, stratify=y_rest, random_state=42)
n_small = len(x_small)
print("source (digits 0-4):", x_source.shape, " target (digits 5-9): labelled",
      x_small.shape, " validation", x_val.shape, " test", x_test.shape)

# %%
# ## Build the base network
#
# The base turns an image into features: two convolution blocks, each with a
# `BatchNormalization` layer (`momentum=0.9`: the default, {{ default_momentum }}, needs
# hundreds of steps to settle). `make_base` also builds the from-scratch model below;
# `with_head` puts a new classifier of 5 classes on a base.


def make_base(name="base"):
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.MaxPooling2D(2),
        layers.Flatten(),
    ], name=name)


def with_head(base, name):
    inputs = keras.Input(shape=(8, 8, 1))
    outputs = layers.Dense(5, activation="softmax", name="head")(base(inputs))
    return keras.Model(inputs, outputs, name=name)


def compile_model(model, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def split(model):  # (trainable, non-trainable), as summary() counts them
    return tuple(sum(int(ops.size(w)) for w in weights)
                 for weights in (model.trainable_weights, model.non_trainable_weights))


def bn_state(base):  # every moving mean and variance, in one array
    return np.concatenate([ops.convert_to_numpy(w).ravel() for layer in base.layers
                           if isinstance(layer, layers.BatchNormalization)
                           for w in (layer.moving_mean, layer.moving_variance)])


def kernels(base):
    return np.concatenate([ops.convert_to_numpy(layer.kernel).ravel()
                           for layer in base.layers if isinstance(layer, layers.Conv2D)])


# %%
# ## Pretrain on the source task
#
# The source model is the base with a head for the digits 0-4, trained on all their
# images. Everything is trainable except the moving statistics.
base = make_base()
source_model = with_head(base, "source_model")
compile_model(source_model, 1e-3)
source_split = split(source_model)
pretrain_epochs = 2 if QUICK else 10
source_history = source_model.fit(x_source, y_source, validation_split=0.2,
                                  epochs=pretrain_epochs, batch_size=32, verbose=0)
source_val_accuracy = source_history.history["val_accuracy"][-1]
print(f"trainable {source_split[0]:,}, non-trainable {source_split[1]:,}; "
      f"digits 0-4, validation accuracy {source_val_accuracy:.3f}")

# %%
# ## Phase 1: freeze the base, train a new head
#
# `base.trainable = False` freezes every layer inside it. A new model puts a fresh head
# on the same `base` object, so it shares the pretrained weights. `compile` comes *after*
# the change: Keras reads which weights to train when the model is compiled.
base.trainable = False
model = with_head(base, "transfer_model")
head_rate = 1e-2  # only the new head learns, from random weights
compile_model(model, head_rate)
model.summary()
frozen_split = split(model)
n_params = sum(frozen_split)

# %%
# {{ frozen_split[0] }} trainable parameters, the head's; all {{ frozen_split[1] | , }} of
# the base's are non-trainable, the kernels and the BatchNormalization layers' `gamma`
# and `beta` included.
bn_before, kernels_before = bn_state(base), kernels(base)
batch_size = 10
frozen_epochs = 6 if QUICK else 20
phase1 = model.fit(x_small, y_small, validation_data=(x_val, y_val),
                   epochs=frozen_epochs, batch_size=batch_size, verbose=0)
bn_change_frozen = float(np.abs(bn_state(base) - bn_before).max())
kernel_change_frozen = float(np.abs(kernels(base) - kernels_before).max())
frozen_accuracy = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
print(f"test accuracy {frozen_accuracy:.3f}; largest change of a kernel weight "
      f"{kernel_change_frozen}, of a moving mean or variance {bn_change_frozen}")

# %%
# Neither the kernels nor the BatchNormalization statistics moved (largest changes
# {{ kernel_change_frozen }} and {{ bn_change_frozen }}): the base is a fixed feature
# extractor, and the head learned to read its features.
#
# ## Frozen BatchNormalization runs in inference mode
#
# A `BatchNormalization` layer with `trainable=False` ignores `training=True`: it
# normalizes with its moving statistics and leaves them as they are. We call the base's
# first BatchNormalization layer both ways on a batch of the new digits.
bn = base.layers[1]
conv_out = base.layers[0](x_small)  # what that layer receives
as_training = ops.convert_to_numpy(bn(conv_out, training=True))
as_inference = ops.convert_to_numpy(bn(conv_out, training=False))
frozen_is_inference = bool(np.allclose(as_training, as_inference))
bn_change_call = float(np.abs(bn_state(base) - bn_before).max())
print(f"{bn.name}: training=True gives the inference output: {frozen_is_inference}; "
      f"statistics moved by {bn_change_call}")

# %%
# Same output: {{ frozen_is_inference }}; the statistics moved by {{ bn_change_call }}.
# Trainable, the layer would normalize with the batch's own statistics and move its
# moving averages towards digits the base never saw. The head learned to read features
# normalized with the *pretraining* statistics; re-estimating them from a few small
# batches would shift every feature under it.
#
# ## Does training=False keep it in inference mode?
#
# The keras.io guide calls the base with `base(inputs, training=False)` to keep its
# BatchNormalization layers in inference mode after unfreezing. We build a second model
# that way around the same base, unfreeze the base, and call the model as `fit` does.
saved = base.get_weights()
inputs = keras.Input(shape=(8, 8, 1))
guide_model = keras.Model(inputs, model.get_layer("head")(base(inputs, training=False)))
base.trainable = True
guide_model(x_small, training=True)
guide_moved = float(np.abs(bn_state(base) - bn_before).max())
guide_verdict = "holds" if guide_moved == 0.0 else "does not hold"
print(f"Keras {keras_version}, {backend}: moving statistics moved by {guide_moved:.4f}")
base.set_weights(saved)  # undo that call's updates

# %%
# In Keras {{ keras_version }} on {{ backend }}, `training=False` {{ guide_verdict }}: the
# statistics moved by {{ guide_moved | .4f }}. Where it does not hold, the `training`
# value given to the whole model (`fit` gives `training=True`) replaces the one written
# into the graph. Freezing the BatchNormalization layers themselves works in any version.
#
# ## Phase 2: unfreeze and fine-tune with a low learning rate
#
# The base is trainable again (above); we set its BatchNormalization layers back to
# `trainable=False`, so they keep their pretraining statistics, and recompile with a low
# learning rate, so the pretrained kernels move only a little.
for layer in base.layers:
    if isinstance(layer, layers.BatchNormalization):
        layer.trainable = False
fine_tune_rate = 1e-4
rate_ratio = head_rate / fine_tune_rate
compile_model(model, fine_tune_rate)
model.summary()
fine_tune_split = split(model)

# %%
# The rate is {{ rate_ratio | .0f }} times lower than the head's in phase 1. Now
# {{ fine_tune_split[0] | , }} parameters are trainable: the head and the kernels and
# biases. The {{ fine_tune_split[1] }} that remain non-trainable belong to the
# BatchNormalization layers: `gamma` and `beta`, and the moving means and variances.
phase1_weights = model.get_weights()  # the starting point of every fine-tuning run
fine_tune_epochs = 3 if QUICK else 20
phase2 = model.fit(x_small, y_small, validation_data=(x_val, y_val),
                   epochs=fine_tune_epochs, batch_size=batch_size, verbose=0)
bn_change_fine = float(np.abs(bn_state(base) - bn_before).max())
kernel_change_fine = float(np.abs(kernels(base) - kernels_before).max())
size = np.linalg.norm(kernels_before)
phase2_drift = np.linalg.norm(kernels(base) - kernels_before) / size  # relative change
fine_tuned_accuracy = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
print(f"test accuracy {fine_tuned_accuracy:.3f}; largest change of a kernel weight "
      f"{kernel_change_fine:.5f}, of a moving mean or variance {bn_change_fine}")

# %%
# The kernels moved by at most {{ kernel_change_fine | .2g }}, the moving statistics by
# {{ bn_change_fine }}.
#
# ## Train the same network from scratch
#
# The comparison that justifies transfer: the same architecture with fresh random
# weights, every layer trainable, trained on the same {{ n_small }} labelled images for
# as many epochs as both phases together.
scratch = with_head(make_base("scratch_base"), "scratch_model")
compile_model(scratch, 1e-3)
scratch_history = scratch.fit(x_small, y_small, validation_data=(x_val, y_val),
                              epochs=frozen_epochs + fine_tune_epochs,
                              batch_size=batch_size, verbose=0)
scratch_accuracy = scratch.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
verdict = "beat" if frozen_accuracy > scratch_accuracy else "did not beat"

# %%
# ## The curves of both phases
#
# One run, two phases: the shaded epochs trained only the head, the rest fine-tuned the
# whole network. The dotted line is the from-scratch network's validation curve.
import matplotlib.pyplot as plt

logs = {key: phase1.history[key] + phase2.history[key] for key in phase1.history}
epochs_axis = np.arange(1, frozen_epochs + fine_tune_epochs + 1)
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, key, label in [(axes[0], "loss", "Sparse categorical cross-entropy"),
                       (axes[1], "accuracy", "Accuracy")]:
    ax.axvspan(0.5, frozen_epochs + 0.5, color="tab:blue", alpha=0.08,
               label=f"phase 1: frozen base (lr={head_rate:g})")
    ax.axvline(frozen_epochs + 0.5, color="gray", linestyle="--",
               label=f"phase 2: fine-tuning (lr={fine_tune_rate:g})")
    ax.plot(epochs_axis, logs[key], label="transfer, training")
    ax.plot(epochs_axis, logs["val_" + key], label="transfer, validation")
    ax.plot(epochs_axis, scratch_history.history["val_" + key], color="black", linestyle=":",
            label="from scratch, validation")
    ax.set(title=f"{key.capitalize()} per epoch, digits 5-9", xlabel="Epoch", ylabel=label)
axes[1].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# ## Evaluate
#
# On the {{ x_test.shape[0] }} test digits, after training on {{ n_small }} labelled
# images, the frozen pretrained features {{ verdict }} the same network trained from
# scratch ({{ frozen_accuracy | .1% }} against {{ scratch_accuracy | .1% }}); after
# fine-tuning, {{ fine_tuned_accuracy | .1% }}.
print(f"test accuracy: from scratch {scratch_accuracy:.3f}, frozen base and new head "
      f"{frozen_accuracy:.3f}, fine-tuned {fine_tuned_accuracy:.3f}")

# %%
# ## Choose the fine-tuning learning rate
#
# Fine-tuning starts from weights that already work, and a large step can undo them. We
# fine-tune the phase-1 model with other learning rates (phase 2 was {{ fine_tune_rate }}),
# from the same weights with a fresh optimizer, and measure how far the kernels move,
# relative to their size, and the validation accuracy.
rates = [1e-4, 1e-2] if QUICK else [1e-5, 1e-4, 1e-3, 1e-2]
sweep = {f"{fine_tune_rate:g}": (phase2_drift, phase2.history["val_accuracy"][-1])}
for rate in rates:
    if f"{rate:g}" not in sweep:
        model.set_weights(phase1_weights)
        compile_model(model, rate)
        model.fit(x_small, y_small, epochs=fine_tune_epochs, batch_size=batch_size, verbose=0)
        val = model.evaluate(x_val, y_val, verbose=0, return_dict=True)["accuracy"]
        sweep[f"{rate:g}"] = (np.linalg.norm(kernels(base) - kernels_before) / size, val)
    drift, val = sweep[f"{rate:g}"]
    print(f"learning rate {rate:<7g} kernels moved {drift:6.1%}   validation accuracy {val:.3f}")
best_rate = max(sweep, key=lambda rate: sweep[rate][1])
drifts = [float(sweep[f"{rate:g}"][0]) for rate in rates]

# %%
# The best validation accuracy came with the learning rate {{ best_rate }}. The kernels
# moved {{ drifts[0] | .1% }} of their size at {{ rates[0] }} and {{ drifts[-1] | .0% }}
# at {{ rates[-1] }}, the head's own rate: that is closer to retraining from a pretrained
# start than to fine-tuning. Choose the rate on the validation set, never the test set.
#
# ## Forgetting to recompile
#
# Keras' transfer-learning guide says to call `compile()` again after changing any
# `trainable` value, for the change to be taken into account. Here we freeze the
# from-scratch model's base *without* compiling again, train one epoch, and look at its
# kernels.
scratch_base = scratch.get_layer("scratch_base")
scratch_base.trainable = False
before = kernels(scratch_base)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        scratch.fit(x_small, y_small, epochs=1, batch_size=batch_size, verbose=0)
        moved_without = float(np.abs(kernels(scratch_base) - before).max())
        without_compile = (f"the frozen kernels moved by {moved_without:.4f} in one epoch, "
                           f"with {len(caught)} warnings")
    except ValueError as err:  # JAX's optimizer: the variable list it was built for changed
        without_compile = f"`fit` stopped with `ValueError`: {str(err).splitlines()[0]}"
print(f"without compile: {without_compile}")

# %%
# On {{ backend }}, without `compile`, {{ without_compile }}, while `trainable_weights`
# (and so `summary()`) already counted the base as frozen. What happens here depends on
# the backend, since each builds its training step in its own way (built with every
# backend, `nox -s backends`, this page ends with a table of each one's outcome).
# Compiled after the change, as in phase 1, the kernels moved by
# {{ kernel_change_frozen }}. Recompile after every change of `trainable`.
