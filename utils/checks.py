"""Exercise checks: compare a student's function or Keras model with a reference.

A check never raises at the student. It prints one pass line, or what is wrong and a hint.
The `evaluate_*` functions return the list of problems (empty when everything passes) so tests
and other checks can build on them; the `check_*` functions print the report.
"""
from dataclasses import dataclass, field

import numpy as np

PASS = "✅"
FAIL = "❌"


@dataclass
class Case:
    """One input to try: positional args, keyword args and a label the student can read."""

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def call(self, fn):
        return fn(*self.args, **self.kwargs)

    def describe(self):
        shown = ", ".join([_short(a) for a in self.args]
                          + [f"{k}={_short(v)}" for k, v in self.kwargs.items()])
        return f"{self.label}: input ({shown})"


def _short(value, limit=60):
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    text = np.array2string(np.asarray(value), precision=4, separator=", ", threshold=8) \
        if isinstance(value, (list, tuple, np.ndarray)) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fmt(x):
    return f"{x:.6g}" if isinstance(x, (float, np.floating)) else repr(x)


def compare_arrays(got, expected, atol=1e-6, rtol=1e-5):
    """Return None when got matches expected, else a one-line description of the difference."""
    if got is None:
        return "returned None (is a `return` statement missing?)"
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"returned a {type(got).__name__}, expected an array of numbers"
    exp_arr = np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        return f"has shape {got_arr.shape}, expected shape {exp_arr.shape}"
    if np.isnan(got_arr).any() and not np.isnan(exp_arr).any():
        first = tuple(int(i) for i in np.argwhere(np.isnan(got_arr))[0])
        return f"contains nan (first at index {first}); expected {_fmt(exp_arr[first])}"
    close = np.isclose(got_arr, exp_arr, atol=atol, rtol=rtol, equal_nan=True)
    if close.all():
        return None
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    where = f" at index {first}" if first else ""
    return (f"differs{where}: got {_fmt(got_arr[first])}, expected {_fmt(exp_arr[first])} "
            f"(max difference {np.nanmax(np.abs(got_arr - exp_arr)):.3g})")


def evaluate_function(fn, reference, cases, atol=1e-6, rtol=1e-5, diagnose=None):
    """Run fn and reference on every case; return a list of problems (empty: all pass).

    diagnose(case, got, expected) may return a hint naming a typical mistake.
    """
    if not callable(fn):
        return [f"expected a function, got {type(fn).__name__}: pass the function itself, "
                "for example check(my_function), not check(my_function(x))"]
    problems = []
    for case in cases:
        expected = case.call(reference)
        try:
            got = case.call(fn)
        except Exception as exc:  # the student's code: report it, never raise
            problems.append(f"{case.describe()}\n   raised {type(exc).__name__}: {exc}")
            continue
        difference = compare_arrays(got, expected, atol=atol, rtol=rtol)
        if difference:
            message = f"{case.describe()}\n   your result {difference}"
            hint = _safe_hint(diagnose, case, got, expected)
            problems.append(message + (f"\n   Hint: {hint}" if hint else ""))
    return problems


def _safe_hint(diagnose, case, got, expected):
    """diagnose's hint, or None: an odd student result must not make the hint code raise."""
    if diagnose is None:
        return None
    try:
        return diagnose(case, got, expected)
    except Exception:  # the hint is optional; the problem itself is already reported
        return None


def report(name, n_checked, problems, hint=None):
    """Print the pass line, or the first problems and an optional general hint."""
    if not problems:
        print(f"{PASS} {name}: all {n_checked} checks passed.")
        return
    print(f"{FAIL} {name}: {len(problems)} of {n_checked} checks failed.")
    for problem in problems[:3]:
        print(f" - {problem}")
    if len(problems) > 3:
        print(f" - ... and {len(problems) - 3} more")
    if hint:
        print(f"Hint: {hint}")


def check_function(fn, reference, cases, name=None, atol=1e-6, rtol=1e-5, diagnose=None, hint=None):
    """Compare fn with reference on each Case and print the result."""
    name = name or getattr(fn, "__name__", "your function")
    problems = evaluate_function(fn, reference, cases, atol=atol, rtol=rtol, diagnose=diagnose)
    report(name, len(cases) if callable(fn) else 1, problems, hint)


def compare(label, got, expected, atol=1e-6):
    """Print whether got and expected agree to within atol; when they do not, by how much.

    Only the verdict at the tolerance is printed for a match: the size of a difference below it is
    float round-off, which changes with the CPU, the BLAS kernel and the thread count.
    """
    got_arr = np.asarray(got, dtype=float)
    exp_arr = np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        print(f"{label:<28} shapes differ: {got_arr.shape} vs {exp_arr.shape}")
        return
    diff = float(np.max(np.abs(got_arr - exp_arr))) if got_arr.size else 0.0
    agree = diff <= atol
    detail = "" if agree else f" (largest difference {diff:.1e})"
    print(f"{label:<28} agree to within {atol:g}: {agree}{detail}")


