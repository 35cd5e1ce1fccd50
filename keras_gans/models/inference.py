"""Running a network on many inputs at inference time, a chunk at a time."""

import numpy as np
from keras import ops


def run_in_batches(network, inputs, batch_size=256, clip=True):
    """`network(inputs)` in inference mode, `batch_size` rows at a time, as numpy.

    `inputs` is one array or a list of arrays with the same first axis. Returns
    float32, clipped to the image range [-1, 1] when `clip`.
    """
    inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    total = int(inputs[0].shape[0])
    outputs = []
    for start in range(0, total, batch_size):
        chunk = [x[start : start + batch_size] for x in inputs]
        result = network(chunk if len(chunk) > 1 else chunk[0], training=False)
        outputs.append(ops.convert_to_numpy(ops.cast(result, "float32")))
    result = np.concatenate(outputs, axis=0)
    return np.clip(result, -1.0, 1.0) if clip else result
