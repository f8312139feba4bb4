"""
Prepare an image for ResNet50
=============================

Build ResNet50 from keras.applications without downloading weights, count its millions of
parameters, and run a real photograph through the preprocessing the network was trained with.
"""

# %%
# ## Setup
#
# Everything here runs offline: the architecture is code inside Keras, and the photograph
# ships with scikit-learn. Only the trained ImageNet weights would need a download.
import keras
import numpy as np

keras.utils.set_random_seed(42)

# %%
# ## Build ResNet50 without weights
#
# `weights=None` builds the architecture with randomly initialised weights, so nothing is
# downloaded. The model takes 224x224 colour images and returns one probability per
# ImageNet class. It is long: 50 weight layers in residual blocks, each block adding its
# input back to its output (`Add`), with a `BatchNormalization` after every convolution.
#
# `summary(layer_range=...)` prints a slice of a long model: here the stem and the first
# residual block, from the input to the block's output. The totals are the whole model's.
# `resnet.summary()` with no range prints every layer.
from keras.applications.resnet50 import ResNet50, preprocess_input

resnet = ResNet50(weights=None)
print(resnet.name, "input:", resnet.input_shape, "output:", resnet.output_shape)
print("layers:", len(resnet.layers))
resnet.summary(line_length=100, layer_range=(resnet.layers[0].name, "conv2_block1_out"))
n_params = resnet.count_params()
n_non_trainable = int(sum(np.prod(w.shape) for w in resnet.non_trainable_weights))

# %%
# ## Where the parameters are
#
# {{ n_params | , }} parameters, of which {{ n_non_trainable | , }} are the moving means and
# variances of the batch normalization layers: statistics, not trained by the optimizer.
# Grouping the counts by layer type shows where the rest live.
from collections import Counter

by_type = Counter()
for layer in resnet.layers:
    by_type[type(layer).__name__] += layer.count_params()
for kind, count in by_type.most_common():
    if count:
        print(f"{kind:<20} {count:>12,}")
print(f"{'total':<20} {resnet.count_params():>12,}")
layer_counts = Counter(type(layer).__name__ for layer in resnet.layers)
pooled_features, n_classes = resnet.get_layer("predictions").kernel.shape  # the final Dense

# %%
# The convolutions hold {{ by_type['Conv2D'] | , }} weights; the final `Dense` layer maps the
# {{ pooled_features | , }} pooled features to {{ n_classes | , }} classes:
# {{ pooled_features | , }} x {{ n_classes | , }} + {{ n_classes | , }} =
# {{ by_type['Dense'] | , }}.
#
# ## Load an image at the network's size
#
# The course notes load a photograph with `load_img(path, target_size=(224, 224))` and
# turn it into an array with `img_to_array`. In Keras 3 both live in `keras.utils`. We save
# scikit-learn's sample photograph to a file first, so the code is the same as with yours.
from sklearn.datasets import load_sample_image

keras.utils.save_img("china.jpg", load_sample_image("china.jpg"))
img = keras.utils.load_img("china.jpg", target_size=(224, 224))
img = keras.utils.img_to_array(img)
print("array:", img.shape, img.dtype, " range:", img.min(), "to", img.max())

# %%
# `target_size` resizes the 640x427 photograph to a 224x224 square (without keeping
# the aspect ratio).
#
# ## Make a batch and preprocess it
#
# A model predicts on batches, so one image of shape {{ img.shape }} needs a batch axis of
# length 1 in front. `preprocess_input` then does what was done to ImageNet's training
# images: it reorders the channels from RGB to BGR and subtracts the mean of each channel
# over ImageNet (the three numbers in `imagenet_mean` below), without scaling.
batch = np.expand_dims(img, axis=0)
ready = preprocess_input(batch.copy())  # copy: it may modify a NumPy array in place
print("batch:", batch.shape)
imagenet_mean = {"blue": 103.939, "green": 116.779, "red": 123.68}
means_after = {}
for colour, rgb_slot, bgr_slot in [("red", 0, 2), ("green", 1, 1), ("blue", 2, 0)]:
    before = float(batch[0, ..., rgb_slot].mean())
    means_after[colour] = float(ready[0, ..., bgr_slot].mean())
    print(f"{colour:<5} mean before {before:7.2f} (slot {rgb_slot}), "
          f"after {means_after[colour]:7.2f} (slot {bgr_slot}), "
          f"difference {before - means_after[colour]:.3f} = ImageNet's {colour} mean")
blue_back = ready[0, ..., 0] + imagenet_mean["blue"]
print("blue channel restored:", np.allclose(blue_back, batch[0, ..., 2], atol=1e-3))

# %%
# Each colour moved to the other end of the channel axis (red from slot 0 to slot 2) and
# lost exactly ImageNet's mean for that colour. That centres ImageNet's *average* image on
# zero, not every image: this photograph is brighter than that average, so its means after
# preprocessing are {{ means_after['red'] | .0f }} (red), {{ means_after['green'] | .0f }}
# (green) and {{ means_after['blue'] | .0f }} (blue). To display the result we shift it
# back to [0, 1].
import matplotlib.pyplot as plt

fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(8, 4))
ax_in.imshow(batch[0].astype("uint8"))
ax_in.set(title="load_img(target_size=(224, 224))", xlabel="column", ylabel="row")
shown = (ready[0] - ready.min()) / (ready.max() - ready.min())
ax_out.imshow(shown)
ax_out.set(title="After preprocess_input (BGR, mean removed)", xlabel="column", ylabel="row")
fig.tight_layout()
plt.show()

# %%
# ## Predict
#
# `predict` returns one row of {{ n_classes | , }} probabilities per image. With random weights
# they are
# meaningless, so we show only the shape and the five highest class indices;
# `keras.ops.top_k` finds them. With the ImageNet weights,
# `decode_predictions(probabilities, top=1)` would turn each row into a list of
# `(class_id, class_name, probability)` tuples, best first; it downloads the class names (a
# small JSON file) on first use, so it is not called here.
probabilities = resnet.predict(ready, verbose=0)
print("predictions:", probabilities.shape, " sum:", round(float(probabilities.sum()), 4))
values, indices = keras.ops.top_k(probabilities[0], k=5)
print("top-5 class indices:", keras.ops.convert_to_numpy(indices))
