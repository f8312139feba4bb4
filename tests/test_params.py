"""docbuild.params explains every count, and its totals agree with Keras.

Each model is built (never trained) and its rows are checked against Keras'
own ``count_params()`` and trainable / non-trainable weights, and against the
total we know by hand -- the course's numbers for the first group, hand-worked
sums (in the comments) for the models that cover the remaining layer types.
"""

import dataclasses
import functools
import math

import keras
import pytest

from docbuild.params import ParamArithmeticError, Row, param_rows, param_table_markdown

L = keras.layers


# ------------------------------------------------------------- models from the course


def iris():
    return keras.Sequential([
        keras.Input((4,)), L.Dense(8, activation="relu"), L.Dense(3, activation="softmax"),
    ])


def mnist_mlp():
    return keras.Sequential([
        keras.Input((784,)),
        L.Dense(512, activation="relu"), L.Dropout(0.2),
        L.Dense(512, activation="relu"), L.Dropout(0.2),
        L.Dense(10, activation="softmax"),
    ])


def functional_mlp():
    inputs = keras.Input((10,))
    x = L.Dense(10, activation="relu")(inputs)
    x = L.Dense(20, activation="relu", name="dense_10_20")(x)
    x = L.Dense(10, activation="relu")(x)
    return keras.Model(inputs, L.Dense(1, activation="sigmoid")(x))


def functional_cnn():
    # No Flatten: Dense(10) acts on the last axis (16 channels) at every position.
    inputs = keras.Input((64, 64, 1))
    x = L.Conv2D(32, 4, activation="relu")(inputs)
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2D(16, 4, activation="relu")(x)
    x = L.MaxPooling2D(2)(x)
    x = L.Dense(10, activation="relu")(x)
    return keras.Model(inputs, L.Dense(1, activation="sigmoid")(x))


def lstm_regressor():
    inputs = keras.Input((100, 1))
    x = L.LSTM(10)(inputs)
    x = L.Dense(10, activation="relu")(x)
    return keras.Model(inputs, L.Dense(1)(x))


def batchnorm_mlp():
    return keras.Sequential([
        keras.Input((2,)), L.Dense(3, activation="relu"), L.BatchNormalization(),
        L.Dense(1, activation="sigmoid"),
    ])


def autoencoder():
    return keras.Sequential([
        keras.Input((100,)), L.Dense(4, activation="relu"), L.Dense(100, activation="sigmoid"),
    ])


def imdb_lstm():
    return keras.Sequential([
        keras.Input((None,), dtype="int32"), L.Embedding(20000, 128), L.LSTM(128),
        L.Dense(1, activation="sigmoid"),
    ])


def mnist_cnn():
    # seed 004 "Build CNN in Keras": 320 + 2,312 + 24 × 24 × 8 × 3 + 3 = 16,459.
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(filters=32, kernel_size=3, activation="relu"),
        L.Conv2D(8, kernel_size=3, activation="relu"),
        L.Flatten(),
        L.Dense(3, activation="softmax"),
    ])


def resnet50():
    return keras.applications.ResNet50(weights=None)


# ------------------------------------------------------- models for the other layers


def conv2d_family():
    inputs = keras.Input((16, 16, 8))
    x = L.Conv2D(16, 3, groups=2, use_bias=False)(inputs)              # 3·3·4·16 = 576
    x = L.Conv2D(16, 3, groups=4, padding="same")(x)                   # 3·3·4·16 + 16 = 592
    x = L.SeparableConv2D(8, 3, depth_multiplier=2, padding="same")(x)  # 288 + 256 + 8 = 552
    x = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(x)    # 144 + 16 = 160
    x = L.Conv2DTranspose(4, 3, strides=2)(x)                          # 3·3·4·16 + 4 = 580
    x = L.MaxPooling2D(2)(x)
    x = L.AveragePooling2D(2)(x)
    x = L.SpatialDropout2D(0.1)(x)
    x = L.Activation("relu")(x)
    pooled = L.Concatenate()([L.GlobalAveragePooling2D()(x), L.GlobalMaxPooling2D()(x)])
    return keras.Model(inputs, L.Dense(1)(pooled))                     # 8 + 1 = 9


