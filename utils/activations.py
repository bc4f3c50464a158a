"""Lab 02 (activation functions): small data sets, widget drawings, checks.

The lab's notebook shows the code a student should read; this module holds what it leans on:
TensorFlow's activations for the figures, seeded toy data, the two widget figures (Explorers:
drawn once, then moved), and the exercise checks, which compare with values recorded from the
instructor's references (utils/expected/02_activations.json), never with an answer held here.
"""
import numpy as np

from utils.checks import Case, CheckResult, Mistake, Problem, choice, compare_arrays, run_check, show
from utils.expectations import expected, recorded_mistakes, with_expected
from utils.plots import COLOURS
from utils.widgets import Explorer

LAB = "02_activations"
ACTIVATIONS = ("linear", "sigmoid", "relu")


# ----------------------------------------------------------------------------- the functions

def tf_activation_and_slope(name, z):
    """(g(z), g'(z)) for TensorFlow's activation `name`, the slope by automatic differentiation."""
    import tensorflow as tf

    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {list(ACTIVATIONS)}")
    z = tf.constant(np.asarray(z, dtype="float64"))
    with tf.GradientTape() as tape:
        tape.watch(z)
        a = tf.keras.activations.get(name)(z)
    return a.numpy(), tape.gradient(a, z).numpy()


# ----------------------------------------------------------------------------- data and training

def make_exam_results(n=60, seed=1):
    """Hours studied (0-6) and whether the exam was passed (1) or not (0): a binary target."""
    rng = np.random.default_rng(seed)
    hours = np.sort(rng.uniform(0, 6, n))
    p_pass = 1 / (1 + np.exp(-2.0 * (hours - 3.0)))
    passed = (rng.uniform(size=n) < p_pass).astype("float32")
    return hours.astype("float32"), passed


def make_temperature_change(n=60, seed=2):
    """Change in air pressure (hPa) and the next day's temperature change (°C): either sign."""
    rng = np.random.default_rng(seed)
    pressure = np.sort(rng.uniform(-3, 3, n))
    change = 1.5 * pressure + rng.normal(0, 0.6, n)
    return pressure.astype("float32"), change.astype("float32")


def make_rainfall(n=60, seed=4):
    """Change in air pressure (hPa) and the next day's rainfall (mm): never negative.

    Falling pressure brings rain, more the faster it falls; with rising pressure it stays dry (exactly 0).
    """
    rng = np.random.default_rng(seed)
    pressure = np.sort(rng.uniform(-3, 3, n))
    rain = np.maximum(0.0, -2.0 * (pressure + 0.5) + rng.normal(0, 0.5, n))
    return pressure.astype("float32"), rain.astype("float32")


def hidden_layer_inputs(model, X):
    """The z = a_prev W + b of every layer but the last, for the examples X (one array per layer)."""
    a, inputs = np.asarray(X, dtype="float32"), []
    for layer in model.layers[:-1]:
        z = a @ layer.kernel.numpy() + layer.bias.numpy()
        inputs.append(z)
        a = layer.activation(z).numpy()
    return inputs


def best_straight_line_accuracy(X, y, directions=720):
    """The highest training accuracy any straight boundary reaches on 2-D points X with 0/1 labels y.

    Tries `directions` directions of the boundary's normal and, for each, every cut between two
    projected points, with either side called 1.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float).ravel()
    best = max(y.mean(), 1 - y.mean())
    for angle in np.linspace(0, np.pi, directions, endpoint=False):
        order = np.argsort(X @ np.array([np.cos(angle), np.sin(angle)]))
        ones_below = np.concatenate([[0], np.cumsum(y[order])])  # ones among the first k points
        k = np.arange(len(y) + 1)
        right_if_above = (k - ones_below) + (y.sum() - ones_below)  # below called 0, above called 1
        best = max(best, right_if_above.max() / len(y), (len(y) - right_if_above).max() / len(y))
    return float(best)


# ----------------------------------------------------------------------------- Section 3's coffee network

def coffee_network(hidden_activation, seed=1):
    """Section 3's network, compiled: 2 inputs, two hidden layers of 8 units with hidden_activation, a sigmoid
    output, SGD(0.5) on binary cross-entropy. The same seed gives the same initial weights for every activation."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(8, activation=hidden_activation),
        tf.keras.layers.Dense(8, activation=hidden_activation),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
    return model


