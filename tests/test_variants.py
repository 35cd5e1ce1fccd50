"""Every registered variant meets the same battery (tests/harness.py): fit on real
data, a `.keras` round trip with optimizer state, an exact resume after a crash,
1 vs 2 replicas, and bad input refused before any step."""

import pytest

import harness

NAMES = sorted(harness.VARIANTS)


@pytest.mark.parametrize("name", NAMES)
def test_fit_trains_every_network_then_a_keras_round_trip_keeps_state_and_next_step(
    name, fashion_images, fashion_labels, tmp_path
):
    # One trained model serves both halves: building and tracing a variant is most of
    # the cost of either.
    variant = harness.VARIANTS[name]
    model = harness.run_fit_test(variant, fashion_images, fashion_labels)
    harness.run_saving_test(variant, model, fashion_images, fashion_labels, str(tmp_path))


@pytest.mark.parametrize("name", NAMES)
def test_resume_after_a_crash_mid_epoch_gives_the_uninterrupted_weights(
    name, fashion_images, fashion_labels, tmp_path
):
    harness.run_resume_test(harness.VARIANTS[name], fashion_images, fashion_labels,
                            str(tmp_path))


@pytest.mark.parametrize("name", NAMES)
def test_two_replicas_match_one_device_and_mixed_precision_trains(name):
    harness.run_replica_test(harness.VARIANTS[name])


@pytest.mark.parametrize("name", NAMES)
def test_bad_input_raises_value_error_before_any_training_step(
    name, fashion_images, fashion_labels
):
    harness.run_bad_input_test(harness.VARIANTS[name], fashion_images, fashion_labels)