def conv1d_family():
    inputs = keras.Input((20, 6))
    x = L.Conv1D(8, 3, use_bias=False)(inputs)          # 3·6·8 = 144
    x = L.Conv1D(8, 3, groups=2)(x)                     # 3·4·8 + 8 = 104
    x = L.SeparableConv1D(4, 3)(x)                      # 24 + 32 + 4 = 60
    x = L.DepthwiseConv1D(3)(x)                         # 12 + 4 = 16
    x = L.Conv1DTranspose(6, 3)(x)                      # 3·6·4 + 6 = 78
    x = L.MaxPooling1D(2)(x)
    x = L.AveragePooling1D(2)(x)
    x = L.SpatialDropout1D(0.1)(x)
    pooled = L.Add()([L.GlobalAveragePooling1D()(x), L.GlobalMaxPooling1D()(x)])
    return keras.Model(inputs, L.Dense(2)(pooled))      # 6·2 + 2 = 14


def conv3d_family():
    inputs = keras.Input((8, 8, 8, 2))
    x = L.Conv3D(4, 3, groups=2)(inputs)                         # 27·1·4 + 4 = 112
    x = L.Conv3DTranspose(2, 3, use_bias=False)(x)               # 27·2·4 = 216
    x = L.MaxPooling3D(2)(x)
    x = L.AveragePooling3D(2)(x)
    x = L.SpatialDropout3D(0.1)(x)
    pooled = L.Concatenate()([L.GlobalAveragePooling3D()(x), L.GlobalMaxPooling3D()(x)])
    return keras.Model(inputs, L.Dense(1)(pooled))               # 4 + 1 = 5


def recurrent_family():
    inputs = keras.Input((7, 5))
    x = L.GRU(4, return_sequences=True)(inputs)                     # 3(4·9 + 2·4) = 132
    x = L.GRU(3, reset_after=False, return_sequences=True)(x)       # 3(3·7 + 3) = 72
    x = L.Bidirectional(L.LSTM(2, return_sequences=True))(x)        # 2·4(2·5 + 2) = 96
    x = L.SimpleRNN(3, return_sequences=True)(x)                    # 3·7 + 3 = 24
    x = L.RNN(L.SimpleRNNCell(2), return_sequences=True)(x)         # 2·5 + 2 = 12
    x = L.TimeDistributed(L.Dense(2))(x)                            # 2·2 + 2 = 6
    x = L.LSTM(2, use_bias=False, return_sequences=True)(x)         # 4·2·4 = 32
    return keras.Model(inputs, L.Dense(1)(L.Flatten()(x)))          # 14 + 1 = 15


def transformer_block():
    tokens = keras.Input((6,), dtype="int32")
    x = L.Embedding(50, 16)(tokens)                                 # 800
    attended = L.MultiHeadAttention(num_heads=2, key_dim=8)(x, x)   # 4 × (16·16 + 16) = 1,088
    x = L.LayerNormalization()(L.Add()([x, attended]))              # 32
    ff = L.Dense(16)(L.Dense(32, activation="relu")(x))             # 544 + 528
    x = L.LayerNormalization(center=False)(L.Add()([x, ff]))        # 16
    x = L.Dropout(0.1)(L.GlobalAveragePooling1D()(x))
    return keras.Model(tokens, L.Dense(1)(x))                       # 17


def cross_attention():
    query, value, key = keras.Input((4, 6)), keras.Input((5, 7)), keras.Input((5, 9))
    mha = L.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=2, output_shape=5,
                               use_bias=False)
    x = mha(query=query, value=value, key=key)    # 6·3·4 + 9·3·4 + 7·3·2 + 3·2·5 = 252
    return keras.Model([query, value, key], L.Dense(1)(L.Flatten()(x)))  # 20 + 1 = 21


def normalization_family():
    return keras.Sequential([
        keras.Input((5,)),
        L.Dense(4),                                       # 24
        L.BatchNormalization(center=False),               # 3 × 4 (4 trainable)
        L.BatchNormalization(center=False, scale=False),  # 2 × 4 (0 trainable)
        L.BatchNormalization(renorm=True),                # 7 × 4 (8 trainable)
        L.LayerNormalization(scale=False),                # 4
        L.PReLU(),                                        # 4
    ])


def reshaping_family():
    inputs = keras.Input((12,))
    x = L.Reshape((3, 4))(inputs)
    x = L.Permute((2, 1))(x)
    x = L.Flatten()(x)
    x = L.RepeatVector(2)(x)
    x = L.UpSampling1D(2)(x)
    x = L.ZeroPadding1D(1)(x)
    x = L.Cropping1D(1)(x)
    x = L.GaussianNoise(0.1)(x)
    x = L.Multiply()([x, L.ReLU()(x)])
    return keras.Model(inputs, L.Dense(1)(x))             # 13


