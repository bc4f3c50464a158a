"""Lab 08: the autodiff engine (utils.autodiff) next to TensorFlow, and the exercise checks built on them.

The same Python function can run on the engine's Values and on TensorFlow tensors when it uses
the operators (+, -, *, /, **) and the functions below (relu, sigmoid, exp, log), which pick the
engine's or TensorFlow's version of the operation from their argument (and take nothing else).
The checks hold no answer: they compare with the values recorded from the instructor's references
(utils/expected/08_computation_graph.json) and with TensorFlow's gradients.
"""
import numpy as np

from utils import expectations
from utils.autodiff import Value, use_rules
from utils.checks import (
    Case,
    CheckResult,
    Mistake,
    Problem,
    call_student,
    compare_arrays,
    describe_exception,
    run_check,
    show,
)


def _tf():
    import tensorflow as tf

    return tf


LAB = "08_computation_graph"


def _on_value_or_tensor(t, name, tensorflow_op):
    """The operation `name` of the engine on a Value, or tensorflow_op(tf) on a TensorFlow tensor or variable."""
    if isinstance(t, Value):
        return getattr(t, name)()
    tf = _tf()
    if tf.is_tensor(t) or isinstance(t, tf.Variable):
        return tensorflow_op(tf)(t)
    raise TypeError(f"{name} here takes an engine Value or a TensorFlow tensor, got {type(t).__name__}")


def relu(t):
    return _on_value_or_tensor(t, "relu", lambda tf: tf.nn.relu)


def sigmoid(t):
    return _on_value_or_tensor(t, "sigmoid", lambda tf: tf.sigmoid)


def exp(t):
    return _on_value_or_tensor(t, "exp", lambda tf: tf.exp)


def log(t):
    return _on_value_or_tensor(t, "log", lambda tf: tf.math.log)


def engine_gradients(fn, **inputs):
    """Run fn(**inputs) on the engine's Values, call backward(); return (output, {name: gradient})."""
    values = {name: Value(x, name=name) for name, x in inputs.items()}
    out = fn(**values)
    out.backward()
    return out.data, {name: v.grad for name, v in values.items()}


def tf_gradients(fn, **inputs):
    """Run fn(**inputs) on float64 tf.Variables under tf.GradientTape; return (output, {name: gradient})."""
    tf = _tf()
    variables = {name: tf.Variable(float(x), dtype=tf.float64) for name, x in inputs.items()}
    with tf.GradientTape() as tape:
        out = fn(**variables)
    grads = tape.gradient(out, list(variables.values()), unconnected_gradients="zero")
    return float(out), {name: float(g) for name, g in zip(variables, grads, strict=True)}


# ------------------------------------------------------------------ exercise: mul_backward

MUL_CASES = [  # the engine calls rules positionally: rule(a, b, out_grad)
    Case("a = 3, b = -2, out_grad = 1", args=(3.0, -2.0, 1.0)),
    Case("a = 2, b = 5, out_grad = 0.5", args=(2.0, 5.0, 0.5)),
    Case("c = w·x in the course graph: w = 3, x = -2, out_grad = dJ/dc = -3", args=(3.0, -2.0, -3.0)),
    Case("a = -1.5, b = 4, out_grad = -3", args=(-1.5, 4.0, -3.0)),
    Case("a = 0, b = 7, out_grad = 1.25", args=(0.0, 7.0, 1.25)),
]


# The usual wrong rules, named as in the recorded outputs (the instructor's references make each one on
# every case), with the hint that names each; the first that fits is given.
MUL_HINTS = {
    "swapped": Mistake("swapped", (
        "the two gradients are swapped: an input's local derivative is how much out moves per unit of that "
        "input, with the other input held fixed",
        "try one case by hand: a = 3, b = -2. Raise a to 4 and hold b: how far did a·b move? Compare that "
        "with what your rule returns for a when out_grad = 1")),
    "no_out_grad": Mistake("no_out_grad", (
        "the chain rule is missing: a rule returns dJ/d(input), not the local derivative alone",
        "each gradient is dJ/d(out) times d(out)/d(input), and dJ/d(out) is out_grad")),
    "no_out_grad_swapped": Mistake("no_out_grad_swapped", (
        "the chain rule is missing, and each input got its own value instead of its local derivative",
        "d(a·b)/da is the other factor, and every gradient is multiplied by out_grad")),
    "add_rule": Mistake("add_rule", (
        "that is the rule of addition, where each local derivative is 1; how much a product moves depends "
        "on the other factor",
        "try one case by hand: a = 3, b = -2. Raise a to 4 and hold b: a·b moves by more than 1")),
}


