"""Lab 03 helpers: the softmax explorer and the exercise checks.

    from utils.softmax import SoftmaxExplorer, check_build_softmax_regression, check_chance_loss, check_my_softmax

The checks compare with values recorded from the instructor's references (utils/expected/03_softmax.json):
the right result of every case and the results of the typical mistakes they name.
"""

import re

import numpy as np

from utils import expectations
from utils.checks import (
    Case,
    CheckResult,
    Layer,
    Mistake,
    Problem,
    call_student,
    compare_arrays,
    describe_exception,
    evaluate_model,
    exception_hint,
    not_a_function,
    run_check,
    show,
)
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


def softmax_layer_figure():
    """A small network with a softmax output layer drawn (3 inputs, 5 ReLU units, 4 classes), and its alt text."""
    import matplotlib.pyplot as plt

    from utils.network_figure import dense_layer, draw_network, input_layer

    fig, ax = plt.subplots(figsize=(8, 3.8))
    draw_network(ax, [input_layer(3), dense_layer(5, "relu"),
                      dense_layer(4, "softmax", labels=[f"$a_{j}$ = P(class {j})" for j in range(4)])],
                 first_output=0, title="A softmax output layer: four logits, one softmax over all of them")
    return fig, ("Network diagram: 3 inputs, a hidden layer of 5 ReLU units, and an output layer of 4 units that "
                 "compute the logits z_0 to z_3; one softmax block spans all four and gives the probabilities a_0 "
                 "to a_3 of classes 0 to 3.")


def loss_curve_figure():
    """The cross-entropy loss -log a_y of one example against a_y in [0.005, 1], and its alt text."""
    import matplotlib.pyplot as plt

    p_true = np.linspace(0.005, 1, 200)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(p_true, -np.log(p_true))
    ax.set_xlabel("$a_y$, probability given to the true class")
    ax.set_ylabel("loss $-\\log a_y$")
    ax.set_title("Cross-entropy loss of one example")
    return fig, (f"The loss -log a_y against a_y from 0.005 to 1: it falls from {-np.log(p_true[0]):.2f} at "
                 "a_y = 0.005 to 0 at a_y = 1, and rises steeply as a_y approaches 0.")


def softmax_regression_figure():
    """Softmax regression on the digits drawn (64 pixels, ten linear units, softmax in the loss), and its alt text."""
    import matplotlib.pyplot as plt

    from utils.network_figure import dense_layer, draw_network, input_layer

    fig, ax = plt.subplots(figsize=(7.5, 5.4))
    draw_network(ax, [input_layer(64, name="64 pixels"),
                      dense_layer(10, "softmax", labels=[f"P(digit {d})" for d in range(10)], name="10 logits",
                                  detail="10 units, linear\n(softmax in the loss)")],
                 first_output=0, max_units=7, layer_gap=3.2,
                 title="Softmax regression: 64 pixels, ten output units, no hidden layer",
                 caption="The layer is linear: it outputs z_0 ... z_9. Softmax is applied by the loss\n"
                         "(from_logits=True) and, for probabilities, by tf.nn.softmax.")
    # draw_network puts no "⋮" among the last layer's labels; add it level with the logits' "⋮"
    dots = [t for t in ax.texts if t.get_text() == "⋮"]
    label = next(t for t in ax.texts if t.get_text() == "P(digit 0)")
    if dots:
        z_dots = max(dots, key=lambda t: t.get_position()[0])        # the rightmost "⋮": the logits' column
        ax.text(label.get_position()[0] + 0.3, z_dots.get_position()[1], "⋮",
                ha="center", va="center", fontsize=dots[0].get_fontsize(), color=dots[0].get_color())
    return fig, ("Network diagram of softmax regression: 64 pixel inputs (x_1 to x_5, an ellipsis, x_64 drawn) each "
                 "joined to 10 output units computing the logits z_0 to z_9 (z_0 to z_4, an ellipsis, z_9 drawn), "
                 "followed by one softmax block giving P(digit 0) to P(digit 9) (P(digit 0) to P(digit 4), "
                 "an ellipsis, P(digit 9) drawn); the softmax belongs to the loss.")


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
        Case("logits 1000 apart in one row", args=(np.array([-500.0, 500.0, 0.0]),)),
        Case("a single element", args=(np.array([3.0]),)),
        Case("a 2-D batch (one example per row)",
             args=(np.array([[1.0, 2.0, 3.0, 4.0], [1000.0, 1000.0, 1000.0, 1000.0], [-5.0, 0.0, 5.0, 1.0]]),)),
        Case("a batch of one row", args=(np.array([[0.0, 0.0, 1.0]]),)),
    ]


