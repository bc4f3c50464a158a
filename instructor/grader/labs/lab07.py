"""Lab 07, derivatives: central_difference and numerical_gradient, on costs the grader draws.

The students' functions take a cost J, a Python function, which the wire cannot carry. So the costs
are named formulas with constants the grader draws: the kernel builds J from a name and its constants
(`_grader_cost`) and passes it to the student's function; the grader evaluates the same formula with
sympy in exact arithmetic, at the very points the nudges reach, for the expected slopes.
"""
import numpy as np
import sympy

from instructor.grader.exercises import Call, Exercise, differs, first_failure

# A cost of one number w (central_difference) or of an array q (numerical_gradient), with drawn
# constants c. Each formula is Python for the kernel (exp, sin from math) and for sympy alike.
COSTS = {
    "cubic": "c[0] * w**3 + c[1] * w**2 + c[2] * w + c[3]",
    "reciprocal": "c[0] / w",
    "exponential": "c[0] * exp(c[1] * w)",
    "sine": "c[0] * sin(c[1] * w)",
    "constant": "c[0]",
    "neighbours": "sum(c[i] * q[i]**3 + q[i] * q[(i + 1) % len(q)] for i in range(len(q)))",
    "linear": "sum(c[i] * q[i] for i in range(len(q)))",
    "bump": "c[0] / (1 + sum(q[i]**2 for i in range(len(q))))",
}
WORDS = {"neighbours": "a cost whose parameters interact", "linear": "a cost linear in the parameters",
         "bump": "c / (1 + |p|²)"}  # the costs of an array, in words for the feedback



def variable(formula):
    return "q" if "q[" in formula else "w"


KERNEL_COST = "def _grader_cost(name, c):\n    from math import exp, sin  # noqa: F401\n    return {\n" + "".join(
    f"        {name!r}: lambda {variable(text)}: {text},\n" for name, text in COSTS.items()) + "    }[name]\n"

CENTRAL_KERNEL_CODE = KERNEL_COST + '''
def _grader_central_difference(cost, c, w, epsilon, numpy_numbers=False):
    import numpy
    if numpy_numbers:
        w, epsilon = numpy.float64(w), numpy.float64(epsilon)
    return central_difference(_grader_cost(cost, c), w, epsilon)
'''
GRADIENT_KERNEL_CODE = KERNEL_COST + '''
def _grader_numerical_gradient(cost, c, params, epsilon):
    """The student's estimates, and the caller's params after the call (they must be unchanged)."""
    estimates = numerical_gradient(_grader_cost(cost, c), params, epsilon)
    return estimates, params
'''


def written(name, c):
    """A cost of w with its constants filled in, for the feedback."""
    text = COSTS[name]
    for i, value in enumerate(c):
        text = text.replace(f"c[{i}]", f"{value:g}" if value >= 0 else f"({value:g})")
    return text


def _exact(x):
    return sympy.Rational(x) if isinstance(x, float) else sympy.Integer(int(x))


def exact_cost(name, c):
    """The formula as a function of exact numbers (sympy), with the constants c."""
    return eval(f"lambda {variable(COSTS[name])}: {COSTS[name]}",  # noqa: S307 (our own formulas)
                {"exp": sympy.exp, "sin": sympy.sin, "c": [_exact(v) for v in c]})


def exact_slope(J, low, high, epsilon):
    """(J(high) - J(low)) / (2 epsilon) in exact arithmetic, as a float: the slope both ways."""
    return float(sympy.N((J(high) - J(low)) / (2 * epsilon), 30))


def central_inputs(rng):
    def draw(*scales):
        return [float(np.round(rng.normal(0, s), 3)) for s in scales]

    w = float(np.round(rng.uniform(0.5, 3), 3)) * float(rng.choice([-1, 1]))
    return [
        ("cubic", draw(1, 2, 2, 5), w, float(rng.choice([0.5, 0.3, 0.1]))),
        ("reciprocal", draw(3), w, abs(w) / 4),
        ("exponential", draw(1, 0.5), w, float(rng.choice([0.4, 0.2]))),
        ("sine", draw(1, 2), w, 1e-3),
        ("constant", draw(10), w, 0.5),
        ("cubic", draw(1, 2, 2, 5), w, -0.25),
        ("cubic", [int(v) for v in rng.integers(-3, 4, 4)], int(rng.integers(-4, 5)), int(rng.integers(1, 3))),
        ("cubic", draw(1, 2, 2, 5), w, 0.2, True),
    ]


