"""Lab 01's interactive gradient-descent demo on the coffee-roasting data.

The widget trains a small network with exactly the loop Lab 01 writes by hand (full-batch
gradient descent with tf.GradientTape), compiled with tf.function so 1,000 epochs take about a
second. Every learning rate on offer is trained once, up front; a slider step only picks a stored
snapshot and moves the drawn curve and boundary to it.
"""
import numpy as np
from matplotlib.contour import ContourSet

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
    notebook_data_read,
    run_check,
    show,
)
from utils.data import load_coffee
from utils.expectations import expected, recorded_mistakes, with_expected
from utils.plots import decision_grid, plot_decision_boundary
from utils.validation import as_2d_features, as_labels
from utils.widgets import Explorer

LAB = "01_training"
COFFEE_FEATURES = ("temperature (°C)", "duration (min)")


# ----------------------------------------------------------------------------- Lab 01's figures

def digits_figure(images, labels, probabilities=None, rows=1):
    """8 x 8 digit images titled with their label (and, given probabilities, f and the decision at 0.5),
    with alt text written from the same values: (fig, alt)."""
    import matplotlib.pyplot as plt

    labels = np.ravel(labels)
    columns = -(-len(labels) // rows)
    fig, axes = plt.subplots(rows, columns, figsize=(1.5 * columns if probabilities is not None else columns,
                                                    2 if rows == 1 else 1.45 * rows))
    for i, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if i >= len(labels):
            continue
        ax.imshow(np.reshape(images[i], (8, 8)), cmap="gray_r")
        if probabilities is None:
            ax.set_title(f"y = {labels[i]:.0f}", fontsize=10)
        else:
            ax.set_title(f"f = {probabilities[i]:.2f} -> {int(probabilities[i] >= 0.5)}\n(label {labels[i]:.0f})",
                         fontsize=9)
    if probabilities is None:
        fig.suptitle(f"{len(labels)} training images (8 × 8 pixels) and their labels")
        return fig, (f"{len(labels)} 8 by 8 pixel training images of handwritten digits, each titled with its label; "
                     f"{int(labels.sum())} of them are ones.")
    fig.suptitle("Test images: predicted probability, decision and true label")
    return fig, (f"{len(labels)} test images with their predicted probability f, the decision and the true label: "
                 + "; ".join(f"f = {p:.2f}, label {y:.0f}" for p, y in zip(probabilities, labels, strict=True)))


def digits_network_figure(model, inputs=64):
    """The drawing of a Sequential model of sigmoid Dense layers on `inputs` pixels, with its alt text."""
    import matplotlib.pyplot as plt

    from utils.network_figure import dense_layer, draw_network, input_layer

    sizes = [layer.units for layer in model.layers]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    draw_network(ax, [input_layer(inputs)] + [dense_layer(units, activation="sigmoid") for units in sizes[:-1]]
                 + [dense_layer(sizes[-1], activation="sigmoid", labels=["P(y = 1)"])],
                 title=f"The digits network: {inputs} → {' → '.join(map(str, sizes))}")
    hidden = " and ".join(str(units) for units in sizes[:-1])
    return fig, (f"Diagram of the digits network: {inputs} inputs x1 to x{inputs}, hidden layers of {hidden} "
                 f"sigmoid units, and {sizes[-1]} sigmoid output unit giving P(y = 1); every unit is joined to every "
                 "unit of the layer before.")


def house_figure(size, price, model, history):
    """The houses with the trained unit's line (left) and the MSE cost per epoch on a log scale (right)."""
    import matplotlib.pyplot as plt

    from utils.plots import COLOURS, plot_history

    fig, (ax_data, ax_loss) = plt.subplots(1, 2, figsize=(10, 3.6))
    ax_data.scatter(size, price, s=18, color="0.45", label="houses")
    grid = np.linspace(np.min(size), np.max(size), 50, dtype="float32")
    ax_data.plot(grid, model(grid[:, None]).numpy()[:, 0], color=COLOURS["linear"], lw=2.5,
                 label="network: one linear unit (fit)")
    ax_data.set(xlabel="size (1000 sq ft)", ylabel="price (1000 $)", title="One linear unit trained with MSE")
    ax_data.legend()
    plot_history(history, ax=ax_loss, title="fit's loss (MSE), mean over each epoch's batches", log_y=True)
    ax_loss.set_ylabel("loss: epoch mean of the batches' MSE (log scale)")
    w, b = (float(v.numpy().ravel()[0]) for v in model.layers[0].weights)
    loss = history.history["loss"]
    if np.all(np.isfinite(loss)):
        course = f"from about {_rounded(loss[0])} to about {_rounded(loss[-1])} (thousand $)²"
    else:
        finite = [v for v in loss if np.isfinite(v)]
        course = ("diverged: it grew" + (f" to {max(finite):.1e}" if finite else "") + " and then became nan")
    return fig, (f"Left: scatter of {len(size)} house prices (thousand $) against size (1000 sq ft) with the "
                 f"trained unit's straight line, slope {w:.1f} and intercept {b:.1f}. Right: fit's loss per epoch "
                 f"(the mean of its batches' MSE) on a log scale, {course}.")


def _rounded(value):
    """A loss value to two significant figures, with thousands separators (13588 -> '14,000')."""
    return f"{float(f'{value:.2g}'):,.0f}" if abs(value) >= 1 else f"{value:.2g}"


def build_coffee_model(X, hidden_units=3, seed=1):
    """Normalization -> Dense(hidden, sigmoid) -> Dense(1, sigmoid), with the normalizer adapted to X."""
    import keras

    keras.utils.set_random_seed(seed)
    normalize = keras.layers.Normalization(axis=-1)
    normalize.adapt(np.asarray(X, dtype="float32"))
    return keras.Sequential([
        keras.Input(shape=(2,)),
        normalize,
        keras.layers.Dense(hidden_units, activation="sigmoid"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])


def gradient_descent_run(X, y, learning_rate, epochs, record_every=50, seed=1):
    """Full-batch gradient descent on the coffee model.

    Returns (model, losses, snapshots): losses[k] is the cost before update k + 1, snapshots maps
    an epoch count (0, record_every, 2 * record_every, ..., epochs) to the weights after it.
    """
    import tensorflow as tf

    X = as_2d_features(X, name="X").astype("float32")
    y = as_labels(y, n=len(X), name="y").astype("float32").reshape(-1, 1)
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate}")
    if not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int, got {epochs!r}")
    model = build_coffee_model(X, seed=seed)
    loss_fn = tf.keras.losses.BinaryCrossentropy()
    alpha = tf.constant(learning_rate, dtype=tf.float32)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(X))
        grads = tape.gradient(loss, model.trainable_variables)
        for variable, grad in zip(model.trainable_variables, grads, strict=True):
            variable.assign_sub(alpha * grad)
        return loss

    losses, snapshots = [], {0: model.get_weights()}
    for epoch in range(1, epochs + 1):
        losses.append(float(step()))
        if epoch % record_every == 0 or epoch == epochs:
            snapshots[epoch] = model.get_weights()
    return model, np.array(losses), snapshots