# The typical my_softmax mistakes, each a feedback ladder: the idea first, then closer looks, never the line.
NO_SHIFT = Mistake("no_shift", (
    "{what}: e^z left the range a float can hold. Subtracting the same number from every logit does not change "
    "softmax (section 3); choose it so that no exponent is large.",
    "after the shift the largest exponent should be e^0 = 1: which logit must become 0?"))
MIN_SHIFT = Mistake("min_shift", (
    "a row whose logits lie far apart returns nan or inf: after your shift the largest exponent is still huge "
    "(here e^1000 overflows). The shift must bring every exponent to 0 or below, not the smallest one to 0.",
    "which logit, subtracted from all of them, leaves the largest exponent at e^0 = 1? Section 3's fix names it."))
ONE_MAX = Mistake("one_max", (
    "each row alone comes out right, the batch does not. One row is one example, and every example needs its "
    "own largest logit: a row far below the batch's largest logit underflows to 0 / 0.",
    "the largest logit must be taken over the classes of one example, once per row: NumPy's max can reduce "
    "along a single axis. Which axis holds the classes?",
    "compare the shape of your row maxima with z's shape: to be subtracted row by row they must line up with "
    "the rows, one number per row in a column."))
ONE_SUM = Mistake("one_sum", (
    "your rows do not each sum to 1: you divided by one total for the whole batch. Each example shares its "
    "probability among its own classes only.",
    "the sum must run over the classes of one example, once per row: NumPy's sum can reduce along a single "
    "axis. Which axis holds the classes?",
    "compare the shape of your row sums with z's shape: to divide row by row they must line up with the rows, "
    "one number per row in a column."))
COLUMNS = Mistake("columns", (
    "each column of your result sums to 1: you normalized over the examples. One row is one example, and its "
    "classes run along the last axis.",
    "reduce along the axis that holds the classes of one example, for the max and for the sum."))
UNALIGNED = Mistake("unaligned", (
    "your per-row numbers (maxima or sums) do not line up with the rows. Reducing a (3, 4) batch along its "
    "classes gives shape (3,), and NumPy matches that with the last axis (the 4 classes), not with the rows.",
    "for each row's number to meet its own row, it needs shape (3, 1): the reduced axis kept, with length 1. "
    "np.max and np.sum can keep it: see help(np.max).",
    "with the reduced axis kept, the same code works for a vector and for a batch: try it on both."))
# The recorded batch mistakes (one max and/or one sum for the whole batch) and the ladders naming them
_BATCH_MISTAKES = {"one_max": [ONE_MAX], "one_sum": [ONE_SUM], "one_max_one_sum": [ONE_MAX, ONE_SUM]}


def _softmax_mistakes(fn):
    """diagnose(case, got, expected) for my_softmax: every typical mistake its result shows."""
    def diagnose(case, got, expected):
        z = np.asarray(case.args[0], dtype=float)
        with np.errstate(all="ignore"):
            got = np.asarray(got, dtype=float)
        if got.shape != z.shape:
            return [f"return one probability per input value, in the input's shape {z.shape}"]
        if expectations.recorded_mistakes(case, got, {"min_shift": MIN_SHIFT}, expected, rtol=1e-5, atol=1e-8):
            return [MIN_SHIFT]
        if z.ndim == 2:  # a batch, even of one row (summing over axis 0 then gives all ones)
            return _batch_mistakes(fn, case, got, expected)
        return _vector_mistakes(z, got)
    return diagnose


def _matches(got, recorded):
    with np.errstate(all="ignore"):
        return np.allclose(got, np.asarray(recorded, dtype=float), equal_nan=True)


def _vector_mistakes(z, got):
    if not np.isfinite(got).all():
        if z.max() > 700:
            return [_no_shift(f"for z = {_show(z)}, np.exp({z.max():g}) overflows to inf, and inf / inf is nan")]
        if z.max() < -700:
            return [_no_shift(f"for z = {_show(z)}, np.exp({z.max():g}) underflows to 0, and 0 / 0 is nan")]
        return [_no_shift("the result has nan or inf")]
    sums = got.sum(axis=-1)
    if not np.allclose(sums, 1.0):
        return [f"softmax outputs sum to 1, yours sum to {_show(sums)}: divide e^z by its sum"]
    return []


