"""
Slice, reshape and combine tensors
==================================

Rank, shape and dtype, slicing, reshaping and the three tensor operations (element-wise,
broadcasting, dot product), with NumPy and `keras.ops` side by side on a real 8x8 digit.
"""

# %%
# ## Setup
#
# NumPy arrays and Keras tensors follow the same rules. `keras.ops` is the NumPy-like
# API that runs on every Keras backend (TensorFlow, JAX, PyTorch), so the code below does
# not change when the backend does.
import keras
import numpy as np
from keras import ops

keras.utils.set_random_seed(42)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %%
# ## Rank, shape and dtype
#
# A tensor is a multi-dimensional array of numbers, described by three attributes: its
# **rank** (number of axes), its **shape** (the length of each axis) and its **dtype**
# (the type of every element). A scalar is a rank-0 tensor, a vector rank 1, a matrix
# rank 2; a batch of grey images is rank 3 and a batch of colour images rank 4.
examples = {
    "scalar": np.array(7.0),
    "vector": np.array([1.0, 2.0, 3.0]),
    "matrix": np.arange(12).reshape(4, 3),
    "3D tensor": np.zeros((2, 8, 8), dtype="uint8"),
    "4D tensor": np.zeros((5, 64, 64, 3), dtype="float32"),
}
for name, array in examples.items():
    print(f"{name:10} rank {array.ndim}  shape {str(array.shape):15} dtype {array.dtype}")

# %%
# `keras.ops.convert_to_tensor` turns an array into a tensor of the active backend; its
# rank, shape and dtype are read with `ops.ndim`, `ops.shape` and `keras.backend.standardize_dtype`.
tensor = ops.convert_to_tensor(examples["matrix"])
print("type:", type(tensor).__name__)
print("rank:", ops.ndim(tensor), " shape:", ops.shape(tensor),
      " dtype:", keras.backend.standardize_dtype(tensor.dtype))

# %%
# Keras computes in `float32` by default (`keras.config.floatx()`); `ops.cast` changes a
# tensor's dtype. A model casts its inputs to its own dtype, so integer or `float64`
# NumPy data can be passed to `fit` unchanged.
as_float = ops.cast(tensor, "float32")
print("floatx:", keras.config.floatx(), " cast:", keras.backend.standardize_dtype(as_float.dtype))

# %%
# ## A real digit image
#
# scikit-learn ships 1,797 handwritten digits, each an 8x8 grid of grey levels from 0
# (white) to 16 (black). Stacked, they form a rank-3 tensor: (samples, rows, columns).
from sklearn.datasets import load_digits

digits = load_digits()
images, labels = digits.images, digits.target
print("images:", images.shape, images.dtype, " labels:", labels.shape, labels.dtype)
print("pixel range:", images.min(), "to", images.max())

# %%
# One sample is a matrix. Printing it shows the grey levels that the picture draws.
import matplotlib.pyplot as plt

digit = images[10]  # an arbitrary sample
print("label:", labels[10], " shape:", digit.shape)
print(digit.astype(int))

fig, ax = plt.subplots(figsize=(3.5, 3.5))
ax.imshow(digit, cmap="binary")
for (row, col), value in np.ndenumerate(digit):
    ax.text(col, row, int(value), ha="center", va="center", fontsize=7,
            color="white" if value > 8 else "black")
ax.set(title=f"Digit sample 10 (label {labels[10]}) with its grey levels",
       xlabel="Column (axis 2)", ylabel="Row (axis 1)")
plt.show()

# %%
# ## Slicing
#
# Slicing uses Python's `start:stop` syntax on every axis: `start` is included, `stop`
# is not, and a bare `:` keeps the whole axis. These three slices all select the first
# 100 images, whole.
print("images[:100]        ", images[:100].shape)
print("images[:100, :, :]  ", images[:100, :, :].shape)
print("images[:100, :8, :8]", images[:100, :8, :8].shape)

# %%
# Slicing the second and third axes crops every image at once. `[:, 4:, 4:]` keeps all
# the samples but only the lower-right quadrant of each.
lower_right = images[:, 4:, 4:]
print("lower-right quadrants:", lower_right.shape)

fig, (ax_full, ax_quad) = plt.subplots(1, 2, figsize=(6, 3))
ax_full.imshow(images[10], cmap="binary", extent=(-0.5, 7.5, 7.5, -0.5))
ax_full.add_patch(plt.Rectangle((3.5, 3.5), 4, 4, fill=False, edgecolor="tab:red", lw=2))
ax_full.set(title="images[10]", xlabel="Column", ylabel="Row")
ax_quad.imshow(lower_right[10], cmap="binary", extent=(3.5, 7.5, 7.5, 3.5))
ax_quad.set(title="images[:, 4:, 4:][10]", xlabel="Column", ylabel="Row")
fig.suptitle("Slicing a batch of digits: the lower-right quadrant")
fig.tight_layout()
plt.show()

# %%
# Keras tensors slice with the same syntax; `ops.slice` takes start indices and a shape
# instead, which is handy when they are computed.
images_t = ops.convert_to_tensor(images)
print("tensor[:100, 4:, 4:]        ", ops.shape(images_t[:100, 4:, 4:]))
print("ops.slice(t, (0,4,4), (100,4,4))", ops.shape(ops.slice(images_t, (0, 4, 4), (100, 4, 4))))

