"""
Classify and generate text with an LSTM
=======================================

Turn words into vectors with an Embedding layer, count the parameters of the course notes'
IMDB sentiment model, train a small LSTM on generated reviews, and predict the next word of
the Zen of Python.
"""

# %%
# ## Setup
#
# Fix every random seed so the build produces the same numbers each time. The budget
# variable lets the test suite run the same script with fewer epochs.
import os

import keras
import numpy as np

keras.utils.set_random_seed(42)
QUICK = os.environ.get("KERAS_REF_BUDGET") == "quick"  # tests run a smaller budget

# %%
# ## Embedding: from word numbers to vectors
#
# A network cannot do arithmetic on word numbers: word 12 is not "more" than word 3. An
# `Embedding` layer is a trainable lookup table with one row of `output_dim` numbers per
# word: it maps a batch of integer sequences (2-D) to a batch of vector sequences (3-D),
# which is what a recurrent layer reads.
from keras import layers

embedding = layers.Embedding(input_dim=20, output_dim=2)  # 20 words, 2 numbers each
vectors = embedding(np.array([[3, 12]]))
print("input (1, 2) -> output", tuple(vectors.shape))
print(np.round(keras.ops.convert_to_numpy(vectors)[0], 3))
table = embedding.get_weights()[0]
print("rows 3 and 12 of the table:\n", np.round(table[[3, 12]], 3))

# %%
# The output is just rows 3 and 12 of the table, which starts random and is learned with
# the rest of the network: 20 x 2 = 40 parameters, no bias.
#
# ## The notes' IMDB model
#
# The notes classify IMDB movie reviews as good or bad: the `max_features` most frequent
# words, reviews cut or padded to `maxlen` words, an `Embedding` of 128 numbers per word,
# an `LSTM(128)` and one sigmoid unit. Downloading IMDB needs the network, so here we build
# and count the model only.
max_features, maxlen = 20000, 80
imdb_model = keras.Sequential(
    [
        keras.Input(shape=(maxlen,), dtype="int32"),
        layers.Embedding(max_features, 128),
        layers.LSTM(128, dropout=0.2, recurrent_dropout=0.2),
        layers.Dense(1, activation="sigmoid"),
    ],
    name="imdb_lstm",
)
imdb_model.summary()
embedding_params, lstm_params, output_params = (
    layer.count_params() for layer in imdb_model.layers)
imdb_params = imdb_model.count_params()
embedding_share = embedding_params / imdb_params

# %%
# {{ embedding_share | .0% }} of the {{ imdb_params | , }} parameters are the embedding
# table ({{ max_features | , }} x 128 = {{ embedding_params | , }}). The LSTM adds
# 4 x 128 x (128 + 128 + 1) = {{ lstm_params | , }} and the output unit
# {{ output_params }}.
#
# ## Prepare the data
#
# In place of IMDB we generate short reviews from a small vocabulary. A review has one or
# two clauses joined by "but", and its label is the opinion of the **last** clause, which
# "not" may flip: "the plot was great but the acting was not good" is negative. Counting
# words is not enough; the order matters.
rng = np.random.default_rng(42)
nouns = ["movie", "film", "plot", "acting", "story", "cast", "ending", "music"]
good = ["good", "great", "superb", "lovely", "brilliant", "fun"]
bad = ["bad", "awful", "boring", "dull", "poor", "terrible"]
adverbs = ["", "really ", "very ", "quite "]


def clause():
    positive = rng.random() < 0.5
    negated = rng.random() < 0.3
    word = rng.choice(good if positive else bad)
    text = f"the {rng.choice(nouns)} was {'not ' if negated else ''}{rng.choice(adverbs)}{word}"
    return text, positive != negated


def review():
    text, label = clause()
    if rng.random() < 0.5:
        second, label = clause()
        text = f"{text} but {second}"
    return text, int(label)


reviews, labels = zip(*(review() for _ in range(3000)))
labels = np.array(labels)
for text, label in zip(reviews[:4], labels[:4]):
    print(label, text)

# %%
# ## Turn text into sequences
#
# `TextVectorization` replaces Keras 2's `Tokenizer`: `adapt` builds the vocabulary from the
# texts (index 0 is padding, 1 is out-of-vocabulary words), and calling the layer turns
# each text into a sequence of word numbers, padded with zeros to a fixed length.
#
# The layer runs on `tf.data`, so it needs TensorFlow installed even when Keras runs on JAX
# or PyTorch. Where TensorFlow is missing (a GPU runner with JAX alone), the function below
# does the same steps in plain Python: lower case, strip the layer's punctuation, split on
# spaces, number the words most frequent first with ties in reverse alphabetical order (the
# order `adapt` uses). Both ways give the same numbers; the tests check it.
import importlib.util
import re
from collections import Counter

PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'  # the layer's default


def text_vectorizer(texts, length):
    """Return the vocabulary and a function from texts to padded rows of word numbers."""
    if importlib.util.find_spec("tensorflow"):
        layer = layers.TextVectorization(output_sequence_length=length)
        layer.adapt(list(texts))
        vocabulary = [str(word) for word in layer.get_vocabulary()]
        return vocabulary, lambda batch: keras.ops.convert_to_numpy(layer(list(batch)))

    def split(text):
        return re.sub(PUNCTUATION, "", text.lower()).split()

    counts = Counter(word for text in texts for word in split(text))
    vocabulary = ["", "[UNK]", *sorted(counts, key=lambda w: (counts[w], w), reverse=True)]
    number = {word: i for i, word in enumerate(vocabulary)}

    def vectorize(batch):
        rows = np.zeros((len(batch), length), dtype="int64")
        for row, text in zip(rows, batch):
            ids = [number.get(word, 1) for word in split(text)][:length]
            row[: len(ids)] = ids
        return rows

    return vocabulary, vectorize


