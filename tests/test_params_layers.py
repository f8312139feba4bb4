"""The formulas for the layers beyond the course's, each checked against Keras.

One small model per family, built (never trained), with the options that change
the counts; the hand-worked sums are in the comments, the totals in one table.
``param_rows`` checks every row against ``layer.count_params()`` and the
trainable split; these tests check the totals and that each class was explained
by the source we expect (a formula, no weights, or read from its weights).
"""

import functools

import keras
import numpy as np
import pytest

from docbuild.params import param_rows, param_table_markdown

L = keras.layers


def einsum_family():
    inputs = keras.Input((5, 4))
    x = L.EinsumDense("abc,cd->abd", output_shape=(5, 6), bias_axes="d")(inputs)  # 24 + 6
    x = L.EinsumDense("...d,de->...e", output_shape=3)(x)                # 6·3 = 18, no bias
    x = L.EinsumDense("abc,cde->abde", output_shape=(5, 2, 3), bias_axes="de")(x)  # 18 + 6
    x = L.Flatten()(x)                                                   # 5·2·3 = 30
    return keras.Model(inputs, L.EinsumDense("ab,bc->ac", output_shape=1, bias_axes="c")(x))


def embedding_family():
    tokens = keras.Input((6,), dtype="int32")
    plain = L.Embedding(20, 4)(tokens)                                   # 80
    untied = L.ReversibleEmbedding(20, 4, tie_weights=False)(tokens)     # 80 + 80
    tied = L.ReversibleEmbedding(20, 4)(tokens)                          # 80
    x = L.PReLU(shared_axes=[1])(L.Add()([plain, untied, tied]))         # 1·4
    return keras.Model(tokens, L.Dense(1)(L.GlobalAveragePooling1D()(x)))  # 5


def attention_family():
    query, value = keras.Input((4, 6)), keras.Input((5, 6))
    outputs = [
        L.Attention(use_scale=True)([query, value]),                     # 1
        L.Attention(score_mode="concat")([query, value]),                # 1
        L.Attention()([query, value]),                                   # 0
        L.AdditiveAttention()([query, value]),                           # 6
        L.AdditiveAttention(use_scale=False)([query, value]),            # 0
        # q 6·4·2 + 8, k and v 6·2·2 + 4 each, out 4·2·6 + 6: 56 + 28 + 28 + 54 = 166
        L.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)(
            query, value),
        # q 6·2·2, k and v 6·1·2 each, gate 6·2·2, out 2·2·6: 24 + 12 + 12 + 24 + 24 = 96
        L.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1,
                              use_bias=False, use_gate=True)(query, value),
        # q, k, v and gate 6·2·3 + 6 each, out 2·3·6 + 6: 5 × 42 = 210
        L.MultiHeadAttention(num_heads=2, key_dim=3, use_gate=True)(query, value),
    ]
    x = L.Flatten()(L.Add()(outputs))
    return keras.Model([query, value], L.Dense(1)(x))                    # 24 + 1


def normalization_family():
    inputs = keras.Input((8, 8, 6))
    x = L.GroupNormalization(groups=3)(inputs)                           # 2·6
    x = L.GroupNormalization(groups=2, center=False)(x)                  # 6
    x = L.GroupNormalization(groups=-1, scale=False)(x)                  # 6
    x = L.RMSNormalization()(x)                                          # 6
    x = L.RMSNormalization(axis=[-2, -1])(x)                             # 8·6
    x = L.LayerNormalization(axis=[-2, -1])(x)                           # 2·48
    x = L.UnitNormalization()(x)
    x = L.BatchNormalization(axis=1)(x)                                  # 4·8 (16 trainable)
    x = L.SpectralNormalization(L.Conv2D(4, 3))(x)                       # 3·3·6·4 + 4 + u 4
    x = L.Flatten()(x)                                                   # 6·6·4 = 144
    return keras.Model(inputs, L.SpectralNormalization(L.Dense(2))(x))   # 144·2 + 2 + u 2


def adapted_normalization():
    data = np.arange(60, dtype="float32").reshape(10, 2, 3)
    adapted = L.Normalization()                                          # 2·3 + 1
    given = L.Normalization(mean=[0.0, 1.0, 2.0], variance=[1.0, 1.0, 1.0])  # constants: 0
    scalar = L.Normalization(axis=None)                                  # 2·1 + 1
    whole = L.Normalization(axis=(1, 2))                                 # 2·(2·3) + 1
    inputs = keras.Input((2, 3))
    x = whole(scalar(given(adapted(inputs))))
    model = keras.Model(inputs, L.Dense(1)(L.Flatten()(x)))              # 6 + 1
    for layer in (adapted, scalar, whole):
        layer.adapt(data)
    return model


