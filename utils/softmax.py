"""Lab 03 helpers: softmax and cross-entropy references, the exercise checks, the widget drawing.

    from utils.softmax import check_my_softmax, check_cross_entropy_loss, draw_softmax_explorer

The references here are what the checks compare against; the lab itself shows how to write them.
"""
import warnings

import numpy as np

from utils.checks import Case, compare_arrays, report

# ------------------------------------------------------------------------------- references


def reference_softmax(z):
    """TensorFlow's softmax over the last axis, in float64: the independent reference for my_softmax."""
    import tensorflow as tf

    return tf.nn.softmax(np.asarray(z, dtype="float64"), axis=-1).numpy()


def stable_softmax(z):
    """Softmax over the last axis, computed after subtracting each row's max (NumPy only)."""
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def log_sum_exp(z):
    """log(sum(exp(z))) over the last axis without overflow: max + log(sum(exp(z - max)))."""
    z = np.asarray(z, dtype=float)
    c = np.max(z, axis=-1, keepdims=True)
    return np.squeeze(c, axis=-1) + np.log(np.sum(np.exp(z - c), axis=-1))


def reference_cross_entropy(a, y):
    """Cross-entropy loss of one example: -log(a[y]) for probabilities a and true class y."""
    return 0.0 - float(np.log(np.asarray(a, dtype=float)[int(y)]))  # 0.0 - ...: never "-0.0"


def softmax_and_loss(z, true_class):
    """Probabilities for logits z and the loss -log a_y, the loss computed from the logits.

    Computing the loss as log_sum_exp(z) - z_y keeps it finite (and exact) even when a_y
    rounds to 0.
    """
    z = np.asarray(z, dtype=float)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"z must be a non-empty vector of logits, got shape {z.shape}")
    if not 0 <= int(true_class) < z.size:
        raise ValueError(f"true_class must be between 0 and {z.size - 1}, got {true_class}")
    return stable_softmax(z), float(log_sum_exp(z) - z[int(true_class)])


# ------------------------------------------------------------------------------- the checks


