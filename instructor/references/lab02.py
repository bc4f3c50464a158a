"""Lab 02's answers and typical mistakes: the activations, their derivatives, the output activations.

`record()` runs them on the visible checks' cases (utils.activations.z_cases and sigmoid_cases) for
utils/expected/02_activations.json; the grader calls them on its own cases.
"""
import numpy as np

from utils.activations import sigmoid_cases, z_cases

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
    "relu_derivative": {"slope_one_at_zero": lambda z: (np.asarray(z, dtype=float) >= 0).astype(float),
                        "relu_itself": reference_relu},
    "sigmoid_derivative": {"sigmoid_itself": reference_sigmoid,
                           "times_one_minus_z": lambda z: reference_sigmoid(z) * (1 - np.asarray(z, dtype=float))},
}

# ----------------------------------------------------------------------------- output activations

# target description -> (the right output activation, why: the check's explanation of a wrong choice)
OUTPUT_TARGETS = {
    "whether a card payment is fraudulent (1) or not (0)":
        ("sigmoid", "a yes/no label: sigmoid gives a probability between 0 and 1"),
    "tomorrow's change in a share price, in dollars":
        ("linear", "the change can be up or down: only a linear output reaches negative values"),
    "the weight of a parcel, in kg":
        ("relu", "a weight is never negative and has no upper limit: ReLU outputs 0 or more"),
    "the probability that a photo shows a cat":
        ("sigmoid", "a probability lies between 0 and 1: exactly sigmoid's range"),
    "the noon temperature tomorrow, in °C (winters go below zero)":
        ("linear", "temperatures in °C take either sign, so no lower bound: linear"),
    "the number of litres of water a household uses in a day":
        ("relu", "an amount that is never negative: ReLU cannot predict an impossible negative value"),
}


# ----------------------------------------------------------------------------- the record

def _entries(check, answer, cases):
    return [{"expected": answer(*case.args)} | {name: mistake(*case.args) for name, mistake in MISTAKES[check].items()}
            for case in cases]


def record():
    return {
        "relu": _entries("relu", reference_relu, z_cases()),
        "sigmoid": _entries("sigmoid", reference_sigmoid, sigmoid_cases()),
        "relu_derivative": _entries("relu_derivative", reference_tf_derivative("relu"), z_cases()),
        "sigmoid_derivative": _entries("sigmoid_derivative", reference_tf_derivative("sigmoid"), z_cases()),
        "output_activation": [{"target": target, "expected": answer, "why": why}
                              for target, (answer, why) in OUTPUT_TARGETS.items()],
    }
