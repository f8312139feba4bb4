"""
Two inputs and two outputs in one model
=======================================

Predict a house's price and its demand class from numeric features and a district
number, with one loss per output, loss weights and per-output metrics, trained on
dictionaries of generated data.
"""

# sphinx_gallery_budget = {"quick": 120, "full": 300}

# %%
# ## Setup
#
import os

import keras
import numpy as np

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Prepare the data
#
# Generated houses: four standardized numeric features (size, rooms, age, distance to
# the centre) and a district, one of ten, given as an integer. Each district adds its
# own offset to the price and its own popularity to the demand, so the district matters
# for both targets. The price is a number (regression); the demand is one of three
# classes (low, medium, high), cut at the tertiles so that each class holds a third.
rng = np.random.default_rng(42)
n_houses, n_districts = 2400, 10
features = rng.normal(size=(n_houses, 4)).astype("float32")
district = rng.integers(0, n_districts, size=(n_houses, 1))
price_offset = rng.normal(scale=1.5, size=n_districts)
popularity = rng.normal(size=n_districts)
size, rooms, age, distance = features.T
price = (2.0 * size + 0.5 * rooms - 0.7 * age - distance
         + price_offset[district[:, 0]] + rng.normal(scale=0.3, size=n_houses))
score = popularity[district[:, 0]] - distance + 0.5 * size + rng.normal(scale=0.5, size=n_houses)
demand = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))  # 0, 1 or 2

# One dictionary for the inputs, one for the targets, keyed by the names given below
x = {"features": features, "district": district}
y = {"price": price.astype("float32").reshape(-1, 1), "demand": demand}
n_train, n_val = 1600, 400
parts = {"train": slice(0, n_train), "val": slice(n_train, n_train + n_val),
         "test": slice(n_train + n_val, None)}
x_train, x_val, x_test = ({k: v[s] for k, v in x.items()} for s in parts.values())
y_train, y_val, y_test = ({k: v[s] for k, v in y.items()} for s in parts.values())
for name, data in (("inputs", x_train), ("targets", y_train)):
    print(f"training {name}:", {k: v.shape for k, v in data.items()})

# %%
# ## Build the model
#
# Each input is a `keras.Input` with a `name`: the keys of the input dictionary. The
# district goes through an `Embedding`, which learns a vector of three numbers per
# district, instead of a one-hot code. The two branches are concatenated, go through a
# shared trunk of two dense layers, and split into two heads, each a layer named after
# its output.
from keras import layers

features_in = keras.Input(shape=(4,), name="features")
district_in = keras.Input(shape=(1,), dtype="int32", name="district")
looked_up = layers.Embedding(n_districts, 3, name="district_embedding")(district_in)
embedded = layers.Flatten(name="flatten")(looked_up)  # one row of numbers per house
merged = layers.Concatenate(name="concatenate")([features_in, embedded])
hidden = layers.Dense(32, activation="relu", name="trunk_1")(merged)
hidden = layers.Dense(32, activation="relu", name="trunk_2")(hidden)
price_out = layers.Dense(1, name="price")(hidden)
demand_out = layers.Dense(3, activation="softmax", name="demand")(hidden)
model = keras.Model(inputs={"features": features_in, "district": district_in},
                    outputs={"price": price_out, "demand": demand_out}, name="houses")
model.summary()
n_params = model.count_params()
embedding_params = model.get_layer("district_embedding").count_params()
output_names = model.output_names

# %%
# The "Connected to" column is what a Sequential summary lacks: `concatenate` takes two
# tensors, and both heads read `trunk_2`.
#
# ## Draw the graph
#
# `plot_model` writes a PNG with Graphviz; we show it with matplotlib. Without the `pydot`
# package or Graphviz's `dot` program it writes nothing: a plain script gets an
# `ImportError`, a notebook only a printed message. Either way we say why and go on.
def draw(model, file_name):
    import matplotlib.pyplot as plt

    try:
        keras.utils.plot_model(model, to_file=file_name, show_shapes=True,
                               show_layer_names=True, dpi=60)
    except ImportError as error:  # pydot or Graphviz missing, in a plain script
        print(f"Diagram skipped: {error}")
    if not os.path.exists(file_name):  # in a notebook Keras has printed why
        return
    image = plt.imread(file_name)
    fig, ax = plt.subplots(figsize=(image.shape[1] / 100, image.shape[0] / 100))
    ax.imshow(image)
    ax.set_axis_off()
    ax.set_title(f"Graph of the {model.name} model")
    plt.show()


draw(model, "houses.png")

# %%
# ## Compile with one loss per output
#
# `loss`, `loss_weights` and `metrics` take dictionaries keyed by output name. The total
# loss that the optimizer minimizes is the weighted sum of the per-output losses. A mean
# squared error on prices and a cross-entropy over three classes are not on the same
# scale; evaluating the untrained model measures how far apart they start. A weight of
# 0.5 on the price reduces its pull on the shared trunk.
loss_weights = {"price": 0.5, "demand": 1.0}
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.003),
    loss={"price": "mean_squared_error", "demand": "sparse_categorical_crossentropy"},
    loss_weights=loss_weights,
    metrics={"price": ["mae"], "demand": ["accuracy"]},
)
initial = model.evaluate(x_train, y_train, verbose=0, return_dict=True)
initial_ratio = initial["price_loss"] / initial["demand_loss"]
print(f"before training: price_loss {initial['price_loss']:.3f}, "
      f"demand_loss {initial['demand_loss']:.3f}")