def binary_cross_entropy(y, p, eps=1e-7):
    """Mean of -y log p - (1 - y) log(1 - p), with p clipped away from 0 and 1 as Keras does."""
    y = np.asarray(y, dtype=float).ravel()
    p = np.clip(np.asarray(p, dtype=float).ravel(), eps, 1 - eps)
    if y.shape != p.shape:
        raise ValueError(f"y has {y.size} values but p has {p.size}; expected one probability per label")
    return float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))


LEARNING_RATES = (0.3, 1.0, 3.0, 10.0, 30.0)  # the rates Lab 01's explorer offers (trained up front)


def _contour_paths(xx, yy, zz, levels, filled):
    """The paths `contourf` (filled) or `contour` draws for these levels, for a ContourSet's set_paths."""
    import contourpy
    import matplotlib as mpl
    from matplotlib.path import Path

    generator = contourpy.contour_generator(xx, yy, zz, name=mpl.rcParams["contour.algorithm"],
                                            corner_mask=mpl.rcParams["contour.corner_mask"],
                                            line_type=contourpy.LineType.SeparateCode,
                                            fill_type=contourpy.FillType.OuterCode)
    if filled:
        lowers = np.array(levels[:-1], dtype=float)
        lowers[0] = min(lowers[0], zz.min() - 1)  # the lowest band includes the minimum, as contourf's
        parts = map(generator.create_filled_contour, lowers, levels[1:])
    else:
        parts = map(generator.create_contour, levels)
    return [Path(np.concatenate(vs), np.concatenate(cs)) if len(vs) else Path(np.empty((0, 2)))
            for vs, cs in parts]


