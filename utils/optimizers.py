"""Lab 05 helpers: gradient descent and Adam on an elongated bowl, Keras's Adam as the oracle,
the checks of the lab's exercises, and the figures and widget drawing of the lab.

No Adam step is written here: every Adam path comes from Keras's own optimizer (`keras_adam`,
`keras_adam_states`, `adam_path`), and the checks compare with values recorded from the instructor's
references (utils/expected/05_adam.json) or, for adam_step, with Keras's Adam step by step. Only
those functions import TensorFlow, when they are called, so importing this module stays cheap.

Keras 3 adds epsilon to the uncorrected sqrt(v) (keras/src/optimizers/adam.py), and turns the Python
floats alpha, beta1 and beta2 into float32 numbers for the bias correction, even for float64 weights;
`keras_adam` passes them as float64 tensors instead, so the optimizer computes the exact formula.
"""
import numbers
from functools import cache

import numpy as np

from utils import expectations
from utils.checks import (
    Case,
    CheckResult,
    Mistake,
    Problem,
    describe_exception,
    exception_hint,
    not_a_function,
    run_check,
    show,
)
from utils.plots import COLOURS as PLOT_COLOURS
from utils.widgets import Explorer

# ------------------------------------------------------------------ the elongated bowl

GENTLE = 0.1   # curvature of the cost along w1
STEEP = 10.0   # curvature along w2: 100 times GENTLE, an elongated bowl
START = np.array([-4.5, 1.0])
N_STEPS = 80


def bowl_cost(w):
    """J(w1, w2) = (GENTLE * w1**2 + STEEP * w2**2) / 2, for one point (2,) or many (..., 2)."""
    w = np.asarray(w, dtype=float)
    return 0.5 * (GENTLE * w[..., 0] ** 2 + STEEP * w[..., 1] ** 2)


def bowl_gradient(w):
    """The gradient (dJ/dw1, dJ/dw2) = (GENTLE * w1, STEEP * w2)."""
    w = np.asarray(w, dtype=float)
    return np.stack([GENTLE * w[..., 0], STEEP * w[..., 1]], axis=-1)


# ------------------------------------------------------------------ the two optimizers

