"""Lab 03 helpers: the softmax explorer and the exercise checks.

    from utils.softmax import SoftmaxExplorer, check_my_softmax, check_cross_entropy_loss

The checks compare with values recorded from the instructor's references (utils/expected/03_softmax.json):
the right result of every case and the results of the typical mistakes they name.
"""

import numpy as np

from utils import expectations
from utils.checks import Case, call_student, compare_arrays, run_check, show
from utils.plots import COLOURS
from utils.widgets import Explorer

LAB = "03_softmax"


def softmax_and_loss(z, true_class):
    """Probabilities for logits z (TensorFlow's softmax) and the loss -log a_y, computed from the logits.

    Computing the loss as logsumexp(z) - z_y keeps it finite (and exact) even when a_y rounds to 0.
    """
    import tensorflow as tf

    z = np.asarray(z, dtype=float)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"z must be a non-empty vector of logits, got shape {z.shape}")
    if not 0 <= int(true_class) < z.size:
        raise ValueError(f"true_class must be between 0 and {z.size - 1}, got {true_class}")
    return tf.nn.softmax(z).numpy(), float(tf.reduce_logsumexp(z) - z[int(true_class)])


# ------------------------------------------------------------------------------- the widget


class SoftmaxExplorer(Explorer):
    """Logits as bars, their softmax probabilities as bars, and the loss for the chosen true class."""

    classes = np.arange(4)

    def setup(self, fig):
        classes = self.classes
        ax_z, self.ax_a = fig.subplots(1, 2)
        self.z_bars = ax_z.bar(classes, np.zeros(len(classes)), color=COLOURS["linear"], zorder=2)  # over the grid
        ax_z.axhline(0, color="black", linewidth=0.8)
        ax_z.set_xticks(classes)
        ax_z.set_xlabel("class j")
        ax_z.set_ylabel("logit $z_j$")
        ax_z.set_xlim(-0.59, len(classes) - 0.41)  # fixed axes: nothing rescales while a slider moves
        ax_z.set_ylim(-10.5, 10.5)
        ax_z.set_title("Logits z (any real numbers)\n", y=1.0)  # y given: not re-placed every frame
        self.a_bars = self.ax_a.bar(classes, np.zeros(len(classes)), color=COLOURS["softmax"], linewidth=2.5, zorder=2)
        self.values = [self.ax_a.annotate("", (j, 0), ha="center", va="bottom", fontsize=9, xytext=(0, 2),
                                          textcoords="offset points") for j in classes]
        self.ax_a.set_xticks(classes, [f"{j}\n" for j in classes])  # two lines: "true" goes in the second
        tick = self.ax_a.xaxis.get_major_ticks()[0].label1
        self.true_label = self.ax_a.text(0, 0, "\ntrue", transform=tick.get_transform(), ha="center", va="top",
                                         fontproperties=tick.get_fontproperties(), color=tick.get_color())
        self.ax_a.set_xlabel("class j")
        self.ax_a.set_ylabel("probability $a_j$")
        self.ax_a.set_xlim(-0.59, len(classes) - 0.41)
        self.ax_a.set_ylim(0, 1.12)
        self.title = self.ax_a.set_title("\n", y=1.0)
        self.moving = [*self.z_bars, *self.a_bars, *self.values, self.true_label, self.title]

    def update(self, z0, z1, z2, z3, true_class):
        z = np.array([z0, z1, z2, z3], dtype=float)
        a, loss = softmax_and_loss(z, true_class)
        for j, (z_bar, a_bar, text) in enumerate(zip(self.z_bars, self.a_bars, self.values, strict=True)):
            true = j == true_class
            z_bar.set_height(z[j])
            a_bar.set_height(a[j])
            a_bar.set_edgecolor("black" if true else "none")
            text.xy = (j, a[j])
            text.set_text(f"{a[j]:.3f}")
            text.set_fontweight("bold" if true else "normal")
        self.true_label.set_x(true_class)
        self.title.set_text(f"Probabilities a = softmax(z)\nloss = -log $a_{true_class}$ = {loss:.3f}")
        return (f"a = [{', '.join(f'{value:.3f}' for value in a)}]  (sum {a.sum():.3f})\n"
                f"true class y = {true_class}:  loss = -log(a_{true_class}) = {loss:.3f}")


