"""
Freeze a pretrained image network
=================================

Build MobileNetV2 from keras.applications as a feature extractor, without downloading its
ImageNet weights, put a new head on it, and count what is trainable when it is frozen,
when its top blocks are fine-tuned and when it is fully unfrozen.
"""

# %%
# ## Setup
#
# Everything here runs offline: `weights=None` builds the architecture with random
# weights. With `weights="imagenet"` the same calls download the trained weights, and the
# counts below stay the same.
import keras
import numpy as np
from keras import layers, ops

keras.utils.set_random_seed(42)

# %%
# ## Build the base without its classifier
#
# `include_top=False` drops ImageNet's classifier, and `pooling="avg"` averages the last
# feature maps into one vector per image. 96x96 is the smallest input size for which
# ImageNet weights exist.
image_size = 96
base = keras.applications.MobileNetV2(
    input_shape=(image_size, image_size, 3), include_top=False, pooling="avg", weights=None)
n_layers = len(base.layers)
n_features = base.output_shape[-1]
print(base.name, "input", base.input_shape, "output", base.output_shape)
weights_mb = base.count_params() * 4 / 1e6  # float32: 4 bytes a parameter
print("layers:", n_layers, " parameters:", f"{base.count_params():,}",
      f" ({weights_mb:.1f} MB as float32)")

# %%
# The base has {{ n_layers }} layers and returns {{ n_features | , }} features per image.
# The network with its classifier, for comparison:
full = keras.applications.MobileNetV2(input_shape=(image_size, image_size, 3), weights=None)
classifier = full.layers[-1]
top_params = full.count_params() - base.count_params()
n_imagenet_classes = classifier.units
print(f"include_top=True: {full.count_params():,} parameters, last layer {classifier.name} "
      f"{classifier.output.shape}")
print(f"the top adds {top_params:,} = {n_features:,} x {classifier.units:,} + "
      f"{classifier.units:,}")

# %%
# ## Inside a block
#
# MobileNetV2 is a stack of "inverted residual" blocks: a 1x1 convolution widens the
# channels, a `DepthwiseConv2D` filters each channel on its own, and a 1x1 convolution
# projects back, each followed by `BatchNormalization`. The last block and the final
# convolution:
base.summary(line_length=100, layer_range=("block_16_expand", "out_relu"))
layer_kinds = {}
for layer in base.layers:
    layer_kinds[type(layer).__name__] = layer_kinds.get(type(layer).__name__, 0) + 1
n_bn = layer_kinds["BatchNormalization"]


def counts(model):
    """(trainable, non-trainable) parameters, as summary() counts them."""
    return tuple(sum(int(ops.size(w)) for w in weights)
                 for weights in (model.trainable_weights, model.non_trainable_weights))


base_split = counts(base)

# %%
# {{ n_bn }} of the {{ n_layers }} layers are BatchNormalization layers. Even with every
# layer trainable, {{ base_split[1] | , }} parameters are non-trainable: their moving
# means and variances.
#
# ## Freeze the base and add a head
#
# The recipe from the digits example: freeze, then build the new model around the base.
# `Rescaling` maps pixels from [0, 255] to [-1, 1], the range MobileNetV2 was trained on,
# inside the model, so that it takes raw images. The head is one `Dense` layer for a new
# task with 5 classes.
n_classes = 5
base.trainable = False
inputs = keras.Input(shape=(image_size, image_size, 3))
rescale = layers.Rescaling(1 / 127.5, offset=-1)
x = rescale(inputs)
x = base(x)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(n_classes, activation="softmax", name="head")(x)
model = keras.Model(inputs, outputs, name="transfer_mobilenet")
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
frozen = counts(model)
for layer in model.layers:
    print(f"{layer.name:22} {type(layer).__name__:14} {layer.count_params():>10,} parameters")
print(f"trainable {frozen[0]:,}, non-trainable {frozen[1]:,}")

# %%
# Only the head is trainable: {{ frozen[0] | , }} = {{ n_features | , }} x {{ n_classes }}
# + {{ n_classes }} parameters; the {{ frozen[1] | , }} of the base are not. (Its full
# `model.summary()` would list the base as one row, and its parameter table would list
# all {{ n_layers }} of the base's layers.) The base's own summary, for its last layers,
# now counts every weight as non-trainable:
base.summary(line_length=100, layer_range=("Conv_1", "out_relu"))
#
# ## Check the preprocessing
#
# `keras.applications.mobilenet_v2.preprocess_input` does the same scaling outside the
# model. We compare the two on a real photograph that ships with scikit-learn, resized to
# the network's input size.
from sklearn.datasets import load_sample_images

photos = np.stack([ops.convert_to_numpy(ops.image.resize(image, (image_size, image_size)))
                   for image in load_sample_images().images])
by_layer = ops.convert_to_numpy(rescale(photos))
by_function = keras.applications.mobilenet_v2.preprocess_input(photos.copy())
same_scaling = bool(np.allclose(by_layer, by_function, atol=1e-5))
features = base.predict(by_function, verbose=0)
print("photos", photos.shape, " range", photos.min(), "to", photos.max())
print("Rescaling layer equals preprocess_input:", same_scaling)
print("features", features.shape)

# %%
# ## Fine-tune the top blocks
#
# For fine-tuning we unfreeze only the top of the base, from block 13 on, where the
# features are the most specific to ImageNet, and keep every BatchNormalization layer
# frozen, so it stays in inference mode. Then we recompile with a low learning rate.
fine_tune_from = "block_13_expand"
base.trainable = True
start = [layer.name for layer in base.layers].index(fine_tune_from)
for index, layer in enumerate(base.layers):
    if index < start or isinstance(layer, layers.BatchNormalization):
        layer.trainable = False
fine_tune_rate = 1e-5
model.compile(optimizer=keras.optimizers.Adam(fine_tune_rate),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
top_blocks = counts(model)
n_unfrozen = sum(bool(layer.trainable_weights) for layer in base.layers)
print(f"trainable layers of the base: {n_unfrozen} (from layer {start} of {n_layers})")

# %%
# ## Unfreeze everything but BatchNormalization
#
for layer in base.layers:
    layer.trainable = not isinstance(layer, layers.BatchNormalization)
model.compile(optimizer=keras.optimizers.Adam(fine_tune_rate),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
everything = counts(model)

# %%
# ## Trainable and non-trainable in each phase
#
phases = {"frozen base, new head": frozen, "top blocks fine-tuned": top_blocks,
          "all but BatchNormalization": everything}
print(f"{'phase':28}{'trainable':>12}{'non-trainable':>15}")
for name, (trainable, non_trainable) in phases.items():
    print(f"{name:28}{trainable:>12,}{non_trainable:>15,}")
total = frozen[0] + frozen[1]
top_share = top_blocks[0] / total
bn_total = sum(layer.count_params() for layer in base.layers
               if isinstance(layer, layers.BatchNormalization))

# %%
# The total never changes, {{ total | , }} parameters: freezing only moves them between
# the two columns. Fine-tuning from block 13 trains {{ top_share | .0% }} of them. In the
# last phase the non-trainable parameters are those of the {{ n_bn }} BatchNormalization
# layers, {{ bn_total | , }} in all: their `gamma` and `beta` as well as their moving
# statistics.
