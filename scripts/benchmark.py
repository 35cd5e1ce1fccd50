"""Train-step throughput of every variant against a keras-io-style reference.

    python scripts/benchmark.py --repeats 5 --pipeline   # every variant, float32 and bf16
    python scripts/benchmark.py --variants dcgan --precision float32 --configs ours \
        --pipeline   # and the input pipeline alone, fit with and without per-batch checks
    python scripts/benchmark.py --variants dcgan --repeats 15 \
        --configs reference,ours,ours+unshared,ours+spe4,ours+jit   # ablations
    python scripts/benchmark.py --quality --epochs 1 --seeds 0,1    # DCGAN FID check
    python scripts/benchmark.py --peer torch --torch-python /work/torchvenv/bin/python \
        --steps 469 --repeats 5 --configs ours      # kg.DCGAN against PyTorch (peer.py)

Results and how to read them: docs/performance.md.

**Throughput.** For each variant and precision, two models with the same networks,
optimizers and initial weights: *ours* (the library's `train_step`, compiled as a user
compiles it: `model.compile()`), and a *reference* whose `train_step` is written the way
the keras-io GAN examples write theirs (`REFERENCES` below): a generator pass on fresh
noise for each of the two updates, separate real and fake discriminator passes, a plain
`tf.GradientTape` and `optimizer.apply_gradients`, `keras.random` with a
`SeedGenerator`, Keras's own `compile` defaults (`jit_compile="auto"`, which is off on a
CPU; `steps_per_execution=1`). The reference is its own code: changing ours does not
change it. Each model is traced and warmed up, then `--repeats` rounds run
`fit(--steps cached batches)` on each in turn (order alternating), together with a
peak-FLOP measurement, so background load hits all alike. Printed per model: median
images/s; the ratio to the first config (the median of per-round ratios); the ratio of
the best rounds; the CPU-time ratio (images per CPU-second of the process, the figure
that stays stable when other jobs share the cores). Images/s counts the real
images consumed (one `fit` batch per step; `DEFAULT_BATCH_SIZE` of the variant, so 320
for WGAN, of which 64 go to each critic update).

**FLOPs.** The train step is traced once (`tf.function(model.train_step)`) on a batch of
static shape; the multiply-adds of every matrix product and convolution (forward,
input gradient, filter gradient) in that graph are counted from their static shapes,
keeping only ops whose result reaches a variable update or an output (TensorFlow prunes
the rest, e.g. the discriminator's filter gradients in the generator update).
Element-wise work (batch norm, activations, the optimizer) is not counted: the figure is
the dense-algebra FLOP rate. Peak: the best of a 2048^3 matrix product and a 3x3
convolution (64 x 28 x 28 x 256 -> 256), in the same compute dtype, measured in every
round.

**Quality** (`--quality`): trains DCGAN `--epochs` epochs on Fashion-MNIST per seed
with the unshared step (`shared_generator_pass=False`, Algorithm 1) and the shared one,
and prints the domain FID and KID of 10,000 samples against the test split.
"""

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

import keras_gans as kg  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer  # noqa: E402 (beside this file)

PRECISIONS = ("float32", "mixed_bfloat16")


# --------------------------------------------------------------------- references
#
# One subclass per variant: the networks, optimizers and `compile` are the variant's,
# the train step is written out plainly as a keras-io example writes it. Each computes
# the same losses in the same order as the variant's paper (and our step).


def _bce(labels_value, logits):
    # keras-io: keras.losses.BinaryCrossentropy(from_logits=True) against 1s or 0s.
    logits = ops.cast(logits, "float32")
    return keras.losses.BinaryCrossentropy(from_logits=True)(
        ops.full(ops.shape(logits), labels_value), logits
    )