def _no_shift(what):
    """NO_SHIFT with its first step saying what happened on this input (the ladder's key stays the same)."""
    return Mistake(NO_SHIFT.key, (NO_SHIFT.steps[0].format(what=what), *NO_SHIFT.steps[1:]))


def _batch_mistakes(fn, case, got, expected):
    """All the batch mistakes seen: one max for the whole batch, one sum for it, the wrong axis."""
    z = np.asarray(case.args[0], dtype=float)
    with np.errstate(all="ignore"):
        for mistake, hints in _BATCH_MISTAKES.items():
            if _matches(got, case.about[mistake]):
                return hints
        if np.isfinite(got).all() and np.allclose(got.sum(axis=0), 1.0):
            return [COLUMNS]
        rows_alone = [_call_row(fn, row) for row in z]
        if not np.isfinite(got).all() and all(
                r is not None and compare_arrays(r, right) is None
                for r, right in zip(rows_alone, expected, strict=True)):
            return [ONE_MAX]
        not_finite = np.flatnonzero(~np.isfinite(got).all(axis=-1))   # nan/inf first: a sum hint would mislead
        first_bad = not_finite[0] if len(not_finite) else \
            np.argwhere(~np.isclose(got, expected, atol=1e-6, rtol=1e-5))[0][0]
    return _vector_mistakes(z[first_bad], got[first_bad])


def _call_row(fn, row):
    got, exc, _, _ = call_student(fn, Case("row", (row.copy(),)))
    return None if exc is not None else got


def _show(values):
    return np.array2string(np.asarray(values), precision=4, separator=", ", threshold=6)


AXIS_MISSING = Mistake("axis_missing", (
    "that axis does not exist for this input: a vector (one example) has one axis, a batch two. The classes "
    "of one example always lie along the last axis, so name the axis in a way that means 'the last one' "
    "whatever z's number of axes.",
    "NumPy counts axes from the end too, as Python counts list positions from the end: which axis number "
    "always means the last one, for a vector and for a batch?"))
LIST_INPUT = Mistake("list_input", (
    "z can be a plain Python list, which has no .max() and no array arithmetic. Make a NumPy array from z "
    "at the start of your function and work on that array.",
    "help(np.asarray) shows the NumPy function that makes an array from a list (for an array it returns the "
    "array itself): give its result a name and use that name below."))


def _softmax_exception(exc, case):
    if isinstance(exc, np.exceptions.AxisError):
        return AXIS_MISSING
    if isinstance(exc, (TypeError, AttributeError)) and "list" in str(exc):
        return LIST_INPUT
    if "broadcast" in str(exc):
        return UNALIGNED
    return None


def evaluate_my_softmax(fn):
    """The CheckResult of my_softmax against recorded tf.nn.softmax results: vectors, lists, huge values, batches."""
    return run_check("my_softmax", fn, None, expectations.with_expected(LAB, "my_softmax", softmax_cases()),
                     diagnose=_softmax_mistakes(fn) if callable(fn) else None,
                     explain_exception=_softmax_exception)


def check_my_softmax(fn):
    """Exercise check: print (and return) the result of evaluate_my_softmax."""
    return show(evaluate_my_softmax(fn))


# ------------------------------------------------------- Exercise 1: the loss of a guess


def chance_loss_cases():
    """The class counts chance_loss is tried on."""
    return [
        Case("two classes", args=(2,)),
        Case("three classes", args=(3,)),
        Case("four classes", args=(4,)),
        Case("ten classes (the digits)", args=(10,)),
        Case("a NumPy integer, five classes", args=(np.int64(5),)),
        Case("a single class (always right)", args=(1,)),
    ]


