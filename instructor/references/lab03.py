"""Lab 03, softmax: the answers (chance_loss, my_softmax, build_softmax_regression) and the typical
mistakes its checks name.

`record()` runs them on the visible checks' cases (utils.softmax) and gives what the checks compare
with: the expected result of each case and each mistake's result on it.
"""
import numpy as np

from utils.softmax import chance_loss_cases, softmax_cases


def reference_softmax(z):
    """TensorFlow's softmax over the last axis, in float64: the independent reference for my_softmax."""
    import tensorflow as tf

    return tf.nn.softmax(np.asarray(z, dtype="float64"), axis=-1).numpy()


def reference_chance_loss(n_classes):
    """The cross-entropy loss of a model that gives each of n_classes the same probability: -log(1/n) = log n."""
    return 0.0 - float(np.log(1.0 / int(n_classes)))  # 0.0 - ...: never "-0.0"


def reference_softmax_regression():
    """Softmax regression on the 64 pixels of a digit, the recommended way: ten logits, a from-logits loss."""
    import tensorflow as tf

    model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(10)])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.5),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


# my_softmax on a batch: one max and/or one sum for the whole batch instead of one per row
def _exp_shifted(z, whole_batch):
    z = np.asarray(z, dtype=float)
    return np.exp(z - (z.max() if whole_batch else z.max(axis=-1, keepdims=True)))


def min_shift(z):
    """The shift by each row's smallest logit instead of its largest: e^z can still overflow."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.min(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


SOFTMAX_MISTAKES = {
    "one_max": lambda z: _exp_shifted(z, True) / _exp_shifted(z, True).sum(axis=-1, keepdims=True),
    "one_sum": lambda z: _exp_shifted(z, False) / _exp_shifted(z, False).sum(),
    "one_max_one_sum": lambda z: _exp_shifted(z, True) / _exp_shifted(z, True).sum(),
}

def _minus_log(x):
    with np.errstate(divide="ignore"):  # log(0) = -inf is the mistake's result
        return 0.0 - float(np.log(x))


# chance_loss: what each typical mistake returns for n classes
CHANCE_MISTAKES = {
    "negative": lambda n: float(np.log(1 / n)),  # the minus left out, or -log(n): n in place of 1/n (same number)
    "probability": lambda n: 1 / n,
    "log10": lambda n: float(np.log10(n)),
    "log2": lambda n: float(np.log2(n)),
    "all_classes": lambda n: n * float(np.log(n)),
    "one_minus": lambda n: 1 - 1 / n,
    "floor_division": lambda n: _minus_log(1 // n),  # 1 // n is 0 for n > 1: the loss is inf
}


def _softmax_regression_variant(output, loss):
    """The recommended model with its output layer or its loss swapped: the typical mistakes of Exercise 3."""
    import tensorflow as tf

    def build():
        model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), *output()])
        model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.5), loss=loss())
        return model
    return build


def _model_mistakes():
    import tensorflow as tf

    dense, losses = tf.keras.layers.Dense, tf.keras.losses
    sparse = lambda: losses.SparseCategoricalCrossentropy(from_logits=True)  # noqa: E731
    return {
        "softmax_layer": _softmax_regression_variant(lambda: [dense(10, activation="softmax")],
                                                     losses.SparseCategoricalCrossentropy),
        "probabilities_expected": _softmax_regression_variant(lambda: [dense(10)],
                                                              losses.SparseCategoricalCrossentropy),
        "one_hot_loss": _softmax_regression_variant(lambda: [dense(10)],
                                                    lambda: losses.CategoricalCrossentropy(from_logits=True)),
        "hidden_layer": _softmax_regression_variant(lambda: [dense(32, activation="relu"), dense(10)], sparse),
        "units": _softmax_regression_variant(lambda: [dense(1)], sparse),
    }


SOFTMAX_REGRESSION_MISTAKES = _model_mistakes  # {mistake key: builder}; built on call (TensorFlow loads late)


def _softmax_entry(z):
    """The right softmax of z, the min-shift mistake's result and, when z is a batch of several rows, the batch
    mistakes' results."""
    batch = np.ndim(z) == 2 and len(z) > 1
    mistakes = {"min_shift": min_shift, **(SOFTMAX_MISTAKES if batch else {})}
    return {"expected": reference_softmax(z), **{name: wrong(z) for name, wrong in mistakes.items()}}


def record():
    with np.errstate(all="ignore"):
        return {
            "my_softmax": [_softmax_entry(case.args[0]) for case in softmax_cases()],
            "chance_loss": [
                {"expected": reference_chance_loss(*case.args),
                 **{name: mistake(int(case.args[0])) for name, mistake in CHANCE_MISTAKES.items()}}
                for case in chance_loss_cases()],
        }
