"""CycleGAN (Zhu et al. 2017) on Fashion-MNIST sneakers (A) and ankle boots (B)."""

import collections

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.models.cyclegan import ConstantThenLinearDecay, patch_size
from keras_gans.models.layers import ImageHistoryPool

SMALL = dict(generator_filters=8, residual_blocks=1, discriminator_filters=8)


@pytest.fixture(scope="module")
def domains(fashion_images, fashion_labels):
    """32 sneakers (domain A) and 32 ankle boots (domain B) from the training set."""
    return fashion_images[fashion_labels == 7][:32], fashion_images[fashion_labels == 9][:32]


def _unpaired(images_a, images_b, batch_size=8):
    return tf.data.Dataset.from_tensor_slices((images_a, images_b)).batch(batch_size)


def test_default_networks_follow_the_paper_scaled_to_the_image_size(domains):
    images_a, images_b = domains
    model = kg.CycleGAN(seed=0)
    assert (model.residual_blocks, model.generator_filters, model.discriminator_layers) == (3, 32, 2)
    assert (model.cycle_weight, model.identity_weight, model.pool_size) == (10.0, 5.0, 50)
    # The paper's sizes: 9 blocks and 70x70 patches at 256 px, 6 blocks at 128 px.
    assert kg.models.cyclegan.default_residual_blocks((256, 256, 3)) == 9
    assert kg.models.cyclegan.default_residual_blocks((128, 128, 3)) == 6
    assert kg.models.cyclegan.default_discriminator_layers((256, 256, 3)) == 3
    assert [patch_size(n) for n in (1, 2, 3)] == [16, 34, 70]
    assert model.discriminator_a.output_shape == (None, 5, 5, 1)  # a map of 34x34 patches

    boots = model.translate(images_a, direction="a_to_b")
    sneakers = model.translate(images_b, direction="b_to_a")
    for out in (boots, sneakers):
        assert out.shape == (32, 28, 28, 1) and out.dtype == np.float32
        assert -1.0 <= out.min() and out.max() <= 1.0
    np.testing.assert_allclose(boots, np.asarray(model(images_a)), atol=1e-6)
    assert not np.allclose(boots, model.translate(images_a, direction="b_to_a"))  # G != F
    with pytest.raises(ValueError, match="direction"):
        model.translate(images_a, direction="sideways")
    # A translator, not a generator: it has no `generate` at all.
    assert isinstance(model, kg.models.Translator)
    assert not isinstance(model, kg.models.GANModel) and not hasattr(model, "generate")


def test_cycle_and_identity_losses_equal_their_definitions(domains):
    images_a, images_b = domains
    model = kg.CycleGAN(seed=0, **SMALL)
    terms = {k: np.asarray(v) for k, v in model.generator_losses(images_a, images_b).items()}

    def g(x):
        return np.asarray(model.generator_a_to_b(x))

    def f(x):
        return np.asarray(model.generator_b_to_a(x))

    def l1(x, y):  # mean over pixels, per example
        return np.abs(x - y).reshape(len(x), -1).mean(axis=1)

    cycle = l1(f(g(images_a)), images_a) + l1(g(f(images_b)), images_b)    # eq. 2
    identity = l1(g(images_b), images_b) + l1(f(images_a), images_a)       # eq. 6
    scores_b = np.asarray(model.discriminator_b(g(images_a))).reshape(32, -1)
    scores_a = np.asarray(model.discriminator_a(f(images_b))).reshape(32, -1)
    adversarial = ((scores_b - 1) ** 2).mean(1) + ((scores_a - 1) ** 2).mean(1)
    np.testing.assert_allclose(terms["cycle"], cycle, rtol=1e-5)
    np.testing.assert_allclose(terms["identity"], identity, rtol=1e-5)
    np.testing.assert_allclose(terms["adversarial"], adversarial, rtol=1e-5)
    np.testing.assert_allclose(terms["total"], adversarial + 10 * cycle + 5 * identity, rtol=1e-5)
    assert terms["cycle"].shape == (32,) and np.all(terms["cycle"] > 0)

    # D's loss: 1/2 [(D(real) - 1)^2 + D(fake)^2] for each discriminator (section 4).
    fake_a, fake_b = f(images_b), g(images_a)
    d_a = [np.asarray(model.discriminator_a(x)).reshape(32, -1) for x in (images_a, fake_a)]
    d_b = [np.asarray(model.discriminator_b(x)).reshape(32, -1) for x in (images_b, fake_b)]
    expected = 0.5 * sum(((real - 1) ** 2).mean(1) + (fake**2).mean(1) for real, fake in (d_a, d_b))
    np.testing.assert_allclose(
        np.asarray(model.discriminator_losses(images_a, images_b, fake_a, fake_b)), expected,
        rtol=1e-5)

    plain = kg.CycleGAN(seed=0, identity_weight=0.0, **SMALL)
    plain_terms = plain.generator_losses(images_a, images_b)
    np.testing.assert_allclose(np.asarray(plain_terms["total"]), adversarial + 10 * cycle, rtol=1e-5)


def _tagged(values):
    """Images whose every pixel is their tag, so outputs can be traced to inputs."""
    return np.broadcast_to(np.asarray(values, "float32")[:, None, None, None], (len(values), 2, 2, 1))


def _tags(images):
    return np.asarray(images)[:, 0, 0, 0].round().astype(int).tolist()


