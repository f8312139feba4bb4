"""Classify your own photograph with ResNet50 trained on ImageNet (downloads about 100 MB)."""

import numpy as np
from keras.applications.resnet50 import ResNet50, decode_predictions, preprocess_input
from keras.utils import img_to_array, load_img

model = ResNet50(weights="imagenet")  # (1)!

img = load_img("elephant.jpg", target_size=(224, 224))  # (2)!
batch = np.expand_dims(img_to_array(img), axis=0)  # (224, 224, 3) -> (1, 224, 224, 3)
batch = preprocess_input(batch)  # RGB -> BGR, minus the ImageNet channel means

probabilities = model.predict(batch, verbose=0)  # (1, 1000)
print("Predicted:", decode_predictions(probabilities, top=3)[0])  # (3)!
