"""Lab 07 helpers: nudge estimates of a derivative, the tangent-line figure, and the exercise checks.

The lesson itself (nudging w, sympy, tf.GradientTape) is written out in the notebook; this module
holds what the notebook only calls: a small catalogue of example cost functions with their exact
derivatives, the drawing function behind the widget, and the checks. The checks hold no answer:
they compare with the values recorded from the instructor's references (utils/expected/07_derivatives.json).
"""
from dataclasses import dataclass

import numpy as np

from utils import expectations
from utils.checks import Case, Mistake, run_check, show
from utils.widgets import Explorer

# ----------------------------------------------------------------------------- example functions

@dataclass(frozen=True)
class Example:
    """A cost J(w) of one variable with its exact derivative, written by hand."""

    text: str  # Python / sympy spelling, e.g. "w**3"
    J: object  # callable: J(w)
    dJ: object  # callable: dJ/dw at w
    d2J: object  # callable: second derivative (used to recognise a mistake)
    label: str  # how a figure title shows it, e.g. "$J = w^3$"

    def __call__(self, w):
        return self.J(w)

    def __repr__(self):  # readable in check messages (no "<function <lambda> at 0x...>")
        return f"J(w) = {self.text}"


EXAMPLES = {
    "w**2": Example("w**2", lambda w: w**2, lambda w: 2 * w, lambda w: 2 + 0 * w, "$J = w^2$"),
    "w**3": Example("w**3", lambda w: w**3, lambda w: 3 * w**2, lambda w: 6 * w, "$J = w^3$"),
    "w": Example("w", lambda w: w, lambda w: 1 + 0 * w, lambda w: 0 * w, "$J = w$"),
    "1/w": Example("1/w", lambda w: 1 / w, lambda w: -1 / w**2, lambda w: 2 / w**3, "$J = 1/w$"),
    "1/w**2": Example("1/w**2", lambda w: 1 / w**2, lambda w: -2 / w**3, lambda w: 6 / w**4,
                      "$J = 1/w^2$"),
}


def example(name):
    """Look up one of the EXAMPLES by its spelling ("w**2", "w**3", "w", "1/w", "1/w**2")."""
    if name not in EXAMPLES:
        raise KeyError(f"no example {name!r}; choose one of {list(EXAMPLES)}")
    return EXAMPLES[name]


# ----------------------------------------------------------------------------- nudging

def nudge(J, w, epsilon):
    """Nudge w up by epsilon: return (J(w), J(w + epsilon), k) with J(w + epsilon) - J(w) = k * epsilon."""
    if epsilon == 0:
        raise ValueError("epsilon must not be 0: the estimate divides by it")
    before, after = J(w), J(w + epsilon)
    return before, after, (after - before) / epsilon


def nudge_estimate(J, w, epsilon):
    """The one-sided estimate (J(w + epsilon) - J(w)) / epsilon of section 1."""
    return nudge(J, w, epsilon)[2]


def epsilon_sweep(J, w, exact, epsilons, estimate=nudge_estimate):
    """Estimates and absolute errors |estimate - exact| for each epsilon (NumPy float64 arrays).

    estimate(J, w, epsilon): the one-sided nudge of section 1 by default; the lab passes the
    student's central_difference (Exercise 1) for the nudge both ways.
    """
    epsilons = np.asarray(epsilons, dtype=float)
    estimates = np.array([estimate(J, float(w), float(e)) for e in epsilons])
    return estimates, np.abs(estimates - exact)


