"""
Compare hidden activations by validation loss
=============================================

Train the same small network on two concentric circles four times, changing only the
hidden layers' activation, and compare the validation-loss curves and decision boundaries.
Then train one model for each kind of output layer: regression, binary, multiclass, multi-label.
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
# `make_circles` draws two noisy rings, one inside the other: a binary problem that no
# straight line can separate, so the hidden layers must bend the boundary.
import matplotlib.pyplot as plt
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split

x, y = make_circles(n_samples=600, noise=0.1, factor=0.5, random_state=42)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=0.3, stratify=y, random_state=42
)
print("train:", x_train.shape, " test:", x_test.shape, " class balance:", np.bincount(y_train))

fig, ax = plt.subplots(figsize=(4, 4))
for label, colour in [(0, "tab:blue"), (1, "tab:red")]:
    ax.scatter(*x_train[y_train == label].T, s=8, c=colour, label=f"class {label}")
ax.set(title="make_circles training data", xlabel="x1", ylabel="x2", aspect="equal")
ax.legend(loc="upper right")
plt.show()

# %%
# ## Build the model
#
# One function builds the network for a given hidden activation. The output layer is
# always one sigmoid unit: the probability of class 1, the right output for a binary
# problem, trained with binary cross-entropy. Re-seeding before each build gives every
# model the same initial weights, so the activation is the only difference.
from keras import layers


def get_model(activation):
    keras.utils.set_random_seed(42)
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            layers.Dense(8, activation=activation),
            layers.Dense(8, activation=activation),
            layers.Dense(1, activation="sigmoid"),
        ],
        name=f"circles_{activation}",
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


get_model("relu").summary()

# %%
# ## Train
#
# Each model trains for the same number of epochs on the same batches; `verbose=0` keeps
# the log quiet and the `History` objects keep every epoch's validation loss.
activation_names = ["relu", "leaky_relu", "tanh", "sigmoid"]
epochs = 8 if QUICK else 40
plateau_loss = 0.6  # a network whose validation loss is below this has left the plateau
activation_results = {}
start_loss = {}
for name in activation_names:
    model = get_model(name)
    start_loss[name] = model.evaluate(x_test, y_test, verbose=0)[0]  # before training
    start = time.perf_counter()
    history = model.fit(x_train, y_train, validation_data=(x_test, y_test),
                        epochs=epochs, batch_size=32, verbose=0)
    activation_results[name] = (model, history)
    print(f"{name:11} final val_loss {history.history['val_loss'][-1]:.3f}  "
          f"val_accuracy {history.history['val_accuracy'][-1]:.3f}  "
          f"({time.perf_counter() - start:.1f} s)")
lowest_start, highest_start = min(start_loss.values()), max(start_loss.values())
chance_loss = float(np.log(2))  # binary cross-entropy of answering 0.5 for every point

# %%
# ## Validation loss per activation
#
# The validation loss, epoch by epoch, shows how fast each activation lets the same
# network learn.
fig, ax = plt.subplots(figsize=(7, 4))
for name, (_, history) in activation_results.items():
    ax.plot(range(1, epochs + 1), history.history["val_loss"], label=name)
ax.set(title="Validation loss per hidden activation (same seed, same data)",
       xlabel="Epoch", ylabel="Validation binary cross-entropy")
ax.legend()
plt.show()

# %%
# Before training, the four validation losses lie between {{ lowest_start | .3f }} and
# {{ highest_start | .3f }}; ln 2 = {{ chance_loss | .3f }} is the loss of predicting one half
# for every point. A network has left that plateau once its validation loss falls below
# {{ plateau_loss }}; we find the first epoch at which each one does.
plateau_exit = {}
for name, (_, history) in activation_results.items():
    below = [epoch for epoch, loss in enumerate(history.history["val_loss"], 1)
             if loss < plateau_loss]
    plateau_exit[name] = below[0] if below else f"none within {epochs}"
    print(f"{name:11} first epoch below {plateau_loss}: {plateau_exit[name]}")
never = epochs + 1  # sorts a network that never left the plateau last
exit_order = ", ".join(sorted(plateau_exit, key=lambda n: plateau_exit[n]
                              if isinstance(plateau_exit[n], int) else never))

# %%
# Fastest off the plateau first, this run's order is {{ exit_order }}. The sigmoid is
# expected last: its derivative is at most 0.25, so it passes weak gradients back through
# two hidden layers.
#
# ## Decision boundaries
#
# Each model's predicted probability over the plane shows the shape it learned.
grid = np.linspace(-1.6, 1.6, 120)
xx, yy = np.meshgrid(grid, grid)
plane = np.c_[xx.ravel(), yy.ravel()]
fig, axes = plt.subplots(1, 4, figsize=(12, 3.3), sharey=True)
for ax, (name, (model, _)) in zip(axes, activation_results.items()):
    probability = keras.ops.convert_to_numpy(model(plane)).reshape(xx.shape)
    ax.contourf(xx, yy, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.7)
    ax.scatter(*x_test.T, c=y_test, cmap="RdBu_r", s=6, edgecolors="k", linewidths=0.2)
    ax.set(title=name, xlabel="x1", aspect="equal")
axes[0].set_ylabel("x2")
fig.suptitle("Predicted probability of class 1 (red) for each hidden activation")
fig.tight_layout()
plt.show()

# %%
# ## Evaluate
#
# The test set is the validation data here, so these are the curves' last points.
for name, (model, _) in activation_results.items():
    scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    print(f"{name:11}", {key: round(value, 3) for key, value in scores.items()})

# %%
# ## Output layers for four kinds of problem
#
# The output layer's activation is set by the problem, together with the loss. The same
# network (16 ReLU units) learns four targets computed from the training points'
# coordinates: a number (regression), one yes/no (binary), one of three bands of x1
# (multiclass) and three yes/no questions at once (multi-label), each with the output
# layer, loss and metric of the chapter's table.
x1, x2 = x_train[:, 0], x_train[:, 1]
problems = {
    "regression": (x1 + 2 * x2, layers.Dense(1), "mse", "mae"),
    "binary": ((x1 > x2).astype("float32"), layers.Dense(1, activation="sigmoid"),
               "binary_crossentropy", "accuracy"),
    "multiclass": (keras.utils.to_categorical(np.digitize(x1, [-0.4, 0.4]), 3),
                   layers.Dense(3, activation="softmax"), "categorical_crossentropy", "accuracy"),
    "multi-label": (np.stack([x1 > 0, x2 > 0, x1 + x2 > 0], axis=1).astype("float32"),
                    layers.Dense(3, activation="sigmoid"), "binary_crossentropy",
                    "binary_accuracy"),
}
output_epochs = 10 if QUICK else 40
for kind, (target, output_layer, loss, metric) in problems.items():
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(16, activation="relu"),
                              output_layer])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=loss,
                  metrics=[metric])
    history = model.fit(x_train, target, epochs=output_epochs, batch_size=32, verbose=0)
    output = keras.ops.convert_to_numpy(model(x_train[:1]))[0]
    print(f"{kind:<11} {metric} {history.history[metric][-1]:.3f}   first point's output "
          f"{np.round(output, 2)}, sum {output.sum():.2f}")

# %%
# The softmax outputs of the multiclass model always sum to 1: one class per point. The
# multi-label model's sigmoid outputs are three separate probabilities, and their sum can be
# anything from 0 to 3.
