"""
Classify Iris flowers in five steps
===================================

Define, compile, fit, evaluate and predict with a small Keras network on the real Iris
measurements that ship with scikit-learn.
"""

# sphinx_gallery_budget = {"quick": 240, "full": 600}

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
# Iris has 150 flowers, 4 measurements each, and 3 species. We scale the measurements,
# one-hot encode the species and hold out a fifth of the flowers for testing.
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

iris = load_iris()
x_train, x_test, y_train, y_test = train_test_split(
    iris.data, iris.target, test_size=0.2, stratify=iris.target, random_state=42
)
scaler = StandardScaler().fit(x_train)  # fit on training data only
x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
y_train_onehot = keras.utils.to_categorical(y_train, num_classes=3)
y_test_onehot = keras.utils.to_categorical(y_test, num_classes=3)
print("train:", x_train.shape, y_train_onehot.shape, " test:", x_test.shape)

# %%
# The first rows show the four measurements (scaled) and the one-hot species.
print(np.round(x_train[:3], 2))
print(y_train_onehot[:3])

# %%
# ## Step 1: define the network
#
# A `Sequential` model stacks layers in order. `keras.Input` declares the shape of one
# sample (4 measurements); the hidden layer has 8 neurons with ReLU, and the output layer
# has one neuron per species with softmax, so the outputs are class probabilities.
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        layers.Dense(8, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ],
    name="iris_sequential",
)
model.summary()
layer_params = [layer.count_params() for layer in model.layers]
n_params = model.count_params()

# %%
# The hidden layer holds 4 x 8 weights plus 8 biases ({{ layer_params[0] }} parameters);
# the output layer 8 x 3 weights plus 3 biases ({{ layer_params[1] }}): {{ n_params }} in
# all, every one trainable.
#
# ## The same model with the functional API
#
# The functional API calls each layer on a tensor and builds a `Model` from inputs to
# outputs. It describes the same network, with the same {{ n_params }} parameters.
inputs = keras.Input(shape=(4,), name="measurements")
hidden = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(3, activation="softmax", name="species")(hidden)
functional_model = keras.Model(inputs=inputs, outputs=outputs, name="iris_functional")
functional_model.summary()

# %%
# ## Draw the model
#
# `keras.utils.plot_model` draws the graph of layers with their shapes. It needs the
# `pydot` package and Graphviz's `dot` program; without them it writes no file (a plain
# script gets an `ImportError`, a notebook only a printed message), and we say so and go on.
try:
    keras.utils.plot_model(functional_model, to_file="iris_model.png", show_shapes=True,
                           show_layer_names=True, dpi=72)
except ImportError as error:  # pydot or Graphviz missing, in a plain script
    print(f"Diagram skipped: {error}")
if os.path.exists("iris_model.png"):  # in a notebook Keras only prints why it drew nothing
    import matplotlib.pyplot as plt

    diagram = plt.imread("iris_model.png")
    fig, ax = plt.subplots(figsize=(diagram.shape[1] / 110, diagram.shape[0] / 110))
    ax.imshow(diagram)
    ax.set_axis_off()
    ax.set_title("Iris model graph: input, Dense(8), Dense(3)")
    plt.show()

# %%
# ## Step 2: compile
#
# Compiling chooses how the model learns: the optimizer (Adam), the loss it minimizes
# (categorical cross-entropy, for one-hot classes) and the metrics it reports.
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])

# %%
# ## Verbose modes
#
# `verbose` decides what `fit` prints: `1` draws a progress bar per epoch, `2` prints one
# line per epoch, `0` prints nothing. Two epochs of each show the difference. They train a
# copy (`clone_model` copies the architecture with new weights), so that `model` itself
# starts Step 3 untrained.
demo = keras.models.clone_model(model)
demo.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
print("verbose=1:")
demo.fit(x_train, y_train_onehot, epochs=2, batch_size=16, verbose=1)
print("verbose=2:")
demo.fit(x_train, y_train_onehot, epochs=2, batch_size=16, verbose=2)
print("verbose=0: (nothing)")
quiet_history = demo.fit(x_train, y_train_onehot, epochs=2, batch_size=16, verbose=0)

# %%
# ## Step 3: fit
#
# `fit` trains for a number of epochs in mini-batches of 16 flowers, keeping a quarter of
# the training set aside to validate after every epoch. We train silently and print the
# last three epochs of the returned history.
epochs = 20 if QUICK else 150
batch_size = 16
history = model.fit(
    x_train, y_train_onehot, epochs=epochs, batch_size=batch_size,
    validation_split=0.25, verbose=0,
)
for epoch in range(epochs - 3, epochs):
    logs = {name: round(values[epoch], 3) for name, values in history.history.items()}
    print(f"epoch {epoch + 1}: {logs}")