def nudge_error_table(J, w, exact, epsilons, both_ways):
    """Print, for each epsilon, the errors of the one-sided nudge and of both_ways(J, w, epsilon) (the
    student's central_difference), each with how many times smaller it got per tenfold step of epsilon
    since the row above. Returns (one-sided errors, both-ways errors) as NumPy arrays."""
    epsilons = [float(e) for e in epsilons]
    one_sided = epsilon_sweep(J, w, exact, epsilons)[1]
    both = epsilon_sweep(J, w, exact, epsilons, estimate=both_ways)[1]

    def per_tenfold(errors, row):
        if row == 0:
            return ""
        steps = np.log10(epsilons[row - 1] / epsilons[row]) if epsilons[row] > 0 < epsilons[row - 1] else 0.0
        if steps == 0 or errors[row] == 0 or not np.isfinite(errors[row - 1] / errors[row]):
            return "-"
        return f"{(errors[row - 1] / errors[row]) ** (1 / steps):.3g}"

    rows = [f"{'epsilon':>8}  {'one-sided error':>15}  {'÷ per 10x':>9}  {'both-ways error':>15}  {'÷ per 10x':>9}"]
    rows += [f"{e:>8g}  {one_sided[i]:>15.2e}  {per_tenfold(one_sided, i):>9}  {both[i]:>15.2e}  "
             f"{per_tenfold(both, i):>9}" for i, e in enumerate(epsilons)]
    rows.append("÷ per 10x: how many times smaller the error got per tenfold step of epsilon, from the row above")
    print("\n".join(row.rstrip() for row in rows))
    return one_sided, both


# ----------------------------------------------------------------------------- tangent-line widget

W_RANGE = (0.4, 4.5)  # every example is smooth here (1/w and 1/w**2 blow up at 0)


def secant_and_tangent(name, w, epsilon):
    """What the tangent figure shows for example `name` at w, nudged by epsilon.

    Returns a dict: J0 = J(w), J1 = J(w + epsilon), rise = J1 - J0, secant (slope through the two
    points, i.e. the nudge estimate), tangent (the exact dJ/dw) and gap = secant - tangent.
    """
    ex = example(name)
    J0, J1, secant = nudge(ex.J, float(w), float(epsilon))
    tangent = float(ex.dJ(float(w)))
    return {"J0": J0, "J1": J1, "rise": J1 - J0, "secant": secant, "tangent": tangent,
            "gap": secant - tangent}


class TangentExplorer(Explorer):
    """Lab 07's widget: J, the tangent at w and the line through (w, J(w)) and (w + ε, J(w + ε)).

    The axes and the curve are drawn once (a still picture); moving w or ε moves the lines, the points and
    the texts. A new cost in the menu sets the curve and the y range (fixed until the next cost) and
    lays the figure out again for its tick labels.
    """

    def setup(self, fig):
        self.ax = fig.subplots()
        self.ws = np.linspace(*W_RANGE, 200)
        ax, nothing = self.ax, np.full_like(self.ws, np.nan)
        self.curve, = ax.plot(self.ws, nothing, color="C0", lw=2, label="J")
        self.tangent, = ax.plot(self.ws, nothing, color="C1", label="tangent")
        self.secant, = ax.plot(self.ws, nothing, "--", color="C2", label="secant")
        # the rise-over-run triangle, the nudged points and the tangent point
        self.run, = ax.plot([], [], ":", color="k", lw=1)
        self.rise, = ax.plot([], [], ":", color="k", lw=1)
        self.nudged, = ax.plot([], [], "o", color="C2", ms=5)
        self.point, = ax.plot([], [], "o", color="C1", ms=6)
        ax.set_xlim(*W_RANGE)
        ax.set_xlabel("w")
        ax.set_ylabel("J(w)")
        self.title = ax.set_title(" ", y=1.0)  # a fixed place: it moves
        legend = ax.legend(loc="best", fontsize="small")
        self.labels = legend.get_texts()
        self.function = None
        self.moving = [self.tangent, self.secant, self.run, self.rise, self.nudged, self.point, legend, self.title]

    def update(self, function="w**2", w=3.0, epsilon=0.5):
        ex = example(function)
        if function != self.function:
            Js = ex.J(self.ws)
            self.curve.set_ydata(Js)
            low, high = float(Js.min()), float(Js.max())
            pad = 0.1 * (high - low)
            self.ax.set_ylim(low - pad, high + pad)
            self.labels[0].set_text(ex.label)
            self.still_changed()  # a new curve and new tick labels: this frame is laid out and drawn in full
            self.function = function
        s = secant_and_tangent(function, w, epsilon)
        self.tangent.set_ydata(s["J0"] + s["tangent"] * (self.ws - w))
        self.secant.set_ydata(s["J0"] + s["secant"] * (self.ws - w))
        self.run.set_data([w, w + epsilon], [s["J0"], s["J0"]])
        self.rise.set_data([w + epsilon, w + epsilon], [s["J0"], s["J1"]])
        self.nudged.set_data([w, w + epsilon], [s["J0"], s["J1"]])
        self.point.set_data([w], [s["J0"]])
        self.labels[1].set_text(f"tangent at w = {w:.2f}: slope {s['tangent']:.3f}")
        self.labels[2].set_text(f"through the nudged point: slope {s['secant']:.3f}")
        self.title.set_text(f"{ex.label}: slope at w = {w:.2f}, nudged by ε = {epsilon:.3g}")
        return explorer_caption(w, epsilon, s)


