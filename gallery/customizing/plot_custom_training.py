"""
Override the training step and write a training loop
====================================================

Write `fit`'s training step yourself, for the backend at hand, so that it also logs the
gradient norm; then train the same network with a loop of your own, and check that both
reproduce plain `fit`.
"""

# sphinx_gallery_budget = {"quick": 120, "full": 300}

# %%
# ## Setup
#
# Seed everything (the quick budget trains for fewer epochs), and note the backend: the
# training step is the one place where Keras code depends on it.
import os

import keras
import numpy as np
from keras import ops

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget
backend_name = keras.backend.backend()
print("backend:", backend_name)

# %%
# ## Prepare the data
#
# Two interleaved half-moons: 768 points to train on, 256 to test.
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

x, y = make_moons(n_samples=1024, noise=0.25, random_state=42)
x, y = x.astype("float32"), y.astype("float32").reshape(-1, 1)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=42)
print("train:", x_train.shape, " test:", x_test.shape)

# %%
# ## Build the model
#
# One function builds the same functional network as an instance of any `keras.Model`
# subclass, from the same initial weights (it re-seeds), so that every run below starts
# from the same point.
from keras import layers

learning_rate = 0.01
batch_size = 64
epochs = 3 if QUICK else 15


def build(model_class=keras.Model):
    keras.utils.set_random_seed(42)
    inputs = keras.Input(shape=(2,))
    hidden = layers.Dense(16, activation="relu")(inputs)
    hidden = layers.Dense(16, activation="relu")(hidden)
    outputs = layers.Dense(1, activation="sigmoid")(hidden)
    return model_class(inputs, outputs, name="moons")


build().summary()

# %%
# ## Train with plain fit
#
# The reference run. `shuffle=False` makes every run see the batches in the same order,
# so that the runs below can be compared number for number.
reference = build()
reference.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
fit_losses = reference.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                           shuffle=False, verbose=0).history["loss"]
print(f"fit: loss {fit_losses[0]:.4f} after epoch 1, {fit_losses[-1]:.4f} after {epochs}")

# %%
# ## What every backend shares
#
# Our step does what `fit`'s does and also records the norm of the gradients, a quantity
# `fit` does not log. A `Mean` metric created in `__init__` is tracked by the model, so it
# appears in `self.metrics` (after the loss tracker that `compile` creates), is reset at
# every epoch and is logged under its name. The loss tracker is weighted by the batch size,
# as `fit` weights it, so a smaller last batch counts for less.


def global_norm(grads):
    return ops.sqrt(sum(ops.sum(ops.square(g)) for g in grads))


class GradNormModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grad_norm = keras.metrics.Mean(name="grad_norm")

    def update_metrics(self, loss, grads, x):
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss, sample_weight=ops.shape(x)[0])
            elif metric.name == "grad_norm":
                metric.update_state(global_norm(grads))
        return self.get_metrics_result()


probe = build(GradNormModel)
probe.compile(optimizer="adam", loss="binary_crossentropy")
print("metrics after compile:", [m.name for m in probe.metrics])

# %%
# ## train_step with TensorFlow
#
# `tf.GradientTape` records the forward pass; `tape.gradient` differentiates the loss.
# `compute_loss` is the loss given to `compile` plus any losses the layers add.


class TensorFlowStep(GradNormModel):
    def train_step(self, data):
        import tensorflow as tf  # only this backend's step needs it

        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        return self.update_metrics(loss, grads, x)


# %%
# ## train_step with PyTorch
#
# PyTorch accumulates gradients in each weight's `.grad`: clear them with `zero_grad`,
# call `loss.backward()`, read them, and update the weights outside autograd.


class TorchStep(GradNormModel):
    def train_step(self, data):
        import torch  # only this backend's step needs it

        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        loss.backward()
        grads = [v.value.grad for v in self.trainable_variables]
        with torch.no_grad():
            self.optimizer.apply(grads, self.trainable_variables)
        return self.update_metrics(loss, grads, x)


# %%
# ## train_step with JAX
#
# JAX differentiates pure functions, so `fit` hands the step every variable's value in
# `state` and takes new values back: nothing is assigned. `stateless_call`,
# `stateless_compute_loss`, `stateless_apply` and `stateless_update_state` return new
# values. (Do not name the helper `compute_loss_and_updates`: the JAX trainer's own
# `test_step` calls a method of that name, with other arguments.)


class JAXStep(GradNormModel):
    def loss_and_updates(self, trainable, non_trainable, metrics_vars, x, y):
        y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x,
                                                    training=True)
        loss, (_, non_trainable, metrics_vars) = self.stateless_compute_loss(
            trainable, non_trainable, metrics_vars, x=x, y=y, y_pred=y_pred)
        return loss, (non_trainable, metrics_vars)

    def train_step(self, state, data):
        import jax  # only this backend's step needs it

        trainable, non_trainable, optimizer_vars, metrics_vars = state
        x, y = data
        grad_fn = jax.value_and_grad(self.loss_and_updates, has_aux=True)
        (loss, (non_trainable, metrics_vars)), grads = grad_fn(
            trainable, non_trainable, metrics_vars, x, y)
        trainable, optimizer_vars = self.optimizer.stateless_apply(
            optimizer_vars, grads, trainable)
        logs, new_metrics_vars = {}, []
        for metric in self.metrics:  # each metric's slice of metrics_vars
            start = len(new_metrics_vars)
            values = metrics_vars[start:start + len(metric.variables)]
            if metric.name == "loss":
                values = metric.stateless_update_state(values, loss,
                                                       sample_weight=ops.shape(x)[0])
            elif metric.name == "grad_norm":
                values = metric.stateless_update_state(values, global_norm(grads))
            logs[metric.name] = metric.stateless_result(values)
            new_metrics_vars += values
        return logs, (trainable, non_trainable, optimizer_vars, new_metrics_vars)


