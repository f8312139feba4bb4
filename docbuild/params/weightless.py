"""Layers that own no weights, each family with the reason the reference page prints.

The walker still checks each of these against ``layer.count_params()``: if a Keras
release gives one of them a weight, the build says so instead of printing 0.
Random augmentation layers hold a seed-generator state variable, but Keras does not
count it among the weights (it is not in ``layer.weights``), and neither do we.
"""

from __future__ import annotations

from .base import L, weightless

weightless("Input", "input placeholder", L.InputLayer)

weightless("Pooling", "keeps the max of each window",
           L.MaxPooling1D, L.MaxPooling2D, L.MaxPooling3D)
weightless("Pooling", "averages each window",
           L.AveragePooling1D, L.AveragePooling2D, L.AveragePooling3D)
weightless("Pooling", "keeps the max over all positions",
           L.GlobalMaxPooling1D, L.GlobalMaxPooling2D, L.GlobalMaxPooling3D)
weightless("Pooling", "averages over all positions",
           L.GlobalAveragePooling1D, L.GlobalAveragePooling2D, L.GlobalAveragePooling3D)
weightless("Pooling", "pools into a fixed number of windows, whatever the input size",
           L.AdaptiveMaxPooling1D, L.AdaptiveMaxPooling2D, L.AdaptiveMaxPooling3D,
           L.AdaptiveAveragePooling1D, L.AdaptiveAveragePooling2D, L.AdaptiveAveragePooling3D)

weightless("Reshaping", "only rearranges values",
           L.Flatten, L.Reshape, L.Permute, L.RepeatVector,
           L.ZeroPadding1D, L.ZeroPadding2D, L.ZeroPadding3D,
           L.Cropping1D, L.Cropping2D, L.Cropping3D,
           L.UpSampling1D, L.UpSampling2D, L.UpSampling3D)

weightless("Regularization", "random noise, only while training",
           L.Dropout, L.SpatialDropout1D, L.SpatialDropout2D, L.SpatialDropout3D,
           L.GaussianNoise, L.GaussianDropout, L.AlphaDropout)
weightless("Regularization", "adds a penalty on its input to the loss; passes it through",
           L.ActivityRegularization)

weightless("Activations and fixed functions", "a fixed function",
           L.Activation, L.ReLU, L.LeakyReLU, L.ELU, L.Softmax, L.Identity)
weightless("Activations and fixed functions", "skips time steps equal to mask_value",
           L.Masking)
weightless("Activations and fixed functions", "divides by the norm, nothing learned",
           L.UnitNormalization)

weightless("Merging", "combines its inputs",
           L.Add, L.Subtract, L.Multiply, L.Average, L.Maximum, L.Minimum,
           L.Concatenate, L.Dot)

weightless("Image augmentation", "a random transform, only while training (augmentation)",
           L.AugMix, L.CutMix, L.MixUp, L.RandAugment, L.RandomBrightness,
           L.RandomColorDegeneration, L.RandomColorJitter, L.RandomContrast, L.RandomCrop,
           L.RandomElasticTransform, L.RandomErasing, L.RandomFlip, L.RandomGaussianBlur,
           L.RandomGrayscale, L.RandomHue, L.RandomInvert, L.RandomPerspective,
           L.RandomPosterization, L.RandomRotation, L.RandomSaturation, L.RandomSharpness,
           L.RandomShear, L.RandomTranslation, L.RandomZoom, L.Solarization)
weightless("Image augmentation", "a fixed image operation (contrast, histogram, size)",
           L.AutoContrast, L.Equalization, L.ContrastLimitedAdaptiveHistogramEqualization,
           L.Resizing, L.CenterCrop)
weightless("Image augmentation", "multiplies by scale and adds offset, both fixed",
           L.Rescaling)
weightless("Image augmentation", "pads or truncates the bounding boxes to a fixed number",
           L.MaxNumBoundingBoxes)

weightless("Preprocessing", "lookup: the vocabulary is a table, not a Keras weight",
           L.IntegerLookup, L.StringLookup, L.TextVectorization)
weightless("Preprocessing", "hashing: a fixed hash into num_bins",
           L.Hashing, L.HashedCrossing)
weightless("Preprocessing", "bucketing: the bin boundaries are constants, not weights",
           L.Discretization)
weightless("Preprocessing", "encoding: one-hot, multi-hot or count vectors of a fixed size",
           L.CategoryEncoding)
weightless("Preprocessing", "a fixed Fourier transform and mel filter bank",
           L.MelSpectrogram)