class ReferenceMixin:
    """The parts every reference shares: keras.random noise and Mean trackers."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)  # the variant's constructor: networks, seed
        self.noise_seed = keras.random.SeedGenerator(self.seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def noise(self, batch_size):
        shape = (batch_size, self.latent_dim)
        if self.LATENT_DISTRIBUTION == "uniform":
            return keras.random.uniform(shape, -1.0, 1.0, seed=self.noise_seed)
        return keras.random.normal(shape, seed=self.noise_seed)

    def report(self, d_loss, g_loss):
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def _gan_reference_step(model, real, labels=None):
    """keras-io's DCGAN / conditional GAN step, with separate real and fake D passes."""
    batch_size = ops.shape(real)[0]
    generator_inputs = (lambda z: z) if labels is None else (lambda z: [z, labels])
    discriminator_inputs = (lambda x: x) if labels is None else (lambda x: [x, labels])

    # Train the discriminator.
    fake = model.generator(generator_inputs(model.noise(batch_size)), training=True)
    with tf.GradientTape() as tape:
        real_logits = model.discriminator(discriminator_inputs(real), training=True)
        fake_logits = model.discriminator(discriminator_inputs(fake), training=True)
        d_loss = _bce(1.0, real_logits) + _bce(0.0, fake_logits)
    grads = tape.gradient(d_loss, model.discriminator.trainable_weights)
    model.discriminator_optimizer.apply_gradients(
        zip(grads, model.discriminator.trainable_weights)
    )

    # Train the generator on fresh noise ("misleading labels": all real).
    z = model.noise(batch_size)
    with tf.GradientTape() as tape:
        fake = model.generator(generator_inputs(z), training=True)
        g_loss = _bce(1.0, model.discriminator(discriminator_inputs(fake), training=True))
    grads = tape.gradient(g_loss, model.generator.trainable_weights)
    model.generator_optimizer.apply_gradients(zip(grads, model.generator.trainable_weights))
    return d_loss, g_loss


class ReferenceGAN(ReferenceMixin, kg.GAN):
    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        return self.report(*_gan_reference_step(self, real))


class ReferenceDCGAN(ReferenceGAN, kg.DCGAN):
    """ReferenceGAN's step on kg.DCGAN's networks (the reference ignores
    `shared_generator_pass`: it always draws fresh noise for the generator)."""


class ReferenceCGAN(ReferenceMixin, kg.CGAN):
    def noise(self, batch_size):
        return self._to_prior(super().noise(batch_size))

    def train_step(self, data):
        real, labels = data
        labels = ops.reshape(ops.cast(labels, "int32"), (-1, 1))
        return self.report(*_gan_reference_step(self, real, labels))


class ReferenceWGAN(ReferenceMixin, kg.WGAN):
    """keras-io's WGAN-GP loop without the penalty, with clipping, and a distinct real
    minibatch per critic update (keras-io reuses one: a known defect not copied)."""

    def critic_loss(self, real, fake):
        return ops.mean(ops.cast(self.critic(fake, training=True), "float32")) - ops.mean(
            ops.cast(self.critic(real, training=True), "float32")
        )

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        size = ops.shape(real)[0] // self.critic_steps
        for step in range(self.critic_steps):
            real_minibatch = tf.gather(real, step + self.critic_steps * tf.range(size))
            fake = self.generator(self.noise(size), training=True)
            with tf.GradientTape() as tape:
                d_loss = self.critic_loss(real_minibatch, fake)
            grads = tape.gradient(d_loss, self.critic.trainable_weights)
            self.critic_optimizer.apply_gradients(zip(grads, self.critic.trainable_weights))
            if self.clip_value is not None:
                for weight in self.critic.trainable_weights:
                    weight.assign(tf.clip_by_value(weight, -self.clip_value, self.clip_value))
        z = self.noise(size)
        with tf.GradientTape() as tape:
            g_loss = -ops.mean(
                ops.cast(self.critic(self.generator(z, training=True), training=True), "float32")
            )
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.generator_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        return self.report(d_loss, g_loss)