def gradient_descent_path(alpha, n_steps=N_STEPS, start=START, gradient=bowl_gradient):
    """Points visited by gradient descent w <- w - alpha * grad J(w): array (n_steps + 1, 2)."""
    path = [np.array(start, dtype=float)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            path.append(path[-1] - alpha * gradient(path[-1]))
    return np.array(path)


def adam_path(alpha, beta1=0.9, beta2=0.999, epsilon=1e-7, n_steps=N_STEPS):
    """Points visited by Keras's Adam on the bowl from START: array (n_steps + 1, 2)."""
    return _adam_path(float(alpha), float(beta1), float(beta2), float(epsilon), int(n_steps)).copy()


@cache
def _adam_path(alpha, beta1, beta2, epsilon, n_steps):
    states = keras_adam_states(START, bowl_gradient, alpha, beta1, beta2, epsilon, n_steps=n_steps)
    return np.array([START] + [w for w, _, _ in states], dtype=float)


# The explorer's slider settings (lab cell "live_figure(RaceExplorer, ...)"): every Adam path it can
# show is computed once, by one Keras Adam run on all of them at once, so a frame only draws.
GRID_ALPHAS = np.round(np.arange(1, 51) * 0.01, 2)      # 0.01 to 0.5
GRID_BETA1S = np.round(np.arange(0, 100) * 0.01, 2)     # 0 to 0.99
GRID_BETA2S = np.array([0.9, 0.99, 0.999])


@cache
def adam_grid():
    """Keras's Adam paths on the bowl for every setting of the explorer's sliders:
    array (alphas, beta1s, beta2s, N_STEPS + 1, 2), from one optimizer whose hyper-parameters are
    columns of float64 numbers (one row of the weight variable per setting)."""
    shape = (len(GRID_ALPHAS), len(GRID_BETA1S), len(GRID_BETA2S))
    alphas, beta1s, beta2s = (a.reshape(-1, 1) for a in np.meshgrid(GRID_ALPHAS, GRID_BETA1S, GRID_BETA2S,
                                                                    indexing="ij"))
    states = keras_adam_states(np.tile(START, (alphas.size, 1)), bowl_gradient, alphas, beta1s, beta2s,
                               n_steps=N_STEPS)
    paths = np.stack([np.tile(START, (alphas.size, 1))] + [w for w, _, _ in states], axis=1)
    return paths.reshape(*shape, N_STEPS + 1, 2)


def _grid_index(values, value):
    i = int(np.argmin(np.abs(values - value)))
    return i if abs(values[i] - value) < 1e-9 else None


def explorer_adam_path(alpha, beta1=0.9, beta2=0.999):
    """Adam's path for the explorer: looked up in `adam_grid` when the settings are on it (the
    sliders' values), else computed (`adam_path`)."""
    where = (_grid_index(GRID_ALPHAS, alpha), _grid_index(GRID_BETA1S, beta1), _grid_index(GRID_BETA2S, beta2))
    if None in where:
        return adam_path(alpha, beta1, beta2)
    return adam_grid()[where]


def path_verdict(path):
    """A few words on a gradient-descent path on the bowl: it blows up, zig-zags, crawls or arrives."""
    end = path[-1]
    if not np.isfinite(end).all() or bowl_cost(end) > bowl_cost(path[0]):
        return "too large: the cost grows"
    if np.count_nonzero(np.diff(np.sign(path[:, 1]))) >= 10:
        return "large: zig-zags across w₂"
    if abs(end[0]) > abs(path[0, 0]) / 2:
        return "too small: crawls along w₁"
    return "reaches the minimum" if bowl_cost(end) < 1e-2 else "heads for the minimum"


def step_sizes(path):
    """|change of each parameter| at every step: array (n_steps, n_parameters)."""
    return np.abs(np.diff(np.asarray(path, dtype=float), axis=0))


def steps_to_reach(path, cost_below=1e-2, cost=bowl_cost):
    """First step at which the cost is below `cost_below`, or None if it never is."""
    below = np.flatnonzero(np.nan_to_num(cost(path), nan=np.inf) < cost_below)
    return int(below[0]) if below.size else None


def steps_to_settle(path, cost_below=1e-2, cost=bowl_cost):
    """First step from which the cost stays below `cost_below` up to the end of the path, or None.

    Unlike `steps_to_reach` this does not count a path that dips below the target and swings
    back above it.
    """
    below = np.nan_to_num(cost(path), nan=np.inf) < cost_below
    if not below[-1]:
        return None
    above = np.flatnonzero(~below)
    return int(above[-1]) + 1 if above.size else 0


def path_report(path, cost_below=1e-2, cost=bowl_cost):
    """What a path does with respect to the target cost: a dict with the first step below it,
    the step from which it stays below (None when it ends above), the first step back above it
    after the first dip (None if never) and the final cost."""
    costs = np.nan_to_num(cost(path), nan=np.inf)
    first = steps_to_reach(path, cost_below, cost)
    back = None
    if first is not None:
        above = np.flatnonzero(costs[first:] >= cost_below)
        back = int(above[0]) + first if above.size else None
    return {"first": first, "settled": steps_to_settle(path, cost_below, cost), "back_above": back,
            "final": float(costs[-1]), "steps": len(costs) - 1}


def epochs_to_reach(losses, target):
    """First epoch (counting from 1) whose loss is at or below target, or None."""
    hits = np.flatnonzero(np.asarray(losses, dtype=float) <= target)
    return int(hits[0]) + 1 if hits.size else None


# ------------------------------------------------------------------ Keras's Adam, the oracle

def keras_adam(alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7):
    """tf.keras.optimizers.Adam with its hyper-parameters as float64 tensors.

    Given plain Python floats, Keras turns alpha, beta1 and beta2 into float32 numbers for the
    bias correction (0.9 becomes 0.89999998); as float64 tensors they stay exact, so the
    optimizer computes exactly Adam's formula on float64 weights.
    """
    import tensorflow as tf

    return tf.keras.optimizers.Adam(
        learning_rate=lambda: tf.constant(alpha, tf.float64),
        beta_1=tf.constant(beta1, tf.float64), beta_2=tf.constant(beta2, tf.float64),
        epsilon=epsilon)


def keras_adam_states(start, gradients, alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7,
                      n_steps=None):
    """Run `keras_adam` on a float64 variable starting at `start`; one step per gradient.

    `gradients` is a list of arrays, or a function of the current w (then give n_steps).
    Returns a list of (w, m, v) after each step, read from the optimizer's own variables.
    """
    import tensorflow as tf

    w = tf.Variable(np.array(start, dtype="float64"), name="w")
    optimizer = keras_adam(alpha, beta1, beta2, epsilon)
    optimizer.build([w])
    m_var = next(x for x in optimizer.variables if "momentum" in x.path)
    v_var = next(x for x in optimizer.variables if "velocity" in x.path)
    if n_steps is None:
        n_steps = len(gradients)
    states = []
    for step in range(n_steps):
        g = gradients(w.numpy()) if callable(gradients) else gradients[step]
        optimizer.apply_gradients([(tf.constant(np.asarray(g, dtype="float64")), w)])
        states.append((w.numpy().copy(), m_var.numpy().copy(), v_var.numpy().copy()))
    return states


# ------------------------------------------------------------------ figures

COLOURS = {"gd": PLOT_COLOURS["gradient descent"], "adam": PLOT_COLOURS["adam"]}
LIMITS = ((-5.2, 2.0), (-1.6, 1.6))  # the part of the bowl every figure shows


def draw_bowl(ax, limits=LIMITS):
    """Contour lines of the elongated bowl, the start point and the minimum."""
    (x0, x1), (y0, y1) = limits
    xx, yy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 120))
    zz = bowl_cost(np.stack([xx, yy], axis=-1))
    ax.contour(xx, yy, zz, levels=np.geomspace(0.01, 12, 11), colors="0.75", linewidths=0.8)
    ax.plot(*START, "ks", ms=6, label="start")
    ax.plot(0, 0, "k*", ms=11, label="minimum")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("w₁ (gentle slope)")
    ax.set_ylabel("w₂ (steep slope)")


def visible_path(path, limits=LIMITS):
    """(points to draw, whether the path leaves the plot): a diverging path is cut after its first
    point outside the limits, clipped just beyond the edge so the line runs off it."""
    path = np.asarray(path, dtype=float)
    (x0, x1), (y0, y1) = limits
    inside = np.isfinite(path).all(axis=1) & (path[:, 0] >= x0) & (path[:, 0] <= x1) \
        & (path[:, 1] >= y0) & (path[:, 1] <= y1)
    outside = np.flatnonzero(~inside)
    if not outside.size:
        return path, False
    return np.clip(path[:outside[0] + 1], [x0 - 1, y0 - 1], [x1 + 1, y1 + 1]), True


def draw_path(ax, path, label, colour, limits=LIMITS):
    """One trajectory as dots joined by lines; a diverging one is cut where it leaves the plot."""
    points, leaves = visible_path(path, limits)
    ax.plot(points[:, 0], points[:, 1], "o-", color=colour, ms=3, lw=1.2,
            label=label + (" (leaves the plot)" if leaves else ""))


def describe_path(name, path, cost_below=1e-2):
    """One honest line about a path: when it first gets below the target, whether it stays, the final cost."""
    r = path_report(path, cost_below)
    final = r["final"]
    if not np.isfinite(final) or final > 1e6:
        return f"{name}: diverges (cost {final:.2g} after {r['steps']} steps)"
    end = f"cost {final:.2g} after {r['steps']} steps"
    if r["first"] is None:
        return f"{name}: never below {cost_below:g}; {end}"
    if r["settled"] == r["first"]:
        return f"{name}: below {cost_below:g} from step {r['first']} on; {end}"
    if r["settled"] is not None:
        return (f"{name}: below {cost_below:g} at step {r['first']}, back above at step "
                f"{r['back_above']}, below for good from step {r['settled']}; {end}")
    return (f"{name}: below {cost_below:g} at step {r['first']}, back above at step "
            f"{r['back_above']} and above at the end; {end}")


