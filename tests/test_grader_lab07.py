"""Lab 07's graded exercises: the answer key passes on fresh cases, typical mistakes fail."""
import numpy as np
import pytest
from grader_support import blank, grade_in_process, with_answer

LAB = "07_derivatives"
ONE_SIDED = '''
def central_difference(J, w, epsilon):
    return (J(w + epsilon) - J(w)) / epsilon
'''
RUN_IS_EPSILON = '''
def central_difference(J, w, epsilon):
    return (J(w + epsilon) - J(w - epsilon)) / epsilon
'''
PRECEDENCE = '''
def central_difference(J, w, epsilon):
    return (J(w + epsilon) - J(w - epsilon)) / 2 * epsilon
'''
FLOATS_ONLY = '''
def central_difference(J, w, epsilon):
    if not isinstance(w, float) or type(w) is not float:
        raise TypeError("w must be a float")
    return (J(w + epsilon) - J(w - epsilon)) / (2 * epsilon)
'''
ALL_AT_ONCE = '''
def numerical_gradient(J, params, epsilon):
    params = np.asarray(params, dtype=float)
    slope = (J(params + epsilon) - J(params - epsilon)) / (2 * epsilon)
    return np.full(params.shape, slope)
'''
DRIFTING = '''
def numerical_gradient(J, params, epsilon):
    params = np.asarray(params, dtype=float)
    gradient = np.zeros_like(params)
    for i in range(params.size):
        params[i] += epsilon
        up = J(params)
        params[i] -= 2 * epsilon
        gradient[i] = (up - J(params)) / (2 * epsilon)
    return gradient
'''
ONE_SIDED_GRADIENT = '''
def numerical_gradient(J, params, epsilon):
    params = np.asarray(params, dtype=float)
    gradient = np.zeros_like(params)
    for i in range(params.size):
        up = params.copy()
        up[i] += epsilon
        gradient[i] = (J(up) - J(params)) / epsilon
    return gradient
'''
STEPS_PARAMS = '''
def numerical_gradient(J, params, epsilon):
    params = np.asarray(params, dtype=float)
    gradient = np.zeros_like(params)
    for i in range(params.size):
        up, down = params.copy(), params.copy()
        up[i] += epsilon
        down[i] -= epsilon
        gradient[i] = (J(up) - J(down)) / (2 * epsilon)
    params -= 0.1 * gradient          # a gradient step on the caller's array
    return gradient
'''
RESTORES_OLD_VALUE = '''
def numerical_gradient(J, params, epsilon):
    params = np.asarray(params, dtype=float)
    gradient = []
    for i in range(params.size):
        old = params[i]
        params[i] = old + epsilon
        up = J(params)
        params[i] = old - epsilon
        down = J(params)
        params[i] = old                 # exactly where it was
        gradient.append((up - down) / (2 * epsilon))
    return gradient                     # a list: accepted where an array is asked
'''
RESTORES_BY_ARITHMETIC = '''
def numerical_gradient(J, params, epsilon):
    params = np.asarray(params, dtype=float)
    gradient = []
    for i in range(params.size):
        params[i] += epsilon
        up = J(params)
        params[i] -= 2 * epsilon
        down = J(params)
        params[i] += epsilon        # back where it was, up to rounding
        gradient.append((up - down) / (2 * epsilon))
    return gradient                 # a list: accepted where an array is asked
'''


def grade(nb, tmp_path, seed):
    return grade_in_process(nb, LAB, tmp_path, seed)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_answer_key_passes_fresh_cases(notebook, tmp_path, seed):
    assert {k: e.status for k, e in grade(notebook, tmp_path, seed).items()} == \
        {"central_difference": "passed", "numerical_gradient": "passed", "tangent_line": "passed"}


def test_blank_is_not_written(notebook, tmp_path):
    assert {e.status for e in grade(blank(notebook), tmp_path, 5).values()} == {"not written"}


TANGENT_INTERCEPT_IS_J = '''
def tangent_line(J_expr, w, at):
    slope = sympy.diff(J_expr, w).subs(w, at)
    return float(slope), float(J_expr.subs(w, at))
'''
TANGENT_NO_SUBS = '''
def tangent_line(J_expr, w, at):
    return sympy.diff(J_expr, w), J_expr
'''


@pytest.mark.parametrize("key, code, why", [
    ("tangent_line", TANGENT_INTERCEPT_IS_J, "differs at index 1"),
    ("tangent_line", TANGENT_NO_SUBS, "not two numbers"),
    ("central_difference", ONE_SIDED, "differs"),
    ("central_difference", RUN_IS_EPSILON, "differs"),
    ("central_difference", PRECEDENCE, "differs"),
    ("central_difference", FLOATS_ONLY, "raised TypeError (integers: "),
    ("numerical_gradient", ALL_AT_ONCE, "differs"),
    ("numerical_gradient", DRIFTING, "changed the caller's params"),
    ("numerical_gradient", ONE_SIDED_GRADIENT, "differs"),
    ("numerical_gradient", STEPS_PARAMS, "changed the caller's params"),
])
def test_mistakes_fail_that_exercise_only(notebook, tmp_path, key, code, why):
    grades = grade(with_answer(notebook, key, code), tmp_path, 6)
    assert grades[key].status == "failed" and why in grades[key].reason, grades[key].reason
    assert all(e.status == "passed" for k, e in grades.items() if k != key)


def test_numpy_numbers_reach_central_difference(notebook, tmp_path):
    python_numbers_only = '''
def central_difference(J, w, epsilon):
    if isinstance(w, np.generic):
        raise TypeError("a NumPy number")
    return (J(w + epsilon) - J(w - epsilon)) / (2 * epsilon)
'''
    reason = grade(with_answer(notebook, "central_difference", python_numbers_only), tmp_path, 7)[
        "central_difference"].reason
    assert reason.startswith("raised TypeError (NumPy numbers: J(w) = ")


@pytest.mark.parametrize("seed", [8, 9])
def test_restoring_params_by_arithmetic_fails_as_the_lab_says(notebook, tmp_path, seed):
    """The lab asks for params exactly as they were, and its check refuses float drift: so does the grader."""
    result = grade(with_answer(notebook, "numerical_gradient", RESTORES_BY_ARITHMETIC), tmp_path, seed)[
        "numerical_gradient"]
    assert result.status == "failed" and "does not always give back the same float" in result.reason


@pytest.mark.parametrize("seed", [8, 9])
def test_putting_the_old_value_back_and_a_list_pass(notebook, tmp_path, seed):
    assert grade(with_answer(notebook, "numerical_gradient", RESTORES_OLD_VALUE), tmp_path, seed)[
        "numerical_gradient"].status == "passed"


def test_cases_change_with_the_seed():
    from instructor.grader.labs.lab07 import EXERCISES
    for exercise in EXERCISES:
        first, second = (exercise.draw(np.random.default_rng(s)) for s in (1, 2))
        assert repr(first[0].args) != repr(second[0].args)
