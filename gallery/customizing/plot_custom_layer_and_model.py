"""
Write a custom layer, loss, metric and model
============================================

Subclass `keras.layers.Layer`, `keras.losses.Loss`, `keras.metrics.Metric` and
`keras.Model`, train the result with `fit`, and save and reload it in the `.keras` format,
with and without registering the classes.
"""

# sphinx_gallery_budget = {"quick": 120, "full": 300}

# %%
# ## Setup
#
# Seed everything; the quick budget (the tests) trains for fewer epochs.
import os

import keras
import numpy as np
from keras import ops

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
backend_name = keras.backend.backend()

# %%
# ## Prepare the data
#
# Two interleaved half-moons, with three times as many points of class 0 as of class 1,
# so that plain accuracy flatters a model that neglects the rare class.
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

x, y = make_moons(n_samples=1600, noise=0.25, random_state=42)
keep = (y == 0) | (np.arange(len(y)) % 3 == 0)  # drop two thirds of class 1
x, y = x[keep].astype("float32"), y[keep].astype("float32").reshape(-1, 1)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=42,
                                                    stratify=y)
positive_share = float(y_train.mean())
print("train:", x_train.shape, " test:", x_test.shape, f" class 1: {positive_share:.0%}")

# %%
# ## A custom layer
#
# A layer owns weights and computes with them. `__init__` stores the settings, `build`
# creates the weights once the input's last dimension is known (at the first call),
# `call` computes the output, and `get_config` returns what `__init__` needs to rebuild
# the layer when a saved model is loaded. Besides its trainable kernel and bias, this
# layer keeps a non-trainable weight: how many training batches it has seen, updated with
# `assign_add` when `training` is true. The decorator registers the class under
# `"customizing>Affine"`, the name written in saved files.


@keras.saving.register_keras_serializable(package="customizing")
class Affine(keras.layers.Layer):
    """`activation(inputs @ kernel + bias)`, counting the training batches it sees."""

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        self.batches_seen = self.add_weight(shape=(), initializer="zeros",
                                            trainable=False, name="batches_seen")

    def call(self, inputs, training=False):
        if training:
            self.batches_seen.assign_add(1.0)
        return self.activation(ops.matmul(inputs, self.kernel) + self.bias)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": keras.activations.serialize(self.activation)}


layer = Affine(3, activation="relu")
print("weights before the first call:", len(layer.weights))
print("output shape:", layer(ops.ones((5, 2))).shape)
print({w.name: (tuple(w.shape), w.trainable) for w in layer.weights})

# %%
# ## A custom loss
#
# A loss is a function of `(y_true, y_pred)` returning one value per sample; `Loss`
# averages them over the batch. This one weighs the errors on class 1 by `pos_weight`,
# written with `keras.ops` so that it runs on every backend. With `pos_weight=1` it
# must agree with Keras's own binary cross-entropy.


@keras.saving.register_keras_serializable(package="customizing")
class WeightedBinaryCrossentropy(keras.losses.Loss):
    def __init__(self, pos_weight=1.0, name="weighted_bce", **kwargs):
        super().__init__(name=name, **kwargs)
        self.pos_weight = pos_weight

    def call(self, y_true, y_pred):
        y_pred = ops.clip(y_pred, 1e-7, 1 - 1e-7)
        per_value = -(self.pos_weight * y_true * ops.log(y_pred)
                      + (1 - y_true) * ops.log(1 - y_pred))
        return ops.mean(per_value, axis=-1)

    def get_config(self):
        return {**super().get_config(), "pos_weight": self.pos_weight}


probabilities = np.array([[0.9], [0.2], [0.6], [0.4]], dtype="float32")
labels = np.array([[1.0], [0.0], [0.0], [1.0]], dtype="float32")
ours = float(WeightedBinaryCrossentropy()(labels, probabilities))
theirs = float(keras.losses.BinaryCrossentropy()(labels, probabilities))
loss_gap = abs(ours - theirs)
print(f"ours {ours:.6f}  keras {theirs:.6f}  difference {loss_gap:.1e}")

# %%
# ## A custom metric
#
# A metric accumulates state over batches. Its state lives in variables made with
# `add_variable`; `update_state` adds a batch, `result` computes the value from the state
# and `reset_state` zeroes it (`fit` does that at the start of every epoch). Balanced
# accuracy, the mean of the recall of each class, needs four counters.