TWO_GRADIENTS = "return the two gradients, one per input, as a pair: (dJ/da, dJ/db)"


def _not_two_numbers(got):
    """What is wrong when got holds numbers but not exactly two of them, else None."""
    if got is None or isinstance(got, (str, bool)):
        return None  # compare_arrays says what these are
    try:
        size = np.asarray(got, dtype=float).size
    except (TypeError, ValueError):
        return None
    if size == 2:
        return None
    return f"is one number: {TWO_GRADIENTS}" if size == 1 else f"has {size} numbers: {TWO_GRADIENTS}"


def _compare_mul(got, expected, case):
    return _not_two_numbers(got) or compare_arrays(got, expected, atol=1e-9, rtol=1e-5)


def _diagnose_mul(case, got, expected):
    if _not_two_numbers(got) is not None:
        return None
    got = np.asarray(got, dtype=float).ravel()
    return expectations.recorded_mistakes(case, got, MUL_HINTS, rtol=1e-5, atol=1e-8)[:1] or None


def _course(w, b, x, y):
    return 0.5 * (w * x + b - y) ** 2


def _cube(x):
    return x * x * x


def _scalar_network(x, y, w1, b1, w2, b2):
    return 0.5 * (relu(w2 * relu(w1 * x + b1) + b2) - y) ** 2


ENGINE_CASES = [
    ("the course graph J = ½(w·x + b − y)²", _course, dict(w=3.0, b=4.0, x=-2.0, y=1.0)),
    ("x·x·x (x used twice by one multiplication)", _cube, dict(x=-1.5)),
    ("two ReLU units in a chain with a squared error", _scalar_network,
     dict(x=1.0, y=5.0, w1=2.0, b1=0.0, w2=3.0, b2=1.0)),
]


def _engine_problems(rule, op="mul", cases=None):
    """Problems of the engine's gradients with the student's rule for op, against TensorFlow."""
    problems = []
    for label, fn, inputs in ENGINE_CASES if cases is None else cases:
        try:
            with use_rules(**{op: rule}):
                _, got = engine_gradients(fn, **inputs)
        except Exception as exc:  # the student's code: reported, never raised
            problems.append(Problem(label, f"backward() {describe_exception(exc)}"))
            continue
        _, expected = tf_gradients(fn, **inputs)
        for name in inputs:
            difference = compare_arrays(got[name], expected[name], atol=1e-9)
            if difference:
                problems.append(Problem(label, f"the engine's dJ/d{name} with your rule {difference} (TensorFlow)"))
                break
    return problems


def evaluate_mul_backward(mul_backward):
    """The CheckResult of mul_backward(a, b, out_grad): alone against TensorFlow, then inside the engine.

    The engine cases run only once the rule itself is right, and are counted only then.
    """
    cases = expectations.with_expected(LAB, "mul_backward", MUL_CASES)
    result = run_check("mul_backward", mul_backward, None, cases, compare=_compare_mul, diagnose=_diagnose_mul)
    sizes = {problem.what for problem in result.problems if TWO_GRADIENTS in problem.what}
    if len(sizes) == 1 and len(result.problems) == len(cases):  # the same count everywhere: say it once
        result.problems = [Problem("", f"your rule's result {sizes.pop()[len('your result '):]}")]
        return result
    if result.passed:
        result.problems = _engine_problems(mul_backward)
        result.checked += len(ENGINE_CASES)
    elif result.not_written is None and result.checked > 1:
        result.note = (f"(The {len(ENGINE_CASES)} checks of the whole engine with your rule run once these pass.)")
    return result


def check_mul_backward(mul_backward):
    """Exercise check: print (and return) the result of evaluate_mul_backward."""
    return show(evaluate_mul_backward(mul_backward))