# The typical wrong answers (their values are recorded per case), each with its feedback ladder.
CHANCE_MISTAKES = {
    "negative": Mistake("negative", (
        "your loss is negative. The loss is MINUS the log of the true class's probability; a probability is at "
        "most 1, so its log is at most 0 and the loss is at least 0.",
        "check the sign: minus the log of the share each class gets (two classes: a half each).")),
    "probability": Mistake("probability", (
        "that is the probability the true class gets, a_y, which is the right first step; the exercise asks "
        "for the loss, the cost the model pays for that probability.",
        "put that probability into section 2's loss formula.")),
    "log10": Mistake("log10", (
        "that is a base-10 logarithm. The cross-entropy loss (and Keras) uses the natural logarithm, the log "
        "with base e.",
        "NumPy names the natural log np.log; np.log10 and np.log2 are the other bases.")),
    "log2": Mistake("log2", (
        "that is a base-2 logarithm (a loss in bits). The cross-entropy loss (and Keras) uses the natural "
        "logarithm, the log with base e.",
        "NumPy names the natural log np.log; np.log10 and np.log2 are the other bases.")),
    "all_classes": Mistake("all_classes", (
        "you added up a loss for every class. The loss of one example only looks at the probability of its "
        "true class; the other classes matter only through the share softmax leaves for it.",
        "with equal probabilities every class gets the same share, so the true class is like any other: "
        "one term, not n_classes of them.")),
    "one_minus": Mistake("one_minus", (
        "that is 1 - a_y, the probability the true class misses. The cross-entropy loss is a logarithm: it "
        "grows without limit as a_y goes to 0, as in section 2's figure.",
        "use section 2's formula with a_y the probability every class gets.")),
    "floor_division": Mistake("floor_division", (
        "your loss is infinite: you took the log of 0. Each class's share lies between 0 and 1 and is never 0; "
        "// is floor division, which rounds down to a whole number, so 1 // 4 is 0.",
        "Python's / divides exactly (1 / 4 = 0.25); // keeps only the whole part (1 // 4 = 0).")),
}
_CHANCE_START = Mistake("chance_start", (
    "if all n_classes classes get the same probability, what is that probability? The loss is then minus the "
    "log of it, as for any example.",
    "test your idea on one class first: the model is then always right, so its loss must be 0. More classes "
    "must give a larger loss, and a negative or zero loss for two classes means the idea is off."))


# The same negative value comes from two different mistakes; the code tells them apart.
MINUS_MISSING = Mistake("minus_missing", (
    "your loss is negative: it is the log of the right probability, with the minus sign missing. The loss is "
    "MINUS the log of the true class's probability; a probability is at most 1, so its log is at most 0 and "
    "the loss is at least 0.",
    "put a minus sign in front of your log."))
LOG_OF_COUNT = Mistake("log_of_count", (
    "your loss is negative: you took minus the log of n_classes, but n_classes is not a probability. The loss "
    "is minus the log of the probability the true class gets.",
    "first work out the share each class gets (two classes: a half each), then take minus its log."))


def _code_lines(fn):
    """fn's source without comments (empty when it cannot be read)."""
    import inspect

    try:
        return "\n".join(line.split("#")[0] for line in inspect.getsource(fn).splitlines())
    except (OSError, TypeError):
        return ""


def _chance_mistakes_for(fn):
    """diagnose(case, got, expected) for chance_loss: a recorded mistake (the negative one split by fn's code)."""
    import re

    code = _code_lines(fn) if callable(fn) else ""
    negative = LOG_OF_COUNT if re.search(r"-\s*(np|math)\.log\(\s*n", code) else \
        MINUS_MISSING if re.search(r"(np|math)\.log", code) else CHANCE_MISTAKES["negative"]

    def diagnose(case, got, expected):
        with np.errstate(all="ignore"):
            got = np.asarray(got, dtype=float)
            if got.shape != ():
                return "return one number, the loss of one example, not an array"
        found = expectations.recorded_mistakes(case, got, {**CHANCE_MISTAKES, "negative": negative}, expected,
                                               rtol=1e-6, atol=1e-8)
        return found[0] if found else _CHANCE_START
    return diagnose


def _chance_mistakes(case, got, expected):
    """The typical mistake a wrong chance loss shows (recorded values in case.about), or a first step."""
    return _chance_mistakes_for(None)(case, got, expected)


def _compare_chance(got, expected, case):
    """Whether got is the chance loss; a wrong number is called wrong without the right one (it is the answer)."""
    difference = compare_arrays(got, expected, atol=1e-9, rtol=1e-7)
    if difference is None or np.asarray(got).shape != () or not difference.startswith("differs"):
        return difference
    return (f"is {float(np.asarray(got, dtype=float)):.6g}, not the loss of one example when each of the "
            f"{int(case.args[0])} classes gets the same probability")


