"""Each variant's own measure, beside FID: what a translator or an encoder is for.

- `translation_measures(cyclegan)`: how often the shipped Fashion-MNIST classifier
  assigns a translated test image to the target class, and the cycle L1 error;
- `encoder_probe(bigan)`: test accuracy of a linear classifier and of 1-nearest
  neighbour on the encoder's features E(x), beside the same probes on raw pixels;
- `class_diversity(cgan)`: how varied a conditional generator's images of one class
  are, against real test images of that class, in the classifier's feature space.

Both run on the Fashion-MNIST test split (probes fit on the training split), so the
zoo's table, scripts/measure_*.py and a user's own run report the same quantities.
(CGAN's per-class accuracy, `class_accuracy_<k>`, comes with `Evaluator.evaluate`.)
"""

import keras
import numpy as np

SNEAKER, BOOT = 7, 9  # Fashion-MNIST classes of the sneaker <-> ankle boot pair


def _scaled(images):
    return images.astype("float32") / 127.5 - 1.0


def translation_measures(model, classes=(SNEAKER, BOOT), classifier=None, use_ema=True):
    """Translation accuracy and cycle error of a CycleGAN on Fashion-MNIST test images.

    Args:
        model: a `kg.CycleGAN` translating class `classes[0]` (domain A) to
            `classes[1]` (domain B) and back.
        classes: the two Fashion-MNIST labels, defaults to (sneaker, ankle boot).
        classifier: optional `kg.evaluation.DomainClassifierExtractor`.
        use_ema: bool, defaults to True: the generators' moving averages where the
            model keeps them (`translate`'s default); False: the trained generators.

    Returns:
        dict: `a_to_b_accuracy` (share of G(a) classified as B), `b_to_a_accuracy`,
        the floors `a_inputs_as_b` and `b_inputs_as_a` (the untranslated inputs
        classified as the target), `cycle_l1_a` = mean |F(G(a)) - a| per pixel on
        the [-1, 1] scale, `cycle_l1_b`, `identity_l1_a` = mean |F(a) - a|, and
        the counts.
    """
    from keras_gans.data import load_arrays
    from keras_gans.evaluation.extractors import DomainClassifierExtractor

    classifier = classifier or DomainClassifierExtractor("fashion_mnist")
    images, labels = load_arrays("fashion_mnist", split="test")
    images = _scaled(images)
    domain_a, domain_b = images[labels == classes[0]], images[labels == classes[1]]

    def share(batch, label):
        return float(np.mean(classifier.extract(batch)[1].argmax(axis=1) == label))

    def translate(images, direction):
        return model.translate(images, direction, use_ema=use_ema)

    fake_b = translate(domain_a, "a_to_b")
    fake_a = translate(domain_b, "b_to_a")
    return {
        "a_to_b_accuracy": share(fake_b, classes[1]),
        "b_to_a_accuracy": share(fake_a, classes[0]),
        "a_inputs_as_b": share(domain_a, classes[1]),
        "b_inputs_as_a": share(domain_b, classes[0]),
        "cycle_l1_a": float(np.mean(np.abs(translate(fake_b, "b_to_a") - domain_a))),
        "cycle_l1_b": float(np.mean(np.abs(translate(fake_a, "a_to_b") - domain_b))),
        "identity_l1_a": float(np.mean(np.abs(translate(domain_a, "b_to_a") - domain_a))),
        "num_a": int(len(domain_a)),
        "num_b": int(len(domain_b)),
    }


def translation_grid(model, classes=(SNEAKER, BOOT), columns=8):
    """Rows: a, G(a), F(G(a)), b, F(b), G(F(b)) for the first test images of each class."""
    from keras_gans.data import load_arrays

    images, labels = load_arrays("fashion_mnist", split="test")
    images = _scaled(images)
    a = images[labels == classes[0]][:columns]
    b = images[labels == classes[1]][:columns]
    fake_b, fake_a = model.translate(a, "a_to_b"), model.translate(b, "b_to_a")
    return np.concatenate([a, fake_b, model.translate(fake_b, "b_to_a"),
                           b, fake_a, model.translate(fake_a, "a_to_b")])


