"""How an exercise is graded: the calls to make in the kernel, and the verdict on what came back.

An `Exercise` draws its `Call`s from a random generator seeded afresh at every grading (so visible
cases cannot be hard-coded), and judges the `Answer`s against references computed here, in the
grader's process. Most exercises are a `FunctionExercise` (call a function on inputs, compare with a
reference) or a `ValueExercise` (read a name, judge its value).
"""
from dataclasses import dataclass, field

import numpy as np

from instructor.grader.wire import Opaque
from utils.checks import compare_arrays


@dataclass
class Call:
    """One thing to do in the kernel: call `target` (a name of the notebook) or, with call=False, read it."""

    target: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    call: bool = True
    label: str = ""  # what the case is, in words, for the feedback


@dataclass
class Answer:
    """What came back: a value, or the exception the student's code raised (name, message)."""

    value: object = None
    raised: tuple | None = None

    @property
    def not_written(self):
        return self.raised is not None and self.raised[0] == "NotImplementedError"


@dataclass
class Verdict:
    passed: bool
    reason: str = ""  # one line: why not (shown in the student's feedback)
    not_written: bool = False


PASSED = Verdict(True)


class Exercise:
    """Subclasses give key (the grade id without `test_`), title, draw(rng) and judge(calls, answers).

    kernel_code, when set, runs once in the kernel before the calls (helpers named `_grader_*` that
    build inputs the wire cannot carry, such as a Keras model). student_names are the functions of
    the notebook the calls use (tests/test_answer_free.py tries every function of utils in their place).
    """

    key = ""
    title = ""
    kernel_code = ""
    student_names = ()

    def draw(self, rng):
        raise NotImplementedError

    def judge(self, calls, answers):
        raise NotImplementedError


def first_failure(calls, answers, check):
    """The verdict of a list of calls: the first one that raised or that check(call, value) rejects."""
    for call, answer in zip(calls, answers, strict=True):
        if answer.not_written:
            return Verdict(False, "not written yet", not_written=True)
        details = "; ".join(filter(None, [call.label, describe_inputs(call)]))
        where = f" ({details})" if details else ""
        if answer.raised is not None:
            name, message = answer.raised
            return Verdict(False, f"raised {name}{where}: {message}")
        problem = check(call, answer.value)
        if problem:
            return Verdict(False, f"{problem}{where}")
    return PASSED


def describe_inputs(call, limit=160):
    """The call's inputs in one short line, so a student can try the failing case (empty for a read)."""
    if not call.call or call.target.startswith("_grader_"):
        return ""
    parts = [_short(a) for a in call.args] + [f"{k}={_short(v)}" for k, v in call.kwargs.items()]
    text = f"{call.target}({', '.join(parts)})"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short(value):
    if isinstance(value, np.ndarray):
        shown = np.array2string(value, precision=4, separator=", ", threshold=12)
        return "np.array(" + " ".join(shown.split()) + ")"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def is_number(x):
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def differs(got, expected, atol=1e-6, rtol=1e-5):
    """None when got matches expected, else why not: the checks' own comparison (one rule for the
    feedback a student sees in the lab and the grade), plus a value the sandbox could not send back."""
    if isinstance(got, Opaque):
        return f"returned {got!r}, expected numbers"
    return compare_arrays(got, expected, atol=atol, rtol=rtol)


class FunctionExercise(Exercise):
    """Call `function` on drawn inputs and compare each result with reference(*args, **kwargs).

    inputs(rng) -> [(label, args, kwargs)]; compare(got, expected, call) -> problem or None
    (default: `differs` with atol/rtol).
    """

    def __init__(self, key, title, function, inputs, reference, atol=1e-6, rtol=1e-5, compare=None):
        self.key, self.title, self.function = key, title, function
        self.student_names = (function,)
        self.inputs, self.reference = inputs, reference
        self.compare = compare or (lambda got, expected, call: differs(got, expected, atol, rtol))

    def draw(self, rng):
        return [Call(self.function, tuple(args), dict(kwargs), label=label)
                for label, args, kwargs in self.inputs(rng)]

    def judge(self, calls, answers):
        return first_failure(calls, answers, lambda call, got: self.compare(
            got, self.reference(*_copies(call.args), **_copies(call.kwargs)), call))


class ValueExercise(Exercise):
    """Read `name` from the notebook and judge it: check(value) -> problem or None."""

    def __init__(self, key, title, name, check):
        self.key, self.title, self.name, self.check = key, title, name, check

    def draw(self, rng):
        return [Call(self.name, call=False, label=f"the value of {self.name}")]

    def judge(self, calls, answers):
        return first_failure(calls, answers, lambda call, value: self.check(value))


class AllOf(Exercise):
    """One graded cell that checks several exercises: it passes when every part passes."""

    def __init__(self, key, title, *parts):
        self.key, self.title, self.parts = key, title, parts
        self.kernel_code = "\n".join(part.kernel_code for part in parts if part.kernel_code)

    def draw(self, rng):
        self._sizes, calls = [], []
        for part in self.parts:
            drawn = part.draw(rng)
            self._sizes.append(len(drawn))
            calls += drawn
        return calls

    def judge(self, calls, answers):
        start = 0
        for part, size in zip(self.parts, self._sizes, strict=True):
            verdict = part.judge(calls[start:start + size], answers[start:start + size])
            if not verdict.passed:
                return Verdict(False, f"{part.title}: {verdict.reason}", verdict.not_written)
            start += size
        return PASSED


def _copies(x):
    """Inputs for a reference: copies, so a reference can never see what a student's call changed."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, tuple):
        return tuple(_copies(v) for v in x)
    if isinstance(x, list):
        return [_copies(v) for v in x]
    if isinstance(x, dict):
        return {k: _copies(v) for k, v in x.items()}
    return x
