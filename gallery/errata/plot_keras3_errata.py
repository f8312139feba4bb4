"""
Run Keras 2 training code on Keras 3
====================================

Each section runs one line of Keras 2 model and training code from the course notes,
prints the error or warning the installed Keras gives it, then runs the Keras 3 replacement.
"""

# sphinx_gallery_budget = {"quick": 240, "full": 600}

# %%
# ## Setup
#
# `keras2` runs a piece of old code given as a string, exactly as the notes wrote it
# (only the data names are adapted to the data below). It prints the exception type and
# message, the warnings Keras raises (some deprecations are logged through `absl`
# instead, so it collects those too), or `No error` when the code runs. `build_model`
# makes a fresh Iris classifier (4 -> 8 -> 3) for the sections that need one.
import contextlib
import inspect
import logging
import logging.handlers
import os
import warnings

import keras
import numpy as np
from keras import layers
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
# Many small models in one process make TensorFlow log notes on retracing: not a result.
logging.getLogger("tensorflow").setLevel(logging.ERROR)


@contextlib.contextmanager
def absl_log():
    """Collect (and do not print) what Keras logs through absl while the block runs."""
    logger, handler = logging.getLogger("absl"), logging.handlers.BufferingHandler(100)
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler.buffer
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def keras2(code):
    """Run Keras 2 code; print the error, warnings or log lines the installed Keras gives."""
    with warnings.catch_warnings(record=True) as caught, absl_log() as logged:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # NumPy's, not Keras's
        try:
            exec(code, globals())
        except Exception as error:
            print(f"{type(error).__name__}: {error}")
            return
    for warning in caught:
        print(f"{warning.category.__name__}: {warning.message}")
    for record in logged:
        print(f"{record.levelname} (logged by Keras): {record.getMessage()}")
    if not caught and not logged:
        print("No error")


iris = load_iris()
x_train, x_test, y_train, y_test = train_test_split(
    iris.data, iris.target, test_size=0.2, stratify=iris.target, random_state=42
)
scaler = StandardScaler().fit(x_train)
x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
y_train_onehot = keras.utils.to_categorical(y_train, num_classes=3)
y_test_onehot = keras.utils.to_categorical(y_test, num_classes=3)


def build_model():
    """A compiled, untrained Iris classifier: 4 inputs, 8 hidden ReLU units, 3 softmax outputs."""
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        layers.Dense(8, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


print("Keras", keras.__version__, "on", keras.backend.backend())

# %%
# ## lr in optimizers
#
# Keras 2 optimizers took the learning rate as `lr`. Keras 3 only knows `learning_rate`
# and rejects any argument it does not recognize.
keras2("""
from keras.optimizers import SGD
sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9)
""")

sgd = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
print(f"learning_rate: {float(sgd.learning_rate):g}  momentum: {sgd.momentum}")

# %%
# ## decay in optimizers
#
# Renaming `lr` is not enough: `decay` is still accepted, with a warning, and then
# **ignored**, so the learning rate would silently stay constant. Keras 2's decay divided
# the rate by `1 + decay * iterations`; the schedule `InverseTimeDecay` with
# `decay_steps=1` computes exactly that.
keras2("""
from keras.optimizers import SGD
sgd = SGD(learning_rate=0.01, decay=1e-6, momentum=0.9)
""")

schedule = keras.optimizers.schedules.InverseTimeDecay(
    initial_learning_rate=0.01, decay_steps=1, decay_rate=1e-6
)
sgd = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)
for step in (0, 1_000, 100_000):
    print(f"learning rate after {step:>7,} updates: {float(schedule(step)):.6f}")

# %%
# ## Misspelled epochs in fit
#
# `fit` takes named arguments only from its own list: a typo is a `TypeError` at once
# rather than a silently ignored setting.
model = build_model()
keras2("model.fit(x_train, y_train_onehot, batch_size=128, apochs=10, "
       "validation_data=(x_test, y_test_onehot))")

epochs = 2
history = model.fit(x_train, y_train_onehot, batch_size=128, epochs=epochs, verbose=0)
print("epochs run:", len(history.epoch))

# %%
# ## metric in compile
#
# The same holds for `compile`: the argument is `metrics`, plural. This line from the
# notes has a second typo (`catgorical`) that the next section deals with.
model = build_model()
keras2("""
from keras.optimizers import SGD
model.compile(loss='catgorical_crossentropy', optimizer=SGD(), metric=['accuracy'])
""")

model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(),
              metrics=["accuracy"])
scores = model.evaluate(x_test, y_test_onehot, verbose=0, return_dict=True)
print({name: round(value, 3) for name, value in scores.items()})

