"""
Put preprocessing inside the model
==================================

Adapt a `Normalization` layer and a `StringLookup` layer to the data, and compare a
model that contains its preprocessing with one that relies on the pipeline, before and
after saving.
"""

# %%
# ## Setup
#
# Fix the seeds so every build prints the same numbers. The budget variable lets the
# tests run the same script with fewer epochs.
import os
import tempfile

import keras
import numpy as np

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
backend = keras.backend.backend()

# %%
# ## Prepare the data
#
# Generated flats: floor area in square metres, distance to the centre in kilometres,
# year of construction, and the city as a string. The target says whether the flat costs
# more than the median. The three numbers live on very different scales (tens, units,
# thousands), which is what normalization is for.
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(42)
n = 1000
area = rng.uniform(20, 200, n)
distance = rng.uniform(0.5, 30, n)
year = rng.integers(1900, 2024, n)
city = rng.choice(["Paris", "Lyon", "Nice"], size=n, p=[0.5, 0.3, 0.2])
base = np.select([city == "Paris", city == "Lyon"], [10_000, 5_000], 4_500)
price = area * (base - 120 * distance + 15 * (year - 1960)) * rng.lognormal(0, 0.1, n)
numbers = np.stack([area, distance, year], axis=1).astype("float32")
target = (price > np.median(price)).astype("float32")
(num_train, num_test, city_train, city_test,
 y_train, y_test) = train_test_split(numbers, city, target, test_size=0.2, random_state=42)
print("numbers:", num_train.shape, " first row:", num_train[0].round(1), city_train[0])

# %%
# ## Normalization learns its statistics with adapt
#
# `Normalization` computes `(x - mean) / sqrt(variance)` per feature. `adapt` reads the
# training data once and stores the mean and variance as non-trainable weights, so they
# are saved with the model and `fit` never changes them. Adapt on the training set only:
# statistics of the test set would leak into training.
from keras import layers

normalizer = layers.Normalization()
normalizer.adapt(num_train)
feature_means = [round(float(m), 1) for m in keras.ops.convert_to_numpy(normalizer.mean)[0]]
scaled = keras.ops.convert_to_numpy(normalizer(num_train))
print("adapted means:", feature_means)
print("after the layer: means", scaled.mean(axis=0).round(3), " stds", scaled.std(axis=0).round(3))

