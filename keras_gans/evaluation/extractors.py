"""Feature extractors for FID / KID / IS: pluggable, each saying what it computes.

The protocol (also in docs/evaluation.md). An extractor is an object with:

- `name`: str, short identifier, e.g. `"domain_fashion_mnist"`;
- `feature_dim`: int;
- `num_classes`: int, or `None` if it is not a classifier (then no Inception Score and
  no per-class accuracy);
- `preprocessing`: str, a description of every step from the input images to the
  network (resize, channels, value range), part of the statistics cache key;
- `fingerprint()`: str, a digest of the weights, part of the cache key, so that
  statistics computed by other weights are never reused;
- `extract(images)`: for a float32 batch `(n, H, W, C)` in [-1, 1], returns
  `(features, probabilities)`: float32 `(n, feature_dim)` and, for a classifier,
  float32 softmax `(n, num_classes)` (else `None`).

`KerasFeatureExtractor` implements it for any Keras model with two outputs
(features, logits-or-probabilities); the three extractors below are such models.
"""

import hashlib
import os

import keras
import numpy as np

from keras_gans.evaluation.domain_classifier import FEATURE_LAYER, build_domain_classifier
from keras_gans.io_utils import sha256_of

WEIGHTS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "weights")

# The shipped domain classifiers: trained by scripts/train_domain_classifier.py on the
# train split; `test_accuracy` measured on the whole test split. The sha256 is checked
# at every load.
DOMAIN_CLASSIFIERS = {
    "fashion_mnist": {
        "file": "fashion_mnist_classifier.npz",
        "sha256": "85f5925a1fbc129fd3df97577b382b99a0a2320a9c58066774e7c7be66140e62",
        "test_accuracy": 0.9243,  # 9243 / 10000 test images
        "image_shape": (28, 28, 1),
        "num_classes": 10,
        "command": "python scripts/train_domain_classifier.py --dataset fashion_mnist "
        "--out keras_gans/weights/fashion_mnist_classifier.npz",
    },
}


