"""
Random search over network hyperparameters
==========================================

Search optimizer, activation, batch size, number of layers and neurons per layer of a
Keras classifier with scikit-learn's `RandomizedSearchCV`, then print and plot the results.
"""

# %%
# ## Setup
#
# Fix the seeds, keep the wrapper's prediction progress bars and TensorFlow's retracing
# warnings out of the output (the search builds many small models in a row).
import logging
import os

import keras

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
keras.config.disable_interactive_logging()  # the wrapper's predict prints progress bars
logging.getLogger("tensorflow").setLevel(logging.ERROR)  # no retracing warnings

# %%
# ## Prepare the data
#
# The breast-cancer measurements again: 569 tumours, 30 features, two classes, with a
# quarter held out to check the winner on data the search never saw.
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

x, y = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=0.25, stratify=y, random_state=42
)
print("train:", x_train.shape, " test:", x_test.shape)

# %%
# ## Build the model
#
# The model-building function takes the hyperparameters as arguments: the optimizer,
# the hidden activation, the number of hidden layers and the neurons in each. Its
# output is `Dense(2, softmax)` because the wrapper one-hot encodes the labels.
from keras import layers
from keras.wrappers import SKLearnClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def build_model(X, y, optimizer="adam", activation="relu", n_layers=1, n_neurons=16):
    model = keras.Sequential([keras.Input(shape=(X.shape[1],))])
    for _ in range(n_layers):
        model.add(layers.Dense(n_neurons, activation=activation))
    model.add(layers.Dense(y.shape[1], activation="softmax"))
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


pipeline = make_pipeline(StandardScaler(), SKLearnClassifier(model=build_model))

# %%
# ## Define the search space
#
# Hyperparameters of the model-building function travel in the wrapper's `model_kwargs`
# dictionary, and the batch size and epochs (arguments of `fit`) in `fit_kwargs`. So the
# search space lists whole dictionaries: every combination of the model's settings, and
# one `fit_kwargs` per batch size. `ParameterGrid` spells out the combinations.
from sklearn.model_selection import ParameterGrid

model_space = ParameterGrid({
    "optimizer": ["adam", "sgd", "rmsprop"],
    "activation": ["relu", "tanh"],
    "n_layers": [1, 2, 3],
    "n_neurons": [8, 32, 128],
})
epochs = 4 if QUICK else 10
fit_space = [{"batch_size": size, "epochs": epochs, "verbose": 0} for size in (16, 32, 64)]
param_distributions = {
    "sklearnclassifier__model_kwargs": list(model_space),
    "sklearnclassifier__fit_kwargs": fit_space,
}
n_candidates = len(model_space) * len(fit_space)
print(f"{len(model_space)} model settings x {len(fit_space)} batch sizes = "
      f"{n_candidates} candidates")

# %%
# ## Search
#
# Trying all 162 candidates with 3-fold cross-validation would take 486 trainings.
# `RandomizedSearchCV` samples `n_iter` of them instead, cross-validates each, and
# finally retrains the best candidate on the whole training set (`refit=True`).
from sklearn.model_selection import RandomizedSearchCV

n_iter = 2 if QUICK else 6
search = RandomizedSearchCV(pipeline, param_distributions, n_iter=n_iter, cv=3,
                            random_state=42)
search.fit(x_train, y_train)
print(f"{n_iter} candidates x 3 folds + 1 refit = {n_iter * 3 + 1} trainings")

# %%
# ## Results as a table
#
# `cv_results_` holds one entry per candidate: its parameters, the score of each fold,
# their mean and standard deviation, and its rank. We print it sorted by rank.
results = search.cv_results_
rows = []
for i, candidate in enumerate(results["params"]):
    settings = candidate["sklearnclassifier__model_kwargs"]
    batch_size = candidate["sklearnclassifier__fit_kwargs"]["batch_size"]
    rows.append((results["rank_test_score"][i], results["mean_test_score"][i],
                 results["std_test_score"][i], settings["optimizer"], settings["activation"],
                 settings["n_layers"], settings["n_neurons"], batch_size))
rows.sort()
header = ("rank", "mean acc", "std", "optimizer", "activation", "layers", "neurons", "batch")
print("{:>4}  {:>8}  {:>5}  {:<9}  {:<10}  {:>6}  {:>7}  {:>5}".format(*header))
for row in rows:
    print("{:>4}  {:>8.3f}  {:>5.3f}  {:<9}  {:<10}  {:>6}  {:>7}  {:>5}".format(*row))

# %%
# ## Plot the results
#
# Each bar is one candidate's mean cross-validated accuracy, with its standard deviation
# across the folds as an error bar. Candidates whose bars overlap are not clearly
# different: three folds of 426 tumours cannot separate them.
import matplotlib.pyplot as plt

labels = [f"{r[3]}, {r[4]}, {r[5]}x{r[6]}, batch {r[7]}" for r in rows]
fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.2))
ax.barh(labels[::-1], [r[1] for r in rows][::-1], xerr=[r[2] for r in rows][::-1],
        color="tab:orange", capsize=3)
ax.set_xlim(min(r[1] - r[2] for r in rows) - 0.05, 1.0)
ax.set(title="Random search: mean accuracy over 3 folds",
       xlabel="Cross-validated accuracy", ylabel="Optimizer, activation, layers x neurons")
plt.show()

# %%
# ## Evaluate the best candidate
#
# `best_params_` and `best_score_` describe the winner; `best_estimator_` is the pipeline
# refitted on all the training data, which we finally score on the held-out test set.
best = search.best_params_
print("best model settings:", best["sklearnclassifier__model_kwargs"])
print("best batch size:", best["sklearnclassifier__fit_kwargs"]["batch_size"])
print(f"best cross-validated accuracy: {search.best_score_:.3f}")
print(f"test accuracy of the refitted best model: {search.score(x_test, y_test):.3f}")
search.best_estimator_[-1].model_.summary()
