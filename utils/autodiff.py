"""A tiny reverse-mode automatic differentiation engine for scalars (Lab 08).

Every arithmetic step on a `Value` makes a new `Value` that remembers its operation and its
inputs, so the computation graph builds itself as you compute. `J.backward()` then walks that
graph from J back to the inputs and fills in `v.grad` = dJ/dv for every value v on the way.

Each operation has a forward rule (compute the output) and a backward rule
    rule(*input_numbers, out_grad) -> one gradient per input
that applies the chain rule: gradient of an input = out_grad * (local derivative).
The rules of mul and relu are the lab's exercises: the engine ships without them, and until the
student's rules are plugged in (`use_rules`) TensorFlow's gradient of the one operation stands in.
"""
import math
from contextlib import contextmanager


def _sigmoid(a):
    return 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))


FORWARD = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "pow": lambda a, k: a ** k,
    "relu": lambda a: max(a, 0.0),
    "sigmoid": _sigmoid,
    "exp": math.exp,
    "log": math.log,
}

RULES = {  # local derivative of the output with respect to each input, times out_grad
    "add": lambda a, b, g: (g, g),
    "sub": lambda a, b, g: (g, -g),
    # "mul" and "relu": you write these two rules (Exercises 3 and 4); until then TensorFlow's gradient stands in
    "pow": lambda a, k, g: (g * k * a ** (k - 1), g * a ** k * math.log(a) if a > 0 else 0.0),
    "sigmoid": lambda a, g: (g * _sigmoid(a) * (1 - _sigmoid(a)),),
    "exp": lambda a, g: (g * math.exp(a),),
    "log": lambda a, g: (g / a,),
}


def local_gradients(op, inputs, out_grad):
    """One gradient per input of op: its rule, or TensorFlow's gradient while the table has no rule for op."""
    rule = RULES.get(op)
    return rule(*inputs, out_grad) if rule else borrowed_gradients(op, inputs, out_grad)


COUNT = {"forward": 0, "backward": 0}  # how many operations ran each way (see count_operations)


class Value:
    """A number that remembers how it was computed, so gradients can flow back through it."""

    def __init__(self, data, parents=(), op="", name=""):
        self.data = float(data)
        self.grad = 0.0          # dJ/d(this value), filled in by J.backward()
        self.parents = parents   # the Values this one was computed from (none for an input)
        self.op = op             # "add", "mul", ... ("" for an input or a constant)
        self.name = name

    def __repr__(self):
        return f"Value({self.name + ' = ' if self.name else ''}{self.data:.4g}, grad={self.grad:.4g})"

    def _apply(self, op, *others):
        inputs = (self, *map(as_value, others))
        COUNT["forward"] += 1
        return Value(FORWARD[op](*(v.data for v in inputs)), inputs, op)

    def __add__(self, other): return self._apply("add", other)
    def __sub__(self, other): return self._apply("sub", other)
    def __mul__(self, other): return self._apply("mul", other)
    def __pow__(self, k): return self._apply("pow", k)
    def __truediv__(self, other): return self * as_value(other) ** -1
    def __neg__(self): return self * -1
    def __radd__(self, other): return Value(other) + self
    def __rsub__(self, other): return Value(other) - self
    def __rmul__(self, other): return Value(other) * self
    def __rtruediv__(self, other): return Value(other) / self
    def relu(self): return self._apply("relu")
    def sigmoid(self): return self._apply("sigmoid")
    def exp(self): return self._apply("exp")
    def log(self): return self._apply("log")

    def graph(self):
        """Every Value this one depends on (itself included), each after all of its inputs."""
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for p in v.parents:
                    visit(p)
                order.append(v)
        visit(self)
        return order

    def backward(self):
        """Set v.grad = d(self)/dv for every v in the graph: one sweep from right to left."""
        order = self.graph()
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):            # outputs before the values they were computed from
            if v.op:
                COUNT["backward"] += 1
                grads = local_gradients(v.op, [p.data for p in v.parents], v.grad)
                for parent, g in zip(v.parents, grads, strict=True):
                    parent.grad += g         # += : a value used twice collects both contributions


def as_value(x):
    """x itself if it is a Value, else a new constant Value holding the number x."""
    return x if isinstance(x, Value) else Value(x)


def borrowed_gradients(op, inputs, out_grad):
    """TensorFlow's gradients of the inputs of op ("mul" or "relu"), given out_grad: the stand-in for a rule
    the engine leaves to the student (tf.GradientTape on that one operation, in float64)."""
    import tensorflow as tf

    operation = {"mul": tf.multiply, "relu": tf.nn.relu}[op]
    xs = [tf.constant(float(x), tf.float64) for x in inputs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        out = operation(*xs)
    grads = tape.gradient(out, xs, output_gradients=tf.constant(float(out_grad), tf.float64))
    return tuple(float(g) + 0.0 for g in grads)  # + 0.0: a 0 that TensorFlow signs reads as 0


# ------------------------------------------------------------------ tools for the lab

def engine_source(part="all"):
    """The engine's source to print in the lab: "all" (operations, rules, Value and as_value), or
    "backward" (Value.graph and Value.backward, the right-to-left sweep)."""
    import inspect
    import sys

    if part == "backward":
        return (inspect.getsource(Value.graph) + "\n" + inspect.getsource(Value.backward)).rstrip()
    if part != "all":
        raise ValueError(f"part is 'all' or 'backward', not {part!r}")
    source = inspect.getsource(sys.modules[__name__])
    return source[source.index("def _sigmoid"):source.index("def borrowed_gradients")].rstrip()


@contextmanager
def use_rules(**rules):
    """Temporarily replace backward rules, e.g. `with use_rules(mul=my_mul_backward): J.backward()`."""
    unknown = set(rules) - set(FORWARD)
    if unknown:
        raise KeyError(f"no operation named {sorted(unknown)}; the engine has {sorted(FORWARD)}")
    saved = {op: RULES.get(op) for op in rules}
    RULES.update(rules)
    try:
        yield
    finally:
        for op, rule in saved.items():
            if rule is None:
                del RULES[op]
            else:
                RULES[op] = rule


@contextmanager
def count_operations():
    """Count operations run in a block: `with count_operations() as n: ...`; afterwards n["forward"], n["backward"]."""
    start = dict(COUNT)
    counts = {"forward": 0, "backward": 0}
    try:
        yield counts
    finally:
        for key in counts:
            counts[key] = COUNT[key] - start[key]
