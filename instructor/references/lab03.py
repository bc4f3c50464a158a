"""Lab 03, softmax: the answers (my_softmax, cross_entropy_loss) and the typical mistakes its checks name.

`record()` runs them on the visible checks' cases (utils.softmax) and gives what the checks compare
with: the expected result of each case and each mistake's result on it.
"""
import numpy as np

from utils.softmax import cross_entropy_cases, softmax_cases


def reference_softmax(z):
    """TensorFlow's softmax over the last axis, in float64: the independent reference for my_softmax."""
    import tensorflow as tf

    return tf.nn.softmax(np.asarray(z, dtype="float64"), axis=-1).numpy()


def reference_cross_entropy(a, y):
    """Cross-entropy loss of one example: -log(a[y]) for probabilities a and true class y."""
    return 0.0 - float(np.log(np.asarray(a, dtype=float)[int(y)]))  # 0.0 - ...: never "-0.0"


# my_softmax on a batch: one max and/or one sum for the whole batch instead of one per row
def _exp_shifted(z, whole_batch):
    z = np.asarray(z, dtype=float)
    return np.exp(z - (z.max() if whole_batch else z.max(axis=-1, keepdims=True)))


SOFTMAX_MISTAKES = {
    "one_max": lambda z: _exp_shifted(z, True) / _exp_shifted(z, True).sum(axis=-1, keepdims=True),
    "one_sum": lambda z: _exp_shifted(z, False) / _exp_shifted(z, False).sum(),
    "one_max_one_sum": lambda z: _exp_shifted(z, True) / _exp_shifted(z, True).sum(),
}

CROSS_ENTROPY_MISTAKES = {
    "missing_minus": lambda a, y: np.log(a[y]),
    "log10": lambda a, y: -np.log10(a[y]),
    "each_class": lambda a, y: -np.log(a),  # -log(a[k]) for every class k: the wrong class's loss is one of them
    "sum_over_classes": lambda a, y: -np.sum(np.log(a)),
    "one_minus": lambda a, y: 1 - a[y],
}


def _softmax_entry(z):
    """The right softmax of z and, when z is a batch of several rows, the batch mistakes' results."""
    batch = np.ndim(z) == 2 and len(z) > 1
    mistakes = SOFTMAX_MISTAKES if batch else {}
    return {"expected": reference_softmax(z), **{name: wrong(z) for name, wrong in mistakes.items()}}


def record():
    with np.errstate(all="ignore"):
        return {
            "my_softmax": [_softmax_entry(case.args[0]) for case in softmax_cases()],
            "cross_entropy_loss": [
                {"expected": reference_cross_entropy(*case.args),
                 **{name: mistake(np.asarray(case.args[0], dtype=float), int(case.args[1]))
                    for name, mistake in CROSS_ENTROPY_MISTAKES.items()}}
                for case in cross_entropy_cases()],
        }
