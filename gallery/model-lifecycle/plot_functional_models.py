"""
Three standard networks with the functional API
===============================================

Define a multilayer perceptron, a convolutional network and an LSTM with the functional
API, then read their summaries and diagrams.
"""

# sphinx_gallery_budget = {"quick": 240, "full": 600}

# %%
# ## Setup
#
# These models are defined, summarized and drawn, not trained, so no data is needed.
import os

import keras
from keras import layers

keras.utils.set_random_seed(42)


# %%
# ## Draw a model
#
# `plot_model` writes a PNG with Graphviz; we show it with matplotlib. Without the `pydot`
# package or Graphviz's `dot` program it writes nothing: a plain script gets an
# `ImportError`, a notebook only a printed message. Either way we say why and go on.
def draw(model, file_name):
    import matplotlib.pyplot as plt

    try:
        keras.utils.plot_model(model, to_file=file_name, show_shapes=True, dpi=60)
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


# %%
# ## Multilayer perceptron
#
# Ten inputs, three hidden layers of 10, 20 and 10 neurons with ReLU, and one sigmoid
# output for binary classification. Each layer is called on the previous tensor.
visible = keras.Input(shape=(10,))
hidden1 = layers.Dense(10, activation="relu")(visible)
hidden2 = layers.Dense(20, activation="relu")(hidden1)
hidden3 = layers.Dense(10, activation="relu")(hidden2)
output = layers.Dense(1, activation="sigmoid")(hidden3)
mlp = keras.Model(inputs=visible, outputs=output, name="mlp")
mlp.summary()
draw(mlp, "mlp.png")

# %%
# ## Convolutional network
#
# Black-and-white 64x64 images go through two convolution and pooling stages. The seed
# then applies `Dense` directly to the 4-D feature maps.
visible = keras.Input(shape=(64, 64, 1))
conv1 = layers.Conv2D(32, kernel_size=4, activation="relu")(visible)
pool1 = layers.MaxPooling2D(pool_size=(2, 2))(conv1)
conv2 = layers.Conv2D(16, kernel_size=4, activation="relu")(pool1)
pool2 = layers.MaxPooling2D(pool_size=(2, 2))(conv2)
hidden1 = layers.Dense(10, activation="relu")(pool2)
output = layers.Dense(1, activation="sigmoid")(hidden1)
cnn = keras.Model(inputs=visible, outputs=output, name="cnn_seed")
cnn.summary()

# %%
# `Dense` acts on the last axis only, so the output keeps the 13x13 grid: one prediction
# per position, not one per image. Flattening first gives one prediction per image, at
# the price of many more weights in the first dense layer.
#
# ## Convolutional network with Flatten
flat = layers.Flatten()(pool2)
hidden1 = layers.Dense(10, activation="relu")(flat)
output = layers.Dense(1, activation="sigmoid")(hidden1)
cnn_flat = keras.Model(inputs=visible, outputs=output, name="cnn_flatten")
cnn_flat.summary()
draw(cnn_flat, "cnn_flatten.png")

# %%
# ## Recurrent network
#
# An LSTM reads 100 time steps of one feature and passes its last state to a small
# dense head with one sigmoid output.
visible = keras.Input(shape=(100, 1))
hidden1 = layers.LSTM(10)(visible)
hidden2 = layers.Dense(10, activation="relu")(hidden1)
output = layers.Dense(1, activation="sigmoid")(hidden2)
rnn = keras.Model(inputs=visible, outputs=output, name="lstm")
rnn.summary()
draw(rnn, "lstm.png")
