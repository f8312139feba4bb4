import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(2,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="sigmoid"),  # three independent yes/no probabilities
])
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=["binary_accuracy"])
