"""
Train and measure on imbalanced classes
=======================================

On data where one sample in twenty is positive, show why accuracy misleads, measure
precision, recall and AUC with `keras.metrics`, and weigh the rare class with
`class_weight` or `sample_weight`.
"""

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
# `make_classification` with `weights=[0.95, 0.05]`: nineteen samples in twenty in class
# 0, one in class 1, the rare class we care about (a fraud, a fault, a disease), and some label
# noise. A stratified split keeps the same proportion in both parts.
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

x, y = make_classification(n_samples=3000, n_features=20, n_informative=5,
                           weights=[0.95, 0.05], flip_y=0.01, class_sep=0.8,
                           random_state=42)
x, y = x.astype("float32"), y.reshape(-1, 1).astype("float32")
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.5, stratify=y,
                                                  random_state=42)
n_positive = int(y_train.sum())
positive_share = float(y_train.mean())
print("train:", x_train.shape, f" positives: {n_positive} ({positive_share:.1%})")

# %%
# ## Accuracy misleads
#
# A "model" that always answers class 0 is right about every negative sample:
majority_accuracy = float(np.mean(y_val == 0))
print(f"always class 0: validation accuracy {majority_accuracy:.3f}, "
      f"positives found 0 of {int(y_val.sum())}")

# %%
# {{ majority_accuracy | .1% }} accuracy without finding a single positive. On such data,
# measure the rare class directly:
#
# - **precision**: of the samples predicted positive, the share that are positive;
# - **recall**: of the positive samples, the share predicted positive;
# - **AUC**: the area under the ROC curve, the probability that a random positive scores
#   higher than a random negative (chance scores one half), for every threshold at once;
#   `AUC(curve="PR")` is the area under the precision-recall curve, stricter when
#   positives are rare.
#
# Precision and recall turn the model's probability into a class with a threshold,
# `0.5` by default (`thresholds=`).
#
# ## Build the model
#
# A small network; the metrics are objects from `keras.metrics`, each with a name.
from keras import layers


def make_model():
    keras.utils.set_random_seed(42)
    model = keras.Sequential([
        keras.Input(shape=(20,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ], name="imbalanced")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[
        "accuracy",
        keras.metrics.Precision(name="precision"),
        keras.metrics.Recall(name="recall"),
        keras.metrics.AUC(name="auc"),
        keras.metrics.AUC(curve="PR", name="pr_auc"),
    ])
    return model


make_model().summary()

# %%
# ## Train without weights
#
epochs = 2 if QUICK else 12
batch_size = 64
fit_args = dict(validation_data=(x_val, y_val), validation_batch_size=len(x_val),
                epochs=epochs, batch_size=batch_size, verbose=0)
plain = make_model()
plain_logs = plain.fit(x_train, y_train, **fit_args).history
plain_scores = plain.evaluate(x_val, y_val, batch_size=len(x_val), verbose=0,
                              return_dict=True)
print({name: round(value, 3) for name, value in plain_scores.items()})

# %%
# The accuracy is {{ plain_scores['accuracy'] | .1% }} (always answering 0:
# {{ majority_accuracy | .1% }}); recall says the model finds
# {{ plain_scores['recall'] | .0% }} of the positives.
#
# ## Weigh the classes: class_weight
#
# `class_weight={0: w0, 1: w1}` multiplies the loss of every sample by the weight of its
# class, so a mistake on a positive costs `w1 / w0` times as much. scikit-learn's
# "balanced" weights, `n_samples / (n_classes * n_in_class)`, make both classes weigh the
# same in total.
from sklearn.utils.class_weight import compute_class_weight

weights = compute_class_weight("balanced", classes=np.array([0, 1]), y=y_train[:, 0])
class_weight = {0: float(weights[0]), 1: float(weights[1])}
positive_weight = class_weight[1]
print("class_weight:", {k: round(v, 3) for k, v in class_weight.items()})
weighted = make_model()
weighted_logs = weighted.fit(x_train, y_train, class_weight=class_weight, **fit_args).history
weighted_scores = weighted.evaluate(x_val, y_val, batch_size=len(x_val), verbose=0,
                                    return_dict=True)
print({name: round(value, 3) for name, value in weighted_scores.items()})

# %%
# Recall goes from {{ plain_scores['recall'] | .0% }} to
# {{ weighted_scores['recall'] | .0% }}, precision from
# {{ plain_scores['precision'] | .0% }} to {{ weighted_scores['precision'] | .0% }}:
# a missed positive now costs more than a false alarm. The weights change training
# only: the validation loss and metrics are computed without them.
#
# ## The same with sample_weight
#
# `class_weight` is a shortcut: Keras turns it into one weight per sample. Passing that
# array as `sample_weight` trains exactly the same model, and `sample_weight` can do more
# (weigh recent samples, or trusted labels, more than others).
sample_weight = np.where(y_train[:, 0] == 1, class_weight[1], class_weight[0])
by_sample = make_model()
by_sample.fit(x_train, y_train, sample_weight=sample_weight, **fit_args)
same_model = all(np.allclose(a, b, atol=1e-6) for a, b in
                 zip(by_sample.get_weights(), weighted.get_weights()))
print("same weights as with class_weight:", same_model)

# %%
# ## Compare the curves
#
# The validation metrics of the two models, epoch by epoch. The AUC does not depend on a
# threshold, precision and recall do.
import matplotlib.pyplot as plt

epoch_numbers = np.arange(1, epochs + 1)
fig, axes = plt.subplots(1, 4, figsize=(12, 3.2), sharex=True, sharey=True)
for ax, metric in zip(axes, ["val_accuracy", "val_precision", "val_recall", "val_auc"]):
    ax.plot(epoch_numbers, plain_logs[metric], label="no weights")
    ax.plot(epoch_numbers, weighted_logs[metric], label="class_weight")
    ax.set(title=metric.removeprefix("val_"), xlabel="Epoch", ylim=(0, 1.02))
axes[0].set_ylabel("Validation value")
axes[0].legend()
fig.suptitle("Imbalanced classes: the same network with and without class weights")
fig.tight_layout()
plt.show()

# %%
# ## Evaluate: move the threshold
#
# Weighting the classes pushes the model's probabilities up for the rare class. The
# other lever needs no retraining: the threshold. Answering "positive" from a lower
# probability never finds fewer positives, and never raises fewer false alarms. The
# metrics take a list of thresholds:
thresholds = [0.1, 0.3, 0.5]
proba = plain.predict(x_val, batch_size=len(x_val), verbose=0)
precision = keras.metrics.Precision(thresholds=thresholds)
recall = keras.metrics.Recall(thresholds=thresholds)
precision.update_state(y_val, proba)
recall.update_state(y_val, proba)
sweep_precision = [float(v) for v in keras.ops.convert_to_numpy(precision.result())]
sweep_recall = [float(v) for v in keras.ops.convert_to_numpy(recall.result())]
for t, p, r in zip(thresholds, sweep_precision, sweep_recall):
    print(f"threshold {t}: precision {p:.3f}, recall {r:.3f}")