# %%
# ## Unrowing images into vectors
#
# A Dense layer expects one vector per sample, so each 8x8 image is "unrowed": its rows
# are laid end to end into a vector of 64 pixels. `reshape(n, -1)` does it for the whole
# batch; `-1` asks for whatever length makes the sizes match. This is exactly the
# `digits.data` matrix scikit-learn ships.
n_samples = images.shape[0]
flat = images.reshape(n_samples, -1)
print("unrowed:", flat.shape, " same as digits.data:", np.array_equal(flat, digits.data))
print("first row of the image == first 8 values of the vector:",
      np.array_equal(images[10, 0], flat[10, :8]))

# %%
# Some texts (and the course notes this site started from) put one sample per
# **column**, `(features, samples)`, by transposing with `.T`. Keras always puts samples
# on the **first** axis, so keep `(samples, features)` for `fit`. `ops.reshape` works the
# same on tensors, and `keras.layers.Flatten` does it inside a model.
print("one sample per column:", flat.T.shape)
flat_t = ops.reshape(images_t, (n_samples, -1))
print("ops.reshape:", ops.shape(flat_t))
print("Flatten layer:", keras.layers.Flatten()(images_t[:5]).shape)

# %%
# ## Increasing the rank
#
# A vector of {{ labels.shape[0] | , }} labels has shape {{ labels.shape }}. Adding an axis
# of length 1 makes it a row (1, n) or a column (n, 1); one image `(8, 8)` becomes a batch of one
# `(1, 8, 8)`, the shape `model.predict` expects for a single sample.
print("labels:", labels.shape)
print("row:", np.reshape(labels, (1, -1)).shape, " column:", labels[:, None].shape)
print("np.expand_dims:", np.expand_dims(digit, axis=0).shape,
      " ops.expand_dims:", ops.shape(ops.expand_dims(digit, axis=0)))
print("ops.squeeze back:", ops.shape(ops.squeeze(ops.expand_dims(digit, axis=0), axis=0)))

# %%
# ## Element-wise operations
#
# An element-wise operation combines elements at the same position of two tensors of the
# same shape (or applies a function to each element of one tensor).
a = np.array([1, 2, 3, 4])
b = np.array([5, 6, 7, 8])
print("NumPy      a + b =", a + b, "  a * b =", a * b)
print("keras.ops  add   =", ops.convert_to_numpy(ops.add(a, b)),
      "  multiply =", ops.convert_to_numpy(ops.multiply(a, b)))

# %%
# ReLU is element-wise too: it replaces each negative element by 0.
z = np.array([-2.0, -0.5, 0.0, 1.5])
print("np.maximum(z, 0) =", np.maximum(z, 0), "  ops.relu(z) =", ops.convert_to_numpy(ops.relu(z)))

# %%
# ## Broadcasting
#
# When shapes differ, the smaller tensor is *broadcast*: it is repeated along the
# missing or length-1 axes. Shapes are compared from the last axis: `(4, 3)` and `(3,)`
# match, so a copy of `B` is added to each row of `A`.
A = np.arange(12).reshape(4, 3)
B = np.array([1, 2, 3])
print("A:\n", A)
print("B:", B)
print("A + B:\n", A + B)
print("ops.add(A, B) equal:", np.array_equal(ops.convert_to_numpy(ops.add(A, B)), A + B))

# %%
# A column `(4, 1)` broadcasts along the columns instead. Shapes whose last axes differ
# and are not 1, such as `(4, 3)` and `(4,)`, cannot broadcast.
column = np.array([[100], [200], [300], [400]])
print("A + column:\n", A + column)
try:
    A + np.array([1, 2, 3, 4])
except ValueError as error:
    print("ValueError:", error)

# %%
# ## Dot products
#
# The dot product of two vectors is the sum of their element-wise products:
# 1x1 + 2x2 + 3x3 = 14. The dot product of a matrix and a vector takes that sum for each
# row: 0x1 + 1x2 + 2x3 = 8, then 3x1 + 4x2 + 5x3 = 26, and so on.
print("np.dot(B, B) =", np.dot(B, B), "  ops.dot(B, B) =", ops.convert_to_numpy(ops.dot(B, B)))
print("np.dot(A, B) =", np.dot(A, B), "  ops.dot(A, B) =", ops.convert_to_numpy(ops.dot(A, B)))

# %%
# Between matrices, `(4, 3) @ (3, 2)` gives `(4, 2)`: the inner axes must match and
# disappear. This is what a Dense layer computes: a batch of unrowed digits
# `(n, 64)` times a kernel `(64, units)`, plus a bias broadcast over the rows.
weights = np.ones((3, 2))
print("A @ W:", (A @ weights).shape, " ops.matmul:", ops.shape(ops.matmul(A, weights)))
kernel = keras.random.normal((64, 10), seed=42)
bias = ops.zeros((10,))
scores = ops.matmul(ops.cast(flat_t[:5], "float32"), kernel) + bias  # broadcast
print("unrowed digits (5, 64) @ kernel (64, 10) + bias (10,) ->", ops.shape(scores))