def _padded(low, high, margin=0.05):
    """(low, high) widened by margin of the span on each side, as Matplotlib's autoscaling does."""
    pad = margin * (high - low)
    return low - pad, high + pad


class CoffeeExplorer(Explorer):
    """The cost curve and the decision boundary after `epochs` epochs at `learning_rate`.

    Every learning rate in `learning_rates` is trained once, when the figure is first drawn, so no
    slider step waits for training (another rate trains when first chosen); each snapshot's
    probabilities are computed once, then kept.
    """

    def __init__(self, X=None, y=None, learning_rates=LEARNING_RATES, max_epochs=1000, record_every=50,
                 resolution=80):
        if X is None:
            X, y = load_coffee()
        self.X, self.y = X, y
        self.learning_rates, self.max_epochs, self.record_every = learning_rates, max_epochs, record_every
        self.resolution = resolution
        self._runs, self._snapshots = {}, {}

    def run(self, learning_rate):
        """(model, losses, snapshots) of one training run, trained on first use."""
        key = round(float(learning_rate), 6)
        if key not in self._runs:
            self._runs[key] = gradient_descent_run(self.X, self.y, key, self.max_epochs, self.record_every)
        return self._runs[key]

    def snapshot(self, learning_rate, epochs):
        """(epochs shown, probabilities on the grid, probabilities of the examples) at the snapshot nearest epochs."""
        model, _, snapshots = self.run(learning_rate)
        shown = min(snapshots, key=lambda e: abs(e - epochs))
        key = (round(float(learning_rate), 6), shown)
        if key not in self._snapshots:
            model.set_weights(snapshots[shown])
            _, _, grid = decision_grid(self._predict(model), self.X, resolution=self.resolution)
            self._snapshots[key] = shown, grid, self._predict(model)(self.X)
        return self._snapshots[key]

    @staticmethod
    def _predict(model):
        return lambda points: model(np.asarray(points, dtype="float32")).numpy()[:, 0]

    def setup(self, fig):
        for rate in self.learning_rates:
            self.run(rate)
        self.loss_ax, data_ax = loss_ax, data_ax = fig.subplots(1, 2, width_ratios=[1, 1.3])
        self.all_line, = loss_ax.plot([], [], color="0.75")  # the whole run, under the epochs shown
        self.shown_line, = loss_ax.plot([], [])
        loss_ax.set_xlim(*_padded(1, self.max_epochs))
        loss_ax.set_xlabel("epoch")
        loss_ax.set_ylabel("cost J (binary cross-entropy)")
        self.loss_title = loss_ax.set_title(" ", fontsize=10)

        model = self.run(self.learning_rates[0])[0]
        plot_decision_boundary(self._predict(model), self.X, self.y, ax=data_ax, feature_names=COFFEE_FEATURES,
                               class_names=["bad roast", "good roast"], title=" ", resolution=self.resolution)
        self.shading, self.boundary = [c for c in data_ax.collections if isinstance(c, ContourSet)]
        handles, labels = data_ax.get_legend_handles_labels()  # below the axes, off the data points
        data_ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=len(labels),
                       frameon=False)
        self.grid_x, self.grid_y, _ = decision_grid(lambda points: np.zeros(len(points)), self.X,
                                                    resolution=self.resolution)
        self.data_title = data_ax.title

    def update(self, learning_rate=10.0, epochs=1000):
        _, losses, _ = self.run(learning_rate)
        shown, grid, probabilities = self.snapshot(learning_rate, epochs)
        self.all_line.set_data(np.arange(1, len(losses) + 1), losses)
        self.loss_ax.set_ylim(*_padded(losses.min(), losses.max()))  # one scale per learning rate, not per step
        self.shown_line.set_data(np.arange(1, shown + 1), losses[:shown])
        self.loss_title.set_text(f"learning rate {learning_rate:g}: epochs 1-{shown} in colour"
                                 + (f", {shown + 1}-{len(losses)} grey" if shown < len(losses) else ""))
        self.data_title.set_text(f"after {shown} epochs")
        for contours in (self.shading, self.boundary):
            contours.set_paths(_contour_paths(self.grid_x, self.grid_y, grid, contours.levels, contours.filled))
        accuracy = float(np.mean((probabilities >= 0.5) == self.y))
        cost = binary_cross_entropy(self.y, probabilities)
        return f"epochs {shown}: cost {cost:.4f}, training accuracy {accuracy:.1%}"

    def table(self, epochs=(50, 100, 200, 300, 400, 1000)):
        """Each learning rate's training accuracy after these epoch counts, its cost's range over the run and its
    outputs at the end."""
        good = float(np.mean(self.y))
        lines = [f"training accuracy after … epochs ({good:.1%} of the {len(self.y)} roasts are good: calling every "
                 f"roast good scores {good:.1%})",
                 "rate  " + "".join(f"{e:>8}" for e in epochs)
                 + "   cost over the run   probabilities after the last epoch"]
        for rate in self.learning_rates:
            cells = []
            for e in epochs:
                _, _, probabilities = self.snapshot(rate, e)
                cells.append(f"{np.mean((probabilities >= 0.5) == self.y):8.1%}")
            losses = self.run(rate)[1]
            lines.append(f"{rate:<6g}" + "".join(cells) + f"   {losses.min():6.3f} to {losses.max():5.3f}   "
                         f"{probabilities.min():.3f} to {probabilities.max():.3f}")
        return "\n".join(lines)


