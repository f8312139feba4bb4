import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(2,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),  # one probability per class, summing to 1
])
# integer labels 0, 1, 2; use "categorical_crossentropy" for one-hot labels
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
