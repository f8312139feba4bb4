"""
Run Keras 2 imports and files on Keras 3
========================================

Each section runs one import, wrapper or file format from the course notes, prints the
error or warning the installed Keras gives it, then runs the Keras 3 replacement.
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
# ## keras.layers submodules
#
# Keras 2 had one submodule per family of layers. Keras 3 exports every layer from
# `keras.layers` itself.
keras2("from keras.layers.recurrent import LSTM")
keras2("from keras.layers.embeddings import Embedding")
keras2("from keras.layers.convolutional import Conv2D")
keras2("from keras.layers.pooling import MaxPooling2D")

from keras.layers import LSTM, Conv2D, Embedding, MaxPooling2D

print(LSTM(10), Embedding(input_dim=1000, output_dim=8), Conv2D(32, kernel_size=4),
      MaxPooling2D(pool_size=(2, 2)), sep="\n")

# %%
# ## LSTM recurrent activation
#
# The notes give `recurrent_activation='hard_sigmoid'` as the LSTM default, as it was up
# to Keras 2.2 (Keras 2.3 and TensorFlow 2's `tf.keras` already used `sigmoid`). The code
# still runs, but the default is `sigmoid` (the one fast GPU kernels implement), so a
# Keras 2.2 LSTM and a Keras 3 LSTM with the same weights compute different gates.
keras2("""
from keras.layers import LSTM
print(LSTM(10).get_config()['recurrent_activation'])
""")

# %%
# Passing `recurrent_activation="hard_sigmoid"` brings the piecewise-linear gate back,
# but Keras 3's `hard_sigmoid` is `x / 6 + 0.5` clipped to [0, 1], where Keras 2's was
# `0.2 x + 0.5`: the two differ between -3 and 3.
lstm = layers.LSTM(10, recurrent_activation="hard_sigmoid")
points = np.array([-3.0, -2.5, -1.0, 0.0, 1.0, 2.5, 3.0])
print("x:                      ", points)
print("Keras 3 hard_sigmoid(x):",
      np.round(keras.ops.convert_to_numpy(keras.activations.hard_sigmoid(points)), 3))
print("Keras 2 hard_sigmoid(x):", np.clip(0.2 * points + 0.5, 0, 1))

# %%
# ## Embedding input_length
#
# `input_length` told a Keras 2 `Embedding` how long its sequences were. Keras 3 warns
# and ignores it; the sequence length belongs to the input.
keras2("""
from keras.models import Sequential
from keras.layers import Embedding
vocab_size = 8
model = Sequential()
model.add(Embedding(input_dim=vocab_size, output_dim=8, input_length=2))
""")

model = keras.Sequential([keras.Input(shape=(2,)), layers.Embedding(input_dim=8, output_dim=8)])
print("output shape:", model.output_shape)

# %%
# ## Tokenizer
#
# `keras.preprocessing.text` and its `Tokenizer` are gone. The `TextVectorization` layer
# builds the vocabulary (`adapt`) and turns text into integer sequences; index 0 is
# padding and 1 the out-of-vocabulary token. It runs on `tf.data`, so it needs
# TensorFlow installed whichever backend Keras uses.
keras2("""
from keras.preprocessing.text import Tokenizer
tokenizer = Tokenizer()
""")

import importlib.util

text = "Hi this is a small sentence"
words = text.split()
seq_len = 3
lines = [" ".join(words[i - seq_len:i]) for i in range(seq_len, len(words) + 1)]
if importlib.util.find_spec("tensorflow") is None:
    print("TextVectorization needs TensorFlow installed; skipped on this machine.")
else:
    vectorizer = layers.TextVectorization()
    vectorizer.adapt(lines)
    print("index_word:", {i: str(word) for i, word in enumerate(vectorizer.get_vocabulary())})
    print(keras.ops.convert_to_numpy(vectorizer(lines)))

# %%
# ## keras.backend.function
#
# Keras 2 built a function from a layer's input to its output with `K.function`. In
# Keras 3 the same thing is a model: `keras.Model(inputs, outputs)` from any tensors of
# the graph, used with `predict`.
model = build_model()
keras2("""
import keras.backend as K
inp = model.layers[0].input
out = model.layers[0].output
inp_to_out = K.function([inp], [out])
""")

inp_to_out = keras.Model(model.inputs, model.layers[0].output)
print(np.round(inp_to_out.predict(x_train[:3], verbose=0), 2))

# %%
# ## keras.backend math functions
#
# Keras 2 code wrote losses and metrics with `K.mean`, `K.square`, `K.sqrt`. Keras 3's
# `keras.backend` keeps only configuration helpers (`epsilon`, `floatx`, `clear_session`);
# the math is in `keras.ops`, with NumPy's names, on every backend.
keras2("""
from keras import backend as K
def rmse(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true)))
print(rmse(y_test_onehot, y_test_onehot / 2))
""")

from keras import ops


def rmse(y_true, y_pred):
    return ops.sqrt(ops.mean(ops.square(ops.subtract(y_pred, y_true))))


print("rmse:", round(float(rmse(y_test_onehot, y_test_onehot / 2)), 4))

# %%
# ## keras.utils.np_utils
#
# `np_utils` is gone; `to_categorical` and `normalize` live in `keras.utils` itself.
keras2("""
from keras.utils.np_utils import to_categorical
y_train_onehot = to_categorical(y_train, 3)
""")

print(keras.utils.to_categorical(y_train[:3], num_classes=3))

# %%
# ## Image and sequence helpers
#
# These imports from the notes still work: `keras.preprocessing.image` and
# `keras.preprocessing.sequence` now re-export functions whose documented home is
# `keras.utils`.
keras2("""
from keras.preprocessing import image, sequence
print(image.load_img.__name__, sequence.pad_sequences.__name__)
""")

# %%
# New code uses `keras.utils`, here on a generated 64 x 64 image resized as ResNet50
# expects it, and on two integer sequences padded to the same length.
gradient = np.linspace(0, 255, 64 * 64 * 3).reshape(64, 64, 3)
keras.utils.save_img("gradient.png", gradient)
img = keras.utils.load_img("gradient.png", target_size=(224, 224))
batch = np.expand_dims(keras.utils.img_to_array(img), axis=0)
print("image batch:", batch.shape)
print(keras.utils.pad_sequences([[3, 12, 7], [5, 2]], maxlen=4))

# %%
# ## The scikit-learn wrapper
#
# `keras.wrappers.scikit_learn` is gone. Keras 3 has its own wrappers in
# `keras.wrappers`, with different arguments.
keras2("from keras.wrappers.scikit_learn import KerasClassifier")

from keras.wrappers import SKLearnClassifier

print(SKLearnClassifier.__name__, inspect.signature(SKLearnClassifier))

# %%
# ## KerasClassifier arguments
#
# `build_fn` became `model`, and training settings go in `fit_kwargs`. The function that
# builds the model now receives the training data as `X` and `y` (plus anything in
# `model_kwargs`), so it can size the input and output layers from them.
from keras.wrappers import SKLearnClassifier


def create_model(X, y, optimizer="adam", activation="relu"):
    model = keras.Sequential([
        keras.Input(shape=(X.shape[1],)),
        layers.Dense(16, activation=activation),
        layers.Dense(y.shape[1], activation="softmax"),
    ])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


keras2("model = SKLearnClassifier(build_fn=create_model, epochs=6, batch_size=16)")

classifier = SKLearnClassifier(model=create_model, fit_kwargs={"epochs": 6, "batch_size": 16})
print("model:", classifier.model.__name__, " fit_kwargs:", classifier.fit_kwargs)

# %%
# ## Binary models in SKLearnClassifier
#
# `SKLearnClassifier` one-hot encodes the targets, even for two classes, so the notes'
# binary model (one sigmoid unit, binary cross-entropy) fails with a shape error on the
# two-column target.
from keras.wrappers import SKLearnClassifier
from sklearn.datasets import make_circles

circles_x, circles_y = make_circles(n_samples=200, noise=0.1, factor=0.5, random_state=42)
keras2("""
from keras.models import Sequential
from keras.layers import Dense
def create_model(X, y, optimizer='adam', activation='relu'):
    model = Sequential([keras.Input(shape=(2,)), Dense(16, activation=activation),
                        Dense(1, activation='sigmoid')])
    model.compile(optimizer=optimizer, loss='binary_crossentropy')
    return model
