"""What a student sees when cells run out of order or a stub's `raise` line is left in (issue 23)."""
import json

import pytest
from IPython.core.interactiveshell import InteractiveShell

from utils import lab_setup


@pytest.fixture
def shell(capsys):
    shell = InteractiveShell.instance()
    lab_setup._one_line_for_unsolved_exercises()
    lab_setup._MISSING_BECAUSE.clear()
    shell.user_ns.pop("my_relu", None)
    yield shell
    shell.set_custom_exc((), None)
    InteractiveShell.clear_instance()  # later tests run outside IPython again


def run(shell, capsys, source):
    shell.run_cell(source)
    captured = capsys.readouterr()
    return (captured.out + captured.err).strip()


def test_a_check_run_before_its_exercise_cell_names_the_cell_to_run(shell, capsys):
    shell.user_ns["check_relu"] = print  # imported by the set-up cell
    out = run(shell, capsys, "check_relu(my_relu)")
    assert out.splitlines() == ["NameError: `my_relu` is not defined yet: run the exercise cell above this "
                                "check (the one that defines `my_relu`) first, then this cell again"]


def test_in_jupyterlab_the_cell_is_found_in_the_notebook(shell, capsys, tmp_path, monkeypatch):
    notebook = tmp_path / "lab.ipynb"
    cells = [{"cell_type": "markdown", "source": ["## Exercise 2: ReLU\n"]},
             {"cell_type": "code", "source": ["# write it here\n", "def my_relu(z):\n", "    return z\n"]},
             {"cell_type": "code", "source": ["scores = my_relu(3)"]}]
    notebook.write_text(json.dumps({"cells": cells}))
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    out = run(shell, capsys, "print(my_relu(2))")
    assert out == ('NameError: `my_relu` is not defined yet: run the cell under "Exercise 2: ReLU" that '
                   "starts `def my_relu(z):` first, then this cell again")


def test_a_typo_keeps_its_traceback(shell, capsys):
    out = run(shell, capsys, "my_rleu(2)")
    assert "Traceback" in out or "NameError" in out.splitlines()[-1]
    assert "not defined yet" not in out


def test_an_answer_above_a_left_over_raise_line_is_named(shell, capsys):
    out = run(shell, capsys, 'choices = {"price": "relu"}\nraise NotImplementedError("choices is not written yet")')
    assert out == ("NotImplementedError: your answer (choices) is written, but the `raise NotImplementedError` "
                   "line under it still runs: delete that line, then run this cell again")
    assert "choices" not in lab_setup._MISSING_BECAUSE


def test_an_answer_below_the_raise_line_is_named(shell, capsys):
    out = run(shell, capsys, 'raise NotImplementedError("not yet")\nanswer = 3')
    assert "your code below the `raise NotImplementedError` line never runs" in out


def test_an_untouched_stub_still_says_not_written_yet(shell, capsys):
    out = run(shell, capsys, '# YOUR CODE HERE\nraise NotImplementedError("rule is not written yet")')
    assert out == "NotImplementedError: rule is not written yet"


def test_a_template_of_blanks_above_the_raise_line_is_still_not_written(shell, capsys):
    out = run(shell, capsys, 'targets = {"freezer": None, "battery": None}\n'
                             'raise NotImplementedError("targets is not written yet")')
    assert out == "NotImplementedError: targets is not written yet"


def test_a_cell_that_builds_on_an_unwritten_exercise_names_it_in_one_line(shell, capsys):
    shell.user_ns.pop("adam_step", None)
    out = run(shell, capsys, 'from utils.checks import warn_unless_passed\nwarn_unless_passed("adam_step")\n'
                             'path = [adam_step(w) for w in range(3)]')
    assert out == ("NameError: `adam_step` is not defined yet: run the exercise cell that defines `adam_step` "
                   "first, then this cell again")
