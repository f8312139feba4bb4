"""
Overfit on purpose, then regularize
===================================

Train a large network on 100 noisy points until it memorizes them, then measure what
L2 and L1 penalties, Dropout, early stopping, a smaller model and data augmentation
each do to its validation curve.
"""

# %%
# ## Setup
#
import os

import keras
import numpy as np
from keras import layers, ops

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Prepare the data
#
# Two interleaved half-moons with plenty of noise: where the moons overlap, no boundary
# can be right about every point. We keep only 100 points to train on, so that a network
# with thousands of weights can learn every one of them by heart, noise included, and
# 500 others to validate on. The targets are a column, the shape the model's output has.
from sklearn.datasets import make_moons

x, y = make_moons(n_samples=600, noise=0.3, random_state=0)
x, y = x.astype("float32"), y.reshape(-1, 1).astype("float32")
x_train, y_train, x_val, y_val = x[:100], y[:100], x[100:], y[100:]
print("train:", x_train.shape, " validation:", x_val.shape)

# %%
# ## Build the model
#
# One builder makes every variant of the chapter, from the same seed: two hidden layers
# of 128 ReLU units by default, far more than two features need. A penalty goes in
# `kernel_regularizer`, Dropout after each hidden layer, input noise in front. Besides
# the loss, the model tracks the plain cross-entropy as a metric (`ce`): the reason is
# in the section on weight penalties.


def make_model(units=128, n_hidden=2, regularizer=None, dropout=0.0, noise=0.0):
    keras.utils.set_random_seed(42)  # the same initial weights for every variant
    model = keras.Sequential([keras.Input(shape=(2,))], name="moons_mlp")
    if noise:  # jitter every input point, in training only
        model.add(layers.GaussianNoise(noise))
    for _ in range(n_hidden):
        model.add(layers.Dense(units, activation="relu", kernel_regularizer=regularizer))
        if dropout:
            model.add(layers.Dropout(dropout))
    model.add(layers.Dense(1, activation="sigmoid"))
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy", keras.metrics.BinaryCrossentropy(name="ce")],
    )
    return model


baseline = make_model()
baseline.summary()
n_params = baseline.count_params()
params_per_sample = n_params // len(x_train)

# %%
# {{ n_params | , }} weights for {{ x_train.shape[0] }} training points: about
# {{ params_per_sample }} per point.
#
# ## Overfit on purpose
#
# Trained for long enough, the network fits its training points ever more closely. The
# question is what happens on the points it has not seen. Validation makes no updates,
# so it runs in one batch of all 500 points (`validation_batch_size`; by default it
# would use the training batch size: many small steps every epoch).
epochs = 5 if QUICK else 24
batch_size = 10
fit_args = dict(validation_data=(x_val, y_val), validation_batch_size=len(x_val),
                epochs=epochs, batch_size=batch_size, verbose=0)
history = baseline.fit(x_train, y_train, **fit_args)
logs = history.history
best_epoch = int(np.argmin(logs["val_ce"])) + 1
train_acc, val_acc = logs["accuracy"][-1], logs["val_accuracy"][-1]
val_rise = logs["val_ce"][-1] - min(logs["val_ce"])
# What the page may say of this run: overfitting shows once the validation loss has
# turned up after its minimum (a short run, as in the tests' quick budget, may end first).
verdict = ("This is the signature of overfitting." if best_epoch < epochs else
           "This run ended before the validation loss turned up: train longer to see "
           "overfitting set in.")
print(f"lowest validation cross-entropy {min(logs['val_ce']):.3f} at epoch {best_epoch}")
print(f"after {epochs} epochs: training accuracy {train_acc:.3f}, validation {val_acc:.3f}")

# %%
# ## Plot the learning curves
#
# Left, the training loss keeps falling, while the validation loss bottoms out
# (dotted line, epoch {{ best_epoch }}) and ends {{ val_rise | .3f }} above its lowest
# value. Right, the decision boundary the network ended with: it bends around
# individual training points, noise included, which is exactly what does not carry
# over to new points.
import matplotlib.pyplot as plt

