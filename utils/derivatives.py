"""Lab 07 helpers: nudge estimates of a derivative, the tangent-line figure, and the exercise checks.

The lesson itself (nudging w, sympy, tf.GradientTape) is written out in the notebook; this module
holds what the notebook only calls: a small catalogue of example cost functions with their exact
derivatives, the drawing function behind the widget, and the checks with their reference answers.
"""
from dataclasses import dataclass

import numpy as np

from utils.checks import Case, compare_arrays, run_check, show

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
    """The one-sided estimate (J(w + epsilon) - J(w)) / epsilon (the reference for Exercise 1)."""
    return nudge(J, w, epsilon)[2]


def epsilon_sweep(J, w, exact, epsilons):
    """Estimates and absolute errors |estimate - exact| for each epsilon (NumPy float64 arrays)."""
    epsilons = np.asarray(epsilons, dtype=float)
    estimates = np.array([nudge_estimate(J, float(w), float(e)) for e in epsilons])
    return estimates, np.abs(estimates - exact)


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


def draw_tangent(fig, function="w**2", w=3.0, epsilon=0.5):
    """Draw J, the tangent at w and the line through (w, J(w)) and (w + epsilon, J(w + epsilon))."""
    ex = example(function)
    s = secant_and_tangent(function, w, epsilon)
    ws = np.linspace(*W_RANGE, 200)
    Js = ex.J(ws)
    ax = fig.subplots()
    ax.plot(ws, Js, color="C0", lw=2, label=ex.label)
    ax.plot(ws, s["J0"] + s["tangent"] * (ws - w), color="C1",
            label=f"tangent at w = {w:.2f}: slope {s['tangent']:.3f}")
    ax.plot(ws, s["J0"] + s["secant"] * (ws - w), "--", color="C2",
            label=f"through the nudged point: slope {s['secant']:.3f}")
    # the rise-over-run triangle
    ax.plot([w, w + epsilon], [s["J0"], s["J0"]], ":", color="k", lw=1)
    ax.plot([w + epsilon, w + epsilon], [s["J0"], s["J1"]], ":", color="k", lw=1)
    ax.plot([w, w + epsilon], [s["J0"], s["J1"]], "o", color="C2", ms=5)
    ax.plot([w], [s["J0"]], "o", color="C1", ms=6)
    low, high = float(Js.min()), float(Js.max())
    pad = 0.1 * (high - low)
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(*W_RANGE)
    ax.set_xlabel("w")
    ax.set_ylabel("J(w)")
    ax.set_title(f"{ex.label}: slope at w = {w:.2f}, nudged by ε = {epsilon:.3g}")
    ax.legend(loc="best", fontsize="small")
    return (f"J({w:.2f}) = {s['J0']:.4f}, J({w:.2f} + {epsilon:.3g}) = {s['J1']:.4f}: "
            f"J changed by {s['rise']:+.4f} = {s['secant']:.4f} × ε\n"
            f"exact dJ/dw = {s['tangent']:.4f}; the nudge estimate is off by {s['gap']:+.4f}")


# ----------------------------------------------------------------------------- Exercise 1 check

# (example, w, epsilon): small nudges compared with the exact derivative, then one large nudge
# that shows whether the function really uses the epsilon it is given.
NUDGE_CASES = [("w**2", 3.0, 1e-6), ("w**3", 2.0, 1e-6), ("w", -1.5, 1e-6), ("1/w", 0.5, 1e-6),
               ("1/w**2", 2.0, 1e-6), ("w**3", -1.0, 1e-6)]
LARGE_NUDGE = ("w**3", 2.0, 0.5)  # one-sided estimate 15.25, exact 12


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


def _close(a, b, rtol=1e-3, atol=1e-6):
    return bool(np.isclose(a, b, rtol=rtol, atol=atol))


