"""The Lab 08 autodiff engine against hand-derived values and TensorFlow, and the mul_backward check."""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from utils import autodiff
from utils.autodiff import Value, count_operations, use_rules
from utils.engine_vs_tensorflow import (
    COURSE_INPUTS,
    NETWORK_INPUTS,
    RELU_CASES,
    check_backward_values,
    check_forward_values,
    check_mul_backward,
    check_network_grads,
    check_relu_backward,
    engine_gradients,
    evaluate_backward_values,
    evaluate_forward_values,
    evaluate_network_grads,
    evaluate_relu_backward,
    exp,
    log,
    relu,
    sigmoid,
    tf_gradients,
)
from utils.engine_vs_tensorflow import (
    evaluate_mul_backward as _evaluate_mul_backward,
)
from utils.graph_figure import network_example

# ------------------------------------------------------------------ hand-checked examples


def test_course_example_forward_and_backward():
    w, b, x, y = Value(2.0), Value(8.0), Value(-2.0), Value(2.0)
    c = w * x
    a = c + b
    d = a - y
    J = 0.5 * d ** 2
    assert (c.data, a.data, d.data, J.data) == (-4.0, 4.0, 2.0, 2.0)
    J.backward()
    assert (d.grad, a.grad, c.grad, b.grad, w.grad) == (2.0, 2.0, 2.0, 2.0, -4.0)
    assert (x.grad, y.grad, J.grad) == (4.0, -2.0, 1.0)


def test_a_value_used_twice_collects_both_contributions():
    s = Value(3.0)
    (s * s).backward()
    assert s.grad == 6.0
    t = Value(-1.5)
    (t * t * t + t).backward()
    assert t.grad == pytest.approx(3 * 1.5 ** 2 + 1)


def test_backward_twice_gives_the_same_gradients():
    x = Value(0.7)
    out = (x * 3).sigmoid() * x
    out.backward()
    first = x.grad
    out.backward()
    assert x.grad == first


def test_reflected_and_derived_operators():
    x = Value(4.0)
    assert (1 + x).data == 5 and (1 - x).data == -3 and (2 * x).data == 8
    assert (x / 2).data == 2 and (2 / x).data == 0.5 and (-x).data == -4
    out = 2 / x
    out.backward()
    assert x.grad == pytest.approx(-2 / 16)


@pytest.mark.parametrize("op, fn, derivative, at", [
    ("relu", Value.relu, lambda a: 1.0, 1.3),
    ("relu", Value.relu, lambda a: 0.0, -0.4),
    ("sigmoid", Value.sigmoid, lambda a: math.exp(-a) / (1 + math.exp(-a)) ** 2, 0.8),
    ("exp", Value.exp, math.exp, -0.3),
    ("log", Value.log, lambda a: 1 / a, 2.5),
])
def test_unary_rules(op, fn, derivative, at):
    x = Value(at)
    out = fn(x)
    assert out.op == op
    out.backward()
    assert x.grad == pytest.approx(derivative(at))


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0


def test_graph_lists_every_value_after_its_inputs():
    x = Value(1.0)
    out = (x * 2 + x).relu()
    order = out.graph()
    position = {id(v): i for i, v in enumerate(order)}
    assert order[-1] is out and len(order) == len(position)
    for v in order:
        assert all(position[id(p)] < position[id(v)] for p in v.parents)


def test_count_operations():
    x = Value(2.0)
    with count_operations() as n:
        out = 0.5 * (x * 3 + 1) ** 2     # mul, add, pow, mul
        out.backward()
    assert n == {"forward": 4, "backward": 4}


def test_use_rules_plugs_in_a_rule_and_always_restores_the_table():
    def doubled(a, b, g):
        return 2 * g * b, 2 * g * a

    def add_twice(a, b, g):
        return 2 * g, 2 * g

    original = autodiff.RULES["add"]
    x = Value(3.0)
    with use_rules(mul=doubled, add=add_twice):
        (x * 5 + 1).backward()
    assert x.grad == 20.0 and "mul" not in autodiff.RULES and autodiff.RULES["add"] is original
    with pytest.raises(RuntimeError), use_rules(mul=doubled):
        raise RuntimeError
    assert "mul" not in autodiff.RULES
    with pytest.raises(KeyError, match="no operation named"), use_rules(div=doubled):
        pass