epoch_numbers = np.arange(1, epochs + 1)
grid = np.stack(np.meshgrid(np.linspace(-2, 3, 120), np.linspace(-1.5, 2, 90)), axis=-1)
proba = baseline.predict(grid.reshape(-1, 2), batch_size=4096, verbose=0)
fig, (ax, ax_map) = plt.subplots(1, 2, figsize=(10, 3.8))
ax.plot(epoch_numbers, logs["ce"], label="training")
ax.plot(epoch_numbers, logs["val_ce"], label="validation")
ax.axvline(best_epoch, color="gray", linestyle=":", label=f"lowest validation (epoch {best_epoch})")
ax.set(title="Learning curves", xlabel="Epoch", ylabel="Cross-entropy")
ax.legend()
ax_map.contourf(grid[..., 0], grid[..., 1], proba.reshape(grid.shape[:2]),
                levels=[0, 0.5, 1], colors=["#a9c8e8", "#f4b6a6"])
ax_map.scatter(x_train[:, 0], x_train[:, 1], c=y_train[:, 0], cmap="coolwarm", s=14,
               edgecolors="k", linewidths=0.4)
ax_map.set(title="Decision boundary and the 100 training points", xlabel="x1", ylabel="x2")
fig.tight_layout()
plt.show()

# %%
# ## Weight penalties: L2 and L1
#
# `kernel_regularizer=keras.regularizers.L2(factor)` adds `factor * sum(w ** 2)` over
# the layer's kernel to the loss, `L1(factor)` adds `factor * sum(abs(w))`: large
# weights now cost something, so the optimizer keeps only those that pay for
# themselves. The layer exposes its penalty in `model.losses`, recomputed from the
# current weights.
l2_factor, l1_factor = 1e-3, 1e-3
l2_model = make_model(regularizer=keras.regularizers.L2(l2_factor))
kernels = [layer.kernel for layer in l2_model.layers[:2]]
by_hand = sum(l2_factor * float(ops.sum(ops.square(k))) for k in kernels)
l2_penalty = float(ops.sum(l2_model.losses))
print("penalties in model.losses:", [round(float(p), 4) for p in l2_model.losses])
print(f"sum: {l2_penalty:.4f}, by hand: {by_hand:.4f}")

# %%
# The penalty is part of the loss that `fit` minimizes, and of the `loss` that
# `evaluate` reports, validation included: for this untrained model, the loss is the
# cross-entropy **plus** {{ l2_penalty | .3f }}. To compare models with and without a
# penalty, compare a metric that leaves it out: the `ce` metric is the plain
# cross-entropy.
scores = l2_model.evaluate(x_val, y_val, batch_size=len(x_val), verbose=0,
                           return_dict=True)
penalty_in_loss = scores["loss"] - scores["ce"]
print({name: round(value, 4) for name, value in scores.items()})
print(f"loss - ce = {penalty_in_loss:.4f}")

# %%
# ## Dropout in training and in inference
#
# `Dropout(rate)` sets each input to zero with probability `rate`, anew at every step,
# so no unit can rely on any other being there. It is active only when the layer is
# called with `training=True`, which `fit` does; `predict`, `evaluate` and a plain
# `model(x)` run it in inference mode, where it passes its input through unchanged.
# The values it keeps are multiplied by `1 / (1 - rate)`, so that the expected sum of its
# outputs is the same in both modes and the next layer sees inputs on the same scale.
dropout = layers.Dropout(0.5, seed=1)
ones = ops.ones((1, 10000))
in_training = ops.convert_to_numpy(dropout(ones, training=True))
in_inference = ops.convert_to_numpy(dropout(ones, training=False))
kept_values = sorted(set(in_training.ravel().tolist()))
dropped_share = float(np.mean(in_training == 0))
mean_training, mean_inference = float(in_training.mean()), float(in_inference.mean())
print("training=True:  values", kept_values, f" share zeroed {dropped_share:.3f}",
      f" mean {mean_training:.3f}")
print("training=False: values", sorted(set(in_inference.ravel().tolist())),
      f" mean {mean_inference:.3f}")

# %%
# With `rate=0.5`, {{ dropped_share | .1% }} of the inputs were zeroed and the others
# became {{ kept_values[-1] }}; the mean stayed close to 1 ({{ mean_training | .3f }}).
#
# ## Train every regularizer
#
# Each variant changes one thing in the baseline and starts from the same seed.
# Early stopping is the baseline itself, stopped by the callback once the
# validation cross-entropy has not improved for `patience` epochs, with the best weights
# restored. The smaller model has one hidden layer of 16 units. Augmentation, for points
# in the plane, is jitter: `GaussianNoise(0.2)` adds fresh noise to every input at every
# step of training (and, like Dropout, nothing in inference), so the network never sees
# the same 100 points twice. For images, the `Random*` layers (`RandomTranslation`,
# `RandomRotation`, `RandomFlip`) play the same part.
patience = 2 if QUICK else 4
early_stopping = keras.callbacks.EarlyStopping(monitor="val_ce", patience=patience,
                                               restore_best_weights=True)
