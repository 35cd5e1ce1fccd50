import numpy as np

from keras_gans import losses


def _sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


LOGITS_REAL = np.array([[2.0], [-1.0], [0.5]], dtype="float32")
LOGITS_FAKE = np.array([[-3.0], [0.0], [4.0]], dtype="float32")


def test_discriminator_loss_is_negative_log_likelihood_of_algorithm_1():
    expected = -np.log(_sigmoid(LOGITS_REAL[:, 0])) - np.log(1 - _sigmoid(LOGITS_FAKE[:, 0]))
    got = np.asarray(losses.discriminator_loss(LOGITS_REAL, LOGITS_FAKE))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_non_saturating_generator_loss_is_minus_log_d_of_fake():
    expected = -np.log(_sigmoid(LOGITS_FAKE[:, 0]))
    np.testing.assert_allclose(
        np.asarray(losses.non_saturating_generator_loss(LOGITS_FAKE)), expected, rtol=1e-5
    )


def test_minimax_generator_loss_is_log_one_minus_d_of_fake():
    expected = np.log(1 - _sigmoid(LOGITS_FAKE[:, 0]))
    np.testing.assert_allclose(
        np.asarray(losses.minimax_generator_loss(LOGITS_FAKE)), expected, rtol=1e-5
    )


def test_losses_are_stable_for_confident_logits():
    # A saturated discriminator must not turn the loss into inf or NaN.
    big = np.array([[80.0], [-80.0]], dtype="float32")
    for value in (
        losses.discriminator_loss(big, -big),
        losses.discriminator_loss(-big, big),
        losses.non_saturating_generator_loss(-big),
    ):
        assert np.all(np.isfinite(np.asarray(value)))
    np.testing.assert_allclose(np.asarray(losses.non_saturating_generator_loss(-big))[0], 80.0)


def test_per_example_averages_patch_outputs_per_image():
    patches = np.arange(2 * 3 * 3 * 1, dtype="float32").reshape(2, 3, 3, 1)
    np.testing.assert_allclose(np.asarray(losses.per_example(patches)), [4.0, 13.0])