def diagnose_nudge(J, w, epsilon, got):
    """Name the usual mistake behind a wrong nudge estimate, or return None."""
    before, after, estimate = nudge(J, w, epsilon)
    rise = after - before
    guesses = [
        (-estimate, "sign error: nudge w up (w + ε) and take new minus old, J(w + ε) - J(w)"),
        (rise, "you returned the rise J(w + ε) - J(w): divide it by ε to get k"),
        (rise / epsilon**2, "you divided by ε twice (or by ε²): divide the rise by ε once"),
        (rise * epsilon, "you multiplied by ε: the slope is the rise divided by ε"),
        (estimate / 2, "you divided by 2ε: that is only right for the centered difference "
                       "(J(w + ε) - J(w - ε)) / (2ε); the one-sided nudge divides by ε"),
        (after, "you returned J(w + ε), the cost after the nudge, not how fast it changed"),
        (before, "you returned J(w), the cost itself, not how fast it changes"),
        ((J(w - epsilon) - before) / epsilon, "sign error: you nudged w down (w - ε) but divided by +ε"),
    ]
    for value, hint in guesses:
        if np.isfinite(value) and _close(got, value, rtol=1e-4, atol=0) \
                and not _close(got, estimate, rtol=1e-4, atol=0):
            return hint
    ratio = got / estimate if estimate else np.nan
    if np.isfinite(ratio) and ratio > 0 and abs(np.log10(ratio)) > 0.5:
        power = np.log10(ratio)
        if abs(power - round(power)) < 0.01:
            return (f"your result is {ratio:.0e} times the right one: did you divide by a different ε than "
                    "the one you nudged by? Use the `epsilon` argument in both places")
    return None


def _nudge_cases():
    return [Case(f"{example(name)!r} at w = {w:g} with epsilon = {epsilon:g}", (example(name), w, epsilon),
                 expected=float(example(name).dJ(w)), show_input=False)
            for name, w, epsilon in [*NUDGE_CASES, LARGE_NUDGE]]


def _compare_nudge(raw, exact, case):
    """None when raw is a good estimate: near the exact slope for a tiny nudge, from this epsilon for a large one."""
    got, trouble = _as_number(raw)
    if trouble:
        return trouble
    ex, w, epsilon = case.args
    if epsilon < 1e-3:  # a tiny nudge: any good estimate lands next to the exact slope
        if _close(got, exact, rtol=1e-4, atol=1e-4):
            return None
        return f"is {got:.6g}, expected about {exact:.6g} (the exact dJ/dw is {exact:g})"
    one_sided = nudge_estimate(ex, w, epsilon)
    centered = (ex(w + epsilon) - ex(w - epsilon)) / (2 * epsilon)
    if _close(got, one_sided, rtol=1e-6) or _close(got, centered, rtol=1e-6):
        return None
    return f"is {got:.6g}, expected {one_sided:.6g} = (J({w:g} + {epsilon:g}) - J({w:g})) / {epsilon:g}"


def _nudge_mistakes(case, raw, exact):
    ex, w, epsilon = case.args
    got = _as_number(raw)[0]
    hint = diagnose_nudge(ex, w, epsilon, got)
    if hint is None and epsilon >= 1e-3 and _close(got, exact, rtol=1e-2):
        hint = (f"your result is close to the exact slope {exact:g}, but with ε = {epsilon:g} the nudge "
                "estimate is farther off: does your function ignore its `epsilon` argument?")
    return hint


def evaluate_nudge_derivative(fn):
    """The CheckResult of fn(J, w, epsilon) as a nudge estimate of dJ/dw, on several functions and points."""
    return run_check(getattr(fn, "__name__", "nudge_derivative"), fn, None,
                     _nudge_cases(), compare=_compare_nudge, diagnose=_nudge_mistakes,
                     note="Hint: the estimate is k = (J(w + ε) - J(w)) / ε")


def check_nudge_derivative(fn):
    """Exercise 1 check: print (and return) the result of evaluate_nudge_derivative."""
    return show(evaluate_nudge_derivative(fn))