def _call_quietly(fn, *args):
    """Call the student's function with NumPy's overflow warnings silenced (the check explains them)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args)


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


_FORGOT_MAX = ("forgot to subtract the max: nan for z = {z}, because np.exp({big:g}) {what}. "
               "Compute np.exp(z - np.max(z, axis=-1, keepdims=True)): subtracting a constant "
               "does not change softmax, and then the largest exponent is e^0 = 1.")


def _softmax_exception_hint(exc):
    text = str(exc)
    if isinstance(exc, (AttributeError, TypeError)) and "list" in text:
        return "z can be a plain list: start with z = np.asarray(z, dtype=float)"
    if "broadcast" in text:
        return ("the row sums have shape (rows,) and cannot divide a (rows, columns) array: "
                "use np.sum(..., axis=-1, keepdims=True) (and keepdims=True for the max too)")
    if isinstance(exc, np.exceptions.AxisError):
        return "use axis=-1 (the last axis): the same code then works for a vector and for a batch of rows"
    return None


def _diagnose_softmax(fn, z, got):
    """The typical mistake behind a wrong my_softmax result, or None."""
    try:
        return _softmax_mistake(fn, z, got)
    except Exception:  # an odd result (None, text, ...): compare_arrays has already said what is wrong
        return None


def _softmax_mistake(fn, z, got):
    z = np.asarray(z, dtype=float)
    if got is None:
        return None
    with np.errstate(all="ignore"):
        got = np.asarray(got, dtype=float)
    if got.shape != z.shape:
        return f"return one probability per input value, in the input's shape {z.shape}"
    if not np.isfinite(got).all():
        if z.ndim == 2:
            rows_ok = all(compare_arrays(_safe(fn, row), reference_softmax(row)) is None for row in z)
            if rows_ok:
                return ("each row alone works, the batch does not: subtract each row's own max, "
                        "np.max(z, axis=-1, keepdims=True), not one max of the whole batch")
        if z.ndim == 2:  # name the first row that went wrong
            z = z[np.argwhere(~np.isfinite(got))[0][0]]
        if z.max() > 700:
            return _FORGOT_MAX.format(z=_show(z), big=z.max(), what="overflows to inf and inf / inf is nan")
        if z.max() < -700:
            return _FORGOT_MAX.format(z=_show(z), big=z.max(), what="underflows to 0 and 0 / 0 is nan")
        return "the result has nan or inf: subtract the max before np.exp"
    if z.ndim == 2 and len(z) > 1:
        if np.isclose(got.sum(), 1.0) and not np.allclose(got.sum(axis=-1), 1.0):
            return "you divided by the sum of the whole batch: sum each row, np.sum(..., axis=-1, keepdims=True)"
        if np.allclose(got.sum(axis=0), 1.0):
            return "each column sums to 1: each row is one example, so normalize along axis=-1, not axis=0"
    sums = got.sum(axis=-1)
    if not np.allclose(sums, 1.0):
        return f"softmax outputs sum to 1 (each row), yours sum to {_show(sums)}: divide e^z by its sum"
    return None


def _safe(fn, arg):
    try:
        return _call_quietly(fn, arg.copy())
    except Exception:  # the student's code: a failure just means "this does not work"
        return None


def _show(values):
    return np.array2string(np.asarray(values), precision=4, separator=", ", threshold=6)


def evaluate_my_softmax(fn):
    """Problems of a student's my_softmax (empty list: correct)."""
    if not callable(fn):
        return [f"expected a function, got {type(fn).__name__}: pass the function itself, "
                "check_my_softmax(my_softmax), not check_my_softmax(my_softmax(z))"]
    problems = []
    for case in softmax_cases():
        (z,) = case.args
        expected = reference_softmax(z)
        given = z.copy() if isinstance(z, np.ndarray) else list(z)
        try:
            got = _call_quietly(fn, given)
        except Exception as exc:  # the student's code: report it, never raise
            hint = _softmax_exception_hint(exc)
            problems.append(f"{case.describe()}\n   raised {type(exc).__name__}: {exc}"
                            + (f"\n   Hint: {hint}" if hint else ""))
            continue
        difference = compare_arrays(got, expected, atol=1e-6, rtol=1e-5)
        if difference:
            hint = _diagnose_softmax(fn, z, got)
            problems.append(f"{case.describe()}\n   your result {difference}"
                            + (f"\n   Hint: {hint}" if hint else ""))
        elif isinstance(z, np.ndarray) and not np.array_equal(given, z):
            problems.append(f"{case.describe()}\n   your function changed the caller's array in place "
                            "(z -= ...): write z = z - np.max(...) so the input stays as it was")
    return problems


def check_my_softmax(fn):
    """Compare my_softmax with tf.nn.softmax on vectors, lists, huge and tiny values and batches."""
    problems = evaluate_my_softmax(fn)
    report("my_softmax", len(softmax_cases()) if callable(fn) else 1, problems)


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


def _diagnose_cross_entropy(a, y, got):
    """The typical mistake behind a wrong loss, or None."""
    try:
        return _cross_entropy_mistake(a, y, got)
    except Exception:  # an odd result (None, text, ...): compare_arrays has already said what is wrong
        return None


def _cross_entropy_mistake(a, y, got):
    if got is None:
        return None
    a = np.asarray(a, dtype=float)
    with np.errstate(all="ignore"):
        got = np.asarray(got, dtype=float)
        if got.shape != ():
            return "return one number for one example: -np.log(a[y])"
        logs = -np.log(a)
        expected = logs[int(y)]

        def near(value):
            return bool(np.isclose(got, value, rtol=1e-5, atol=1e-7))

        if expected != 0 and near(-expected):
            return "missing minus sign: log(a_y) <= 0, and the loss -log(a_y) is never negative"
        if expected != 0 and near(expected / np.log(10)):
            return "that is log base 10: use the natural logarithm, np.log"
        for k, value in enumerate(logs):
            if k != int(y) and near(value):
                return f"that is -log(a[{k}]): use the probability of the true class, a[y] (here a[{int(y)}])"
        if near(np.sum(logs)):
            return "only the true class's probability enters the loss: -np.log(a[y]), not a sum over all classes"
        if near(1 - a[int(y)]):
            return "the loss is -log(a_y), not 1 - a_y"
    return None


