"""The keras-io-style reference of every variant, the model `benchmark.py` times ours
against (`REFERENCES`), what ours does differently (`DIFFERENCES`), and an ablation.

One subclass per variant: the networks, optimizers and initial weights are the
variant's, and `compile` is Keras's own (`jit_compile="auto"`, off on a CPU;
`steps_per_execution=1`); the `train_step` is written out plainly, the way the keras-io
GAN examples write theirs: a generator pass on fresh noise for each of the two updates,
separate real and fake discriminator passes, a plain `tf.GradientTape` and
`optimizer.apply_gradients`, `keras.random` with a `SeedGenerator`. Each computes the
same losses in the same order as the variant's paper (and our step). The reference is
its own code: changing ours does not change it.
"""

import keras
import tensorflow as tf
from keras import ops

import keras_gans as kg


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
        return self._from_uniform(super().noise(batch_size))

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