def evaluate_chance_loss(fn):
    """The CheckResult of chance_loss(n_classes) against the recorded losses of a uniform guess."""
    cases = expectations.with_expected(LAB, "chance_loss", chance_loss_cases())
    result = run_check("chance_loss", fn, None, cases, compare=_compare_chance, diagnose=_chance_mistakes_for(fn))
    result.on_pass = "section 4 puts it to use on an untrained model"
    return result


def check_chance_loss(fn):
    """Exercise check: print (and return) the result of evaluate_chance_loss."""
    return show(evaluate_chance_loss(fn))


# -------------------------------------------- Exercise 3: softmax regression, the recommended way

SOFTMAX_REGRESSION_LAYERS = [Layer("Dense", units=10, activation="linear")]
_LINEAR_CLAIM = " (the last layer is linear, so its outputs are logits)"


def model_summary(model):
    """(output layers, last layer's activation name, loss name, from_logits) of a Keras model."""
    layers = [layer for layer in getattr(model, "layers", []) if type(layer).__name__ != "InputLayer"]
    loss = getattr(model, "loss", None)
    from_logits = bool(loss.get_config().get("from_logits", False)) if hasattr(loss, "get_config") else False
    name = getattr(getattr(loss, "fn", None), "__name__", loss if isinstance(loss, str) else "")
    last = layers[-1] if layers else None
    activation = getattr(getattr(last, "activation", None), "__name__", "")
    return layers, activation, name, from_logits


def evaluate_built_model(name, build_model, layers, input_shape, loss, hints_for, optimizer=None):
    """The CheckResult of the model build_model() returns, against layers and a from-logits loss.

    hints_for(model) -> hints (texts or Mistakes) for the problems seen; optimizer=(class name,
    learning rate) adds a note when the model's differs (the lab's numbers come from that one).
    """
    import keras

    result = CheckResult(name, len(layers) + 2, subject=build_model)
    if not callable(build_model):
        result.checked, result.problems = 1, [not_a_function(build_model, name)]
        return result
    model, exc = (build_model, None) if isinstance(build_model, keras.Model) else \
        call_student(build_model, Case(f"{name}()"))[:2]
    if isinstance(exc, NotImplementedError):
        result.not_written = str(exc)
        return result
    if exc is not None:
        result.problems = [Problem(f"calling {name}()", describe_exception(exc),
                                   [h for h in [exception_hint(exc)] if h])]
        return result
    differences = evaluate_model(model, layers, input_shape=input_shape, loss=loss, from_logits=True)
    if differences and isinstance(model, keras.Model):
        if model_summary(model)[1] != "linear":  # the shared message assumes a linear last layer
            differences = [d.replace(_LINEAR_CLAIM, "") for d in differences]
        result.problems = [Problem("", what) for what in differences]
        result.problems[-1].hints = hints_for(model)
    elif differences:
        result.problems = [Problem("", what) for what in differences]
    elif optimizer is not None:
        kind, rate = optimizer
        got = getattr(model, "optimizer", None)
        got_rate = float(np.asarray(getattr(got, "learning_rate", np.nan)))
        if type(got).__name__ != kind or not np.isclose(got_rate, rate):
            result.on_pass = (f"but the lab's numbers come from {kind}(learning_rate={rate:g}); with "
                              f"{type(got).__name__}(learning_rate={got_rate:.3g}) yours will differ")
    return result


