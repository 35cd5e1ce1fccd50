"""Every batch given to fit is checked before a train step takes it
(keras_gans.models.checks): a bad batch anywhere in an epoch of a tf.data dataset, of
NumPy arrays or of a keras.utils.PyDataset raises a ValueError naming it, and nothing
of it trains (weights, step counter and optimizer iterations stay as after the batches
before it). The first-batch checks of each mistake are in tests/test_base.py and
tests/harness.py."""

import functools
import hashlib
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

KINDS = ["tf.data", "arrays", "PyDataset"]
# How a refused fifth batch is named: its place in the epoch, or the PyDataset's index.
FIFTH = {"tf.data": "Batch 5 of the epoch", "arrays": "Batch 5 of the epoch",
         "PyDataset": "The PyDataset's batch dataset[4]"}


class _Batches(keras.utils.PyDataset):
    def __init__(self, batches):
        super().__init__()
        self.batches = batches

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        return self.batches[index]


def _fit_input(kind, batches):
    """`fit`'s arguments giving `batches` (arrays, or tuples of them) in order as `kind`."""
    if kind == "PyDataset":  # Keras shuffles its batches unless told not to
        return {"x": _Batches(batches), "shuffle": False}
    parts = list(zip(*batches)) if isinstance(batches[0], tuple) else [batches]
    if kind == "arrays":
        arrays = [np.concatenate(part) for part in parts]
        return {"x": arrays[0], "y": arrays[1] if len(arrays) > 1 else None,
                "batch_size": len(batches[0][0] if len(parts) > 1 else batches[0]),
                "shuffle": False}
    # A generator with unknown shapes, so that batches of any shape can follow (and the
    # reference, fitted on the first four, runs the same graph).
    images = tf.TensorSpec((None, None, None, None), tf.float32)
    signature = (images, tf.TensorSpec((None,), tf.int64)) if len(parts) > 1 else images
    return {"x": tf.data.Dataset.from_generator(lambda: iter(batches),
                                                output_signature=signature)}


def _fit(variant, kind, batches):
    """Fits a new `variant` on `batches` as `kind`, whose fifth is bad; returns the message
    after checking that the model is exactly as if fitted on the first four alone."""
    model = variant(seed=0)
    model.compile()
    with pytest.raises(ValueError) as raised:
        model.fit(**_fit_input(kind, batches), epochs=1, verbose=0)
    reference = _reference(variant, kind, batches[:4])
    assert int(model.step_counter.numpy()) == int(reference.step_counter.numpy()) == 4
    for name, optimizer in model.inner_optimizers().items():
        assert int(optimizer.iterations.numpy()) == int(
            reference.inner_optimizers()[name].iterations.numpy()) > 0, name
    # Batches 1-4 trained, the fifth never did. (A PyDataset's batches have an unknown
    # batch size in the graph, which may sum in another order: 1e-7 apart, while a
    # step moves the weights by ~1e-3.)
    for name in model.NETWORKS:
        for a, b in zip(getattr(reference, name).trainable_weights,
                        getattr(model, name).trainable_weights):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=0, atol=1e-6,
                                       err_msg=a.path)
    return str(raised.value)


_REFERENCES = {}


def _reference(variant, kind, batches):
    """A new `variant` fitted on `batches` as `kind`: once per test process for the
    same variant, kind and data (the cases of a test share their first four batches)."""
    arrays = [np.asarray(part) for batch in batches
              for part in (batch if isinstance(batch, tuple) else (batch,))]
    key = (repr(variant), kind, hashlib.sha256(b"".join(a.tobytes() for a in arrays)).digest())
    if key not in _REFERENCES:
        reference = variant(seed=0)
        reference.compile()
        reference.fit(**_fit_input(kind, batches), epochs=1, verbose=0)
        _REFERENCES[key] = reference
    return _REFERENCES[key]


def _six_batches(good, fifth):
    batches = [good[i * 16:(i + 1) * 16] for i in range(6)]
    batches[4] = fifth
    return batches


