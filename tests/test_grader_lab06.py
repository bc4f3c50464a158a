"""Lab 06's graded exercises: the answer key passes on fresh cases, typical mistakes fail."""
import numpy as np
import pytest
from grader_support import blank, grade_in_process, with_answer

LAB = "06_convolution"
NO_BIAS = '''
def conv1d(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    return np.array([np.tensordot(x[j:j + k], kernel, axes=([0, 1], [0, 1]))
                     for j in range(0, x.shape[0] - k + 1, stride)])
'''
FLIPPED = '''
def conv1d(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    return np.array([np.tensordot(x[j:j + k], kernel[::-1], axes=([0, 1], [0, 1])) + bias
                     for j in range(0, x.shape[0] - k + 1, stride)])
'''
NO_STRIDE = '''
def conv1d(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    return np.array([np.tensordot(x[j:j + k], kernel, axes=([0, 1], [0, 1])) + bias
                     for j in range(x.shape[0] - k + 1)])
'''
LAST_WINDOW_MISSING = '''
def conv1d(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    return np.array([np.tensordot(x[j:j + k], kernel, axes=([0, 1], [0, 1])) + bias
                     for j in range(0, x.shape[0] - k, stride)]).reshape(-1, kernel.shape[2])
'''
STRIDE_IN_COUNT_ONLY = '''
def conv1d(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    return np.array([np.tensordot(x[j:j + k], kernel, axes=([0, 1], [0, 1])) + bias
                     for j in range((x.shape[0] - k) // stride + 1)])
'''
AS_LISTS = '''
def conv1d(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    return [[float(np.sum(x[j:j + k] * kernel[:, :, f]) + bias[f]) for f in range(kernel.shape[2])]
            for j in range(0, x.shape[0] - k + 1, stride)]
'''
SIZE_NO_BIAS = '''
def conv1d_size(steps, channels, kernel_size, filters, stride=1):
    windows = (steps - kernel_size) // stride + 1
    return windows, kernel_size * channels * filters, windows * kernel_size * channels * filters
'''
SIZE_NO_STRIDE = '''
def conv1d_size(steps, channels, kernel_size, filters, stride=1):
    windows = steps - kernel_size + 1
    return windows, (kernel_size * channels + 1) * filters, windows * kernel_size * channels * filters
'''
SIZE_BIAS_MULTIPLIED = '''
def conv1d_size(steps, channels, kernel_size, filters, stride=1):
    windows = (steps - kernel_size) // stride + 1
    return windows, (kernel_size * channels + 1) * filters, windows * (kernel_size * channels + 1) * filters
'''
SIZE_ONE_CHANNEL = '''
def conv1d_size(steps, channels, kernel_size, filters, stride=1):
    windows = (steps - kernel_size) // stride + 1
    return windows, (kernel_size + 1) * filters, windows * kernel_size * filters
'''
SIZE_NUMPY = '''
def conv1d_size(steps, channels, kernel_size, filters, stride=1):
    windows = np.floor_divide(steps - kernel_size, stride) + 1
    return np.array([windows, (kernel_size * channels + 1) * filters, windows * kernel_size * channels * filters])
'''
SIZE_FLOATS = '''
def conv1d_size(steps, channels, kernel_size, filters, stride=1):
    windows = np.floor((steps - kernel_size) / stride) + 1.0
    return [windows, float((kernel_size * channels + 1) * filters), windows * kernel_size * channels * filters]
'''

COUNTS_NOT_SHARED = '''
def parameter_counts(steps, kernel_size):
    units = steps - kernel_size + 1
    return units * (steps + 1), units * (kernel_size + 1), units * (kernel_size + 1)
'''
COUNTS_NO_BIAS = '''
def parameter_counts(steps, kernel_size):
    units = steps - kernel_size + 1
    return units * steps, units * kernel_size, kernel_size
'''
COUNTS_UNITS_PER_SAMPLE = '''
def parameter_counts(steps, kernel_size):
    return steps * (steps + 1), steps * (kernel_size + 1), kernel_size + 1
'''


def grade(nb, tmp_path, seed):
    return grade_in_process(nb, LAB, tmp_path, seed)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_answer_key_passes_fresh_cases(notebook, tmp_path, seed):
    assert {k: e.status for k, e in grade(notebook, tmp_path, seed).items()} == \
        {"parameter_counts": "passed", "conv1d": "passed", "conv1d_size": "passed"}


def test_blank_is_not_written(notebook, tmp_path):
    assert {e.status for e in grade(blank(notebook), tmp_path, 5).values()} == {"not written"}


@pytest.mark.parametrize("key, code, why", [
    ("conv1d", NO_BIAS, "differs"),
    ("conv1d", FLIPPED, "differs"),
    ("conv1d", STRIDE_IN_COUNT_ONLY, "differs"),
    ("conv1d", NO_STRIDE, "has shape"),
    ("conv1d", LAST_WINDOW_MISSING, "has shape"),
    ("conv1d_size", SIZE_NO_BIAS, "wrong parameters"),
    ("conv1d_size", SIZE_NO_STRIDE, "wrong windows"),
    ("conv1d_size", SIZE_BIAS_MULTIPLIED, "wrong multiply-adds"),
    ("conv1d_size", SIZE_ONE_CHANNEL, "wrong parameters"),
    ("parameter_counts", COUNTS_NOT_SHARED, "wrong convolutional"),
    ("parameter_counts", COUNTS_NO_BIAS, "wrong dense"),
    ("parameter_counts", COUNTS_UNITS_PER_SAMPLE, "wrong dense"),
])
def test_mistakes_fail_that_exercise_only(notebook, tmp_path, key, code, why):
    grades = grade(with_answer(notebook, key, code), tmp_path, 6)
    assert grades[key].status == "failed" and why in grades[key].reason, grades[key].reason
    assert all(e.status == "passed" for k, e in grades.items() if k != key)


@pytest.mark.parametrize("key, code", [("conv1d", AS_LISTS), ("conv1d_size", SIZE_NUMPY),
                                       ("conv1d_size", SIZE_FLOATS)])
def test_lists_numpy_numbers_and_whole_floats_are_accepted(notebook, tmp_path, key, code):
    assert grade(with_answer(notebook, key, code), tmp_path, 7)[key].status == "passed"


def test_numpy_integers_reach_the_students_function(notebook, tmp_path):
    python_ints_only = '''
def conv1d_size(steps, channels, kernel_size, filters, stride=1):
    if isinstance(steps, np.integer):
        raise TypeError("a NumPy integer")
    windows = (steps - kernel_size) // stride + 1
    return windows, (kernel_size * channels + 1) * filters, windows * kernel_size * channels * filters
'''
    reason = grade(with_answer(notebook, "conv1d_size", python_ints_only), tmp_path, 8)["conv1d_size"].reason
    assert reason == "raised TypeError (NumPy integers as inputs): a NumPy integer"


def test_cases_change_with_the_seed():
    from instructor.grader.labs.lab06 import EXERCISES
    conv1d = next(e for e in EXERCISES if e.key == "conv1d")
    first, second = (conv1d.draw(np.random.default_rng(s)) for s in (1, 2))
    assert not np.array_equal(first[0].args[0], second[0].args[0])