def step_changes(adam_step, gradients, alpha=0.001):
    """Each step's change of one parameter (from w = 0) under the student's `adam_step`, in units of alpha."""
    w, m, v = np.zeros(1), np.zeros(1), np.zeros(1)
    changes = []
    for t, g in enumerate(gradients, start=1):
        w_next, m, v = adam_step(w.copy(), np.array([g], dtype=float), m, v, t, alpha=alpha)
        w_next = np.asarray(w_next, dtype=float)
        changes.append(float((w_next - w)[0]) / alpha)
        w = w_next
    return np.array(changes)


def print_step_changes(adam_step):
    """Run `adam_step` on steady, flipping, falling and suddenly rising gradients and print the
    changes of w in units of alpha (all computed before anything is printed)."""
    sequences = {"steady gradient 0.5": [0.5] * 20, "steady gradient 50": [50.0] * 20,
                 "flipping +0.5, -0.5": [0.5, -0.5] * 10}
    rows = {name: step_changes(adam_step, gradients) for name, gradients in sequences.items()}
    falling = step_changes(adam_step, list(np.geomspace(50, 0.05, 20)))
    rising = step_changes(adam_step, [0.01] * 3000 + [1.0] * 5)[3000:]
    print(f"{'gradients':<22} change of w / alpha at t = 1, 2, 3, 4, ..., 19, 20    total after 20")
    for name, changes in rows.items():
        print(f"{name:<22} " + "  ".join(f"{changes[t - 1]:+.3f}" for t in (1, 2, 3, 4, 19, 20))
              + f"    {changes.sum():+.2f}")
    print(f"a gradient falling steadily from 50 to 0.05: change / alpha {falling[0]:+.3f} at t = 1, "
          f"{falling[-1]:+.3f} at t = 20")
    print("a gradient steady at 0.01 for 3,000 steps, then 1: change / alpha at the 5 steps after the rise "
          + ", ".join(f"{c:+.1f}" for c in rising))


def print_race(gd, adam):
    """Print what the lab reads from the race at one alpha: step sizes of w1 and the parts of the cost."""
    gd_sizes, adam_sizes = step_sizes(gd), step_sizes(adam)
    print(f"steps 1-20, change of w1: gradient descent {gd_sizes[:20, 0].min():.3f} to "
          f"{gd_sizes[:20, 0].max():.3f}, Adam {adam_sizes[:20, 0].min():.3f} to {adam_sizes[:20, 0].max():.3f}")
    print("Adam's |change of w1| at steps 1, 10, 20, 30, 40: "
          + ", ".join(f"{adam_sizes[n - 1, 0]:.3f}" for n in (1, 10, 20, 30, 40)))
    print("step   w1      w2     cost from w1  cost from w2")
    for n in (37, 40, 44):
        w1, w2 = adam[n]
        print(f"{n:>4} {w1:7.3f} {w2:7.3f} {bowl_cost([w1, 0.0]):12.4f} {bowl_cost([0.0, w2]):12.4f}")


def race_alt(gd, adam, alpha):
    """Alt text of the race figure drawn at one alpha."""
    adam_sizes = step_sizes(adam)
    return (f"Left: contour plot of the bowl with {len(gd) - 1} steps of gradient descent and of Adam, both with "
            f"alpha {alpha:g}, from (-4.5, 1); gradient descent ends at w1 = {gd[-1, 0]:.2f}, Adam near the "
            f"minimum. Right: each parameter's step size per step on a log scale; Adam's w1 steps fall from "
            f"{adam_sizes[0, 0]:.3f} at step 1 to {adam_sizes[39, 0]:.3f} at step 40.")


def settings_figure(alpha, beta1):
    """Adam on the bowl with the default alpha 0.15, beta1 0.9 and with the given pair; returns (fig, alt)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained", sharey=True)
    settled = {}
    for ax, pair in zip(axes, [(0.15, 0.9), (alpha, beta1)], strict=True):
        path = adam_path(*pair)
        draw_bowl(ax)
        draw_path(ax, path, "Adam", COLOURS["adam"])
        settled[pair] = path_report(path)["settled"]
        when = f"below 0.01 from step {settled[pair]}" if settled[pair] is not None else "not settled"
        ax.set_title(f"alpha = {pair[0]:g}, beta1 = {pair[1]:g}: {when}")
        ax.legend(loc="lower right", fontsize=9)
    yours = settled[alpha, beta1]
    alt = ("Two contour plots of the bowl with an 80-step Adam path each: on the left alpha 0.15 and beta1 0.9, "
           f"below 0.01 from step {settled[0.15, 0.9]}; on the right your alpha {alpha:g} and beta1 {beta1:g}, "
           + (f"below 0.01 from step {yours}." if yours is not None else "not settled."))
    return fig, alt


# ------------------------------------------------------------------ section 5: the digit network

DIGIT_EXAMPLES, DIGIT_HIDDEN, DIGIT_BATCH, DIGIT_EPOCHS = 1000, 32, 20, 8


def _digit_data():
    """The first DIGIT_EXAMPLES 8x8 digit images as rows of 64 pixels in [0, 1], and their labels."""
    from utils.data import load_digits_images

    images, labels = load_digits_images()
    return images.reshape(len(images), -1)[:DIGIT_EXAMPLES] / 16.0, labels[:DIGIT_EXAMPLES]


def _digit_model():
    """A fresh pixels -> DIGIT_HIDDEN ReLU -> 10 network, the same initial weights every call."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(1)
    return tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(DIGIT_HIDDEN, activation="relu"),
                                tf.keras.layers.Dense(10)])


