"""
Compare SimpleRNN, GRU and LSTM on sine waves
=============================================

Count the parameters of Keras' three recurrent layers, train each to predict the next value
of a noisy sine wave, and classify whole sequences with the course notes' small LSTM.
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
# Each sample is a window of 30 steps of a sine wave with a random frequency and phase,
# plus a little noise; the target is the value at the next step. A recurrent layer reads
# input of shape (samples, time steps, features): here one feature per step.
rng = np.random.default_rng(42)
n_samples, steps = 1200, 30
freq = rng.uniform(0.1, 0.3, size=(n_samples, 1))
phase = rng.uniform(0, 2 * np.pi, size=(n_samples, 1))
t = np.arange(steps + 1)
waves = np.sin(freq * t + phase) + rng.normal(0, 0.05, size=(n_samples, steps + 1))
x = waves[:, :steps, np.newaxis].astype("float32")  # (samples, 30, 1)
y = waves[:, steps].astype("float32")  # the next value
x_train, y_train, x_test, y_test = x[:1000], y[:1000], x[1000:], y[1000:]
print("x_train:", x_train.shape, " y_train:", y_train.shape, " x_test:", x_test.shape)

# %%
# ## What a recurrent layer returns
#
# A recurrent layer reads the steps in order and carries a state from one step to the next.
# By default it returns only its output after the last step, one vector per sequence;
# `return_sequences=True` returns the output at every step, which is what a second
# recurrent layer stacked on top needs.
from keras import layers

sample = x_train[:2]
print("LSTM(16):                        ", tuple(layers.LSTM(16)(sample).shape))
print("LSTM(16, return_sequences=True): ",
      tuple(layers.LSTM(16, return_sequences=True)(sample).shape))

# %%
# ## Build the three models
#
# The same network with each recurrent layer: 16 units reading one feature per step, and a
# `Dense(1)` for the next value. A SimpleRNN unit has one set of weights (input, recurrent,
# bias). A GRU has three (update gate, reset gate, candidate), each with two biases in
# Keras' default `reset_after=True`. An LSTM has four (input, forget and output gates and
# the candidate cell state).
units = 16


def make_model(rnn_layer, name):
    return keras.Sequential(
        [keras.Input(shape=(steps, 1)), rnn_layer, layers.Dense(1)], name=name
    )


models = {
    "SimpleRNN": make_model(layers.SimpleRNN(units), "simple_rnn_model"),
    "GRU": make_model(layers.GRU(units), "gru_model"),
    "LSTM": make_model(layers.LSTM(units), "lstm_model"),
}
for model in models.values():
    model.summary()
rnn_params = {name: model.layers[0].count_params() for name, model in models.items()}
dense_params = models["LSTM"].layers[1].count_params()

# %%
# With u units and i input features: SimpleRNN has u x (u + i + 1) = 16 x 18 =
# {{ rnn_params['SimpleRNN'] | , }} parameters, GRU 3 x u x (u + i + 2) =
# {{ rnn_params['GRU'] | , }} and LSTM 4 x u x (u + i + 1) = {{ rnn_params['LSTM'] | , }}.
# The gates cost parameters, and buy memory over longer sequences.
#
# ## LSTM's activations
#
# An LSTM's gates use the `recurrent_activation`, its cell state and output the
# `activation`. In Keras 3 the default gate activation is the sigmoid, as in Keras 2.3 and
# TensorFlow 2's `tf.keras`; Keras 2.2 and earlier used a cheaper piecewise-linear
# `hard_sigmoid`.
config = layers.LSTM(units).get_config()
print("activation:", config["activation"], " recurrent_activation:",
      config["recurrent_activation"])

# %%
# Asking for `"hard_sigmoid"` does not bring back those gates either: Keras 2 computed
# 0.2 x + 0.5, Keras 3's `hard_sigmoid` is x / 6 + 0.5 (both clipped to [0, 1]).
z = np.array([-2.0, -1.0, 0.0, 1.0, 2.0], dtype="float32")
print("x:                    ", z)
for name in ["sigmoid", "hard_sigmoid"]:
    values = keras.ops.convert_to_numpy(keras.activations.get(name)(z))
    print(f"{name + ', Keras 3:':<22}", np.round(values, 3))
print(f"{'hard_sigmoid, Keras 2:':<22}", np.round(np.clip(0.2 * z + 0.5, 0, 1), 3))

# %%
# ## Train
#
# Each model learns to minimise the mean squared error of its next-value prediction, with a
# fifth of the training windows for validation.
epochs = 3 if QUICK else 25
batch_size = 32
histories = {}
for name, model in models.items():
    model.compile(optimizer="adam", loss="mse")
    histories[name] = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                                validation_split=0.2, verbose=0).history
    print(f"{name:<9} final loss {histories[name]['loss'][-1]:.4f}, "
          f"val_loss {histories[name]['val_loss'][-1]:.4f}")

# %%
# ## Learning curves
#
# The validation loss after each epoch, for the three layers.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6.5, 3.8))
for name, history in histories.items():
    ax.plot(range(1, epochs + 1), history["val_loss"], label=name)
ax.set(title="Validation loss per epoch on the sine task", xlabel="Epoch",
       ylabel="Mean squared error", yscale="log")
ax.legend()
plt.show()

# %%
# The curves show how fast each layer learns the task, and where each one ends.
#
# ## Evaluate
#
# The test error of each model, and the predictions of the LSTM next to the true values.
test_mse = {name: model.evaluate(x_test, y_test, verbose=0) for name, model in models.items()}
for name, mse in test_mse.items():
    print(f"{name:<9} test MSE {mse:.4f}")
simple_vs_lstm = test_mse["SimpleRNN"] / test_mse["LSTM"]
predicted = models["LSTM"].predict(x_test[:8], verbose=0)[:, 0]
print("LSTM predicted:", np.round(predicted, 2))
print("true next:     ", np.round(y_test[:8], 2))

# %%
# On windows of 30 steps the SimpleRNN's test error is {{ simple_vs_lstm | .2f }} times the
# LSTM's, with about a third of the GRU's parameters and a quarter of the LSTM's. Its weakness,
# gradients that vanish as they flow back through many steps, shows on sequences of
# hundreds of steps, where the LSTM's and GRU's gates earn their cost.
#
# ## The notes' functional LSTM on 100 steps
#
# The course notes define a functional model for sequence classification: 100 time steps
# of one feature, `LSTM(10)`, `Dense(10, relu)` and `Dense(1, sigmoid)` for a yes/no answer.
inputs = keras.Input(shape=(100, 1))
hidden = layers.LSTM(10)(inputs)
hidden = layers.Dense(10, activation="relu")(hidden)
outputs = layers.Dense(1, activation="sigmoid")(hidden)
classifier = keras.Model(inputs, outputs, name="seed_lstm_100x1")
classifier.summary()
classifier_params = [layer.count_params() for layer in classifier.layers[1:]]  # no Input
classifier_total = classifier.count_params()

# %%
# The LSTM holds 4 x 10 x (10 + 1 + 1) = {{ classifier_params[0] }} parameters, the dense
# layers {{ classifier_params[1] }} and {{ classifier_params[2] }}: {{ classifier_total }} in
# all, as in the notes.
#
# ## Train the classifier
#
# A task for it: is a noisy sine wave of 100 steps fast (label 1) or slow (label 0)? The
# answer is in how often the values rise and fall, so the LSTM has to follow the sequence.
n = 600
fast = rng.integers(0, 2, size=n)
freq = np.where(fast == 1, rng.uniform(0.25, 0.4, n), rng.uniform(0.05, 0.15, n))[:, None]
phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
seqs = np.sin(freq * np.arange(100) + phase) + rng.normal(0, 0.2, size=(n, 100))
seqs = seqs[..., np.newaxis].astype("float32")
classifier.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
epochs = 2 if QUICK else 15
history = classifier.fit(seqs[:500], fast[:500], epochs=epochs, batch_size=32,
                         validation_split=0.2, verbose=0)
print("val_accuracy by epoch:", np.round(history.history["val_accuracy"], 2))
scores = classifier.evaluate(seqs[500:], fast[500:], verbose=0, return_dict=True)
print("test:", {name: round(value, 3) for name, value in scores.items()})

# %%
# ## Draw the classifier
#
# `keras.utils.plot_model` draws the notes' model as a graph, with the shape of every
# layer's output: 100 steps of 1 feature in, 10 numbers out of the LSTM, one probability out.
try:
    keras.utils.plot_model(classifier, to_file="lstm_100x1.png", show_shapes=True, dpi=60)
except ImportError as error:  # pydot or Graphviz missing, in a plain script
    print(f"Diagram skipped: {error}")
if os.path.exists("lstm_100x1.png"):  # in a notebook Keras only prints why it drew nothing
    diagram = plt.imread("lstm_100x1.png")
    fig, ax = plt.subplots(figsize=(diagram.shape[1] / 120, diagram.shape[0] / 120))
    ax.imshow(diagram)
else:  # still a figure, so the figures after it keep their numbers
    fig, ax = plt.subplots(figsize=(6, 1))
    ax.text(0.5, 0.5, "Diagram not drawn: install pydot and Graphviz", ha="center")
ax.set_axis_off()
ax.set_title("The notes' LSTM classifier, layer by layer")
plt.show()