SKLearnClassifier(model=create_model, fit_kwargs={'verbose': 0}).fit(circles_x, circles_y)
""")

# %%
# Two softmax units with categorical cross-entropy match the one-hot target. The
# wrapper's `predict` (which `score` calls) prints a progress bar, which we turn off.


def create_model(X, y, optimizer="adam", activation="relu"):
    model = keras.Sequential([
        keras.Input(shape=(X.shape[1],)),
        layers.Dense(16, activation=activation),
        layers.Dense(2, activation="softmax"),  # one unit per class, not one sigmoid unit
    ])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


keras.config.disable_interactive_logging()
epochs = 10 if QUICK else 100
classifier = SKLearnClassifier(
    model=create_model, fit_kwargs={"epochs": epochs, "batch_size": 16, "verbose": 0}
)
classifier.fit(circles_x, circles_y)
print("classes:", classifier.classes_, " training accuracy:",
      round(classifier.score(circles_x, circles_y), 3))
keras.config.enable_interactive_logging()

# %%
# ## Architecture as YAML
#
# Keras 3 serializes an architecture to JSON only; `to_yaml` and `model_from_yaml` are
# gone.
model = build_model()
keras2("yaml_string = model.to_yaml()")

json_string = model.to_json()
rebuilt = keras.models.model_from_json(json_string)
print(f"JSON: {len(json_string)} characters; rebuilt model: {rebuilt.count_params()} parameters")

# %%
# ## Weights file names
#
# Weights files must end in `.weights.h5`, so that a weights file is never mistaken for a
# full model.
model = build_model()
keras2("model.save_weights('weights.h5')")

model.save_weights("iris.weights.h5")
before = model.predict(x_test[:2], verbose=0)
model.load_weights("iris.weights.h5")
print("reloaded, same predictions:", np.allclose(before, model.predict(x_test[:2], verbose=0)))

# %%
# ## Full-model HDF5 files
#
# `model.save('full_model.h5')` still works, but Keras logs that HDF5 is a legacy
# format. The native `.keras` file (a zip of the architecture as JSON, the weights and
# the compile settings) is the default and keeps everything Keras 3 can describe.
model = build_model()
keras2("model.save('full_model.h5')")

# %%
# The `.h5` save has a side effect in this Keras version: it removes the optimizer from
# the model's compile settings (`keras/src/legacy/saving/saving_utils.py` pops it from
# the model's own dictionary). Saved again as `.keras`, the model would come back with
# the default optimizer, RMSprop, instead of Adam.
print("optimizer in compile config after the .h5 save:",
      model.get_compile_config().get("optimizer"))

# %%
# So save a freshly compiled (and here briefly trained) model, in the native format only.
model = build_model()
model.fit(x_train, y_train_onehot, epochs=1, verbose=0)
model.save("full_model.keras")
restored = keras.models.load_model("full_model.keras")
print("same predictions after loading:",
      np.allclose(model.predict(x_test[:2], verbose=0), restored.predict(x_test[:2], verbose=0)))

# %%
# ## ModelCheckpoint file names
#
# `.hd5` was never an HDF5 extension; Keras 2 saved whatever name it got. Keras 3 needs
# `.keras` for a full model, or `.weights.h5` with `save_weights_only=True`.
keras2("""
from keras.callbacks import ModelCheckpoint
model_save = ModelCheckpoint('best_model.hd5', save_best_only=True)
""")

model = build_model()
checkpoint = keras.callbacks.ModelCheckpoint("best_model.keras", save_best_only=True)
model.fit(x_train, y_train_onehot, epochs=3, validation_data=(x_test, y_test_onehot),
          callbacks=[checkpoint], verbose=0)
best = keras.models.load_model("best_model.keras")
print("best_model.keras saved:", os.path.exists("best_model.keras"),
      "- reloaded with", best.count_params(), "parameters")
