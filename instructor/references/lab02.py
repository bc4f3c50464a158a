"""Lab 02's answers and typical mistakes: the activations, the output activations, folding linear layers.

`record()` runs them on the visible checks' cases (utils.activations.z_cases and sigmoid_cases) for
utils/expected/02_activations.json; the grader calls them on its own cases.
"""
import numpy as np

from utils.activations import fold_cases, sigmoid_cases, z_cases

# ----------------------------------------------------------------------------- the functions


def reference_sigmoid(z):
    """g(z) = 1 / (1 + exp(-z)), written so that no exp() can overflow (|z| as large as you like)."""
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def reference_relu(z):
    """g(z) = max(0, z), element by element."""
    return np.maximum(0.0, np.asarray(z, dtype=float))


def reference_sigmoid_derivative(z):
    """g'(z) = g(z) (1 - g(z))."""
    s = reference_sigmoid(z)
    return s * (1.0 - s)


def reference_relu_derivative(z):
    """g'(z) = 1 for z > 0, else 0 (at z = 0 we take 0, as TensorFlow does)."""
    return (np.asarray(z, dtype=float) > 0).astype(float)


def reference_tf_derivative(name):
    """The derivative of TensorFlow's own activation, by automatic differentiation (the grader's reference)."""
    def derivative(z):
        import tensorflow as tf

        z = tf.constant(np.asarray(z, dtype="float64"))
        with tf.GradientTape() as tape:
            tape.watch(z)
            out = tf.keras.activations.get(name)(z)
        return tape.gradient(out, z).numpy()
    return derivative


# ----------------------------------------------------------------------------- typical mistakes
# Each takes z and gives what a student's function with that mistake returns; the checks name them.

def sign_slip_sigmoid(z):
    """1 / (1 + exp(+z)), that is sigmoid(-z)."""
    return reference_sigmoid(-np.asarray(z, dtype=float))


MISTAKES = {
    "relu": {"absolute_value": lambda z: np.abs(np.asarray(z, dtype=float)),
             "negative_part": lambda z: np.minimum(0.0, np.asarray(z, dtype=float))},
    "sigmoid": {"sign_slip": sign_slip_sigmoid},
}


def np_max_relu(z):
    """np.max(0, z): np.max reduces the array 0, and its second argument is an axis, so z cannot be one."""
    return np.max(0, z)


# mistakes that raise: the record holds their error text ("TypeError: ..."), which the check matches
RAISING_MISTAKES = {"relu": {"np_max_axis": np_max_relu}}


def error_text(mistake, *args):
    """The 'ErrorType: message' a mistake raises on args (None if it returns)."""
    try:
        mistake(*args)
    except Exception as exc:  # noqa: BLE001 - any error is what the mistake does
        return f"{type(exc).__name__}: {exc}"
    return None

# ----------------------------------------------------------------------------- fold_linear_layers


def reference_fold_linear_layers(weights):
    """(W, b) of the one linear layer that computes what the stack of (kernel, bias) layers computes."""
    W, b = None, None
    for kernel, bias in weights:
        kernel, bias = np.asarray(kernel, dtype=float), np.asarray(bias, dtype=float)
        W, b = (kernel, bias) if W is None else (W @ kernel, b @ kernel + bias)
    return W, b


def fold_mistakes(weights):
    """The b each typical mistake gives (W right): None where the mistake cannot run on these shapes; for
    bias_from_new_W (W = W @ kernel, then b = b @ W + bias) the error text where it raises."""
    kernels = [np.asarray(k, dtype=float) for k, _ in weights]
    biases = [np.asarray(c, dtype=float) for _, c in weights]
    if len(weights) == 1:  # one layer: every mistake gives the right answer
        return dict.fromkeys(("last_bias", "biases_added", "no_new_bias", "bias_from_new_W"))
    carried = biases[0]
    for kernel in kernels[1:]:
        carried = carried @ kernel
    same = len({c.shape for c in biases}) == 1
    return {"last_bias": biases[-1],  # b = bias in the loop
            "biases_added": sum(biases) if same else None,  # b = b + bias
            "no_new_bias": carried,  # b = b @ kernel
            "bias_from_new_W": error_text(bias_from_new_W, weights) or bias_from_new_W(weights)}


def bias_from_new_W(weights):
    """The b of a fold that updates W first and then carries b through the new W: b = b @ W + bias."""
    W, b = None, None
    for kernel, bias in weights:
        kernel, bias = np.asarray(kernel, dtype=float), np.asarray(bias, dtype=float)
        if W is None:
            W, b = kernel, bias
        else:
            W = W @ kernel
            b = b @ W + bias
    return b


# ----------------------------------------------------------------------------- output activations

# target description -> (the right output activation, why: the check's second step on a wrong choice; it says
# which values the target can take and asks which range fits them, never naming the activation)
OUTPUT_TARGETS = {
    "whether an email is spam (1) or not (0)":
        ("sigmoid", "the target is 0 or 1, and the model should give the probability of a 1: could that ever be "
                    "1.3, or -0.2? Which of the three ranges keeps out both?"),
    "the price a house sells for, in dollars":
        ("relu", "think of prices a house could sell for: $90,000? $4,000,000? -$5,000? Which of these can "
                 "happen, and which range holds every possible price but no impossible one?"),
    "the temperature inside a freezer tomorrow, in °C (always below zero)":
        ("linear", "every value of this target is below zero, such as -18: which of the three ranges contains "
                   "negative numbers at all?"),
    "the fraction of a phone's battery left after an hour, from 0 to 1":
        ("sigmoid", "a fraction lies between 0 and 1: could the target be 1.3, or -0.2? Which range keeps out "
                    "both?"),
    "tomorrow's change in a share price, in dollars":
        ("linear", "a change can be up or down, say +$2 or -$3: which range holds both?"),
    "the number of visitors a website gets tomorrow":
        ("relu", "think of visitor counts: 0? 40? 3 million? -5? Which of these can happen, and which range "
                 "holds every possible count but no impossible one?"),
}


# ----------------------------------------------------------------------------- the record

def _entries(check, answer, cases):
    return [{"expected": answer(*case.args)} | {name: mistake(*case.args) for name, mistake in MISTAKES[check].items()}
            | {name: error_text(mistake, *case.args) for name, mistake in RAISING_MISTAKES.get(check, {}).items()}
            for case in cases]


def record():
    return {
        "relu": _entries("relu", reference_relu, z_cases()),
        "sigmoid": _entries("sigmoid", reference_sigmoid, sigmoid_cases()),
        "fold_linear_layers": [dict(zip(("W", "b"), reference_fold_linear_layers(*case.args), strict=True))
                               | fold_mistakes(*case.args) for case in fold_cases()],
        "output_activation": [{"target": target, "expected": answer, "why": why}
                              for target, (answer, why) in OUTPUT_TARGETS.items()],
    }