def explorer_caption(w, epsilon, s):
    """The explorer's two caption lines for secant_and_tangent's dict s, with as many decimals as make the
    arithmetic read true: J's two values and the rise share their decimals (the rise to 4 significant
    digits), and the slope is the rise over ε to 4 significant digits."""
    rise = s["rise"]
    decimals = min(12, max(3, int(np.ceil(-np.log10(abs(rise)))) + 3)) if rise else 3
    gap = s["gap"] if abs(s["gap"]) > 1e-9 * max(1.0, abs(s["tangent"])) else 0.0  # not float rounding
    return (f"Dashed line, slope {s['secant']:.4g}: J({w:.2f}) = {s['J0']:.{decimals}f}, J({w:.2f} + {epsilon:.3g}) = "
            f"{s['J1']:.{decimals}f}, a change of {rise:+.{decimals}f} = {s['secant']:.4g} × ε\n"
            f"Solid tangent at w = {w:.2f}: exact slope dJ/dw = {s['tangent']:.4g}; "
            f"the dashed slope is off by {gap:+.3g}")


# ----------------------------------------------------------------------------- shared by the checks

def _as_number(got):
    """got as a float, or a message saying why it is not one number."""
    if got is None:
        return None, "is None (is a `return` statement missing?)"
    if callable(got):
        return None, "is a function: call it at the point and return the number it gives"
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None, f"is a {type(got).__name__}, expected one number"
    if arr.size != 1:
        return None, f"has {arr.size} values (shape {arr.shape}), expected one number"
    return float(arr.reshape(())), None


def _close(a, b, rtol=1e-7, atol=1e-9):
    return bool(np.isfinite(a) and np.isfinite(b) and np.isclose(a, b, rtol=rtol, atol=atol))


# ----------------------------------------------------------------------------- Exercise 1 check

# (example, w, epsilon). The large nudges tell "both ways" from the one-sided nudge (for w**2 the
# symmetric estimate is exact whatever epsilon is); the small one checks the estimate is near dJ/dw.
BOTH_WAYS_CASES = [("w**3", 2.0, 0.4), ("w**2", 3.0, 0.3), ("1/w", 1.0, 0.25), ("w", -1.5, 0.1),
                   ("1/w**2", 2.0, 0.25), ("w**3", -1.0, 1e-3)]

# The usual slips, named as in the recorded outputs (the instructor's references make each one on every
# case), with the hint that names each.
BOTH_WAYS_HINTS = {  # each a ladder: what is wrong and why first, then a closer look; never the line to write
    "one_sided": Mistake("one_sided", (
        "that is the one-sided nudge of section 1: it uses w and the point to its right only, so its error "
        "stays about ε times a constant. The line of this exercise goes through a point on each side of w",
        "the two points are at w - ε and at w + ε; neither is at w itself")),
    "left_sided": Mistake("left_sided", (
        "that is a nudge to the left only: it uses w and the point to its left. The line of this exercise "
        "goes through a point on each side of w",
        "the two points are at w - ε and at w + ε; neither is at w itself")),
    "run_is_epsilon": Mistake("run_is_epsilon", (
        "your estimate is twice the slope: the run, the distance along w between your two points, is not ε",
        "measure the run on your sketch: from w - ε to w + ε")),
    "sign": Mistake("sign", (
        "the sign is flipped: a slope's rise goes from the left point to the right point",
        "the rise is J at the right point minus J at the left point")),
    "times_epsilon": Mistake("times_epsilon", (
        "your estimate is far too small: the rise was not divided by the whole run. Check the order of "
        "operations in your expression: which operation does Python do first?",
        "the run is one quantity: Python must compute it before it divides the rise by it")),
    "no_parentheses": Mistake("no_parentheses", (
        "only part of the rise was divided by the run: Python divides before it subtracts",
        "put the whole rise in parentheses before dividing it")),
    "rise_only": Mistake("rise_only", (
        "you returned the rise alone: a slope is the rise divided by the run",
        "divide by the distance along w between your two points")),
    "half_rise": Mistake("half_rise", (
        "your result still grows with ε: the rise was divided by a number, not by the run",
        "the run is a distance along w, and it depends on ε")),
    "sum": Mistake("sum", (
        "the rise is a change of height: the difference of the two values of J, not their sum",
        "rise = J at the right point minus J at the left point")),
}