# ------------------------------------------------------------------------------- the checks


def softmax_cases():
    """The inputs my_softmax is tried on: the check's cases, edge cases included."""
    return [
        Case("a small vector", args=(np.array([1.0, 2.0, 3.0]),)),
        Case("a plain Python list", args=([0.5, -1.0, 2.0, 0.0],)),
        Case("large values", args=(np.array([1000.0, 1001.0]),)),
        Case("very negative values", args=(np.array([-1000.0, -1001.0, -1002.0]),)),
        Case("a single element", args=(np.array([3.0]),)),
        Case("a 2-D batch (one example per row)",
             args=(np.array([[1.0, 2.0, 3.0, 4.0], [1000.0, 1000.0, 1000.0, 1000.0], [-5.0, 0.0, 5.0, 1.0]]),)),
        Case("a batch of one row", args=(np.array([[0.0, 0.0, 1.0]]),)),
    ]


_FORGOT_MAX = ("subtract the max before np.exp: for z = {z}, np.exp({big:g}) {what}. Subtracting a "
               "constant from every logit does not change softmax, and after subtracting the max the "
               "largest exponent is e^0 = 1.")
_ONE_MAX = ("each row alone works, the batch does not: every row needs its own max, "
            "np.max(z, axis=-1, keepdims=True), not one max of the whole batch")
_ONE_SUM = "you divided by the sum of the whole batch: sum each row, np.sum(..., axis=-1, keepdims=True)"
# The recorded batch mistakes (one max and/or one sum for the whole batch), with the hints naming them
_BATCH_MISTAKES = {"one_max": [_ONE_MAX], "one_sum": [_ONE_SUM], "one_max_one_sum": [_ONE_MAX, _ONE_SUM]}


def _softmax_mistakes(fn):
    """diagnose(case, got, expected) for my_softmax: every typical mistake its result shows."""
    def diagnose(case, got, expected):
        z = np.asarray(case.args[0], dtype=float)
        with np.errstate(all="ignore"):
            got = np.asarray(got, dtype=float)
        if got.shape != z.shape:
            return [f"return one probability per input value, in the input's shape {z.shape}"]
        if z.ndim == 2 and len(z) > 1:
            return _batch_mistakes(fn, case, got, expected)
        return _vector_mistakes(z, got)
    return diagnose


def _vector_mistakes(z, got):
    if not np.isfinite(got).all():
        if z.max() > 700:
            return [_FORGOT_MAX.format(z=_show(z), big=z.max(), what="overflows to inf, and inf / inf is nan")]
        if z.max() < -700:
            return [_FORGOT_MAX.format(z=_show(z), big=z.max(), what="underflows to 0, and 0 / 0 is nan")]
        return ["the result has nan or inf: subtract the max before np.exp"]
    sums = got.sum(axis=-1)
    if not np.allclose(sums, 1.0):
        return [f"softmax outputs sum to 1, yours sum to {_show(sums)}: divide e^z by its sum"]
    return []


def _batch_mistakes(fn, case, got, expected):
    """All the batch mistakes seen: one max for the whole batch, one sum for it, the wrong axis."""
    z = np.asarray(case.args[0], dtype=float)
    with np.errstate(all="ignore"):
        for mistake, hints in _BATCH_MISTAKES.items():
            if np.allclose(got, np.asarray(case.about[mistake], dtype=float), equal_nan=True):
                return hints
        if np.isfinite(got).all() and np.allclose(got.sum(axis=0), 1.0):
            return ["each column sums to 1: each row is one example, so normalize along axis=-1, not axis=0"]
        rows_alone = [_call_row(fn, row) for row in z]
        if not np.isfinite(got).all() and all(
                r is not None and compare_arrays(r, right) is None
                for r, right in zip(rows_alone, expected, strict=True)):
            return [_ONE_MAX]
        first_bad = np.argwhere(~np.isclose(got, expected, atol=1e-6, rtol=1e-5))[0][0]
    return _vector_mistakes(z[first_bad], got[first_bad])