def nested_and_frozen():
    encoder = keras.Sequential(  # 36 + 16 (8 non-trainable) + 15 = 67
        [keras.Input((8,)), L.Dense(4, name="squeeze"), L.BatchNormalization(), L.Dense(3)],
        name="encoder",
    )
    block_in = keras.Input((3,))
    block = keras.Model(block_in, L.Dense(3, name="mix")(block_in), name="block")  # 12
    block.trainable = False
    head = L.Dense(2, name="frozen_head")  # 8
    head.trainable = False
    inputs = keras.Input((8,))
    x = head(block(encoder(inputs)))
    return keras.Model(inputs, L.Dense(1)(x))  # 3; trainable 59 + 3 = 62


def transfer_learning():
    base = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
    base.trainable = False
    inputs = keras.Input((32, 32, 3))
    x = L.GlobalAveragePooling2D()(base(inputs, training=False))
    return keras.Model(inputs, L.Dense(10, activation="softmax")(x))       # 20,490


# id, builder, expected total, expected trainable
MODELS = [
    pytest.param(iris, 67, 67, id="iris-4-8-3"),
    pytest.param(mnist_mlp, 669_706, 669_706, id="mnist-mlp"),
    pytest.param(functional_mlp, 551, 551, id="functional-mlp-10-10-20-10-1"),
    pytest.param(functional_cnn, 8_933, 8_933, id="functional-cnn-64x64"),
    pytest.param(lstm_regressor, 601, 601, id="lstm-100x1"),
    pytest.param(batchnorm_mlp, 25, 19, id="batchnorm-mlp"),
    pytest.param(autoencoder, 904, 904, id="autoencoder-100-4-100"),
    pytest.param(imdb_lstm, 2_691_713, 2_691_713, id="imdb-embedding-lstm"),
    pytest.param(mnist_cnn, 16_459, 16_459, id="cnn-28x28"),
    pytest.param(resnet50, 25_636_712, 25_583_592, id="resnet50"),
    pytest.param(conv2d_family, 2_469, 2_469, id="conv2d-groups-separable-depthwise"),
    pytest.param(conv1d_family, 416, 416, id="conv1d-family"),
    pytest.param(conv3d_family, 333, 333, id="conv3d-family"),
    pytest.param(recurrent_family, 389, 389, id="gru-bidirectional-timedistributed"),
    pytest.param(transformer_block, 3_025, 3_025, id="multi-head-attention"),
    pytest.param(cross_attention, 273, 273, id="cross-attention-no-bias"),
    pytest.param(normalization_family, 80, 44, id="normalization-family"),
    pytest.param(reshaping_family, 13, 13, id="reshaping-family"),
    pytest.param(nested_and_frozen, 90, 62, id="nested-and-frozen"),
    pytest.param(transfer_learning, 23_608_202, 20_490, id="frozen-resnet50-base"),
]


@functools.cache
def built(builder):
    """Each model is built once and shared by the tests below."""
    return builder()


def keras_split(model):
    """Keras' own (trainable, non-trainable) parameter counts."""
    return (sum(math.prod(w.shape) for w in model.trainable_weights),
            sum(math.prod(w.shape) for w in model.non_trainable_weights))


@pytest.mark.parametrize(("builder", "total", "trainable"), MODELS)
def test_rows_add_up_to_keras(builder, total, trainable):
    model = built(builder)
    rows = param_rows(model)
    assert model.count_params() == total
    assert sum(r.count for r in rows) == total
    assert (sum(r.trainable for r in rows), sum(r.non_trainable for r in rows)) \
        == keras_split(model) == (trainable, total - trainable)
    for row in rows:
        assert row.count == row.trainable + row.non_trainable, row


@pytest.mark.parametrize(("builder", "total", "trainable"), MODELS)
def test_markdown_totals(builder, total, trainable):
    markdown = param_table_markdown(built(builder))
    assert markdown.startswith("| Layer | Formula | Numbers | Parameters |\n")
    assert f"- Total params: {total:,}\n" in markdown
    assert f"- Trainable params: {trainable:,}\n" in markdown
    assert f"- Non-trainable params: {total - trainable:,}\n" in markdown


def test_every_required_layer_type_is_exercised():
    required = {
        "InputLayer", "Dense", "Conv1D", "Conv2D", "Conv3D", "SeparableConv1D",
        "SeparableConv2D", "DepthwiseConv2D", "Conv1DTranspose", "Conv2DTranspose",
        "Conv3DTranspose", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
        "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
        "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
        "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "Flatten",
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "Reshape",
        "Activation", "Add", "Concatenate", "BatchNormalization", "LayerNormalization",
        "Embedding", "SimpleRNN", "GRU", "LSTM", "Bidirectional", "TimeDistributed",
        "MultiHeadAttention",
    }
    seen = {row.kind for param in MODELS for row in param_rows(built(param.values[0]))}
    assert required <= seen, sorted(required - seen)