# ------------------------------------------------------------------ exercises: the course graph by hand

COURSE_INPUTS = {"w": 3.0, "b": 4.0, "x": -2.0, "y": 1.0}  # not the lecture's numbers (w = 2, b = 8, y = 2)
FORWARD_STEPS = ("c", "a", "d", "J")
STEP_NAMES = {"c": "c = w·x", "a": "a = c + b", "d": "d = a − y", "J": "J = ½ d²"}
BACKWARD_STEPS = ("d", "a", "c", "b", "w")


def _course_values():
    """The course graph's forward values (inputs too) and dJ/d(value), as recorded from the instructor's engine."""
    values = expectations.expected(LAB, "forward_values")[0]["expected"]
    grads = expectations.expected(LAB, "backward_values")[0]["expected"]
    return {**COURSE_INPUTS, **values}, grads


def _read_numbers(name, table, keys):
    """(numbers, problems, not_written) of a student's table such as {"c": -4.0, ...}."""
    if not isinstance(table, dict):
        return None, [Problem("", f"{name} is a {type(table).__name__}: make it a dict such as "
                                  f"{{{', '.join(repr(k) + ': ...' for k in keys)}}}")], False
    blank = [k for k in keys if table.get(k, None) is None or table.get(k) is Ellipsis]
    if len(blank) == len(keys):
        return None, [], True
    problems, numbers = [], {}
    missing = [k for k in keys if k not in table]
    if missing:
        problems.append(Problem("", f"{name} has no entry for {', '.join(missing)}: keep every key of the template"))
    for key in keys:
        value = table.get(key)
        if key in missing:
            continue
        if value is None or value is Ellipsis:
            problems.append(Problem(f"{key}", "is still None: replace it by its number"))
        elif isinstance(value, str) or isinstance(value, bool):
            problems.append(Problem(f"{key}", f"is {value!r}: write a number such as -4.0, not text"))
        else:
            try:
                numbers[key] = float(value)
            except (TypeError, ValueError):
                problems.append(Problem(f"{key}", f"is a {type(value).__name__}: write one number"))
    return numbers, problems, False


def _near(a, b):
    return a is not None and b is not None and abs(a - b) < 1e-9


def _forward_hints(key, got, mine, right):
    """Hints for a wrong forward value: the usual slips, and whether it follows from an earlier wrong value."""
    w, b, x, y = (COURSE_INPUTS[k] for k in "wbxy")
    c, a, d = mine.get("c"), mine.get("a"), mine.get("d")
    slips = {
        "c": [(-(w * x), ("c has the wrong sign: look at the sign of each factor of the product",
                          "x is negative, so the product c = w·x is negative too")),
              (w + x, ("c = w·x is a product, not a sum",))],
        "a": [(None if c is None else c + b, ("this follows from your c: fix c first, then a = c + b",)),
              (right["c"] - b, ("a = c + b adds b",))],
        "d": [(right["a"] + y, ("d = a - y subtracts the target y",)),
              (y - right["a"], ("d has the wrong sign: d is the prediction minus the target",
                                "d = a - y, not y - a")),
              (None if a is None else a - y, ("this follows from your a: fix a first, then d = a - y",))],
        "J": [(right["d"] ** 2, ("J is twice too large: look again at the ½ in J = ½ d²",
                                 "you squared d but did not halve it")),
              (0.5 * right["d"], ("J = ½ d² squares d: your J is not a square",
                                  "square d before halving it")),
              ((0.5 * right["d"]) ** 2, ("J is half the right value: the ½ of J = ½ d² multiplies the square, "
                                         "it does not go inside it",
                                         "halving d first and then squaring gives (½ d)² = ¼ d²")),
              (None if d is None else 0.5 * d ** 2, ("this follows from your d: fix d first, then J = ½ d²",))],
    }[key]
    return [_ladder(key, hint) for value, hint in slips if _near(got, value) and not _near(got, right[key])]


def _ladder(key, steps):
    """A hand value's slip as a Mistake: its steps go from what is wrong to a closer look (a text: one step)."""
    steps = (steps,) if isinstance(steps, str) else tuple(steps)
    return Mistake(f"{key}: {steps[0][:48]}", steps)