def recurrent_family():
    inputs = keras.Input((7, 5))
    # LSTMCell 4(3·(5 + 3) + 3) = 108, then GRUCell 3(2·(3 + 2) + 2·2) = 42
    x = L.RNN(L.StackedRNNCells([L.LSTMCell(3), L.GRUCell(2)]), return_sequences=True)(inputs)
    x = L.Bidirectional(L.GRU(2, return_sequences=True))(x)             # 2·3(2·4 + 4) = 72
    x = L.RNN(L.LSTMCell(2), return_sequences=True)(x)                  # 4(2·6 + 2) = 56
    x = L.RNN(MinimalRNNCell(3, name="minimal"))(x)                     # read: 2·3 + 3·3
    return keras.Model(inputs, L.Dense(1)(x))                           # 4


class MinimalRNNCell(L.Layer):
    """Keras' own example of a custom cell: no formula knows it."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        output = inputs @ self.kernel + states[0] @ self.recurrent_kernel
        return output, [output]


def conv_lstm_family():
    one, two = keras.Input((2, 8, 2)), keras.Input((2, 8, 8, 2))
    three = keras.Input((2, 4, 4, 4, 1))
    a = L.ConvLSTM1D(3, 3)(one)                                          # 4(3·(2+3)·3 + 3) = 192
    b = L.ConvLSTM2D(3, 3)(two)                                          # 4(9·(2+3)·3 + 3) = 552
    c = L.ConvLSTM3D(2, 2, use_bias=False)(three)                        # 4(8·(1+2)·2) = 192
    x = L.Concatenate()([L.Flatten()(a), L.Flatten()(b), L.Flatten()(c)])  # 18 + 108 + 54
    return keras.Model([one, two, three], L.Dense(1)(x))                 # 181


def audio_family():
    audio, mono = keras.Input((1000, 1)), keras.Input((1000,))
    both = L.STFTSpectrogram(frame_length=64, fft_length=128)(audio)     # 2·64·65 = 8,320
    real = L.STFTSpectrogram(frame_length=30, mode="real")(audio)        # 30·(32/2 + 1) = 510
    mel = L.MelSpectrogram(sequence_stride=100, num_mel_bins=8)(mono)
    x = L.Concatenate()([L.Flatten()(both), L.Flatten()(real)])
    return keras.Model([audio, mono], [x, mel])


def lookup_family():
    words, ints = keras.Input((1,), dtype="string"), keras.Input((2,), dtype="int64")
    left, right = keras.Input((1,), dtype="int64"), keras.Input((3,))
    vectorize = L.TextVectorization(max_tokens=10, output_sequence_length=4)
    vectorize.adapt(["a b c", "b c d"])
    text = L.GlobalAveragePooling1D()(L.Embedding(10, 3)(vectorize(words)))      # 30
    strings = L.Flatten()(L.Embedding(4, 2)(L.StringLookup(vocabulary=["a", "b", "c"])(words)))
    encoded = [                                                          # 8 above
        L.CategoryEncoding(5, output_mode="multi_hot")(L.IntegerLookup(vocabulary=[1, 2])(ints)),
        L.CategoryEncoding(4, output_mode="multi_hot")(L.Hashing(num_bins=4)(ints)),
        L.CategoryEncoding(5)(L.HashedCrossing(num_bins=5)([left, right[:, :1]])),
        L.CategoryEncoding(3, output_mode="count")(L.Discretization([0.0, 1.0])(right)),
    ]
    x = L.Concatenate()([text, strings, *encoded])                       # 3 + 2 + 17 = 22
    return keras.Model([words, ints, left, right], L.Dense(1)(x))        # 23


def augmentation_cnn():
    inputs = keras.Input((16, 16, 3))
    x = L.RandomFlip()(inputs)
    x = L.RandomRotation(0.1)(x)
    x = L.RandomZoom(0.1)(x)
    x = L.RandomTranslation(0.1, 0.1)(x)
    x = L.RandomContrast(0.1)(x)
    x = L.RandomBrightness(0.1)(x)
    x = L.Pipeline([L.RandomFlip("vertical"), L.RandomGrayscale(), L.Rescaling(0.5)])(x)
    x = L.Rescaling(1 / 255)(x)
    x = L.Resizing(8, 8)(x)
    x = L.CenterCrop(6, 6)(x)
    x = L.RandomCrop(4, 4)(x)
    x = L.Conv2D(2, 3)(x)                                                # 3·3·3·2 + 2 = 56
    return keras.Model(inputs, L.Dense(1)(L.Flatten()(x)))               # 8 + 1


def pooling_family():
    inputs = keras.Input((8, 8, 3))
    x = L.AdaptiveAveragePooling2D((4, 4))(inputs)
    x = L.AdaptiveMaxPooling2D((2, 2))(x)
    x = L.Reshape((4, 3))(x)
    x = L.AdaptiveMaxPooling1D(2)(L.AdaptiveAveragePooling1D(3)(x))
    return keras.Model(inputs, L.Dense(1)(L.Flatten()(x)))               # 6 + 1


# id, builder, expected total, expected trainable, {class: source} to check
MODELS = [
    pytest.param(einsum_family, 103, 103, {"EinsumDense": "formula"}, id="einsum-dense"),
    pytest.param(embedding_family, 329, 329, {"ReversibleEmbedding": "formula"},
                 id="reversible-embedding-prelu"),
    pytest.param(attention_family, 505, 505,
                 {"Attention": "formula", "AdditiveAttention": "formula",
                  "GroupedQueryAttention": "formula"}, id="attention-gqa-gated-mha"),
    pytest.param(normalization_family, 722, 700,
                 {"GroupNormalization": "formula", "SpectralNormalization": "formula",
                  "UnitNormalization": "no weights"}, id="group-rms-spectral-norm"),
    pytest.param(adapted_normalization, 30, 7, {"Normalization": "formula"},
                 id="normalization-adapted-and-given"),
    pytest.param(recurrent_family, 297, 297, {"RNN": "weights", "Bidirectional": "formula"},
                 id="stacked-cells-custom-cell"),
    pytest.param(conv_lstm_family, 1_117, 1_117, {"ConvLSTM3D": "formula"}, id="conv-lstm"),
    pytest.param(audio_family, 8_830, 8_830, {"STFTSpectrogram": "formula",
                                            "MelSpectrogram": "no weights"}, id="audio"),
    pytest.param(lookup_family, 61, 61, {"TextVectorization": "no weights",
                                         "HashedCrossing": "no weights"}, id="lookups"),
    pytest.param(augmentation_cnn, 65, 65, {"RandomFlip": "no weights",
                                            "Pipeline": "no weights"}, id="augmentation-cnn"),
    pytest.param(pooling_family, 7, 7, {"AdaptiveMaxPooling1D": "no weights"},
                 id="adaptive-pooling"),
]


@functools.cache
def built(builder):
    return builder()


@pytest.mark.parametrize(("builder", "total", "trainable", "sources"), MODELS)
def test_rows_add_up_to_keras(builder, total, trainable, sources):
    model = built(builder)
    rows = param_rows(model)
    assert model.count_params() == total, f"{builder.__name__}: Keras counts changed"
    assert (sum(r.count for r in rows), sum(r.trainable for r in rows)) == (total, trainable)
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row.kind, set()).add(row.source)
    for kind, source in sources.items():
        assert by_kind.get(kind) and source in by_kind[kind], (kind, by_kind.get(kind), rows)
    markdown = param_table_markdown(model)
    assert f"- Total params: {total:,}\n" in markdown


def row(builder, kind, index=0):
    return [r for r in param_rows(built(builder)) if r.kind == kind][index]


@pytest.mark.parametrize(("builder", "kind", "index", "numbers", "non_trainable"), [
    pytest.param(einsum_family, "EinsumDense", 1, "6 × 3", 0, id="einsum-ellipsis-no-bias"),
    pytest.param(einsum_family, "EinsumDense", 2, "3 × 2 × 3 + 2 × 3", 0, id="einsum-bias-de"),
    pytest.param(embedding_family, "ReversibleEmbedding", 0, "20 × 4 + 4 × 20", 0,
                 id="untied-reverse-embedding"),
    pytest.param(attention_family, "GroupedQueryAttention", 1,
                 "6 × 2 × 2 + 6 × 1 × 2 + 6 × 1 × 2 + 6 × 2 × 2 + 2 × 2 × 6", 0,
                 id="gqa-gated-no-bias"),
    pytest.param(normalization_family, "GroupNormalization", 1, "1 × 6", 0,
                 id="group-norm-center-off"),
    pytest.param(normalization_family, "SpectralNormalization", 1, "144 × 2 + 2 + 2", 2,
                 id="spectral-norm-dense"),
    pytest.param(adapted_normalization, "Normalization", 0, "2 × 3 + 1", 7,
                 id="normalization-adapted"),
    pytest.param(adapted_normalization, "Normalization", 1, "0", 0, id="normalization-given"),
    pytest.param(adapted_normalization, "Normalization", 3, "2 × (2 × 3) + 1", 13,
                 id="normalization-two-axes"),
    pytest.param(recurrent_family, "RNN", 0,
                 "(4 × (3 × (5 + 3) + 3)) + (3 × (2 × (3 + 2) + 2 × 2))", 0,
                 id="stacked-rnn-cells"),
    pytest.param(recurrent_family, "RNN", 2, "2 × 3 + 3 × 3", 0, id="custom-cell-read"),
    pytest.param(conv_lstm_family, "ConvLSTM2D", 0, "4 × (3 × 3 × (2 + 3) × 3 + 3)", 0,
                 id="conv-lstm-2d"),
    pytest.param(audio_family, "STFTSpectrogram", 1, "1 × 30 × (32 / 2 + 1)", 0,
                 id="stft-real-only"),
])
def test_known_rows(builder, kind, index, numbers, non_trainable):
    found = row(builder, kind, index)
    assert (found.numbers, found.non_trainable) == (numbers, non_trainable), found


def test_custom_cell_is_marked_as_read_from_weights():
    found = row(recurrent_family, "RNN", 2)
    assert found.formula == ("MinimalRNNCell: read from its weights, no formula: "
                             "kernel 2 × 3 + recurrent_kernel 3 × 3"), found
