"""Lab 02's graded exercises: the answer key passes on fresh cases, typical mistakes fail."""
import numpy as np
import pytest
from grader_support import blank, grade_in_process, with_answer

LAB = "02_activations"
KEYS = ["my_relu-my_sigmoid", "output_activation", "my_relu_derivative-my_sigmoid_derivative", "unit_w"]

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
INTEGER_RELU = relu("return np.maximum(0, z)")  # integers in, integers out: right values

RIGHT_SIGMOID_DERIVATIVE = '''
def my_sigmoid_derivative(z):
    s = my_sigmoid(z)
    return s * (1 - s)
'''
RIGHT_RELU_DERIVATIVE = '''
def my_relu_derivative(z):
    return (np.asarray(z) > 0).astype(float)
'''


def relu_slope(body):
    return f"def my_relu_derivative(z):\n    {body}\n" + RIGHT_SIGMOID_DERIVATIVE


def sigmoid_slope(body):
    return RIGHT_RELU_DERIVATIVE + f"def my_sigmoid_derivative(z):\n    {body}\n"


AT_ZERO_ONE = relu_slope("return (np.asarray(z) >= 0).astype(float)")
RELU_ITSELF = relu_slope("return np.maximum(0.0, z)")
ONE_MINUS_Z = sigmoid_slope("return my_sigmoid(z) * (1 - np.asarray(z))")
NAIVE_SLOPE = sigmoid_slope("s = 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n    return s * (1 - s)")

CHOICES = {
    "whether a card payment is fraudulent (1) or not (0)": "sigmoid",
    "tomorrow's change in a share price, in dollars": "linear",
    "the weight of a parcel, in kg": "relu",
    "the probability that a photo shows a cat": "sigmoid",
    "the noon temperature tomorrow, in °C (winters go below zero)": "linear",
    "the number of litres of water a household uses in a day": "relu",
}


def choices(**changes):
    answers = dict(CHOICES)
    for start, value in changes.items():
        answers[next(k for k in answers if k.startswith(start.replace("_", " ")))] = value
    return f"output_activation = {answers!r}\n"


PARCEL_LINEAR = choices(the_weight="linear")
TWO_WRONG = choices(the_weight="linear", whether="relu")
SOFTMAX = choices(the_probability="softmax")
HALF_DONE = choices(tomorrow=None)
CAPITALS = choices(the_weight=" ReLU", whether="Sigmoid")

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
    ("my_relu-my_sigmoid", ABS, "my_relu: wrong value"),
    ("my_relu-my_sigmoid", ONE_NUMBER, "my_relu: returned shape ()"),
    ("my_relu-my_sigmoid", IN_PLACE, "my_relu: right values, but it changed its input"),
    ("my_relu-my_sigmoid", NAIVE, "my_sigmoid: right values, but NumPy warned: overflow"),
    ("my_relu-my_sigmoid", OTHER_FORM, "nan comes from inf / inf"),
    ("my_relu-my_sigmoid", SIGN_SLIP, "my_sigmoid: wrong value"),
    ("output_activation", PARCEL_LINEAR, "'the weight of a parcel, in kg' does not fit"),
    ("output_activation", TWO_WRONG, "(and 1 more)"),
    ("output_activation", SOFTMAX, "'softmax' is not one of"),
    ("output_activation", HALF_DONE, "has no answer yet"),
    ("my_relu_derivative-my_sigmoid_derivative", AT_ZERO_ONE, "my_relu_derivative: wrong value"),
    ("my_relu_derivative-my_sigmoid_derivative", RELU_ITSELF, "my_relu_derivative: wrong value"),
    ("my_relu_derivative-my_sigmoid_derivative", ONE_MINUS_Z, "my_sigmoid_derivative: wrong value"),
    ("my_relu_derivative-my_sigmoid_derivative", NAIVE_SLOPE, "NumPy warned: overflow"),
    ("unit_w", WRONG_SLOPE, "the sum of the three units is"),
    ("unit_w", WRONG_BEND, "the sum of the three units is"),
    ("unit_w", TWO_UNITS, "a list of three numbers"),
])
def test_mistakes_fail_that_exercise_only(notebook, tmp_path, key, code, why):
    grades = grade(with_answer(notebook, key, code), tmp_path, 5)
    assert grades[key].status == "failed" and why in grades[key].reason, grades[key].reason
    # my_sigmoid_derivative reuses my_sigmoid, as the lab asks: a sigmoid that overflows fails it too
    reuses = "my_relu_derivative-my_sigmoid_derivative" if code in (NAIVE, OTHER_FORM) else None
    assert all(e.status == "passed" for k, e in grades.items() if k not in (key, reuses))


@pytest.mark.parametrize("key, code", [
    ("my_relu-my_sigmoid", INTEGER_RELU),
    ("output_activation", CAPITALS),
    ("unit_w", AS_ARRAYS),
])
def test_other_right_forms_pass(notebook, tmp_path, key, code):
    assert {k: (e.status, e.reason) for k, e in grade(with_answer(notebook, key, code), tmp_path, 6).items()} == \
        dict.fromkeys(KEYS, ("passed", ""))


def test_cases_change_with_the_seed():
    from instructor.grader.labs.lab02 import EXERCISES
    first, second = (EXERCISES[0].draw(np.random.default_rng(s)) for s in (1, 2))
    assert not np.array_equal(first[0].args[1], second[0].args[1])