class ReferenceWGANGP(ReferenceWGAN, kg.WGANGP):
    """keras-io's wgan_gp.py step: the penalty at one uniform alpha per example."""

    def critic_loss(self, real, fake):
        batch_size = ops.shape(real)[0]
        alpha = keras.random.uniform((batch_size, 1, 1, 1), seed=self.noise_seed)
        real32, fake32 = ops.cast(real, "float32"), ops.cast(fake, "float32")
        interpolated = real32 + alpha * (fake32 - real32)
        with tf.GradientTape() as penalty_tape:
            penalty_tape.watch(interpolated)
            scores = ops.cast(self.critic(interpolated, training=True), "float32")
        grads = ops.cast(penalty_tape.gradient(scores, [interpolated])[0], "float32")
        # keras-io takes sqrt(sum g^2), NaN-prone at 0; the epsilon keeps it finite.
        norm = ops.sqrt(ops.sum(ops.square(grads), axis=[1, 2, 3]) + 1e-12)
        penalty = ops.mean((norm - 1.0) ** 2)
        return super().critic_loss(real, fake) + self.gradient_penalty_weight * penalty


class ReferenceCycleGAN(ReferenceMixin, kg.CycleGAN):
    """keras-io's cyclegan.py losses, updating G then D as the authors' code does (our
    order), with the history pool, so that both compute the same thing."""

    def train_step(self, data):
        real_a, real_b = data
        generator_weights = (self.generator_a_to_b.trainable_weights
                             + self.generator_b_to_a.trainable_weights)
        with tf.GradientTape() as tape:
            fake_b = self.generator_a_to_b(real_a, training=True)
            fake_a = self.generator_b_to_a(real_b, training=True)
            cycled_a = self.generator_b_to_a(fake_b, training=True)
            cycled_b = self.generator_a_to_b(fake_a, training=True)
            same_a = self.generator_b_to_a(real_a, training=True)
            same_b = self.generator_a_to_b(real_b, training=True)
            score_fake_a = ops.cast(self.discriminator_a(fake_a, training=True), "float32")
            score_fake_b = ops.cast(self.discriminator_b(fake_b, training=True), "float32")
            adversarial = (ops.mean(ops.square(score_fake_b - 1.0))
                           + ops.mean(ops.square(score_fake_a - 1.0)))
            cycle = (ops.mean(ops.abs(real_a - cycled_a)) + ops.mean(ops.abs(real_b - cycled_b)))
            identity = (ops.mean(ops.abs(real_b - same_b)) + ops.mean(ops.abs(real_a - same_a)))
            g_loss = adversarial + self.cycle_weight * cycle + self.identity_weight * identity
        grads = tape.gradient(g_loss, generator_weights)
        self.generator_optimizer.apply_gradients(zip(grads, generator_weights))

        fake_a = self.pool_a.query(fake_a, self._draw_key("pool_a"))
        fake_b = self.pool_b.query(fake_b, self._draw_key("pool_b"))
        discriminator_weights = (self.discriminator_a.trainable_weights
                                 + self.discriminator_b.trainable_weights)
        with tf.GradientTape() as tape:
            d_loss = 0.0
            for network, real, fake in ((self.discriminator_a, real_a, fake_a),
                                        (self.discriminator_b, real_b, fake_b)):
                real_score = ops.cast(network(real, training=True), "float32")
                fake_score = ops.cast(network(fake, training=True), "float32")
                d_loss += 0.5 * (ops.mean(ops.square(real_score - 1.0))
                                 + ops.mean(ops.square(fake_score)))
        grads = tape.gradient(d_loss, discriminator_weights)
        self.discriminator_optimizer.apply_gradients(zip(grads, discriminator_weights))
        self.step_counter.assign_add(1)  # keys the pool's draws, as ours does
        return self.report(d_loss, g_loss)


