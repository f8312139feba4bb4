"""Transfer MobileNetV2's ImageNet features to your own photographs (downloads its weights)."""

import keras
from keras import layers

image_size = (160, 160)
train_ds, val_ds = keras.utils.image_dataset_from_directory(
    "photos", validation_split=0.2, subset="both", seed=42,
    image_size=image_size, batch_size=32)  # (1)!
n_classes = len(train_ds.class_names)

base = keras.applications.MobileNetV2(
    input_shape=image_size + (3,), include_top=False, pooling="avg",
    weights="imagenet")  # (2)!
base.trainable = False

inputs = keras.Input(shape=image_size + (3,))
x = layers.Rescaling(1 / 127.5, offset=-1)(inputs)  # [0, 255] -> [-1, 1]
x = base(x)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(n_classes, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=10)  # phase 1: the head only

base.trainable = True  # (3)!
start = [layer.name for layer in base.layers].index("block_13_expand")
for index, layer in enumerate(base.layers):
    if index < start or isinstance(layer, layers.BatchNormalization):
        layer.trainable = False
model.compile(optimizer=keras.optimizers.Adam(1e-5),  # (4)!
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=10)  # phase 2: fine-tuning