def evaluate_cross_entropy_loss(fn):
    """Problems of a student's cross_entropy_loss(a, y) (empty list: correct)."""
    if not callable(fn):
        return [f"expected a function, got {type(fn).__name__}: pass the function itself, "
                "check_cross_entropy_loss(cross_entropy_loss)"]
    problems = []
    for case in cross_entropy_cases():
        a, y = case.args
        expected = reference_cross_entropy(a, y)
        try:
            got = _call_quietly(fn, a.copy() if isinstance(a, np.ndarray) else list(a), y)
        except Exception as exc:  # the student's code: report it, never raise
            hint = ("a can be a plain list: index it after a = np.asarray(a, dtype=float)"
                    if isinstance(exc, (TypeError, AttributeError)) and "list" in str(exc) else None)
            problems.append(f"{case.describe()}\n   raised {type(exc).__name__}: {exc}"
                            + (f"\n   Hint: {hint}" if hint else ""))
            continue
        difference = compare_arrays(got, expected, atol=1e-7, rtol=1e-6)
        if difference:
            hint = _diagnose_cross_entropy(a, y, got)
            problems.append(f"{case.describe()}\n   your result {difference}"
                            + (f"\n   Hint: {hint}" if hint else ""))
    return problems


def check_cross_entropy_loss(fn):
    """Compare cross_entropy_loss(a, y) with -log(a[y]) on several examples."""
    problems = evaluate_cross_entropy_loss(fn)
    report("cross_entropy_loss", len(cross_entropy_cases()) if callable(fn) else 1, problems)


# ------------------------------------------------------------------------------- the widget


def draw_softmax_explorer(fig, z0, z1, z2, z3, true_class):
    """Logits as bars, their softmax probabilities as bars, and the loss for the chosen true class."""
    z = np.array([z0, z1, z2, z3], dtype=float)
    a, loss = softmax_and_loss(z, true_class)
    classes = np.arange(len(z))
    ax_z, ax_a = fig.subplots(1, 2)
    ax_z.bar(classes, z, color="C0")
    ax_z.axhline(0, color="black", linewidth=0.8)
    ax_z.set_xticks(classes)
    ax_z.set_xlabel("class j")
    ax_z.set_ylabel("logit $z_j$")
    ax_z.set_ylim(-10.5, 10.5)
    ax_z.set_title("Logits z (any real numbers)\n")

    colors = ["C1" if j == true_class else "C0" for j in classes]
    bars = ax_a.bar(classes, a, color=colors)
    for j, (bar, value) in enumerate(zip(bars, a, strict=True)):
        ax_a.annotate(f"{value:.3f}", (bar.get_x() + bar.get_width() / 2, value),
                      ha="center", va="bottom", fontsize=9, xytext=(0, 2), textcoords="offset points",
                      color=colors[j], fontweight="bold" if j == true_class else "normal")
    ax_a.set_xticks(classes, [f"{j}\ntrue" if j == true_class else f"{j}" for j in classes])
    ax_a.set_xlabel("class j")
    ax_a.set_ylabel("probability $a_j$")
    ax_a.set_ylim(0, 1.12)
    ax_a.set_title(f"Probabilities a = softmax(z)\nloss = -log $a_{true_class}$ = {loss:.3f}")
    return (f"a = [{', '.join(f'{value:.3f}' for value in a)}]  (sum {a.sum():.3f})\n"
            f"true class y = {true_class}:  loss = -log(a_{true_class}) = {loss:.3f}")
