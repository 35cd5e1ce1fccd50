"""The library's input pipeline timed on its own, and `fit` with the per-batch checks
against without them (`benchmark.py --pipeline`); `batches`, the cached batches every
timed `fit` of benchmark.py runs on.
"""

import statistics
import time

import keras

import keras_gans as kg


def batches(variant, batch_size, steps):
    """`steps` Fashion-MNIST batches of the variant's kind, cached in memory."""
    data = training_pipeline(variant, batch_size).take(steps).cache()
    for _ in data:  # fill the cache now, not in the first timed round
        pass
    return data.prefetch(2)


def training_pipeline(variant, batch_size):
    """What `keras-gans train` feeds: the library's shuffled, prefetched pipeline."""
    return kg.data.load_training_data(kg.data.default_dataset(variant.VARIANT),
                                      variant.INPUTS, batch_size, seed=0,
                                      drop_remainder=True)


def measure_pipeline(variant, batch_size, batches_per_round, repeats):
    """The library's input pipeline alone, from one iterator (as in a long epoch).

    Returns the median images/s and images per CPU-second of producing batches,
    after the first batch (which fills the 60,000-image shuffle buffer).
    """
    iterator = iter(training_pipeline(variant, batch_size).repeat())
    next(iterator)
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(batches_per_round):
            next(iterator)
        wall.append(batches_per_round * batch_size / (time.perf_counter() - start))
        cpu.append(batches_per_round * batch_size / (time.process_time() - start_cpu))
    return statistics.median(wall), statistics.median(cpu)


def measure_checks(model, cached, images_per_round, repeats):
    """Throughput of `fit` with the per-batch checks (`GANModel.fit`: every batch checked
    in the pipeline before its train step) against without (Keras's own `fit` on the
    same compiled `model` and batches), alternating rounds. Returns medians and
    per-round ratios."""
    fits = {"checked": lambda: model.fit(cached, epochs=1, verbose=0),
            "unchecked": lambda: keras.Model.fit(model, cached, epochs=1, verbose=0,
                                                 shuffle=False)}
    for fit in fits.values():  # trace, then warm up
        fit()
        fit()
    wall = {name: [] for name in fits}
    cpu = {name: [] for name in fits}
    for round_index in range(2 * repeats):
        order = list(fits) if round_index % 2 == 0 else list(fits)[::-1]
        for name in order:
            start, start_cpu = time.perf_counter(), time.process_time()
            fits[name]()
            wall[name].append(images_per_round / (time.perf_counter() - start))
            cpu[name].append(images_per_round / (time.process_time() - start_cpu))
    ratios = [a / b for a, b in zip(wall["checked"], wall["unchecked"])]
    return {"checked_images_per_s": statistics.median(wall["checked"]),
            "unchecked_images_per_s": statistics.median(wall["unchecked"]),
            "ratio": statistics.median(ratios), "round_ratios": ratios,
            "cpu_time_ratio": statistics.median(
                a / b for a, b in zip(cpu["checked"], cpu["unchecked"]))}
