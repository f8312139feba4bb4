"""
Learning curve by training-set size
===================================

Train the same network on growing subsets of the handwritten digits, each time from the
same initial weights, and plot training and test accuracy against the number of
examples to see whether more data would help.
"""

# %%
# ## Setup
#
# Fix the seeds so every build prints the same numbers; the budget variable lets the
# tests run fewer, shorter trainings.
import os

import keras

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Prepare the data
#
# scikit-learn ships 1,797 real handwritten digits of 8 x 8 pixels. We flatten each to
# 64 numbers between 0 and 1, one-hot encode the ten classes, and keep a quarter aside
# as a fixed test set that every run is measured on.
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
x = digits.data / 16.0  # pixel values run from 0 to 16
y = keras.utils.to_categorical(digits.target, num_classes=10)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=0.25, stratify=digits.target, random_state=42
)
print("train:", x_train.shape, " test:", x_test.shape)

# %%
# ## Build the model
#
# A small multilayer perceptron: 64 pixels, 32 hidden neurons, 10 classes. We keep its
# freshly initialized weights with `get_weights()` so that every training-set size
# starts from exactly the same point: only the amount of data changes.
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ],
    name="digits_mlp",
)
model.summary()
initial_weights = model.get_weights()
hidden_params, output_params = (layer.count_params() for layer in model.layers)

# %%
# The hidden layer has 64 x 32 weights plus 32 biases ({{ hidden_params | , }} parameters),
# the output layer 32 x 10 plus 10 ({{ output_params | , }}).
#
# ## Train on growing subsets
#
# For each size we draw a stratified subset of the training set, put the initial weights
# back with `set_weights`, and compile again so that the optimizer's state (Adam's
# running averages) starts fresh too: `set_weights` restores the layers, not the
# optimizer. `EarlyStopping` on the training loss ends each run once the loss improves
# by less than `min_delta` for `patience` epochs in a row.
train_sizes = [0.1, 0.3, 1.0] if QUICK else [0.03, 0.05, 0.1, 0.2, 0.35, 0.6, 1.0]
epochs = 10 if QUICK else 60
batch_size = 64
results = []  # (examples, training accuracy, test accuracy, epochs run)
for train_size in train_sizes:
    if train_size < 1.0:
        x_part, _, y_part, _ = train_test_split(
            x_train, y_train, train_size=train_size, stratify=y_train.argmax(1), random_state=0
        )
    else:
        x_part, y_part = x_train, y_train
    model.set_weights(initial_weights)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="loss", min_delta=0.002, patience=2)
    history = model.fit(x_part, y_part, epochs=epochs, batch_size=batch_size, verbose=0,
                        callbacks=[stop])
    train_acc = model.evaluate(x_part, y_part, verbose=0, return_dict=True)["accuracy"]
    test_acc = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
    results.append((len(x_part), train_acc, test_acc, len(history.epoch)))

print(f"{'examples':>8}  {'train acc':>9}  {'test acc':>8}  {'epochs':>6}")
for examples, train_acc, test_acc, epochs_run in results:
    print(f"{examples:>8}  {train_acc:>9.3f}  {test_acc:>8.3f}  {epochs_run:>6}")

# %%
# ## Plot the learning curve
#
# Accuracy on the examples the model trained on, and on the fixed test set, against the
# number of training examples (on a logarithmic axis, since the sizes grow geometrically).
import matplotlib.pyplot as plt

sizes, train_accs, test_accs, _ = zip(*results, strict=True)
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(sizes, train_accs, "o-", label="training subset")
ax.plot(sizes, test_accs, "s-", label="test set")
ax.set_xscale("log")
ax.set(title="Learning curve of the digits MLP", xlabel="Training examples (log scale)",
       ylabel="Accuracy")
ax.legend()
plt.show()

# %%
# With the smallest subset, {{ sizes[0] }} digits, the network scores
# {{ train_accs[0] | .0% }} on the digits it trained on and {{ test_accs[0] | .0% }} on the
# test set; with all {{ sizes[-1] | , }}, {{ train_accs[-1] | .0% }} and
# {{ test_accs[-1] | .0% }}. A large gap at small sizes means the network memorizes; a test
# curve still rising at the full training set says that more data (not a bigger model) is
# the most promising way to improve it.