def both_ways_mistakes(case, got):
    """Every usual slip that explains got on a case of the check (list of hints)."""
    J, w, epsilon = case.args
    recorded = case.about
    right = recorded["expected"]
    hints = [] if _close(got, right, rtol=1e-6, atol=1e-12) else expectations.recorded_mistakes(
        case, got, BOTH_WAYS_HINTS, expected=right, rtol=1e-6, atol=1e-12)
    exact = float(J.dJ(w))
    if not hints and epsilon >= 0.1 and _close(got, exact, rtol=1e-3, atol=1e-6) \
            and not _close(right, exact, rtol=1e-3, atol=1e-6):
        hints.append(f"your result is close to the exact slope {exact:g}, but with ε = {epsilon:g} the "
                     "estimate is farther off: does your function ignore its `epsilon` argument?")
    return hints


def _both_ways_cases():
    recorded = expectations.expected("07_derivatives", "central_difference")
    return [Case(f"{example(name)!r} at w = {w:g} with epsilon = {epsilon:g}", (example(name), w, epsilon),
                 expected=entry["expected"], about=entry, show_input=False)
            for (name, w, epsilon), entry in zip(BOTH_WAYS_CASES, recorded, strict=True)]


def _compare_both_ways(raw, expected, case):
    got, trouble = _as_number(raw)
    if trouble:
        return trouble
    J, w, epsilon = case.args
    if _close(got, expected):
        return None
    return (f"is {got:.6g}, expected {expected:.6g}, the slope of the line through w = {w - epsilon:g} "
            f"and w = {w + epsilon:g} (the exact dJ/dw is {float(J.dJ(w)):g})")


def _both_ways_hints(case, raw, expected):
    got = _as_number(raw)[0]
    return both_ways_mistakes(case, got) if got is not None else []


def evaluate_central_difference(fn):
    """The CheckResult of fn(J, w, epsilon) as the estimate of dJ/dw from nudging w both ways."""
    return run_check(getattr(fn, "__name__", "central_difference"), fn, None,
                     _both_ways_cases(), compare=_compare_both_ways, diagnose=_both_ways_hints,
                     note="Hint: draw the two points w - ε and w + ε on the curve: what are the rise and "
                          "the run of the line through them?")


def check_central_difference(fn):
    """Exercise 1 check: print (and return) the result of evaluate_central_difference."""
    return show(evaluate_central_difference(fn))


# ----------------------------------------------------------------------------- Exercise 2 check

class Cost:
    """A cost of several parameters, J(params) for a 1-D array, with a readable name for messages."""

    def __init__(self, text, fn):
        self.text, self.fn = text, fn

    def __call__(self, params):
        return self.fn(np.asarray(params, dtype=float))

    def __repr__(self):
        return f"J(p) = {self.text}"