# %%
# Before training, the price's loss is {{ initial_ratio | .1f }} times the demand's.
#
# ## A misspelt output name
#
# A loss keyed by a name that is no output is an error. We try one on a copy of the
# model (the real one keeps its compile settings) and record which call raises.
clone = keras.models.clone_model(model)
misspelt_raised_in = None
try:
    misspelt_raised_in = "compile"
    clone.compile(optimizer="adam", loss={"prize": "mean_squared_error",
                                          "demand": "sparse_categorical_crossentropy"})
    misspelt_raised_in = "fit"
    clone.fit(x_train, y_train, epochs=1, verbose=0)
    misspelt_raised_in = None
except (KeyError, ValueError) as error:
    print(f"{type(error).__name__} raised by {misspelt_raised_in}: {error}")

# %%
# Here the call to {{ misspelt_raised_in }} raised it: `compile` only records the
# dictionary, and the names are checked when the loss is first computed.
#
# ## Train
#
# `fit` takes the two dictionaries: Keras matches inputs and targets to the model's inputs
# and outputs by name, not by position. The training set holds a whole number of batches.
batch_size = 32
epochs = 5 if QUICK else 30
history = model.fit(x_train, y_train, validation_data=(x_val, y_val),
                    epochs=epochs, batch_size=batch_size, verbose=0)
history_keys = sorted(history.history)
print("History keys:", history_keys)

# %%
# Each output gets a loss entry named `<output>_loss` and one entry per metric named
# `<output>_<metric>`; `loss` is the weighted total, and every entry has its `val_` twin.
#
# ## Plot the per-output losses
#
# The two losses are on different scales and follow their own curves, which is why each
# gets its own panel.
import matplotlib.pyplot as plt

epoch_numbers = np.arange(1, epochs + 1)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
units = {"price": "Mean squared error", "demand": "Cross-entropy"}
for ax, name in zip(axes, output_names):
    ax.plot(epoch_numbers, history.history[f"{name}_loss"], label="training")
    ax.plot(epoch_numbers, history.history[f"val_{name}_loss"], label="validation")
    ax.set(title=f"Loss of the {name} output", xlabel="Epoch", ylabel=units[name])
    ax.legend()
fig.tight_layout()
plt.show()
best_epoch = {name: int(np.argmin(history.history[f"val_{name}_loss"])) + 1
              for name in output_names}
print("lowest validation loss at epoch:", best_epoch)

# %%
# ## Evaluate
#
# `evaluate(..., return_dict=True)` names every number. The per-output losses are
# reported unweighted, and the total is their weighted sum. (We evaluate 40 houses a
# batch, which divides the test set evenly; the last section shows why.)
scores = model.evaluate(x_test, y_test, batch_size=40, verbose=0, return_dict=True)
for name, value in scores.items():
    print(f"{name:>16}: {value:.4f}")


def weighted_gap(scores):
    """How far the total loss is from the weighted sum of the per-output losses."""
    weighted = sum(loss_weights[name] * scores[f"{name}_loss"] for name in output_names)
    return abs(scores["loss"] - weighted)


even_gap = weighted_gap(scores)
print(f"|loss - (0.5 * price_loss + 1.0 * demand_loss)| = {even_gap:.1e}")

# %%
# Two baselines that know nothing of the inputs: always predicting the mean training
# price, and always predicting the most frequent demand class.
mean_price_mae = float(np.mean(np.abs(y_test["price"] - y_train["price"].mean())))
majority_share = float(np.mean(y_test["demand"] == np.bincount(y_train["demand"]).argmax()))
price_mae, demand_accuracy = scores["price_mae"], scores["demand_accuracy"]
print(f"price MAE       {price_mae:.3f}  (mean price: {mean_price_mae:.3f})")
print(f"demand accuracy {demand_accuracy:.3f}  (majority class: {majority_share:.3f})")

# %%
# The model's price error is {{ price_mae | .2f }} against {{ mean_price_mae | .2f }} for
# the mean price, and its demand accuracy {{ demand_accuracy | .0% }} against
# {{ majority_share | .0% }} for the majority class.
#
# ## Predict
#
# Because the outputs were given as a dictionary, `predict` returns a dictionary with
# the same keys: one array per head.
predictions = model.predict(x_test, verbose=0)
prediction_shapes = {name: tuple(array.shape) for name, array in predictions.items()}
print("predictions:", prediction_shapes)
for i in range(3):
    print(f"house {i}: price {predictions['price'][i, 0]:6.2f} "
          f"(true {y_test['price'][i, 0]:6.2f}), demand probabilities "
          f"{np.round(predictions['demand'][i], 2)} (true class {y_test['demand'][i]})")

# %%
# ## When the parts do not add up
#
# With the default 32 houses a batch, the test houses make full batches and a short
# last one. We evaluate again that way and measure the same gap.
backend = keras.backend.backend()
full_batches, short_batch = divmod(len(y_test["demand"]), 32)
uneven_gap = weighted_gap(model.evaluate(x_test, y_test, batch_size=32, verbose=0,
                                         return_dict=True))
print(f"backend {backend}: gap with batches of 40: {even_gap:.1e}, of 32: {uneven_gap:.1e}")

# %%
# That is {{ full_batches }} batches of 32 and one of {{ short_batch }}. With them the gap
# is {{ uneven_gap | .1e }} (backend {{ backend }}), against
# {{ even_gap | .1e }} with batches of 40. The total loss is averaged over houses. On
# TensorFlow the compiled step does not know a batch's size when it records each
# output's loss, so those entries are averaged over batches, and the short last batch
# counts as much as a full one. The gap is small, and no fault of the model.
