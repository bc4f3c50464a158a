"""Lab 05's graded exercises: the answer key passes on fresh cases, typical mistakes fail."""
import numpy as np
import pytest
from grader_support import blank, grade_in_process, with_answer

LAB = "05_adam"
KEYS = ("first_step", "adam_settings", "adam_step")  # first_step is optional (0 points): graded here all the same


def first_step(body):
    return f'''
def first_step(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
    g = np.asarray(g, dtype=float)
    m, v = (1 - beta1) * g, (1 - beta2) * g**2
{body}
'''


FIRST_UPHILL = first_step('''    if bias_correction:
        m, v = m / (1 - beta1), v / (1 - beta2)
    return alpha * m / (np.sqrt(v) + 1e-12)''')
FIRST_GRADIENT_DESCENT = first_step("    return -alpha * g")
FIRST_NAN_AT_ZERO = first_step('''    if bias_correction:
        m, v = m / (1 - beta1), v / (1 - beta2)
    with np.errstate(all="ignore"):
        return -alpha * m / np.sqrt(v)''')
FIRST_ALWAYS_CORRECTED = first_step("    return -alpha * np.sign(g)")
FIRST_DEFAULT_BETAS = first_step('''    factor = 1.0 if bias_correction else 0.1 / np.sqrt(0.001)
    return -alpha * factor * np.sign(g)''')


def settings(values):
    return f"def adam_settings():\n    return {values}\n"


def adam_step(update):
    return f'''
def adam_step(w, g, m, v, t, alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
{update}
'''


KERAS = "    return w - alpha * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + epsilon), m, v"
STEP_PAPER_EPSILON = adam_step(
    "    return w - alpha * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + epsilon), m, v")
STEP_NO_CORRECTION = adam_step("    return w - alpha * m / (np.sqrt(v) + epsilon), m, v")
STEP_T_PLUS_ONE = adam_step(KERAS.replace("**t", "**(t + 1)"))
STEP_SWAPPED = adam_step(KERAS.replace(", m, v", ", v, m"))
STEP_CORRECTED_MOMENTS = adam_step(KERAS.replace(", m, v", ", m / (1 - beta1**t), v / (1 - beta2**t)"))
STEP_LISTS = adam_step("    w = w - alpha * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + epsilon)\n"
                       "    return [np.asarray(w).tolist(), np.asarray(m).tolist(), np.asarray(v).tolist()]")
FIRST_LIST = first_step("    scale = 1.0 if bias_correction else (1 - beta1) / np.sqrt(1 - beta2)\n"
                        "    return (-alpha * scale * np.sign(g)).tolist()")
STEP_DEFAULT_BETAS = '''
def adam_step(w, g, m, v, t, alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7):
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g**2
    return w - alpha * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + epsilon), m, v
'''


def grade(nb, tmp_path, seed):
    return grade_in_process(nb, LAB, tmp_path, seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_answer_key_passes_fresh_cases(notebook, tmp_path, seed):
    assert {k: (e.status, e.reason) for k, e in grade(notebook, tmp_path, seed).items()} == \
        {key: ("passed", "") for key in KEYS}


def test_blank_is_not_written(notebook, tmp_path):
    assert {k: e.status for k, e in grade(blank(notebook), tmp_path, 4).items()} == \
        {key: "not written" for key in KEYS}


@pytest.mark.parametrize("key, code, why", [
    ("first_step", FIRST_UPHILL, "differs"),
    ("first_step", FIRST_GRADIENT_DESCENT, "differs"),
    ("first_step", FIRST_NAN_AT_ZERO, "expected 0 (a 2-D array with a zero gradient; first_step("),
    ("first_step", FIRST_ALWAYS_CORRECTED, "(no bias correction, default betas; first_step("),
    ("first_step", FIRST_DEFAULT_BETAS, "(no bias correction, its own betas; first_step("),
    ("adam_settings", settings("0.15, 0.9"), "first gets below 0.01 at step 37 and is back above at step 40"),
    ("adam_settings", settings("0.05, 0.5"), "it never gets below 0.01"),
    ("adam_settings", settings("0.3, 1.0"), "beta1 = 1: beta1 must be from 0"),
    ("adam_settings", settings("0.3"), "expected two numbers"),
    ("adam_settings", settings('"0.3", "0.5"'), "expected two numbers"),
    ("adam_step", STEP_PAPER_EPSILON, "w: differs"),
    ("adam_step", STEP_NO_CORRECTION, "w: differs"),
    ("adam_step", STEP_T_PLUS_ONE, "w: differs"),
    ("adam_step", STEP_SWAPPED, "m: differs"),
    ("adam_step", STEP_CORRECTED_MOMENTS, "m: "),
    ("adam_step", STEP_DEFAULT_BETAS, "(step t="),
])
def test_mistakes_fail_that_exercise_only(notebook, tmp_path, key, code, why):
    grades = grade(with_answer(notebook, key, code), tmp_path, 5)
    assert grades[key].status == "failed" and why in grades[key].reason, grades[key].reason
    assert all(e.status == "passed" for k, e in grades.items() if k != key)


@pytest.mark.parametrize("key, code", [
    ("adam_settings", settings("[np.float64(0.3), np.float64(0.5)]")),
    ("adam_settings", settings("np.int64(1) / 3, 0.5")),
    ("first_step", FIRST_LIST),
    ("adam_step", STEP_LISTS),
])
def test_accepted_variants(notebook, tmp_path, key, code):
    assert grade(with_answer(notebook, key, code), tmp_path, 6)[key].status == "passed"


def test_cases_change_with_the_seed():
    from instructor.grader.labs.lab05 import EXERCISES
    first, second = (EXERCISES[0].draw(np.random.default_rng(s)) for s in (1, 2))
    assert not np.array_equal(first[0].args[0], second[0].args[0])