# ------------------------------------------------------------------------- Lab 01 checks

def _compare_labels(got, expected, case):
    """None when got holds the right labels as integers; booleans and floats are named here, before the
    shared comparison (whose advice for booleans, floats, is not this exercise's)."""
    kind = np.asarray(got).dtype.kind if got is not None else None
    if kind in ("b", "f") and np.shape(got) == np.shape(expected) and np.array_equal(np.asarray(got, dtype=float),
                                                                                       expected):
        return f"has the right labels, but as {'True/False' if kind == 'b' else 'float'} values"
    return compare_arrays(got, expected)


NOT_FLAT = Mistake("not flat", (
    "the labels come back as a column, one row per example; the exercise asks for a 1-D array, one label per "
    "example, whatever shape the probabilities came in",
    "make the probabilities one flat array first: NumPy can reshape an array to a single axis"))
STRICT = Mistake("strict", (
    "a probability exactly at the threshold became 0; in this lab it counts as 1",
    "look at your comparison: which operator includes the threshold itself?"))
FIXED_HALF = Mistake("fixed half", (
    "your labels stay the same when the threshold changes: the threshold argument is not used",
    "compare with the function's threshold parameter, not with a number written into the code"))
NOT_INTEGERS = Mistake("not integers", (
    "the exercise asks for the integers 0 and 1: a comparison gives True/False (and arithmetic on it gives "
    "floats), so change the result's type to int",
    "a NumPy array changes its element type with one method call, named after 'as type'"))
LIST_INPUT = Mistake("list input", (
    "a plain Python list has no array arithmetic and no .reshape: make the input a NumPy array before "
    "anything else",
    "np.asarray turns a list (or an array) into a NumPy array; then reshape it to one axis"))


def _explain_predict_labels_exception(exc, case):
    if isinstance(exc, (TypeError, AttributeError)) and "list" in str(exc):
        return LIST_INPUT
    return None


def _diagnose_predict_labels(case, got, right):
    got = np.asarray(got)
    if got.ndim == 2:
        return NOT_FLAT
    found = recorded_mistakes(case, got, {"strict": STRICT, "fixed_half": FIXED_HALF}, right, rtol=0, atol=0)
    if found:
        return found[0]
    if got.shape == right.shape and np.array_equal(got.astype(float), right) and got.dtype.kind not in "iu":
        return NOT_INTEGERS
    return None