def _evaluate_by_hand(name, given, steps, right, label, hints, on_pass, note):
    """The CheckResult of values worked out by hand ({step: number}) against the engine's `right` ones.

    label(step) names a step in the report; hints(step, got, numbers) names the slips a wrong value shows.
    """
    result = CheckResult(f"{name} values", len(steps))
    numbers, result.problems, blank = _read_numbers(name, given, steps)
    if blank:
        result.not_written = f"{name} values are not written yet"
        return result
    if numbers is None:  # not a dict: the one problem says what to write
        return result
    for key in steps:
        if key in numbers and not _near(numbers[key], right[key]):
            result.problems.append(Problem(label(key), f"your value {numbers[key]:g} is not right",
                                           hints(key, numbers[key], numbers)))
    # in the table's order, so the first rows (whose hints matter most) are shown first
    order = {where: i for i, step in enumerate(steps) for where in (step, label(step))}
    result.problems.sort(key=lambda problem: order.get(problem.where, -1))
    result.on_pass = on_pass
    result.note = note if result.problems else None
    return result


def evaluate_forward_values(forward):
    """The CheckResult of the student's forward values {"c", "a", "d", "J"} of the course graph, against the engine."""
    values, _ = _course_values()
    return _evaluate_by_hand(
        "forward", forward, FORWARD_STEPS, values, STEP_NAMES.get,
        lambda key, got, numbers: _forward_hints(key, got, numbers, values),
        "for the lab's w, b, x, y, the code below computes the same four values",
        "Hint: work left to right, one step at a time, with w = 3, x = -2, b = 4, y = 1.")


def check_forward_values(forward):
    """Exercise 1 check: print (and return) the result of evaluate_forward_values."""
    return show(evaluate_forward_values(forward))


LOCAL = {"d": "d", "a": "∂d/∂a = 1", "c": "∂a/∂c = 1", "b": "∂a/∂b = 1", "w": "∂c/∂w = x"}
UPSTREAM = {"a": "d", "c": "a", "b": "a", "w": "c"}  # whose derivative each step multiplies


def _backward_hints(key, got, mine, values, grads):
    right = grads[key]
    hints = []
    if key == "d":
        sign_slip = expectations.expected(LAB, "backward_values")[0]["sign_slip"]["d"]
        slips = [(sign_slip, ("the sign is flipped: dJ/dd is the slope of J = ½ d² at your d, and that slope "
                              "has the sign of d",
                              "on the parabola ½ d², left of d = 0 the curve goes down as d grows: the slope "
                              "there is negative")),
                 (values["d"] ** 2, ("that is d², the value of a square; dJ/dd is how fast ½ d² changes with d",
                                     "the derivative of ½ d² is ½ · 2d")),
                 (0.5 * values["d"], ("dJ/dd is not ½ d (nor dJ/dJ = 1): differentiate ½ d² with respect to d",
                                      "the derivative of d² is 2d; then take the ½ into account")),
                 (2 * values["d"], ("twice too large: that is the derivative of d² alone; J is ½ d², and the "
                                    "½ scales the derivative too",
                                    "J = ½ · d², so dJ/dd = ½ · (the derivative of d²) = ½ · 2d: simplify, then "
                                    "put in your d")),
                 (0.5 * values["d"] ** 2, ("that is J itself, the value of the cost; dJ/dd is how fast J changes "
                                           "when d moves",
                                           "differentiate J = ½ d² with respect to d (the derivative of d² is "
                                           "2d), then put in your d"))]
    else:
        local = values["x"] if key == "w" else 1.0
        up = UPSTREAM[key]
        slips = [(local, (f"{local:g} is the local derivative {LOCAL[key]} alone: the chain rule multiplies "
                          f"it by the derivative already found for the step's output",
                          f"multiply it by dJ/d{up}")),
                 (None if up not in mine else mine[up] * local,
                  f"this follows from your dJ/d{up}: fix that one first")]
        if key == "w":
            slips += [(values["w"] * grads["c"], ("the local derivative of c = w·x with respect to w is not w: "
                                                  "how much does c move when w grows by 1?",
                                                  "it is x, the other factor, not w")),
                      (-right, ("sign error: follow the signs along the path from w to J",
                                "x is negative"))]
    hints += [_ladder(key, hint) for value, hint in slips if _near(got, value) and not _near(got, right)]
    return hints[:1]  # the first fitting slip: a local derivative left alone explains a carried value too