vocabulary, vectorize = text_vectorizer(reviews, length=16)
sequences = vectorize(reviews)
print("vocabulary size:", len(vocabulary), " first words:", vocabulary[:8])
print(reviews[0], "->", sequences[0])
x_train, y_train = sequences[:2400], labels[:2400]
x_test, y_test = sequences[2400:], labels[2400:]

# %%
# ## Build the model
#
# The same architecture as the IMDB model, scaled to this small vocabulary: 16 numbers per
# word and 32 LSTM units. `mask_zero=True` tells the LSTM to skip the padding zeros, so the last
# step it reads is the last word of the review.
sentiment = keras.Sequential(
    [
        keras.Input(shape=(16,), dtype="int32"),
        layers.Embedding(len(vocabulary), 16, mask_zero=True),
        layers.LSTM(32),
        layers.Dense(1, activation="sigmoid"),
    ],
    name="review_lstm",
)
sentiment.summary()

# %%
# ## Train
#
# Binary cross-entropy for a yes/no label, as in the notes, with Adam.
sentiment.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
epochs = 2 if QUICK else 8
history = sentiment.fit(x_train, y_train, epochs=epochs, batch_size=32,
                        validation_split=0.2, verbose=0)
print("val_accuracy by epoch:", np.round(history.history["val_accuracy"], 3))

# %%
# ## Evaluate
#
# Test accuracy, and the predicted probability of "positive" for reviews the model has not
# seen, including two that only differ by the order of the clauses.
scores = sentiment.evaluate(x_test, y_test, verbose=0, return_dict=True)
print({name: round(value, 3) for name, value in scores.items()})
probe = ["the film was great", "the film was not great",
         "the plot was dull but the music was lovely",
         "the music was lovely but the plot was dull"]
probe_probs = sentiment.predict(vectorize(probe), verbose=0)[:, 0].tolist()
for text, p in zip(probe, probe_probs):
    print(f"{p:.2f}  {text}")

# %%
# ## Next-word prediction: the text
#
# The notes' last LSTM predicts the next word of a sentence from the two before it. Our
# text ships with Python: the Zen of Python, which `import this` prints (we silence that)
# and stores in ROT13 in `this.s`.
import codecs
import contextlib
import io

with contextlib.redirect_stdout(io.StringIO()):
    import this
zen = codecs.decode(this.s, "rot13")
words = zen.split("\n", 2)[2].split()  # skip the title line
print(len(words), "words:", " ".join(words[:12]), "...")

# %%
# ## Next-word prediction: sequences of three words
#
# With `seq_len = 3` each line of three consecutive words gives two input words and the
# word to predict. A vectorizer adapted on the text numbers the words (lower case,
# punctuation stripped).
seq_len = 3
lines = [" ".join(words[i - seq_len:i]) for i in range(seq_len, len(words) + 1)]
vocab, words_vec = text_vectorizer(lines, length=seq_len)
vocab_size = len(vocab)
numbers = words_vec(lines)
x_words, y_words = numbers[:, :-1], numbers[:, -1]
print(len(lines), "lines; vocabulary:", vocab_size, "words")
print(lines[0], "->", numbers[0], "->", x_words[0], "predicts", y_words[0])

# %%
# ## Next-word prediction: the model
#
# The notes' architecture: an `Embedding` of 8 numbers per word, `LSTM(8)`, `Dense(8)` and
# a softmax over the whole vocabulary, one probability per possible next word. The labels
# are word numbers, so the loss is sparse categorical cross-entropy.
next_word = keras.Sequential(
    [
        keras.Input(shape=(seq_len - 1,), dtype="int32"),
        layers.Embedding(input_dim=vocab_size, output_dim=8),
        layers.LSTM(8),
        layers.Dense(8, activation="relu"),
        layers.Dense(vocab_size, activation="softmax"),
    ],
    name="next_word_lstm",
)
next_word.summary()

# %%
# ## Next-word prediction: train and generate
#
# The text is tiny, so the model can learn it by heart; that is the point of this exercise.
# Then we let it write: feed two words, append the most probable next word, slide on.
# Where two words were followed by different words in the text, it picks one, so it can
# loop.
next_word.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
epochs = 20 if QUICK else 150
history = next_word.fit(x_words, y_words, epochs=epochs, batch_size=32, verbose=0)
print("training accuracy: first epoch", round(history.history["accuracy"][0], 3),
      "last epoch", round(history.history["accuracy"][-1], 3))


def generate(first_two, n_words=10):
    out = first_two.split()
    for _ in range(n_words):
        ids = words_vec([" ".join(out[-2:])])[:, :2]
        probabilities = next_word.predict(ids, verbose=0)[0]
        probabilities[:2] = 0  # never choose padding or [UNK]
        out.append(vocab[int(np.argmax(probabilities))])
    return " ".join(out)


for start in ["beautiful is", "errors should", "namespaces are"]:
    print(generate(start))

# %%
# ## Learning curve of the next-word model
#
# Accuracy on the training lines, epoch after epoch.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(history.history["accuracy"])
ax.set(title="Next-word LSTM on the Zen of Python", xlabel="Epoch",
       ylabel="Training accuracy")
plt.show()