def predict_labels_cases():
    """The inputs of predict_labels' visible check (the recorded expectations follow this order)."""
    return [
        Case("a column of probabilities, as model.predict returns", (np.array([[0.1], [0.7], [0.49], [0.99]]),)),
        Case("a probability exactly at the threshold", (np.array([[0.5], [0.2]]),)),
        Case("a plain list", ([0.3, 0.8, 0.6],)),
        Case("a threshold of 0.9", (np.array([[0.85], [0.95], [0.9]]),), {"threshold": 0.9}),
        Case("a single example", (np.array([[0.51]]),)),
    ]


def check_predict_labels(fn):
    """Exercise 1 check: predict_labels(probabilities, threshold=0.5) gives 1-D integer labels."""
    cases = with_expected(LAB, "predict_labels", predict_labels_cases())
    return show(run_check("predict_labels", fn, None, cases, compare=_compare_labels,
                          diagnose=_diagnose_predict_labels, explain_exception=_explain_predict_labels_exception))


# The hidden layer's size is the student's to work out from the parameter budget, so it is not checked here;
# the activations and the loss are judged below, with the reason.
BUILD_MODEL_LAYERS = [Layer("Dense"), Layer("Dense", units=1)]
PARAMETER_BUDGET = 661  # the exercise's budget, given in the lab's text

NOT_COMPILED = Mistake("not compiled", (
    "the model is not compiled: build_model must return a model that fit can train, with its loss and its "
    "optimizer chosen",
    "after building the Sequential, call the model's compile method (Section 4's training cell shows one), "
    "then return the model"))
OUTPUT_NOT_PROBABILITY = Mistake("output activation", (
    "the output unit must give a probability between 0 and 1, as the label is yes/no (0 or 1); your output "
    "activation can give any number",
    "which activation, used in every layer of Section 2's digits network, squeezes any z into (0, 1)?"))
LOSS_FOR_NUMBERS = Mistake("loss", (
    "your loss measures how far a predicted *number* is from a target number (for prices); for a 0/1 label "
    "and a predicted probability, the loss is the one of logistic regression",
    "Section 3 wrote that loss, -y log f - (1 - y) log(1 - f), and the Keras object that computes it"))
OTHER_LOSS = Mistake("other loss", (
    "for a 0/1 label and a predicted probability, the loss is the one of logistic regression",
    LOSS_FOR_NUMBERS.steps[1]))


def _budget_problem(model):
    """The problem when the model does not hold PARAMETER_BUDGET parameters, with a hint that teaches the count."""
    count = model.count_params()
    if count == PARAMETER_BUDGET:
        return None
    hidden = model.layers[0].units
    return Problem("", f"your model has {count} parameters ({hidden} hidden units); the exercise asks for "
                       f"{PARAMETER_BUDGET}",
                   [Mistake("budget", (
                       "count what one hidden unit brings: its own weights and bias, and its weight into the output "
                       "unit; the output unit's bias comes once. Then solve for the number of units",
                       "Section 2 counted layer 1 as 64 x 25 weights + 25 biases; the output layer here has one weight "
                       "per hidden unit and one bias. Write the total for h hidden units and set it equal to "
                       f"{PARAMETER_BUDGET}"))])


NO_INPUT = Mistake("no input", (
    "a model must know how many numbers each example has before it can create its weights (a hidden unit "
    "has one weight per input): the list of layers must start by saying the input size",
    "Section 2's digits model starts its list with a tf.keras.Input item giving the shape of one example; "
    "here an example has 64 features"))


def _input_shape(model):
    """A model's input shape without the batch axis, or None when it was built without an Input."""
    try:
        return tuple(model.input_shape[1:])
    except (AttributeError, ValueError):
        return None


def _outside_model(build_fn, model):
    """The name of the global the model came from, when build_fn returned a model built outside it."""
    names = getattr(getattr(build_fn, "__code__", None), "co_names", ())
    found = [n for n in names if getattr(build_fn, "__globals__", {}).get(n) is model]
    return found[0] if found else None


