"""
Load a folder of images and augment them
========================================

Write the digits as PNG files, one folder per class, load them with
`keras.utils.image_dataset_from_directory`, and augment them inside the model or in a
`tf.data` pipeline.
"""

# %%
# ## Setup
#
# Fix the seeds so every build prints the same numbers. The budget variable lets the
# tests run the same script with fewer epochs.
import importlib.util
import os
import tempfile

import keras
import numpy as np

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
backend = keras.backend.backend()
has_tensorflow = importlib.util.find_spec("tensorflow") is not None

# %%
# ## Write the images to a folder
#
# Photos usually arrive as files, one folder per class. We make such a folder from
# scikit-learn's 8x8 digits: each digit becomes a grayscale PNG (pixel values 0 to 255)
# in `digits/0/`, `digits/1/` and so on, inside a temporary folder. (The quick budget
# of the tests writes fewer files.)
from PIL import Image
from sklearn.datasets import load_digits

digits = load_digits()
n_images = 800 if QUICK else len(digits.images)
workdir = tempfile.TemporaryDirectory()
root = os.path.join(workdir.name, "digits")
for number, (image, label) in enumerate(zip(digits.images[:n_images],
                                            digits.target[:n_images])):
    os.makedirs(os.path.join(root, str(label)), exist_ok=True)
    pixels = (image * 255 / 16).astype("uint8")  # 0..16 -> 0..255
    Image.fromarray(pixels).save(os.path.join(root, str(label), f"{number:04d}.png"))
n_files = sum(len(files) for _, _, files in os.walk(root))
print(f"{n_files} PNG files in", sorted(os.listdir(root)))

# %%
# ## Load the folder as a dataset
#
# `image_dataset_from_directory` finds the files, takes each subfolder's name as a
# class (in alphanumeric order), decodes and resizes the images on the fly, and batches
# them. `validation_split` with `subset="both"` and a `seed` returns the training and
# validation sets at once, split the same way every run.
image_size = (16, 16)  # twice the files' 8x8, so that augmentation has pixels to move
batch_size = 32
if has_tensorflow:
    train_ds, val_ds = keras.utils.image_dataset_from_directory(
        root, validation_split=0.2, subset="both", seed=42, color_mode="grayscale",
        image_size=image_size, batch_size=batch_size,
    )
    class_names = train_ds.class_names
    train_args, val_args = (train_ds,), (val_ds,)  # the datasets hold the labels
    dataset_type = f"{type(train_ds).__module__}.{type(train_ds).__name__}"
    print("returns:", dataset_type)
    print("element_spec:", train_ds.element_spec)
else:  # the function needs TensorFlow (or grain): read the files ourselves
    class_names = sorted(os.listdir(root))
    paths = [(os.path.join(root, c, f), i) for i, c in enumerate(class_names)
             for f in sorted(os.listdir(os.path.join(root, c)))]
    images = np.stack([keras.utils.img_to_array(keras.utils.load_img(
        p, color_mode="grayscale", target_size=image_size)) for p, _ in paths])
    labels = np.array([i for _, i in paths])
    order = np.random.default_rng(42).permutation(len(labels))
    cut = int(0.8 * len(labels))
    train_args = (images[order[:cut]], labels[order[:cut]])
    val_args = (images[order[cut:]], labels[order[cut:]])
    dataset_type = "NumPy arrays (TensorFlow not installed)"
    print("returns:", dataset_type)
print("class names:", class_names)

# %%
# On TensorFlow the result is a `tf.data.Dataset` (here a {{ dataset_type }}); it is
# one even on JAX or PyTorch, since the function is built on `tf.data`, and `fit`
# accepts it on every backend.
#
# ## Look at a batch
#
# Iterating over the dataset gives `(images, labels)` batches: images of shape
# `(batch, height, width, channels)` as float32 with values still between 0 and 255,
# labels as integers (`label_mode="int"`, the default).
import matplotlib.pyplot as plt

if has_tensorflow:
    images, labels = next(iter(train_ds))
    images, labels = keras.ops.convert_to_numpy(images), keras.ops.convert_to_numpy(labels)
else:
    images, labels = train_args[0][:batch_size], train_args[1][:batch_size]
batch_shape = images.shape
pixel_range = (float(images.min()), float(images.max()))
print("images:", batch_shape, images.dtype, "values from", pixel_range[0], "to", pixel_range[1])
print("labels:", labels[:12])
fig, axes = plt.subplots(2, 8, figsize=(8, 2.4))
for ax, image, label in zip(axes.flat, images, labels):
    ax.imshow(image[..., 0], cmap="gray_r")
    ax.set_title(class_names[label], fontsize=9)
    ax.axis("off")
fig.suptitle("Sixteen digits from the first training batch, labelled by folder name")
fig.tight_layout()
plt.show()

# %%
# ## Augmentation layers
#
# Augmentation layers change every image a little, randomly, each time it is seen, so the
# network meets many variants of few images. Choose changes that keep the label: a
# slightly rotated, zoomed or shifted digit is the same digit, but a mirrored 2 or 7 is
# not a digit at all, so `RandomFlip` (good for photos of cats) is wrong here. A black
# border (`fill_mode="constant"`) fills what the transformation uncovers.
from keras import layers

