import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(2,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1),  # no activation: any real number
])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