FORWARD_IN_BACKWARD = Mistake("backward: the forward values", (
    "backward[\"a\"] is ∂J/∂a, how far J moves when a grows by 1; start at the top row, ∂J/∂d, the slope "
    "of J = ½ d² at your d",
    "each row below multiplies the table's local derivative by the derivative found for the step's output: "
    "a feeds d, c and b feed a, w feeds c"))


def _forward_values_typed(result, numbers, grads):
    """One problem instead of many when the wrong entries are the course graph's values, not derivatives."""
    slip = expectations.expected(LAB, "backward_values")[0]["forward_values"]
    wrong = [key for key in BACKWARD_STEPS if key in numbers and not _near(numbers[key], grads[key])]
    if len(wrong) >= 2 and all(_near(numbers[key], slip[key]) for key in wrong):
        result.problems = [Problem("", f"your {', '.join(f'dJ/d{key}' for key in wrong)} are the values of "
                                       f"{', '.join(wrong)}, not their derivatives", [FORWARD_IN_BACKWARD])]
        result.note = None


def evaluate_backward_values(backward):
    """The CheckResult of the student's dJ/d(value) for {"d", "a", "c", "b", "w"}, against the engine's backward()."""
    values, grads = _course_values()
    result = _evaluate_by_hand(
        "backward", backward, BACKWARD_STEPS, grads, lambda key: f"dJ/d{key}",
        lambda key, got, numbers: _backward_hints(key, got, numbers, values, grads),
        "for the lab's w, b, x, y, section 3's engine finds the same five derivatives",
        "Hint: go right to left; each derivative is its local derivative times dJ/d of the node it feeds "
        "(a feeds d, c and b feed a, w feeds c).")
    if result.problems and isinstance(backward, dict):
        numbers, _, _ = _read_numbers("backward", backward, BACKWARD_STEPS)
        _forward_values_typed(result, numbers or {}, grads)
    return result


def check_backward_values(backward):
    """Exercise 2 check: print (and return) the result of evaluate_backward_values."""
    return show(evaluate_backward_values(backward))


# ------------------------------------------------------------------ exercise: the larger network by hand

# One hidden ReLU unit and a linear output: z = w1·x + b1, h = ReLU(z), ŷ = w2·h + b2, J = ½(ŷ − y)².
# Not the numbers of the original lab (x = 1, y = 5, w1 = 2, b1 = 0, w2 = 3, b2 = 1), whose answers it prints.
NETWORK_INPUTS = {"x": 3.0, "y": 2.0, "w1": 0.5, "b1": 1.0, "w2": -2.0, "b2": 1.0}
NETWORK_STEPS = ("y_hat", "b2", "w2", "h", "b1", "w1")  # right to left, as backprop finds them
NETWORK_LOCAL = {"y_hat": "∂J/∂ŷ = ŷ − y", "b2": "∂ŷ/∂b2 = 1", "w2": "∂ŷ/∂w2 = h", "h": "∂ŷ/∂h = w2",
                 "b1": "∂z/∂b1 = 1, times ReLU's slope at z", "w1": "∂z/∂w1 = x, times ReLU's slope at z"}
NETWORK_UPSTREAM = {"b2": "y_hat", "w2": "y_hat", "h": "y_hat", "b1": "h", "w1": "h"}


def _symbol(key):
    return "ŷ" if key == "y_hat" else key


def _network_recorded():
    """The network's forward values and dJ/d(value), as recorded from the instructor's references."""
    values = expectations.expected(LAB, "network_values")[0]["expected"]
    grads = expectations.expected(LAB, "network_grads")[0]["expected"]
    return {**NETWORK_INPUTS, **values}, grads