class ReferenceBiGAN(ReferenceMixin, kg.BiGAN):
    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        batch_size = ops.shape(real)[0]
        z = self.noise(batch_size)
        encoded = self.encoder(real, training=True)
        fake = self.generator(z, training=True)
        with tf.GradientTape() as tape:
            real_logits = self.discriminator([real, encoded], training=True)
            fake_logits = self.discriminator([fake, z], training=True)
            d_loss = _bce(1.0, real_logits) + _bce(0.0, fake_logits)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.discriminator_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights))

        z = self.noise(batch_size)
        weights = self.generator.trainable_weights + self.encoder.trainable_weights
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(
                [real, self.encoder(real, training=True)], training=True)
            fake_logits = self.discriminator(
                [self.generator(z, training=True), z], training=True)
            g_loss = _bce(0.0, real_logits) + _bce(1.0, fake_logits)  # the inverted labels
        grads = tape.gradient(g_loss, weights)
        self.generator_optimizer.apply_gradients(zip(grads, weights))
        return self.report(d_loss, g_loss)


class UnorderedCriticUpdates:
    """Ablation (`ours+unordered`, WGAN and WGAN-GP): our step without the explicit
    control dependencies that make each critic update, generator pass included, wait
    for the previous one. They order the replicas' collectives under a strategy; on
    one device TensorFlow's automatic control dependencies already order every read
    and write of the critic's variables, so the result is the same, and the generator
    passes of later critic updates may run while a critic update is still running."""

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        minibatches = self.critic_minibatches(real)
        for step, real_minibatch in enumerate(minibatches):
            critic_logs = self.critic_update(real_minibatch, step)
        z = self.sample_latent(ops.shape(minibatches[0])[0], "generator_step")
        generator_loss = self.apply_update(
            "generator_optimizer",
            lambda: kg.losses.wasserstein_generator_loss(
                self.critic(self.generator(z, training=True), training=True)
            ),
        )
        return self.finish_step(generator_loss=generator_loss, **critic_logs)


REFERENCES = {
    "gan": ReferenceGAN,
    "dcgan": ReferenceDCGAN,
    "wgan": ReferenceWGAN,
    "wgan_gp": ReferenceWGANGP,
    "cgan": ReferenceCGAN,
    "cyclegan": ReferenceCycleGAN,
    "bigan": ReferenceBiGAN,
}

# Train steps per timed round: about 1.5 s of work each on this machine when it is
# quiet (a WGAN step is 5 critic updates on 64 images and a generator update).
STEPS = {"gan": 24, "dcgan": 8, "wgan": 3, "wgan_gp": 2, "cgan": 8, "cyclegan": 48,
         "bigan": 12}

# What ours does differently from its reference (printed with the results).
DIFFERENCES = {
    "gan": "none: Algorithm 1 as the reference (shared_generator_pass=False by default)",
    "dcgan": "one generator pass shared by both updates (shared_generator_pass=True)",
    "wgan": "none: the same step",
    "wgan_gp": "none: the same step",
    "cgan": "none: the same step",
    "cyclegan": "none: the same step",
    "bigan": "none: the same step",
}


# --------------------------------------------------------------------- data

def batches(variant, batch_size, steps):
    """`steps` Fashion-MNIST batches of the variant's kind, cached in memory."""
    data = training_pipeline(variant, batch_size).take(steps).cache()
    for _ in data:  # fill the cache now, not in the first timed round
        pass
    return data.prefetch(2)


# --------------------------------------------------------------------- FLOPs

_MATMULS = ("MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3")
_CONVS = ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter")


def _shape(tensor):
    shape = tensor.shape
    if shape.rank is None or None in shape.as_list():
        return None
    return shape.as_list()


def _op_flops(op):
    """2 x multiply-adds of one matrix product or convolution, from static shapes."""
    if op.type in _MATMULS:
        a, b = _shape(op.inputs[0]), _shape(op.inputs[1])
        out = _shape(op.outputs[0])
        if a is None or out is None:
            return None
        transpose_a = op.get_attr("adj_x" if "Batch" in op.type else "transpose_a")
        inner = a[-2] if transpose_a else a[-1]
        return 2 * int(np.prod(out)) * inner
    if op.type == "Conv2D":
        filters, out = _shape(op.inputs[1]), _shape(op.outputs[0])
    elif op.type == "Conv2DBackpropInput":  # also a transposed convolution's forward pass
        filters, out = _shape(op.inputs[1]), _shape(op.inputs[2])
    else:  # Conv2DBackpropFilter: input, filter_sizes, out_backprop
        out, filters = _shape(op.inputs[2]), _shape(op.outputs[0])
    if filters is None or out is None:
        return None
    # Every output element of the strided (smaller) side costs kh * kw * C_in MACs.
    kernel_height, kernel_width, in_channels, _ = filters
    return 2 * int(np.prod(out)) * kernel_height * kernel_width * in_channels