def test_dense_row_shows_the_arithmetic():
    markdown = param_table_markdown(built(functional_mlp))
    assert "| `dense_10_20` (Dense) | inputs × units + units | 10 × 20 + 20 | 220 |" in markdown


def test_layer_range_keeps_the_summary_rows_and_whole_model_totals():
    model = built(resnet50)
    markdown = param_table_markdown(model, layer_range=("input_layer", "conv2_block1_out"))
    layers = [line.split("`")[1] for line in markdown.splitlines() if line.startswith("| `")]
    assert layers[0] == model.layers[0].name and layers[-1] == "conv2_block1_out"
    assert len(layers) == 19 and "conv2_block2_1_conv" not in layers
    assert f"Rows for 19 of the {len(model.layers)} layers" in markdown
    assert f"- Total params: {model.count_params():,}\n" in markdown
    with pytest.raises(ParamArithmeticError, match="matches no layer"):
        param_table_markdown(model, layer_range=("input_layer", "no_such_layer"))


def test_known_rows():
    def row(builder, name):
        return next(r for r in param_rows(built(builder)) if r.layer == name)

    lstm = next(r for r in param_rows(built(lstm_regressor)) if r.kind == "LSTM")
    assert (lstm.formula, lstm.numbers, lstm.count) == (
        "4 × (units × (inputs + units) + units)", "4 × (10 × (1 + 10) + 10)", 480)
    bn = next(r for r in param_rows(built(batchnorm_mlp)) if r.kind == "BatchNormalization")
    assert (bn.numbers, bn.count, bn.trainable, bn.non_trainable) == ("4 × 3", 12, 6, 6)
    assert row(nested_and_frozen, "frozen_head") == Row(
        "frozen_head", "Dense", "inputs × units + units", "3 × 2 + 2", 8, 0, 8)
    assert row(nested_and_frozen, "encoder/squeeze").count == 36  # nested rows: parent/child
    assert row(nested_and_frozen, "block/mix").trainable == 0  # frozen nested model
    assert row(resnet50, "conv1_conv").numbers == "7 × 7 × 3 × 64 + 64"


class Scale(keras.layers.Layer):
    """A custom layer: no formula can know its weights, so its row reads them."""

    def __init__(self, with_weight=True, **kwargs):
        super().__init__(**kwargs)
        self.with_weight = with_weight

    def build(self, input_shape):
        if self.with_weight:
            self.factor = self.add_weight(shape=(), initializer="ones", name="factor")

    def call(self, x):
        return x * self.factor if self.with_weight else x


@pytest.mark.parametrize(("with_weight", "formula", "numbers"), [
    pytest.param(True, "read from its weights, no formula: factor 1", "1", id="one-weight"),
    pytest.param(False, "read from its weights, no formula: it has none", "0", id="no-weights"),
])
def test_unknown_layer_is_read_from_its_weights(with_weight, formula, numbers):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, Scale(with_weight, name="my_scale")(L.Dense(2)(inputs)))
    row = next(r for r in param_rows(model) if r.layer == "my_scale")
    assert (row.kind, row.formula, row.numbers, row.source) == ("Scale", formula, numbers,
                                                                "weights"), row
    assert f"| `my_scale` (Scale) | {formula} | {numbers} |" in param_table_markdown(model)


def test_subclass_of_known_layer_is_read_from_its_weights():
    class MyDense(L.Dense):
        pass

    model = keras.Sequential([keras.Input((3,)), MyDense(2, name="mine")])
    (row,) = param_rows(model)
    assert row.formula == "read from its weights, no formula: kernel 3 × 2 + bias 2", row
    assert (row.numbers, row.count, row.source) == ("3 × 2 + 2", 8, "weights")


def test_wrong_formula_is_caught(monkeypatch):
    from docbuild.params import REGISTRY
    from docbuild.params.base import Part

    def off_by_one(layer, config, shape):
        inputs, units = shape[-1], config["units"]
        return Part("inputs × units", f"{inputs} × {units}", inputs * units)

    monkeypatch.setitem(REGISTRY, L.Dense, dataclasses.replace(REGISTRY[L.Dense],
                                                              explain=off_by_one))
    with pytest.raises(ParamArithmeticError, match=r"layer dense\w* of type Dense: formula"):
        param_rows(built(functional_mlp))
