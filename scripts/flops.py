"""FLOPs of a train step, and the machine's measured peak FLOP rate.

**Counted from the graph** (`count_step_flops`, every variant): the train step is traced
once (`tf.function(model.train_step)`) on a batch of static shape; the multiply-adds of
every matrix product and convolution (forward, input gradient, filter gradient;
transposed convolutions are `Conv2DBackpropInput`) in that graph are counted from their
static shapes, keeping only ops whose result reaches a variable update or an output
(TensorFlow prunes the rest, e.g. the discriminator's filter gradients in the generator
update). Element-wise work (batch norm, activations, the optimizer) is not counted: the
figure is the dense-algebra FLOP rate, 2 FLOPs per multiply-add.

**Counted from the layer shapes** (`dcgan_step_flops`, DCGAN): the same figure written
out from the networks' layer list (`peer.network_spec`), for any image size and width,
without tracing; `tests/test_benchmark.py` checks that both counts agree.

**Peak** (`Peak`): the best of a 2048^3 matrix product and a 3x3 convolution
(64 x 28 x 28 x 256 -> 256) in one compute dtype, float32 or bfloat16.
"""

import statistics
import time

import numpy as np
import tensorflow as tf

# --------------------------------------------------------------------- from the graph

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
        a = _shape(op.inputs[0])
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


# --------------------------------------------------------------------- peak

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


# --------------------------------------------------------------------- from layer shapes

def layer_macs(layer):
    """Multiply-adds per image of one layer of `peer.network_spec` (0: not dense algebra).

    A convolution costs kernel^2 x C_in x C_out per position of its output; a
    transposed convolution the same per position of its input (its strided, smaller
    side), as the graph's `Conv2DBackpropInput` counts it.
    """
    kind = layer["kind"]
    if kind == "dense":
        return layer["input"][-1] * layer["output"][-1]
    if kind not in ("conv", "conv_transpose"):
        return 0
    small, large = (layer["output"], layer["input"]) if kind == "conv" else (
        layer["input"], layer["output"])
    height, width, small_channels = small
    return height * width * small_channels * large[-1] * layer["kernel"] ** 2


def dcgan_step_flops(spec, shared_generator_pass=True, pytorch=False):
    """FLOPs per image of one DCGAN train step, from `spec`'s layer shapes.

    Forward F and filter gradients F of each network; input gradients of every layer
    whose input needs one. The discriminator update: D on real and fake (2 F_D), their
    filter gradients (2 F_D), their input gradients but the first layer's (nothing needs
    d loss / d images). The generator update: D on the fake (F_D), D's input gradients
    down to the images (F_D), G's filter gradients (F_G) and its input gradients but the
    first layer's (z needs none); G's forward pass once (shared) or twice. TensorFlow
    prunes D's filter gradients in the generator update; `pytorch=True` adds them
    (F_D), as PyTorch's `backward()` computes them.
    """
    generator = [layer_macs(layer) for layer in spec["generator"] if layer_macs(layer)]
    discriminator = [layer_macs(layer) for layer in spec["discriminator"] if layer_macs(layer)]
    forward_g, forward_d = sum(generator), sum(discriminator)
    discriminator_update = 4 * forward_d + 2 * (forward_d - discriminator[0])
    generator_update = 2 * forward_d + forward_g + (forward_g - generator[0])
    macs = (1 if shared_generator_pass else 2) * forward_g + discriminator_update \
        + generator_update + (forward_d if pytorch else 0)
    return 2 * macs
