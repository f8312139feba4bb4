import keras
from keras import layers

model = keras.Sequential()
model.add(keras.Input(shape=(2,)))  # (1)!
model.add(layers.Dense(5))
model.add(layers.Activation("relu"))  # (2)!
model.add(layers.Dense(1))
model.add(layers.Activation("sigmoid"))
