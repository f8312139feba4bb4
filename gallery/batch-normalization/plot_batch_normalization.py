"""
Add batch normalization to a network
====================================

Count the four parameters per feature of a BatchNormalization layer, watch it normalize
a batch, and compare the learning curves of a deep network with and without it.
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
# ## A small model with batch normalization
#
# Two inputs, a Dense layer of three ReLU units, a `BatchNormalization` layer that
# normalizes those three features, and one sigmoid output.
model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        layers.Dense(3, activation="relu"),
        layers.BatchNormalization(),
        layers.Dense(1, activation="sigmoid"),
    ],
    name="small_batchnorm",
)
model.summary()
n_params = model.count_params()
n_trainable = sum(int(ops.size(w)) for w in model.trainable_weights)
n_non_trainable = n_params - n_trainable

# %%
# Keras 2 code declared the input with `input_shape=(2,)` on the first Dense layer.
# Keras 3 still builds the same model that way, with a warning.
import warnings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_style = keras.Sequential([
        layers.Dense(3, input_shape=(2,), activation="relu"),  # the Keras 2 spelling
        layers.BatchNormalization(),
        layers.Dense(1, activation="sigmoid"),
    ])
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
print("parameters:", old_style.count_params())

# %%
# ## Four parameters per feature, two of them trainable
#
# For each of its 3 features the layer stores a scale `gamma` and an offset `beta`,
# learned by the optimizer, and a moving mean and moving variance, which are running
# averages of the batch statistics, updated during `fit` but never by gradients. Hence
# 4 x 3 = 12 parameters, of which 6 are non-trainable: {{ n_params }} in all,
# {{ n_trainable }} trainable.
batch_norm = model.layers[1]
for weight in batch_norm.weights:
    print(f"{weight.name:16} shape {tuple(weight.shape)}  trainable={weight.trainable}  "
          f"initial {ops.convert_to_numpy(weight)}")
print("trainable:", n_trainable, " non-trainable:", n_non_trainable)

# %%
# ## Training mode and inference mode
#
# While training, the layer normalizes each feature with the statistics of the current
# batch, `(x - batch_mean) / sqrt(batch_var + epsilon)`, then applies `gamma * x + beta`.
# A batch whose features have means near 5 and 20 comes out with mean 0 and standard
# deviation 1 per feature.
rng = np.random.default_rng(42)
batch = np.stack([rng.normal(5, 3, 256), rng.normal(20, 0.5, 256), rng.normal(0, 1, 256)],
                 axis=1).astype("float32")
standalone = layers.BatchNormalization()
bn_momentum, bn_epsilon = standalone.momentum, standalone.epsilon  # the defaults
out = standalone(batch, training=True)
print("input  mean", np.round(batch.mean(axis=0), 2), " std", np.round(batch.std(axis=0), 2))
print("output mean", np.round(ops.convert_to_numpy(ops.mean(out, axis=0)), 2),
      " std", np.round(ops.convert_to_numpy(ops.std(out, axis=0)), 2))

# %%
# Each training call also moves the moving statistics a small step towards the batch's:
# `moving_mean * momentum + batch_mean * (1 - momentum)`, with `momentum` {{ bn_momentum }}
# by default, so each update keeps {{ bn_momentum | .0% }} of the old value. At inference
# (`training=False`, what `predict` and `evaluate`
# use) the layer normalizes with those moving statistics instead, so one sample's output
# never depends on the other samples in its batch.
print("moving mean after one batch:", np.round(ops.convert_to_numpy(standalone.moving_mean), 3))
for _ in range(499):
    standalone(batch, training=True)
print("after 500 batches:         ", np.round(ops.convert_to_numpy(standalone.moving_mean), 3))
initial_share = bn_momentum ** 500  # what is left of the initial moving mean
inference = standalone(batch, training=False)
print("inference output mean", np.round(ops.convert_to_numpy(ops.mean(inference, axis=0)), 2))

# %%
# The inference outputs are near mean 0 but not exactly: after 500 updates,
# {{ bn_momentum }}^500 ({{ initial_share | .1% }}) of the initial moving mean, 0, is still
# in the average. For the second
# feature (mean 20, standard deviation 0.5) that small lag is a visible shift.

# %%
# ## Prepare the data
#
# To see the effect on learning, we train a deeper network on the 8x8 digits (64 pixels
# scaled to [0, 1], 10 classes).
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    digits.data / 16.0, digits.target, test_size=0.25, stratify=digits.target,
    random_state=42,
)
print("train:", x_train.shape, " test:", x_test.shape)

# %%
# ## Build the models
#
# The same three hidden layers of 32 sigmoid units, with or without a BatchNormalization
# layer after each, trained with plain SGD. Sigmoid layers and plain SGD make a network
# that learns slowly, which is where batch normalization helps most.
def get_model(batchnorm):
    keras.utils.set_random_seed(42)
    stack = [keras.Input(shape=(64,))]
    for _ in range(3):
        stack.append(layers.Dense(32, activation="sigmoid"))
        if batchnorm:
            stack.append(layers.BatchNormalization())
    stack.append(layers.Dense(10, activation="softmax"))
    model = keras.Sequential(stack, name="with_batchnorm" if batchnorm else "plain")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


plain_model, bn_model = get_model(False), get_model(True)
bn_model.summary()

# %%
# Each of the three BatchNormalization layers adds 4 x 32 = 128 parameters, 64 of them
# non-trainable: 384 more parameters, 192 of which the optimizer never touches.
#
# ## Train
#
epochs = 5 if QUICK else 30
histories = {}
for name, net in [("without BatchNormalization", plain_model),
                  ("with BatchNormalization", bn_model)]:
    history = net.fit(x_train, y_train, validation_split=0.2, epochs=epochs,
                      batch_size=32, verbose=0)
    histories[name] = history.history
    print(f"{name:27} val_accuracy after epoch 1: {history.history['val_accuracy'][0]:.3f}, "
          f"after epoch {epochs}: {history.history['val_accuracy'][-1]:.3f}")
first_half = {}  # the first epoch at which validation gets half the digits right
for name, logs in histories.items():
    above = [epoch for epoch, acc in enumerate(logs["val_accuracy"], 1) if acc >= 0.5]
    first_half[name] = above[0] if above else f"none within {epochs}"

# %%
# ## Learning curves
#
import matplotlib.pyplot as plt

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
for name, logs in histories.items():
    (line,) = ax_loss.plot(range(1, epochs + 1), logs["loss"], label=f"{name}, training")
    ax_loss.plot(range(1, epochs + 1), logs["val_loss"], "--", color=line.get_color(),
                 label=f"{name}, validation")
    ax_acc.plot(range(1, epochs + 1), logs["val_accuracy"], color=line.get_color(), label=name)
ax_loss.set(title="Loss per epoch", xlabel="Epoch", ylabel="Sparse categorical cross-entropy")
ax_acc.set(title="Validation accuracy per epoch", xlabel="Epoch", ylabel="Accuracy")
ax_loss.legend(fontsize=8)
ax_acc.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# Chance level is one digit in ten. The first epoch at which the validation accuracy
# reaches half the digits: {{ first_half['without BatchNormalization'] }} without
# normalization, {{ first_half['with BatchNormalization'] }} with it. With a
# BatchNormalization layer after each Dense layer every layer receives inputs of a stable
# scale. The validation curves can lag behind the training loss: validation runs in
# inference mode, with moving statistics that catch up with the batch statistics slowly
# (each update keeps {{ bn_momentum | .0% }} of the old value, at each of the
# {{ history.params['steps'] }} steps per epoch).
#
# ## Evaluate
#
# On the test digits, with the moving statistics (inference mode):
for name, net in [("without BatchNormalization", plain_model),
                  ("with BatchNormalization", bn_model)]:
    scores = net.evaluate(x_test, y_test, verbose=0, return_dict=True)
    print(f"{name:27}", {key: round(value, 3) for key, value in scores.items()})