# ---------------------------------------------------------------------------- Keras models

@dataclass(frozen=True)
class Layer:
    """What a layer of the expected model must be; attributes left as None are not checked."""

    kind: str = "Dense"
    units: int | None = None
    activation: str | None = None
    filters: int | None = None
    kernel_size: tuple | int | None = None
    strides: tuple | int | None = None

    def describe(self):
        parts = [f"{k}={v!r}" for k, v in self._fields().items()]
        return f"{self.kind}({', '.join(parts)})"

    def _fields(self):
        names = ("units", "filters", "kernel_size", "strides", "activation")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def _layer_value(layer, attribute):
    value = getattr(layer, attribute, None)
    if attribute == "activation" and value is not None:
        return getattr(value, "__name__", str(value))
    if isinstance(value, (tuple, list)) and len(value) == 1:
        return value[0]
    return value


def describe_layer(layer):
    names = ("units", "filters", "kernel_size", "strides", "activation")
    parts = [f"{n}={_layer_value(layer, n)!r}" for n in names if hasattr(layer, n)]
    return f"{type(layer).__name__}({', '.join(parts)})"


def evaluate_model(model, layers, input_shape=None, loss=None, from_logits=None):
    """Return the differences between a Keras model and the expected architecture."""
    import keras

    if model is None:
        return ["got None instead of a model: does your function `return` the model?"]
    if not isinstance(model, keras.Model):
        return [f"expected a Keras model (tf.keras.Sequential([...])), got {type(model).__name__}"]
    problems = []
    if input_shape is not None:
        try:
            got_shape = tuple(model.input_shape[1:])
        except (AttributeError, ValueError):
            got_shape = None
        if got_shape is None:
            problems.append("the model does not know its input shape: make "
                            f"tf.keras.Input(shape={tuple(input_shape)}) the first item of the Sequential")
        elif got_shape != tuple(input_shape):
            problems.append(f"input shape is {got_shape}, expected {tuple(input_shape)} "
                            "(one value per feature of an example)")
    got_layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if len(got_layers) != len(layers):
        problems.append(
            f"has {len(got_layers)} layers, expected {len(layers)}.\n   expected: "
            + ", ".join(spec.describe() for spec in layers)
            + "\n   yours:    " + (", ".join(describe_layer(lay) for lay in got_layers) or "none"))
        return problems
    for i, (spec, layer) in enumerate(zip(layers, got_layers, strict=True), start=1):
        if type(layer).__name__ != spec.kind:
            problems.append(f"layer {i} is {type(layer).__name__}, expected {spec.kind}")
            continue
        for attribute, expected in spec._fields().items():
            got = _layer_value(layer, attribute)
            if got != expected:
                problems.append(f"layer {i} ({spec.kind}) has {attribute}={got!r}, expected {expected!r}")
    if loss is not None or from_logits is not None:
        problems += _evaluate_compile(model, loss, from_logits)
    return problems


def _loss_name(loss):
    import keras

    if isinstance(loss, str):
        return keras.losses.get(loss).__name__ if callable(keras.losses.get(loss)) else loss
    if hasattr(loss, "fn"):  # a Loss instance wraps its function
        return loss.fn.__name__
    return getattr(loss, "__name__", type(loss).__name__)


def _evaluate_compile(model, loss, from_logits):
    if not getattr(model, "compiled", False) or getattr(model, "loss", None) is None:
        return ["the model is not compiled: call model.compile(loss=..., optimizer=...)"]
    problems = []
    got = model.loss
    if loss is not None and _loss_name(got) != _loss_name(loss):
        problems.append(f"compiled with loss {_loss_name(got)!r}, expected {_loss_name(loss)!r}")
    if from_logits is not None:
        got_logits = bool(got.get_config().get("from_logits", False)) if hasattr(got, "get_config") else False
        if got_logits != from_logits:
            problems.append(f"loss has from_logits={got_logits}, expected from_logits={from_logits}"
                            + (" (the last layer is linear, so its outputs are logits)" if from_logits else ""))
    return problems


def check_model(model, layers, input_shape=None, loss=None, from_logits=None, name="your model"):
    """Check a Keras model's layers (kind, units, activation, ...), input shape and loss; print the result."""
    problems = evaluate_model(model, layers, input_shape, loss, from_logits)
    n = len(layers) + (input_shape is not None) + (loss is not None or from_logits is not None)
    report(name, n, problems)