def _optimizer_problems(model):
    optimizer = model.optimizer
    if type(optimizer).__name__ != "SGD":
        return [f"optimizer is {type(optimizer).__name__}, expected SGD (plain gradient descent)"]
    if abs(float(optimizer.learning_rate) - 0.5) > 1e-6:
        return [f"learning rate is {float(optimizer.learning_rate):g}, expected 0.5"]
    return []


def evaluate_build_model(build_fn):
    """The CheckResult of build_model(): 64 inputs, Dense(sigmoid), Dense(1, sigmoid), BCE, SGD(0.5), 661 parameters."""
    import keras

    result = CheckResult("build_model", 5, subject=build_fn)
    if isinstance(build_fn, keras.Model) or not callable(build_fn):
        result.checked, result.problems = 1, [not_a_function(build_fn, "build_model")]
        return result
    model, exc, _, _ = call_student(build_fn, Case("build_model()"))
    if isinstance(exc, NotImplementedError):
        result.not_written = str(exc)
        return result
    if exc is not None:
        result.problems = [Problem("calling build_model()", describe_exception(exc), [exception_hint(exc) or
                                   "build the Sequential model, compile it, and return it"])]
        return result
    outside = _outside_model(build_fn, model)
    if outside:
        result.problems = [Problem("", f"build_model returned `{outside}`, a model built outside the function "
                                       "(in an earlier cell), not the one it builds itself",
                                   [f"build the model inside build_model and return that one: if you named it "
                                    f"differently, return that name instead of `{outside}`"])]
        return result
    if isinstance(model, keras.Model) and _input_shape(model) is None:
        result.problems = [Problem("", "the model does not know its input size", [NO_INPUT])]
        return result
    differences = evaluate_model(model, BUILD_MODEL_LAYERS, input_shape=(64,))
    if differences:
        result.problems = [Problem("", what) for what in differences]
        return result
    result.problems = _build_model_problems(model)
    return result


def _activation(layer):
    return getattr(layer.activation, "__name__", str(layer.activation))


def _loss_name(loss):
    """A compiled loss's function name: 'binary_crossentropy' for the string and for BinaryCrossentropy()."""
    import keras

    if isinstance(loss, str):
        found = keras.losses.get(loss)
        return getattr(found, "__name__", loss)
    return getattr(getattr(loss, "fn", loss), "__name__", type(loss).__name__)


def _build_model_problems(model):
    """Every problem of a two-Dense-layer model at once: activations, compile, optimizer and the budget."""
    import keras

    hidden, output = (layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer))
    problems = []
    if _activation(hidden) != "sigmoid":
        problems.append(Problem("", f"the hidden layer's activation is {_activation(hidden)!r}; the exercise asks "
                                    "for sigmoid"))
    if _activation(output) != "sigmoid":
        problems.append(Problem("", f"the output layer's activation is {_activation(output)!r}",
                                [OUTPUT_NOT_PROBABILITY]))
    if not getattr(model, "compiled", False) or getattr(model, "loss", None) is None:
        problems.append(Problem("", "build_model returns a model that is not compiled", [NOT_COMPILED]))
    else:
        loss = _loss_name(model.loss)
        if loss != "binary_crossentropy":
            for_numbers = any(word in loss for word in ("squared", "absolute", "huber"))
            problems.append(Problem("", f"the model is compiled with the loss {loss!r}",
                                    [LOSS_FOR_NUMBERS if for_numbers else OTHER_LOSS]))
        problems += [Problem("", what) for what in _optimizer_problems(model)]
    return problems + [p for p in [_budget_problem(model)] if p]


def check_build_model(build_fn):
    """Exercise 2 check: print (and return) the result of evaluate_build_model."""
    return show(evaluate_build_model(build_fn))


# ------------------------------------------------------------- Exercise: the loop that fit runs

TRAIN_BY_HAND = "train_by_hand"


def _small_digits(n=40):
    from utils.data import load_digits_binary

    X, y = load_digits_binary(first=0, second=1)
    return X[:n].astype("float32"), y[:n].astype("float32").reshape(-1, 1)


