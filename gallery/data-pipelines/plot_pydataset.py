"""
Stream batches from disk with a PyDataset
=========================================

Write the digits to `.npy` shards on disk, read them back one batch at a time with a
`keras.utils.PyDataset`, train on it, and time how worker threads hide slow reads.
"""

# %%
# ## Setup
#
# Fix the seeds so every build prints the same numbers. The budget variable lets the
# tests run the same script with fewer epochs.
import os
import tempfile
import time

import keras
import numpy as np

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
backend = keras.backend.backend()

# %%
# ## Prepare the data
#
# A data set too large for memory lives on disk in pieces. We make such pieces from the
# digits: the training images go into shards of `shard_size` samples, one `.npy` file for
# the images and one for the labels, in a temporary folder that is deleted at the end.
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
x = (digits.data / 16).astype("float32")  # 64 pixels per digit, scaled to [0, 1]
x_train, x_val, y_train, y_val = train_test_split(
    x, digits.target, test_size=0.2, random_state=42
)
workdir = tempfile.TemporaryDirectory()
shard_size = 256


def write_shards(folder, images, labels):
    os.makedirs(folder)
    for number, start in enumerate(range(0, len(images), shard_size)):
        np.save(f"{folder}/x_{number:03d}.npy", images[start:start + shard_size])
        np.save(f"{folder}/y_{number:03d}.npy", labels[start:start + shard_size])


write_shards(f"{workdir.name}/train", x_train, y_train)
write_shards(f"{workdir.name}/val", x_val, y_val)
shard_files = sorted(os.listdir(f"{workdir.name}/train"))
n_shards = len(shard_files) // 2
print(f"{len(x_train)} training digits in {n_shards} shards:", shard_files[:4], "...")

# %%
# ## A PyDataset that reads batches lazily
#
# A `PyDataset` needs two methods: `__len__`, the number of **batches**, and
# `__getitem__(index)`, which returns batch number `index` as `(inputs, targets)`. Here
# the constructor reads only each shard's header (`mmap_mode="r"` maps the file without
# loading it) to plan the batches; `__getitem__` loads just the rows of one batch.
# The constructor must pass `**kwargs` to `super().__init__`, which takes `workers`,
# `use_multiprocessing` and `max_queue_size`. Each read is logged, and an optional
# `delay` pretends the disk is slow.
class ShardDataset(keras.utils.PyDataset):
    def __init__(self, folder, batch_size, delay=0.0, **kwargs):
        super().__init__(**kwargs)
        self.folder, self.delay = folder, delay
        self.batches = []  # (shard number, first row, last row + 1) of each batch
        names = sorted(n for n in os.listdir(folder) if n.startswith("x_"))
        for number, name in enumerate(names):
            rows = np.load(f"{folder}/{name}", mmap_mode="r").shape[0]
            for start in range(0, rows, batch_size):
                self.batches.append((number, start, min(start + batch_size, rows)))
        self.reads = [[]]  # batch indices read: before training, then one list per epoch

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        number, start, stop = self.batches[index]
        self.reads[-1].append(index)
        time.sleep(self.delay)  # a slow disk or network
        images = np.load(f"{self.folder}/x_{number:03d}.npy", mmap_mode="r")
        labels = np.load(f"{self.folder}/y_{number:03d}.npy", mmap_mode="r")
        return np.asarray(images[start:stop]), np.asarray(labels[start:stop])


batch_size = 64
train_ds = ShardDataset(f"{workdir.name}/train", batch_size)
val_ds = ShardDataset(f"{workdir.name}/val", batch_size)
first_x, first_y = train_ds[0]
train_ds.reads = [[]]  # forget the read above
n_batches = len(train_ds)
batches_per_shard = -(-shard_size // batch_size)  # ceil
print(f"{n_batches} training batches, {len(val_ds)} validation batches")
print("batch 0:", first_x.shape, first_x.dtype, first_y.shape, first_y.dtype)

# %%
# The training set has {{ n_batches }} batches: batches do not cross shards, so each
# shard of {{ shard_size }} digits gives {{ batches_per_shard }}, and the last, smaller
# shard fewer. Only the batch being read is ever loaded into memory.
#
# ## Build the model
#
# A small dense network for the 64 pixels; the dataset's batches decide the batch size,
# so `fit` gets no `batch_size`.
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ],
    name="digits_mlp",
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.summary()

