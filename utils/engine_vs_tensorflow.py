"""Lab 08: the autodiff engine (utils.autodiff) next to TensorFlow, and the check of mul_backward built on it.

The same Python function can run on the engine's Values and on TensorFlow tensors when it uses
the operators (+, -, *, /, **) and the functions below (relu, sigmoid, exp, log), which pick the
engine's or TensorFlow's version of the operation from their argument.
"""
import numpy as np

from utils.autodiff import Value, use_rules
from utils.checks import Case, Problem, compare_arrays, describe_exception, run_check, show


def _tf():
    import tensorflow as tf

    return tf


def relu(t):
    return t.relu() if isinstance(t, Value) else _tf().nn.relu(t)


def sigmoid(t):
    return t.sigmoid() if isinstance(t, Value) else _tf().sigmoid(t)


def exp(t):
    return t.exp() if isinstance(t, Value) else _tf().exp(t)


def log(t):
    return t.log() if isinstance(t, Value) else _tf().math.log(t)


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

def reference_mul_backward(a, b, out_grad):
    """TensorFlow's answer: the gradients of a*b with respect to a and b, given dJ/d(a*b) = out_grad."""
    tf = _tf()
    ta, tb = tf.constant(float(a), tf.float64), tf.constant(float(b), tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([ta, tb])
        out = ta * tb
    grads = tape.gradient(out, [ta, tb], output_gradients=tf.constant(float(out_grad), tf.float64))
    return np.array([float(g) for g in grads])


MUL_CASES = [  # the engine calls rules positionally: rule(a, b, out_grad)
    Case("a = 3, b = -2, out_grad = 1", args=(3.0, -2.0, 1.0)),
    Case("a = 2, b = 5, out_grad = 0.5", args=(2.0, 5.0, 0.5)),
    Case("c = w·x in the course graph: w = 2, x = -2, out_grad = dJ/dc = 2", args=(2.0, -2.0, 2.0)),
    Case("a = -1.5, b = 4, out_grad = -3", args=(-1.5, 4.0, -3.0)),
    Case("a = 0, b = 7, out_grad = 1.25", args=(0.0, 7.0, 1.25)),
]


def _diagnose_mul(case, got, expected):
    a, b, g = case.args
    try:
        got = np.asarray(got, dtype=float).ravel()
    except (TypeError, ValueError):
        return None
    if got.shape != (2,):
        return "return two numbers, one gradient per input: `return grad_a, grad_b`"
    if np.allclose(got, [g * a, g * b]):
        return "the gradients are swapped: a's local derivative is b (and b's is a), since d(a·b)/da = b"
    if np.allclose(got, [b, a]) or np.allclose(got, [a, b]):
        return "multiply the local derivative by out_grad (the chain rule: dJ/da = dJ/d(out) · d(out)/da)"
    if np.allclose(got, [g, g]):
        return "that is the rule for addition; for out = a·b the local derivative d(out)/da is b"
    return None


def _course(w, b, x, y):
    return 0.5 * (w * x + b - y) ** 2


def _cube(x):
    return x * x * x


def _scalar_network(x, y, w1, b1, w2, b2):
    return 0.5 * (relu(w2 * relu(w1 * x + b1) + b2) - y) ** 2


ENGINE_CASES = [
    ("the course graph J = ½(w·x + b − y)²", _course, dict(w=2.0, b=8.0, x=-2.0, y=2.0)),
    ("x·x·x (x used twice by one multiplication)", _cube, dict(x=-1.5)),
    ("two ReLU units in a chain with a squared error", _scalar_network,
     dict(x=1.0, y=5.0, w1=2.0, b1=0.0, w2=3.0, b2=1.0)),
]


def _engine_problems(mul_backward):
    """Problems of the engine's gradients with the student's rule, against TensorFlow."""
    problems = []
    for label, fn, inputs in ENGINE_CASES:
        try:
            with use_rules(mul=mul_backward):
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
    result = run_check("mul_backward", mul_backward, reference_mul_backward, MUL_CASES, atol=1e-9,
                       diagnose=_diagnose_mul)
    if result.passed:
        result.problems = _engine_problems(mul_backward)
        result.checked += len(ENGINE_CASES)
    elif result.not_written is None and result.checked > 1:
        result.note = (f"(The {len(ENGINE_CASES)} checks of the whole engine with your rule run once these pass.)")
    return result


def check_mul_backward(mul_backward):
    """Exercise check: print (and return) the result of evaluate_mul_backward."""
    return show(evaluate_mul_backward(mul_backward))