def digit_losses(optimizer, epochs=DIGIT_EPOCHS):
    """Training loss per epoch of `_digit_model` on `_digit_data`, mini-batches of DIGIT_BATCH, with `optimizer`."""
    import tensorflow as tf

    X, y = _digit_data()
    model = _digit_model()
    model.compile(optimizer=optimizer, loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model.fit(X, y, epochs=epochs, batch_size=DIGIT_BATCH, verbose=0).history["loss"]


def describe_digit_setup():
    """One line read from the data and the model digit_losses trains: examples, image size, layers, batches."""
    X, _ = _digit_data()
    model = _digit_model()
    side = int(np.sqrt(X.shape[1]))
    layers = " -> ".join([str(X.shape[1])] + [
        f"{layer.units}{' ReLU' if layer.activation.__name__ == 'relu' else ''}"
        for layer in model.layers])
    return (f"data: {X.shape[0]:,} handwritten digits of {side}x{side} pixels; network: {layers} "
            f"(units per layer); mini-batches of {DIGIT_BATCH}, {DIGIT_EPOCHS} epochs")


def optimizer_label(optimizer):
    """'SGD, learning rate 0.01': the optimizer's class and the learning rate it actually holds."""
    return f"{type(optimizer).__name__}, learning rate {float(optimizer.learning_rate):g}"


def describe_losses(name, losses, target):
    """One line: the last epoch's loss and the first epoch below `target`."""
    reached = epochs_to_reach(losses, target)
    return (f"{name}: loss after {len(losses)} epochs {losses[-1]:.3f}; below {target} "
            + (f"from epoch {reached}" if reached else f"not within {len(losses)} epochs"))


def losses_figure(histories, target):
    """Training loss per epoch of each run in `histories` ({name: losses}) with the target; returns (fig, alt)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    parts = []
    for name, losses in histories.items():
        colour = COLOURS["adam"] if name.startswith("Adam") else COLOURS["gd"]
        ax.plot(np.arange(1, len(losses) + 1), losses, "o-", ms=3, color=colour, label=name)
        parts.append(f"{name} falls from {losses[0]:.2f} to {losses[-1]:.2f}")
    ax.axhline(target, color="0.4", ls="--", lw=1, label=f"target loss {target}")
    ax.set_xlabel("epoch")
    ax.set_xticks(range(1, len(losses) + 1))
    ax.set_ylabel("training loss (cross-entropy)")
    ax.set_title("The same network and start, two optimizers")
    ax.legend()
    alt = (f"Training loss per epoch, epochs 1 to {len(losses)}, for the digit network: " + "; ".join(parts)
           + f"; a dashed line marks the target loss {target}.")
    return fig, alt


class RaceExplorer(Explorer):
    """Widget figure: gradient descent and Adam on the bowl, and each parameter's step size.

    setup(fig) draws the bowl, the axes and one line per path and per step size; update(alpha,
    beta1, beta2) moves the lines and returns the caption (one line per optimizer).
    """

    n_steps = N_STEPS

    def __init__(self):
        adam_grid()  # every path the sliders can ask for, computed now: a frame then only draws

    def setup(self, fig):
        ax_path, ax_steps = fig.subplots(1, 2, width_ratios=[1.5, 1])
        draw_bowl(ax_path)
        style = dict(ms=3, lw=1.2, zorder=3)  # over the grid and spines (2.5): those stay in the still picture
        self.gd_line, = ax_path.plot([], [], "o-", color=COLOURS["gd"], label="gradient descent", **style)
        self.adam_line, = ax_path.plot([], [], "o-", color=COLOURS["adam"], label="Adam", **style)
        self.title = ax_path.set_title(" ", y=1.0)  # a fixed place: it moves
        legend = ax_path.legend(loc="lower right", fontsize=9)
        self.gd_label, self.adam_label = legend.get_texts()[2:]
        steps = np.arange(1, self.n_steps + 1)
        self.size_lines = {}
        for name, key in (("GD", "gd"), ("Adam", "adam")):
            for i, (dash, lw) in enumerate((("-", 2.2), (":", 1.5))):
                self.size_lines[key, i], = ax_steps.plot(steps, np.ones_like(steps, dtype=float), dash,
                                                         color=COLOURS[key], lw=lw, zorder=3,
                                                         label=f"{name}: w{'₁₂'[i]}")
        ax_steps.set_xlim(1 - 0.05 * (self.n_steps - 1), self.n_steps + 0.05 * (self.n_steps - 1))
        ax_steps.set_yscale("log")
        ax_steps.set_ylim(1e-5, 1e1)
        ax_steps.set_yticks([1e-4, 1e-3, 1e-2, 1e-1, 1], ["0.0001", "0.001", "0.01", "0.1", "1"])
        ax_steps.minorticks_off()
        ax_steps.set_xlabel("step")
        ax_steps.set_ylabel("step size |Δw| (log scale)")
        ax_steps.set_title("each parameter's step size")
        # beside the axes, under the moving lines' zorder: part of the still picture, not drawn per frame
        ax_steps.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0).set_zorder(2.9)
        self.moving = [self.gd_line, self.adam_line, self.title, legend, *self.size_lines.values()]

    def update(self, alpha=0.15, beta1=0.9, beta2=0.999):
        paths = {"gd": gradient_descent_path(alpha, self.n_steps),
                 "adam": explorer_adam_path(alpha, beta1, beta2)}
        labels = {"gd": "gradient descent", "adam": f"Adam (beta1={beta1:g}, beta2={beta2:g})"}
        for key, line, text in (("gd", self.gd_line, self.gd_label), ("adam", self.adam_line, self.adam_label)):
            points, leaves = visible_path(paths[key])
            line.set_data(points[:, 0], points[:, 1])
            text.set_text(labels[key] + (" (leaves the plot)" if leaves else ""))
            with np.errstate(all="ignore"):
                sizes = step_sizes(paths[key])
            for i in range(2):
                self.size_lines[key, i].set_ydata(sizes[:, i])
        self.title.set_text(f"{self.n_steps} steps with alpha = {alpha:g}")
        return "\n".join([describe_path("gradient descent", paths["gd"]),
                          describe_path("Adam            ", paths["adam"])])


# ------------------------------------------------------------------ the exercise check

# What each typical mistake of adam_step is, keyed by the names of the recorded mistakes' results
# (utils/expected/05_adam.json). The first that reproduces the student's result names the mistake.
# Each is a ladder (utils.checks.Mistake): what is wrong and why first, more specific when the same
# mistake comes back; no step is the line to write.
# Recognised from m and v alone (w may be right or not): the recorded mistake of the same name.
CORRECTED_MOMENTS = Mistake("corrected moments", (
    "the m and v you return are the bias-corrected m_hat and v_hat. Keras keeps m and v uncorrected: "
    "the next step's running averages start from them, and the correction enters only the move of w, "
    "through alpha_t.",
    "if you compute m_hat and v_hat at all, give them other names, so that the m and v you return are "
    "section 2's running averages m_t and v_t.",
))
ADAM_STEP_HINTS = {
    "paper epsilon": Mistake("paper epsilon", (
        "your step is Algorithm 1's: epsilon added to the corrected sqrt(v_hat). Keras adds epsilon "
        "somewhere else, and with gradients as small as epsilon (this case) the place matters.",
        "in Keras's form the bias corrections are all inside alpha_t; m and v stay uncorrected, and "
        "epsilon is added to the square root you have in hand, before any correction.",
    )),
    "no bias correction": Mistake("no bias correction", (
        "no bias correction: m and v start at 0, so in the first steps they are too small, and the "
        "step comes out the wrong size.",
        "the correction belongs in alpha_t: work out by what factor m_hat / sqrt(v_hat) differs from "
        "m / sqrt(v) at step t (the exercise's text), and scale alpha by it.",
    )),
    "m corrected only": Mistake("m corrected only", (
        "only m's bias is corrected: v also started at 0 and is too small in the first steps.",
        "the factor in alpha_t has two parts, one from each moment's correction; v's enters through "
        "the square root.",
    )),
    "v corrected only": Mistake("v corrected only", (
        "only v's bias is corrected: m also started at 0 and is too small in the first steps.",
        "the factor in alpha_t has two parts, one from each moment's correction; m's divides.",
    )),
    "swapped betas": Mistake("swapped betas", (
        "beta1 and beta2 are swapped: each average has its own beta.",
        "beta1 (0.9 by default) belongs to the average of the gradients, m; beta2 (0.999) to the "
        "average of the squared gradients, v, and the same pairing holds in alpha_t.",
    )),
    "swapped average weights": Mistake("swapped average weights", (
        "the running averages weigh the wrong way round: with beta1 = 0.9, m should keep most of its "
        "old value and take only a little of the new gradient.",
        "the old value gets the share beta, the new gradient the share 1 - beta (section 2's formulas).",
    )),
    "v without square": Mistake("v without square", (
        "v averages the wrong thing: it is the second moment, the average of the SQUARED gradient.",
        "look at what enters v in section 2's formula: g_t squared, not g_t.",
    )),
    "no sqrt": Mistake("no sqrt", (
        "the step divides by v itself: v is an average of squared gradients, so it has the units of "
        "a gradient squared, and the step comes out the wrong size.",
        "Adam divides by the square root of the second moment, the gradient's typical size.",
    )),
    "alpha_t without sqrt": Mistake("alpha_t without sqrt", (
        "alpha_t's factor from v is missing its square root: v's correction divides v, but the step "
        "uses sqrt(v), so in alpha_t that correction enters through a square root too.",
        "write sqrt(v_hat) with v and beta2**t, and see what the square root does to the divisor "
        "(1 - beta2**t) when you move it into alpha_t.",
    )),
    "corrected moments": CORRECTED_MOMENTS,
    "plus sign": Mistake("plus sign", (
        "the step goes uphill: w moves with the gradient instead of against it.",
    )),
    "old moments": Mistake("old moments", (
        "the move of w uses m and v from before this step: this step's gradient has not reached them.",
        "update both moments with g first, then move w with the new values.",
    )),
    "t + 1": Mistake("t + 1", (
        "the bias correction is one step ahead: t is already the number of this step (1 on the first "
        "step).",
    )),
    "default hyper-parameters": Mistake("default hyper-parameters", (
        "your function ignores the alpha, beta1, beta2 or epsilon it is given and uses the defaults: "
        "the check passes other values.",
    )),
    "default betas": Mistake("default betas", (
        "your function uses beta1 = 0.9 and beta2 = 0.999 whatever it is given: the check passes "
        "other betas.",
    )),
    "gradient instead of m": Mistake("gradient instead of m", (
        "the step moves along this step's raw gradient g instead of its running average m: that "
        "loses the momentum.",
    )),
}
W_ONLY_WRONG = Mistake("w only wrong", (
    "m and v are right, the move of w is not: the mistake is in alpha_t or in the division.",
    "alpha_t must make w - alpha_t * m / sqrt(v) equal Algorithm 1's w - alpha * m_hat / sqrt(v_hat) "
    "when epsilon is 0: write m_hat and v_hat with m, v and t, and compare the two.",
))
WRONG_ORDER = Mistake("wrong order", ("you returned (w, v, m): the check expects w, m, v in that order.",))


def adam_step_cases():
    """(label, start w, gradients, hyper-parameters) on which a student's adam_step is run."""
    rng = np.random.default_rng(5)
    return [
        ("2 parameters, gradients keep their sign", np.array([-4.5, 1.0]),
         [np.array([-4.5, 20.0]) * 0.8**k for k in range(5)], dict(alpha=0.1)),
        ("gradient flips sign every step, beta1=0.8, beta2=0.99", np.array([0.5, -2.0]),
         [np.array([1.0, -3.0]) * (-1) ** k for k in range(6)],
         dict(alpha=0.01, beta1=0.8, beta2=0.99)),
        ("a 2x3 weight matrix, random gradients", rng.normal(size=(2, 3)),
         [rng.normal(size=(2, 3)) for _ in range(5)], dict(alpha=0.001)),
        ("tiny gradients (1e-7), where epsilon matters", np.array([1.0, 2.0]),
         [np.array([1e-7, -3e-7])] * 4, dict(alpha=0.001, epsilon=1e-7)),
    ]


def _close(got, expected):
    """Relative comparison, with an absolute floor far below any value in the cases."""
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=1e-6, atol=1e-13) and np.isfinite(got).all())


