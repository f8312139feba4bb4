"""A callback is an object whose methods fit calls at fixed moments of training."""

import keras
import numpy as np


class PrintEveryTenth(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):  # (1)!
        if (epoch + 1) % 10 == 0:
            print(f"epoch {epoch + 1}: loss {logs['loss']:.4f}")

    def on_train_end(self, logs=None):
        print("done after", len(self.model.history.epoch), "epochs")  # (2)!


keras.utils.set_random_seed(42)
x = np.linspace(-1, 1, 64).reshape(-1, 1)
y = 3 * x + 1
model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
model.fit(x, y, epochs=30, verbose=0, callbacks=[PrintEveryTenth()])
