"""
A Keras model as a scikit-learn estimator
=========================================

Wrap a model-building function in `keras.wrappers.SKLearnClassifier`, fit and score it
like any scikit-learn classifier, and estimate its accuracy with 3-fold cross-validation.
"""

# %%
# ## Setup
#
# Fix the seeds so every build prints the same numbers, and quiet TensorFlow's warning
# about tracing many small models in a row: scikit-learn is about to build quite a few.
import logging
import os

import keras

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
keras_version = keras.__version__  # what the notes below about the wrapper were checked on
logging.getLogger("tensorflow").setLevel(logging.ERROR)  # no retracing warnings

# %%
# ## Prepare the data
#
# The Wisconsin breast-cancer data: 569 tumours, 30 measurements each, labelled
# malignant (0) or benign (1). A quarter is held out as a final test set. The labels stay
# plain integers: the wrapper encodes them itself.
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

x, y = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=0.25, stratify=y, random_state=42
)
print("train:", x_train.shape, " test:", x_test.shape, " classes:", np.unique(y))

# %%
# ## Build the model
#
# The wrapper does not take a model but a function that builds one. It calls the
# function with the training data as `X` and `y` (so the input and output sizes can be
# read from them) plus any `model_kwargs`, and the function returns a compiled model.
# Every argument with a default is a hyperparameter we can tune later.
from keras import layers


def build_model(X, y, optimizer="adam", activation="relu", n_layers=1, n_neurons=16):
    model = keras.Sequential([keras.Input(shape=(X.shape[1],))], name="cancer_mlp")
    for _ in range(n_layers):
        model.add(layers.Dense(n_neurons, activation=activation))
    model.add(layers.Dense(y.shape[1], activation="softmax"))  # one unit per class
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


# What the wrapper will build: y arrives one-hot encoded, two columns.
build_model(x_train, keras.utils.to_categorical(y_train)).summary()

# %%
# The hidden layer has 30 x 16 weights plus 16 biases (496 parameters), the output layer
# 16 x 2 plus 2 (34): 530 in all.
#
# ## Why the output has two units
#
# `SKLearnClassifier` one-hot encodes the targets before calling `fit`, so even a binary
# problem reaches the model as two columns. A Keras 2 style binary model, one sigmoid
# unit with binary cross-entropy, then fails on the shape mismatch:
from keras.wrappers import SKLearnClassifier


def build_sigmoid_model(X, y):
    model = keras.Sequential([keras.Input(shape=(X.shape[1],)),
                              layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


try:
    SKLearnClassifier(model=build_sigmoid_model, fit_kwargs={"verbose": 0}).fit(x_train, y_train)
except ValueError as error:
    print("ValueError:", error)

# %%
# The target is `(None, 2)`, the output `(None, 1)`. The fix is the model above:
# `Dense(2, activation="softmax")` with categorical cross-entropy, which for two classes
# computes the same thing as one sigmoid with binary cross-entropy.
#
# ## Fit and score like scikit-learn
#
# Features are scaled in a pipeline, so that in cross-validation the scaler only ever
# sees training folds. `fit_kwargs` go to `model.fit`; `predict` returns class labels
# (the wrapper undoes the one-hot encoding) and `score` is the accuracy. The wrapper
# calls the model's `predict` without `verbose=0`; turning off interactive logging keeps
# its progress bars out of the output.
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

keras.config.disable_interactive_logging()  # no progress bars from the wrapper's predict

epochs = 5 if QUICK else 30
fit_kwargs = {"epochs": epochs, "batch_size": 16, "verbose": 0}
classifier = SKLearnClassifier(model=build_model, fit_kwargs=fit_kwargs)
pipeline = make_pipeline(StandardScaler(), classifier)
pipeline.fit(x_train, y_train)
print("predicted:", pipeline.predict(x_test[:10]))
print("true:     ", y_test[:10])
print(f"test accuracy: {pipeline.score(x_test, y_test):.3f}")
print("epochs trained:", len(classifier.history_.history["loss"]))

# %%
# ## Cross-validation
#
# One train/test split gives one number, which depends on which tumours landed in the
# test set. `cross_val_score` with `cv=3` trains three fresh models, each on two thirds of
# the training data, scores each on the remaining third, and returns the three accuracies.
#
# scikit-learn clones the estimator for every fold, and in Keras {{ keras_version }} the
# wrapper's clone
# drops `fit_kwargs`. We therefore hand the fit arguments to `cross_val_score` with
# `params=`, addressed to the pipeline step by its name.
from sklearn.model_selection import cross_val_score

params = {f"sklearnclassifier__{name}": value for name, value in fit_kwargs.items()}
scores = cross_val_score(pipeline, x_train, y_train, cv=3, params=params)
print("fold accuracies:", np.round(scores, 3))
print(f"mean {scores.mean():.3f}, standard deviation {scores.std():.3f}")

# %%
# ## Plot the folds
#
# The spread of the folds says how far a single split could mislead.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3))
ax.bar([f"fold {i + 1}" for i in range(len(scores))], scores, color="tab:orange")
ax.axhline(scores.mean(), color="black", linestyle="--", label=f"mean {scores.mean():.3f}")
ax.set_ylim(min(0.8, scores.min() - 0.02), 1.0)
ax.set(title="Accuracy of each cross-validation fold", xlabel="Fold", ylabel="Accuracy")
ax.legend(loc="lower right")
plt.show()

# %%
# ## The Keras 2 wrapper is gone
#
# Keras 2 had `keras.wrappers.scikit_learn.KerasClassifier(build_fn=...)`. That module
# no longer exists; `keras.wrappers.SKLearnClassifier(model=...)` replaces it.
import importlib

try:
    importlib.import_module("keras.wrappers.scikit_learn")
except ImportError as error:
    print(f"{type(error).__name__}: {error}")
print("available:", [name for name in dir(keras.wrappers) if name.startswith("SKLearn")])