def _same(got, expected):
    """Equal within 1e-6 (relative), nan where the other is nan: to recognise a known mistake."""
    expected = np.asarray(expected, dtype=float)
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=1e-6, atol=1e-13, equal_nan=True))


def _as_state(result, shape):
    """Turn what the student returned into three arrays of `shape`, or a message."""
    if result is None:
        return None, "returned None (is a `return w, m, v` missing?)"
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        kind = type(result).__name__
        size = f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""
        return None, f"returned a {kind}{size}; expected the three arrays `return w, m, v`"
    try:
        arrays = tuple(np.asarray(x, dtype=float) for x in result)
    except (TypeError, ValueError):
        return None, "returned something that is not three arrays of numbers"
    for name, a in zip("wmv", arrays, strict=True):
        if a.shape != shape:
            return None, f"returned {name} with shape {a.shape}, expected {shape}"
    return arrays, None


def _show(a):
    a = np.asarray(a)
    text = np.array2string(a.ravel(), precision=8, separator=", ", threshold=4, edgeitems=2,
                           max_line_width=200)
    return text if a.ndim <= 1 else f"{text} (flattened {a.shape})"


def _explain(t, got, want, recorded):
    """A hint naming the mistake that reproduces the student's result at step t, or None."""
    names = "wmv"
    if all(_same(got[i], want[j]) for i, j in zip(range(3), (0, 2, 1), strict=True)):
        return WRONG_ORDER
    for name, explanation in ADAM_STEP_HINTS.items():
        parts = (1, 2) if explanation is CORRECTED_MOMENTS else range(3)  # whatever w is
        if all(_same(got[i], recorded[name][t - 1][i]) for i in parts):
            return explanation
    wrong_parts = [names[i] for i in range(3) if not _close(got[i], want[i])]
    if wrong_parts == ["w"]:
        return W_ONLY_WRONG
    return None