def linear_probe_accuracy(train_x, train_y, test_x, test_y, epochs=30, seed=0):
    """Softmax regression on standardized features (Adam 1e-3, batch 256); test accuracy."""
    mean, std = train_x.mean(0), train_x.std(0) + 1e-6
    keras.utils.set_random_seed(seed)
    classifier = keras.Sequential(
        [keras.Input(train_x.shape[1:]), keras.layers.Dense(int(train_y.max()) + 1)]
    )
    classifier.compile(keras.optimizers.Adam(1e-3),
                       keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                       metrics=["accuracy"],
                       # The same steps in the same order, 64 per call: 2.2x faster
                       # (the per-step overhead of `fit` outweighed the small matmul).
                       steps_per_execution=64)
    classifier.fit((train_x - mean) / std, train_y, batch_size=256, epochs=epochs, verbose=0)
    return float(classifier.evaluate((test_x - mean) / std, test_y, verbose=0)[1])


def nearest_neighbour_accuracy(train_x, train_y, test_x, test_y, chunk=1000):
    """1-nearest-neighbour test accuracy under cosine distance (BiGAN's Table 1)."""

    def unit(x):
        x = x.astype("float32")
        return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-8)

    train_x, test_x = unit(train_x), unit(test_x)
    predictions = [train_y[np.argmax(test_x[i : i + chunk] @ train_x.T, axis=1)]
                   for i in range(0, len(test_x), chunk)]
    return float(np.mean(np.concatenate(predictions) == test_y))


def encoder_probe(model, with_pixels=True, with_untrained=True, classifier=None):
    """How much class information a BiGAN's encoder features E(x) carry.

    Args:
        model: a `kg.BiGAN` (anything with `encode(images)` and `reconstruct`).
        with_pixels: bool, defaults to True: also the same probes on raw pixels.
        with_untrained: bool, defaults to True: also the same probes on the encoder
            this model started from (`from_config` of its config, whose seed gives the
            same initial weights): what training added.
        classifier: optional `kg.evaluation.DomainClassifierExtractor`.

    Returns:
        dict: `linear_on_encoder`, `nn1_on_encoder` (test accuracy, probes fit on the
        60,000 training images), `reconstruction_l1` = mean |G(E(x)) - x| on the test
        images, `reconstruction_keeps_class` = how often the shipped classifier assigns
        G(E(x)) to x's label (`test_images_classified_right`: the same for x itself,
        the ceiling); with `with_pixels` `linear_on_pixels`, `nn1_on_pixels`; with
        `with_untrained` `linear_on_untrained_encoder`, `nn1_on_untrained_encoder`.
    """
    from keras_gans.data import load_arrays
    from keras_gans.evaluation.extractors import DomainClassifierExtractor

    classifier = classifier or DomainClassifierExtractor("fashion_mnist")
    train_x, train_y = load_arrays("fashion_mnist", split="train")
    test_x, test_y = load_arrays("fashion_mnist", split="test")
    train_x, test_x = _scaled(train_x), _scaled(test_x)

    def probes(features_of, name):
        train_f, test_f = features_of(train_x), features_of(test_x)
        return {f"linear_on_{name}": linear_probe_accuracy(train_f, train_y, test_f, test_y),
                f"nn1_on_{name}": nearest_neighbour_accuracy(train_f, train_y, test_f, test_y)}

    results = {**probes(model.encode, "encoder"),
               **reconstruction_measures(model, classifier, (test_x, test_y))}
    if with_untrained:
        untrained = type(model).from_config(model.get_config())
        results.update(probes(lambda x: untrained.encode(x, use_ema=False), "untrained_encoder"))
    if with_pixels:
        results.update(probes(lambda x: x.reshape(len(x), -1), "pixels"))
    return results


