"""Tests for keras_gans.data.

The Fashion-MNIST tests read the real files that the Debian package
`dataset-fashion-mnist` installs in /usr/share/datasets/fashion-mnist/. No
test reaches the network: TensorFlow Datasets is replaced by a failing stub in
every test.
"""

import gzip
import os

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import data

FASHION_DIR = "/usr/share/datasets/fashion-mnist"
# The suite trains on real Fashion-MNIST: a machine without it fails here instead of
# skipping, so CI cannot pass by silently testing nothing.
assert os.path.isfile(os.path.join(FASHION_DIR, "t10k-images-idx3-ubyte.gz")), (
    "Fashion-MNIST is missing: apt-get install -y dataset-fashion-mnist"
)


class TfdsCalled(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No TFDS, no download, no user data directory."""
    calls = []

    def fail(name, split):
        calls.append((name, split))
        raise TfdsCalled("no network in tests")

    monkeypatch.setattr(data.named, "_load_from_tfds", fail)
    monkeypatch.delenv(data.DATA_DIR_ENV_VAR, raising=False)
    return calls


def write_idx(path, array, magic=None, compress=False):
    """Writes `array` (uint8) in the IDX format, as the original files are."""
    array = np.asarray(array, dtype=np.uint8)
    magic = magic if magic is not None else 0x0800 + array.ndim
    header = magic.to_bytes(4, "big") + b"".join(
        side.to_bytes(4, "big") for side in array.shape
    )
    content = header + array.tobytes()
    if compress:
        content = gzip.compress(content)
    with open(path, "wb") as file:
        file.write(content)
    return str(path)


def write_split(directory, split, images, labels, compress=False):
    image_file, label_file = data.idx._IDX_FILES[split]
    suffix = ".gz" if compress else ""
    os.makedirs(directory, exist_ok=True)
    write_idx(
        os.path.join(directory, image_file + suffix), images, 2051, compress
    )
    write_idx(
        os.path.join(directory, label_file + suffix), labels, 2049, compress
    )


def small_split(seed, count=20, size=(5, 4)):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(count,) + size, dtype=np.uint8)
    labels = rng.integers(0, 10, size=(count,), dtype=np.uint8)
    return images, labels


def write_png(path, pixels):
    pixels = np.asarray(pixels, dtype=np.uint8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tf.io.write_file(str(path), tf.io.encode_png(pixels))


# === Real Fashion-MNIST ===


def test_fashion_mnist_arrays_have_the_published_sizes_and_balance():
    images, labels = data.load_arrays("fashion_mnist", "train")
    assert images.shape == (60000, 28, 28, 1)
    assert images.dtype == np.uint8
    assert labels.shape == (60000,)
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(labels), [6000] * 10)

    test_images, test_labels = data.load_arrays("fashion_mnist", "test")
    assert test_images.shape == (10000, 28, 28, 1)
    assert test_labels.shape == (10000,)
    assert test_labels.min() == 0 and test_labels.max() == 9


def test_named_dataset_info_matches_the_files():
    info = data.NAMED_DATASETS["fashion_mnist"]
    images, _ = data.load_arrays("fashion_mnist", "test")
    assert images.shape[1:] == info["image_shape"] == (28, 28, 1)
    assert info["num_classes"] == len(info["class_names"]) == 10
    assert info["num_examples"]["test"] == len(images)
    assert FASHION_DIR in info["system_dirs"]
    assert data.NAMED_DATASETS["mnist"]["image_shape"] == (28, 28, 1)


def test_load_arrays_reads_the_files_once(monkeypatch):
    first = data.load_arrays("fashion_mnist", "test")
    reads = []
    monkeypatch.setattr(data.idx, "read_idx", lambda path: reads.append(path))
    second = data.load_arrays("fashion-mnist", "test")
    assert reads == []
    assert second[0] is first[0] and second[1] is first[1]
    assert not second[0].flags.writeable


def test_load_yields_scaled_float_images_and_int64_labels():
    dataset = data.load(
        "fashion_mnist", batch_size=64, with_labels=True, seed=0
    )
    images, labels = next(iter(dataset))
    assert images.shape == (64, 28, 28, 1)
    assert images.dtype == tf.float32
    assert labels.shape == (64,)
    assert labels.dtype == tf.int64
    # Fashion-MNIST backgrounds are black, so -1 is always there.
    assert float(tf.reduce_min(images)) == -1.0
    assert float(tf.reduce_max(images)) <= 1.0
    assert float(tf.reduce_max(images)) > 0.5
    assert dataset.class_names[0] == "T-shirt/top"


def test_load_without_labels_yields_a_bare_tensor():
    dataset = data.load("fashion_mnist", split="test", batch_size=32)
    assert isinstance(dataset.element_spec, tf.TensorSpec)
    assert dataset.element_spec.shape.as_list() == [None, 28, 28, 1]
    batch = next(iter(dataset))
    assert tf.is_tensor(batch)
    assert batch.shape == (32, 28, 28, 1)


def test_loaded_datasets_do_not_autotune_so_their_iterators_delete_at_once(tmp_path):
    # An autotuned iterator's deletion waits for the tuning thread (up to seconds
    # at no CPU, docs/performance.md): every loader's pipeline turns it off.
    for index in range(2):
        write_png(tmp_path / "a" / f"{index}.png", np.full((6, 6, 1), 40 * index))
        write_png(tmp_path / "b" / f"{index}.png", np.full((6, 6, 1), 90 * index))
    loaded = [
        data.load("fashion_mnist", split="test", batch_size=32),
        data.load_unpaired(str(tmp_path / "a"), str(tmp_path / "b"), batch_size=1),
    ]
    for dataset in loaded:
        assert dataset.options().autotune.enabled is False


def test_without_autotune_keeps_what_the_options_already_say():
    plain = tf.data.Dataset.range(4).prefetch(tf.data.AUTOTUNE)
    assert data.pipeline.without_autotune(plain).options().autotune.enabled is False
    options = tf.data.Options()
    options.autotune.enabled = True
    chosen = plain.with_options(options)
    assert data.pipeline.without_autotune(chosen).options().autotune.enabled is True
    assert list(data.pipeline.without_autotune(plain).as_numpy_iterator()) == [0, 1, 2, 3]


def test_seed_fixes_the_order_and_each_epoch_is_reshuffled():
    def first_batch(dataset):
        return next(iter(dataset)).numpy()

    seeded = data.load("fashion_mnist", batch_size=16, seed=7)
    same_seed = data.load("fashion_mnist", batch_size=16, seed=7)
    other_seed = data.load("fashion_mnist", batch_size=16, seed=8)
    epoch_one = first_batch(seeded)
    np.testing.assert_array_equal(epoch_one, first_batch(same_seed))
    assert not np.array_equal(epoch_one, first_batch(other_seed))
    assert not np.array_equal(epoch_one, first_batch(seeded))  # epoch two

    images, _ = data.load_arrays("fashion_mnist", "train")
    assert not np.array_equal(epoch_one, data.scale_images(images[:16]))


def test_test_split_is_in_file_order_by_default():
    dataset = data.load(
        "fashion_mnist", split="test", batch_size=100, with_labels=True
    )
    images, labels = next(iter(dataset))
    raw_images = data.read_idx(
        os.path.join(FASHION_DIR, "t10k-images-idx3-ubyte.gz")
    )
    raw_labels = data.read_idx(
        os.path.join(FASHION_DIR, "t10k-labels-idx1-ubyte.gz")
    )
    expected = raw_images[:100, :, :, np.newaxis] / 127.5 - 1
    np.testing.assert_allclose(images.numpy(), expected, atol=1e-6)
    np.testing.assert_array_equal(labels.numpy(), raw_labels[:100])


def test_drop_remainder_and_image_size():
    dataset = data.load(
        "fashion_mnist",
        split="test",
        batch_size=3000,
        drop_remainder=True,
        image_size=(32, 32),
    )
    sizes = [batch.shape for batch in dataset]
    assert sizes == [(3000, 32, 32, 1)] * 3
    assert dataset.element_spec.shape.as_list() == [3000, 32, 32, 1]


# === Names, splits, arguments ===


def test_unknown_name_lists_the_known_names():
    with pytest.raises(ValueError, match="fashion_mnist") as error:
        data.load("cifar10")
    assert "mnist" in str(error.value) and "'cifar10'" in str(error.value)
    with pytest.raises(ValueError, match="fashion_mnist"):
        data.load_arrays("cifar10")


def test_unknown_split_lists_the_splits():
    with pytest.raises(ValueError, match=r"\['train', 'test'\].*'validation'"):
        data.load("fashion_mnist", split="validation")


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_batch_size_must_be_a_positive_integer(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        data.from_arrays(np.zeros((4, 2, 2), np.uint8), batch_size=batch_size)


# === IDX files ===


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_idx_files_read_back_exactly(tmp_path, compress):
    images, labels = small_split(seed=1)
    image_path = write_idx(tmp_path / "images", images, compress=compress)
    label_path = write_idx(tmp_path / "labels", labels, compress=compress)
    read_images = data.read_idx(image_path)
    np.testing.assert_array_equal(read_images, images)
    assert read_images.dtype == np.uint8 and read_images.flags.writeable
    np.testing.assert_array_equal(data.read_idx(label_path), labels)


def test_idx_with_a_wrong_magic_number_is_rejected(tmp_path):
    path = write_idx(
        tmp_path / "bad-idx3-ubyte", np.zeros((2, 3, 3)), magic=2052
    )
    with pytest.raises(ValueError, match="magic number is 2052") as error:
        data.read_idx(path)
    assert path in str(error.value)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_truncated_idx_is_rejected(tmp_path, compress):
    path = tmp_path / "cut-idx3-ubyte"
    write_idx(path, np.random.default_rng(0).integers(0, 256, (4, 5, 5)))
    content = path.read_bytes()[:-7]
    if compress:
        # A download cut short: the gzip stream itself ends early.
        content = gzip.compress(path.read_bytes())[:-30]
    path.write_bytes(content)
    with pytest.raises(ValueError, match="truncated") as error:
        data.read_idx(path)
    assert str(path) in str(error.value)


def test_idx_header_cut_short_is_rejected(tmp_path):
    path = tmp_path / "header-idx3-ubyte"
    path.write_bytes((2051).to_bytes(4, "big") + (10).to_bytes(4, "big"))
    with pytest.raises(ValueError, match="truncated.*header"):
        data.read_idx(path)


# === Where named datasets are found ===


def test_explicit_data_dir_is_read_raw_or_gzipped(tmp_path):
    train = small_split(seed=2)
    test = small_split(seed=3, count=7)
    write_split(tmp_path, "train", *train, compress=True)
    write_split(tmp_path, "test", *test, compress=False)

    images, labels = data.load_arrays("mnist", "train", data_dir=tmp_path)
    np.testing.assert_array_equal(images[..., 0], train[0])
    np.testing.assert_array_equal(labels, train[1])
    assert labels.dtype == np.int64

    dataset = data.load(
        "mnist", "test", batch_size=7, with_labels=True, data_dir=tmp_path
    )
    batch, batch_labels = next(iter(dataset))
    np.testing.assert_allclose(
        batch.numpy()[..., 0], test[0] / 127.5 - 1, atol=1e-6
    )
    np.testing.assert_array_equal(batch_labels.numpy(), test[1])


def test_data_dir_without_the_files_names_them(tmp_path, offline):
    images, labels = small_split(seed=4)
    write_split(tmp_path, "train", images, labels)
    os.remove(tmp_path / "train-labels-idx1-ubyte")
    with pytest.raises(ValueError) as error:
        data.load("fashion_mnist", data_dir=tmp_path)
    message = str(error.value)
    assert "train-labels-idx1-ubyte" in message
    assert "train-images-idx3-ubyte[.gz]" not in message
    assert str(tmp_path) in message
    assert offline == []  # an explicit data_dir never falls back to TFDS

    with pytest.raises(
        ValueError, match="t10k-images-idx3-ubyte.*does not exist"
    ):
        data.load_arrays("fashion_mnist", "test", data_dir=tmp_path / "nowhere")


def test_image_and_label_counts_must_match(tmp_path):
    images, labels = small_split(seed=5)
    write_split(tmp_path, "train", images, labels[:-1])
    with pytest.raises(ValueError, match="20 images but .* 19 labels"):
        data.load_arrays("mnist", data_dir=tmp_path)


def test_environment_directory_comes_before_the_system_one(
    tmp_path, monkeypatch
):
    images, labels = small_split(seed=6, count=9)
    write_split(
        tmp_path / "fashion-mnist", "test", images, labels, compress=True
    )
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(tmp_path))
    found_images, found_labels = data.load_arrays("fashion_mnist", "test")
    np.testing.assert_array_equal(found_images[..., 0], images)
    np.testing.assert_array_equal(found_labels, labels)


def test_without_files_or_network_the_error_says_how_to_get_them(
    tmp_path, monkeypatch, offline
):
    info = data.NAMED_DATASETS["fashion_mnist"]
    empty = str(tmp_path / "no-such-dir")
    monkeypatch.setitem(info, "system_dirs", (empty,))
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(tmp_path / "env"))
    with pytest.raises(ValueError) as error:
        data.load("fashion_mnist", split="test")
    message = str(error.value)
    assert "apt-get install dataset-fashion-mnist" in message
    assert "data_dir=" in message
    assert empty in message
    assert os.path.join(str(tmp_path / "env"), "fashion-mnist") in message
    assert "no network in tests" in message
    assert isinstance(error.value.__cause__, TfdsCalled)
    assert offline == [("fashion_mnist", "test")]


def test_tfds_result_is_used_and_cached(monkeypatch):
    monkeypatch.setitem(data.NAMED_DATASETS["mnist"], "system_dirs", ())
    monkeypatch.setattr(data.idx, "_ARRAY_CACHE", type(data.idx._ARRAY_CACHE)())
    calls = []
    images, labels = small_split(seed=8, count=5, size=(28, 28))

    def fake_tfds(name, split):
        calls.append((name, split))
        return images[..., np.newaxis], labels.astype(np.int64)

    monkeypatch.setattr(data.named, "_load_from_tfds", fake_tfds)
    first = data.load_arrays("mnist", "test")
    second = data.load_arrays("mnist", "test")
    assert calls == [("mnist", "test")]
    assert second[0] is first[0]
    np.testing.assert_array_equal(first[0][..., 0], images)


# === Directories of images ===


def test_image_folders_are_classes(tmp_path):
    # Each image's pixels tell its class: 10 + 100 * class.
    for class_name, value in (("cat", 10), ("dog", 110)):
        for index in range(3):
            pixels = np.full((6, 5, 1), value, dtype=np.uint8)
            pixels[0, 0, 0] = index
            write_png(tmp_path / class_name / f"{index}.png", pixels)
    (tmp_path / "notes.txt").write_text("not an image")

    dataset = data.load(tmp_path, batch_size=10, with_labels=True, seed=0)
    assert dataset.class_names == ["cat", "dog"]
    images, labels = next(iter(dataset))
    assert images.shape == (6, 6, 5, 1)
    assert images.dtype == tf.float32 and labels.dtype == tf.int64
    np.testing.assert_array_equal(np.sort(labels.numpy()), [0, 0, 0, 1, 1, 1])
    for image, label in zip(images.numpy(), labels.numpy()):
        expected = (10 + 100 * label) / 127.5 - 1
        np.testing.assert_allclose(image[1:], expected, atol=1e-6)
    assert images.numpy().min() >= -1.0 and images.numpy().max() <= 1.0


def test_color_images_load_as_rgb_and_resize(tmp_path):
    rng = np.random.default_rng(9)
    pixels = rng.integers(0, 256, size=(4, 8, 8, 3), dtype=np.uint8)
    for index, image in enumerate(pixels):
        write_png(tmp_path / "photos" / f"{index}.png", image)

    dataset = data.load(str(tmp_path), batch_size=4, split="test")
    images = next(iter(dataset)).numpy()
    np.testing.assert_allclose(images, pixels / 127.5 - 1, atol=1e-6)

    resized = next(iter(data.load(tmp_path, batch_size=4, image_size=(4, 6))))
    assert resized.shape == (4, 4, 6, 3)
    assert float(tf.reduce_min(resized)) >= -1.0
    assert float(tf.reduce_max(resized)) <= 1.0


def test_images_of_different_sizes_need_image_size(tmp_path):
    write_png(tmp_path / "a.png", np.zeros((4, 4, 1)))
    write_png(tmp_path / "b.png", np.zeros((6, 4, 1)))
    dataset = data.load(tmp_path, batch_size=2, shuffle=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match="image_size"):
        next(iter(dataset))
    resized = next(iter(data.load(tmp_path, batch_size=2, image_size=(5, 5))))
    assert resized.shape == (2, 5, 5, 1)


def test_labels_need_class_folders_and_folders_need_images(tmp_path):
    write_png(tmp_path / "flat" / "a.png", np.zeros((4, 4, 1)))
    with pytest.raises(ValueError, match="sub-folder"):
        data.load(tmp_path / "flat", with_labels=True)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="Found no images"):
        data.load(tmp_path / "empty")


def test_load_unpaired_reads_two_folders_of_your_own_images(tmp_path):
    rng = np.random.default_rng(3)
    for domain, count in (("photos", 5), ("paintings", 3)):
        for index in range(count):
            size = (8, 8) if index % 2 else (6, 10)  # sizes differ: image_size needed
            write_png(tmp_path / domain / f"{index}.png",
                      rng.integers(0, 256, size=(*size, 3), dtype=np.uint8))
    dataset = data.load_unpaired(tmp_path / "photos", str(tmp_path / "paintings"),
                                 image_size=(4, 4), batch_size=2, seed=0)
    batches = list(dataset)
    assert len(batches) == 2  # the smaller domain (3 images, batches of 2) ends the epoch
    images_a, images_b = batches[0]
    assert images_a.shape == images_b.shape == (2, 4, 4, 3)
    assert -1 <= float(tf.reduce_min(images_a)) and float(tf.reduce_max(images_b)) <= 1
    assert dataset.domain_names == ["photos", "paintings"]
    # Same seed, same pairs; the domains are shuffled independently.
    again = data.load_unpaired(tmp_path / "photos", tmp_path / "paintings",
                               image_size=(4, 4), batch_size=2, seed=0)
    np.testing.assert_array_equal(next(iter(again))[0], images_a)


def test_load_unpaired_folders_must_exist_and_agree_in_shape(tmp_path):
    write_png(tmp_path / "grey" / "a.png", np.zeros((4, 4, 1)))
    write_png(tmp_path / "rgb" / "a.png", np.zeros((4, 4, 3)))
    with pytest.raises(ValueError, match="Domain B's folder does not exist"):
        data.load_unpaired(tmp_path / "grey", tmp_path / "nowhere")
    with pytest.raises(ValueError, match="The two domains' images differ"):
        data.load_unpaired(tmp_path / "grey", tmp_path / "rgb")
    with pytest.raises(ValueError, match="load_unpaired\\(folder_a, folder_b\\)"):
        data.load_unpaired(str(tmp_path / "grey"))


def test_data_dir_is_only_for_named_datasets(tmp_path):
    write_png(tmp_path / "a.png", np.zeros((4, 4, 1)))
    with pytest.raises(ValueError, match="data_dir"):
        data.load(tmp_path, data_dir=tmp_path)


# === Files of arrays ===


def test_npy_round_trip(tmp_path):
    images = small_split(seed=10, count=6)[0]
    np.save(tmp_path / "images.npy", images)
    batch = next(
        iter(data.load(tmp_path / "images.npy", batch_size=6, shuffle=False))
    )
    assert batch.shape == (6, 5, 4, 1)
    np.testing.assert_allclose(
        batch.numpy()[..., 0], images / 127.5 - 1, atol=1e-6
    )


@pytest.mark.parametrize("keys", [("images", "labels"), ("x", "y")])
def test_npz_round_trip(tmp_path, keys):
    images = np.linspace(-1, 1, 8 * 3 * 3 * 3, dtype=np.float32).reshape(
        8, 3, 3, 3
    )
    labels = np.arange(8)
    path = tmp_path / "arrays.npz"
    np.savez(path, **{keys[0]: images, keys[1]: labels})
    dataset = data.load(path, split="test", batch_size=8, with_labels=True)
    batch, batch_labels = next(iter(dataset))
    np.testing.assert_array_equal(batch.numpy(), images)
    np.testing.assert_array_equal(batch_labels.numpy(), labels)
    assert batch_labels.dtype == tf.int64


def test_array_files_reject_out_of_range_floats_and_missing_labels(tmp_path):
    np.savez(tmp_path / "wide.npz", images=np.full((2, 3, 3), 200.0))
    with pytest.raises(ValueError, match=r"value_range=\(0, 255\)"):
        data.load(tmp_path / "wide.npz")
    np.savez(tmp_path / "unlabeled.npz", x=np.zeros((2, 3, 3), np.uint8))
    with pytest.raises(ValueError, match="'labels' or 'y'"):
        data.load(tmp_path / "unlabeled.npz", with_labels=True)


# === from_arrays and scale_images ===


def test_from_arrays_adds_a_channel_axis_and_scales_uint8():
    images = np.array([[[0, 255]], [[51, 102]]], dtype=np.uint8)  # (2, 1, 2)
    batch = next(iter(data.from_arrays(images, shuffle=False)))
    assert batch.shape == (2, 1, 2, 1)
    np.testing.assert_allclose(
        batch.numpy()[..., 0], [[[-1.0, 1.0]], [[-0.6, -0.2]]], atol=1e-6
    )


def test_from_arrays_maps_value_range_to_minus_one_one():
    images = np.array([0.0, 0.25, 1.0], np.float32).reshape(3, 1, 1, 1)
    batch = next(
        iter(data.from_arrays(images, shuffle=False, value_range=(0, 1)))
    )
    np.testing.assert_allclose(batch.numpy().ravel(), [-1.0, -0.5, 1.0])
    with pytest.raises(ValueError, match=r"\[0.0, 0.5\]"):
        data.from_arrays(images, value_range=(0, 0.5))


@pytest.mark.parametrize("shape", [(5,), (5, 4), (2, 5, 4, 4, 1)])
def test_from_arrays_rejects_wrong_rank(shape):
    with pytest.raises(ValueError, match=r"\(N, H, W, C\).*" + re_shape(shape)):
        data.from_arrays(np.zeros(shape, np.uint8))


def re_shape(shape):
    return str(tuple(shape)).replace("(", r"\(").replace(")", r"\)")


def test_from_arrays_rejects_bad_labels():
    images = np.zeros((4, 3, 3), np.uint8)
    with pytest.raises(ValueError, match=r"\(4,\).*labels.shape=\(3,\)"):
        data.from_arrays(images, labels=[0, 1, 2])
    with pytest.raises(ValueError, match="integer"):
        data.from_arrays(images, labels=[0.0, 1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"labels.shape=\(4, 1\)"):
        data.from_arrays(images, labels=np.zeros((4, 1), np.int32))


def test_from_arrays_rejects_float_images_outside_minus_one_one():
    images = np.full((3, 4, 4), 128.0, np.float32)
    with pytest.raises(ValueError) as error:
        data.from_arrays(images)
    message = str(error.value)
    assert "value_range=(0, 255)" in message and "value_range=(0, 1)" in message
    assert "128.0" in message


def test_from_arrays_rejects_empty_arrays():
    with pytest.raises(ValueError, match="empty"):
        data.from_arrays(np.zeros((0, 28, 28, 1), np.uint8))


def test_from_arrays_yields_labels_as_int64():
    dataset = data.from_arrays(
        np.zeros((5, 2, 2, 3), np.uint8),
        np.arange(5, dtype=np.int32),
        batch_size=2,
    )
    assert dataset.element_spec[1].dtype == tf.int64
    assert [int(len(labels)) for _, labels in dataset] == [2, 2, 1]


def test_scale_images_keeps_arrays_and_tensors_apart():
    array = data.scale_images(np.array([0, 127.5, 255]))
    assert isinstance(array, np.ndarray) and array.dtype == np.float32
    np.testing.assert_allclose(array, [-1.0, 0.0, 1.0])
    tensor = data.scale_images(tf.constant([0.0, 0.5, 1.0]), value_range=(0, 1))
    assert tf.is_tensor(tensor) and tensor.dtype == tf.float32
    np.testing.assert_allclose(tensor.numpy(), [-1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="value_range"):
        data.scale_images(np.zeros(3), value_range=(1, 1))