def evaluate_adam_step(fn):
    """Run fn next to Keras's Adam on each case; the CheckResult holds one problem per failing case.

    Each case runs several steps from w, m = v = 0; the problem names the first step t where fn's
    w, m or v differs from Keras's (relative difference above 1e-6), with the likely mistake. Every
    step starts from Keras's state after the step before, so one slip is not counted twice.
    """
    cases = adam_step_cases()
    steps = sum(len(case[2]) for case in cases)
    result = CheckResult("adam_step", len(cases), on_pass=f"{steps} steps next to tf.keras.optimizers.Adam; "
                                                          "w, m and v agree to 1e-6")
    result.subject = fn  # warn_unless_passed follows the notebook's current adam_step
    if not callable(fn):
        result.checked, result.problems = 1, [not_a_function(fn, "adam_step")]
        return result
    recorded_cases = expectations.expected("05_adam", "adam_step")
    for (label, start, gradients, hp), recorded in zip(cases, recorded_cases, strict=True):
        problem = _first_parting(fn, label, start, gradients, hp, recorded)
        if isinstance(problem, NotImplementedError):
            result.not_written, result.problems = str(problem), []
            return result
        if problem:
            result.problems.append(problem)
    if result.problems:
        result.note = "(Every step starts from Keras's w, m and v after the step before.)"
    return result


