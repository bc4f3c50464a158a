"""Red team: submissions that try to set their own grade, graded in the real sandbox.

Each attack targets Lab 03's `my_softmax` and leaves `chance_loss` and `build_softmax_regression`
correctly solved: the attacked exercise must score 0 and the honest ones full marks, so an attack can
neither raise a grade nor spoil the rest of the notebook. The lab's demonstrations are left out (they play no part in an
attack), which keeps one grading to a kernel start and the set-up.
"""
import time

import pytest
from grader_support import ROOT, answers_only, blank, graded_notebook, with_answer

from instructor.grader.grade import CALL_TIMEOUT, CELL_TIMEOUT, grade_notebook
from instructor.grader.sandbox import SandboxedKernel

LAB = "03_softmax"
STUB = 'def my_softmax(z):\n    raise NotImplementedError("my_softmax is not written yet")\n'
# Attacks confined to the attacked function must leave the other exercises' grades as they were.
CONFINED = {"the kernel exited", "the kernel's parent killed", "an endless loop", "visible cases hard-coded",
            "the instructor's package borrowed", "the answer key read from disk", "a fake pass line printed",
            "the answer fetched from the network"}

ATTACKS = {
    "grading switch flipped": "import os\nos.environ['NBGRADER_EXECUTION'] = 'no'\n" + STUB,
    "checker patched": "import utils.checks as checks\nchecks.grading = lambda: False\n"
                       "checks.show = lambda result: result\nchecks.CheckResult.passed = property(lambda self: True)\n"
                       + STUB,
    "sys.modules and builtins replaced": (
        "import builtins, sys, json\n"
        "sys.modules['numpy'].isclose = lambda *a, **k: True\n"
        "builtins.isinstance = lambda *a: True\n"
        "json.dump = lambda obj, f, *a, **k: f.write('{\"value\": {\"__object__\": \"passed\"}}')\n" + STUB),
    "the instructor's package borrowed": (
        f"import sys\nsys.path[:0] = [{str(ROOT)!r}, '..', '../..']\n"
        "try:\n    from instructor.grader.labs.lab03 import reference_softmax as my_softmax\n"
        "except ImportError:\n" + "\n".join("    " + line for line in STUB.splitlines()) + "\n"),
    "the answer key read from disk": (
        f"import glob, json\nkeys = glob.glob({str(ROOT)!r} + '/**/03_softmax.ipynb', recursive=True)\n"
        "source = ''.join(json.load(open(keys[0]))['cells'][0]['source']) if keys else ''\n" + STUB),
    "a fake pass line printed": "print('✅ my_softmax: all 7 checks passed.')\n" + STUB,
    "the answer fetched from the network": (
        "import urllib.request\n"
        "try:\n    exec(urllib.request.urlopen('https://pypi.org/simple/', timeout=5).read())\n"
        "except Exception:\n    pass\n" + STUB),
    "the kernel exited": "import os\ndef my_softmax(z):\n    os._exit(0)\n",
    "the kernel's parent killed": "import os, signal\ndef my_softmax(z):\n    os.kill(os.getppid(), signal.SIGKILL)\n",
    "an endless loop": "def my_softmax(z):\n    while True:\n        pass\n",
    "a flood of output": "print('x' * 50_000_000)\ndef my_softmax(z):\n    print('y' * 10_000_000)\n    return z\n",
    "visible cases hard-coded": (
        "import numpy as np\nKNOWN = {\n"
        "    (1.0, 2.0, 3.0): [0.09003057, 0.24472847, 0.66524096],\n"
        "    (1000.0, 1001.0): [0.26894142, 0.73105858],\n    (3.0,): [1.0],\n}\n"
        "def my_softmax(z):\n    return np.array(KNOWN[tuple(np.asarray(z, dtype=float).ravel())])\n"),
}


@pytest.fixture(scope="module")
def notebook():
    return answers_only(graded_notebook(LAB))


def statuses(grade):
    return {e.key: e.status for e in grade.exercises}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_attack_scores_zero_and_spares_the_rest(notebook, attack):
    started = time.monotonic()
    grade = grade_notebook(with_answer(notebook, "my_softmax", ATTACKS[attack]), LAB)
    assert statuses(grade)["my_softmax"] != "passed", grade.exercises
    assert grade.score <= 2 and grade.max_score == 3
    if attack in CONFINED:
        assert statuses(grade)["chance_loss"] == statuses(grade)["build_softmax_regression"] == "passed", \
            grade.exercises
    # a hang costs one time limit in the run and one in the probe, not one per cell
    assert time.monotonic() - started < 120 + CELL_TIMEOUT + CALL_TIMEOUT


def test_edited_check_cell_changes_nothing(notebook):
    nb = blank(notebook)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "print('✅ all checks passed')"
    assert set(statuses(grade_notebook(nb, LAB)).values()) == {"not written"}


def test_correct_submission_full_marks_and_fresh_cases(notebook):
    first, second = grade_notebook(notebook, LAB), grade_notebook(notebook, LAB)
    assert first.score == second.score == 3
    assert first.seed != second.seed


def test_the_kernel_sees_the_student_environment_only():
    code = ("import os, utils, pathlib\n"
            "root = pathlib.Path(utils.__file__).resolve().parents[1]\n"
            "print(sorted(os.listdir(root)), 'NBGRADER_EXECUTION' in os.environ, "
            f"os.path.exists({str(ROOT)!r} + '/labs'))")
    with SandboxedKernel() as kernel:
        text = kernel.run_cell(code, CELL_TIMEOUT)[0]["text"]
    listed, switch, answer_key = text.rsplit("]", 1)[0] + "]", *text.rsplit("]", 1)[1].split()
    assert "instructor" not in listed and "labs" not in listed and "tests" not in listed, text
    assert (switch, answer_key) == ("False", "False"), text