def reconstruction_measures(model, classifier=None, test_data=None):
    """How well a BiGAN's G(E(x)) gives x back, on the Fashion-MNIST test images.

    Args:
        model: anything with `reconstruct(images)` (a `kg.BiGAN`).
        classifier: optional `kg.evaluation.DomainClassifierExtractor`.
        test_data: optional `(images in [-1, 1], labels)`; defaults to the test split.

    Returns:
        dict: `reconstruction_l1` = mean |G(E(x)) - x|, `reconstruction_keeps_class` =
        how often the shipped classifier assigns G(E(x)) to x's label, and
        `test_images_classified_right`: the same for x itself (the ceiling).
    """
    from keras_gans.data import load_arrays
    from keras_gans.evaluation.extractors import DomainClassifierExtractor

    classifier = classifier or DomainClassifierExtractor("fashion_mnist")
    if test_data is None:
        images, labels = load_arrays("fashion_mnist", split="test")
        test_data = (_scaled(images), labels)
    test_x, test_y = test_data

    def classified_right(images):
        return float(np.mean(classifier.extract(images)[1].argmax(axis=1) == test_y))

    reconstructions = model.reconstruct(test_x)
    return {
        "reconstruction_l1": float(np.mean(np.abs(reconstructions - test_x))),
        "reconstruction_keeps_class": classified_right(reconstructions),
        "test_images_classified_right": classified_right(test_x),
    }


def mean_pairwise_distance(features):
    """Mean Euclidean distance over the n(n - 1) / 2 pairs of rows of `features`."""
    features = np.asarray(features, dtype=np.float64)
    count = len(features)
    if count < 2:
        raise ValueError(f"Pairwise distances need at least 2 rows. Received: {count}")
    squared = np.sum(features**2, axis=1)
    gram = features @ features.T
    distances = np.sqrt(np.maximum(squared[:, None] + squared[None, :] - 2 * gram, 0.0))
    return float(distances[np.triu_indices(count, k=1)].mean())


def class_diversity(model, num_per_class=200, seed=0, extractor=None, dataset="fashion_mnist"):
    """Within-class diversity of a conditional generator, relative to real images.

    For each class k: the mean pairwise distance between the domain classifier's
    features (its 128-unit penultimate layer, as for the domain FID) of
    `num_per_class` images generated for k, divided by the same for the first
    `num_per_class` real test images of class k. About 1: as varied as the data; 0:
    one image per class whatever z (mode collapse within the class; per-class
    accuracy cannot see it). The generated images are quantized to 256 levels
    first, as `Evaluator` does. Ours, after the LPIPS distance between random pairs
    of samples that BicycleGAN (Zhu et al. 2017) reports as diversity: the
    classifier's features instead of LPIPS, and the real class as the unit.

    Args:
        model: a conditional generator with `num_classes` and
            `generate(labels=..., seed=...)` (a `kg.CGAN`).
        num_per_class: int >= 2, defaults to 200 (Fashion-MNIST's test split has
            1,000 per class).
        seed: int, defaults to 0; class k's latent vectors are drawn with seed + k.
        extractor: optional `kg.evaluation.DomainClassifierExtractor`.
        dataset: str, defaults to `"fashion_mnist"`: the real images and classifier.

    Returns:
        dict: `class_diversity_<k>` for each class, `class_diversity` (their mean),
        `class_diversity_min` and `num_per_class`.
    """
    from keras_gans.data import load_arrays
    from keras_gans.evaluation.evaluator import quantize
    from keras_gans.evaluation.extractors import DomainClassifierExtractor

    extractor = extractor or DomainClassifierExtractor(dataset)
    images, labels = load_arrays(dataset, split="test")
    results = {}
    for label in range(int(model.num_classes)):
        real = _scaled(images[labels == label][:num_per_class])
        if len(real) < max(num_per_class, 2):
            raise ValueError(
                f"The {dataset} test split has {len(real)} images of class {label}; "
                f"num_per_class={num_per_class!r} must be between 2 and that."
            )
        fake = model.generate(labels=np.full(len(real), label), seed=seed + label)
        fake_spread = mean_pairwise_distance(extractor.extract(quantize(fake))[0])
        real_spread = mean_pairwise_distance(extractor.extract(real)[0])
        results[f"class_diversity_{label}"] = fake_spread / real_spread
    ratios = list(results.values())
    results.update(
        class_diversity=float(np.mean(ratios)), class_diversity_min=float(np.min(ratios)),
        num_per_class=int(num_per_class),
    )
    return results


MEASURES = {
    "translation": translation_measures,
    "encoder_probe": encoder_probe,
    "class_diversity": class_diversity,
}