def train_coffee(model, X, y, epochs=8, seed=1):
    """fit in batches of 8 (the same batch order for every model); the loss of each epoch, as a list."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    return model.fit(X, y, epochs=epochs, batch_size=8, verbose=0).history["loss"]


def training_accuracy(model, X, y):
    """The share of examples whose probability, cut at 0.5, gives their 0/1 label."""
    return float(np.mean((model(X).numpy()[:, 0] >= 0.5) == np.ravel(y)))


def first_layer_gradient(model, X, y):
    """The size (norm) of the cost's gradient at the first layer's kernel: (over all examples, the mean of
    one example's), with the cost and the outputs' range."""
    import tensorflow as tf

    kernel = model.layers[0].kernel
    with tf.GradientTape(persistent=True) as tape:
        p = model(X)
        cost = tf.reduce_mean(tf.keras.losses.binary_crossentropy(np.reshape(y, (-1, 1)), p))
        each_loss = tf.keras.losses.binary_crossentropy(np.reshape(y, (-1, 1)), p)
    over_all = float(tf.norm(tape.gradient(cost, kernel)))
    each = float(tf.reduce_mean(tf.norm(tape.jacobian(each_loss, kernel), axis=(1, 2))))
    return {"all": over_all, "one": each, "cost": float(cost), "outputs": (float(p.numpy().min()),
                                                                         float(p.numpy().max()))}


def sigmoid_unit_report(model, X):
    """One line per hidden layer of a sigmoid network: its largest |z| and the range and mean of g'(z)."""
    lines = []
    for number, z in enumerate(hidden_layer_inputs(model, X), start=1):
        slope = 1 / (1 + np.exp(-z)) * (1 - 1 / (1 + np.exp(-z)))
        lines.append(f"   hidden layer {number}: largest |z| {np.abs(z).max():.2f}, "
                     f"slope g'(z) from {slope.min():.3f} to {slope.max():.3f}, mean {slope.mean():.3f}")
    return "\n".join(lines)


def slope_figure():
    """The figure of ReLU's and the sigmoid's slopes for z in [-8, 8], flat regions shaded, with its alt text."""
    import matplotlib.pyplot as plt

    z = np.linspace(-8, 8, 401)
    sigmoid_slope = 1 / (1 + np.exp(-z)) * (1 - 1 / (1 + np.exp(-z)))
    relu_slope = (z > 0).astype(float)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot(z, relu_slope, color=COLOURS["relu"], lw=2.5, label="ReLU: g'(z)")
    ax.plot(z, sigmoid_slope, color=COLOURS["sigmoid"], lw=2.5, label="sigmoid: g'(z)")
    ax.fill_between(z, 0, 1.05, where=sigmoid_slope < 0.02, color=COLOURS["sigmoid"], alpha=0.15,
                    label="sigmoid flat (slope < 0.02)")
    ax.fill_between(z, 0, 1.05, where=relu_slope == 0, color=COLOURS["relu"], alpha=0.12, hatch="//",
                    label="ReLU flat (slope 0)")
    ax.set(xlabel="z", ylabel="slope g'(z)", title="Where each activation passes no gradient back")
    ax.legend(loc="center left", fontsize=9)
    flat_from = z[(z > 0) & (sigmoid_slope < 0.02)].min()
    return fig, (f"Slopes g'(z) for z from -8 to 8: ReLU's is 0 for z < 0 and 1 for z > 0; sigmoid's peaks at "
                 f"{sigmoid_slope.max():.2f} at z = 0 and is below 0.02 for |z| > {flat_from:.1f}, the shaded "
                 "flat regions.")


def loss_figure(losses, base_loss, good_share):
    """The training loss per epoch of each network in losses ({activation: [loss, ...]}), with the loss of
    predicting good_share for every roast as a dotted line; (fig, alt)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.8))
    for name, curve in losses.items():
        ax.plot(np.arange(1, len(curve) + 1), curve, color=COLOURS[name], lw=2.5, marker="o", markersize=4,
                label=f"{name} hidden units")
    ax.axhline(base_loss, color="0.5", ls=":", lw=1.5,
               label=f"{base_loss:.4f}: predicting {good_share:.3f} for every roast")
    ax.set(xlabel="epoch (25 steps each)", ylabel="training loss (binary cross-entropy)",
           title="Same network, same start, same steps: only the hidden activation differs")
    ax.legend(loc="center right")
    ends = "; ".join(f"with {name} hidden units it ends at {curve[-1]:.3f}" for name, curve in losses.items())
    return fig, (f"Line plot of the training loss over {max(map(len, losses.values()))} epochs, with a dotted line at "
                 f"{base_loss:.4f} (predicting {good_share:.3f} for every roast): {ends}.")


def network_figure(name):
    """The drawing of the lab's network `name` ("demand" or "coffee") and its alt text."""
    import matplotlib.pyplot as plt

    from utils.network_figure import dense_layer, draw_network, input_layer

    fig, ax = plt.subplots(figsize=(8, 4.2))
    if name == "demand":
        draw_network(ax, [input_layer(["price", "shipping cost", "marketing", "material"]),
                          dense_layer(3, activation="relu", labels=["affordability", "awareness", "perceived quality"]),
                          dense_layer(1, activation="sigmoid", labels=["P(top seller)"])],
                     title="The demand-prediction network")
        return fig, ("Diagram of the demand-prediction network: 4 inputs (price, shipping cost, marketing, "
                     "material), 3 ReLU hidden units (affordability, awareness, perceived quality), each joined to "
                     "every input, and 1 sigmoid output unit giving the probability of a top seller.")
    if name == "coffee":
        hidden = dense_layer(8, detail="8 units\nsigmoid\nor ReLU")
        draw_network(ax, [input_layer(["temperature", "duration"]), hidden, hidden,
                          dense_layer(1, activation="sigmoid", labels=["P(good roast)"])],
                     title="The coffee network, built twice")
        return fig, ("Diagram of the coffee network: 2 inputs (temperature, duration), two hidden layers of 8 "
                     "units, sigmoid in one build and ReLU in the other, and 1 sigmoid output unit giving the "
                     "probability of a good roast.")
    plt.close(fig)
    raise ValueError(f"unknown network {name!r}; choose 'demand' or 'coffee'")


# ----------------------------------------------------------------------------- activation explorer

class ActivationExplorer(Explorer):
    """Widget figure: g(w x + b) for one unit, with z = w x + b drawn thin for reference, and its slope."""

    def __init__(self, x_range=(-5.0, 5.0)):
        self.x = np.linspace(*x_range, 401)
        self.x_range = x_range

    def setup(self, fig):
        ax = fig.subplots()
        self.z_line, = ax.plot(self.x, 0 * self.x, color="0.6", lw=1, ls="--", label="$z = wx + b$ (input to g)")
        self.a_line, = ax.plot(self.x, 0 * self.x, lw=2.5, label="$a = g(z)$, g = relu")
        self.slope_line, = ax.plot(self.x, 0 * self.x, lw=1.5, color="black", ls=":",
                                   label=r"slope $da/dx = g'(z)\,w$")
        ax.axhline(0, color="black", lw=0.6)
        ax.set_ylim(-3, 3)
        ax.set_xlim(*self.x_range)
        ax.set_xlabel("x")
        ax.set_ylabel("unit output a")
        self.title = ax.set_title(" ", y=1.0)  # a fixed height: nothing to work out per frame
        legend = ax.legend(loc="upper left", fontsize=9)
        self.a_label, self.a_handle = legend.get_texts()[1], legend.legend_handles[1]
        self.moving = [self.z_line, self.a_line, self.slope_line]  # and what the axes draws over them

    def update(self, g="relu", w=1.0, b=0.0):
        z = w * self.x + b
        a, slope = tf_activation_and_slope(g, z)
        self.z_line.set_ydata(z)
        self.a_line.set_ydata(a)
        self.slope_line.set_ydata(slope * w)
        for artist in (self.a_line, self.a_handle):
            artist.set_color(COLOURS[g])
        self.a_label.set_text(f"$a = g(z)$, g = {g}")
        self.title.set_text(f"One unit: a = {g}({affine(w, b)})")
        return describe_unit(g, w, b, self.x_range)


def affine(w, b):
    """'2x - 1.5' for w = 2, b = -1.5: how the labels write w x + b."""
    return f"{w:g}x {'-' if b < 0 else '+'} {abs(b):g}"


def describe_unit(g, w, b, x_range=(-5.0, 5.0)):
    """One sentence about what g(w x + b) looks like over x_range, for the explorer's caption."""
    if w == 0:
        value = float(tf_activation_and_slope(g, b)[0])
        return f"w = 0: the output is the constant g(b) = {value:.3f}, whatever x is."
    edge = -b / w + 0.0  # + 0.0 turns -0.0 into 0.0
    side = "right" if w > 0 else "left"
    if g == "linear":
        return f"A straight line with slope {w:g}, crossing 0 at x = {edge:.2f}. Nothing bends."
    if g == "sigmoid":
        ends = tf_activation_and_slope(g, w * np.asarray(x_range, dtype=float) + b)[0]
        shape = ("an S-curve" if ends.min() < 0.05 and ends.max() > 0.95
                 else "part of an S-curve, nearly straight this far from 0 and 1")
        return (f"Over the x shown, {shape}: from {ends.min():.2f} to {ends.max():.2f}, passing 0.5 at "
                f"x = {edge:.2f} and rising to the {side}; |w| = {abs(w):g} sets how sharp the step is.")
    zero_side = "left" if w > 0 else "right"
    return (f"Zero to the {zero_side} of x = {edge:.2f}, a straight ramp with slope {w:g} to the {side}: "
            "one bend, at x = -b/w.")


# ----------------------------------------------------------------------------- ReLU builder

# The output unit adds the three hidden ReLU units with these fixed weights.
BUILDER_OUTPUT_WEIGHTS = np.array([1.0, 1.0, -1.0])
# The target: slope 1 on [0, 1], slope 3 on [1, 2], slope -1 on [2, 3], starting at 0.
TARGET_KNOTS = np.array([0.0, 1.0, 2.0, 3.0])
TARGET_VALUES = np.array([0.0, 1.0, 4.0, 3.0])


def builder_target(x):
    """The piecewise-linear curve the ReLU builder tries to match (x in [0, 3])."""
    return np.interp(np.asarray(x, dtype=float), TARGET_KNOTS, TARGET_VALUES)


def relu_units(x, w, b):
    """Outputs of the hidden ReLU units: an array (len(x), len(w)) with relu(w_j x + b_j)."""
    import tensorflow as tf

    x = np.asarray(x, dtype=float).reshape(-1, 1)
    return tf.nn.relu(x * np.asarray(w, dtype=float) + np.asarray(b, dtype=float)).numpy()


def relu_sum(x, w, b, a=BUILDER_OUTPUT_WEIGHTS):
    """The output unit: sum_j a_j relu(w_j x + b_j)."""
    return relu_units(x, w, b) @ np.asarray(a, dtype=float)


UNIT_STYLES = ("-", "--", "-.")  # all three units are ReLU (one colour); the line style tells them apart
UNIT_MARKERS = ("o", "s", "^")


class ReluBuilderExplorer(Explorer):
    """Widget figure: the target, the network's sum (top) and each unit's share of it (bottom)."""

    x = np.linspace(0, 3, 301)

    def setup(self, fig):
        x, target = self.x, builder_target(self.x)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        top.plot(x, target, color="black", lw=3, alpha=0.35, label="target")
        self.total_line, = top.plot(x, target, color="black", lw=2, label="network output (sum of units)")
        self.mismatch = top.fill_between(x, target, target, color="0.5", alpha=0.25, label="mismatch",
                                         zorder=1.6)  # over the grid: the grid can be drawn once, below it
        top.set_ylim(-2, 6)
        top.set_ylabel("y")
        top.set_title("Three ReLU units adding up to a piecewise-linear curve", y=1.0)
        top.legend(loc="upper left", fontsize=9)
        self.unit_lines, self.bend_markers = [], []
        for j in range(3):
            line, = bottom.plot(x, 0 * x, color=COLOURS["relu"], lw=2, ls=UNIT_STYLES[j], label=f"unit {j + 1}")
            marker, = bottom.plot([], [], UNIT_MARKERS[j], color=COLOURS["relu"], markersize=7)
            self.unit_lines.append(line)
            self.bend_markers.append(marker)
        bottom.axhline(0, color="black", lw=0.6)
        bottom.set_ylim(-6, 6)
        bottom.set_xlim(*top.get_xlim())  # fixed: the markers never rescale the axes
        bottom.set_xlabel("x")
        bottom.set_ylabel("unit's share")
        self.unit_labels = bottom.legend(loc="lower left", fontsize=8).get_texts()
        self.moving = [self.mismatch, self.total_line, *self.unit_lines]

    def update(self, w1=1.0, b1=0.0, w2=1.0, b2=0.0, w3=1.0, b3=0.0):
        w, b = [w1, w2, w3], [b1, b2, b3]
        units = relu_units(self.x, w, b) * BUILDER_OUTPUT_WEIGHTS
        total = units.sum(axis=1)
        target = builder_target(self.x)
        self.total_line.set_ydata(total)
        self.mismatch.set_data(self.x, target, total)
        for j in range(3):
            sign = "+" if BUILDER_OUTPUT_WEIGHTS[j] > 0 else "−"
            self.unit_lines[j].set_ydata(units[:, j])
            self.unit_labels[j].set_text(f"{sign} unit {j + 1}: relu({affine(w[j], b[j])})")
            bend = [-b[j] / w[j]] if w[j] != 0 and 0 <= -b[j] / w[j] <= 3 else []
            self.bend_markers[j].set_data(bend, [0] * len(bend))
        error = float(np.max(np.abs(total - target)))
        if error < 1e-9:
            return "Matched: the three units reproduce the target exactly."
        return (f"Largest gap to the target: {error:.2f}. Each marker shows where a unit switches on "
                "(x = -b/w).")


# ----------------------------------------------------------------------------- exercise checks

OVERFLOW = Mistake("overflow", (
    "np.exp overflows (np.exp(1000) is inf) and NumPy warns: 1 / (1 + exp(-z)) does that for large negative z",
    "each form of the sigmoid in the cell above the exercise is safe on one side only: use each form only where "
    "it is safe",
    "a form is safe where the number its exp receives is 0 or less"))
BOTH_BRANCHES = Mistake("where computes both", (
    "np.where computes both of its branches for every element before it picks, so the unsafe form still runs, "
    "and overflows, where it is not picked",
    "make each branch safe on its own for every z: both forms can be written with exp of a number that is never "
    "positive"))


DIVIDE_BY_ZERO = Mistake("divide by zero", (
    "divide by zero: for large |z| (about 745 and up) np.exp of a negative number underflows to exactly 0, and "
    "your function divides by such an exp (as in 1 / small)",
    "write the form so that its exp never stands alone under a division line: multiplying the top and the "
    "bottom of a fraction by the same number gives the same value in another form"))


def _overflow_hint(message, fn=None):
    """The overflow ladder (a second, different one when the function already picks with np.where), or the
    divide-by-zero one (a form that divides by an exp that underflowed to 0)."""
    if "divide by zero" in message:
        return DIVIDE_BY_ZERO
    if "overflow" not in message:
        return None
    return BOTH_BRANCHES if "where" in _source(fn) else OVERFLOW


def z_cases():
    """The inputs of the relu check (the recorded expectations follow this order)."""
    return [
        Case("a few values", (np.array([-3.0, -0.5, 0.0, 0.5, 3.0]),)),
        Case("a 2-D batch", (np.array([[-2.0, 1.0, 4.0], [0.25, -7.0, 0.0]]),)),
        Case("one number", (np.float64(-1.5),)),
        Case("large |z|", (np.array([-1000.0, -50.0, 50.0, 1000.0]),)),
    ]


def sigmoid_cases():
    """The inputs of the sigmoid check: z_cases and very large |z|."""
    return z_cases() + [Case("very large |z|", (np.array([-1e6, -745.0, 710.0, 1e6]),))]


MAX_REDUCES = Mistake("np.max reduces", (
    "np.max does not compare z with 0: it reduces an array to its largest entry, and a second argument such as "
    "the 0 in np.max(z, 0) is the axis to reduce along (down the columns), so for one number it returns that "
    "number, negative or not",
    "ReLU needs, for each element on its own, the larger of two values, 0 and that element: look for the NumPy "
    "function that compares two arrays (or an array and a number) element by element"))
MAX_AXIS = Mistake("np.max axis", (
    "np.max(0, z) does not compare 0 with z: np.max reduces one array (here the number 0) to its largest entry, "
    "and its second argument is the axis to reduce along, a whole number, so an array z there is refused",
    "ReLU needs, for each element on its own, the larger of two values, 0 and that element: np.max is the wrong "
    "tool; NumPy's function for that takes two arrays (or an array and a number) and compares them element by "
    "element"))
PYTHON_MAX = Mistake("python max", (
    "Python's own max(), like `if z > 0:`, works on one number at a time: given the array z it must ask "
    "whether z > 0 for the whole array at once, which has no single answer. Work on the whole array with a "
    "NumPy element-wise function",
    "max(0, z) is right for one number; for an array you need NumPy's element-wise twin of it, a function that "
    "takes 0 and the array and gives an array of the same shape (np.max is not it: it reduces an array to one "
    "entry)"))


def _explain_relu_exception(exc, case, source=""):
    """The np.max(0, z) mistake (its error text is recorded) and Python's max on an array."""
    if f"{type(exc).__name__}: {exc}" == (case.about or {}).get("np_max_axis") and "max(" in source:
        return MAX_AXIS
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    line = frames[-1].line or "" if frames else ""
    if "truth value of an array" in str(exc) and "max(" in line and " for " not in line:  # not a loop's test
        return PYTHON_MAX
    return None


def _source(fn):
    """The source of the student's function, or '' where Python cannot find it."""
    import inspect

    try:
        return inspect.getsource(fn) if fn is not None else ""
    except (OSError, TypeError):
        return ""


def _diagnose_relu(case, got, right, source=""):
    z = np.asarray(case.args[0], dtype=float)
    got = np.asarray(got, dtype=float)
    uses_max = "max(" in source and "maximum" not in source  # np.max or max(...): a reduction, not ReLU
    column_max = z.ndim > 1 and got.shape == z.shape[1:] and np.allclose(got, np.max(z, axis=0))
    if column_max or uses_max and z.ndim == 0 and np.allclose(got, z):
        return MAX_REDUCES
    if z.ndim == 0 and z < 0 and np.allclose(got, z):  # one negative number given back: not "the negative part"
        return Mistake("negative kept", ("for one negative number your function gave the number back: ReLU gives 0 "
                                         "for every negative input, a single number included",))
    if got.shape != z.shape and got.size == 1:
        return Mistake("one number", (
            "you returned one number for a whole array: ReLU works element by element",
            "np.max gives the largest entry of one array; NumPy also has an element-wise maximum of two arrays"))
    return recorded_mistakes(case, got, RELU_MISTAKES, right, rtol=1e-5, atol=1e-8)[:1] or None


RELU_MISTAKES = {
    "absolute_value": Mistake("absolute value", (
        "that is |z|: a negative input must give 0, not its size",
        "ReLU keeps positive values as they are and replaces negative ones by 0")),
    "negative_part": Mistake("negative part", ("that keeps the negative part; ReLU keeps the positive part",
                                               "compare your result with max(0, z) for z = -2 and z = 3")),
}
SIGN_SLIP = Mistake("sign slip", ("your values are sigmoid(-z): a sign is flipped",
                                  "compare the sign inside each exp with 1 / (1 + exp(-z))"))
SIGN_SLIP_SIDE = {side: Mistake(f"sign slip, {side} z", (
    f"for {side} z your values are sigmoid(-z): a sign is flipped in what you compute for {side} z (the other "
    "side is right)",
    f"write out the form you use for {side} z and turn it back into 1 / (1 + exp(-z)): which sign differs?"))
    for side in ("negative", "positive")}


def _sign_slip(z, got, right):
    """SIGN_SLIP, or its one-side version, when every wrong value is sigmoid(-z) (None otherwise)."""
    right = np.asarray(right, dtype=float)
    if not got.shape == z.shape == right.shape:
        return None
    wrong = ~np.isclose(got, right, rtol=1e-5, atol=1e-8)
    if not wrong.any() or not np.allclose(got[wrong], 1 - right[wrong], rtol=1e-5, atol=1e-8):
        return None
    if np.all(z[wrong] < 0):
        return SIGN_SLIP_SIDE["negative"]
    if np.all(z[wrong] > 0):
        return SIGN_SLIP_SIDE["positive"]
    return SIGN_SLIP


def _diagnose_sigmoid(case, got, right):
    z = np.asarray(case.args[0], dtype=float)
    got = np.asarray(got, dtype=float)
    slip = _sign_slip(z, got, right)
    if slip is not None:
        return slip
    if recorded_mistakes(case, got, {"sign_slip": SIGN_SLIP}, right, rtol=1e-5, atol=1e-8):
        return SIGN_SLIP
    if got.shape == z.shape:
        if np.isnan(got).any():
            return Mistake("nan", (
                "nan comes from inf / inf: exp(z) / (1 + exp(z)) overflows for large positive z",
                "each form of the sigmoid is safe on one side only: use each form only where it is safe",
                "a form is safe where the number its exp receives is 0 or less"))
    return None


def check_relu(fn):
    """Exercise check of a NumPy relu(z) on vectors, a batch, one number and very large values."""
    return show(run_check(getattr(fn, "__name__", "relu"), fn, None, with_expected(LAB, "relu", z_cases()),
                          diagnose=lambda case, got, right: _diagnose_relu(case, got, right, _source(fn)),
                          explain_exception=lambda exc, case: _explain_relu_exception(exc, case, _source(fn)),
                          watch_warnings=True, warning_hint=_overflow_hint,
                          note="Hint: relu(z) is max(0, z) element by element."))


def check_sigmoid(fn):
    """Exercise check of a NumPy sigmoid(z): right values, vectorised, no overflow or nan for large |z|."""
    cases = with_expected(LAB, "sigmoid", sigmoid_cases())
    return show(run_check(getattr(fn, "__name__", "sigmoid"), fn, None, cases, atol=1e-9,
                          diagnose=_diagnose_sigmoid, watch_warnings=True,
                          warning_hint=lambda message: _overflow_hint(message, fn),
                          note="sigmoid(z) = 1 / (1 + exp(-z)), computed without any exp overflowing."))


def output_targets():
    """{target description: (the right output activation, why)}, as recorded from the instructor's answers."""
    return {entry["target"]: (entry["expected"], entry["why"]) for entry in expected(LAB, "output_activation")}


def _choice_problems(answers):
    """The Problems of a dict {target description: 'sigmoid' | 'linear' | 'relu'} (none: all right).

    A wrong choice first gets a question about the target's values; the same wrong choice checked again
    gets the target's own values and a question about which range fits them (neither names the answer).
    """
    if not isinstance(answers, dict):
        return [Problem("", f"expected a dict {{description: activation name}}, got {type(answers).__name__}")]
    targets = output_targets()
    extra = set(answers) - set(targets)
    problems = []
    for description, (right, why) in targets.items():
        got = answers.get(description)
        if got is None:
            if description in answers or not extra:  # a mistyped key gets only the unexpected-key message
                problems.append(Problem("", f"'{description}': not answered yet (still None)"))
            continue
        name, refused = choice(got, ACTIVATIONS)
        if refused:
            problems.append(Problem("", f"'{description}': {refused}"))
        elif got != name:
            problems.append(Problem("", f"'{description}': {got!r} is not a name Keras knows: write it as Keras "
                                        f"spells it, one of {', '.join(repr(a) for a in ACTIVATIONS)}"))
        elif name != right:
            ranges = {"sigmoid": "between 0 and 1", "relu": "0 or more", "linear": "any number"}
            question = (f"{name} outputs {ranges[name]}: which values can this target take, and does {name}'s range "
                        f"fit them, covering them and leaving out impossible ones?")
            problems.append(Problem("", f"'{description}': you chose {name!r}, which does not fit this target",
                                    [Mistake(f"{description}: {name}", (question, f"{why}"))]))
    if extra:
        problems.append(Problem("", f"unexpected keys {sorted(extra)}: keep the descriptions exactly as given"))
    return problems


def evaluate_output_choices(answers):
    """The problems with the answers as texts, every hint step included (for tests and tools)."""
    return ["\n".join([p.what] + [step for m in p.mistakes() for step in m.steps]) for p in _choice_problems(answers)]


def check_output_choices(answers):
    """Exercise check: whether each target description got the right output activation, and why if not."""
    result = CheckResult("output activations", len(output_targets()), _choice_problems(answers), subject=answers)
    if isinstance(answers, dict) and all(value is None for value in answers.values()):
        result.not_written, result.problems = "every answer is still None", []
    return show(result)


# ----------------------------------------------------------------------------- fold_linear_layers

FOLD = "fold_linear_layers"


def fold_cases():
    """The inputs of fold_linear_layers' check: lists of (kernel, bias) pairs (recorded in this order)."""
    rng = np.random.default_rng(7)

    def stack(*sizes):
        return [[np.round(rng.normal(0, 1, (n_in, n_out)), 2), np.round(rng.normal(0, 1, n_out), 2)]
                for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]

    return [Case("3 -> 8 -> 4 -> 1, the shape of the lab's network", (stack(3, 8, 4, 1),), show_input=False),
            Case("one layer alone", (stack(2, 3),), show_input=False),
            Case("three layers of 2 -> 2", (stack(2, 2, 2, 2),), show_input=False),
            Case("2 -> 5 -> 2", (stack(2, 5, 2),), show_input=False)]


def compare_fold(got, expected, atol=1e-9, rtol=1e-9, differ=compare_arrays):
    """None when got is the pair (W, b) of `expected`, else one line on what differs (the lab's check and the
    grader both judge fold_linear_layers with it; differ compares one array and says how it differs)."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"returned a {type(got).__name__}; expected the pair (W, b): end with `return W, b`"
    for name, part, right in zip(("W", "b"), got, expected, strict=True):
        difference = differ(part, right, atol=atol, rtol=rtol)
        if difference:
            return f"{name}: {difference}"
    return None


def _diagnose_fold(case, got, right):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return None
    W, b = (np.asarray(part, dtype=float) for part in got)
    if compare_arrays(W, right[0]) is not None:
        if W.shape == np.shape(right[0]):
            return Mistake("order", (
                "W is not the product of the kernels in the order the layers apply them",
                "x meets the first layer's kernel first, so the first kernel stands leftmost in the product"))
        return Mistake("shape", (
            f"W has shape {W.shape}, but the stack takes {np.shape(right[0])[0]} inputs to "
            f"{np.shape(right[0])[1]} outputs",
            "multiply the kernels in the order the layers apply them: (inputs x units) @ (units x next units)"))
    mistakes = {name: hint for name, hint in BIAS_MISTAKES.items() if not isinstance(case.about.get(name), str)}
    return recorded_mistakes(case, b, mistakes, right[1], rtol=1e-5, atol=1e-8)[:1] or None


BIAS_FROM_NEW_W = Mistake("bias from the new W", (
    "b is carried through the W that already includes the new layer's kernel, so the earlier biases pass "
    "through the earlier kernels a second time; the order of the kernels in W is right",
    "b is the bias at the output of the layers so far: the new layer applies only its own kernel to it, then "
    "adds its own bias. Compute the new b before W changes, or from that kernel alone"))
BIAS_MISTAKES = {  # a stack where a mistake cannot happen has None recorded for it: never matched
    "last_bias": Mistake("last_bias", (
        "b is only the last layer's bias, but the earlier layers' biases reach the output too",
        "an earlier layer's bias passes through every later layer's kernel on its way")),
    "biases_added": Mistake("biases_added", (
        "b adds the biases as they are, but an earlier layer's bias is multiplied by every later kernel before it "
        "reaches the output",
        "substitute one layer into the next, as the formula above the exercise does, and look at what happens to b1")),
    "no_new_bias": Mistake("no_new_bias", (
        "b carries the earlier biases through the kernels but leaves out each new layer's own bias",
        "each layer adds its own bias after its kernel")),
    "bias_from_new_W": BIAS_FROM_NEW_W,
}


FIXED_DEPTH = Mistake("a fixed number of layers", (
    "your function takes a fixed number of layers out of `weights`, but `weights` can hold any number of them: "
    "the check also gives it one layer alone and two layers",
    "fold one layer at a time: the first layer alone is already a pair (W, b), and each further layer turns the "
    "(W, b) of the layers before it into the (W, b) of one layer more; do that for every pair in `weights`, "
    "however many there are"))


def _explain_fold_exception(exc, case):
    if f"{type(exc).__name__}: {exc}" == (case.about or {}).get("bias_from_new_W"):
        return BIAS_FROM_NEW_W
    if isinstance(exc, ValueError) and "values to unpack" in str(exc) or isinstance(exc, IndexError):
        return FIXED_DEPTH
    if "broadcast" in str(exc):
        return Mistake("biases_added", (
            "two biases of different lengths met in a sum: an earlier layer's bias has one number per unit of "
            "that layer, so it cannot be added to a later layer's bias as it is",
            "substitute one layer into the next, as the formula above the exercise does, and look at what happens "
            "to b1 before b2 is added"))
    if "matmul" in str(exc) or "shapes" in str(exc) and "aligned" in str(exc):
        return Mistake("matmul shapes", (
            "two matrices whose shapes do not fit met in a product: the kernels are multiplied in another order "
            "than the layers apply them",
            "multiply the kernels in the order the layers apply them: (inputs x units) @ (units x next units)"))
    return None


def check_fold_linear_layers(fn):
    """Exercise check: fold_linear_layers(weights) -> (W, b) against the recorded fold of each stack."""
    cases = fold_cases()
    for case, entry in zip(cases, expected(LAB, FOLD), strict=True):  # W and b recorded apart: unequal shapes
        case.expected, case.about = (entry["W"], entry["b"]), entry
    return show(run_check(FOLD, fn, None, cases, compare=lambda got, right, case: compare_fold(got, right),
                          diagnose=_diagnose_fold,
                          explain_exception=_explain_fold_exception,
                          note="x W + b must give what the layers give one after the other, for any stack."))


def evaluate_relu_builder(w, b):
    """The problems with the builder weights as texts, the first hint step included (empty: it matches)."""
    return [problem if isinstance(problem, str) else problem.text()[3:] for problem in _builder_problems(w, b)]


def _builder_problems(w, b):
    """Problems with the builder weights w = [w1, w2, w3], b = [b1, b2, b3] (empty: it matches); the last
    one, when the weights are numbers, is a Problem carrying the hint's ladder."""
    try:
        w = np.asarray(w, dtype=float)
        b = np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return ["w and b must be lists of three numbers each (replace every None)"]
    if w.shape != (3,) or b.shape != (3,):
        return [f"w and b must hold three numbers each, one per unit; got shapes {w.shape} and {b.shape}"]
    if not (np.isfinite(w).all() and np.isfinite(b).all()):
        return ["w and b must be lists of three numbers each (replace every None)"]
    x = np.linspace(0, 3, 301)
    gap = np.abs(relu_sum(x, w, b) - builder_target(x))
    if gap.max() < 1e-6:
        return []
    problems = []
    for lo, hi in zip(TARGET_KNOTS[:-1], TARGET_KNOTS[1:], strict=True):
        xs = np.array([lo + 0.25, hi - 0.25])
        ys = relu_sum(xs, w, b)
        slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
        want = (builder_target(hi) - builder_target(lo)) / (hi - lo)
        if abs(slope - want) > 1e-6:
            problems.append(f"between x = {lo:g} and x = {hi:g} your sum has slope {slope:g}; "
                            f"the target's slope there is {want:g}")
    if not problems:
        problems.append(f"the slopes are right but the sum is off by up to {gap.max():.3g}: "
                        "check where each unit switches on (x = -b/w)")
    problems[-1] = Problem("", problems[-1], [_builder_mistake(w, b)])
    return problems


def _builder_mistake(w, b):
    """The ladder for weights that do not match: slopes used as w, a unit ramping the wrong way, or general."""
    slopes = np.diff(TARGET_VALUES) / np.diff(TARGET_KNOTS)
    if np.allclose(np.abs(w), np.abs(slopes)):
        return Mistake("slopes as w", (
            "your w are the target's slopes, but a unit that has switched on stays on to the right of its bend: "
            "from x = 1 on, unit 1 and unit 2 both add their slopes, so each unit must supply only the *change* of "
            "slope at its own bend",
            "work out by how much the target's slope changes at x = 0, at x = 1 and at x = 2; a unit's output weight "
            "(+, +, -) times its w is the change it makes at its bend"))
    backwards = [j for j in range(3) if w[j] < 0]
    if backwards:  # a unit ramping the wrong way: its own message, not the general one
        j = backwards[0]
        return Mistake("backwards", (
            f"unit {j + 1} has w = {w[j]:g} < 0, so it is on to the *left* of its bend at x = {-b[j] / w[j]:g} and 0 "
            "to the right of it; every bend of the target adds slope to its right, so each unit must be on to the "
            "right of its bend",))
    return Mistake("segment slope", (
        "unit j bends the sum at x = -b_j/w_j. It is on to the right of that point when w_j > 0, and there it adds "
        "its output weight (+, +, -) times w_j to the slope",))


def check_relu_builder(w, b):
    """Exercise check: whether the three ReLU units reproduce the target curve, or which segment is off."""
    result = CheckResult("ReLU builder", 3, [problem if isinstance(problem, Problem) else Problem("", problem)
                                             for problem in _builder_problems(w, b)])
    if all(value is None for value in [*np.ravel(np.asarray(w, dtype=object)), *np.ravel(np.asarray(b, dtype=object))]):
        result.not_written, result.problems = "every weight is still None", []
    return show(result)
