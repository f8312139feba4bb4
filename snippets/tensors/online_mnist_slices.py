"""Slice MNIST digits: downloads MNIST (about 11 MB) on first use, so it is shown, not run."""
import keras
import matplotlib.pyplot as plt

(train_images, train_labels), (test_images, test_labels) = keras.datasets.mnist.load_data()
print("all images:", train_images.shape)  # (60000, 28, 28), dtype uint8
print("first 100:", train_images[:100].shape)  # (100, 28, 28)
print("same slice:", train_images[:100, :28, :28].shape)

lower_right = train_images[:, 14:, 14:]  # every image, lower-right 14x14 quadrant
print("quadrants:", lower_right.shape)  # (60000, 14, 14)
plt.imshow(lower_right[10], cmap="binary")
plt.show()