def test_pool_passes_images_through_while_filling_then_swaps_with_probability_half():
    pool = ImageHistoryPool(50, (2, 2, 1))
    key = lambda step: tf.constant([7, step], tf.int64)  # noqa: E731

    first = pool.query(tf.constant(_tagged(range(30))), key(0))
    assert _tags(first) == list(range(30))  # filling: every image passes through
    second = _tags(pool.query(tf.constant(_tagged(range(30, 60))), key(1)))
    assert second[:20] == list(range(30, 50))  # the pool fills up at 50
    assert int(pool.count.numpy()) == 50
    # Past that, an image either passed through or took a stored image's place.
    swaps = [(inp, out) for inp, out in zip(range(50, 60), second[20:]) if inp != out]
    expected = (set(range(50)) - {out for _, out in swaps}) | {inp for inp, _ in swaps}
    assert sorted(_tags(pool.images.value)) == sorted(expected)

    swapped, seen, next_tag = 0, 0, 60
    for step in range(2, 42):
        before = collections.Counter(_tags(pool.images.value))
        inputs = list(range(next_tag, next_tag + 50))
        next_tag += 50
        outputs = _tags(pool.query(tf.constant(_tagged(inputs)), key(step)))
        after = collections.Counter(_tags(pool.images.value))
        # Nothing is lost or duplicated: pool before + inputs == pool after + outputs.
        assert before + collections.Counter(inputs) == after + collections.Counter(outputs)
        swapped += sum(out != inp for out, inp in zip(outputs, inputs))
        seen += len(inputs)
    assert abs(swapped / seen - 0.5) < 0.05, swapped / seen  # 2000 draws: sd 0.011

    # The draws are stateless: the same key and contents give the same answer.
    replay = ImageHistoryPool(50, (2, 2, 1))
    replay.images.assign(pool.images.value)
    replay.count.assign(50)
    probe = tf.constant(_tagged(range(9000, 9050)))
    np.testing.assert_array_equal(pool.query(probe, key(99)), replay.query(probe, key(99)))


def test_learning_rate_is_flat_for_the_first_half_then_linear_to_zero(domains):
    schedule = ConstantThenLinearDecay(2e-4, total_steps=100)
    values = [float(schedule(step)) for step in (0, 25, 50, 75, 90, 100, 130)]
    np.testing.assert_allclose(values, [2e-4, 2e-4, 2e-4, 1e-4, 4e-5, 0.0, 0.0], atol=1e-10)
    copy = ConstantThenLinearDecay.from_config(schedule.get_config())
    assert float(copy(75)) == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="total_steps"):
        ConstantThenLinearDecay(2e-4)(0)

    # fit() gives the schedule its length: epochs x steps per epoch.
    images_a, images_b = domains
    model = kg.CycleGAN(seed=0, **SMALL)
    model.compile()
    model.fit(_unpaired(images_a, images_b), epochs=2, verbose=0)  # 4 steps per epoch
    schedules = list(model.run_schedules())
    assert len(schedules) == 2 and {s.total_steps for s in schedules} == {8}
    assert int(model.generator_optimizer.iterations.numpy()) == 8
    assert float(model.generator_optimizer.learning_rate) == 0.0  # reached zero at the end


def test_bad_input_raises_before_any_step(domains, fashion_images, fashion_labels):
    images_a, images_b = domains
    model = kg.CycleGAN(seed=0, **SMALL)
    model.compile()
    with pytest.raises(ValueError, match="unpaired.*single domain"):
        model.fit(tf.data.Dataset.from_tensor_slices(images_a).batch(8), verbose=0)
    with pytest.raises(ValueError, match="labels"):
        model.fit(tf.data.Dataset.from_tensor_slices(
            (fashion_images[:32], fashion_labels[:32])).batch(8), verbose=0)
    rgb = np.repeat(images_b, 3, axis=-1)
    with pytest.raises(ValueError, match="same image shape"):
        model.fit(_unpaired(images_a, rgb), verbose=0)
    with pytest.raises(ValueError, match="as many images"):
        model.fit(tf.data.Dataset.zip((
            tf.data.Dataset.from_tensor_slices(images_a).batch(8),
            tf.data.Dataset.from_tensor_slices(images_b).batch(4))), verbose=0)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        model.fit(_unpaired((images_a + 1) * 127.5, (images_b + 1) * 127.5), verbose=0)
    assert int(model.step_counter.numpy()) == 0
    assert all(s.total_steps is None for s in model.run_schedules())
    with pytest.raises(ValueError, match="multiples of 4"):
        kg.CycleGAN(image_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="Unknown unpaired dataset"):
        kg.data.load_unpaired("fashion_mnist")


def test_unpaired_loader_gives_sneakers_and_boots_from_disjoint_images():
    dataset = kg.data.load_unpaired("fashion_mnist_sneaker2boot", split="test", batch_size=1000)
    assert dataset.domain_names == ["Sneaker", "Ankle boot"]
    (images_a, images_b), = list(dataset)
    images, labels = kg.data.load_arrays("fashion_mnist", split="test")
    np.testing.assert_allclose(images_a, images[labels == 7] / 127.5 - 1, atol=1e-6)
    np.testing.assert_allclose(images_b, images[labels == 9] / 127.5 - 1, atol=1e-6)
    train = kg.data.load_unpaired("fashion_mnist_sneaker2boot", batch_size=4, seed=0)
    (a1, b1), = list(train.take(1))
    (a2, b2), = list(train.take(1))
    assert not np.array_equal(a1, a2)  # reshuffled each pass
