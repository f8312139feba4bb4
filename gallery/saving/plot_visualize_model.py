"""
Draw a model and plot its training history
==========================================

Draw a model's graph of layers with `keras.utils.plot_model`, with and without shapes,
activations and nested blocks, then plot the accuracy and loss that `fit` recorded.
"""

# %%
# ## Setup
#
# Fix the seeds so every build prints the same numbers; the budget variable lets the
# tests train for fewer epochs.
import os

import keras

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Prepare the data
#
# scikit-learn's wine data: 178 wines, 13 measurements, three cultivars. We hold out a
# quarter of the wines for validation, scale the measurements with statistics of the
# training wines only (the validation wines stay unseen), and keep the labels as integers.
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

x, y = load_wine(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(
    x, y, test_size=0.25, stratify=y, random_state=42
)
scaler = StandardScaler().fit(x_train)
x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
print("train:", x_train.shape, " validation:", x_val.shape,
      " classes:", sorted(set(y.tolist())))

# %%
# ## Build the model
#
# A functional model with a nested block: a small `Sequential` (Dense then Dropout) used
# as one layer of the outer model. Nesting like this is how larger models are organized,
# and it gives the diagrams below something to expand.
from keras import layers

feature_block = keras.Sequential(
    [layers.Dense(16, activation="relu", name="dense"), layers.Dropout(0.2, name="dropout")],
    name="feature_block",
)
inputs = keras.Input(shape=(13,), name="measurements")
features = feature_block(inputs)
outputs = layers.Dense(3, activation="softmax", name="cultivar")(features)
model = keras.Model(inputs=inputs, outputs=outputs, name="wine_nested")
model.summary()

# %%
# The block counts as one layer with 13 x 16 + 16 = 224 parameters (Dropout has none);
# the output layer adds 16 x 3 + 3 = 51: 275 in all.
#
# ## A helper to show a diagram
#
# `plot_model` writes an image file; we read it back and show it with matplotlib so it
# appears on this page. It needs the `pydot` package and Graphviz's `dot` program. Where
# they are missing, Keras raises `ImportError` in a plain script but only prints a
# message inside a notebook, so we also check that the file was written, and show the
# reason in place of the diagram.
import matplotlib.pyplot as plt

MISSING = "Diagram not drawn: install pydot and Graphviz (which provides `dot`)."


def show_diagram(model, file_name, title, **options):
    try:
        keras.utils.plot_model(model, to_file=file_name, dpi=72, **options)
    except ImportError as error:  # pydot or Graphviz missing, in a plain script
        print(f"Diagram skipped: {error}")
    if not os.path.exists(file_name):  # missing inside a notebook too
        fig, ax = plt.subplots(figsize=(6, 1))
        ax.text(0.5, 0.5, MISSING, ha="center", va="center")
        ax.set_axis_off()
        ax.set_title(title)
        plt.show()
        return
    diagram = plt.imread(file_name)
    scale = min(1.0, 7 * 72 / diagram.shape[1])  # at most 7 inches wide
    fig, ax = plt.subplots(figsize=(scale * diagram.shape[1] / 72, scale * diagram.shape[0] / 72))
    ax.imshow(diagram)
    ax.set_axis_off()
    ax.set_title(title)
    plt.show()


# %%
# ## The default diagram
#
# With no options, Keras 3 draws one box per layer showing only its type: layer names
# are off by default now (`show_layer_names=False`), unlike Keras 2.
show_diagram(model, "model_default.png", "plot_model defaults: layer types only")

# %%
# ## Shapes, names and activations
#
# `show_shapes=True` adds each layer's input and output shapes (`None` is the batch
# dimension), `show_layer_names=True` the names we gave the layers, and
# `show_layer_activations=True` their activation functions.
show_diagram(model, "model_shapes.png", "Layer names, shapes and activations",
             show_shapes=True, show_layer_names=True, show_layer_activations=True)

# %%
# ## Expand nested models
#
# `expand_nested=True` draws the layers inside `feature_block` as a cluster instead of
# a single box. (`rankdir="LR"` would lay the graph out from left to right instead.)
show_diagram(model, "model_nested.png", "expand_nested=True: inside the feature block",
             show_shapes=True, show_layer_names=True, expand_nested=True)

# %%
# ## Train
#
# `fit` returns a `History`; with `validation_data` it also measures the held-out wines
# after every epoch.
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
epochs = 10 if QUICK else 50
history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                    batch_size=16, verbose=0)
print("recorded:", sorted(history.history))

# %%
# Keras 2 recorded accuracy as `acc`; Keras 3 uses the metric's name, `accuracy`:
try:
    history.history["acc"]
except KeyError as error:
    print("KeyError:", error)

# %%
# ## Plot accuracy per epoch
#
# The training and validation accuracy of every epoch, from `history.history`.
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(history.history["accuracy"], label="training")
ax.plot(history.history["val_accuracy"], label="validation")
ax.set(title="Model accuracy", xlabel="Epoch", ylabel="Accuracy")
ax.legend(loc="lower right")
plt.show()

# %%
# ## Plot loss per epoch
#
# The loss is the number the optimizer actually minimizes; plotted the same way.
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(history.history["loss"], label="training")
ax.plot(history.history["val_loss"], label="validation")
ax.set(title="Model loss", xlabel="Epoch", ylabel="Sparse categorical cross-entropy")
ax.legend(loc="upper right")
plt.show()

# %%
# Where the validation curve is better than the training one, Dropout is one reason: it is
# active only in training, so the training numbers come from a network with a fifth of its
# features switched off, the validation numbers from the whole network.