variants = {
    f"L2({l2_factor:g})": dict(regularizer=keras.regularizers.L2(l2_factor)),
    f"L1({l1_factor:g})": dict(regularizer=keras.regularizers.L1(l1_factor)),
    "Dropout(0.5)": dict(dropout=0.5),
    "early stopping": dict(),
    "smaller model": dict(units=16, n_hidden=1),
    "augmentation": dict(noise=0.2),
}
histories, models = {"baseline": logs}, {"baseline": baseline}
for name, options in variants.items():
    model = make_model(**options)
    callbacks = [early_stopping] if name == "early stopping" else []
    histories[name] = model.fit(x_train, y_train, callbacks=callbacks, **fit_args).history
    models[name] = model
    print(f"{name:15} {model.count_params():7,} weights, "
          f"{len(histories[name]['loss'])} epochs run")
stopped_epoch = len(histories["early stopping"]["loss"])
restored_epoch = early_stopping.best_epoch + 1
follows_baseline = bool(np.allclose(histories["early stopping"]["val_ce"],
                                    logs["val_ce"][:stopped_epoch]))
print(f"early stopping: ran {stopped_epoch} epochs, restored epoch {restored_epoch}, "
      f"same curve as the baseline until then: {follows_baseline}")

# %%
# ## Compare the validation curves
#
# Each panel shows the baseline's validation cross-entropy in grey and the variant's in
# colour, on the same axes. Early stopping ran {{ stopped_epoch }} of the {{ epochs }}
# epochs and kept the weights of epoch {{ restored_epoch }} (the dot); until it stopped,
# its curve is the baseline's (same seed, same data: `{{ follows_baseline }}` above).
fig, axes = plt.subplots(2, 3, figsize=(10, 5.5), sharex=True, sharey=True)
for ax, name in zip(axes.ravel(), variants):
    ax.plot(epoch_numbers, logs["val_ce"], color="gray", label="baseline")
    val_ce = histories[name]["val_ce"]
    ax.plot(np.arange(1, len(val_ce) + 1), val_ce, color="tab:blue", label=name)
    if name == "early stopping":
        ax.plot(restored_epoch, val_ce[restored_epoch - 1], "o", color="tab:blue",
                label="restored")
    ax.set(title=name)
    ax.legend(fontsize=8)
for ax in axes[1]:
    ax.set_xlabel("Epoch")
for ax in axes[:, 0]:
    ax.set_ylabel("Validation cross-entropy")
fig.suptitle("Validation cross-entropy with each regularizer, against the baseline")
fig.tight_layout()
plt.show()

# %%
# ## Evaluate
#
# Every model as it ended (early stopping: with its restored weights), on the 500
# validation points, in one batch as during training.
final_ce, final_acc = {}, {}
for name, model in models.items():
    val = model.evaluate(x_val, y_val, batch_size=len(x_val), verbose=0, return_dict=True)
    final_ce[name], final_acc[name] = val["ce"], val["accuracy"]
    print(f"{name:15} validation cross-entropy {val['ce']:.3f}  accuracy {val['accuracy']:.3f}")
best_variant = min(final_ce, key=final_ce.get)
beat_baseline = ", ".join(name for name in variants if final_ce[name] < final_ce["baseline"])

# %%
# The lowest final validation cross-entropy is that of **{{ best_variant }}**; the
# variants that end below the baseline: {{ beat_baseline }}.
#
# ## Where the weights end up: L1 against L2
#
# L2's pull on a weight shrinks with the weight (its gradient is `2 * factor * w`), so
# weights become small but rarely zero; L1 pulls every weight towards zero by the same
# amount, so many end up near zero: L1 makes a layer sparse. The share of first-layer
# weights whose absolute value is below `small`:
small = 0.01
near_zero = {}
for name in ["baseline", f"L2({l2_factor:g})", f"L1({l1_factor:g})"]:
    kernel = ops.convert_to_numpy(models[name].layers[0].kernel)
    near_zero[name] = float(np.mean(np.abs(kernel) < small))
    print(f"{name:10} {near_zero[name]:.1%} of the first layer's weights below {small}")