def _network_hints(key, got, mine, values, grads):
    """The usual slips a wrong dJ/d(key) of the network shows (the first that fits)."""
    right, v = grads[key], values
    relu_slope = 1.0 if v["z"] > 0 else 0.0
    local = {"y_hat": None, "b2": 1.0, "w2": v["h"], "h": v["w2"], "b1": relu_slope, "w1": relu_slope * v["x"]}[key]
    slips = []
    if key == "y_hat":
        slips += [((v["y_hat"] - v["y"]) ** 2, ("that is (ŷ − y)², a value of the cost's square, not its slope",
                                                 "J = ½(ŷ − y)² is the last step of section 2 with d = ŷ − y")),
                  (v["y"] - v["y_hat"], ("sign error: the cost's slope in ŷ has the sign of the prediction "
                                         "minus the target",
                                         "J = ½(ŷ − y)², so ∂J/∂ŷ = ŷ − y, prediction minus target"))]
    else:
        up = NETWORK_UPSTREAM[key]
        slips += [(local, (f"{local:g} is the local derivative alone ({NETWORK_LOCAL[key]}): the chain rule "
                           "multiplies it by the derivative already found for the step's output",
                           f"multiply it by dJ/d{_symbol(up)}")),
                  (None if up not in mine else mine[up] * local,
                   f"this follows from your dJ/d{_symbol(up)}: fix that one first")]
        other = {"w2": v["w2"], "h": v["h"], "w1": v["w1"]}.get(key)
        if other is not None:
            slips.append((grads[up] * other * (relu_slope if key == "w1" else 1.0),
                          ("a local derivative of a product is off: how much does the product move when this "
                           "factor grows by 1?", "the local derivative of a product with respect to one factor "
                                                 "is the other factor")))
        if key in ("b1", "w1"):
            slips.append((0.0, ("this came out 0, as if the ReLU stopped the gradient: is z = w1·x + b1 positive "
                                "or negative here?", "z > 0, so the unit is on: ReLU's slope there is 1, and the "
                                                     "gradient passes through unchanged")))
        slips.append((-right, "sign error: follow the signs of w2 and of ŷ − y along the path"))
    return [_ladder(key, hint) for value, hint in slips if _near(got, value) and not _near(got, right)][:1]


def evaluate_network_grads(network_grads):
    """The CheckResult of the student's dJ/d(value) of the larger network, against the engine's backward()."""
    values, grads = _network_recorded()
    return _evaluate_by_hand(
        "network_grads", network_grads, NETWORK_STEPS, grads, lambda key: f"dJ/d{_symbol(key)}",
        lambda key, got, numbers: _network_hints(key, got, numbers, values, grads),
        "the engine's backward() and TensorFlow find the same six derivatives",
        "Hint: start at J and walk left; each derivative is a local derivative times the one found just before.")


def check_network_grads(network_grads):
    """Exercise 5 check: print (and return) the result of evaluate_network_grads."""
    return show(evaluate_network_grads(network_grads))


# ------------------------------------------------------------------ exercise: relu_backward

RELU_CASES = [
    Case("a = 2, out_grad = 1", args=(2.0, 1.0)),
    Case("a = -1.5, out_grad = 3", args=(-1.5, 3.0)),
    Case("a = 0.5, out_grad = -2", args=(0.5, -2.0)),
    Case("a = -3, out_grad = -1", args=(-3.0, -1.0)),
    Case("a = 4, out_grad = 0.25", args=(4.0, 0.25)),
    Case("a = 0 exactly, out_grad = 1", args=(0.0, 1.0)),
]