def count_step_flops(model, data, batch_size):
    """Dense-algebra FLOPs of one train step on one batch of `data` (see module doc)."""
    spec = tf.nest.map_structure(
        lambda s: tf.TensorSpec([batch_size] + s.shape.as_list()[1:], s.dtype),
        data.element_spec,
    )
    concrete = tf.function(model.train_step).get_concrete_function(spec)
    graph = concrete.graph
    # Keep what TensorFlow runs: ops reaching an output or a stateful sink.
    live, frontier = set(), list(graph.outputs) + list(graph.control_outputs)
    frontier = [t.op if hasattr(t, "op") else t for t in frontier]
    while frontier:
        op = frontier.pop()
        if op.name in live:
            continue
        live.add(op.name)
        frontier.extend(t.op for t in op.inputs)
        frontier.extend(op.control_inputs)
    total, unknown = 0, 0
    for op in graph.get_operations():
        if op.name not in live or op.type not in _MATMULS + _CONVS:
            continue
        flops = _op_flops(op)
        if flops is None:
            unknown += 1
        else:
            total += flops
    return total, unknown


class Peak:
    """Best FLOP rate of a large matrix product and a convolution in one dtype."""

    def __init__(self, dtype):
        self.dtype = dtype
        rng = tf.random.Generator.from_seed(0)
        n = 2048
        self.a = tf.cast(rng.normal((n, n)), dtype)
        self.b = tf.cast(rng.normal((n, n)), dtype)
        self.matmul_flops = 2 * n**3
        self.images = tf.cast(rng.normal((64, 28, 28, 256)), dtype)
        self.kernel = tf.cast(rng.normal((3, 3, 256, 256)), dtype)
        self.conv_flops = 2 * 64 * 28 * 28 * 256 * 3 * 3 * 256
        def matmul():
            return tf.reduce_sum(tf.matmul(self.a, self.b)[:1, :1])

        def conv():
            return tf.reduce_sum(tf.nn.conv2d(self.images, self.kernel, 1, "SAME")[:1, :1, :1, :1])

        self._matmul = tf.function(matmul, autograph=False)
        self._conv = tf.function(conv, autograph=False)
        self.rates = {"matmul": [], "conv": []}
        self.measure()  # trace and warm up

    def measure(self, repeats=3):
        for name, run, flops in (("matmul", self._matmul, self.matmul_flops),
                                 ("conv", self._conv, self.conv_flops)):
            best = 0.0
            for _ in range(repeats):
                start = time.perf_counter()
                run().numpy()
                best = max(best, flops / (time.perf_counter() - start))
            self.rates[name].append(best)

    def median(self):
        return max(statistics.median(self.rates["matmul"][1:] or self.rates["matmul"]),
                   statistics.median(self.rates["conv"][1:] or self.rates["conv"]))


# --------------------------------------------------------------------- throughput

def build(cls, precision, options=(), seed=0):
    """A compiled model of `cls` under `precision`, with the config's `options`."""
    kwargs = {"seed": seed}
    if "unordered" in options:
        cls = type("Unordered" + cls.__name__, (UnorderedCriticUpdates, cls), {})
    if "unshared" in options or "shared" in options:
        kwargs["shared_generator_pass"] = "shared" in options
    kg.distribute.set_precision(precision)
    try:
        model = cls(**kwargs)
        model.compile(jit_compile=True) if "jit" in options else model.compile()
    finally:
        kg.distribute.set_precision("float32")
    # CycleGAN's learning-rate schedule needs its length before a step is traced:
    # that of a long run, so the rate stays at its constant first half here.
    model.set_total_steps(1_000_000)
    for option in options:
        if option.startswith("spe"):
            model.steps_per_execution = int(option[3:])
    return model