def test_the_engine_ships_without_the_exercises_rules_and_borrows_tensorflows():
    assert "mul" not in autodiff.RULES and "relu" not in autodiff.RULES
    assert autodiff.local_gradients("mul", [3.0, -2.0], 0.5) == (-1.0, 1.5)
    assert autodiff.borrowed_gradients("relu", [2.0], -3.0) == (-3.0,)
    assert autodiff.borrowed_gradients("relu", [0.0], -3.0) == (0.0,)  # the corner: 0, unsigned
    assert str(autodiff.borrowed_gradients("relu", [-1.0], -3.0)[0]) == "0.0"
    with use_rules(mul=lambda a, b, g: (7.0, 7.0)):
        assert autodiff.local_gradients("mul", [3.0, -2.0], 0.5) == (7.0, 7.0)


# ------------------------------------------------------------------ property-based: engine vs TensorFlow

NAMES = ("p", "q", "r")
LEAVES = st.one_of(
    st.sampled_from(NAMES).map(lambda name: ("var", name)),
    st.floats(-2, 2, allow_nan=False).map(lambda c: ("const", round(c, 3))),
)


def evaluate_mul_backward(fn):
    return _evaluate_mul_backward(fn).messages()

UNARY = ("relu", "sigmoid", "exp", "log_positive", "square", "cube", "sqrt_positive", "neg")
BINARY = ("add", "sub", "mul", "div_positive")


def _extend(children):
    return st.one_of(st.tuples(st.sampled_from(UNARY), children),
                     st.tuples(st.sampled_from(BINARY), children, children))


TREES = st.recursive(LEAVES, _extend, max_leaves=8)


class Rejected(Exception):
    """The random graph would overflow: let hypothesis draw another one."""


def evaluate(tree, env, const):
    kind = tree[0]
    if kind == "var":
        return env[tree[1]]
    if kind == "const":
        return const(tree[1])
    args = [evaluate(t, env, const) for t in tree[1:]]
    if kind == "add":
        return args[0] + args[1]
    if kind == "sub":
        return args[0] - args[1]
    if kind == "mul":
        return args[0] * args[1]
    if kind == "div_positive":       # a / (b² + 1): the divisor stays positive
        return args[0] / (args[1] * args[1] + 1.0)
    if kind == "relu":
        return relu(args[0])
    if kind == "sigmoid":
        return sigmoid(args[0])
    if kind == "exp":
        if isinstance(args[0], Value) and abs(args[0].data) > 30:
            raise Rejected
        return exp(args[0])
    if kind == "log_positive":       # log(a² + 1)
        return log(args[0] * args[0] + 1.0)
    if kind == "square":
        return args[0] ** 2
    if kind == "cube":
        return args[0] ** 3
    if kind == "sqrt_positive":      # (a² + 0.5) ** 0.5: a non-integer power of a positive base
        return (args[0] * args[0] + 0.5) ** 0.5
    if kind == "neg":
        return -args[0]
    raise ValueError(kind)


def _engine_const(c):
    return Value(c)


def _tf_const(c):
    import tensorflow as tf

    return tf.constant(c, tf.float64)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=TREES, point=st.tuples(*[st.floats(-1.5, 1.5, allow_nan=False) for _ in NAMES]))
def test_engine_matches_tensorflow_on_random_graphs(tree, point):
    inputs = dict(zip(NAMES, point, strict=True))
    try:
        value, grads = engine_gradients(lambda **env: evaluate(tree, env, _engine_const), **inputs)
    except (Rejected, OverflowError):
        assume(False)
    assume(math.isfinite(value) and all(math.isfinite(g) and abs(g) < 1e12 for g in grads.values()))
    tf_value, tf_grads = tf_gradients(lambda **env: evaluate(tree, env, _tf_const), **inputs)
    assert value == pytest.approx(tf_value, rel=1e-9, abs=1e-9)
    for name in NAMES:
        assert grads[name] == pytest.approx(tf_grads[name], rel=1e-7, abs=1e-9), (name, tree)


@settings(max_examples=25, deadline=None)
@given(a=st.floats(-50, 50), b=st.floats(-50, 50), g=st.floats(-10, 10))
def test_the_borrowed_mul_gradient_is_the_product_rule(a, b, g):
    np.testing.assert_allclose(autodiff.borrowed_gradients("mul", [a, b], g), (g * b, g * a), rtol=1e-12, atol=1e-12)


