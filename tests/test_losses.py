import numpy as np
import pytest

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


# ---------------------------------------------------------------------- the family of `loss=`

REAL = LOGITS_REAL[:, 0].astype("float64")
FAKE = LOGITS_FAKE[:, 0].astype("float64")


def _paper_losses():
    """Each loss of `kg.losses.ADVERSARIAL_LOSSES` as its paper writes it, on
    probabilities D = sigmoid(t) for the cross-entropy losses and on raw outputs t
    otherwise: (D's loss, G's loss) per example."""
    d_real, d_fake = _sigmoid(REAL), _sigmoid(FAKE)
    return {
        # Goodfellow et al. 2014: D ascends log D(x) + log(1 - D(G(z))); G ascends
        # log D(G(z)) (section 3) or descends log(1 - D(G(z))) (equation 1).
        "non_saturating": (-np.log(d_real) - np.log(1 - d_fake), -np.log(d_fake)),
        "minimax": (-np.log(d_real) - np.log(1 - d_fake), np.log(1 - d_fake)),
        # Lim & Ye 2017 / Miyato et al. 2018, eq. 17.
        "hinge": (np.maximum(0, 1 - REAL) + np.maximum(0, 1 + FAKE), -FAKE),
        # Mao et al. 2017, eq. 9 with a = 0, b = c = 1 (without the 1/2).
        "least_squares": ((REAL - 1) ** 2 + FAKE**2, (FAKE - 1) ** 2),
    }


def test_each_loss_of_the_family_equals_its_papers_equation_on_hand_computed_logits():
    expected = _paper_losses()
    assert sorted(expected) == sorted(losses.ADVERSARIAL_LOSSES)
    for name, (d_loss, g_loss) in expected.items():
        np.testing.assert_allclose(
            losses.discriminator_loss(LOGITS_REAL, LOGITS_FAKE, name), d_loss, rtol=1e-5,
            err_msg=name)
        np.testing.assert_allclose(losses.generator_loss(LOGITS_FAKE, name), g_loss,
                                   rtol=1e-5, err_msg=name)
    # A hand check of one value: hinge on real 2, fake -3 is max(0, -1) + max(0, -2) = 0;
    # least squares on real 0.5, fake 4 is 0.25 + 16.
    np.testing.assert_allclose(losses.discriminator_loss(LOGITS_REAL, LOGITS_FAKE, "hinge")[0],
                               0.0)
    np.testing.assert_allclose(
        losses.discriminator_loss(LOGITS_REAL, LOGITS_FAKE, "least_squares")[2], 16.25)


def test_encoder_loss_is_the_generator_loss_with_the_labels_flipped():
    # BiGAN's E wants its real pairs called fake: D's fake term (or minus D's real
    # term for the losses whose G term is minus D's fake term).
    d_real = _sigmoid(REAL)
    expected = {
        "non_saturating": -np.log(1 - d_real),
        "minimax": np.log(d_real),
        "hinge": REAL,
        "least_squares": REAL**2,
    }
    for name, values in expected.items():
        np.testing.assert_allclose(losses.encoder_loss(LOGITS_REAL, name), values, rtol=1e-5,
                                   err_msg=name)


def test_one_sided_label_smoothing_sets_the_real_target_to_real_label():
    # Salimans et al. 2016, section 3.4: targets 0.9 for reals, 0 for fakes.
    d_real, d_fake = _sigmoid(REAL), _sigmoid(FAKE)
    expected = -(0.9 * np.log(d_real) + 0.1 * np.log(1 - d_real)) - np.log(1 - d_fake)
    for name in ("non_saturating", "minimax"):
        np.testing.assert_allclose(
            losses.discriminator_loss(LOGITS_REAL, LOGITS_FAKE, name, real_label=0.9),
            expected, rtol=1e-5)


def test_unknown_loss_and_smoothing_a_non_cross_entropy_loss_are_refused():
    with pytest.raises(ValueError, match=r"Unknown loss. Expected one of .*Received: loss='x'"):
        losses.discriminator_loss(LOGITS_REAL, LOGITS_FAKE, "x")
    with pytest.raises(ValueError, match="cross-entropy.*real_label=0.9"):
        losses.discriminator_loss(LOGITS_REAL, LOGITS_FAKE, "hinge", real_label=0.9)
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        losses.discriminator_loss(LOGITS_REAL, LOGITS_FAKE, real_label=1.5)
