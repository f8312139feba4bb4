"""
Tell whether two digits are the same with a siamese network
===========================================================

Apply one encoder to two images, compare the two codes by a learned distance, and
train the pair to say "same digit" or "different digits"; the shared encoder's weights
are counted once.
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
# scikit-learn's 8x8 handwritten digits, flattened to 64 pixels in [0, 1]. The images are
# split first, so that the test pairs are made of images the network never saw.
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
images = (digits.data / 16.0).astype("float32")
x_train, x_test, y_train, y_test = train_test_split(
    images, digits.target, test_size=0.3, stratify=digits.target, random_state=42)
print("train images:", x_train.shape, " test images:", x_test.shape)

# %%
# A pair is two different images and a label: 1 if they show the same digit, 0 if not.
# Half the pairs are of each kind; left to chance, nine pairs in ten would be
# "different".
rng = np.random.default_rng(42)


def make_pairs(x, y, n_pairs):
    """`n_pairs` pairs of distinct images of `x`, half of the same digit."""
    by_digit = [np.flatnonzero(y == d) for d in range(10)]
    left = rng.integers(0, len(x), size=n_pairs)
    same = np.arange(n_pairs) % 2 == 0
    right = np.empty(n_pairs, dtype=int)
    for i, a in enumerate(left):
        if same[i]:
            candidates = by_digit[y[a]][by_digit[y[a]] != a]
        else:
            candidates = np.flatnonzero(y != y[a])
        right[i] = rng.choice(candidates)
    return {"left": x[left], "right": x[right]}, same.astype("float32")


n_pairs = 1500 if QUICK else 8000
pairs_train, same_train = make_pairs(x_train, y_train, n_pairs)
pairs_test, same_test = make_pairs(x_test, y_test, 1000)
print("training pairs:", pairs_train["left"].shape, "x 2, share of same-digit pairs:",
      same_train.mean())

# %%
# ## Build the encoder
#
# The encoder maps one image to 16 numbers. It is a model of its own, so it can be
# trained inside the pair and used alone afterwards.
from keras import layers, ops

image_in = keras.Input(shape=(64,), name="image")
hidden = layers.Dense(64, activation="relu", name="hidden")(image_in)
code = layers.Dense(16, name="code")(hidden)
encoder = keras.Model(image_in, code, name="encoder")
encoder.summary()
encoder_params = encoder.count_params()

# %%
# ## Build the siamese pair
#
# Calling `encoder` on both inputs applies the *same* layers, with the same weights, to
# each image. The absolute differences between the two codes go to a logistic unit,
# which learns a weighted distance: one weight per code component, and a threshold.
# `keras.ops` functions work on the symbolic tensors of a functional model, so the
# difference needs no layer class.
left_in = keras.Input(shape=(64,), name="left")
right_in = keras.Input(shape=(64,), name="right")
code_left, code_right = encoder(left_in), encoder(right_in)
difference = ops.abs(code_left - code_right)  # one value per code component
same_out = layers.Dense(1, activation="sigmoid", name="same")(difference)
siamese = keras.Model({"left": left_in, "right": right_in}, same_out, name="siamese")
siamese.summary()

# %%
# ## Shared weights are counted once
#
# The encoder appears once in the summary, with two entries in "Connected to":
# `left[0][0]` and `right[0][0]`. `encoder[1][0]` is the output of its second call. Its
# weights are one set of variables, and the totals count them once.
siamese_params = siamese.count_params()
head_params = siamese.get_layer("same").count_params()
counted_once = siamese_params == encoder_params + head_params
print(f"encoder: {encoder_params:,}  head: {head_params}  siamese: {siamese_params:,}")
print("siamese == encoder + head:", counted_once)
print("the encoder inside is the same object:", siamese.get_layer("encoder") is encoder)
print("weight variables:", len(siamese.weights), "=", len(encoder.weights), "+",
      len(siamese.get_layer("same").weights))


# %%
# The siamese model has {{ siamese_params | , }} parameters: the encoder's
# {{ encoder_params | , }} once, plus {{ head_params }} for the logistic unit (16
# weights and a bias). Two separate encoders would have doubled the encoder's share.
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


draw(siamese, "siamese.png")

# %%
# ## Train
#
# Binary cross-entropy on the same/different label. Validation uses the test pairs.
siamese.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),
                loss="binary_crossentropy", metrics=["accuracy"])
epochs = 4 if QUICK else 15
history = siamese.fit(pairs_train, same_train, validation_data=(pairs_test, same_test),
                      epochs=epochs, batch_size=64, verbose=0)
print(f"after {epochs} epochs: accuracy {history.history['accuracy'][-1]:.3f}, "
      f"val_accuracy {history.history['val_accuracy'][-1]:.3f}")

# %%
# ## Evaluate
#
# On pairs of unseen images, the probability above 0.5 is the answer "same digit".
scores = siamese.evaluate(pairs_test, same_test, verbose=0, return_dict=True)
pair_accuracy = scores["accuracy"]
print(f"test pairs: loss {scores['loss']:.3f}, accuracy {pair_accuracy:.3f}")

# %%
# The pair classifier is right on {{ pair_accuracy | .0% }} of the test pairs; guessing
# would be right on half. The probabilities it gives show how sure it is for each kind
# of pair.
import matplotlib.pyplot as plt

probabilities = siamese.predict(pairs_test, verbose=0)[:, 0]
median_same = float(np.median(probabilities[same_test == 1]))
median_different = float(np.median(probabilities[same_test == 0]))
fig, ax = plt.subplots(figsize=(7, 3.5))
bins = np.linspace(0, 1, 26)
ax.hist(probabilities[same_test == 1], bins=bins, alpha=0.6, label="same digit")
ax.hist(probabilities[same_test == 0], bins=bins, alpha=0.6, label="different digits")
ax.set(title="Predicted probability of a match, test pairs",
       xlabel="p(same digit)", ylabel="Pairs")
ax.legend()
fig.tight_layout()
plt.show()
print(f"median p(same): same-digit pairs {median_same:.2f}, different {median_different:.2f}")

# %%
# The median probability of a match is {{ median_same | .2f }} for same-digit pairs and
# {{ median_different | .2f }} for pairs of different digits.
#
# ## Use the trained encoder alone
#
# Training the pair trained the encoder, since it is the same object. Used alone, it
# gives every image a code of 16 numbers, computed once per image; comparing two codes
# then takes only the head's weighted distance. We label each test digit with the digit
# of the training image the network finds the most likely match, although it was never
# told which digit any image shows, only whether two match.
codes_train = encoder.predict(x_train, verbose=0)
codes_test = encoder.predict(x_test, verbose=0)
kernel = siamese.get_layer("same").get_weights()[0][:, 0]  # one weight per component
logits = (np.abs(codes_test[:, None, :] - codes_train[None, :, :]) * kernel).sum(axis=2)
best_match_digit = y_train[np.argmax(logits, axis=1)]  # the bias is the same for all
best_match_accuracy = float(np.mean(best_match_digit == y_test))
print(f"best-match digit accuracy on {len(x_test)} test images: {best_match_accuracy:.3f}")

# %%
# The best-matching training image names the right digit for
# {{ best_match_accuracy | .0% }} of the test images.
#
# ## Look at a few pairs
#
# The first six test pairs, each with the probability of a match the network gives it.
fig, axes = plt.subplots(2, 6, figsize=(9, 3.4))
for i in range(6):
    top, bottom = axes[0, i], axes[1, i]
    top.imshow(pairs_test["left"][i].reshape(8, 8), cmap="gray_r")
    bottom.imshow(pairs_test["right"][i].reshape(8, 8), cmap="gray_r")
    truth = "same" if same_test[i] else "different"
    top.text(0.5, 1.05, f"p(same) {probabilities[i]:.2f}\n({truth})", fontsize=9,
             ha="center", va="bottom", transform=top.transAxes)
    top.set_axis_off()
    bottom.set_axis_off()
fig.suptitle("Test pairs (top and bottom) and the probability that they match")
fig.tight_layout()
plt.show()