@keras.saving.register_keras_serializable(package="customizing")
class BalancedAccuracy(keras.metrics.Metric):
    def __init__(self, threshold=0.5, name="balanced_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.threshold = threshold
        self.counts = {k: self.add_variable(shape=(), initializer="zeros", name=k)
                       for k in ("tp", "fn", "tn", "fp")}

    def update_state(self, y_true, y_pred, sample_weight=None):
        true = ops.cast(y_true > 0.5, "float32")
        pred = ops.cast(y_pred > self.threshold, "float32")
        for name, value in (("tp", true * pred), ("fn", true * (1 - pred)),
                            ("tn", (1 - true) * (1 - pred)), ("fp", (1 - true) * pred)):
            self.counts[name].assign_add(ops.sum(value))

    def result(self):
        c = {k: v.value for k, v in self.counts.items()}
        recall_1 = ops.divide_no_nan(c["tp"], c["tp"] + c["fn"])
        recall_0 = ops.divide_no_nan(c["tn"], c["tn"] + c["fp"])
        return (recall_0 + recall_1) / 2

    def reset_state(self):
        for variable in self.counts.values():
            variable.assign(0.0)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


# %%
# ## A custom model
#
# Subclassing `keras.Model` is subclassing a layer that also has `compile`, `fit`,
# `evaluate` and `save`: layers created in `__init__` are tracked, their weights become
# the model's, and `call` says how data flows through them. Its `get_config` returns the
# arguments of `__init__`, as for a layer.


@keras.saving.register_keras_serializable(package="customizing")
class MoonsClassifier(keras.Model):
    def __init__(self, hidden=16, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.first = Affine(hidden, activation="relu", name="first")
        self.second = Affine(hidden, activation="relu", name="second")
        self.out = Affine(1, activation="sigmoid", name="out")

    def call(self, inputs, training=False):
        h = self.first(inputs, training=training)
        return self.out(self.second(h, training=training), training=training)

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden}


# %%
# ## Build the model
#
# A subclassed model has no weights until its layers have seen data: calling it once on a
# batch builds them (`model.build((None, 2))` would not, since this class has no `build`
# method of its own), and `summary` can then count them.
model = MoonsClassifier(hidden=16, name="moons_classifier")
_ = model(x_train[:1])  # one call builds every layer
model.summary()
n_params = model.count_params()
n_non_trainable = sum(int(ops.size(w)) for w in model.non_trainable_weights)

# %%
# ## Train
#
# `compile` takes the custom loss and metric objects like built-in ones. A positive
# weight of 3 roughly compensates for class 1 being a third as frequent.
batch_size = 32
epochs = 5 if QUICK else 30
model.compile(optimizer=keras.optimizers.Adam(0.01),
              loss=WeightedBinaryCrossentropy(pos_weight=3.0),
              metrics=["accuracy", BalancedAccuracy()])
history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=0)
steps = int(np.ceil(len(x_train) / batch_size)) * epochs
batches_seen = int(ops.convert_to_numpy(model.first.batches_seen))
print(f"after {epochs} epochs: loss {history.history['loss'][-1]:.3f}, "
      f"balanced accuracy {history.history['balanced_accuracy'][-1]:.3f}")
print("batches seen by the first layer:", batches_seen, " steps run by fit:", steps)

# %%
# The counter in the first layer reads {{ batches_seen }}, the {{ steps }} training steps
# `fit` made: state that a layer keeps in a weight is updated inside the compiled training
# step, on every backend.
#
# ## Evaluate
#
# The metric's result on the test set must be scikit-learn's balanced accuracy of the
# same thresholded predictions.
from sklearn.metrics import balanced_accuracy_score

scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
predicted = ops.convert_to_numpy(model.predict(x_test, verbose=0)) > 0.5
sklearn_balanced = balanced_accuracy_score(y_test.ravel(), predicted.ravel())
print({k: round(v, 4) for k, v in scores.items()})
print(f"scikit-learn balanced accuracy: {sklearn_balanced:.4f}")
metric_agrees = bool(abs(scores["balanced_accuracy"] - sklearn_balanced) < 1e-6)

# %%
# ## Save and reload
#
# The `.keras` file stores each object's registered name and `get_config`, the weights
# (the counter included) and the compile settings, so the loss and the metric come back
# too. The reloaded model predicts exactly what the original does.
model.save("moons_classifier.keras")
reloaded = keras.saving.load_model("moons_classifier.keras")
same = bool(np.allclose(ops.convert_to_numpy(model.predict(x_test, verbose=0)),
                        ops.convert_to_numpy(reloaded.predict(x_test, verbose=0))))
print("reloaded:", type(reloaded).__name__, " loss:", type(reloaded.loss).__name__)
print("same predictions:", same)
print("counter:", int(ops.convert_to_numpy(reloaded.first.batches_seen)))
registered = sorted(k for k in keras.saving.get_custom_objects() if k.startswith("customizing>"))
print("registered:", registered)

# %%
# ## Without registration
#
# A program that loads the file without having run the decorators (here we remove the
# registrations, as a fresh Python process that never imported the classes would lack
# them) gets a `TypeError`: the file names `customizing>MoonsClassifier` and nothing
# maps that name to a class.
for name in registered:
    keras.saving.get_custom_objects().pop(name)
try:
    keras.saving.load_model("moons_classifier.keras")
except TypeError as error:
    print("TypeError:", str(error).split("Full object config")[0].strip())

# %%
# ## Load with custom_objects
#
# Passing the classes to `load_model` as `custom_objects`, keyed by the names in the file,
# is the other way to let it find them.
custom_objects = {"customizing>" + cls.__name__: cls
                  for cls in (Affine, WeightedBinaryCrossentropy, BalancedAccuracy,
                              MoonsClassifier)}
again = keras.saving.load_model("moons_classifier.keras", custom_objects=custom_objects)
print("with custom_objects:", type(again).__name__,
      bool(np.allclose(ops.convert_to_numpy(again.predict(x_test, verbose=0)),
                       ops.convert_to_numpy(model.predict(x_test, verbose=0)))))