def weights_fingerprint(model):
    """sha256 over every weight of `model` (shapes, dtypes and values), in order."""
    digest = hashlib.sha256()
    for weight in model.weights:
        value = np.ascontiguousarray(weight.numpy())
        digest.update(f"{weight.path}:{value.shape}:{value.dtype};".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()


class KerasFeatureExtractor:
    """An extractor from a Keras model `images -> [features, head]`.

    Args:
        model: a `keras.Model` taking the *preprocessed* batch and returning
            `[features, head]`; `head` is logits (`head="logits"`), softmax
            probabilities (`head="probabilities"`) or absent (`head=None`, the model
            returns the features alone).
        name: str, identifier used in the cache key.
        preprocessing: str, description of `preprocess` (cache key, docs).
        head: `"logits"`, `"probabilities"` or `None`.
        fingerprint: str or None. A known digest of the weights (e.g. a file's
            sha256); `None` hashes the weights on first use.
        batch_size: int, images per forward pass, defaults to 500.
    """

    def __init__(self, model, name, preprocessing, head="logits", fingerprint=None,
                 batch_size=500):
        if head not in ("logits", "probabilities", None):
            raise ValueError(
                "Unknown head. Expected 'logits', 'probabilities' or None. "
                f"Received: head={head!r}"
            )
        self.model = model
        self.name = name
        self.preprocessing = preprocessing
        self.head = head
        self.batch_size = int(batch_size)
        self._fingerprint = fingerprint
        outputs = model.outputs if head is not None else [model.outputs[0]]
        self.feature_dim = int(outputs[0].shape[-1])
        self.num_classes = int(outputs[1].shape[-1]) if head is not None else None
        self._forward = None

    def fingerprint(self):
        if self._fingerprint is None:
            self._fingerprint = weights_fingerprint(self.model)
        return self._fingerprint

    def preprocess(self, images):
        """Float32 images in [-1, 1] -> the network's input. Identity by default."""
        return images

    def check_images(self, images):
        images = np.asarray(images)
        if images.ndim != 4 or not np.issubdtype(images.dtype, np.floating):
            raise ValueError(
                f"{self.name} expects float images (n, height, width, channels) in "
                f"[-1, 1]. Received dtype {images.dtype}, shape {images.shape}."
            )
        return images.astype("float32", copy=False)

    def extract(self, images):
        """`(features, probabilities or None)` for float32 images in [-1, 1]."""
        import tensorflow as tf

        images = self.check_images(images)
        if self._forward is None:
            # One traced function; inference mode (batch norm uses moving stats).
            self._forward = tf.function(
                lambda x: self.model(self.preprocess(x), training=False),
                reduce_retracing=True,
            )
        features, heads = [], []
        for start in range(0, images.shape[0], self.batch_size):
            outputs = self._forward(tf.constant(images[start : start + self.batch_size]))
            if self.head is None:
                outputs = [outputs[0] if isinstance(outputs, (list, tuple)) else outputs]
            features.append(np.asarray(outputs[0], dtype=np.float32))
            if self.head is not None:
                head = np.asarray(outputs[1], dtype=np.float64)
                if self.head == "logits":
                    head = np.exp(head - head.max(axis=1, keepdims=True))
                    head /= head.sum(axis=1, keepdims=True)
                heads.append(head.astype(np.float32))
        features = np.concatenate(features).reshape(images.shape[0], -1)
        probabilities = np.concatenate(heads) if heads else None
        return features, probabilities

    def __call__(self, images):
        return self.extract(images)[0]


class DomainClassifierExtractor(KerasFeatureExtractor):
    """The offline default for 28x28 grey data: a classifier trained on the domain.

    Features are the 128-unit penultimate layer (after ReLU), probabilities its
    softmax. Preprocessing: none; images go in as float32 in [-1, 1] at 28x28x1,
    the range the classifier was trained on (uint8 / 127.5 - 1).

    Args:
        dataset: str, a key of `DOMAIN_CLASSIFIERS`, defaults to `"fashion_mnist"`.
        weights_path: str or None. Another weights file (`.npz` written by
            `scripts/train_domain_classifier.py`); `None` uses the shipped one.
        sha256: str or None. Expected digest of `weights_path` (the shipped file's
            is always checked).
        batch_size: int, defaults to 500.
    """

    def __init__(self, dataset="fashion_mnist", weights_path=None, sha256=None,
                 batch_size=500):
        if dataset not in DOMAIN_CLASSIFIERS:
            raise ValueError(
                f"No domain classifier for this dataset. Expected one of "
                f"{sorted(DOMAIN_CLASSIFIERS)}. Received: dataset={dataset!r}"
            )
        spec = DOMAIN_CLASSIFIERS[dataset]
        if weights_path is None:
            weights_path = os.path.join(WEIGHTS_DIR, spec["file"])
            sha256 = spec["sha256"]
        if not os.path.isfile(weights_path):
            raise ValueError(
                f"The domain classifier's weights file is missing: {weights_path!r}. "
                f"Train it with: {spec['command']}"
            )
        actual = sha256_of(weights_path)
        if sha256 is not None and actual != sha256:
            raise ValueError(
                f"The weights file {weights_path!r} has sha256 {actual}, expected "
                f"{sha256}: it is corrupt or not the file these numbers refer to."
            )
        with np.load(weights_path) as stored:
            weights = [stored[key] for key in sorted(stored.files)]
        classifier = build_domain_classifier(
            spec["image_shape"], num_classes=spec["num_classes"]
        )
        try:
            classifier.set_weights(weights)
        except ValueError as error:
            raise ValueError(
                f"{weights_path!r} does not fit the domain classifier's "
                f"architecture: {error}"
            ) from error
        model = keras.Model(
            classifier.inputs,
            [classifier.get_layer(FEATURE_LAYER).output, classifier.outputs[0]],
            name=f"domain_{dataset}_features",
        )
        super().__init__(
            model,
            name=f"domain_{dataset}",
            preprocessing="float32 [-1, 1] = uint8 / 127.5 - 1, 28x28x1, no resize",
            head="logits",
            fingerprint=actual,
            batch_size=batch_size,
        )
        self.dataset = dataset
        self.image_shape = tuple(spec["image_shape"])
        self.weights_path = weights_path

    def check_images(self, images):
        images = super().check_images(images)
        if tuple(images.shape[1:]) != self.image_shape:
            raise ValueError(
                f"The {self.dataset} domain classifier takes images of shape "
                f"{self.image_shape}. Received {tuple(images.shape[1:])}; use "
                "extractor='inception_v3' for other image sizes."
            )
        return images


INCEPTION_SIZE = 299


class InceptionV3Extractor(KerasFeatureExtractor):
    """InceptionV3 from `keras.applications`: 2048-d pool features and 1000-way softmax.

    Preprocessing: grey images tiled to 3 channels; resized bilinearly (no
    antialiasing) to 299x299 in float32; values stay in [-1, 1], which is Keras's
    `inception_v3.preprocess_input` range.

    These are Keras's ImageNet weights, *not* the 2015 TensorFlow graph
    (`classify_image_graph_def.pb`) that TTUR, TF-GAN and the papers' FID numbers use;
    the features differ, so FIDs from this extractor compare only with other FIDs
    from this extractor, never with published numbers.

    Args:
        weights: `"imagenet"` (downloaded by Keras on first use, to
            `~/.keras/models/`), `None` (random, for tests) or a weights file path.
        model: a Keras model to use instead (images `(n, 299, 299, 3)` ->
            `[features, probabilities]`), e.g. in tests.
        batch_size: int, defaults to 50.
    """

    def __init__(self, weights="imagenet", model=None, batch_size=50):
        if model is None:
            network = _inception_v3(weights)
            model = keras.Model(
                network.inputs,
                [network.get_layer("avg_pool").output, network.outputs[0]],
                name="inception_v3_features",
            )
        super().__init__(
            model,
            name="inception_v3_keras",
            preprocessing="float32 [-1, 1]; grey tiled to 3 channels; bilinear resize "
            "to 299x299 without antialiasing",
            head="probabilities",
            batch_size=batch_size,
        )

    def preprocess(self, images):
        import tensorflow as tf

        if images.shape[-1] == 1:
            images = tf.tile(images, [1, 1, 1, 3])
        return tf.image.resize(
            images, (INCEPTION_SIZE, INCEPTION_SIZE), method="bilinear", antialias=False
        )

    def check_images(self, images):
        images = super().check_images(images)
        if images.shape[-1] not in (1, 3):
            raise ValueError(
                "InceptionV3 takes grey (1 channel) or RGB (3 channels) images. "
                f"Received {images.shape[-1]} channels."
            )
        return images


# Keras's file name for InceptionV3's ImageNet weights (with the top), in its cache.
INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"


def _inception_v3(weights):
    """`keras.applications.InceptionV3`; a failed download of its ImageNet weights
    becomes a `ValueError` that says how to provide them."""
    try:
        return keras.applications.InceptionV3(
            include_top=True, weights=weights, classifier_activation="softmax"
        )
    except Exception as error:  # Keras's get_file raises a bare Exception
        if weights != "imagenet" or "fetch failure" not in str(error).lower():
            raise
        cache = os.path.join(os.environ.get("KERAS_HOME") or os.path.expanduser(
            os.path.join("~", ".keras")), "models")
        raise ValueError(
            "The inception_v3 extractor needs InceptionV3's ImageNet weights, and "
            f"they could not be downloaded ({error}). On an offline machine, copy "
            f"{INCEPTION_WEIGHTS_FILE} (from a machine where Keras downloaded it, or "
            "from storage.googleapis.com/tensorflow/keras-applications/inception_v3/) "
            f"into {cache}/, or use the domain extractor (--extractor domain, "
            "extractor='domain') for Fashion-MNIST-like 28x28 grey images."
        ) from error


class Inception2015GraphExtractor:
    """The 2015 Inception graph of TTUR and TF-GAN, from a file the user provides.

    `classify_image_graph_def.pb` (inside `inception-2015-12-05.tgz`, the network the
    FID paper and most published FIDs use; not shipped or downloaded here). Images
    are mapped from [-1, 1] to [0, 255] floats, grey is tiled to 3 channels, and the
    batch is fed to the graph's `ExpandDims:0` tensor, as TTUR does: the graph's own
    `ResizeBilinear` to 299x299 and (x - 128) / 128 then run exactly as in the papers.
    Features are `pool_3:0` (2048-d). No Inception Score: the graph's softmax head
    reshapes to a batch of 1.

    Caveat: checked here only with a small synthetic graph that has the same tensor
    names (the real file is not available offline); compare one number with TTUR's
    before relying on it.

    Args:
        path: str, the `.pb` GraphDef file.
        sha256: str or None, the file's expected digest.
        batch_size: int, defaults to 50.
    """

    INPUT = "ExpandDims:0"
    FEATURES = "pool_3:0"

    def __init__(self, path, sha256=None, batch_size=50):
        import tensorflow as tf

        path = os.fspath(path)
        if not os.path.isfile(path):
            raise ValueError(
                f"No such Inception graph file: {path!r}. Download "
                "inception-2015-12-05.tgz (TTUR / TF-GAN) and pass the path of "
                "classify_image_graph_def.pb."
            )
        actual = sha256_of(path)
        if sha256 is not None and actual != sha256:
            raise ValueError(f"{path!r} has sha256 {actual}, expected {sha256}.")
        graph_def = tf.compat.v1.GraphDef()
        with open(path, "rb") as file:
            graph_def.ParseFromString(file.read())

        def features(images):
            # input_map replaces the graph's (1, H, W, 3) input by a batch of any size.
            (pool,) = tf.compat.v1.import_graph_def(
                graph_def, input_map={self.INPUT: images},
                return_elements=[self.FEATURES], name="inception_2015",
            )
            return pool

        self._function = tf.compat.v1.wrap_function(
            features, [tf.TensorSpec([None, None, None, 3], tf.float32)]
        )
        self.name = "inception_2015_graph"
        self.feature_dim = int(self._function.outputs[0].shape[-1])
        self.num_classes = None
        self.preprocessing = (
            "[-1, 1] -> [0, 255] float; grey tiled to 3 channels; fed to ExpandDims:0 "
            "(the graph resizes bilinearly to 299 and maps (x - 128) / 128)"
        )
        self.batch_size = int(batch_size)
        self.path = path
        self._fingerprint = actual

    def fingerprint(self):
        return self._fingerprint

    def extract(self, images):
        import tensorflow as tf

        images = np.asarray(images, dtype=np.float32)
        if images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise ValueError(
                "The Inception graph takes float images (n, height, width, 1 or 3) in "
                f"[-1, 1]. Received shape {images.shape}."
            )
        if images.shape[-1] == 1:
            images = np.repeat(images, 3, axis=-1)
        pixels = (images + 1.0) * 127.5
        features = [
            np.asarray(self._function(tf.constant(pixels[start : start + self.batch_size])))
            for start in range(0, pixels.shape[0], self.batch_size)
        ]
        return np.concatenate(features).reshape(images.shape[0], -1), None

    def __call__(self, images):
        return self.extract(images)[0]


def get(extractor="auto", dataset="fashion_mnist"):
    """An extractor from a name, or `extractor` itself if it is already one.

    Args:
        extractor: `"auto"` (the domain classifier when `dataset` has one, else
            InceptionV3), `"domain"`, `"inception_v3"`,
            `"inception_2015:<path of classify_image_graph_def.pb>"`, or an object
            following the protocol above.
        dataset: str, the reference dataset (chooses the domain classifier).
    """
    if not isinstance(extractor, str):
        missing = [
            attribute
            for attribute in ("name", "feature_dim", "num_classes", "preprocessing",
                              "fingerprint", "extract")
            if not hasattr(extractor, attribute)
        ]
        if missing:
            raise ValueError(
                f"The extractor lacks {missing}; see the protocol in "
                f"keras_gans/evaluation/extractors.py. Received: {extractor!r}"
            )
        return extractor
    key = extractor.lower().replace("-", "_")
    if key == "auto":
        key = "domain" if dataset in DOMAIN_CLASSIFIERS else "inception_v3"
    if key == "domain":
        return DomainClassifierExtractor(dataset)
    if key in ("inception", "inception_v3"):
        return InceptionV3Extractor()
    if key.startswith("inception_2015:"):
        return Inception2015GraphExtractor(extractor.split(":", 1)[1])
    raise ValueError(
        "Unknown extractor. Expected 'auto', 'domain', 'inception_v3', "
        "'inception_2015:/path/to/classify_image_graph_def.pb' or an extractor "
        f"object. Received: extractor={extractor!r}"
    )
