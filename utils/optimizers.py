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
from functools import cache

import numpy as np

from utils import expectations
from utils.checks import (
    Case,
    CheckResult,
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


class RaceExplorer(Explorer):
    """Widget figure: gradient descent and Adam on the bowl, and each parameter's step size.

    setup(fig) draws the bowl, the axes and one line per path and per step size; update(alpha,
    beta1, beta2) moves the lines and returns the caption (one line per optimizer).
    """

    n_steps = N_STEPS

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
        ax_steps.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        self.moving = [self.gd_line, self.adam_line, self.title, legend, *self.size_lines.values()]

    def update(self, alpha=0.15, beta1=0.9, beta2=0.999):
        paths = {"gd": gradient_descent_path(alpha, self.n_steps),
                 "adam": adam_path(alpha, beta1, beta2, n_steps=self.n_steps)}
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
ADAM_STEP_HINTS = {
    "paper epsilon": (
        "this is the paper's form, alpha * m_hat / (sqrt(v_hat) + epsilon). Keras adds epsilon to "
        "the UNcorrected sqrt(v): w - alpha_t * m / (sqrt(v) + epsilon) with "
        "alpha_t = alpha * sqrt(1 - beta2**t) / (1 - beta1**t). The two agree except when "
        "sqrt(v) is as small as epsilon, as with these tiny gradients."
    ),
    "no bias correction": (
        "no bias correction: m and v start at 0, so early on they are too small. Divide m by "
        "(1 - beta1**t) and v by (1 - beta2**t), or equivalently scale alpha by "
        "sqrt(1 - beta2**t) / (1 - beta1**t)."
    ),
    "m corrected only": (
        "only m is bias-corrected: the step also needs sqrt(1 - beta2**t), the correction of v."
    ),
    "v corrected only": (
        "only v is bias-corrected: the step also needs the division by (1 - beta1**t), the "
        "correction of m."
    ),
    "swapped betas": (
        "beta1 and beta2 are swapped: beta1 (0.9 by default) averages the gradients into m, "
        "beta2 (0.999) averages the squared gradients into v."
    ),
    "swapped average weights": (
        "the running averages weigh the wrong way round: the old value keeps the beta share, "
        "m = beta1 * m + (1 - beta1) * g (and likewise v with beta2)."
    ),
    "v without square": (
        "v must average the SQUARED gradient: v = beta2 * v + (1 - beta2) * g**2."
    ),
    "no sqrt": (
        "the step divides by sqrt(v_hat), not by v_hat: v is a squared size."
    ),
    "plus sign": (
        "the step goes uphill: subtract the update from w (w - ...), do not add it."
    ),
    "old moments": (
        "the step uses m and v from before this step's gradient: update m and v first, "
        "then use the new values to move w."
    ),
    "t + 1": (
        "the bias correction uses t + 1: t is already the number of this step (1 on the first "
        "step), so use beta1**t and beta2**t."
    ),
    "default hyper-parameters": (
        "your function ignores the alpha, beta1, beta2 or epsilon it is given and uses the "
        "defaults: use the arguments inside the function."
    ),
    "default betas": (
        "your function uses beta1=0.9 and beta2=0.999 whatever it is given: use the beta1 and "
        "beta2 arguments."
    ),
    "gradient instead of m": (
        "the step moves along the raw gradient g instead of its running average m."
    ),
}


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
        return "you returned (w, v, m); return them in the order w, m, v."
    for name, explanation in ADAM_STEP_HINTS.items():
        if all(_same(got[i], recorded[name][t - 1][i]) for i in range(3)):
            return explanation
    wrong_parts = [names[i] for i in range(3) if not _close(got[i], want[i])]
    if wrong_parts == ["w"]:
        return ("m and v are right, the move of w is not: w - alpha_t * m / (sqrt(v) + epsilon) "
                "with alpha_t = alpha * sqrt(1 - beta2**t) / (1 - beta1**t).")
    return None


def evaluate_adam_step(fn):
    """Run fn next to Keras's Adam on each case; the CheckResult holds one problem per failing case.

    Each case runs several steps from w, m = v = 0; the problem names the first step t where fn's
    w, m or v parts from Keras's (relative difference above 1e-6), with the likely mistake. Every
    step starts from Keras's state after the step before, so one slip is not counted twice.
    """
    cases = adam_step_cases()
    steps = sum(len(case[2]) for case in cases)
    result = CheckResult("adam_step", len(cases), on_pass=f"{steps} steps next to tf.keras.optimizers.Adam; "
                                                          "w, m and v agree to 1e-6")
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
    """The Problem at the first step where fn parts from Keras on one case, None if it never does.

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
            lines = [f"parts from Keras at step t={t}{matched}",
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


# Hint texts of first_step's typical mistakes, in the order they are named. The sign mistakes are
# judged from the signs; the others by comparing with their recorded results (the same names).
FIRST_STEP_SIGN_HINTS = {
    "uphill": "the step goes uphill: w moves AGAINST the gradient, so the change is minus alpha times "
              "the ratio.",
    "size_only": "a negative gradient must give a positive change of w (and a zero gradient none): "
                 "the size alone is not enough, keep the sign of m.",
    "nan_at_zero": "a gradient of 0 gives m = v = 0 and 0 / 0 = nan; Adam's epsilon, or np.sign, turns it "
                   "into a step of 0.",
}
FIRST_STEP_HINTS = {
    "gradient_descent": "that is a gradient-descent step, -alpha * g: Adam's first step does not grow with the "
                        "gradient.",
    "no_sqrt": "v is a squared size: divide by sqrt(v_hat), not by v_hat.",
    "not_corrected": "this is the step without bias correction ({factor:.3g} alpha), but this case asks for "
                     "bias_correction=True: at t = 1 divide m by (1 - beta1) and v by (1 - beta2).",
    "m_corrected_only": "only m is corrected: v = (1 - beta2) g**2 is too small as well; divide it by "
                        "(1 - beta2).",
    "v_corrected_only": "only v is corrected: m = (1 - beta1) g is too small as well; divide it by "
                        "(1 - beta1).",
    "corrected": "this is the bias-corrected step, but this case asks for bias_correction=False: use "
                 "m = (1 - beta1) g and v = (1 - beta2) g**2 as they are, without dividing by 1 - beta.",
    "m_shrunk_only": "m = (1 - beta1) g is too small, but so is v = (1 - beta2) g**2: the step divides by "
                     "sqrt(v), which is too small by sqrt(1 - beta2).",
    "default_betas": "your function uses beta1=0.9 and beta2=0.999 whatever it is given: use the beta1 "
                     "and beta2 arguments.",
    "default_alpha": "your function ignores the alpha it is given: use the alpha argument.",
    "ignores_bias_correction": "your function ignores bias_correction: apply the correction only when it is True.",
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
            hints.append(explanation.format(factor=wrong.max() / alpha))
    return hints


def evaluate_first_step(fn):
    """The CheckResult of a student's first_step(g, alpha, beta1, beta2, bias_correction)."""
    cases = expectations.with_expected("05_adam", "first_step", first_step_cases())
    return run_check("first_step", fn, None, cases, rtol=1e-4, atol=1e-12,
                     diagnose=_diagnose_first_step,
                     note="Hint: at t = 1, m = (1 - beta1) g and v = (1 - beta2) g**2; work out m_hat and "
                          "v_hat, then the change -alpha * m_hat / sqrt(v_hat).")


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
    try:
        alpha, beta1 = (float(x) for x in values)
    except (TypeError, ValueError):
        return Problem("", "returned something that is not two numbers: `return alpha, beta1`")
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
        result.on_pass = (f"with alpha={alpha:g}, beta1={beta1:g} the cost is below 0.01 at every step "
                          f"from {settle_by} to {N_STEPS}; it first got there at step {r['first']}")
        return result
    what = f"with alpha={alpha:g}, beta1={beta1:g}: " + describe_path("Adam", path).split(": ", 1)[1]
    result.problems = [Problem("", what, _settings_hints(alpha, beta1, r, settle_by))]
    return result


def _settings_hints(alpha, beta1, r, settle_by):
    travel = abs(START[0]) - np.sqrt(2 * 0.01 / GENTLE)  # w1 must come from -4.5 to within about 0.45
    if not np.isfinite(r["final"]) or r["final"] > 1e6 or alpha >= 1:
        return [f"alpha = {alpha:g} is far too large: each step moves a parameter by about alpha, "
                "far wider than the region around the minimum where the cost is below 0.01 "
                "(|w1| < 0.45, |w2| < 0.045)."]
    hints = []
    if alpha * settle_by < 1.5 * travel:
        hints.append(f"too slow: Adam moves a parameter by about alpha per step at most, so in {settle_by} "
                     f"steps w1 travels at most {settle_by} x {alpha:g} = {settle_by * alpha:.2g}. It has "
                     f"about {travel:.1f} to go (from -4.5 to within 0.45 of 0), and Adam's steps shrink "
                     "as it nears the minimum: choose a larger alpha.")
    swing = (f" (the cost got below 0.01 at step {r['first']} and back above it at step {r['back_above']})"
             if r["back_above"] is not None else "")
    if beta1 >= 0.85:
        hints.append(f"with beta1 = {beta1:g}, m remembers the downhill gradients for about "
                     f"1 / (1 - beta1) = {1 / (1 - beta1):.0f} steps, so Adam overshoots the minimum and "
                     f"swings around it{swing}. A smaller beta1 brakes sooner.")
    elif r["back_above"] is not None:
        hints.append(f"the cost comes back above 0.01{swing}: near the minimum a step of about "
                     f"alpha = {alpha:g} jumps across it. A smaller alpha, or more momentum (a larger "
                     "beta1) to smooth the steps, lands it.")
    if not hints:
        hints.append("close: a slightly larger alpha gets there sooner; the widget above shows the path.")
    return hints


def check_adam_settings(fn):
    """Exercise check: do the student's (alpha, beta1) bring Adam to the bowl's minimum and keep it there?"""
    return show(evaluate_adam_settings(fn))