GRADIENT_CASES = [  # (cost, params, epsilon)
    (Cost("p[0]**2 * p[1]", lambda p: p[0] ** 2 * p[1]), [3.0, 2.0], 0.5),
    (Cost("p[0] * p[1] + p[2]**3 - 2*p[3]", lambda p: p[0] * p[1] + p[2] ** 3 - 2 * p[3]),
     [1.0, -2.0, 1.5, 0.5], 0.25),
    (Cost("½ (2 p[0] - p[1] + p[2] - 1)² (a linear model on one example)",
          lambda p: 0.5 * (2 * p[0] - p[1] + p[2] - 1) ** 2), [0.5, 1.0, -1.0], 0.1),
    (Cost("p[0]**3", lambda p: p[0] ** 3), [2.0], 0.5),
    (Cost("p[0]**2 * p[1]", lambda p: p[0] ** 2 * p[1]), [3.0, 2.0], 1e-4),
]


GRADIENT_HINTS = {  # the usual slips, named as in the recorded outputs, each a ladder
    "aliased": Mistake("aliased", (
        "every entry is 0: your two nudged points were one and the same array. Assigning an array to a "
        "second name does not copy it, nor does [:] (it copies a list, but of a NumPy array it makes a view "
        "of the same numbers), so the nudge down undid the nudge up before J was called",
        "after moving entry i of your 'up' array, print that entry of your 'down' array: it moved too. "
        "A NumPy array is copied only when you ask for a copy")),
    "all_at_once": Mistake("all_at_once", (
        "every entry is the same: all parameters were nudged at once. A partial derivative moves one "
        "parameter and holds the others where they are",
        "for entry i, the two points you compare differ from params at index i only")),
    "left_in_place": Mistake("left_in_place", (
        "a nudge was left in place: after entry i, the parameters were not back where they started, so the "
        "next partial derivatives were measured from a moved point (and the caller's params changed)",
        "nudge a fresh copy for each entry, or keep entry i's old value and put that value back before moving on "
        "(adding ε and subtracting it again can leave a rounding error)")),
    "one_sided": Mistake("one_sided", (
        "that is the one-sided nudge: nudge each parameter both ways, as in Exercise 1",
        "compare the points with params[i] moved up by ε and moved down by ε")),
    "run_is_epsilon": Mistake("run_is_epsilon", (
        "every entry is twice too large: the run between your two nudged points is not ε",
        "the two points are ε above and ε below params[i]: how far apart are they?")),
    "sign": Mistake("sign", (
        "every entry has the wrong sign: the rise goes from the lower point to the higher one",
        "J with params[i] raised minus J with params[i] lowered")),
    "no_parentheses": Mistake("no_parentheses", (
        "only part of the rise was divided by the run: check the order of operations, as in Exercise 1",
        "the rise is one quantity: Python must compute it before it divides it by the run")),
}


def gradient_mistakes(case, got):
    """Every usual mistake that explains got as the array of partial derivatives (list of hints)."""
    recorded = case.about
    right = recorded["expected"]
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return []
    if got.size == 1 and right.size > 1 and _close(float(got.ravel()[0]), right[0]):
        return ["you returned the first partial derivative only: is the `return` inside the loop? "
                "Collect one value per parameter and return them after the loop"]
    if got.shape != right.shape:
        return [f"return one partial derivative per parameter: an array of shape {right.shape}, like params"]
    named = expectations.recorded_mistakes(case, got, GRADIENT_HINTS, expected=right, rtol=1e-6, atol=1e-9)
    if named and not np.allclose(got, right, rtol=1e-6, atol=1e-9):
        return named[:1]
    wrong = [i for i in range(right.size) if not _close(got[i], right[i], rtol=1e-6, atol=1e-9)]
    if len(wrong) < right.size:
        return [f"entries {wrong} are off, the others are right: does your loop visit every index, "
                "range(len(params))?"]
    return []


def _gradient_cases():
    recorded = expectations.expected("07_derivatives", "numerical_gradient")
    return [Case(f"{J!r} at p = {params} with epsilon = {epsilon:g}", (J, np.array(params), epsilon),
                 expected=entry["expected"], about=entry, show_input=False)
            for (J, params, epsilon), entry in zip(GRADIENT_CASES, recorded, strict=True)]


def _gradient_hints(case, got, expected):
    return gradient_mistakes(case, got)