def parse_config(config):
    """`"ours+jit+spe4"` -> ("ours", ("jit", "spe4"))."""
    name, *options = config.split("+")
    if name not in ("reference", "ours"):
        raise ValueError(f"A config starts with 'reference' or 'ours'. Received: {config!r}")
    known = ("jit", "shared", "unshared", "unordered")
    for option in options:
        if option not in known and not (option.startswith("spe") and option[3:].isdigit()):
            raise ValueError(f"Unknown option {option!r} in {config!r}. Known: {known}, speN.")
    return name, tuple(options)


def benchmark(variant_names, precisions, steps, repeats, configs=("reference", "ours"),
              batch_size=None, pipeline=False, log=print):
    """Throughput of each config per variant and precision; ratios to `configs[0]`."""
    results = []
    peaks = {}
    for name in variant_names:
        variant = kg.models.get(name)
        size = batch_size or variant.DEFAULT_BATCH_SIZE
        count = steps or STEPS[name]
        cached = batches(variant, size, count)
        images_per_round = count * size
        classes = {"reference": REFERENCES[name], "ours": variant}
        parsed = {config: parse_config(config) for config in configs}
        # The step graph is the same in every precision: counted once, in float32.
        flops = {}
        for config, (kind, options) in parsed.items():
            graph_key = (kind, "shared" in options, "unshared" in options,
                         "unordered" in options)
            if graph_key not in flops:
                model = build(classes[kind], "float32", options)
                flops[graph_key] = count_step_flops(model, cached, size)[0] / size
            flops[config] = flops[graph_key]
        for precision in precisions:
            models = {}
            for config, (kind, options) in parsed.items():
                models[config] = build(classes[kind], precision, options)
                for _ in range(2):  # trace, then warm up
                    models[config].fit(cached.take(2), epochs=1, verbose=0)
            dtype = "bfloat16" if precision == "mixed_bfloat16" else "float32"
            if dtype not in peaks:
                peaks[dtype] = Peak(dtype)
            peak = peaks[dtype]
            wall = {config: [] for config in configs}
            cpu = {config: [] for config in configs}
            for round_index in range(repeats):
                # Alternate the order, so that none always runs right after the peak test.
                order = list(configs) if round_index % 2 == 0 else list(configs)[::-1]
                for config in order:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    models[config].fit(cached, epochs=1, verbose=0)
                    wall[config].append(images_per_round / (time.perf_counter() - start))
                    cpu[config].append(images_per_round / (time.process_time() - start_cpu))
                peak.measure()
            peak_rate = peak.median()
            first = configs[0]
            for config in configs:
                # Runs of one round are adjacent in time and see the same background
                # load: the median of the per-round ratios is the figure reported.
                paired = [a / b for a, b in zip(wall[config], wall[first])]
                paired_cpu = [a / b for a, b in zip(cpu[config], cpu[first])]
                row = {
                    "variant": name, "precision": precision, "config": config,
                    "batch_size": size, "steps": count, "repeats": repeats,
                    "images_per_s": statistics.median(wall[config]),
                    "ratio": statistics.median(paired),
                    "round_ratios": paired,
                    # Load only ever slows a round down: the best rounds of each
                    # estimate the speeds on a quiet machine.
                    "best_ratio": max(wall[config]) / max(wall[first]),
                    "cpu_time_ratio": statistics.median(paired_cpu),
                    "images_per_cpu_s": statistics.median(cpu[config]),
                    "flops_per_image": flops[config],
                    "peak_flops_per_s": peak_rate,
                    "peak_matmul_per_s": statistics.median(peak.rates["matmul"]),
                    "peak_conv_per_s": statistics.median(peak.rates["conv"]),
                    "fraction_of_peak": statistics.median(wall[config]) * flops[config]
                    / peak_rate,
                    "rates": wall[config],
                    "difference": DIFFERENCES[name] if config == "ours" else "",
                }
                results.append(row)
                log(format_row(row))
        if pipeline:
            rate, cpu_rate = measure_pipeline(variant, size, 50, 5)
            results.append({"variant": name, "config": "input pipeline",
                            "images_per_s": rate, "images_per_cpu_s": cpu_rate})
            log(f"{name:8s} input pipeline (kg.data.load, batch {size}): {rate:.0f} img/s, "
                f"{cpu_rate:.0f} img per CPU-second")
            row = measure_checks(variant, cached, images_per_round, repeats)
            results.append({"variant": name, "config": "per-batch checks", **row})
            log(f"{name:8s} per-batch checks (batch {size}): fit {row['checked_images_per_s']:.0f}"
                f" img/s with, {row['unchecked_images_per_s']:.0f} without: ratio "
                f"{row['ratio']:.3f} (rounds {min(row['round_ratios']):.3f}-"
                f"{max(row['round_ratios']):.3f}), CPU time {row['cpu_time_ratio']:.3f}; "
                f"load average {os.getloadavg()[0]:.2f}")
    return results


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


