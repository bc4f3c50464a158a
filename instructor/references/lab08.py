"""Lab 08, computation graphs: the course graph's values, the rules of mul and ReLU, and the usual slips.

The two rules are TensorFlow's gradients of the one operation (tf.GradientTape); `record()` runs
everything on the visible checks' cases (utils.engine_vs_tensorflow) for utils/expected/08_computation_graph.json.
"""
import numpy as np
import tensorflow as tf

from utils.engine_vs_tensorflow import BACKWARD_STEPS, COURSE_INPUTS, MUL_CASES, NETWORK_INPUTS, RELU_CASES


def course_graph():
    """The course graph J = ½(wx + b − y)² with the lab's inputs: ({value: number}, {value: dJ/dvalue})."""
    w, b, x, y = (COURSE_INPUTS[k] for k in "wbxy")
    c = w * x
    a = c + b
    d = a - y
    values = {"c": c, "a": a, "d": d, "J": 0.5 * d**2}
    return values, {"d": d, "a": d, "c": d, "b": d, "w": d * x}


def forward_for_backward():
    """The backward table's usual slip: each entry holds the value itself (forward or input), not dJ/d(value)."""
    values, _ = course_graph()
    return {key: {**COURSE_INPUTS, **values}[key] for key in BACKWARD_STEPS}


def network_graph():
    """The larger network z = w1·x + b1, h = ReLU(z), ŷ = w2·h + b2, J = ½(ŷ − y)², with the lab's inputs:
    ({value: number}, {value: dJ/dvalue}) for ŷ, b2, w2, h, b1 and w1."""
    x, y, w1, b1, w2, b2 = (NETWORK_INPUTS[k] for k in ("x", "y", "w1", "b1", "w2", "b2"))
    z = w1 * x + b1
    h = max(z, 0.0)
    y_hat = w2 * h + b2
    values = {"z": z, "h": h, "y_hat": y_hat, "J": 0.5 * (y_hat - y) ** 2}
    dy_hat = y_hat - y
    dh = dy_hat * w2
    dz = dh * (1.0 if z > 0 else 0.0)
    return values, {"y_hat": dy_hat, "b2": dy_hat, "w2": dy_hat * h, "h": dh, "b1": dz, "w1": dz * x}


def _tape_gradients(operation, inputs, out_grad):
    """TensorFlow's gradients of operation(*inputs), given dJ/d(output) = out_grad (float64)."""
    xs = [tf.constant(float(v), tf.float64) for v in inputs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        out = operation(*xs)
    grads = tape.gradient(out, xs, output_gradients=tf.constant(float(out_grad), tf.float64))
    return np.array([float(g) + 0.0 for g in grads])  # + 0.0: no -0 in messages


def mul_backward(a, b, out_grad):
    """The gradients of a*b with respect to a and b, given dJ/d(a*b) = out_grad."""
    return _tape_gradients(tf.multiply, (a, b), out_grad)


def relu_backward(a, out_grad):
    """The gradient of relu(a) with respect to a, given dJ/d(relu(a)) = out_grad (0 at a = 0, like TensorFlow)."""
    return _tape_gradients(tf.nn.relu, (a,), out_grad)


# The usual wrong rules, named as the check's hints are (utils.engine_vs_tensorflow).
MUL_MISTAKES = {
    "swapped": lambda a, b, g: [g * a, g * b],
    "no_out_grad": lambda a, b, g: [b, a],
    "no_out_grad_swapped": lambda a, b, g: [a, b],
    "add_rule": lambda a, b, g: [g, g],
}
RELU_MISTAKES = {
    "always_passes": lambda a, g: g,
    "passes_at_zero": lambda a, g: g if a >= 0 else 0.0,
    "relu_of_out_grad": lambda a, g: max(g, 0.0),
    "times_relu": lambda a, g: g * max(a, 0.0),
    "times_a": lambda a, g: g * a,
    "no_out_grad": lambda a, g: 1.0 if a > 0 else 0.0,
    "inverted_gate": lambda a, g: 0.0 if a > 0 else g,
    "forward_value": lambda a, g: max(a, 0.0),
}


def _entries(answer, mistakes, cases):
    return [{"expected": answer(*case.args), **{name: slip(*case.args) for name, slip in mistakes.items()}}
            for case in cases]


def record():
    values, grads = course_graph()
    network_values, network_grads = network_graph()
    return {"forward_values": [{"expected": values}],
            "backward_values": [{"expected": grads, "forward_values": forward_for_backward(),
                                 "sign_slip": {key: -g for key, g in grads.items()}}],
            "network_values": [{"expected": network_values}],
            "network_grads": [{"expected": network_grads}],
            "mul_backward": _entries(mul_backward, MUL_MISTAKES, MUL_CASES),
            "relu_backward": _entries(relu_backward, RELU_MISTAKES, RELU_CASES)}