def _small_model(seed):
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(4, activation="sigmoid"),
                             keras.layers.Dense(1, activation="sigmoid")])


def _as_costs(got):
    """The student's costs as a 1-D float array, or a message saying why they are not usable."""
    if got is None:
        return None, "returned None: does the function end with `return costs`?"
    try:
        costs = np.asarray([float(np.asarray(c).reshape(-1)[0]) if np.size(c) == 1 else np.nan for c in got])
    except (TypeError, ValueError):
        return None, f"returned a {type(got).__name__}; expected a list of numbers, one cost per step"
    if np.isnan(costs).any():
        return None, "holds something other than one number per step: append float(cost) once per step"
    return costs, None


def _close(a, b, atol=1e-5):
    return len(a) == len(b) and bool(np.allclose(a, b, atol=atol, rtol=1e-4))


def _variable_names(model):
    names = []
    for i, variable in enumerate(model.trainable_variables):
        kind = "W" if "kernel" in getattr(variable, "path", variable.name) else "b"
        names.append(f"{kind} of layer {i // 2 + 1}")
    return names


def _flat(weights):
    return np.concatenate([np.ravel(w) for w in weights])


def _same_weights(weights, recorded):
    return bool(np.allclose(_flat(weights), recorded, atol=1e-5, rtol=1e-4))


STEP_MISTAKES = {
    "climbs": Mistake("climbs", (
        "the cost goes up: your steps go *up* the slope",
        "gradient descent moves each variable against its gradient: look at the sign of your update")),
    "no_learning_rate": Mistake("no learning rate", (
        "the steps have the wrong size, although they go the right way",
        "a step is the learning rate times the gradient: is learning_rate in your update?")),
}


def _diagnose_loop(case, got, start, weights):
    """Every typical mistake of train_by_hand that the costs and final weights show.

    case.about holds what each mistake gives on this case, recorded from the instructor's loop.
    """
    model, X, y, learning_rate, epochs = case.args
    mistakes = case.about
    hints = []
    moved = [not np.allclose(w, w0) for w, w0 in zip(weights, start, strict=True)]
    if not any(moved):
        hints.append(Mistake("no update", (
            "no weight of the model changed: `variable = variable - ...` makes a new tensor and leaves the model's "
            "variable as it was",
            "a tf.Variable has methods that change it in place: the one-parameter example above used one")))
    elif not all(moved):
        still = ", ".join(n for n, m in zip(_variable_names(model), moved, strict=True) if not m)
        hints.append(Mistake("some never moved", (
            f"some variables never moved ({still}): every variable of model.trainable_variables needs its own step",
            "tape.gradient gives one gradient per variable, in the same order: walk through the two lists together")))
        return hints
    if len(got) != epochs:
        hints.append(f"record one cost per step: {epochs} steps should give {epochs} costs")
    if not all(moved):
        return hints
    # without the learning rate, the steps are right when it is 1: recorded_mistakes skips a mistake equal to the right
    hints += recorded_mistakes(case, _flat(weights), STEP_MISTAKES, mistakes["weights"], rtol=1e-4, atol=1e-5)[:1]
    if len(got) and np.isclose(got[0], mistakes["swapped_first_cost"], atol=1e-5) \
            and not np.isclose(got[0], mistakes["first_cost"]):
        hints.append(Mistake("swapped", (
            "your first cost is not the cost of the untouched model: the loss got its two arguments the other way "
            "round",
            "a Keras loss takes the labels first, then the predictions")))
    if len(got) == epochs and _close(got, mistakes["late_costs"]):
        hints.append(Mistake("late", (
            "your costs are one step late: each is the cost after that step's update",
            "fit records the cost each step computes under the tape, before the update changes the weights")))
    elif len(got) == epochs > 1 and np.allclose(got, got[0]):
        hints.append(Mistake("same cost", (
            "every recorded cost is the same: the cost is computed only once",
            "compute the cost afresh in every step, inside the loop, under a new tf.GradientTape")))
    return hints


