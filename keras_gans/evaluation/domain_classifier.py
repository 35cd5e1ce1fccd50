"""The offline evaluator for 28x28 grey images: a small Fashion-MNIST classifier.

InceptionV3 needs weights that are downloaded and images blown up from 28 to 299 px;
for Fashion-MNIST a classifier trained on the domain itself is cheaper, offline and
(for this data) more discriminating. Its penultimate layer (`features`, 128 units after
ReLU) gives the features of the domain FID/KID; its softmax gives the Inception Score
and the per-class accuracy of conditional generators.

The network is defined here, once, and used by `scripts/train_domain_classifier.py`
(which trains it on the train split and writes the weights file) and by
`DomainClassifierExtractor` (which loads the shipped file after checking its sha256).
"""

import keras
from keras import layers

FEATURE_LAYER = "features"


def build_domain_classifier(image_shape=(28, 28, 1), num_classes=10, feature_dim=128):
    """A VGG-style CNN: images in [-1, 1] -> logits, with a named feature layer.

    conv32 -> pool -> conv64, conv64 -> pool -> conv128 -> flatten -> dense(128, ReLU)
    ("features") -> dropout -> dense(num_classes) logits. Batch norm after every
    convolution; about 0.93 M parameters, ~15 M multiply-adds per 28x28 image.

    Args:
        image_shape: tuple `(height, width, channels)`, defaults to `(28, 28, 1)`.
        num_classes: int, defaults to 10.
        feature_dim: int, width of the feature layer, defaults to 128.

    Returns:
        A functional `keras.Model` named "domain_classifier" returning logits.
    """
    images = keras.Input(image_shape, name="images")
    x = images
    for filters, convolutions in ((32, 1), (64, 2), (128, 1)):
        for _ in range(convolutions):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            x = layers.ReLU()(x)
        if filters < 128:
            x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.3)(x)
    x = layers.Dense(feature_dim, activation="relu", name=FEATURE_LAYER)(x)
    x = layers.Dropout(0.3)(x)
    logits = layers.Dense(num_classes, name="logits", dtype="float32")(x)
    return keras.Model(images, logits, name="domain_classifier")
