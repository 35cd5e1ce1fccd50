"""The one `tf.data` chain every loader ends with: shuffle, map, batch, map,
prefetch; and `without_autotune`, which every dataset `fit` reads goes through."""

import tensorflow as tf

# The shuffle buffer when a dataset cannot tell its size (a TFDS stream).
_UNKNOWN_SIZE_BUFFER = 10_000


def batch_pipeline(
    dataset,
    batch_size,
    shuffle,
    seed,
    drop_remainder,
    prepare_element=None,
    prepare_batch=None,
    prefetch=True,
):
    """Shuffle, prepare each element, batch, prepare each batch, prefetch.

    When the elements are tuples `(images, labels)`, the two `prepare_*`
    functions see the images alone and the labels pass through unchanged.

    Args:
        dataset: a `tf.data.Dataset` of images or of `(images, labels)`.
        batch_size: int. Elements per batch.
        shuffle: bool. Shuffle with a full-size buffer (a uniform shuffle),
            in a fresh order each epoch.
        seed: int or None. Seed of the shuffle.
        drop_remainder: bool. Drop the last, smaller batch.
        prepare_element: callable or None. Maps one image before batching
            (decoding a file, say). Defaults to `None`.
        prepare_batch: callable or None. Maps a batch of images (scaling
            whole batches keeps the per-element work of tf.data low).
            Defaults to `None`.
        prefetch: bool. End with `prefetch(AUTOTUNE)`; `False` for a part
            that is zipped with others and prefetched as a whole. Defaults
            to `True`.

    Returns:
        The `tf.data.Dataset`.
    """
    if shuffle:
        size = int(dataset.cardinality())
        buffer_size = size if size > 0 else _UNKNOWN_SIZE_BUFFER
        dataset = dataset.shuffle(
            buffer_size, seed=seed, reshuffle_each_iteration=True
        )
    labeled = isinstance(dataset.element_spec, tuple)
    if prepare_element is not None:
        dataset = _map_images(dataset, prepare_element, labeled)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    if prepare_batch is not None:
        dataset = _map_images(dataset, prepare_batch, labeled)
    dataset = dataset.prefetch(tf.data.AUTOTUNE) if prefetch else dataset
    return without_autotune(dataset)


def without_autotune(dataset):
    """`dataset` with tf.data's autotuning off, unless its options already set it.

    Deleting an iterator of an autotuned dataset waits, at no CPU, until the tuning
    thread's next wake-up: its rounds come 10 ms, 20 ms, ... apart, doubling up to
    60 s, and cancelling the iterator did not wake it (TensorFlow 2.21, seen in
    `RootDataset::Iterator::~Iterator`). `fit` deletes its iterator at
    its end and, without `steps_per_epoch`, at every epoch's end, so each paid up to
    10 s idle here, up to 60 s in principle (docs/performance.md). Without
    autotuning there is no such thread,
    and a parallel map with `AUTOTUNE` runs as many calls at once as there are
    cores, which keeps these pipelines far ahead of a train step. A dataset whose
    options enable autotuning keeps it.
    """
    if dataset.options().autotune.enabled is not None:
        return dataset
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def _map_images(dataset, function, labeled):
    if labeled:
        return dataset.map(
            lambda images, labels: (function(images), labels),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    return dataset.map(function, num_parallel_calls=tf.data.AUTOTUNE)