def _explain_loop_exception(exc):
    text = str(exc)
    if "sequence" in text or ("list" in text and "unsupported operand" in text):
        return Mistake("list of gradients", (
            "tape.gradient with a list of variables returns a list, one gradient per variable, and a list "
            "cannot be multiplied by a number",
            "update the variables one at a time, each with its own gradient: walk through the two lists together"))
    if "NoneType" in text:
        return Mistake("none gradient", (
            "a gradient is None: the tape only knows what was computed inside its `with` block",
            "compute the model's output and the cost inside the `with tf.GradientTape() as tape:` block, and ask "
            "the tape for the gradients after it"))
    if "non-persistent GradientTape" in text:
        return Mistake("tape reused", (
            "a tape answers one tape.gradient call",
            "ask it once for all the gradients, and open a new tape in every step"))
    if "assign" in text and "has no attribute" in text:
        return Mistake("not a variable", (
            "only a tf.Variable can be changed in place, not a tensor computed from one",
            "update the variables of model.trainable_variables themselves"))
    if "GradientTape" in text or "tape" in text.lower():
        return ("use the tape as a block: `with tf.GradientTape() as tape:` then the cost inside it, "
                "and tape.gradient(...) after the block")
    return exception_hint(exc)


def train_by_hand_cases():
    """The inputs of train_by_hand's visible check, fresh models (the recorded expectations follow this order)."""
    X, y = _small_digits()
    return [Case("40 digits, learning rate 0.5, 5 steps", (_small_model(7), X, y, 0.5, 5), show_input=False),
            Case("40 digits, learning rate 2.0, 3 steps", (_small_model(8), X, y, 2.0, 3), show_input=False),
            Case("one step (epochs=1), learning rate 0.3", (_small_model(9), X, y, 0.3, 1), show_input=False)]


def evaluate_train_by_hand(fn):
    """The CheckResult of train_by_hand(model, X, y, learning_rate, epochs) against fit on the same start."""
    cases = train_by_hand_cases()
    result = CheckResult(TRAIN_BY_HAND, len(cases), on_pass="your loop is what fit runs", subject=fn)
    if not callable(fn):
        result.checked, result.problems = 1, [not_a_function(fn, TRAIN_BY_HAND)]
        return result
    for case, fit in zip(cases, expected(LAB, TRAIN_BY_HAND), strict=True):  # fit: what fit gave, recorded
        model = case.args[0]
        case.about = fit
        start = model.get_weights()
        got, exc, _, _ = call_student(fn, case)
        if isinstance(exc, NotImplementedError):
            result.not_written, result.problems = str(exc) or f"{TRAIN_BY_HAND} is not written yet", []
            return result
        if exc is not None:
            hint = _explain_loop_exception(exc)
            result.problems.append(Problem(case.label, describe_exception(exc), [hint] if hint else []))
            continue
        costs, message = _as_costs(got)
        if message:
            result.problems.append(Problem(case.label, f"your result {message}"))
            continue
        weights = model.get_weights()
        difference = compare_arrays(costs, fit["expected"], atol=1e-5, rtol=1e-4)
        if difference is None:
            if _same_weights(weights, fit["weights"]):
                continue
            difference = "costs match fit's, but the final weights differ from fit's"
        else:
            difference = f"list of costs {difference}"
        try:
            hints = _diagnose_loop(case, costs, start, weights)
        except Exception:  # an odd result must never make the hint code raise
            hints = []
        result.problems.append(Problem(case.label, f"your {difference}", hints))
    if len(result.problems) == len(cases) > 1 and len({p.what for p in result.problems}) == 1:
        first = result.problems[0]
        result.problems = [Problem("", f"in all {len(cases)} cases your function {first.what}", first.hints)]
    result.note = ("fit's history['loss'][k] is the cost J computed in step k + 1, before that step's update."
                   if result.problems else None)
    read = notebook_data_read(fn)
    if read and result.problems:  # the likely cause first
        result.problems.insert(0, Problem("", read))
    return result


def check_train_by_hand(fn):
    """Exercise check: train_by_hand against fit (one full batch, SGD, no shuffling) from the same weights."""
    return show(evaluate_train_by_hand(fn))
