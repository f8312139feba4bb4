"""
Compare optimizers on one problem
=================================

Train the same network with SGD, SGD with momentum, Adam and RMSprop, configured as
objects, and compare their learning curves.
"""

# sphinx_gallery_budget = {"quick": 240, "full": 600}

# %%
# ## Setup
import os

import keras
from keras import layers

QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Prepare the data
#
# The wine data set: 178 wines, 13 chemical measurements, 3 cultivars.
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

wine = load_wine()
x_train, x_val, y_train, y_val = train_test_split(
    wine.data, wine.target, test_size=0.3, stratify=wine.target, random_state=0
)
scaler = StandardScaler().fit(x_train)
x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)

# %%
# ## Build the model
#
# A function returns a fresh model with the same initial weights each time, so only the
# optimizer differs between runs. Integer labels go with the sparse cross-entropy loss.
def build_model():
    keras.utils.set_random_seed(42)
    return keras.Sequential([
        keras.Input(shape=(13,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ])


# %%
# ## Configure the optimizers
#
# An optimizer can be named by a string (`"adam"`) for its defaults, or created as an
# object to set its learning rate and, for SGD, its momentum.
optimizers = {
    "SGD(learning_rate=0.01)": keras.optimizers.SGD(learning_rate=0.01),
    "SGD(0.01, momentum=0.9)": keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
    "Adam(learning_rate=0.001)": keras.optimizers.Adam(learning_rate=0.001),
    "RMSprop(learning_rate=0.001)": keras.optimizers.RMSprop(learning_rate=0.001),
}

# %%
# ## Train
epochs = 10 if QUICK else 60
histories = {}
for name, optimizer in optimizers.items():
    model = build_model()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                        batch_size=16, verbose=0)
    histories[name] = history.history
    print(f"{name:30s} val_loss={history.history['val_loss'][-1]:.3f} "
          f"val_accuracy={history.history['val_accuracy'][-1]:.3f}")

# %%
# ## Compare the learning curves
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 4))
for name, history in histories.items():
    ax.plot(history["val_loss"], label=name)
ax.set(title="Validation loss per optimizer", xlabel="Epoch", ylabel="Validation loss")
ax.legend()
plt.show()

# %%
# Plain SGD with a small learning rate moves slowly; momentum and the adaptive methods
# (Adam, RMSprop) reach a low loss in far fewer epochs on this problem.
