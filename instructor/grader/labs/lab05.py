"""Lab 05, Adam: adam_step and adam_settings (the core path) and first_step (Going further, 0 points)."""
import numpy as np

from instructor.grader.exercises import FunctionExercise, differs, is_number
from instructor.references.lab05 import reference_adam_step, reference_first_step
from utils.optimizers import SETTLE_BY, adam_path, path_report


def _betas(rng):
    return {"beta1": round(float(rng.uniform(0.5, 0.95)), 3), "beta2": round(float(rng.uniform(0.9, 0.9999)), 4)}


def _gradients(rng, shape):
    """Gradients of sizes 0.001 to 100, either sign."""
    return rng.choice([-1.0, 1.0], shape) * 10 ** rng.uniform(-3, 2, shape)


def first_step_inputs(rng):
    n = int(rng.integers(2, 7))
    alpha = round(float(rng.uniform(0.001, 0.5)), 4)
    with_zero = _gradients(rng, (2, 3))
    with_zero[tuple(rng.integers(0, (2, 3)))] = 0.0
    return [
        ("gradients of very different sizes", (_gradients(rng, n),), {"alpha": alpha}),
        ("the default settings", (_gradients(rng, n),), {}),
        ("a 2-D array with a zero gradient", (with_zero,), {"alpha": alpha}),
        ("every gradient 0", (np.zeros(n),), {}),
        ("huge gradients", (rng.choice([-1.0, 1.0], n) * 10 ** rng.uniform(5, 8, n),), {}),
        ("a plain list of integers", ([int(v) for v in rng.integers(-5, 6, n)],), {"alpha": alpha}),
        ("its own betas, bias-corrected", (_gradients(rng, n),), {"alpha": alpha, **_betas(rng)}),
        ("no bias correction, default betas", (_gradients(rng, n),), {"bias_correction": False}),
        ("no bias correction, its own betas", (_gradients(rng, n),),
         {"alpha": alpha, **_betas(rng), "bias_correction": False}),
    ]


def settings_problem(got, expected, call):
    """Two numbers in range that bring Adam below a cost of 0.01 on the bowl from step SETTLE_BY on."""
    if not isinstance(got, (tuple, list)) or len(got) != 2 or not all(is_number(x) for x in got):
        return f"returned {repr(got)[:60]}: expected two numbers, `return alpha, beta1`"
    alpha, beta1 = (float(x) for x in got)
    if not (np.isfinite(alpha) and alpha > 0):
        return f"alpha = {alpha:g}: the learning rate must be a positive number"
    if not 0 <= beta1 < 1:
        return f"beta1 = {beta1:g}: beta1 must be from 0 up to (not including) 1"
    report = path_report(adam_path(alpha, beta1))
    if report["settled"] is not None and report["settled"] <= SETTLE_BY:
        return None
    reached = (f"it first gets below 0.01 at step {report['first']}" if report["first"] is not None
               else "it never gets below 0.01")
    back = f" and is back above at step {report['back_above']}" if report["back_above"] is not None else ""
    return (f"with alpha = {alpha:g}, beta1 = {beta1:g} the cost is not below 0.01 at every step from "
            f"{SETTLE_BY} to {report['steps']}: {reached}{back}")


def _state(rng, shape, t):
    """w, g, m, v of shape at step t: m and v as earlier gradients would leave them (0 at t = 1)."""
    w, g = rng.normal(0, 2, shape), rng.normal(0, 1, shape)
    if t == 1:
        return w, g, np.zeros(shape), np.zeros(shape)
    return w, g, rng.normal(0, 0.5, shape), rng.uniform(0.01, 2, shape)


def adam_step_inputs(rng):
    n = int(rng.integers(2, 7))
    own = {"alpha": round(float(rng.uniform(0.001, 0.2)), 4), **_betas(rng)}
    t = int(rng.integers(2, 30))
    tiny = (rng.normal(0, 1, n), rng.choice([-1.0, 1.0], n) * rng.uniform(0.5, 3, n) * 1e-7, np.zeros(n), np.zeros(n))
    zero = (rng.normal(0, 1, n), np.zeros(n), np.zeros(n), np.zeros(n))
    return [
        ("the first step, default settings", (*_state(rng, n, 1), 1), {}),
        (f"step t={t}, its own alpha and betas", (*_state(rng, n, t), t), own),
        ("a 2-D weight matrix", (*_state(rng, (2, 3), t), t), own),
        ("one number (0-d arrays) at step 1", (*(np.array(float(a[0])) for a in _state(rng, 1, 1)), 1), own),
        ("tiny gradients (1e-7) at step 1, where epsilon matters", (*tiny, 1), {}),
        ("a zero gradient at step 1", (*zero, 1), {}),
        ("step t=1000", (*_state(rng, n, 1000), 1000), {}),
        ("its own epsilon", (*_state(rng, n, t), t), {**own, "epsilon": 1e-3}),
    ]


def adam_step_problem(got, expected, call):
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        size = f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""
        return f"returned a {type(got).__name__}{size}: expected the three arrays `return w, m, v`"
    for name, mine, theirs in zip("wmv", got, expected, strict=True):
        scale = float(np.max(np.abs(theirs), initial=0.0))
        problem = differs(mine, theirs, atol=1e-12 * max(scale, 1e-20), rtol=1e-8)
        if problem:
            return f"{name}: {problem}"
    return None


EXERCISES = [
    FunctionExercise("first_step", "first_step", "first_step", first_step_inputs, reference_first_step,
                     atol=1e-12, rtol=1e-4),
    FunctionExercise("adam_settings", "adam_settings", "adam_settings",
                     lambda rng: [("your settings", (), {}), ("a second call", (), {})],
                     lambda: None, compare=settings_problem),
    FunctionExercise("adam_step", "adam_step", "adam_step", adam_step_inputs, reference_adam_step,
                     compare=adam_step_problem),
]