# %%
# ## Train
#
# `fit` takes the PyDataset where it would take `x`; the targets come from the batches,
# so `y` must be left out (passing it raises a `ValueError`).
epochs = 3 if QUICK else 20
# A callback starts a new list of reads when each epoch begins: what comes before the
# first is what `fit` read before training. (A PyDataset's own `on_epoch_begin` would not
# do: on JAX and PyTorch, `fit` also calls it around the batch it reads beforehand.)
new_epoch = keras.callbacks.LambdaCallback(
    on_epoch_begin=lambda epoch, logs: train_ds.reads.append([]))
history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=0,
                    callbacks=[new_epoch])
final_val_accuracy = history.history["val_accuracy"][-1]
print(f"after {epochs} epochs: val_accuracy {final_val_accuracy:.3f}")

# %%
# ## Which batches fit read
#
# The log shows the order in which `fit` asked for the batches. `shuffle=True`, the
# default of `fit`, shuffles the **order of the batches** each epoch; the samples inside
# a batch stay together, so shuffle inside `__getitem__` or in `on_epoch_end` if that
# matters.
before, *per_epoch = train_ds.reads
print(f"read before the first epoch ({backend}):", before)
for epoch, reads in enumerate(per_epoch[:3], start=1):
    print(f"epoch {epoch}:", reads)
every_batch_once = all(sorted(r) == list(range(n_batches)) for r in per_epoch)
print("each epoch read every batch exactly once:", every_batch_once)

# %%
# Each epoch read every batch once ({{ every_batch_once }}), in a new order. The batches
# read before the first epoch, {{ before }}, depend on the backend: `fit` reads ahead
# to learn the shapes and dtypes of what the dataset returns. On TensorFlow it turns the
# PyDataset into a `tf.data.Dataset`, which reads ahead for that; on JAX and PyTorch it
# takes the first batch to build the compiled loss and metrics
# (`Trainer._symbolic_build`), before the first epoch begins. Keep `__getitem__` free of
# side effects that count.

# %%
# ## Workers: hide slow reads behind training
#
# With the default `workers=1` the batches are read one after the other, in the training
# thread, so every read adds to the epoch. With `workers=4`, `fit` starts four threads
# that read batches ahead into a queue of at most `max_queue_size` batches. We make each
# read sleep for `delay` seconds, like a slow disk, and time one epoch for each setting.
delay = 0.05
seconds = {}
for workers in (1, 2, 4):
    slow_ds = ShardDataset(f"{workdir.name}/train", batch_size, delay=delay,
                           workers=workers)
    start = time.perf_counter()
    model.fit(slow_ds, epochs=1, verbose=0)
    seconds[workers] = time.perf_counter() - start
    print(f"workers={workers}: {seconds[workers]:.2f} s per epoch")
sleep_per_epoch = n_batches * delay
one_worker_s, four_workers_s = seconds[1], seconds[4]
delay_ms = round(delay * 1000)
timing_epochs = len(seconds)  # one epoch per setting

# %%
# One epoch sleeps {{ sleep_per_epoch | .2f }} s in total. In this build the epoch took
# {{ one_worker_s | .2f }} s with one worker and {{ four_workers_s | .2f }} s with four: while
# the model trains on a batch, other threads are already waiting on the next reads.
#
# ## Compare the epoch times
#
# The dotted line is the time the epoch spends sleeping; with one worker all of it adds
# to the training steps.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3))
ax.bar([f"workers={w}" for w in seconds], list(seconds.values()), color="tab:blue")
ax.axhline(sleep_per_epoch, color="gray", linestyle=":", label="total read delay")
ax.set(title=f"One epoch with a {delay_ms} ms delay per batch read", ylabel="Seconds")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# ## Evaluate
#
# `evaluate` and `predict` take the PyDataset too, and read its batches in order. (The
# timing runs above trained the model for {{ timing_epochs }} more epochs.)
scores = model.evaluate(val_ds, verbose=0, return_dict=True)
predictions = model.predict(val_ds, verbose=0)
print({name: round(value, 4) for name, value in scores.items()})
print("predictions:", predictions.shape)

# %%
# ## Keras 2 names that changed
#
# Keras 2's `fit_generator` is gone: `fit` takes the dataset itself. And `fit` no longer
# accepts `workers` or `use_multiprocessing`: they belong to the PyDataset's constructor.
# `keras.utils.Sequence`, the Keras 2 name, is still there, as another name for the
# same class.
print("has fit_generator:", hasattr(model, "fit_generator"))
try:
    model.fit(train_ds, epochs=1, verbose=0, workers=4)
except TypeError as error:
    print("TypeError:", error)
print("Sequence is PyDataset:", keras.utils.Sequence is keras.utils.PyDataset)
workdir.cleanup()
