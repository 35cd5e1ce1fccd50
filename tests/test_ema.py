"""The moving average of the generator (`ema_decay=`, kg.models.ema): its formula, its
warm-up, copied batch-norm statistics, saving, resuming, and N replicas."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gans as kg

SCRIPT = os.path.join(os.path.dirname(__file__), "distributed_run.py")


def numpy_weights(network):
    return [keras.ops.convert_to_numpy(w) for w in network.weights]


def test_average_follows_its_formula_after_the_warm_up(fashion_images):
    model = kg.DCGAN(seed=0, filters=8, ema_decay=0.9, ema_start=2)
    model.compile()
    trainable = [w.trainable for w in model.generator.weights]
    average = [w for w, t in zip(numpy_weights(model.generator), trainable) if t]
    for step in range(5):
        model.train_on_batch(fashion_images[step * 32 : (step + 1) * 32])
        decay = 0.9 if step >= 2 else 0.0  # warm-up: the average copies the network
        raw = [w for w, t in zip(numpy_weights(model.generator), trainable) if t]
        average = [decay * a + (1 - decay) * w for a, w in zip(average, raw)]
    kept = numpy_weights(model.generator_ema)
    for expected, got in zip(average, [w for w, t in zip(kept, trainable) if t]):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    # Batch-norm statistics are copied from the trained generator, not averaged.
    for raw, copy, is_trainable in zip(numpy_weights(model.generator), kept, trainable):
        if not is_trainable:
            np.testing.assert_array_equal(copy, raw)
    # The average differs from the network it follows, and trains nothing itself.
    assert not all(np.allclose(a, w) for a, w in zip(kept, numpy_weights(model.generator)))
    assert model.generator_ema.trainable_weights == []
    assert all(w.dtype == "float32" for w in model.generator_ema.trainable_weights)


def test_generate_uses_the_average_unless_told_not_to(fashion_images):
    model = kg.DCGAN(seed=0, filters=8, ema_decay=0.5)
    model.compile()
    model.fit(fashion_images[:128], batch_size=32, epochs=1, verbose=0)
    averaged = model.generate(8, seed=1)
    raw = model.generate(8, seed=1, use_ema=False)
    np.testing.assert_allclose(averaged, model.run_in_batches(
        model.generator_ema, model.latent_vectors(8, 1)), atol=1e-6)
    np.testing.assert_allclose(raw, model.run_in_batches(
        model.generator, model.latent_vectors(8, 1)), atol=1e-6)
    assert np.abs(averaged - raw).max() > 1e-5
    # Without ema_decay there is no average and use_ema changes nothing.
    plain = kg.DCGAN(seed=0, filters=8)
    assert not hasattr(plain, "generator_ema")
    np.testing.assert_array_equal(plain.generate(4, seed=0), plain.generate(4, seed=0,
                                                                            use_ema=False))


@pytest.mark.parametrize("variant, networks", [
    ("bigan", ("generator", "encoder")),
    ("cyclegan", ("generator_a_to_b", "generator_b_to_a")),
    ("cgan", ("generator",)),
])
def test_every_network_that_generates_encodes_or_translates_is_averaged(variant, networks):
    model = kg.models.get(variant)(seed=0, ema_decay=0.99)
    assert model.EMA_NETWORKS == networks
    for name in networks:
        assert model.inference_network(name) is getattr(model, f"{name}_ema")
        assert model.inference_network(name, use_ema=False) is getattr(model, name)


def test_save_load_and_continued_training_keep_the_average_bit_exact(fashion_images, tmp_path):
    model = kg.DCGAN(seed=0, filters=8, ema_decay=0.9, ema_start=1)
    model.compile()
    model.fit(fashion_images[:96], batch_size=32, epochs=1, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.ema_decay == 0.9 and loaded.ema_start == 1
    for a, b in zip(numpy_weights(model.generator_ema), numpy_weights(loaded.generator_ema)):
        np.testing.assert_array_equal(a, b)
    for m in (model, loaded):
        m.fit(fashion_images[96:192], batch_size=32, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(numpy_weights(model.generator_ema), numpy_weights(loaded.generator_ema)):
        np.testing.assert_array_equal(a, b)


def test_resumed_run_ends_with_the_uninterrupted_average(fashion_images, tmp_path):
    import tensorflow as tf

    def epoch_dataset(epoch):
        return tf.data.Dataset.from_tensor_slices(fashion_images[:192]).batch(32)

    def new_model():
        model = kg.DCGAN(seed=0, filters=8, ema_decay=0.9, ema_start=2)
        model.compile()
        return model

    whole = new_model()
    kg.training.fit_resumable(whole, epoch_dataset, epochs=2, steps_per_epoch=6,
                              backup_dir=str(tmp_path / "whole"), every_n_steps=2, verbose=0)

    class Crash(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if int(self.model.step_counter.numpy()) == 8:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kg.training.fit_resumable(new_model(), epoch_dataset, epochs=2, steps_per_epoch=6,
                                  backup_dir=str(tmp_path / "cut"), every_n_steps=2,
                                  callbacks=[Crash()], verbose=0)
    resumed = new_model()
    kg.training.fit_resumable(resumed, epoch_dataset, epochs=2, steps_per_epoch=6,
                              backup_dir=str(tmp_path / "cut"), every_n_steps=2, verbose=0)
    for a, b in zip(numpy_weights(whole.generator_ema), numpy_weights(resumed.generator_ema)):
        np.testing.assert_array_equal(a, b)


def test_two_replicas_keep_the_same_average_as_one_device():
    result = subprocess.run([sys.executable, SCRIPT, "ema", "dcgan"], capture_output=True,
                            text=True, timeout=600,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stderr[-3000:]
    exact = json.loads(lines[-1][len("RESULT "):])
    assert exact["replicas"] == 2 and exact["average_weights"] > 0
    assert exact["weight_diff"] < 1e-5, exact  # every weight, the averages included


def test_bad_ema_arguments_raise_value_error():
    with pytest.raises(ValueError, match="ema_decay"):
        kg.DCGAN(ema_decay=1.5)
    with pytest.raises(ValueError, match="ema_decay"):
        kg.DCGAN(ema_decay=1)
    with pytest.raises(ValueError, match="ema_start"):
        kg.DCGAN(ema_decay=0.9, ema_start=-1)