def _gradient_exception(exc, case):
    if isinstance(exc, NotImplementedError):
        return None
    if "central_difference" in str(exc) and isinstance(exc, NameError):
        return "central_difference is not defined: run the cell of Exercise 1 first"
    if isinstance(exc, (TypeError, IndexError)) and any(
            text in str(exc) for text in ("not subscriptable", "too many indices", "invalid index")):
        return ("J takes the whole array of parameters, J(p): build a copy of params with one entry "
                "changed and call J on it")
    return None


def evaluate_numerical_gradient(fn):
    """The CheckResult of fn(J, params, epsilon): one partial derivative (nudged both ways) per parameter."""
    return run_check(getattr(fn, "__name__", "numerical_gradient"), fn, None, _gradient_cases(),
                     atol=1e-9, rtol=1e-7, diagnose=_gradient_hints, explain_exception=_gradient_exception,
                     note="Hint: for entry i, J sees params with entry i moved up by ε, then down by ε, and "
                          "every other entry where it was; params itself must come back exactly as it was")


def check_numerical_gradient(fn):
    """Exercise 2 check: print (and return) the result of evaluate_numerical_gradient."""
    return show(evaluate_numerical_gradient(fn))


# ----------------------------------------------------------------------------- Exercise 3 check

# (J as sympy text in w, the point). The lab's own example, 1/w**2 at w = 1.5, is not among them.
TANGENT_CASES = [("w**3", 2.0), ("1/w", 0.5), ("exp(w)", 1.0), ("w**2 - 4*w", 3.0), ("1/w**2", 0.5)]


def tangent_expression(text):
    """(J as a sympy expression, its symbol w) for one of the check's costs."""
    import sympy

    w = sympy.Symbol("w")
    return sympy.sympify(text, locals={"w": w}), w


TANGENT_HINTS = {  # the usual slips, named as in the recorded outputs, each a ladder (general to specific)
    "intercept_is_J": Mistake("intercept_is_J", (
        "the slope is right, but the intercept is not: the intercept is where the tangent crosses the "
        "vertical axis (w = 0), and the point where it touches the curve is usually elsewhere",
        "the tangent passes through (at, J(at)) with slope m: walking from there back to w = 0 changes "
        "its height by m times the distance walked")),
    "plus": Mistake("plus", (
        "the slope is right, but the intercept went the wrong way: check the sign of the correction "
        "from J(at) to the height at w = 0",
        "from w = at back to w = 0 is a step of −at, so the height changes by m·(−at)")),
    "slope_is_J": Mistake("slope_is_J", (
        "the slope is J's value at the point, not its derivative: the tangent's slope is dJ/dw there",
        "differentiate the expression first (sympy.diff), then put the point in (subs)")),
    "subs_first": Mistake("subs_first", (
        "the slope is 0: the point was put in before differentiating, and the derivative of a number is 0",
        "differentiate the expression in w first, then substitute the point into the derivative")),
    "swapped": Mistake("swapped", (
        "the two numbers are the right ones in the wrong order: the slope comes first",
        "return (slope, intercept)")),
}


def _pair(raw):
    """(slope, intercept) as floats, or a message saying why raw is not two numbers."""
    if raw is None:
        return None, "is None (is a `return` statement missing?)"
    try:
        values = list(raw)
    except TypeError:
        return None, f"is a {type(raw).__name__}: return two numbers, (slope, intercept)"
    if len(values) != 2:
        return None, f"has {len(values)} values: return two numbers, (slope, intercept)"
    try:
        return [float(v) for v in values], None
    except (TypeError, ValueError):
        return None, (f"holds {values[0]!r}, {values[1]!r}: a number is expected where a formula with w is left; "
                      "put the point into the expression (subs) to get a number")


def _compare_tangent(raw, expected, case):
    got, trouble = _pair(raw)
    if trouble:
        return trouble
    if np.allclose(got, expected, rtol=1e-9, atol=1e-9):
        return None
    return (f"is ({got[0]:.6g}, {got[1]:.6g}), expected the tangent's slope and intercept "
            f"({expected[0]:.6g}, {expected[1]:.6g})")