class CentralDifference(Exercise):
    key = title = "central_difference"
    kernel_code = CENTRAL_KERNEL_CODE
    student_names = ("central_difference",)

    def draw(self, rng):
        calls = []
        for cost, c, w, epsilon, *numpy_numbers in central_inputs(rng):
            kind = "NumPy numbers: " if numpy_numbers else "integers: " if isinstance(w, int) else ""
            label = f"{kind}J(w) = {written(cost, c)} at w = {w:g}, epsilon = {epsilon:g}"
            calls.append(Call("_grader_central_difference", (cost, c, w, epsilon, bool(numpy_numbers)), label=label))
        return calls

    def judge(self, calls, answers):
        def check(call, got):
            cost, c, w, epsilon, _ = call.args
            J, w, epsilon = exact_cost(cost, c), _exact(w), _exact(epsilon)
            return differs(got, exact_slope(J, w - epsilon, w + epsilon, epsilon), atol=1e-8, rtol=1e-7)
        return first_failure(calls, answers, check)


def gradient_inputs(rng):
    n = int(rng.integers(2, 7))

    def point(size):
        return np.round(rng.normal(0, 1.5, size), 3)

    return [
        ("neighbours", list(np.round(rng.normal(0, 1, n), 3)), point(n), float(rng.choice([0.5, 0.1]))),
        ("bump", [float(np.round(rng.uniform(1, 5), 3))], point(n), 0.25),
        ("linear", list(np.round(rng.normal(0, 2, n), 3)), point(n), float(rng.choice([0.5, 1.0]))),
        ("neighbours", [float(np.round(rng.normal(0, 1), 3))], point(1), 0.1),
        ("neighbours", list(np.round(rng.normal(0, 1, n), 3)), point(n), 1e-4),
        ("bump", [2.0], rng.integers(-3, 4, n), 1e-3),
    ]


class NumericalGradient(Exercise):
    key = title = "numerical_gradient"
    kernel_code = GRADIENT_KERNEL_CODE
    student_names = ("numerical_gradient",)

    def draw(self, rng):
        calls = []
        for cost, c, params, epsilon in gradient_inputs(rng):
            kind = "an integer array: " if params.dtype.kind == "i" else ""
            label = f"{kind}J = {WORDS[cost]}, {params.size} parameter{'s' * (params.size > 1)}, epsilon = {epsilon:g}"
            calls.append(Call("_grader_numerical_gradient", (cost, c, params, epsilon), label=label))
        return calls

    def judge(self, calls, answers):
        def check(call, got):
            cost, c, params, epsilon = call.args
            if not (isinstance(got, tuple) and len(got) == 2):  # only our helper's own answer
                return "the grader's helper returned something unexpected (was _grader_numerical_gradient changed?)"
            estimates, after = got
            if not (isinstance(after, np.ndarray) and np.array_equal(after, params)):  # exactly, as the lab asks
                return ("changed the caller's params (adding epsilon and subtracting it again does not always "
                        "give back the same float): nudge copies, or put each old value back")
            J, point, eps = exact_cost(cost, c), [_exact(v) for v in params.tolist()], _exact(epsilon)

            def moved(i, step):
                return point[:i] + [point[i] + step] + point[i + 1:]
            expected = [exact_slope(J, moved(i, -eps), moved(i, eps), eps) for i in range(len(point))]
            return differs(estimates, np.array(expected), atol=1e-8, rtol=1e-7)
        return first_failure(calls, answers, check)


TANGENT_KERNEL_CODE = '''
def _grader_tangent_line(text, at):
    """The student's (slope, intercept) for the sympy expression `text` in w, as floats when they are numbers."""
    import sympy
    w = sympy.Symbol("w")
    got = tangent_line(sympy.sympify(text, locals={"w": w}), w, at)
    try:
        return [float(v) for v in got]
    except (TypeError, ValueError):
        return "not two numbers: " + repr(got)[:80]
'''


def tangent_inputs(rng):
    a, b, c = (float(v) for v in np.round(rng.normal(0, 2, 3), 2))
    k = float(np.round(rng.uniform(0.5, 3), 2))
    at = float(np.round(rng.uniform(0.5, 2.5), 2))
    return [
        (f"{a:g}*w**3 + {b:g}*w + {c:g}", at),
        (f"{k:g}/w**2", at),
        (f"{k:g}*exp({a / 4:g}*w)", -at),
        (f"{c:g}*w**2", 0.0),
        (f"sin({k:g}*w)", at),
    ]


class TangentLine(Exercise):
    key = title = "tangent_line"
    kernel_code = TANGENT_KERNEL_CODE
    student_names = ("tangent_line",)

    def draw(self, rng):
        return [Call("_grader_tangent_line", (text, at), label=f"J = {text} at w = {at:g}")
                for text, at in tangent_inputs(rng)]

    def judge(self, calls, answers):
        def check(call, got):
            if isinstance(got, str):
                return f"returned {got}: return two numbers, (slope, intercept)"
            text, at = call.args
            w = sympy.Symbol("w")
            J = sympy.sympify(text, locals={"w": w})
            slope = sympy.diff(J, w).subs(w, _exact(at))
            expected = [float(slope), float(J.subs(w, _exact(at)) - slope * _exact(at))]
            return differs(got, expected, atol=1e-8, rtol=1e-7)
        return first_failure(calls, answers, check)


EXERCISES = [CentralDifference(), NumericalGradient(), TangentLine()]
