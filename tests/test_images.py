import os

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import images, io_utils


def test_grid_has_documented_size_and_places_each_image():
    batch = np.full((5, 4, 3, 1), -1.0, dtype="float32")
    batch[3] = 1.0  # fourth image white: row 1, column 0 of a 3-column grid
    grid = images.make_grid(batch, padding=2)
    assert grid.shape == (2 * (4 + 2) + 2, 3 * (3 + 2) + 2, 1)
    assert grid[2 + 6 : 2 + 6 + 4, 2 : 2 + 3].min() == 255
    assert grid[2:6, 2:5].max() == 0  # image 0 is black
    assert grid[:2].max() == 0  # padding stays black


def test_to_uint8_maps_minus_one_to_zero_and_one_to_255():
    np.testing.assert_array_equal(
        images.to_uint8(np.array([-1.0, 0.0, 1.0, 7.0])), [0, 128, 255, 255]
    )


def test_save_grid_writes_a_png_that_decodes_to_the_grid(tmp_path):
    batch = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 3)).astype("float32")
    path = tmp_path / "grid.png"
    grid = images.save_grid(path, batch)
    decoded = tf.io.decode_png(path.read_bytes()).numpy()
    np.testing.assert_array_equal(decoded, grid)
    assert decoded.shape == (2 * 10 + 2, 2 * 10 + 2, 3)


def test_atomic_path_leaves_nothing_when_the_writer_fails(tmp_path):
    target = tmp_path / "out.keras"
    with pytest.raises(RuntimeError):
        with io_utils.atomic_path(target) as temporary:
            assert temporary.endswith(".keras")
            with open(temporary, "wb") as f:
                f.write(b"partial")
            raise RuntimeError("crash mid-write")
    assert os.listdir(tmp_path) == []


def test_atomic_path_keeps_the_old_file_until_the_new_one_is_complete(tmp_path):
    target = tmp_path / "grid.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with io_utils.atomic_path(target) as temporary:
            open(temporary, "wb").write(b"new but broken")
            raise RuntimeError
    assert target.read_bytes() == b"old"
    io_utils.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["grid.png"]


def test_unwritable_directory_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(ValueError, match="not writable"):
        io_utils.write_bytes(blocker / "sub" / "x.png", b"")


def test_atomic_writes_get_an_ordinary_file_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        io_utils.write_bytes(tmp_path / "weights.keras", b"x")
    finally:
        os.umask(umask)
    assert (os.stat(tmp_path / "weights.keras").st_mode & 0o777) == 0o644
