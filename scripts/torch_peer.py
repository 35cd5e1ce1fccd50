"""The PyTorch side of `scripts/benchmark.py --peer torch`: a DCGAN step in PyTorch on
networks built from a layer list that benchmark.py reads off a kg model.

Run by benchmark.py with the interpreter given as `--torch-python` (torch is an
optional benchmark dependency, never a library one; numpy and torch only here):

    python torch_peer.py --spec spec.json --data batches.npy --precision float32 \
        [--channels-last] [--threads 2]

It builds the generator and the discriminator from `spec.json` (written by
`peer.network_spec`: each layer's kind, channels, kernel, strides, padding, bias,
batch-norm momentum and epsilon, activation, and the shape of every layer's output),
checks that every layer's output has kg's shape and that the trainable parameter
counts are kg's, so the two networks cannot drift apart. Weights ~ N(0, 0.02) as kg's,
z ~ U[-1, 1] or N(0, 1) as the spec says, BCE-with-logits losses, Adam with the kg
optimizers' hyper-parameters. The step is written as pytorch/examples dcgan/main.py
writes it: D on the real batch and on `fake.detach()`, `optimizerD.step()`, then G's
loss through the updated D on the same fake (kg.DCGAN's shared generator pass).
`--precision bfloat16` runs the passes under `torch.autocast("cpu", torch.bfloat16)`.

It then serves requests, one per line on stdin: `run N` runs N steps over the batches
of `batches.npy` (steps x batch x height x width x channels, float32 in [-1, 1],
cycled) and prints one JSON line with the wall seconds, the process CPU seconds
(getrusage: all threads) and the last losses; `quit` (or the end of stdin) exits. The
process sleeps in between, so it takes no CPU while benchmark.py times the kg models.
"""

import argparse
import json
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class ToChannelsFirst(nn.Module):
    """kg's Reshape to (height, width, channels), as torch's (channels, height, width)."""

    def __init__(self, shape):
        super().__init__()
        self.height, self.width, self.channels = shape

    def forward(self, x):
        return x.view(-1, self.channels, self.height, self.width)


def _conv(layer, transposed):
    (in_height, _, in_channels), (out_height, _, out_channels) = layer["input"], layer["output"]
    kernel, stride = layer["kernel"], layer["strides"]
    if layer["padding"] != "same":
        raise ValueError(f"Only 'same' padding is mirrored. Received: {layer}")
    padding = (kernel - 1) // 2
    if not transposed:
        return nn.Conv2d(in_channels, out_channels, kernel, stride, padding, bias=layer["bias"])
    # The output_padding that gives kg's output size (out = 2 x in for 'same', stride 2).
    output_padding = out_height - ((in_height - 1) * stride - 2 * padding + kernel)
    return nn.ConvTranspose2d(in_channels, out_channels, kernel, stride, padding,
                              output_padding=output_padding, bias=layer["bias"])


def build(layers):
    """An `nn.Sequential` of the spec's layers (channels-first)."""
    modules = []
    for layer in layers:
        kind = layer["kind"]
        if kind == "dense":
            modules.append(nn.Linear(layer["input"][-1], layer["output"][-1], bias=layer["bias"]))
        elif kind == "reshape":
            modules.append(ToChannelsFirst(layer["output"]))
        elif kind in ("conv", "conv_transpose"):
            modules.append(_conv(layer, kind == "conv_transpose"))
        elif kind == "batch_norm":
            # Keras's moving = momentum * moving + (1 - momentum) * batch; torch's
            # momentum is the weight of the batch.
            modules.append(nn.BatchNorm2d(layer["output"][-1], eps=layer["epsilon"],
                                          momentum=1.0 - layer["momentum"]))
        elif kind == "leaky_relu":
            modules.append(nn.LeakyReLU(layer["negative_slope"]))
        elif kind == "flatten":
            modules.append(nn.Flatten())
        elif kind != "activation":
            raise ValueError(f"No PyTorch counterpart for the layer {layer}")
        activation = layer.get("activation", "linear")
        if activation != "linear":
            modules.append(ACTIVATIONS[activation]())
    network = nn.Sequential(*modules)
    for module in network.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return network


