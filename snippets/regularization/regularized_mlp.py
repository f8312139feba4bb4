"""The course notes' MNIST network, with every regularizer of this chapter in place."""

import keras
from keras import layers, regularizers

model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        layers.Dense(
            512,
            activation="relu",
            kernel_initializer="he_normal",  # (1)!
            kernel_regularizer=regularizers.L2(1e-4),  # (2)!
        ),
        layers.Dropout(0.2),  # (3)!
        layers.Dense(512, activation="relu", kernel_initializer="he_normal",
                     kernel_regularizer=regularizers.L2(1e-4)),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
early_stopping = keras.callbacks.EarlyStopping(  # (4)!
    monitor="val_loss", patience=5, restore_best_weights=True
)
