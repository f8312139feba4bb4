"""
Train the MNIST multilayer perceptron offline
=============================================

Build the classic 784-512-512-10 network with Dropout and train it on scikit-learn's
handwritten digits, enlarged to MNIST's 28x28 pixels, since MNIST itself must be downloaded.
"""

# sphinx_gallery_budget = {"quick": 240, "full": 600}

# %%
# ## Setup
import os

import keras
from keras import layers

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Prepare the data
#
# scikit-learn ships 1,797 real 8x8 digits. Resizing them to 28x28 and flattening gives
# 784 values per image, the input MNIST's network expects. Pixels are scaled to [0, 1].
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
images = digits.images[..., None].astype("float32") / 16.0  # (1797, 8, 8, 1)
images = keras.ops.convert_to_numpy(keras.ops.image.resize(images, (28, 28)))
x = images.reshape(len(images), 784)
y = keras.utils.to_categorical(digits.target, 10)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=0.25, stratify=digits.target, random_state=42
)
print("train:", x_train.shape, " test:", x_test.shape)

# %%
# ## Build the model
#
# Two hidden layers of 512 ReLU neurons, each followed by `Dropout(0.2)`, which zeroes a
# fifth of the activations at random during training to fight overfitting.
model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ],
    name="mnist_mlp",
)
model.summary()
n_params = model.count_params()

# %%
# Dropout has no weights: all {{ n_params | , }} parameters sit in the three dense layers.
#
# ## Train
#
# Plain stochastic gradient descent (`"sgd"`, at its default learning rate), as in the seed, with a
# validation split to watch for overfitting.
batch_size = 128
epochs = 3 if QUICK else 20
model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                    validation_split=0.1, verbose=0)
final = {k: round(v[-1], 3) for k, v in history.history.items()}
print(f"after {epochs} epochs: {final}")

# %%
# ## Evaluate
#
# Loss and accuracy on the quarter of the digits the model never saw.
score = model.evaluate(x_test, y_test, verbose=0)
print(f"Test loss: {score[0]:.3f}  Test accuracy: {score[1]:.3f}")

# %%
# ## Look at some predictions
#
# The first test digits with the predicted and true labels.
import matplotlib.pyplot as plt

predicted = model.predict(x_test[:8], verbose=0).argmax(axis=1)
fig, axes = plt.subplots(1, 8, figsize=(9, 1.8))
for ax, image, guess, truth in zip(axes, x_test[:8], predicted, y_test[:8].argmax(axis=1)):
    ax.imshow(image.reshape(28, 28), cmap="gray_r")
    ax.set_title(f"{guess} ({truth})", fontsize=9)
    ax.set_axis_off()
fig.suptitle("Predicted (true) labels of eight test digits")
plt.show()
