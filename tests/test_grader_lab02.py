"""Lab 02's graded exercises: the answer key passes on fresh cases, typical mistakes fail."""
import numpy as np
import pytest
from grader_support import blank, grade_in_process, with_answer

LAB = "02_activations"
KEYS = ["my_relu-my_sigmoid", "output_activation", "fold_linear_layers", "unit_w"]

SAFE_SIGMOID = '''
def my_sigmoid(z):
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + small), small / (1 + small))
'''
RIGHT_RELU = '''
def my_relu(z):
    return np.maximum(0.0, z)
'''


def relu(body):
    return f"def my_relu(z):\n    {body}\n" + SAFE_SIGMOID


def sigmoid(body):
    return RIGHT_RELU + f"def my_sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    {body}\n"


ABS = relu("return np.abs(z)")
ONE_NUMBER = relu("return max(0.0, np.max(z))")
IN_PLACE = relu("z = np.asarray(z)\n    z[z < 0] = 0\n    return z")
NAIVE = sigmoid("return 1 / (1 + np.exp(-z))")
OTHER_FORM = sigmoid("return np.exp(z) / (1 + np.exp(z))")
SIGN_SLIP = sigmoid("small = np.exp(-np.abs(z))\n    return np.where(z >= 0, small / (1 + small), 1 / (1 + small))")
NP_MAX = relu("return np.max(0, z)")  # np.max's second argument is an axis
INTEGER_RELU = relu("return np.maximum(0, z)")  # integers in, integers out: right values

FOLD = """
def fold_linear_layers(weights):
    W, b = None, None
    for kernel, bias in weights:
        kernel, bias = np.asarray(kernel), np.asarray(bias)
        W, b = (kernel, bias) if W is None else ({update})
    return W, b
"""
LAST_BIAS = FOLD.format(update="W @ kernel, bias")
NO_NEW_BIAS = FOLD.format(update="W @ kernel, b @ kernel")
WRONG_ORDER = FOLD.format(update="kernel @ W, b @ kernel + bias")
BIAS_FROM_NEW_W = FOLD.format(update="W @ kernel, b @ (W @ kernel) + bias")  # b through the updated W
AS_LIST = FOLD.format(update="W @ kernel, b @ kernel + bias").replace("return W, b", "return [W, b]")

CHOICES = {
    "whether an email is spam (1) or not (0)": "sigmoid",
    "the price a house sells for, in dollars": "relu",
    "the temperature inside a freezer tomorrow, in °C (always below zero)": "linear",
    "the fraction of a phone's battery left after an hour, from 0 to 1": "sigmoid",
    "tomorrow's change in a share price, in dollars": "linear",
    "the number of visitors a website gets tomorrow": "relu",
}


def choices(**changes):
    answers = dict(CHOICES)
    for start, value in changes.items():
        answers[next(k for k in answers if k.startswith(start.replace("_", " ")))] = value
    return f"output_activation = {answers!r}\n"


PRICE_LINEAR = choices(the_price="linear")
TWO_WRONG = choices(the_price="linear", whether="relu")
SOFTMAX = choices(the_fraction="softmax")
HALF_DONE = choices(tomorrow=None)
CAPITALS = choices(the_price=" ReLU", whether="Sigmoid")

BUILDER = "unit_w = {w}\nunit_b = {b}\n"
WRONG_SLOPE = BUILDER.format(w=[1.0, 2.0, 3.0], b=[0.0, -2.0, -6.0])
WRONG_BEND = BUILDER.format(w=[1.0, 2.0, 4.0], b=[0.0, -1.0, -8.0])
TWO_UNITS = BUILDER.format(w=[1.0, 2.0], b=[0.0, -2.0])
AS_ARRAYS = "unit_w = np.array([1, 2, 4])\nunit_b = (np.float64(0), np.int64(-2), -8.0)\n"


def grade(nb, tmp_path, seed):
    return grade_in_process(nb, LAB, tmp_path, seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_answer_key_passes_fresh_cases(notebook, tmp_path, seed):
    assert {k: (e.status, e.reason) for k, e in grade(notebook, tmp_path, seed).items()} == \
        dict.fromkeys(KEYS, ("passed", ""))


def test_blank_is_not_written(notebook, tmp_path):
    assert {e.status for e in grade(blank(notebook), tmp_path, 4).values()} == {"not written"}


@pytest.mark.parametrize("key, code, why", [
    ("my_relu-my_sigmoid", ABS, "my_relu: differs"),
    ("my_relu-my_sigmoid", ONE_NUMBER, "my_relu: has shape ()"),
    ("my_relu-my_sigmoid", IN_PLACE, "my_relu: right values, but it changed its input"),
    ("my_relu-my_sigmoid", NP_MAX, "my_relu"),
    ("my_relu-my_sigmoid", NAIVE, "my_sigmoid: right values, but NumPy warned: overflow"),
    ("my_relu-my_sigmoid", OTHER_FORM, "nan comes from inf / inf"),
    ("my_relu-my_sigmoid", SIGN_SLIP, "my_sigmoid: differs"),
    ("output_activation", PRICE_LINEAR, "'the price a house sells for, in dollars' does not fit"),
    ("output_activation", TWO_WRONG, "(and 1 more)"),
    ("output_activation", SOFTMAX, "'softmax' is not one of"),
    ("output_activation", HALF_DONE, "has no answer yet"),
    ("output_activation", CAPITALS, "is not a name Keras knows"),
    ("fold_linear_layers", LAST_BIAS, "b: differs"),
    ("fold_linear_layers", NO_NEW_BIAS, "b: differs"),
    ("fold_linear_layers", WRONG_ORDER, "fold_linear_layers"),
    ("fold_linear_layers", BIAS_FROM_NEW_W, "fold_linear_layers"),
    ("unit_w", WRONG_SLOPE, "the sum of the three units is"),
    ("unit_w", WRONG_BEND, "the sum of the three units is"),
    ("unit_w", TWO_UNITS, "a list of three numbers"),
])
def test_mistakes_fail_that_exercise_only(notebook, tmp_path, key, code, why):
    grades = grade(with_answer(notebook, key, code), tmp_path, 5)
    assert grades[key].status == "failed" and why in grades[key].reason, grades[key].reason
    assert all(e.status == "passed" for k, e in grades.items() if k != key)


@pytest.mark.parametrize("key, code", [
    ("my_relu-my_sigmoid", INTEGER_RELU),
    ("fold_linear_layers", AS_LIST),
    ("unit_w", AS_ARRAYS),
])
def test_other_right_forms_pass(notebook, tmp_path, key, code):
    assert {k: (e.status, e.reason) for k, e in grade(with_answer(notebook, key, code), tmp_path, 6).items()} == \
        dict.fromkeys(KEYS, ("passed", ""))


def test_cases_change_with_the_seed():
    from instructor.grader.labs.lab02 import EXERCISES
    first, second = (EXERCISES[0].draw(np.random.default_rng(s)) for s in (1, 2))
    assert not np.array_equal(first[0].args[1], second[0].args[1])
