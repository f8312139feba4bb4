"""Choose the backend inside a script: set KERAS_BACKEND before keras is first imported."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # (1)!

import keras  # only after the setting: the backend is fixed at this import

print("Keras runs on", keras.config.backend())