def _first_parting(fn, label, start, gradients, hp, recorded):
    """The Problem at the first step where fn differs from Keras on one case, None if it never does.

    recorded: the typical mistakes' (w, m, v) at each step of the case, named in the hint when one matches.
    """
    keras_states = keras_adam_states(start, gradients, **hp)
    w = np.array(start, dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    full = dict(alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7) | hp
    where = f"case '{label}' ({_settings(hp)})"
    for t, (g, want) in enumerate(zip(gradients, keras_states, strict=True), start=1):
        try:
            returned = fn(w.copy(), g.copy(), m.copy(), v.copy(), t, **full)
        except NotImplementedError as exc:
            return exc
        except Exception as exc:  # the student's code: reported, never raised
            return Problem(f"{where}, step t={t}", describe_exception(exc), _hints(exception_hint(exc)))
        got, message = _as_state(returned, w.shape)
        if message:
            return Problem(f"{where}, step t={t}", f"your function {message}")
        bad = [i for i in range(3) if not _close(got[i], want[i])]
        if bad:
            matched = f" (steps 1 to {t - 1} matched)" if t > 2 else " (step 1 matched)" if t == 2 else ""
            lines = [f"what differs from Keras at step t={t}{matched}:",
                     f"   before this step: w = {_show(w)}, gradient g = {_show(g)}"]
            lines += [f"   {'wmv'[i]}: yours {_show(got[i])}\n      Keras {_show(want[i])}" for i in bad]
            return Problem(where, "\n".join(lines), _hints(_explain(t, got, want, recorded)))
        w, m, v = want  # continue from Keras's state (equal to yours within 1e-6)
    return None


def _hints(hint):
    return [hint] if hint else []


def _settings(hp):
    return ", ".join(f"{k}={v:g}" for k, v in hp.items())


def check_adam_step(fn):
    """Exercise check: compare the student's adam_step(w, g, m, v, t, ...) with Keras's Adam."""
    return show(evaluate_adam_step(fn))


# ------------------------------------------------------------------ exercise: the first step

def first_step_cases():
    """The visible cases of first_step: its inputs (the results are recorded in utils/expected/)."""
    return [
        Case("one gradient of 0.5, bias-corrected", (np.array([0.5]),)),
        Case("gradients of very different sizes, alpha=0.1", (np.array([0.5, -50.0, 2.0]),),
             {"alpha": 0.1}),
        Case("a 2x2 gradient with a 0 in it", (np.array([[3.0, 0.0], [-1.0, 0.8]]),), {"alpha": 0.01}),
        Case("no bias correction, default betas", (np.array([0.5, -50.0]),), {"bias_correction": False}),
        Case("no bias correction, beta1=0.8, beta2=0.99, alpha=0.01", (np.array([2.0, -0.6]),),
             {"alpha": 0.01, "beta1": 0.8, "beta2": 0.99, "bias_correction": False}),
        Case("bias-corrected, beta1=0.8, beta2=0.99, alpha=0.01", (np.array([-2.0, 0.6]),),
             {"alpha": 0.01, "beta1": 0.8, "beta2": 0.99}),
    ]


# Ladders of first_step's typical mistakes (utils.checks.Mistake), in the order they are named: what is
# wrong and why first, then more specific; none is the line to write. The sign mistakes are judged from
# the signs; the others by comparing with their recorded results (the same names).
FIRST_STEP_SIGN_HINTS = {
    "uphill": Mistake("uphill", (
        "the step goes uphill: a positive gradient must make w smaller.",
        "the change of w has the opposite sign of m_hat: gradient descent and Adam both step against "
        "the gradient.",
    )),
    "size_only": Mistake("size_only", (
        "every change has the same sign, whatever the gradient's sign: a negative gradient must give a "
        "positive change of w.",
        "the gradient's sign lives in m (the square in v loses it): keep m's sign in the ratio.",
    )),
    "nan_at_zero": Mistake("nan_at_zero", (
        "a gradient of 0 gives nan: with g = 0, m and v are both 0 and the ratio is 0 / 0.",
        "Adam's epsilon exists for this; here, where epsilon is left out, divide only where v is not 0 "
        "and leave the change 0 elsewhere: the division must never see a 0 below the line.",
    )),
}
# Right values, but NumPy warned about a 0 / 0: the division still ran on the zero gradients.
ZERO_DIVISION_WARNING = Mistake("zero division warning", (
    "your values are right, but NumPy warned because a 0 / 0 was still computed for the zero gradient "
    "and then thrown away. A choice made after the division (np.where(cond, a / b, 0), say) does not "
    "help: NumPy evaluates a / b for every entry before it chooses.",
    "the idea: divide only the entries whose denominator is not 0, and never form the others; the "
    "zero gradients' change can then stay at 0 without a division. NumPy's np.divide has an argument "
    "for exactly that.",
))


def _first_step_warning(text):
    """The 0 / 0 warning of a division guarded too late (np.where computes both branches)."""
    if "divide" in text or "invalid value" in text:
        return ZERO_DIVISION_WARNING
    return None
FIRST_STEP_HINTS = {
    "gradient_descent": (
        "that is a gradient-descent step, which grows with the gradient: Adam's first step divides by "
        "the gradient's typical size as well.",
        "form m and v after one step from 0, correct them, then take the ratio m_hat / sqrt(v_hat): "
        "g's size should cancel.",
    ),
    "no_sqrt": (
        "the step divides by v itself: v averages SQUARED gradients, so the ratio still depends on g's "
        "size.",
        "divide by the square root of the second moment, the gradient's typical size.",
    ),
    "not_corrected": (
        "this is the step without bias correction ({factor:.3g} alpha), but this case asks for "
        "bias_correction=True.",
        "at t = 1 each moment is too small by its own factor 1 - beta**t: undo both before the ratio "
        "when bias_correction is True.",
    ),
    "m_corrected_only": (
        "only m is corrected: v started at 0 too and is just as much too small.",
        "v's correction uses beta2, m's uses beta1.",
    ),
    "v_corrected_only": (
        "only v is corrected: m started at 0 too and is just as much too small.",
        "m's correction uses beta1, v's uses beta2.",
    ),
    "corrected": (
        "this is the bias-corrected step, but this case asks for bias_correction=False.",
        "with bias_correction False, use m and v as one update from 0 leaves them, uncorrected.",
    ),
    "m_shrunk_only": (
        "m is too small by (1 - beta1), but the step also divides by sqrt(v), which is too small as "
        "well: the two do not cancel.",
        "use the uncorrected v as well as the uncorrected m.",
    ),
    "default_betas": (
        "your function uses beta1=0.9 and beta2=0.999 whatever it is given: the check passes other betas.",
    ),
    "default_alpha": ("your function ignores the alpha it is given: the check passes other values.",),
    "ignores_bias_correction": (
        "your function ignores bias_correction: the check asks for both settings.",
    ),
}


def _diagnose_first_step(case, got, expected):
    """Every mistake that explains the result: the sign and the size are judged apart, so an answer with
    two mistakes (uphill and uncorrected, say) gets both named."""
    g = np.asarray(case.args[0], dtype=float)
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return []
    hints = []
    if np.isnan(got).any():
        if (g == 0).any():
            hints.append(FIRST_STEP_SIGN_HINTS["nan_at_zero"])
        return hints
    nz = expected != 0
    if nz.any() and np.all(np.sign(got[nz]) == -np.sign(expected[nz])):
        hints.append(FIRST_STEP_SIGN_HINTS["uphill"])
    elif nz.any() and len(set(np.sign(expected[nz]))) > 1 and len(set(np.sign(got[nz]))) == 1:
        hints.append(FIRST_STEP_SIGN_HINTS["size_only"])
    alpha = case.kwargs.get("alpha", 0.001)
    for name, explanation in FIRST_STEP_HINTS.items():
        if name not in case.about:
            continue  # a mistake of the other setting of bias_correction
        wrong = np.abs(case.about[name])
        if not np.allclose(wrong, np.abs(expected)) and np.allclose(np.abs(got), wrong, rtol=1e-4, atol=1e-12):
            hints.append(Mistake(name, tuple(step.format(factor=wrong.max() / alpha) for step in explanation)))
    return hints


def evaluate_first_step(fn):
    """The CheckResult of a student's first_step(g, alpha, beta1, beta2, bias_correction)."""
    cases = expectations.with_expected("05_adam", "first_step", first_step_cases())
    return run_check("first_step", fn, None, cases, rtol=1e-4, atol=1e-12,
                     diagnose=_diagnose_first_step, warning_hint=_first_step_warning,
                     note="Work one case out on paper first (the exercise's questions, for one gradient g at "
                          "t = 1), then compare with what your function returns for it.")


def check_first_step(fn):
    """Exercise check: Adam's first step, with and without bias correction."""
    return show(evaluate_first_step(fn))


# ------------------------------------------------------------------ exercise: tune Adam on the bowl

SETTLE_BY = 30  # the goal: cost below 0.01 at every step from this one to N_STEPS


def _settings_problem(values):
    """A Problem when the returned settings are not (alpha, beta1) numbers in range, else None."""
    if values is None:
        return Problem("", "returned None: end the function with `return alpha, beta1`")
    if not isinstance(values, (tuple, list)) or len(values) != 2:
        size = f" of length {len(values)}" if isinstance(values, (tuple, list)) else ""
        return Problem("", f"returned a {type(values).__name__}{size}; expected two numbers, "
                           "`return alpha, beta1`")
    if not all(isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)) for x in values):
        return Problem("", f"returned {tuple(values)!r}: alpha and beta1 must be numbers, written without "
                           "quotes (0.25, not \"0.25\")")
    alpha, beta1 = (float(x) for x in values)
    if not np.isfinite(alpha) or alpha <= 0:
        return Problem("", f"alpha = {alpha:g}: the learning rate must be a positive number")
    if not 0 <= beta1 < 1:
        return Problem("", f"beta1 = {beta1:g}: beta1 is the share of the old average that m keeps, "
                           "a number from 0 up to (not including) 1")
    return None