def measure_checks(variant, cached, images_per_round, repeats):
    """Throughput of `fit` with the per-batch checks (`GANModel.fit`: every batch checked
    in the pipeline before its train step) against without (Keras's own `fit` on the
    same model and batches), alternating rounds. Returns medians and per-round ratios."""
    model = build(variant, "float32")
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


def format_row(row):
    return (
        f"{row['variant']:8s} {row['precision']:14s} {row['config']:18s} batch "
        f"{row['batch_size']:3d}: {row['images_per_s']:7.0f} img/s, ratio "
        f"{row['ratio']:.2f} (rounds {min(row['round_ratios']):.2f}-"
        f"{max(row['round_ratios']):.2f}, best rounds {row['best_ratio']:.2f}, CPU time "
        f"{row['cpu_time_ratio']:.2f}), "
        f"{row['flops_per_image'] / 1e6:.1f} MFLOP/img, "
        f"{row['fraction_of_peak']:.1%} of peak {row['peak_flops_per_s'] / 1e9:.0f} GFLOP/s"
    )


# --------------------------------------------------------------------- quality

def quality(epochs, seeds, num_samples, log=print):
    """DCGAN trained `epochs` epochs per seed, unshared vs shared generator pass."""
    evaluator = kg.evaluation.Evaluator("fashion_mnist", split="test")
    results = []
    for seed in seeds:
        for shared in (False, True):
            data = kg.data.load("fashion_mnist", batch_size=kg.DCGAN.DEFAULT_BATCH_SIZE,
                                seed=seed)
            model = kg.DCGAN(seed=seed, shared_generator_pass=shared)
            model.compile()
            start = time.perf_counter()
            model.fit(data, epochs=epochs, verbose=0)
            seconds = time.perf_counter() - start
            metrics = evaluator.evaluate(model, num_samples=num_samples, seed=0)
            row = {"seed": seed, "shared_generator_pass": shared, "epochs": epochs,
                   "train_seconds": seconds, **metrics}
            results.append(row)
            log(f"dcgan seed {seed} shared_generator_pass={shared}: {epochs} epochs in "
                f"{seconds:.0f} s, FID {metrics['fid']:.2f}, KID {metrics['kid']:.4g} "
                f"+- {metrics['kid_std']:.2g}")
    return results


# --------------------------------------------------------------------- peer

def run_peer(args, log):
    """`--peer torch`: kg.DCGAN (and its reference) against PyTorch, one run."""
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    if set(configs) - {"ours", "reference"} or "ours" not in configs:
        raise SystemExit("--peer takes --configs ours or ours,reference")
    steps = args.steps or 469  # one epoch of Fashion-MNIST at batch 128
    size = args.batch_size or kg.DCGAN.DEFAULT_BATCH_SIZE
    data = batches(kg.DCGAN, size, steps)
    precisions = [p.strip() for p in args.precision.split(",") if p.strip()]
    torch_configs = [c.strip() for c in args.torch_configs.split(",") if c.strip()]
    return peer.peer_benchmark(
        build, REFERENCES["dcgan"] if "reference" in configs else None, data, steps,
        args.repeats, precisions, args.torch_python, torch_configs,
        threads=args.torch_threads, autotuned=args.autotuned,
        kg_threads=[int(t) for t in args.kg_threads.split(",") if t.strip()], log=log)


