"""Classify five kinds of flowers from a folder of photos (downloads about 220 MB)."""

import os

import keras
from keras import layers

url = "https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz"
archive_dir = keras.utils.get_file(origin=url, extract=True)  # (1)!
data_dir = os.path.join(archive_dir, "flower_photos")  # daisy/, dandelion/, roses/, ...

train_ds, val_ds = keras.utils.image_dataset_from_directory(
    data_dir, validation_split=0.2, subset="both", seed=42,
    image_size=(180, 180), batch_size=32,  # (2)!
)

model = keras.Sequential([
    keras.Input(shape=(180, 180, 3)),
    layers.RandomFlip("horizontal"),  # (3)!
    layers.RandomRotation(0.1),
    layers.RandomZoom(0.1),
    layers.Rescaling(1 / 255),
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(64, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(128, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dropout(0.3),
    layers.Dense(len(train_ds.class_names), activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=10)
model.save("flowers.keras")  # (4)!
