"""A tiny reverse-mode automatic differentiation engine for scalars (Lab 08).

Every arithmetic step on a `Value` makes a new `Value` that remembers its operation and its
inputs, so the computation graph builds itself as you compute. `J.backward()` then walks that
graph from J back to the inputs and fills in `v.grad` = dJ/dv for every value v on the way.

Each operation has a forward rule (compute the output) and a backward rule
    rule(*input_numbers, out_grad) -> one gradient per input
that applies the chain rule: gradient of an input = out_grad * (local derivative).
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
    "mul": lambda a, b, g: (g * b, g * a),
    "pow": lambda a, k, g: (g * k * a ** (k - 1), g * a ** k * math.log(a) if a > 0 else 0.0),
    "relu": lambda a, g: (g if a > 0 else 0.0,),
    "sigmoid": lambda a, g: (g * _sigmoid(a) * (1 - _sigmoid(a)),),
    "exp": lambda a, g: (g * math.exp(a),),
    "log": lambda a, g: (g / a,),
}

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
                grads = RULES[v.op](*(p.data for p in v.parents), v.grad)
                for parent, g in zip(v.parents, grads, strict=True):
                    parent.grad += g         # += : a value used twice collects both contributions


def as_value(x):
    """x itself if it is a Value, else a new constant Value holding the number x."""
    return x if isinstance(x, Value) else Value(x)


# ------------------------------------------------------------------ tools for the lab

def engine_source(hide_rules=()):
    """The engine's source to print in the lab (operations, rules, Value), with the backward rules
    named in hide_rules replaced by a placeholder, so a rule the student writes is not shown first."""
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    engine = source[source.index("def _sigmoid"):source.index("def as_value")].rstrip()
    head, rules = engine.split("RULES = {", 1)
    lines = [f'    "{line.split(chr(34))[1]}": ...,  # you write this rule in the exercise'
             if line.lstrip().startswith(tuple(f'"{op}":' for op in hide_rules)) else line
             for line in rules.splitlines()]
    return head + "RULES = {" + "\n".join(lines)


@contextmanager
def use_rules(**rules):
    """Temporarily replace backward rules, e.g. `with use_rules(mul=my_mul_backward): J.backward()`."""
    unknown = set(rules) - set(RULES)
    if unknown:
        raise KeyError(f"no operation named {sorted(unknown)}; the engine has {sorted(RULES)}")
    saved = {op: RULES[op] for op in rules}
    RULES.update(rules)
    try:
        yield
    finally:
        RULES.update(saved)


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