def _softmax_regression_hints(model):
    """Ladders for the typical mistakes in softmax regression built the recommended way."""
    layers, activation, loss, from_logits = model_summary(model)
    hints = []
    if len(layers) > 1:
        hints.append(Mistake("hidden_layer", (
            "softmax regression has no hidden layer: the 64 pixels go straight into the output layer, one "
            "weight vector and one bias per class.",
            "keep only the output layer in the Sequential, after the Input.")))
    if activation == "softmax" and from_logits:
        hints.append(Mistake("softmax_twice", (
            "your output layer applies softmax, while from_logits=True tells the loss that it receives logits: the "
            "code says softmax twice. Keras 3 notices its own softmax and uses the layer's logits instead (Going "
            "further shows the rescue), yet the recommended model does "
            "not rely on that: its output layer hands over the logits themselves.",
            "keep from_logits=True; which activation leaves a layer's outputs as they are?")))
    elif activation == "softmax":
        hints.append(Mistake("softmax_layer", (
            "your output layer applies softmax, so the model outputs probabilities and the loss is given those: "
            "the detour through probabilities this lab warns about (Keras 3 quietly undoes it for its own softmax, "
            "see Going further, but a model should not rely on that). The recommended model outputs the logits.",
            "an output layer that outputs logits has no activation (it is linear); softmax then happens inside "
            "the loss.")))
    elif activation == "relu":
        hints.append(Mistake("relu_layer", (
            "ReLU sets every negative output to 0, but logits must be free to be any real number: a class whose "
            "logit should be very negative could not say so.",
            "an output layer that outputs logits has no activation (it is linear).")))
    elif activation == "sigmoid":
        hints.append(Mistake("sigmoid_layer", (
            "a sigmoid squashes each output on its own; a digit is exactly one of ten classes, so the outputs "
            "should be logits for one softmax, which the loss applies.",
            "an output layer that outputs logits has no activation (it is linear).")))
    elif activation == "linear" and not from_logits and loss:
        hints.append(Mistake("probabilities_expected", (
            "your model outputs logits, but the loss expects probabilities (that is its default), so it would "
            "take the log of numbers that are not probabilities.",
            "the loss has an argument that tells it its inputs are logits: see the prose above the exercise.")))
    units = getattr(layers[-1], "units", None) if layers else None
    if units is not None and units != 10:
        hints.append(Mistake("units", (
            f"your output layer has {units} unit{'s' * (units != 1)}; softmax needs one logit per class, and "
            "there are ten digits.",
            "the number of units of the output layer is the number of classes.")))
    if loss == "categorical_crossentropy":
        hints.append(Mistake("one_hot_loss", (
            "CategoricalCrossentropy expects one-hot rows as targets, but y_train holds the digits as "
            "integers 0 to 9.",
            "section 2 names the loss that takes integer labels.")))
    elif loss == "binary_crossentropy":
        hints.append(Mistake("binary_loss", (
            "binary cross-entropy scores independent yes/no outputs; a digit is one of ten classes, scored by "
            "the cross-entropy of section 2.",
            "section 2 names the loss that takes integer labels.")))
    optimizer = getattr(model, "optimizer", None)
    rate = float(np.asarray(getattr(optimizer, "learning_rate", np.nan)))
    if optimizer is None:
        hints.append(Mistake("not_compiled", (
            "your model is not compiled, so it has no loss and no optimizer yet: fit could not train it. Compile "
            "it inside your function, before you return it, with your loss and the exercise's optimizer.",
            "Lab 01 compiled its models: model.compile takes the loss and the optimizer as arguments.")))
    elif type(optimizer).__name__ != "SGD" or not np.isclose(rate, 0.5):
        hints.append(Mistake("optimizer", (
            f"the exercise fixes the optimizer, SGD with learning rate 0.5; yours is {type(optimizer).__name__} "
            f"(learning rate {rate:.3g}), so your numbers would differ from the lab's.",
            "the last bullet of the exercise names the optimizer to pass to compile.")))
    return hints


def evaluate_build_softmax_regression(build_model):
    """The CheckResult of softmax regression on the digits: 64 pixels -> 10 logits, from-logits sparse loss."""
    import keras

    result = evaluate_built_model("build_softmax_regression", build_model, SOFTMAX_REGRESSION_LAYERS, (64,),
                                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                                  _softmax_regression_hints, optimizer=("SGD", 0.5))
    for problem in result.problems:  # say what is wrong and why, not the expected value (it is the answer)
        problem.what = _without_answer(problem.what)
    return result


_WHY = [
    (r"activation=", ": the output layer should hand its logits over unchanged (softmax belongs to the loss)"),
    (r"from_logits=False", " (the default): the loss takes its inputs for probabilities"),
    (r"units=", ": softmax needs one logit per class"),
    (r"compiled with loss", ", which does not fit how the labels are stored (y_train holds the digits 0 to 9)"),
]


def _without_answer(what):
    """A model check's line without its ', expected ...' part, with why the value is wrong."""
    if ", expected " not in what:
        return what
    got = re.sub(r", expected ('[^']*'|[\w=.]+)", "", what).replace(_LINEAR_CLAIM, "")
    why = next((text for key, text in _WHY if key in got), "")
    return got + why


def check_build_softmax_regression(build_model):
    """Exercise check: print (and return) the result of evaluate_build_softmax_regression."""
    return show(evaluate_build_softmax_regression(build_model))