BAD_FIFTH = {  # the fifth batch, and what the message says
    "NaN": (lambda fifth: np.where(fifth > 0.5, np.nan, fifth), r"NaN or inf"),
    "[0, 255] floats": (lambda fifth: (fifth + 1) * 127.5,
                        r"\[0, 255\] data: use images / 127\.5 - 1"),
    "32x32": (lambda fifth: np.pad(fifth, ((0, 0), (2, 2), (2, 2), (0, 0))),
              r"image size \(32, 32\).*resize the data"),
    "3 channels": (lambda fifth: np.repeat(fifth, 3, -1), r"channel count 3"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(BAD_FIFTH))
def test_a_bad_fifth_batch_is_refused_naming_it_before_it_trains(case, kind, fashion_images):
    if kind == "arrays" and case in ("32x32", "3 channels"):
        pytest.skip("one array has one image shape")
    make_bad, problem = BAD_FIFTH[case]
    images = fashion_images[:96]
    message = _fit(kg.GAN, kind, _six_batches(images, make_bad(images[64:80])))
    assert message.startswith(f"{FIFTH[kind]} was refused before any training step on it")
    assert re.search(problem, message), message


@pytest.mark.parametrize("kind, architecture", [(kind, "dcgan") for kind in KINDS]
                         + [("tf.data", "mlp")])  # an embedding, or a one-hot
@pytest.mark.parametrize("bad_label", [10, -1])
def test_a_label_out_of_range_in_a_later_batch_is_refused_never_wrapped(
        bad_label, kind, architecture, fashion_images, fashion_labels):
    labels = fashion_labels[:96].astype("int64").copy()
    labels[70] = bad_label
    batches = [(fashion_images[i:i + 16], labels[i:i + 16]) for i in range(0, 96, 16)]
    message = _fit(functools.partial(kg.CGAN, architecture=architecture), kind, batches)
    assert message.startswith(f"{FIFTH[kind]} was refused")
    if bad_label < 0:
        assert "received a negative value, -1. Class indices start at 0." in message
    else:
        assert re.search(r"must lie in \[0, 10\); received values in \[\d, 10\]", message)


@pytest.mark.parametrize("kind", KINDS)
def test_a_last_batch_of_one_image_under_batch_norm_is_refused_like_batch_size_1(
        kind, fashion_images):
    images = fashion_images[:65]
    batches = [images[i:i + 16] for i in range(0, 65, 16)]
    message = _fit(kg.DCGAN, kind, batches)
    assert message.startswith(f"{FIFTH[kind]} was refused")
    assert "batch of one image" in message and "drop_remainder=True" in message


def _folder_of_pngs(folder, images):
    folder.mkdir(exist_ok=True)
    for index, image in enumerate(images):
        pixels = np.round((image + 1) * 127.5).astype("uint8")
        tf.io.write_file(str(folder / f"{index:04d}.png"), tf.io.encode_png(pixels))
    return folder


DAMAGED_FILES = {  # what the 71st file holds instead, and what the message says
    "truncated": (lambda whole: whole[:len(whole) // 2],
                  "It is empty, truncated or not a PNG, JPEG, GIF or BMP file. Copy it "
                  "again, or delete it from the folder."),
    "empty": (lambda whole: b"", "It is empty, truncated"),
    "not an image": (lambda whole: b"<html>Not found</html>", "It is empty, truncated"),
    "another size": (lambda whole: tf.io.encode_png(np.zeros((32, 32, 1), "uint8")).numpy(),
                     "Images differ in size: the first is 28x28, but this one is 32x32. Pass "
                     "image_size=(height, width) to load() (--image-size) to resize them all."),
}


@pytest.mark.parametrize("damage", list(DAMAGED_FILES))
def test_a_damaged_file_in_a_folder_is_refused_naming_it_before_it_trains(
        damage, fashion_images, tmp_path):
    folder = _folder_of_pngs(tmp_path / "images", fashion_images[:80])
    damaged = folder / "0070.png"  # in the fifth batch of 16
    make_damaged, problem = DAMAGED_FILES[damage]
    damaged.write_bytes(make_damaged(damaged.read_bytes()))
    model = kg.GAN(seed=0)
    model.compile()
    with pytest.raises(ValueError) as raised:
        model.fit(kg.data.load(folder, batch_size=16, shuffle=False), epochs=1, verbose=0)
    assert str(raised.value).startswith(f"The image file {damaged} was refused before any "
                                        "training step on it"), str(raised.value)
    assert problem in str(raised.value)
    assert int(model.step_counter.numpy()) == 4


def test_a_damaged_file_in_the_first_batch_is_refused_naming_it(fashion_images, tmp_path):
    folder = _folder_of_pngs(tmp_path / "images", fashion_images[:32])
    damaged = folder / "0003.png"  # in the first batch: fit's own first-batch check reads it
    damaged.write_bytes(damaged.read_bytes()[:40])
    model = kg.GAN(seed=0)
    model.compile()
    with pytest.raises(ValueError, match=f"The image file {damaged} was refused"):
        model.fit(kg.data.load(folder, batch_size=16, shuffle=False), epochs=1, verbose=0)
    assert int(model.step_counter.numpy()) == 0