# %%
# ## metrics in fit
#
# Metrics are chosen when compiling; `fit` has no `metrics` argument.
model = build_model()
keras2("model.fit(x_train, y_train_onehot, epochs=100, "
       "validation_data=[x_test, y_test_onehot], metrics=['accuracy'])")

model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train_onehot, epochs=2, verbose=0)
print(sorted(history.history))

# %%
# ## Keras 2 compile arguments
#
# The notes list Keras 2's `compile` signature. `sample_weight_mode` and
# `target_tensors` no longer exist; this is what `compile` accepts now.
model = build_model()
keras2("model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'], "
       "sample_weight_mode=None, target_tensors=None)")

print(list(inspect.signature(keras.Model.compile).parameters)[1:])

# %%
# ## Misspelled loss name
#
# A loss given as a string is looked up only when training starts: `compile` accepts the
# typo and `fit` fails. Passing a loss object instead (the notes' preferred "option 1")
# turns the typo into an error on the line that has it.
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
keras2("model.compile(loss='catgorical_crossentropy', optimizer='sgd')")
keras2("model.fit(x_train, y_train_onehot, epochs=1, verbose=0)")

model.compile(loss=keras.losses.CategoricalCrossentropy(), optimizer="sgd")
history = model.fit(x_train, y_train_onehot, epochs=1, verbose=0)
print("loss after one epoch:", round(history.history["loss"][-1], 3))

# %%
# ## input_dim and input_shape
#
# Keras 3 still accepts `input_dim` and `input_shape` on a first layer, with a warning.
# Declaring the input with `keras.Input` says the same thing without one.
keras2("""
from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(8, input_dim=4, activation='relu'))
model.add(Dense(3, activation='softmax'))
""")

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
print("input shape:", model.input_shape, " parameters:", model.count_params())

# %%
# ## layer.input_shape and output_shape
#
# Keras 2 layers had `input_shape` and `output_shape` attributes. Keras 3 layers have
# neither; the shapes are on the layer's symbolic `input` and `output` tensors, and a model
# still has `input_shape` and `output_shape`.
model = build_model()
keras2("print(model.layers[0].input_shape)")
keras2("print(model.layers[0].output_shape)")

dense = model.layers[0]
print("layer:", dense.input.shape, "->", dense.output.shape,
      " model:", model.input_shape, "->", model.output_shape)

# %%
# ## fit_generator
#
# `fit_generator` (and `evaluate_generator`, `predict_generator`) are gone: `fit`,
# `evaluate` and `predict` take a generator, or a `keras.utils.PyDataset`, themselves.
model = build_model()
keras2("model.fit_generator(train_generator, steps_per_epoch=8, epochs=2)")

batches = [(x_train[i:i + 16], y_train_onehot[i:i + 16]) for i in range(0, len(x_train), 16)]
train_generator = (batch for epoch in range(2) for batch in batches)  # two epochs of batches
history = model.fit(train_generator, steps_per_epoch=len(batches), epochs=2, shuffle=False,
                    verbose=0)
print("epochs run:", len(history.epoch))

# %%
# ## predict_classes
#
# `predict_classes` is gone. `predict` returns probabilities; the class is the column
# with the highest one (`argmax`), or for one sigmoid output, the probability rounded at 0.5.
model = build_model()
epochs = 10 if QUICK else 60
model.fit(x_train, y_train_onehot, epochs=epochs, batch_size=16, verbose=0)
keras2("predictions = model.predict_classes(x_test)")

probabilities = model.predict(x_test, verbose=0)
predictions = probabilities.argmax(axis=1)
print("predicted:", predictions[:10])
print("true:     ", y_test[:10])

# %%
# ## History keys
#
# Keras 2 recorded the accuracy metric as `acc`. Keras 3 names it as you asked for it,
# `accuracy`, and its validation twin `val_accuracy`.
model = build_model()
history = model.fit(x_train, y_train_onehot, epochs=2, validation_split=0.25, verbose=0)
keras2("""
import matplotlib.pyplot as plt
plt.plot(history.history['acc'])
""")

print(sorted(history.history))
print("accuracy per epoch:", np.round(history.history["accuracy"], 3))

# %%
# ## metrics_names
#
# This line still runs, but prints the wrong label: after `evaluate`, `metrics_names` is
# `['loss', 'compile_metrics']`, all compiled metrics grouped under one name.
# `return_dict=True` gives each number its own name. (The model is untrained: only the
# labels matter here.)
model = build_model()
keras2("""
scores = model.evaluate(x_test, y_test_onehot, verbose=0)
print(model.metrics_names)
print("%s: %.2f%%" % (model.metrics_names[1], scores[1]*100))
""")

scores = model.evaluate(x_test, y_test_onehot, verbose=0, return_dict=True)
print(f"accuracy: {scores['accuracy'] * 100:.2f}%")
