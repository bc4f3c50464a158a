"""Lab 02, activations: my_relu and my_sigmoid, output_activation, fold_linear_layers, the ReLU builder.

The two activations run through a kernel helper that also reports what the value alone does not
show and the lab's checks do: a NumPy warning (the sigmoid must not overflow for any z) and an input
array changed in place.
"""
import copy

import numpy as np

from instructor.grader.exercises import (
    PASSED,
    AllOf,
    Call,
    Exercise,
    FunctionExercise,
    ValueExercise,
    Verdict,
    differs,
    first_failure,
    is_number,
)
from instructor.references.lab02 import (
    OUTPUT_TARGETS,
    reference_fold_linear_layers,
    reference_relu,
    reference_sigmoid,
)
from utils.activations import ACTIVATIONS, builder_target, compare_fold, relu_sum
from utils.checks import choice

RUN_HELPER = '''
def _grader_run(name, z):
    import copy
    import warnings

    import numpy

    before = copy.deepcopy(z)
    with warnings.catch_warnings(record=True) as caught, \\
            numpy.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("always")
        value = globals()[name](z)
    warned = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return {"value": value, "warning": warned[0] if warned else None,
            "changed": not numpy.array_equal(numpy.asarray(before), numpy.asarray(z))}
'''


class WatchedFunction(FunctionExercise):
    """A FunctionExercise whose calls go through _grader_run: right values, no warning, input untouched."""

    kernel_code = RUN_HELPER

    def draw(self, rng):
        return [Call("_grader_run", (self.function, *call.args), label=call.label) for call in super().draw(rng)]

    def judge(self, calls, answers):
        return first_failure(calls, answers, self.problem)

    def problem(self, call, got):
        z = call.args[1]
        problem = differs(got["value"], self.reference(copy.deepcopy(z)), atol=1e-9)
        if problem and problem.startswith("contains nan"):
            return f"{problem}: nan comes from inf / inf; give every exp a number that is 0 or less"
        if problem:
            return problem
        if got["changed"]:
            return "right values, but it changed its input array in place (write z = ..., not z[...] = ...)"
        if got["warning"]:
            hint = " (give every exp a number that is 0 or less)" if "overflow" in got["warning"] else ""
            return f"right values, but NumPy warned: {got['warning']}{hint}"
        return None


def with_zero(a):
    a = np.array(a)
    a.flat[0] = 0.0
    return a


def activation_inputs(rng):
    n = int(rng.integers(3, 8))
    big = float(rng.uniform(800, 1e6))
    return [
        ("a vector", (with_zero(rng.normal(0, 3, n)),), {}),
        ("a 2-D batch", (rng.normal(0, 3, (int(rng.integers(2, 5)), n)),), {}),
        ("one number", (float(rng.normal(0, 3)),), {}),
        ("a 3-D array", (rng.normal(0, 3, (2, 3, n)),), {}),
        ("integers", (rng.integers(-5, 6, n),), {}),
        ("large |z|", (np.array([-big, -rng.uniform(40, 745), rng.uniform(40, 745), big]),), {}),
        ("plus and minus infinity", (np.array([-np.inf, rng.normal(0, 3), np.inf]),), {}),
        ("an empty array", (np.zeros(0),), {}),
    ]


def fold_inputs(rng):
    """Stacks of (kernel, bias) pairs: the lab's shape, one layer, square layers, many layers, 1-unit layers."""
    def stack(*sizes):
        return [[rng.normal(0, 1, (n_in, n_out)), rng.normal(0, 1, n_out)]
                for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]

    n = int(rng.integers(2, 6))
    depth = int(rng.integers(4, 7))
    return [
        (f"{n} -> 8 -> 4 -> 1", (stack(n, 8, 4, 1),), {}),
        ("one layer alone", (stack(n, int(rng.integers(1, 4))),), {}),
        ("three square layers", (stack(n, n, n, n),), {}),
        (f"{depth} layers", (stack(n, *rng.integers(1, 6, depth - 1), 2),), {}),
        ("layers of one unit", (stack(1, 1, 1),), {}),
    ]


class ChoicesExercise(ValueExercise):
    """A value answer that is 'not written' while every entry still holds the template's None."""

    def judge(self, calls, answers):
        value = answers[0].value
        if answers[0].raised is None and isinstance(value, dict) and all(v is None for v in value.values()):
            return Verdict(False, "not written yet", not_written=True)
        return super().judge(calls, answers)


def output_choices_problem(answers):
    if not isinstance(answers, dict):
        return f"output_activation is a {type(answers).__name__}, expected the dict {{target: activation name}}"
    extra = set(answers) - set(OUTPUT_TARGETS)
    if extra:
        return f"unexpected key {sorted(extra)[0]!r}: keep the descriptions exactly as given"
    wrong = []
    for target, (right, _) in OUTPUT_TARGETS.items():
        got = answers.get(target)
        if got is None:
            return f"'{target}' has no answer yet"
        name, refused = choice(got, ACTIVATIONS)
        if refused:
            return f"'{target}': {refused}"
        if got != name:  # Keras knows only its own spellings: tf.keras.activations.get("ReLU") fails
            return f"'{target}': {got!r} is not a name Keras knows"
        if name != right:
            wrong.append(target)
    if wrong:
        more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
        return f"the output activation chosen for '{wrong[0]}' does not fit that target{more}"
    return None


class ReluBuilder(Exercise):
    """unit_w and unit_b: the three units' sum must be the target curve on [0, 3]."""

    key, title = "unit_w", "unit_w and unit_b"

    def draw(self, rng):
        self._x = np.concatenate([np.linspace(0, 3, 301), rng.uniform(0, 3, 50)])
        return [Call(name, call=False, label=f"the value of {name}") for name in ("unit_w", "unit_b")]

    def judge(self, calls, answers):
        if all(a.raised is None and isinstance(a.value, list) and all(v is None for v in a.value) for a in answers):
            return Verdict(False, "not written yet", not_written=True)
        verdict = first_failure(calls, answers, lambda call, value: three_numbers(value))
        if not verdict.passed:
            return verdict
        w, b = (np.asarray(a.value, dtype=float) for a in answers)
        gap = np.abs(relu_sum(self._x, w, b) - builder_target(self._x))
        if gap.max() > 1e-6:
            x = self._x[np.argmax(gap)]
            return Verdict(False, f"the sum of the three units is {relu_sum(np.array([x]), w, b)[0]:.4g} at "
                                  f"x = {x:.3f}, the target {builder_target(x):.4g}")
        return PASSED


def three_numbers(value):
    items = list(value) if isinstance(value, (list, tuple, np.ndarray)) else None
    if items is None or len(items) != 3 or not all(is_number(v) and np.isfinite(v) for v in items):
        return "expected a list of three numbers, one per unit (replace every None)"
    return None


EXERCISES = [
    AllOf("my_relu-my_sigmoid", "my_relu and my_sigmoid",
          WatchedFunction("my_relu", "my_relu", "my_relu", activation_inputs, reference_relu),
          WatchedFunction("my_sigmoid", "my_sigmoid", "my_sigmoid", activation_inputs, reference_sigmoid)),
    ChoicesExercise("output_activation", "output_activation", "output_activation", output_choices_problem),
    FunctionExercise("fold_linear_layers", "fold_linear_layers", "fold_linear_layers", fold_inputs,
                     reference_fold_linear_layers,
                     compare=lambda got, right, call: compare_fold(got, right, 1e-8, 1e-8, differs)),
    ReluBuilder(),
]
