import keras
from keras import layers

first = keras.Input(shape=(4,), name="first")
second = keras.Input(shape=(4,), name="second")
shared = layers.Dense(8, activation="relu", name="shared")  # (1)!
merged = layers.Concatenate()([shared(first), shared(second)])  # (2)!
output = layers.Dense(1, activation="sigmoid", name="output")(merged)
model = keras.Model([first, second], output)
model.summary()  # (3)!
