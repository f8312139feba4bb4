"""The arguments of Keras 3's LSTM and Embedding layers that the course notes list."""

from keras import layers

lstm = layers.LSTM(
    units=32,
    activation="tanh",  # cell state and output
    recurrent_activation="sigmoid",  # (1)!
    recurrent_initializer="orthogonal",
    recurrent_regularizer=None,
    dropout=0.0,  # fraction of the inputs dropped while training
    recurrent_dropout=0.0,  # fraction of the recurrent state dropped while training
    return_sequences=False,  # (2)!
)
embedding = layers.Embedding(
    input_dim=20000,  # vocabulary size
    output_dim=128,  # length of each word's vector
    embeddings_initializer="uniform",
    mask_zero=False,  # (3)!
)
print(lstm.get_config()["recurrent_activation"], embedding.get_config()["output_dim"])
