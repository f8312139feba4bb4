"""The notes' IMDB sentiment LSTM on the real reviews (downloads about 17 MB)."""

import keras
from keras import layers

max_features = 20000  # word numbers 3 to 19,999: the 19,997 most frequent words
maxlen = 80  # cut or pad every review to 80 words

(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=max_features)
x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)  # (1)!
x_test = keras.utils.pad_sequences(x_test, maxlen=maxlen)

model = keras.Sequential([
    keras.Input(shape=(maxlen,), dtype="int32"),
    layers.Embedding(max_features, 128),
    layers.LSTM(128, dropout=0.2, recurrent_dropout=0.2),  # (2)!
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=32, epochs=3, validation_data=(x_test, y_test))
print(model.evaluate(x_test, y_test, batch_size=32, return_dict=True))