# --------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", default=",".join(kg.models.VARIANTS),
                        help="comma-separated variant names (default: all)")
    parser.add_argument("--precision", default=",".join(PRECISIONS),
                        help="comma-separated: float32, mixed_bfloat16")
    parser.add_argument("--steps", type=int, default=None,
                        help="train steps per timed round; default: a per-variant "
                        "count of about 1.5 s of work (STEPS)")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds per model")
    parser.add_argument("--configs", default="reference,ours",
                        help="comma-separated models to alternate, ratios to the first: "
                        "reference or ours, each with +options: jit (XLA), speN "
                        "(steps_per_execution N), shared / unshared (GAN, DCGAN), "
                        "unordered (WGAN, WGAN-GP: see UnorderedCriticUpdates), "
                        "e.g. reference,ours,ours+jit,ours+spe4")
    parser.add_argument("--pipeline", action="store_true",
                        help="also time the library's input pipeline alone, and fit "
                        "with the per-batch checks against without them")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="default: each variant's DEFAULT_BATCH_SIZE")
    parser.add_argument("--quality", action="store_true",
                        help="train DCGAN unshared vs shared and print domain FID/KID")
    parser.add_argument("--epochs", type=int, default=2, help="--quality: epochs per run")
    parser.add_argument("--seeds", default="0,1", help="--quality: model and data seeds")
    parser.add_argument("--num-samples", type=int, default=10000,
                        help="--quality: generated images per FID")
    parser.add_argument("--peer", choices=["torch"], default=None,
                        help="DCGAN against the same networks in PyTorch (see peer.py); "
                        "--configs: 'ours' alone, or with 'reference'")
    parser.add_argument("--torch-python", default=os.environ.get("KG_TORCH_PYTHON", "python"),
                        help="--peer: a Python interpreter with torch installed")
    parser.add_argument("--torch-configs", default=",".join(peer.TORCH_CONFIGS),
                        help="--peer: PyTorch configurations, comma-separated")
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="--peer: torch.set_num_threads (0: its default)")
    parser.add_argument("--kg-threads", default="",
                        help="--peer: also ours in float32 on these TensorFlow thread "
                        "counts, each in a process of its own, e.g. 1")
    parser.add_argument("--autotuned", action="store_true",
                        help="--peer: also time ours on a tf.data dataset that keeps "
                        "autotuning on (fit's idle gap before it was removed)")
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args(argv)

    def log(line):
        print(line, flush=True)

    log(f"{os.cpu_count()} CPU cores, TensorFlow {tf.__version__}, Keras {keras.__version__}")
    if args.peer:
        results = run_peer(args, log)
    elif args.quality:
        results = quality(args.epochs, [int(s) for s in args.seeds.split(",")],
                          args.num_samples, log=log)
    else:
        names = [n.strip() for n in args.variants.split(",") if n.strip()]
        precisions = [p.strip() for p in args.precision.split(",") if p.strip()]
        for precision in precisions:
            if precision not in PRECISIONS:
                parser.error(f"--precision takes {PRECISIONS}; received {precision!r}")
        for name in names:
            kg.models.get(name)  # a clear error for an unknown name, before any work
        for name in names:
            log(f"{name}: ours differs from the reference by: {DIFFERENCES[name]}")
        configs = [c.strip() for c in args.configs.split(",") if c.strip()]
        for config in configs:
            try:
                parse_config(config)
            except ValueError as error:
                parser.error(str(error))
        results = benchmark(names, precisions, args.steps, args.repeats, configs=configs,
                            batch_size=args.batch_size, pipeline=args.pipeline, log=log)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=1)
    return results


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
