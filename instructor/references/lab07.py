"""Lab 07, derivatives: the two answers (nudging both ways, every partial derivative) and the usual slips.

`record()` runs them on the visible checks' cases (utils.derivatives) for utils/expected/07_derivatives.json.
"""
import numpy as np
import sympy

from utils.derivatives import BOTH_WAYS_CASES, GRADIENT_CASES, TANGENT_CASES, example, tangent_expression


def central_difference(J, w, epsilon):
    """The slope of the line through J's points at w - epsilon and w + epsilon."""
    return (J(w + epsilon) - J(w - epsilon)) / (2 * epsilon)


# The usual wrong estimates of Exercise 1, named as the check's hints are (utils.derivatives).
CENTRAL_MISTAKES = {
    "one_sided": lambda J, w, e: (J(w + e) - J(w)) / e,
    "left_sided": lambda J, w, e: (J(w) - J(w - e)) / e,
    "run_is_epsilon": lambda J, w, e: (J(w + e) - J(w - e)) / e,
    "sign": lambda J, w, e: -central_difference(J, w, e),
    "times_epsilon": lambda J, w, e: (J(w + e) - J(w - e)) / 2 * e,
    "no_parentheses": lambda J, w, e: J(w + e) - J(w - e) / (2 * e),
    "rise_only": lambda J, w, e: J(w + e) - J(w - e),
    "half_rise": lambda J, w, e: (J(w + e) - J(w - e)) / 2,
    "sum": lambda J, w, e: (J(w + e) + J(w - e)) / (2 * e),
}


def _moved(params, i, step):
    """A copy of params with entry i moved by step."""
    moved = np.array(params, dtype=float)
    moved[i] += step
    return moved


def numerical_gradient(J, params, epsilon):
    """For each i: the slope through params with entry i moved by -epsilon and by +epsilon."""
    return np.array([(J(_moved(params, i, epsilon)) - J(_moved(params, i, -epsilon))) / (2 * epsilon)
                     for i in range(np.size(params))])


def _left_in_place(J, params, epsilon):
    """The in-place slip: nudge entry i up, then down by 2 epsilon, and never put it back."""
    p = np.array(params, dtype=float)
    slopes = []
    for i in range(p.size):
        p[i] += epsilon
        up = J(p)
        p[i] -= 2 * epsilon
        slopes.append((up - J(p)) / (2 * epsilon))
    return np.array(slopes)


def _all_at_once(J, params, epsilon):
    params = np.asarray(params, dtype=float)
    return np.full(params.size, (J(params + epsilon) - J(params - epsilon)) / (2 * epsilon))


def _aliased(J, params, epsilon):
    """The aliasing slip: `up, down = params, params`, so the nudge down undoes the nudge up."""
    p = np.array(params, dtype=float)
    slopes = []
    for i in range(p.size):
        up, down = p, p
        up[i] += epsilon
        down[i] -= epsilon
        slopes.append((J(up) - J(down)) / (2 * epsilon))
    return np.array(slopes)


GRADIENT_MISTAKES = {
    "aliased": _aliased,
    "all_at_once": _all_at_once,
    "left_in_place": _left_in_place,
    "one_sided": lambda J, p, e: np.array([(J(_moved(p, i, e)) - J(np.asarray(p, dtype=float))) / e
                                           for i in range(np.size(p))]),
    "run_is_epsilon": lambda J, p, e: 2 * numerical_gradient(J, p, e),
    "sign": lambda J, p, e: -numerical_gradient(J, p, e),
    "no_parentheses": lambda J, p, e: np.array([J(_moved(p, i, e)) - J(_moved(p, i, -e)) / (2 * e)
                                                for i in range(np.size(p))]),
}


def tangent_line(J_expr, w, at):
    """The tangent to J at w = at, exactly with sympy: (slope, intercept) of slope·w + intercept."""
    slope = sympy.diff(J_expr, w).subs(w, at)
    return float(slope), float(J_expr.subs(w, at) - slope * at)


def _value(J_expr, w, at):
    return float(J_expr.subs(w, at))


# The usual wrong tangents of Exercise 3, named as the check's hints are (utils.derivatives).
TANGENT_MISTAKES = {
    "intercept_is_J": lambda J, w, at: (tangent_line(J, w, at)[0], _value(J, w, at)),
    "plus": lambda J, w, at: (tangent_line(J, w, at)[0], _value(J, w, at) + tangent_line(J, w, at)[0] * at),
    "slope_is_J": lambda J, w, at: (_value(J, w, at), _value(J, w, at) - _value(J, w, at) * at),
    "subs_first": lambda J, w, at: (0.0, _value(J, w, at)),
    "swapped": lambda J, w, at: tangent_line(J, w, at)[::-1],
}


def _entries(answer, mistakes, cases):
    return [{"expected": answer(*case), **{name: slip(*case) for name, slip in mistakes.items()}} for case in cases]


def record():
    both_ways = [(example(name), w, epsilon) for name, w, epsilon in BOTH_WAYS_CASES]
    gradient = [(J, np.array(params), epsilon) for J, params, epsilon in GRADIENT_CASES]
    tangent = [(*tangent_expression(text), at) for text, at in TANGENT_CASES]
    return {"central_difference": _entries(central_difference, CENTRAL_MISTAKES, both_ways),
            "numerical_gradient": _entries(numerical_gradient, GRADIENT_MISTAKES, gradient),
            "tangent_line": _entries(tangent_line, TANGENT_MISTAKES, tangent)}
