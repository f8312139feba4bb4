import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(2,)),
    layers.Dense(3, use_bias=False),  # (1)!
    layers.BatchNormalization(),
    layers.Activation("relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.summary()
