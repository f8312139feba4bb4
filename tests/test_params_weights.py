"""Rows read from the weights (custom layers, Lambda, subclassed models) and the
optimizer's variables that ``summary()`` adds to "Total params"."""

import io
import re

import keras
import numpy as np
import pytest

from docbuild.params import ParamArithmeticError, param_rows, param_table_markdown

L = keras.layers


class Block(L.Layer):
    """A reader's layer: its own scale vector and a Dense inside."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = L.Dense(units, name="inner")

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), name="scale")
        self.steps = self.add_weight(shape=(), name="steps", trainable=False)
        self.inner.build(input_shape)

    def call(self, x):
        return self.inner(x * self.scale)


def custom_model():
    inputs = keras.Input((4,))
    x = Block(3, name="block")(inputs)                   # scale 4 + steps 1 + 4·3 + 3 = 20
    x = L.Lambda(lambda t: t * 2, name="double")(x)      # 0
    return keras.Model(inputs, L.Dense(1)(x))            # 4


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__(name="subclassed")
        self.hidden = L.Dense(3, name="hidden")
        self.out = L.Dense(1, name="out")

    def build(self, input_shape):
        self.temperature = self.add_weight(shape=(), name="temperature")
        super().build(input_shape)

    def call(self, x):
        return self.out(self.hidden(x)) * self.temperature


def test_custom_layer_row_lists_its_weights():
    rows = {r.layer: r for r in param_rows(custom_model())}
    block = rows["block"]
    assert block.formula == ("read from its weights, no formula: "
                             "scale 4 + steps 1 + inner/kernel 4 × 3 + inner/bias 3"), block
    assert (block.numbers, block.count, block.trainable, block.source) == (
        "4 + 1 + 4 × 3 + 3", 20, 19, "weights")
    assert rows["double"].formula == "read from its weights, no formula: it has none"


def test_table_marks_rows_read_from_weights():
    markdown = param_table_markdown(custom_model())
    assert "| `block` (Block) | read from its weights, no formula: scale 4 + steps 1" in markdown
    assert "Rows that say *read from its weights* list" in markdown
    assert "- Total params: 24\n- Trainable params: 23\n- Non-trainable params: 1\n" in markdown


def test_a_lying_weights_row_still_fails(monkeypatch):
    from docbuild.params import fallback

    original = fallback.read_weights

    def off_by_one(layer, why=""):
        part = original(layer, why)
        return type(part)(part.formula, part.numbers + " + 1", part.trainable + 1,
                          part.non_trainable, part.source)

    monkeypatch.setattr(fallback, "read_weights", off_by_one)
    expected = "layer block of type Block: row read from its weights.* Keras counts 20"
    with pytest.raises(ParamArithmeticError, match=expected):
        param_rows(custom_model())


def test_subclassed_model_rows_include_its_own_weights():
    model = Subclassed()
    model(np.zeros((1, 5), dtype="float32"))
    rows = {r.layer: r for r in param_rows(model)}
    assert rows["hidden"].numbers == "5 × 3 + 3" and rows["out"].numbers == "3 × 1 + 1"
    own = rows["subclassed (own weights)"]
    assert (own.formula, own.count, own.source) == (
        "read from its weights, no formula: temperature 1", 1, "weights")


def test_lora_dense_is_read_from_its_weights():
    dense = L.Dense(3, name="tuned")
    model = keras.Sequential([keras.Input((4,)), dense])
    dense.enable_lora(2)  # the kernel is frozen; two small trainable factors are added
    (row,) = param_rows(model)
    assert row.formula.startswith("read from its weights, no formula (LoRA-enabled or "
                                  "quantized): kernel 4 × 3 + bias 3 + lora_kernel_a 4 × 2"), row
    assert (row.count, row.trainable, row.non_trainable) == (12 + 3 + 8 + 6, 17, 12)


# --------------------------------------------------------------------- optimizers


def summary_totals(model):
    """The counts ``model.summary()`` prints, by label."""
    out = io.StringIO()
    model.summary(print_fn=lambda line, **_: out.write(line + "\n"))
    return {label: int(count.replace(",", "")) for label, count in
            re.findall(r"(Total|Trainable|Non-trainable|Optimizer) params: ([\d,]+)",
                       out.getvalue())}


def trained(optimizer):
    model = keras.Sequential([keras.Input((3,)), L.Dense(4), L.BatchNormalization(),
                              L.Dense(1)])             # 16 + 16 (8 non-trainable) + 5
    model.compile(optimizer=optimizer, loss="mse", run_eagerly=True)  # no tracing: faster
    model.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)
    return model


# optimizer, what the row says, its numbers (29 trainable parameters)
OPTIMIZERS = [
    pytest.param(lambda: "adam",
                 "2 slots per trainable parameter (momentum, velocity) + iteration + "
                 "learning_rate", "2 × 29 + 1 + 1", id="adam"),
    pytest.param(lambda: keras.optimizers.SGD(),
                 "iteration + learning_rate", "1 + 1", id="sgd-no-momentum"),
    pytest.param(lambda: keras.optimizers.SGD(momentum=0.9),
                 "1 slot per trainable parameter (momentum) + iteration + learning_rate",
                 "29 + 1 + 1", id="sgd-momentum"),
    pytest.param(lambda: keras.optimizers.RMSprop(),
                 "1 slot per trainable parameter (velocity) + iteration + learning_rate",
                 "29 + 1 + 1", id="rmsprop"),
    pytest.param(lambda: keras.optimizers.Adam(
        keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9), amsgrad=True, use_ema=True),
        "4 slots per trainable parameter (average, momentum, velocity, velocity_hat) + "
        "iteration", "4 × 29 + 1", id="adam-amsgrad-ema-schedule"),
]


@pytest.mark.parametrize(("optimizer", "formula", "numbers"), OPTIMIZERS)
def test_optimizer_row_explains_the_summary_total(optimizer, formula, numbers):
    model = trained(optimizer())
    totals = summary_totals(model)
    markdown = param_table_markdown(model)
    optimizer_count = totals["Optimizer"]
    assert f"| {formula} | {numbers} | {optimizer_count:,} (optimizer) |" in markdown, markdown
    assert f"- Total params: {totals['Total']:,}\n" in markdown
    assert f"- Optimizer params: {optimizer_count:,} " in markdown
    assert totals["Total"] == 37 + optimizer_count


def test_compiled_but_untrained_model_has_no_optimizer_row():
    model = keras.Sequential([keras.Input((3,)), L.Dense(1)])
    model.compile("adam", "mse")
    assert "Optimizer params" not in summary_totals(model)
    markdown = param_table_markdown(model)
    assert "optimizer" not in markdown and "- Total params: 4\n" in markdown


# ------------------------------------------------------------------ shared weights


class TiedOutput(L.Layer):
    """Logits from the embedding table itself (weight tying): a weight of another layer."""

    def __init__(self, embedding, **kwargs):
        super().__init__(**kwargs)
        self.embedding = embedding

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(self.embedding.input_dim,), name="bias")

    def call(self, x):
        table = keras.ops.transpose(self.embedding.embeddings)
        return keras.ops.matmul(x, table) + self.bias


def test_tied_weight_is_counted_once():
    embedding = L.Embedding(10, 4, name="tokens")
    inputs = keras.Input((5,), dtype="int32")
    model = keras.Model(inputs, TiedOutput(embedding, name="logits")(embedding(inputs)))
    rows = {r.layer: r for r in param_rows(model)}
    assert model.count_params() == 50 == sum(r.count for r in rows.values())
    assert (rows["logits"].numbers, rows["logits"].count) == ("10", 10), rows["logits"]
    assert "embeddings, counted in `tokens`" in rows["logits"].formula, rows["logits"]


def test_layer_shared_by_a_nested_model_and_the_top_is_counted_once():
    dense = L.Dense(3, name="shared")
    inner_in = keras.Input((3,))
    inner = keras.Model(inner_in, dense(inner_in), name="inner")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, dense(inner(inputs)))
    rows = {r.layer: r for r in param_rows(model)}
    assert model.count_params() == 12 == sum(r.count for r in rows.values())
    assert rows["inner/shared"].count == 12
    assert (rows["shared"].formula, rows["shared"].count, rows["shared"].source) == (
        "the same weights as `inner/shared`, counted there", 0, "shared")


class Unused(keras.Model):
    """A subclassed model that never calls one of its layers: Keras shows "0 (unbuilt)"."""

    def __init__(self):
        super().__init__(name="unused")
        self.used, self.spare = L.Dense(2, name="used"), L.Dense(7, name="spare")

    def call(self, x):
        return self.used(x)


def test_unbuilt_layer_and_unbuilt_model_do_not_fail():
    model = Unused()
    model(np.zeros((1, 3)))
    rows = {r.layer: r for r in param_rows(model)}
    assert (rows["used"].count, rows["spare"].count, rows["spare"].source) == (8, 0, "no weights")
    unbuilt = keras.Sequential([L.Dense(3)])
    assert param_table_markdown(unbuilt).startswith("The model is not built yet")