final_accuracy = history.history["accuracy"][-1]
final_val_accuracy = history.history["val_accuracy"][-1]

# %%
# ## Plot the learning curves
#
# `fit` returns a `History` whose `history` dictionary holds one value per epoch for each
# metric, for the training data and (with the `val_` prefix) the validation data.
import matplotlib.pyplot as plt

fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(9, 3.5))
for key, label in [("accuracy", "training"), ("val_accuracy", "validation")]:
    ax_acc.plot(history.history[key], label=label)
for key, label in [("loss", "training"), ("val_loss", "validation")]:
    ax_loss.plot(history.history[key], label=label)
ax_acc.set(title="Accuracy per epoch", xlabel="Epoch", ylabel="Accuracy")
ax_loss.set(title="Loss per epoch", xlabel="Epoch", ylabel="Categorical cross-entropy")
for ax in (ax_acc, ax_loss):
    ax.legend()
fig.tight_layout()
plt.show()

# %%
# The model trained on 90 flowers (three quarters of the training set) and was validated on
# the other 30. At the last epoch its training accuracy is {{ final_accuracy | .0% }} and
# its validation accuracy {{ final_val_accuracy | .0% }}: the smaller that gap, the less the
# model has learned its 90 training flowers by heart.
#
# ## Step 4: evaluate
#
# `evaluate` measures the loss and the metrics on the held-out test flowers.
# `return_dict=True` names each number.
scores = model.evaluate(x_test, y_test_onehot, verbose=0, return_dict=True)
print({name: round(value, 3) for name, value in scores.items()})

# %%
# ## Step 5: predict
#
# `predict` returns one row of three probabilities per flower. The predicted species is
# the column with the highest probability (`argmax`), which replaces Keras 2's removed
# `predict_classes`.
probabilities = model.predict(x_test[:5], verbose=0)
print(np.round(probabilities, 3))
print("predicted:", probabilities.argmax(axis=1), " true:", y_test[:5])

# %%
# ## Batch-level methods
#
# `fit`, `evaluate` and `predict` loop over batches for you. Their single-batch
# counterparts run one step on exactly the data you pass: useful in custom loops.
batch_x, batch_y = x_train[:16], y_train_onehot[:16]
print("train_on_batch:", model.train_on_batch(batch_x, batch_y, return_dict=True))
print("test_on_batch:", model.test_on_batch(x_test, y_test_onehot, return_dict=True))
print("predict_on_batch:", np.round(model.predict_on_batch(x_test[:2]), 3))

# %%
# ## Weigh the classes: class_weight
#
# `class_weight` maps each class to a number that multiplies the loss of every sample of
# that class, so errors on a heavy class cost more: the usual remedy when one class is
# rare. Keras turns it into `sample_weight`, one weight per sample. Two copies with the
# same starting weights, trained for one epoch without shuffling (`shuffle=False`, so both
# see the same batches in the same order), one with each argument, end identical.
class_weight = {0: 1.0, 1: 1.0, 2: 5.0}  # mistakes on virginica cost five times more
sample_weight = np.array([class_weight[species] for species in y_train])
by_class, by_sample = keras.models.clone_model(model), keras.models.clone_model(model)
by_sample.set_weights(by_class.get_weights())
weighted_loss = {}
for name, copy, weights in [("class_weight", by_class, {"class_weight": class_weight}),
                            ("sample_weight", by_sample, {"sample_weight": sample_weight})]:
    copy.compile(optimizer="adam", loss="categorical_crossentropy")
    run = copy.fit(x_train, y_train_onehot, epochs=1, batch_size=16, shuffle=False,
                   verbose=0, **weights)
    weighted_loss[name] = round(run.history["loss"][0], 4)
same_weights = all(np.allclose(a, b) for a, b in zip(by_class.get_weights(),
                                                    by_sample.get_weights()))
print("loss of the epoch:", weighted_loss, " same weights afterwards:", same_weights)

# %%
# ## Resume training: initial_epoch
#
# `fit` can continue where an earlier call stopped. `initial_epoch` is the number of epochs
# already done and `epochs` the number to end at, not a count to add: with
# `initial_epoch=epochs` and `epochs=epochs + 3`, the model trains three more epochs,
# numbered on from the first run (which matters to callbacks and learning-rate schedules).
resumed = model.fit(x_train, y_train_onehot, batch_size=batch_size, initial_epoch=epochs,
                    epochs=epochs + 3, verbose=2)
print("epochs in this History, counted from 0:", resumed.epoch)