# The usual wrong rules, named as in the recorded outputs, and the hint that names each. A student's rule
# that gives the same results as one of them on every case gets that hint (one case alone can fit several).
RELU_HINTS = {
    "always_passes": Mistake("always_passes", (
        "out_grad passed through for every a: where a < 0 the output is stuck at 0 whatever a does",
        "a small nudge of a negative a leaves ReLU's output at 0, so its local derivative there is 0")),
    "passes_at_zero": Mistake("passes_at_zero", (
        "at a = 0 exactly ReLU has a corner; TensorFlow (and this engine) pass 0 there",
        "the gradient passes only where a is strictly positive")),
    "relu_of_out_grad": Mistake("relu_of_out_grad", (
        "you applied ReLU to out_grad: whether the gradient passes depends on the forward input a, not on "
        "the sign of out_grad",
        "look at a to decide; a negative out_grad passes through unchanged where the unit is on")),
    "times_relu": Mistake("times_relu", (
        "you multiplied out_grad by relu(a): the local derivative of ReLU is its slope, not its value",
        "ReLU's slope is 1 where a > 0 and 0 elsewhere")),
    "times_a": Mistake("times_a", (
        "you multiplied out_grad by a: the local derivative of ReLU is its slope, not its input",
        "ReLU's slope is 1 where a > 0 and 0 elsewhere")),
    "no_out_grad": Mistake("no_out_grad", (
        "the chain rule is missing: the rule returns dJ/da, not the local derivative alone",
        "multiply the local derivative by out_grad")),
    "inverted_gate": Mistake("inverted_gate", (
        "the gate is the wrong way round: the gradient flows where the unit is on",
        "out_grad passes where a > 0 and is stopped elsewhere")),
    "forward_value": Mistake("forward_value", (
        "that is relu(a), the forward value: the backward rule returns a gradient, dJ/da",
        "the gradient is out_grad times ReLU's slope at a")),
}


def _one_gradient(got):
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(got.ravel()[0]) if got.size == 1 else None


def _diagnose_relu(case, got, expected):
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    if got.shape == ():
        return ("return a tuple with one gradient, (grad_a,): the engine pairs each gradient with an input, "
                "and relu has one input")
    if got.size != 1:
        return "relu has one input, a: return one gradient, (grad_a,)"
    return expectations.recorded_mistakes(case, float(got.ravel()[0]), RELU_HINTS, rtol=0, atol=1e-12)


def _name_the_relu_slip(result, relu_backward, cases):
    """Keep only the hint of a wrong rule that explains every case, when there is one."""
    outputs = []
    for case in cases:
        got, exc, _, _ = call_student(relu_backward, case)
        outputs.append(None if exc is not None else _one_gradient(got))
    if None in outputs:
        return
    fitting = [hint for name, hint in RELU_HINTS.items()
               if all(abs(out - case.about[name]) < 1e-12 for out, case in zip(outputs, cases, strict=True))]
    for problem in result.problems:
        if fitting:
            problem.hints = fitting[:1]
        elif len(problem.hints) > 1:  # several wrong rules fit this case, none fits them all: say none
            problem.hints = []


def _tiny_network(x, y, w1, b1, w2, b2):
    return 0.5 * (w2 * relu(w1 * x + b1) + b2 - y) ** 2


def _mixed_relu(p, q):
    return relu(p - 2 * q) * q + relu(q * q - p)


RELU_ENGINE_CASES = [
    ("the tiny network of Going further, hidden unit on", _tiny_network,
     dict(x=1.0, y=5.0, w1=2.0, b1=0.0, w2=3.0, b2=1.0)),
    ("the same network with its hidden unit off", _tiny_network,
     dict(x=1.0, y=5.0, w1=-2.0, b1=0.5, w2=3.0, b2=1.0)),
    ("relu(p - 2q)·q + relu(q² - p): one unit on, one off", _mixed_relu, dict(p=1.3, q=0.4)),
]


def evaluate_relu_backward(relu_backward):
    """The CheckResult of relu_backward(a, out_grad): alone against TensorFlow, then inside the engine."""
    cases = expectations.with_expected(LAB, "relu_backward", RELU_CASES)
    result = run_check("relu_backward", relu_backward, None, cases, atol=1e-12, diagnose=_diagnose_relu)
    if result.problems and callable(relu_backward):
        _name_the_relu_slip(result, relu_backward, cases)
    if result.passed:
        result.problems = _engine_problems(relu_backward, "relu", RELU_ENGINE_CASES)
        result.checked += len(RELU_ENGINE_CASES)
    elif result.not_written is None and result.checked > 1:
        result.note = f"(The {len(RELU_ENGINE_CASES)} checks of the whole engine with your rule run once these pass.)"
    return result


def check_relu_backward(relu_backward):
    """Exercise 4 check: print (and return) the result of evaluate_relu_backward."""
    return show(evaluate_relu_backward(relu_backward))