# %%
# ## Two places for preprocessing
#
# The same network two ways. **In the model**: `Normalization` is its first layer and
# the model takes raw numbers. **In the pipeline**: we normalize the arrays ourselves
# (here with the same adapted layer, called on NumPy data) and the model takes normalized
# numbers only.
def make_classifier(first_layers, inputs):
    keras.utils.set_random_seed(42)
    model = keras.Sequential([inputs, *first_layers, layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


in_model = make_classifier([normalizer], keras.Input(shape=(3,)))
in_pipeline = make_classifier([], keras.Input(shape=(3,)))
in_model.summary()
norm_weights = sum(int(np.prod(w.shape)) for w in normalizer.weights)

# %%
# The `Normalization` layer holds {{ norm_weights }} weights (a mean and a variance per
# feature and a sample count), none of them trainable; the arithmetic table above counts
# them.
#
# ## Train
#
# Both models see the same normalized numbers during training: one normalizes them
# itself, the other receives them already normalized.
epochs = 10 if QUICK else 40
in_model.fit(num_train, y_train, epochs=epochs, batch_size=32, verbose=0)
in_pipeline.fit(normalizer(num_train), y_train, epochs=epochs, batch_size=32, verbose=0)
before_saving = keras.ops.convert_to_numpy(in_model.predict(num_test, verbose=0))
accuracy = {"in the model": in_model.evaluate(num_test, y_test, verbose=0)[1],
            "in the pipeline": in_pipeline.evaluate(normalizer(num_test), y_test,
                                                    verbose=0)[1]}
print({name: round(value, 3) for name, value in accuracy.items()})

# %%
# ## Save, reload and feed raw inputs
#
# After saving, the model file is all a user (or a server) gets. The model with its
# preprocessing inside accepts raw numbers and predicts exactly as before; the other
# model gets the same raw numbers and is wrong, because the code that normalized its
# inputs stayed behind in the training script.
folder = tempfile.TemporaryDirectory()
in_model.save(f"{folder.name}/in_model.keras")
in_pipeline.save(f"{folder.name}/in_pipeline.keras")
reloaded = keras.models.load_model(f"{folder.name}/in_model.keras")
reloaded_pipeline = keras.models.load_model(f"{folder.name}/in_pipeline.keras")
same_predictions = bool(np.allclose(reloaded.predict(num_test, verbose=0), before_saving))
raw_accuracy = {
    "in the model": reloaded.evaluate(num_test, y_test, verbose=0)[1],
    "in the pipeline": reloaded_pipeline.evaluate(num_test, y_test, verbose=0)[1],
}
print("reloaded model, raw inputs, same predictions:", same_predictions)
print("accuracy on raw inputs:", {name: round(v, 3) for name, v in raw_accuracy.items()})

# %%
# On raw inputs the reloaded model with its preprocessing scores
# {{ raw_accuracy['in the model'] | .1% }}, as before saving; the pipeline model scores
# {{ raw_accuracy['in the pipeline'] | .1% }}, because a year near 2000 reaches it where it
# learned values near 0.
#
# ## Strings: StringLookup (TensorFlow backend)
#
# `StringLookup` maps strings to integers, or with `output_mode="one_hot"` to one-hot
# vectors. `adapt` builds the vocabulary, most frequent first, after one
# out-of-vocabulary entry, `[UNK]`, which catches any city it never saw. The layer is
# built on TensorFlow: inside a model it works only on the TensorFlow backend (on JAX or
# PyTorch use it in a `tf.data` pipeline, or encode the strings beforehand).
lookup = None
if backend == "tensorflow":
    lookup = layers.StringLookup(output_mode="one_hot")
    lookup.adapt(city_train)
    vocabulary = [str(token) for token in lookup.get_vocabulary()]
    print("vocabulary:", vocabulary)
    print("Lyon, Brest ->", keras.ops.convert_to_numpy(lookup(["Lyon", "Brest"])).tolist())
else:
    print(f"Skipped on {backend}: StringLookup inside a model needs TensorFlow.")

# %%
# ## A model that takes strings
#
# With two inputs the model is written with the functional API: a string input of shape
# `(1,)` goes through the lookup, the numbers through the normalizer, and the two are
# concatenated. The saved model takes a dictionary of raw values, strings included.
if lookup is not None:
    number_input = keras.Input(shape=(3,), name="numbers")
    city_input = keras.Input(shape=(1,), dtype="string", name="city")
    city_vector = layers.Reshape((len(vocabulary),))(lookup(city_input))
    features = layers.Concatenate()([normalizer(number_input), city_vector])
    keras.utils.set_random_seed(42)
    hidden = layers.Dense(16, activation="relu")(features)
    output = layers.Dense(1, activation="sigmoid")(hidden)
    with_city = keras.Model({"numbers": number_input, "city": city_input}, output,
                            name="flats_with_city")
    with_city.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    with_city.summary()

# %%
# ## Train and export the model with strings
#
# One catch: `fit`, `evaluate` and `predict` refuse NumPy arrays of strings (the
# traceback's last line is printed below), although calling the model on one works.
# Strings reach `fit` through a `tf.data.Dataset`, which this TensorFlow-only section may
# use. Adding the city lets the model tell a flat in Paris from the same flat in Nice.
if lookup is not None:
    import tensorflow as tf

    def as_dataset(nums, cities, targets):
        inputs = {"numbers": nums, "city": cities[:, None]}
        return tf.data.Dataset.from_tensor_slices((inputs, targets)).batch(32)

    try:
        with_city.predict({"numbers": num_test, "city": city_test[:, None]}, verbose=0)
    except ValueError as error:
        print("predict on NumPy strings: ValueError:", error)
    with_city.fit(as_dataset(num_train, city_train, y_train).shuffle(800, seed=42),
                  epochs=epochs, verbose=0, shuffle=False)
    city_accuracy = with_city.evaluate(as_dataset(num_test, city_test, y_test), verbose=0)[1]
    with_city.save(f"{folder.name}/with_city.keras")
    served = keras.models.load_model(f"{folder.name}/with_city.keras")
    raw_flats = {"numbers": np.array([[60.0, 2.0, 1990.0]] * 3, dtype="float32"),
                 "city": np.array([["Paris"], ["Lyon"], ["Nice"]])}
    chances = keras.ops.convert_to_numpy(served(raw_flats))[:, 0]  # call, not predict
    print(f"test accuracy with the city: {city_accuracy:.3f}")
    for name, chance in zip(["Paris", "Lyon", "Nice"], chances):
        print(f"60 m2, 2 km from the centre, built 1990, in {name}: "
              f"P(above the median) = {chance:.2f}")
else:
    city_accuracy = None
folder.cleanup()