def test_the_operations_take_values_and_tensors_only():
    import tensorflow as tf

    assert relu(Value(-2.0)).data == 0.0 and float(relu(tf.constant(-2.0))) == 0.0
    assert float(exp(tf.Variable(0.0, dtype=tf.float64))) == 1.0
    for operation in (relu, sigmoid, exp, log):
        with pytest.raises(TypeError, match="an engine Value or a TensorFlow tensor"):
            operation(np.array([1.0, -1.0]))


def test_two_layer_relu_network_matches_tensorflow():
    def network(x1, x2, w11, w12, w21, w22, v1, v2, c):
        h1 = relu(w11 * x1 + w21 * x2)
        h2 = relu(w12 * x1 + w22 * x2)
        return 0.5 * (v1 * h1 + v2 * h2 + c - 0.3) ** 2

    inputs = dict(x1=0.5, x2=-1.2, w11=0.8, w12=-0.6, w21=-0.4, w22=0.9, v1=1.1, v2=-0.7, c=0.2)
    value, grads = engine_gradients(network, **inputs)
    tf_value, tf_grads = tf_gradients(network, **inputs)
    assert value == pytest.approx(tf_value, rel=1e-12)
    assert grads == pytest.approx(tf_grads, rel=1e-12, abs=1e-15)
    assert grads["w12"] == 0.0 and grads["w21"] != 0.0     # h2 is off, h1 is on


# ------------------------------------------------------------------ the exercise check


def _correct(a, b, g):
    return g * b, g * a


def _swapped(a, b, g):
    return g * a, g * b


def _no_out_grad(a, b, g):
    return b, a


def _addition_rule(a, b, g):
    return g, g


def _one_number(a, b, g):
    return g * b


def _returns_none(a, b, g):
    pass


def _raises(a, b, g):
    raise ZeroDivisionError("oops")


def _text(a, b, g):
    return "ab"


def test_check_passes_the_correct_rule(capsys):
    assert evaluate_mul_backward(_correct) == []
    check_mul_backward(_correct)
    assert capsys.readouterr().out.startswith("✅ mul_backward: all 8 checks passed")


@pytest.mark.parametrize("rule, hint", [
    (_swapped, "swapped"),
    (_no_out_grad, "the chain rule is missing"),
    (_addition_rule, "rule of addition"),
    (_one_number, "is one number: return the two gradients, one per input"),
    (_returns_none, "returned None"),
    (_raises, "raised ZeroDivisionError"),
    (_text, "expected an array of numbers"),
    (lambda a, b, g: (g * b, g * a + 1e-6), "differs"),
    (3.0, "pass the function itself"),
])
def test_check_never_passes_a_wrong_rule_and_never_raises(rule, hint, capsys):
    problems = evaluate_mul_backward(rule)
    assert problems and hint in "\n".join(problems)
    check_mul_backward(rule)
    out = capsys.readouterr().out
    assert out.startswith("❌ mul_backward") and hint in out


def test_check_catches_a_rule_that_only_fails_inside_the_engine():
    calls = []

    def right_alone_wrong_in_graphs(a, b, g):
        calls.append(1)
        return (g * b, g * a) if len(calls) <= 5 else (0.0, 0.0)

    problems = evaluate_mul_backward(right_alone_wrong_in_graphs)
    assert problems and "the engine's dJ/d" in problems[0]
    assert "mul" not in autodiff.RULES


# ------------------------------------------------------------------ the printed engine has no rule of the exercises

def test_the_printed_engine_has_no_rule_the_student_writes():
    shown = autodiff.engine_source()
    assert '"mul": lambda a, b, g' not in shown and '"relu": lambda a, g' not in shown
    assert "you write these two rules (Exercises 3 and 4)" in shown
    assert '"sub": lambda a, b, g: (g, -g)' in shown and "class Value" in shown and "def local_gradients" in shown


# ------------------------------------------------------------------ exercises 1 and 2: the course graph by hand

RIGHT_FORWARD = {"c": -6.0, "a": -2.0, "d": -3.0, "J": 4.5}  # w = 3, b = 4, x = -2, y = 1
RIGHT_BACKWARD = {"d": -3.0, "a": -3.0, "c": -3.0, "b": -3.0, "w": 6.0}
RIGHT_NETWORK = {"y_hat": -6.0, "b2": -6.0, "w2": -15.0, "h": 12.0, "b1": 12.0, "w1": 36.0}