# %%
# ## Train with the overridden step
#
# `fit` runs whichever class matches the backend; everything else about `fit` (batching,
# callbacks, the `History`) is unchanged.
step_class = {"tensorflow": TensorFlowStep, "torch": TorchStep, "jax": JAXStep}[backend_name]
step_class_name = step_class.__name__
custom = build(step_class)
custom.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
custom_history = custom.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                            shuffle=False, verbose=0).history
step_gap = float(np.max(np.abs(np.subtract(custom_history["loss"], fit_losses))))
print(f"{step_class_name} logged:", sorted(custom_history))
print(f"largest difference from plain fit: {step_gap:.1e}")

# %%
# On the {{ backend_name }} backend `fit` ran the step of {{ step_class_name }}; its losses
# differ from plain `fit`'s by at most {{ step_gap | .1e }}.
#
# ## The one backend-specific function of a training loop
#
# Without `fit`, only the gradients of one batch depend on the backend. Each function
# makes one training step (forward pass, gradients, update), returns loss and gradients.


def tensorflow_step(model, optimizer, loss_fn, x, y):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply(grads, model.trainable_variables)
    return loss, grads


def torch_step(model, optimizer, loss_fn, x, y):
    import torch

    model.zero_grad()
    loss = loss_fn(y, model(x, training=True))
    loss.backward()
    grads = [v.value.grad for v in model.trainable_variables]
    with torch.no_grad():
        optimizer.apply(grads, model.trainable_variables)
    return loss, grads


def jax_step(model, optimizer, loss_fn, x, y):
    import jax

    non_trainable = [v.value for v in model.non_trainable_variables]

    def loss_of(trainable):  # a pure function of the trainable values
        y_pred, _ = model.stateless_call(trainable, non_trainable, x, training=True)
        return loss_fn(y, y_pred)

    loss, grads = jax.value_and_grad(loss_of)([v.value for v in model.trainable_variables])
    optimizer.apply(grads, model.trainable_variables)
    return loss, grads


# %%
# ## Train with a loop of your own
#
# The rest is backend-agnostic: slice the batches, call the step, accumulate the loss in
# a metric reset every epoch. Shuffling, callbacks, validation are ours to add.
train_one_batch = {"tensorflow": tensorflow_step, "torch": torch_step,
                   "jax": jax_step}[backend_name]
loop_model = build()
optimizer = keras.optimizers.Adam(learning_rate)
loss_fn = keras.losses.BinaryCrossentropy()
epoch_loss = keras.metrics.Mean()
x_all, y_all = ops.convert_to_tensor(x_train), ops.convert_to_tensor(y_train)
loop_losses = []
for _epoch in range(epochs):
    epoch_loss.reset_state()
    for start in range(0, len(x_train), batch_size):
        x_batch, y_batch = x_all[start:start + batch_size], y_all[start:start + batch_size]
        loss, grads = train_one_batch(loop_model, optimizer, loss_fn, x_batch, y_batch)
        epoch_loss.update_state(loss, sample_weight=ops.shape(x_batch)[0])
    loop_losses.append(float(epoch_loss.result()))
loop_gap = float(np.max(np.abs(np.subtract(loop_losses, fit_losses))))
print(f"loop: loss {loop_losses[0]:.4f} after epoch 1, {loop_losses[-1]:.4f} after {epochs}")
print(f"largest difference from plain fit: {loop_gap:.1e}")

# %%
# The loop's losses differ from plain `fit`'s by at most {{ loop_gap | .1e }}: it makes
# the same updates, run eagerly one operation at a time rather than as a compiled step,
# so the last digits of the arithmetic may differ.
#
# ## Compare the curves
#
# The gradient norm, which only our step logs, shows how large the gradients the
# optimizer receives still are, which the loss curve does not.
import matplotlib.pyplot as plt

epoch_numbers = np.arange(1, epochs + 1)
fig, (ax_loss, ax_norm) = plt.subplots(1, 2, figsize=(10, 3.8))
ax_loss.plot(epoch_numbers, fit_losses, linewidth=6, alpha=0.35, label="plain fit")
ax_loss.plot(epoch_numbers, custom_history["loss"], marker="o",
             label=f"fit with {step_class_name}.train_step")
ax_loss.plot(epoch_numbers, loop_losses, linestyle="--", marker="x", label="custom loop")
ax_loss.set(title="Training loss of the three runs", xlabel="Epoch",
            ylabel="Binary cross-entropy")
ax_loss.legend()
ax_norm.plot(epoch_numbers, custom_history["grad_norm"], marker="o", color="tab:orange")
ax_norm.set(title="Mean gradient norm per epoch (train_step)", xlabel="Epoch",
            ylabel="Global norm of the gradients")
fig.tight_layout()
plt.show()

# %%
# ## Evaluate
#
# The three models made the same updates, so their test losses should agree.
# `evaluate` runs Keras's own `test_step`, which never updates the gradient-norm tracker.
test_losses = {}
for name, trained in (("fit", reference), ("train_step", custom), ("loop", loop_model)):
    y_pred = trained(x_test)  # one batch: a plain call is enough
    test_losses[name] = float(loss_fn(ops.convert_to_tensor(y_test), y_pred))
    print(f"{name:10}: test loss {test_losses[name]:.4f}")
custom_scores = custom.evaluate(x_test, y_test, verbose=0, return_dict=True)
print("evaluate with the custom model:", {k: round(v, 4) for k, v in custom_scores.items()})
