"""Every batch of a tf.data dataset is checked inside its pipeline (keras_gans.models.checks):
a bad batch anywhere in an epoch raises a ValueError naming it before a train step gets it.
The first-batch checks of each mistake are in tests/test_base.py and tests/harness.py."""

import re

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg


def _batches_with_a_bad_fifth(good, bad, signature=None):
    """Six batches of 16: the fifth is `bad`."""
    batches = [good[i * 16:(i + 1) * 16] for i in range(6)]
    batches[4] = bad
    if signature is None:
        return tf.data.Dataset.from_tensor_slices(np.stack(batches))
    return tf.data.Dataset.from_generator(lambda: iter(batches), output_signature=signature)


def _fit(variant, dataset):
    """Fits a new `variant` on `dataset`, whose fifth batch is bad; returns the message."""
    model, reference = variant(seed=0), variant(seed=0)
    model.compile()
    reference.compile()
    with pytest.raises(ValueError) as raised:
        model.fit(dataset, epochs=1, verbose=0)
    reference.fit(dataset.take(4), epochs=1, verbose=0)
    for name in model.NETWORKS:  # batches 1-4 trained, the fifth never did
        for a, b in zip(getattr(reference, name).trainable_weights,
                        getattr(model, name).trainable_weights):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    return str(raised.value)


def _bad_fifth_batches(images):
    fifth = images[64:80]
    any_size = tf.TensorSpec((None, None, None, None), tf.float32)
    return {
        "NaN": (_batches_with_a_bad_fifth(images, np.where(fifth > 0.5, np.nan, fifth)),
                r"NaN or inf"),
        "[0, 255] floats": (_batches_with_a_bad_fifth(images, (fifth + 1) * 127.5),
                            r"\[0, 255\] data: use images / 127\.5 - 1"),
        "32x32": (_batches_with_a_bad_fifth(
            images, np.pad(fifth, ((0, 0), (2, 2), (2, 2), (0, 0))), any_size),
            r"image size \(32, 32\).*resize the data"),
        "3 channels": (_batches_with_a_bad_fifth(images, np.repeat(fifth, 3, -1), any_size),
                       r"channel count 3"),
    }


@pytest.mark.parametrize("case", ["NaN", "[0, 255] floats", "32x32", "3 channels"])
def test_a_bad_fifth_batch_is_refused_naming_it_before_it_trains(case, fashion_images):
    dataset, problem = _bad_fifth_batches(fashion_images[:96])[case]
    message = _fit(kg.GAN, dataset)
    assert message.startswith("Batch 5 of the epoch was refused before any training step")
    assert re.search(problem, message), message


@pytest.mark.parametrize("bad_label", [10, -1])
def test_a_label_out_of_range_in_a_later_batch_is_refused_never_wrapped(
        bad_label, fashion_images, fashion_labels):
    labels = fashion_labels[:96].astype("int64").copy()
    labels[70] = bad_label
    dataset = tf.data.Dataset.from_tensor_slices((fashion_images[:96], labels)).batch(16)
    message = _fit(kg.CGAN, dataset)
    assert message.startswith("Batch 5 of the epoch was refused")
    if bad_label < 0:
        assert "received a negative value, -1. Class indices start at 0." in message
    else:
        assert re.search(r"must lie in \[0, 10\); received values in \[\d, 10\]", message)


def test_a_last_batch_of_one_image_under_batch_norm_is_refused_like_batch_size_1(
        fashion_images):
    dataset = tf.data.Dataset.from_tensor_slices(fashion_images[:65]).batch(16)
    message = _fit(kg.DCGAN, dataset)
    assert message.startswith("Batch 5 of the epoch was refused")
    assert "batch of one image" in message and "drop_remainder=True" in message