def test_the_course_numbers_are_not_the_lectures():
    assert COURSE_INPUTS != {"w": 2.0, "b": 8.0, "x": -2.0, "y": 2.0}
    assert NETWORK_INPUTS != {"x": 1.0, "y": 5.0, "w1": 2.0, "b1": 0.0, "w2": 3.0, "b2": 1.0}


def test_right_values_pass_and_the_template_is_not_written_yet(capsys):
    assert evaluate_forward_values(RIGHT_FORWARD).passed
    assert evaluate_forward_values({"c": -6, "a": -2, "d": -3, "J": 4.5}).passed  # integers are fine
    assert evaluate_backward_values(RIGHT_BACKWARD).passed
    assert evaluate_network_grads(RIGHT_NETWORK).passed
    for check, keys in [(check_forward_values, RIGHT_FORWARD), (check_backward_values, RIGHT_BACKWARD),
                        (check_network_grads, RIGHT_NETWORK)]:
        result = check(dict.fromkeys(keys))
        assert result.not_written and "not written yet" in capsys.readouterr().out


def test_the_network_by_hand_is_what_the_engine_and_tensorflow_compute():
    v = network_example(**NETWORK_INPUTS)
    v["J"].backward()
    assert {name: v[name].grad for name in RIGHT_NETWORK} == RIGHT_NETWORK
    _, from_tf = tf_gradients(lambda w1, b1, w2, b2: 0.5 * (w2 * relu(w1 * 3.0 + b1) + b2 - 2.0) ** 2,
                              **{k: NETWORK_INPUTS[k] for k in ("w1", "b1", "w2", "b2")})
    assert from_tf == {k: RIGHT_NETWORK[k] for k in from_tf}


def _with(table, **changes):
    return {**table, **changes}


@pytest.mark.parametrize("table, fragment", [
    (_with(RIGHT_FORWARD, c=6.0), "the wrong sign"),
    (_with(RIGHT_FORWARD, c=1.0), "is a product"),
    (_with(RIGHT_FORWARD, c=6.0, a=10.0), "follows from your c"),
    (_with(RIGHT_FORWARD, a=-10.0), "adds b"),
    (_with(RIGHT_FORWARD, d=3.0), "prediction minus the target"),
    (_with(RIGHT_FORWARD, d=-1.0), "subtracts the target"),
    (_with(RIGHT_FORWARD, a=5.0, d=4.0), "follows from your a"),
    (_with(RIGHT_FORWARD, J=9.0), "twice too large"),
    (_with(RIGHT_FORWARD, J=-1.5), "your J is not a square"),
    (_with(RIGHT_FORWARD, d=2.0, J=2.0), "follows from your d"),
    (_with(RIGHT_FORWARD, J=None), "still None"),
    (_with(RIGHT_FORWARD, c="-6"), "not text"),
    ({"c": -6.0, "a": -2.0, "d": -3.0}, "no entry for J"),
    ([-6, -2, -3, 4.5], "make it a dict"),
])
def test_each_forward_mistake_is_named(table, fragment, capsys):
    result = evaluate_forward_values(table)
    assert not result.passed and fragment in result.text()
    check_forward_values(table)
    assert capsys.readouterr().out.startswith("❌ forward values")


@pytest.mark.parametrize("table, fragment", [
    (_with(RIGHT_BACKWARD, d=9.0), "that is d²"),
    (_with(RIGHT_BACKWARD, d=-1.5), "not ½ d"),
    (_with(RIGHT_BACKWARD, a=1.0), "local derivative ∂d/∂a = 1 alone"),
    (_with(RIGHT_BACKWARD, b=1.0), "∂a/∂b = 1 alone"),
    (_with(RIGHT_BACKWARD, w=-2.0), "local derivative ∂c/∂w = x alone"),
    (_with(RIGHT_BACKWARD, w=-9.0), "not w"),
    (_with(RIGHT_BACKWARD, d=4.0, a=4.0), "follows from your dJ/dd"),
    (_with(RIGHT_BACKWARD, c=3.0, w=-6.0), "follows from your dJ/dc"),
])
def test_each_backward_mistake_is_named(table, fragment):
    result = evaluate_backward_values(table)
    assert not result.passed and fragment in result.text()


