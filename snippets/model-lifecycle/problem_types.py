import keras
from keras import layers


def mlp(n_inputs, output_layer):
    return keras.Sequential([keras.Input(shape=(n_inputs,)),
                             layers.Dense(16, activation="relu"), output_layer])


# Regression: linear output, one neuron per target, mean squared error.
regressor = mlp(10, layers.Dense(1))
regressor.compile(optimizer="adam", loss="mean_squared_error")

# Binary classification: one sigmoid neuron, binary cross-entropy.
binary = mlp(10, layers.Dense(1, activation="sigmoid"))
binary.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

# Multiclass: one softmax neuron per class, categorical cross-entropy on one-hot labels
# (or sparse_categorical_crossentropy on integer labels).
multiclass = mlp(10, layers.Dense(3, activation="softmax"))
multiclass.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
