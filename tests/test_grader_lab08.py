"""Lab 08's graded exercises: the answer key passes on fresh cases, typical mistakes fail."""
import numpy as np
import pytest
from grader_support import blank, grade_in_process, with_answer

LAB = "08_computation_graph"
KEYS = {"forward", "backward", "mul_backward", "relu_backward", "network_grads"}
FORWARD_SIGN = 'forward = {"c": 6.0, "a": 10.0, "d": 9.0, "J": 40.5}'
FORWARD_NOT_HALVED = 'forward = {"c": -6.0, "a": -2.0, "d": -3.0, "J": 9.0}'
FORWARD_TEXT = 'forward = {"c": "-6", "a": -2.0, "d": -3.0, "J": 4.5}'
FORWARD_NUMPY = 'forward = {"c": np.int64(-6), "a": np.float64(-2.0), "d": np.array(-3.0), "J": 4.5}'
BACKWARD_SIGN = 'backward = {"d": -3.0, "a": -3.0, "c": -3.0, "b": -3.0, "w": -6.0}'
BACKWARD_LOCAL_ALONE = 'backward = {"d": -3.0, "a": 1.0, "c": 1.0, "b": 1.0, "w": -2.0}'
BACKWARD_MISSING = 'backward = {"d": -3.0, "a": -3.0, "c": -3.0, "w": 6.0}'
BACKWARD_NUMPY = 'backward = {"d": np.int64(-3), "a": np.float64(-3), "c": np.float32(-3), "b": -3, "w": np.int64(6)}'
NETWORK_LOCAL_ALONE = 'network_grads = {"y_hat": -6.0, "b2": 1.0, "w2": 2.5, "h": -2.0, "b1": 1.0, "w1": 3.0}'
NETWORK_RELU_OFF = 'network_grads = {"y_hat": -6.0, "b2": -6.0, "w2": -15.0, "h": 12.0, "b1": 0.0, "w1": 0.0}'
NETWORK_NUMPY = 'network_grads = {"y_hat": np.int64(-6), "b2": -6, "w2": np.float64(-15), "h": 12, "b1": 12., "w1": 36}'
MUL_SWAPPED = '''
def mul_backward(a, b, out_grad):
    return out_grad * a, out_grad * b
'''
MUL_NO_CHAIN = '''
def mul_backward(a, b, out_grad):
    return b, a
'''
MUL_ADD_RULE = '''
def mul_backward(a, b, out_grad):
    return out_grad, out_grad
'''
MUL_NUMPY = '''
def mul_backward(a, b, out_grad):
    return np.array([np.float64(out_grad) * b, np.float64(out_grad) * a])
'''
RELU_PASS_THROUGH = '''
def relu_backward(a, out_grad):
    return (out_grad,)
'''
RELU_AT_ZERO = '''
def relu_backward(a, out_grad):
    return (out_grad if a >= 0 else 0.0,)
'''
RELU_ON_GRAD = '''
def relu_backward(a, out_grad):
    return (max(out_grad, 0.0),)
'''
RELU_BARE_NUMBER = '''
def relu_backward(a, out_grad):
    return out_grad if a > 0 else 0.0
'''
RELU_NUMPY = '''
def relu_backward(a, out_grad):
    return [np.where(np.float64(a) > 0, out_grad, 0.0).astype(np.float64)[()]]
'''


def grade(nb, tmp_path, seed):
    return grade_in_process(nb, LAB, tmp_path, seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_answer_key_passes_fresh_cases(notebook, tmp_path, seed):
    assert {k: e.status for k, e in grade(notebook, tmp_path, seed).items()} == dict.fromkeys(KEYS, "passed")


def test_blank_is_not_written(notebook, tmp_path):
    grades = grade(blank(notebook), tmp_path, 4)
    assert {k: e.status for k, e in grades.items()} == dict.fromkeys(KEYS, "not written")


@pytest.mark.parametrize("key, code, why", [
    ("forward", FORWARD_SIGN, "forward['c'] = 6 is wrong (c = w·x)"),
    ("forward", FORWARD_NOT_HALVED, "forward['J'] = 9 is wrong"),
    ("forward", FORWARD_TEXT, "forward['c'] is '-6': write one number"),
    ("backward", BACKWARD_SIGN, "backward['w'] = -6 is wrong (dJ/dw)"),
    ("backward", BACKWARD_LOCAL_ALONE, "backward['a'] = 1 is wrong"),
    ("backward", BACKWARD_MISSING, "no entry 'b'"),
    ("mul_backward", MUL_SWAPPED, "differs"),
    ("mul_backward", MUL_NO_CHAIN, "differs"),
    ("mul_backward", MUL_ADD_RULE, "differs"),
    ("relu_backward", RELU_PASS_THROUGH, "differs"),
    ("relu_backward", RELU_AT_ZERO, "differs at index 0: got"),
    ("relu_backward", RELU_ON_GRAD, "(a = "),
    ("relu_backward", RELU_BARE_NUMBER, "return (grad_a,), a tuple of one"),
    ("network_grads", NETWORK_LOCAL_ALONE, "network_grads['b2'] = 1 is wrong (dJ/db2)"),
    ("network_grads", NETWORK_RELU_OFF, "network_grads['b1'] = 0 is wrong (dJ/db1)"),
])
def test_mistakes_fail_that_exercise_only(notebook, tmp_path, key, code, why):
    grades = grade(with_answer(notebook, key, code), tmp_path, 5)
    assert grades[key].status == "failed" and why in grades[key].reason, grades[key].reason
    assert all(e.status == "passed" for k, e in grades.items() if k != key)


@pytest.mark.parametrize("key, code", [("forward", FORWARD_NUMPY), ("backward", BACKWARD_NUMPY),
                                       ("mul_backward", MUL_NUMPY), ("relu_backward", RELU_NUMPY),
                                       ("network_grads", NETWORK_NUMPY)])
def test_numpy_numbers_are_accepted(notebook, tmp_path, key, code):
    grades = grade(with_answer(notebook, key, code), tmp_path, 6)
    assert grades[key].status == "passed", grades[key].reason


def test_relu_at_zero_is_named(notebook, tmp_path):
    grades = grade(with_answer(notebook, "relu_backward", RELU_AT_ZERO), tmp_path, 7)
    assert "(a = 0 exactly; relu_backward(0, " in grades["relu_backward"].reason


def test_cases_change_with_the_seed():
    from instructor.grader.labs.lab08 import EXERCISES
    first, second = (EXERCISES[2].draw(np.random.default_rng(s)) for s in (1, 2))
    assert first[0].args != second[0].args