@pytest.mark.parametrize("table, fragment", [
    (_with(RIGHT_NETWORK, y_hat=36.0), "that is (ŷ − y)²"),
    (_with(RIGHT_NETWORK, y_hat=6.0), "prediction minus the target"),
    (_with(RIGHT_NETWORK, w2=2.5), "local derivative alone"),
    (_with(RIGHT_NETWORK, w2=12.0), "a local derivative of a product"),
    (_with(RIGHT_NETWORK, h=-15.0), "a local derivative of a product"),
    (_with(RIGHT_NETWORK, b1=0.0), "as if the ReLU stopped the gradient"),
    (_with(RIGHT_NETWORK, w1=3.0), "local derivative alone"),
    (_with(RIGHT_NETWORK, w1=-36.0), "sign error"),
    (_with(RIGHT_NETWORK, h=-12.0, b1=-12.0), "follows from your dJ/dh"),
])
def test_each_network_mistake_is_named(table, fragment):
    result = evaluate_network_grads(table)
    assert not result.passed and fragment in result.text(), result.text()


# ------------------------------------------------------------------ exercise 4: relu_backward

def _relu_right(a, g):
    return (g if a > 0 else 0.0,)


def test_relu_check_passes_the_right_rule_in_several_spellings(capsys):
    assert evaluate_relu_backward(_relu_right).passed
    assert evaluate_relu_backward(lambda a, g: (g * float(a > 0),)).passed
    assert evaluate_relu_backward(lambda a, g: [np.where(a > 0, g, 0.0)]).passed
    check_relu_backward(_relu_right)
    assert capsys.readouterr().out.startswith("✅ relu_backward: all 9 checks passed")


@pytest.mark.parametrize("rule, fragment", [
    (lambda a, g: (g,), "passed through for every a"),
    (lambda a, g: (g if a >= 0 else 0.0,), "has a corner"),
    (lambda a, g: (max(g, 0.0),), "applied ReLU to out_grad"),
    (lambda a, g: (g * max(a, 0.0),), "multiplied out_grad by relu(a)"),
    (lambda a, g: (g * a,), "multiplied out_grad by a"),
    (lambda a, g: (1.0 if a > 0 else 0.0,), "the chain rule is missing"),
    (lambda a, g: (0.0 if a > 0 else g,), "wrong way round"),
    (lambda a, g: (max(a, 0.0),), "the forward value"),
    (lambda a, g: g if a > 0 else 0.0, "return a tuple with one gradient"),
    (lambda a, g: (g, g), "relu has one input"),
    (lambda a, g: None, "returned None"),
])
def test_each_relu_mistake_is_named_alone(rule, fragment, capsys):
    result = evaluate_relu_backward(rule)
    text = result.text()
    assert not result.passed and fragment in text
    hints = {line for line in text.splitlines() if line.strip().startswith("Hint:")}
    assert len(hints) <= 1, hints  # one mistake, one explanation
    check_relu_backward(rule)
    assert capsys.readouterr().out.startswith("❌ relu_backward")


def test_relu_check_catches_a_rule_that_only_fails_inside_the_engine():
    calls = []

    def right_alone_wrong_in_graphs(a, g):
        calls.append(1)
        return (g if a > 0 else 0.0,) if len(calls) <= len(RELU_CASES) else (g,)

    result = evaluate_relu_backward(right_alone_wrong_in_graphs)
    assert not result.passed and "the engine's dJ/d" in result.text()
    assert "relu" not in autodiff.RULES


def test_unwritten_relu_stub_says_so(capsys):
    def stub(a, g):
        raise NotImplementedError("relu_backward is not written yet")

    check_relu_backward(stub)
    out = capsys.readouterr().out
    assert "not written yet" in out and "checks failed" not in out


def test_a_repeated_rule_slip_gets_a_closer_look_and_never_the_line(capsys):
    from utils import checks

    checks._TIMES_SHOWN.clear()  # a fresh kernel: no mistake seen yet
    def swapped_rule(a, b, out_grad):
        return out_grad * a, out_grad * b

    def addition_rule(a, b, out_grad):
        return out_grad, out_grad

    check_mul_backward(swapped_rule)
    first = capsys.readouterr().out
    check_mul_backward(swapped_rule)
    second = capsys.readouterr().out
    check_mul_backward(addition_rule)  # a different slip: its own first step
    other = capsys.readouterr().out
    assert "swapped" in first and "Raise a to 4" in second and "rule of addition" in other
    for shown in (first, second, other):
        assert "out_grad * b" not in shown and "grad_a =" not in shown