def evaluate_adam_settings(fn, settle_by=SETTLE_BY, beta2=0.999):
    """Run Adam with the student's (alpha, beta1) on the bowl and say whether it meets the goal:
    cost below 0.01 at every step from `settle_by` to N_STEPS; name why it does not."""
    name = "adam_settings"
    result = CheckResult(name, N_STEPS - settle_by + 1)  # one check per step from settle_by to N_STEPS
    result.subject = fn  # warn_unless_passed follows the notebook's current adam_settings
    if not callable(fn):
        result.problems = [not_a_function(fn, name)]
        return result
    try:
        values = fn()
    except NotImplementedError as exc:
        result.not_written = str(exc)
        return result
    except Exception as exc:  # the student's code: reported, never raised
        result.problems = [Problem("", describe_exception(exc), [h for h in [exception_hint(exc)] if h])]
        return result
    problem = _settings_problem(values)
    if problem:
        result.problems = [problem]
        return result
    alpha, beta1 = (float(x) for x in values)
    path = adam_path(alpha, beta1, beta2)
    r = path_report(path)
    if r["settled"] is not None and r["settled"] <= settle_by:
        result.on_pass = (f"one per step from {settle_by} to {N_STEPS}: with alpha={alpha:g}, beta1={beta1:g} "
                          f"the cost stays below 0.01 at each of them; it first got there at step {r['first']}")
        return result
    what = f"with alpha={alpha:g}, beta1={beta1:g}: " + describe_path("Adam", path).split(": ", 1)[1]
    result.problems = [Problem("", what, _settings_hints(alpha, beta1, r, settle_by))]
    return result


def _settings_hints(alpha, beta1, r, settle_by):
    """The mistakes that explain a missed goal, each a ladder (utils.checks.Mistake): the idea first,
    then a closer look when the same mistake comes back."""
    travel = abs(START[0]) - np.sqrt(2 * 0.01 / GENTLE)  # w1 must come from -4.5 to within about 0.45
    if not np.isfinite(r["final"]) or r["final"] > 1e6 or alpha >= 1:
        return [Mistake("alpha far too large", (
            f"alpha = {alpha:g} is far too large: while the gradient is steady each step moves a parameter "
            "by about alpha, far wider than the region around the minimum where the cost is below 0.01 "
            "(|w1| < 0.45, |w2| < 0.045).",
            "the whole trip for w1 is about 4: a step a sizeable fraction of that can never land in the "
            "small region around the minimum.",
        ))]
    hints = []
    reached_in_time = r["first"] is not None and r["first"] <= settle_by
    if alpha * settle_by < 1.5 * travel and not reached_in_time:
        hints.append(Mistake("too slow", (
            f"too slow: while its gradient keeps its sign Adam moves w1 by about alpha per step, and less "
            f"as it nears the minimum; w1 has about {travel:.1f} to go (from -4.5 to within 0.45 of 0).",
            f"in {settle_by} steps of about alpha = {alpha:g} each, w1 covers about "
            f"{settle_by * alpha:.2g}; its gradient only falls on the way, so its steps do not grow past "
            f"alpha, and the last ones shrink: that is short of the {travel:.1f} it must travel, so alpha "
            "has to grow.",
        )))
    swing = (f" (the cost got below 0.01 at step {r['first']} and back above it at step {r['back_above']})"
             if r["back_above"] is not None else "")
    if beta1 >= 0.85:
        hints.append(Mistake("too much momentum", (
            f"it overshoots the minimum{swing}: m keeps pointing the way past gradients pointed, so Adam keeps "
            "going after it passes the minimum.",
            f"with beta1 = {beta1:g}, m remembers the downhill gradients for about "
            f"1 / (1 - beta1) = {1 / (1 - beta1):.0f} steps; the setting that sets that memory is the one "
            "to change, so that Adam brakes sooner.",
        )))
    elif r["back_above"] is not None:
        hints.append(Mistake("jumps across", (
            f"the cost comes back above 0.01{swing}: near the minimum each step is still large "
            "compared with the region where the cost is below 0.01, so it jumps across it.",
            f"steps of about alpha = {alpha:g} near the minimum are the cause: a smaller alpha, or more "
            "momentum to smooth the steps, lands it.",
        )))
    if not hints:
        hints.append(Mistake("close", (
            "close: it settles, but after the step the goal asks for; the widget above shows the path.",
            "a slightly larger alpha gets there sooner.",
        )))
    return hints


def check_adam_settings(fn):
    """Exercise check: do the student's (alpha, beta1) bring Adam to the bowl's minimum and keep it there?"""
    return show(evaluate_adam_settings(fn))
