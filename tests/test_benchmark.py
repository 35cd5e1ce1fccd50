"""scripts/benchmark.py: its FLOP accounting, and a smoke run (no timing asserted)."""

import os
import sys

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
import benchmark  # noqa: E402
import flops  # noqa: E402
import peer  # noqa: E402


def _dcgan_step_macs_per_image(shared):
    """Multiply-adds of one DCGAN step at 28x28, from the layer shapes by hand."""
    generator = 100 * 7 * 7 * 128 + 7 * 7 * 128 * 64 * 25 + 14 * 14 * 64 * 1 * 25
    conv1, conv2, dense = 14 * 14 * 64 * 25, 7 * 7 * 128 * 25 * 64, 7 * 7 * 128
    discriminator = conv1 + conv2 + dense
    # D step: real and fake passes, their filter gradients, and input gradients of
    # every layer but the first (nothing needs d loss / d images).
    d_step = 2 * discriminator + 2 * discriminator + 2 * (conv2 + dense)
    # G step: D pass, D input gradients (all layers), G filter gradients, G input
    # gradients but the dense layer's (z needs none).
    g_step = discriminator + discriminator + generator + (generator - 100 * 7 * 7 * 128)
    generator_passes = 1 if shared else 2
    return generator_passes * generator + d_step + g_step


@pytest.mark.parametrize("shared", [True, False])
def test_flop_count_of_the_dcgan_step_matches_the_layer_shapes(shared):
    model = kg.DCGAN(seed=0, shared_generator_pass=shared)
    model.compile()
    data = benchmark.batches(kg.DCGAN, 4, 1)
    counted, unknown = flops.count_step_flops(model, data, 4)
    assert unknown == 0
    assert counted == 4 * 2 * _dcgan_step_macs_per_image(shared)


@pytest.mark.parametrize("image_shape, filters", [((28, 28, 1), 64), ((64, 64, 3), 32)])
@pytest.mark.parametrize("shared", [True, False])
def test_flops_from_the_layer_shapes_match_the_traced_graph(image_shape, filters, shared):
    model = kg.DCGAN(image_shape=image_shape, filters=filters, seed=0,
                     shared_generator_pass=shared)
    model.compile()
    data = tf.data.Dataset.from_tensors(tf.zeros((2, *image_shape)))
    counted, unknown = flops.count_step_flops(model, data, 2)
    assert unknown == 0
    spec = peer.network_spec(model)
    assert counted == 2 * flops.dcgan_step_flops(spec, shared)  # a batch of 2
    # PyTorch's backward() also computes D's filter gradients in the G update.
    forward_d = sum(map(flops.layer_macs, spec["discriminator"]))
    assert flops.dcgan_step_flops(spec, shared, pytorch=True) == (
        flops.dcgan_step_flops(spec, shared) + 2 * forward_d)


@pytest.mark.parametrize("variant", ["gan", "cgan"])
def test_smoke_run_prints_ratios_and_fractions_of_peak(capsys, variant):
    # CGAN too: its reference overrides the noise (a stale call there once broke the
    # quiet run's variants section).
    rows = benchmark.main(["--variants", variant, "--precision", "float32", "--steps", "1",
                           "--repeats", "1"])
    assert [row["config"] for row in rows] == ["reference", "ours"]
    for row in rows:
        assert row["images_per_s"] > 0 and np.isfinite(row["ratio"])
        assert 0 < row["fraction_of_peak"] and row["flops_per_image"] > 0
    assert "of peak" in capsys.readouterr().out


def test_the_per_batch_checks_are_timed_against_fit_without_them():
    row = benchmark.measure_checks(benchmark.build(kg.GAN, "float32"),
                                   benchmark.batches(kg.GAN, 4, 2), 8, 1)
    assert row["checked_images_per_s"] > 0 and row["unchecked_images_per_s"] > 0
    assert len(row["round_ratios"]) == 2 and np.isfinite(row["ratio"])


def test_peer_spec_lists_the_dcgan_layers_with_their_shapes_and_parameter_counts():
    model = kg.DCGAN(seed=0)
    model.compile()
    spec = peer.network_spec(model)
    assert [layer["kind"] for layer in spec["generator"]] == [
        "dense", "reshape", "batch_norm", "activation", "conv_transpose", "batch_norm",
        "activation", "conv_transpose"]
    assert [layer["kind"] for layer in spec["discriminator"]] == [
        "conv", "leaky_relu", "conv", "batch_norm", "leaky_relu", "flatten", "dense"]
    assert spec["generator"][-1]["output"] == [28, 28, 1]
    assert spec["generator"][-1]["activation"] == "tanh"
    assert spec["discriminator"][2] | {"input": None} == {
        "kind": "conv", "name": spec["discriminator"][2]["name"], "input": None,
        "output": [7, 7, 128], "kernel": 5, "strides": 2, "padding": "same", "bias": False,
        "activation": "linear"}
    assert spec["trainable_parameters"] == {"generator": 833985, "discriminator": 212993}
    assert spec["adam"] == pytest.approx({"learning_rate": 2e-4, "beta_1": 0.5,
                                          "beta_2": 0.999, "epsilon": 1e-7})
    assert spec["latent"] == "uniform" and spec["latent_dim"] == 100


def test_scaling_cells_are_read_from_shape_filters_and_batches():
    import scaling

    assert scaling.parse_cells("28x28x1:64:32,128 64x64x3:128:32:mixed_bfloat16",
                               ("float32",)) == [
        ((28, 28, 1), 64, 32, ("float32",)), ((28, 28, 1), 64, 128, ("float32",)),
        ((64, 64, 3), 128, 32, ("mixed_bfloat16",))]
    with pytest.raises(ValueError, match="HxWxC:FILTERS:BATCH"):
        scaling.parse_cells("64x64x3:128")


def test_scaling_table_puts_kg_beside_pytorchs_best_with_fractions_of_peak():
    import scaling

    def row(config, precision, images_per_s, peak):
        return {"config": config, "precision": precision, "image_shape": [64, 64, 3],
                "filters": 64, "batch_size": 32, "images_per_s": images_per_s,
                "flops_per_image": 1e9, "flops_per_s": images_per_s * 1e9,
                "fraction_of_peak": images_per_s * 1e9 / peak, "peak_flops_per_s": peak}

    table = scaling.format_table([
        row("kg float32", "float32", 100.0, 400e9),
        row("torch float32+channels_last", "float32", 50.0, 400e9),
        row("kg mixed_bfloat16", "mixed_bfloat16", 200.0, 800e9)])
    lines = table.splitlines()
    assert lines[2] == ("| 64x64x3, 64 | 32 | 1000 | float32 | 10.00 | 20.00 | 2.00x "
                        "| 100 (25%) | 50 (12%) |")
    assert lines[3].endswith("| 5.00 | - | - | 200 (25%) | - |")
    assert lines[-1] == "peak: float32 400 GFLOP/s, mixed_bfloat16 800 GFLOP/s"


def test_sampling_times_generate_per_variant_and_precision():
    import throughput

    rows = throughput.sampling(["gan", "cyclegan"], ["float32"], 8, 1, evaluated=())
    assert [(row["variant"], row["call"]) for row in rows] == [("gan", "generate")]
    assert rows[0]["images_per_s"] > 0


def test_an_unknown_section_is_refused_before_any_work():
    with pytest.raises(SystemExit):
        benchmark.main(["--sections", "variants,bogus"])