def _call_row(fn, row):
    got, exc, _, _ = call_student(fn, Case("row", (row.copy(),)))
    return None if exc is not None else got


def _show(values):
    return np.array2string(np.asarray(values), precision=4, separator=", ", threshold=6)


def _softmax_exception(exc, case):
    if isinstance(exc, np.exceptions.AxisError) or "broadcast" in str(exc):
        return ("use axis=-1 with keepdims=True for the max and for the sum: then the same code works "
                "for a vector and for a batch of rows")
    return None


def evaluate_my_softmax(fn):
    """The CheckResult of my_softmax against recorded tf.nn.softmax results: vectors, lists, huge values, batches."""
    return run_check("my_softmax", fn, None, expectations.with_expected(LAB, "my_softmax", softmax_cases()),
                     diagnose=_softmax_mistakes(fn) if callable(fn) else None,
                     explain_exception=_softmax_exception)


def check_my_softmax(fn):
    """Exercise check: print (and return) the result of evaluate_my_softmax."""
    return show(evaluate_my_softmax(fn))


def cross_entropy_cases():
    """The (probabilities, true class) pairs the loss exercise is tried on."""
    return [
        Case("three classes, true class 1", args=(np.array([0.2, 0.7, 0.1]), 1)),
        Case("true class 0", args=(np.array([0.6, 0.3, 0.1]), 0)),
        Case("an unlikely true class", args=(np.array([0.04, 0.9, 0.06]), 2)),
        Case("a plain list, uniform", args=([0.25, 0.25, 0.25, 0.25], 3)),
        Case("certain and right", args=(np.array([0.0, 1.0]), 1)),
        Case("a NumPy integer label", args=(np.array([0.5, 0.2, 0.3]), np.int64(2))),
    ]


def _cross_entropy_mistakes(case, got, expected):
    """The typical mistake behind a wrong loss (its recorded result is what the student's loss is), or None."""
    y = int(case.args[1])
    mistakes = {name: np.asarray(value, dtype=float) for name, value in case.about.items()}
    with np.errstate(all="ignore"):
        got = np.asarray(got, dtype=float)
        if got.shape != ():
            return "return one number for one example: the loss of the true class only"

        def near(value):
            return bool(np.isclose(got, value, rtol=1e-5, atol=1e-7))

        if expected != 0 and near(mistakes["missing_minus"]):
            return "missing minus sign: log(a_y) <= 0, and the loss -log(a_y) is never negative"
        if expected != 0 and near(mistakes["log10"]):
            return "that is log base 10: use the natural logarithm, np.log"
        for k, value in enumerate(mistakes["each_class"]):
            if k != y and near(value):
                return f"that is -log(a[{k}]): use the probability of the true class, a[y] (here a[{y}])"
        if near(mistakes["sum_over_classes"]):
            return "only the true class's probability enters the loss, not a sum over all classes"
        if near(mistakes["one_minus"]):
            return "the loss is -log(a_y), not 1 - a_y"
    return None


def evaluate_cross_entropy_loss(fn):
    """The CheckResult of cross_entropy_loss(a, y) against (recorded) -log(a[y]) on several examples."""
    cases = expectations.with_expected(LAB, "cross_entropy_loss", cross_entropy_cases())
    return run_check("cross_entropy_loss", fn, None, cases,
                     atol=1e-7, rtol=1e-6, diagnose=_cross_entropy_mistakes)


def check_cross_entropy_loss(fn):
    """Exercise check: print (and return) the result of evaluate_cross_entropy_loss."""
    return show(evaluate_cross_entropy_loss(fn))