def _tangent_hints(case, raw, expected):
    got = _pair(raw)[0]
    if got is None:
        return []
    if np.allclose(got, expected, rtol=1e-9, atol=1e-9):
        return []
    return expectations.recorded_mistakes(case, got, TANGENT_HINTS, expected=expected, rtol=1e-9, atol=1e-9)[:1]


def _tangent_cases():
    recorded = expectations.expected("07_derivatives", "tangent_line")
    cases = []
    for (text, at), entry in zip(TANGENT_CASES, recorded, strict=True):
        J, w = tangent_expression(text)
        cases.append(Case(f"J = {text} at w = {at:g}", (J, w, at), expected=entry["expected"], about=entry,
                          show_input=False))
    return cases


def _tangent_exception(exc, case):
    if isinstance(exc, TypeError) and "convert expression to float" in str(exc):
        return Mistake("tangent_float_of_formula", (
            "float() was given an expression that still holds w: the slope and the intercept are numbers, "
            "the values at the point w = at, not formulas",
            "section 4's table has the call that puts a number in place of w; use it on each expression "
            "before float()"))
    return None


def evaluate_tangent_line(fn):
    """The CheckResult of fn(J_expr, w, at) as the (slope, intercept) of J's tangent at w = at."""
    return run_check(getattr(fn, "__name__", "tangent_line"), fn, None, _tangent_cases(),
                     compare=_compare_tangent, diagnose=_tangent_hints, explain_exception=_tangent_exception)


def check_tangent_line(fn):
    """Exercise 3 check: print (and return) the result of evaluate_tangent_line."""
    return show(evaluate_tangent_line(fn))


# ----------------------------------------------------------------------------- demonstrations the lab runs

def three_ways(costs, w, point):
    """Print dJ/dw at point for each sympy cost in w: nudged one way (ε = 1e-3 and 1e-6), by sympy and by
    tf.GradientTape (on lambdify's TensorFlow version, in float64). Returns (sympy values, tape values)."""
    import sympy
    import tensorflow as tf

    exact_values, tape_values = [], []
    rows = [f"{'J':>8}  {'nudge eps=1e-3':>14}  {'nudge eps=1e-6':>14}  {'sympy':>9}  {'GradientTape':>12}"]
    for J_expr in costs:
        J_fn = sympy.lambdify(w, J_expr)
        nudges = [(J_fn(point + e) - J_fn(point)) / e for e in (1e-3, 1e-6)]
        exact = float(sympy.diff(J_expr, w).subs(w, point))
        w_tf = tf.Variable(point, dtype=tf.float64)
        with tf.GradientTape() as tape:
            J_tf = sympy.lambdify(w, J_expr, modules="tensorflow")(w_tf)
        from_tape = float(tape.gradient(J_tf, w_tf))
        rows.append(f"{str(J_expr):>8}  {nudges[0]:>14.6f}  {nudges[1]:>14.6f}  {exact:>9.6f}  {from_tape:>12.6f}")
        exact_values.append(exact)
        tape_values.append(from_tape)
    print("\n".join(rows))  # one piece of output: the table stays whole whatever TensorFlow prints first
    return exact_values, tape_values


LINEAR_X = np.array([[1.0, 2.0], [2.0, 0.5], [3.0, -1.0], [0.5, 1.5]])
LINEAR_Y = np.array([3.0, 2.5, 1.0, 2.0])


def linear_model_cost(p):
    """J(w1, w2, b) = mean of ½ (w1 x1 + w2 x2 + b - y)² over the four examples LINEAR_X, LINEAR_Y."""
    p = np.asarray(p, dtype=float)
    return np.mean(0.5 * (LINEAR_X @ p[:2] + p[2] - LINEAR_Y) ** 2)


def linear_model_tape_gradient(p):
    """The gradient of linear_model_cost at p, from tf.GradientTape (a NumPy array of 3)."""
    import tensorflow as tf

    p_tf = tf.Variable(np.asarray(p, dtype=float))
    with tf.GradientTape() as tape:
        J_tf = tf.reduce_mean(0.5 * (tf.linalg.matvec(LINEAR_X, p_tf[:2]) + p_tf[2] - LINEAR_Y) ** 2)
    return tape.gradient(J_tf, p_tf).numpy()