def test_a_hand_value_slip_repeated_gets_its_second_step(capsys):
    from utils import checks

    checks._TIMES_SHOWN.clear()
    not_halved = _with(RIGHT_FORWARD, J=9.0)
    check_forward_values(not_halved)
    first = capsys.readouterr().out
    check_forward_values(not_halved)
    second = capsys.readouterr().out
    assert "twice too large" in first and "did not halve it" not in first and "did not halve it" in second


def test_the_core_listing_is_the_sweep_and_the_whole_listing_includes_as_value():
    core = autodiff.engine_source("backward")
    assert core.lstrip().startswith("def graph") and "def backward" in core and "RULES = {" not in core
    assert "def as_value" in autodiff.engine_source()
    with pytest.raises(ValueError, match="'all' or 'backward'"):
        autodiff.engine_source("rules")


def test_halving_d_before_squaring_is_named_and_not_as_the_line(capsys):
    from utils import checks

    checks._TIMES_SHOWN.clear()
    halved_first = _with(RIGHT_FORWARD, J=2.25)  # (½ d)²
    check_forward_values(halved_first)
    first = capsys.readouterr().out
    check_forward_values(halved_first)
    second = capsys.readouterr().out
    assert "half the right value" in first and "¼ d²" in second and "¼ d²" not in first


@pytest.mark.parametrize("dJ_dd, fragment", [(-6.0, "derivative of d² alone"), (4.5, "that is J itself")])
def test_the_likely_slips_of_dJ_dd_get_their_own_message(dJ_dd, fragment):
    table = {**RIGHT_BACKWARD, "d": dJ_dd}
    result = evaluate_backward_values(table)
    assert not result.passed and fragment in result.text(), result.text()
    assert "d = -3" not in result.text()


def test_forward_values_typed_into_the_backward_table_get_their_own_ladder(capsys):
    from utils import checks

    checks._TIMES_SHOWN.clear()
    typed = {"d": -3.0, "a": -2.0, "c": -6.0, "b": 4.0, "w": 3.0}  # c, a, d of Exercise 1 and the inputs
    check_backward_values(typed)
    first = capsys.readouterr().out
    check_backward_values(typed)
    second = capsys.readouterr().out
    assert "are the values of a, c, b, w, not their derivatives" in first and "how far J moves" in first
    assert "c and b feed a" in second and "c and b feed a" not in first
    assert "engine" not in first and "6.0" not in first + second


def test_the_doubled_dJ_dd_gets_a_more_specific_second_step(capsys):
    from utils import checks

    checks._TIMES_SHOWN.clear()
    doubled = {**RIGHT_BACKWARD, "d": -6.0, "a": -6.0, "c": -6.0, "b": -6.0, "w": 12.0}
    check_backward_values(doubled)
    first = capsys.readouterr().out
    check_backward_values(doubled)
    second = capsys.readouterr().out
    assert "twice too large" in first and "½ · 2d" in second and "½ · 2d" not in first


def test_the_hand_checks_do_not_speak_of_the_engine_before_it_is_introduced(capsys):
    check_forward_values({**RIGHT_FORWARD, "c": 9.0})
    check_backward_values({**RIGHT_BACKWARD, "w": 1.0})
    out = capsys.readouterr().out
    assert "your value 9 is not right" in out and "engine" not in out


def test_one_product_returned_is_said_once_in_plain_words(capsys):
    check_mul_backward(_one_number)
    out = capsys.readouterr().out
    assert out.startswith("❌ mul_backward: your rule's result is one number: return the two gradients, one per input")
    assert "shape" not in out and out.count("\n") == 1


def test_the_sign_slipped_dJ_dd_gets_its_own_ladder_from_its_first_step(capsys):
    from utils import checks

    checks._TIMES_SHOWN.clear()
    doubled_alone = {"d": -6.0, "a": None, "c": None, "b": None, "w": None}
    check_backward_values(doubled_alone)  # the first rows come first: dJ/dd's hint is shown, not hidden
    shown = capsys.readouterr().out
    assert shown.index("dJ/dd") < shown.index("still None") and "twice too large" in shown
    flipped = {"d": 3.0, "a": 3.0, "c": 3.0, "b": 3.0, "w": -6.0}
    check_backward_values(flipped)
    first = capsys.readouterr().out
    check_backward_values(flipped)
    second = capsys.readouterr().out
    assert "the sign is flipped" in first and "closer look" not in first
    assert "closer look" in second and "slope there is negative" in second
    assert "-3" not in first + second