# ----------------------------------------------------------------------------- Exercise 2 check

# (sympy spelling in the symbol w, point, then J, dJ/dw and d2J/dw2 written by hand)
SYMPY_CASES = [
    ("w**2", 3.0, lambda w: w**2, lambda w: 2 * w, lambda w: 2.0),
    ("w**3", 2.0, lambda w: w**3, lambda w: 3 * w**2, lambda w: 6 * w),
    ("w", 5.0, lambda w: w, lambda w: 1.0, lambda w: 0.0),
    ("1/w", 2.0, lambda w: 1 / w, lambda w: -1 / w**2, lambda w: 2 / w**3),
    ("1/w**2", 0.5, lambda w: 1 / w**2, lambda w: -2 / w**3, lambda w: 6 / w**4),
    ("w**4 - 3*w", -1.0, lambda w: w**4 - 3 * w, lambda w: 4 * w**3 - 3, lambda w: 12 * w**2),
    ("exp(2*w)", 0.0, lambda w: np.exp(2 * w), lambda w: 2 * np.exp(2 * w), lambda w: 4 * np.exp(2 * w)),
]


def _sympy_trouble(got):
    """A message when got is a sympy object that still contains symbols, else None."""
    free = getattr(got, "free_symbols", None)
    if free:
        names = ", ".join(sorted(str(s) for s in free))
        return (f"is the expression {got}, which still contains {names}: substitute the point "
                "with .subs(w, value) (or call a lambdify-ed function) to get a number")
    return None


def diagnose_sympy(case, got):
    """Name the usual mistake behind a wrong sympy derivative (case is a SYMPY_CASES row), or return None."""
    _, value, J, dJ, d2J = case
    exact = float(dJ(value))
    guesses = [
        (float(J(value)), "you returned J itself at the point: differentiate first, sympy.diff(J, w)"),
        (float(d2J(value)), "you differentiated twice: sympy.diff(J, w) once is enough"),
        (-exact, "sign error: return the derivative as sympy.diff gives it"),
    ]
    guesses += [(float(dJ(fixed)), f"that is dJ/dw at w = {fixed:g}: substitute the `value` argument, "
                                   "not a fixed number") for fixed in (1.0, 2.0, 3.0) if fixed != value]
    for candidate, hint in guesses:
        if _close(got, candidate, rtol=1e-9, atol=1e-12) and not _close(got, exact, rtol=1e-9, atol=1e-12):
            return hint
    return None


def _sympy_cases():
    import sympy

    w = sympy.symbols("w")
    return [Case(f"J = {row[0]} at w = {row[1]:g}", (sympy.sympify(row[0], locals={"w": w}), w, row[1]),
                 expected=float(row[3](row[1])), about=row, show_input=False) for row in SYMPY_CASES]


def _compare_sympy(raw, exact, case):
    trouble = _sympy_trouble(raw)
    if trouble:
        return trouble
    got, trouble = _as_number(raw)
    if trouble:
        return trouble
    return None if compare_arrays(got, exact, atol=1e-9, rtol=1e-9) is None else \
        f"is {got:.6g}, expected {exact:.6g}"


def _sympy_mistakes(case, raw, exact):
    return diagnose_sympy(case.about, _as_number(raw)[0])


def evaluate_sympy_derivative(fn):
    """The CheckResult of fn(J, w, value): dJ/dw at w = value for a sympy expression J."""
    return run_check(getattr(fn, "__name__", "sympy_derivative"), fn, None, _sympy_cases(),
                     compare=_compare_sympy, diagnose=_sympy_mistakes,
                     note="Hint: differentiate with sympy.diff, then substitute the point, and return a float")


def check_sympy_derivative(fn):
    """Exercise 2 check: print (and return) the result of evaluate_sympy_derivative."""
    return show(evaluate_sympy_derivative(fn))