def check_shapes(network, layers, input_shape):
    """Raises unless each spec layer's output has kg's shape (channels-first here)."""
    x = torch.zeros((2, *input_shape))
    with torch.no_grad():
        outputs = {}
        for index, module in enumerate(network):
            x = module(x)
            outputs[index] = tuple(x.shape[1:])
    expected = [tuple(layer["output"]) for layer in layers]
    produced = [shape[1:] + shape[:1] if len(shape) == 3 else shape
                for shape in outputs.values()]
    missing = [shape for shape in expected if shape not in produced]
    if missing:
        raise ValueError(f"The PyTorch network misses kg's layer outputs {missing}")


def trainable(network):
    return sum(p.numel() for p in network.parameters() if p.requires_grad)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--precision", choices=["float32", "bfloat16"], default="float32")
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--threads", type=int, default=0, help="0: torch's default")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with open(args.spec) as file:
        spec = json.load(file)
    generator, discriminator = build(spec["generator"]), build(spec["discriminator"])
    height, width, channels = spec["image_shape"]
    check_shapes(generator, spec["generator"], (spec["latent_dim"],))
    check_shapes(discriminator, spec["discriminator"], (channels, height, width))
    counts = {"generator": trainable(generator), "discriminator": trainable(discriminator)}
    if counts != spec["trainable_parameters"]:
        raise ValueError(f"Parameter counts differ: torch {counts}, kg "
                         f"{spec['trainable_parameters']}")
    images = np.load(args.data)  # steps x batch x height x width x channels
    memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
    batches = [torch.from_numpy(np.ascontiguousarray(batch.transpose(0, 3, 1, 2)))
               .contiguous(memory_format=memory_format) for batch in images]
    if args.channels_last:
        generator = generator.to(memory_format=torch.channels_last)
        discriminator = discriminator.to(memory_format=torch.channels_last)
    step = make_step(generator, discriminator, spec, len(batches[0]),
                     args.precision == "bfloat16")
    print(json.dumps({"ready": True, "torch": torch.__version__,
                      "threads": torch.get_num_threads(), **counts}), flush=True)
    serve(step, batches)


def make_step(generator, discriminator, spec, batch_size, bfloat16):
    """One pytorch/examples-style DCGAN step; returns (d_loss, g_loss) as floats."""
    adam = spec["adam"]
    kwargs = {"lr": adam["learning_rate"], "betas": (adam["beta_1"], adam["beta_2"]),
              "eps": adam["epsilon"]}
    optimizer_d = torch.optim.Adam(discriminator.parameters(), **kwargs)
    optimizer_g = torch.optim.Adam(generator.parameters(), **kwargs)
    criterion = nn.BCEWithLogitsLoss()
    real_label, fake_label = torch.ones(batch_size), torch.zeros(batch_size)
    shape = (batch_size, spec["latent_dim"])

    def autocast():
        return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16)

    def step(real):
        discriminator.zero_grad()
        with autocast():
            error_real = criterion(discriminator(real).view(-1).float(), real_label)
        error_real.backward()
        z = torch.rand(shape) * 2 - 1 if spec["latent"] == "uniform" else torch.randn(shape)
        with autocast():
            fake = generator(z)
            error_fake = criterion(discriminator(fake.detach()).view(-1).float(), fake_label)
        error_fake.backward()
        optimizer_d.step()
        generator.zero_grad()
        with autocast():
            error_g = criterion(discriminator(fake).view(-1).float(), real_label)
        error_g.backward()
        optimizer_g.step()
        return error_real.item() + error_fake.item(), error_g.item()

    return step


def serve(step, batches):
    done = 0
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        steps = int(words[1])
        start, start_cpu = time.perf_counter(), cpu_seconds()
        for _ in range(steps):
            losses = step(batches[done % len(batches)])
            done += 1
        print(json.dumps({"wall": time.perf_counter() - start,
                          "cpu": cpu_seconds() - start_cpu, "losses": losses}), flush=True)


if __name__ == "__main__":
    main()
