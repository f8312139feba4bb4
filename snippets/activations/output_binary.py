import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(2,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),  # P(class 1)
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
