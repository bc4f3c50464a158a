"""Lab 08, computation graphs: the course graph's values by hand (forward, backward) and two backward rules."""
import numpy as np

from instructor.grader.exercises import FunctionExercise, ValueExercise, Verdict, differs, is_number
from instructor.grader.wire import Opaque
from instructor.references.lab08 import course_graph, mul_backward, network_graph, relu_backward
from utils.engine_vs_tensorflow import BACKWARD_STEPS, FORWARD_STEPS, NETWORK_STEPS, STEP_NAMES


def _as_number(value):
    """value as a float when it is one number (a NumPy number or a 0-d array too), else None."""
    if is_number(value):
        return float(value)
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
        return float(value)
    return None


class HandValues(ValueExercise):
    """A dict of numbers worked out by hand, {step: number}; all None (the template) is 'not written'."""

    def __init__(self, key, title, steps, right, describe):
        self.steps, self.right, self.describe = steps, right, describe
        super().__init__(key, title, key, self.problem)

    def judge(self, calls, answers):
        table = answers[0].value
        if answers[0].raised is None and isinstance(table, dict) and all(table.get(k) is None for k in self.steps):
            return Verdict(False, "not written yet", not_written=True)
        return super().judge(calls, answers)

    def problem(self, table):
        name = self.name
        if not isinstance(table, dict):
            kind = table.type_name if isinstance(table, Opaque) else type(table).__name__
            template = ", ".join(f"{k!r}: ..." for k in self.steps)
            return f"{name} is a {kind}: keep the template's dict, {{{template}}}"
        for key in self.steps:
            if key not in table:
                return f"{name} has no entry {key!r}: keep every key of the template"
            value = table[key]
            number = _as_number(value)
            if value is None:
                return f"{name}[{key!r}] is still None: replace it by its number"
            if number is None:
                return f"{name}[{key!r}] is {value!r}: write one number"
            if not abs(number - self.right[key]) < 1e-9:
                return f"{name}[{key!r}] = {number:g} is wrong ({self.describe(key)})"
        return None


def mul_inputs(rng):
    a, b, g = (float(v) for v in np.round(rng.normal(0, 3, 3), 2))
    s = float(np.round(rng.normal(0, 3), 2))
    return [
        (f"a = {a:g}, b = {b:g}, out_grad = {g:g}", (a, b, g), {}),
        (f"a = {b:g}, b = {a:g}, out_grad = {-g:g}", (b, a, -g), {}),
        (f"out_grad = 0 (a = {a:g}, b = {b:g})", (a, b, 0.0), {}),
        ("both inputs 0", (0.0, 0.0, g), {}),
        (f"one value used twice, s·s with s = {s:g}", (s, s, 1.0), {}),
        ("integers", tuple(int(v) for v in rng.integers(-9, 10, 3)), {}),
        ("very large and very small values", (1e150 * a, -2e150, 1e-3 * g), {}),
    ]


def relu_inputs(rng):
    up, down = float(np.round(rng.uniform(0.1, 5), 2)), float(np.round(rng.uniform(-5, -0.1), 2))
    g = float(np.round(rng.uniform(0.5, 3), 2))
    return [
        (f"a = {up:g}, out_grad = {g:g}", (up, g), {}),
        (f"a = {up:g}, out_grad = {-g:g} (a negative gradient)", (up, -g), {}),
        (f"a = {down:g}, out_grad = {g:g}", (down, g), {}),
        (f"a = {down:g}, out_grad = {-g:g}", (down, -g), {}),
        ("a = 0 exactly", (0.0, g), {}),
        ("a tiny positive a, 1e-12", (1e-12, g), {}),
        ("a tiny negative a, -1e-12", (-1e-12, g), {}),
        ("out_grad = 0", (up, 0.0), {}),
        ("a huge a, 1e300", (1e300, -g), {}),
        ("an integer a", (int(rng.integers(1, 9)), g), {}),
    ]


def gradients(count):
    """compare(): got must be a tuple (or list) of `count` numbers, one gradient per input, like expected."""
    def compare(got, expected, call):
        if isinstance(got, np.ndarray) and got.ndim == 1:
            got = list(got)
        if not isinstance(got, (tuple, list)) or len(got) != count or not all(is_number(v) for v in got):
            shape = "(grad_a,), a tuple of one" if count == 1 else "(grad_a, grad_b)"
            return f"returned {got!r}; the engine expects one gradient per input: return {shape}"
        return differs(got, expected, atol=1e-12, rtol=1e-9)
    return compare


VALUES, GRADS = course_graph()
_, NETWORK_GRADS = network_graph()
EXERCISES = [
    HandValues("forward", "forward", FORWARD_STEPS, VALUES, STEP_NAMES.get),
    HandValues("backward", "backward", BACKWARD_STEPS, GRADS, lambda key: f"dJ/d{key}"),
    FunctionExercise("mul_backward", "mul_backward", "mul_backward", mul_inputs, mul_backward,
                     compare=gradients(2)),
    FunctionExercise("relu_backward", "relu_backward", "relu_backward", relu_inputs, relu_backward,
                     compare=gradients(1)),
    HandValues("network_grads", "network_grads", NETWORK_STEPS, NETWORK_GRADS, lambda key: f"dJ/d{key}"),
]
