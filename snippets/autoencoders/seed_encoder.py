"""The notes' 100-4-100 autoencoder, and its encoder extracted the notes' way."""

import keras
import numpy as np
from keras import layers

autoencoder = keras.Sequential([
    keras.Input(shape=(100,)),  # (1)!
    layers.Dense(4, activation="relu"),
    layers.Dense(100, activation="sigmoid"),
])
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")

encoder = keras.Sequential()
encoder.add(autoencoder.layers[0])  # (2)!

x_test = np.random.default_rng(0).random((5, 100), dtype="float32")
print(encoder.predict(x_test, verbose=0).shape)  # (5, 4): a 4-number code per sample