augment = keras.Sequential(
    [
        layers.RandomRotation(0.05, fill_mode="constant"),  # up to 0.05 x 360 degrees
        layers.RandomZoom(0.15, fill_mode="constant"),
        layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
    ],
    name="augment",
)
flip = layers.RandomFlip("horizontal", seed=1)
sample = images[:1]
fig, axes = plt.subplots(2, 7, figsize=(8, 2.9))
for row, layer in enumerate([augment, flip]):
    axes[row, 0].imshow(sample[0, ..., 0], cmap="gray_r")
    for column in range(1, 7):
        axes[row, column].imshow(layer(sample, training=True)[0, ..., 0], cmap="gray_r")
for ax in axes.flat:
    ax.set(xticks=[], yticks=[])  # keep the frame: it shows the shifts
axes[0, 0].set_ylabel("augment", fontsize=8)
axes[1, 0].set_ylabel("RandomFlip", fontsize=8)
axes[0, 0].set_title("original", fontsize=9)
fig.suptitle("One digit (left) and six random draws of each augmentation")
fig.tight_layout()
plt.show()
unchanged = bool(np.allclose(augment(sample, training=False), sample))
print("augmentation at inference leaves the image unchanged:", unchanged)

# %%
# Called with `training=False`, as `predict` and `evaluate` call it, every augmentation
# layer returns its input unchanged ({{ unchanged }} above): augmentation only happens in
# training.
#
# ## Build the model
#
# Preprocessing **inside the model**: the augmentation block and a `Rescaling` layer,
# which maps 0..255 to 0..1, come first, then a small convolutional network. The model
# then takes raw pixel values, in training and after it is saved.
def make_model(preprocessing):
    keras.utils.set_random_seed(42)
    model = keras.Sequential(
        [keras.Input(shape=(*image_size, 1))] + preprocessing + [
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ],
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


model = make_model([augment, layers.Rescaling(1 / 255)])
model.summary()

# %%
# ## Train
#
# The dataset yields `(images, labels)`, so `fit` gets neither `y` nor `batch_size`.
# It also shuffles itself: the training set is reshuffled every epoch (the function's
# `shuffle=True`), so `fit`'s own `shuffle=True`, its default, cannot apply to it, and
# `fit` warns that it ignores it. The second model below passes `shuffle=False`.
epochs = 2 if QUICK else 15
validation = val_ds if has_tensorflow else val_args
history = model.fit(*train_args, validation_data=validation, epochs=epochs, verbose=0)
in_model_accuracy = history.history["val_accuracy"][-1]
print(f"augmentation in the model, {epochs} epochs: val_accuracy {in_model_accuracy:.3f}")

# %%
# ## Augment in a tf.data pipeline (TensorFlow only)
#
# The other place for augmentation is the input pipeline: `dataset.map` applies the
# layers to each batch on the CPU, and `prefetch` prepares the next batches while the
# model trains on the current one. This needs TensorFlow installed, whatever the
# backend: each of Keras' preprocessing layers works inside `tf.data` on every backend,
# but a `Sequential` of them is a model, which computes with the backend's own tensors
# and fails inside `tf.data` on JAX and PyTorch. So the pipeline calls the layers one by
# one. The model then contains only `Rescaling`, so it never augments, and `cache` keeps
# the decoded validation images in memory after the first epoch.
if has_tensorflow:
    import tensorflow as tf

    def augment_batch(x, y):
        for layer in augment.layers:  # the layers themselves, not the Sequential model
            x = layer(x, training=True)
        return x, y

    piped_train = train_ds.map(augment_batch,
                               num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    piped_val = val_ds.cache().prefetch(tf.data.AUTOTUNE)
    piped_model = make_model([layers.Rescaling(1 / 255)])
    piped_history = piped_model.fit(piped_train, validation_data=piped_val,
                                    epochs=epochs, verbose=0, shuffle=False)
    pipeline_accuracy = piped_history.history["val_accuracy"][-1]
    print(f"augmentation in tf.data, {epochs} epochs: val_accuracy {pipeline_accuracy:.3f}")
else:
    pipeline_accuracy = None
    print("Skipped: tf.data needs TensorFlow (pip install tensorflow).")

# %%
# ## Evaluate
#
# Both models learn from the same augmented images; what differs is where the work
# runs. In the model it runs on the accelerator, as part of each training step. In the
# pipeline it runs on the CPU, in parallel with training, but the saved model no longer
# knows about it (here that is what we want: augmentation is for training only).
scores = model.evaluate(*val_args, verbose=0, return_dict=True)
print("augmentation in the model:", {k: round(v, 4) for k, v in scores.items()})
if has_tensorflow:
    piped_scores = piped_model.evaluate(piped_val, verbose=0, return_dict=True)
    print("augmentation in tf.data:  ", {k: round(v, 4) for k, v in piped_scores.items()})
workdir.cleanup()
