"""Issue 23's rules, each reproducing what a student did and asserting what they now see."""
import numpy as np
import pytest

from utils import checks
from utils.checks import Case, CheckResult, Mistake, Problem, choice, claim, run_check, show, warn_unless_passed

CASES = [Case("a vector", (np.array([1.0, -2.0, 3.0]),))]


def double(x):
    return 2 * np.asarray(x)


def _diagnose(case, got, expected):
    if np.allclose(got, expected / 2):
        return Mistake("forgot the factor", ("your output equals the input: what should happen to each value?",
                                             "every value must be scaled by the same number; which one?"))
    return "some other mistake"


@pytest.fixture(autouse=True)
def _fresh_ladders():
    checks._TIMES_SHOWN.clear()
    checks._VERDICTS.clear()
    yield


def test_the_same_mistake_again_climbs_its_ladder_and_a_new_mistake_starts_its_own(capsys):
    def identity(x):
        return np.asarray(x, dtype=float)

    for _ in range(3):
        show(run_check("double", identity, double, CASES, diagnose=_diagnose))
    first, second, third = capsys.readouterr().out.split("❌")[1:]
    assert "what should happen to each value?" in first and "closer look" not in first
    assert "which one?" in second and "closer look" in second
    assert "which one?" in third and "closer look" not in third  # the last step repeats, unlabelled
    for _ in range(2):
        show(run_check("double", lambda x: 3 * np.asarray(x), double, CASES, diagnose=_diagnose))
    other, again = capsys.readouterr().out.split("❌")[1:]
    assert "Hint: some other mistake" in other and "closer look" not in other
    assert "Hint: some other mistake" in again and "closer look" not in again  # one step: no promise


def test_a_mistake_seen_in_several_cases_climbs_one_step_per_run(capsys):
    cases = CASES + [Case("another", (np.array([4.0]),))]
    for _ in range(2):
        show(run_check("double", lambda x: np.asarray(x, dtype=float), double, cases, diagnose=_diagnose))
    second = capsys.readouterr().out.split("❌")[2]
    assert "which one?" in second and "what should happen" not in second
    assert checks._TIMES_SHOWN["double", "forgot the factor"] == 2


def test_a_mistake_seen_in_several_cases_is_explained_once(capsys):
    cases = CASES + [Case("another", (np.array([4.0]),))]
    show(run_check("double", lambda x: np.asarray(x, dtype=float), double, cases, diagnose=_diagnose))
    assert capsys.readouterr().out.count("what should happen to each value?") == 1


def test_printing_a_result_in_a_test_does_not_move_the_ladder():
    result = run_check("double", lambda x: np.asarray(x, dtype=float), double, CASES, diagnose=_diagnose)
    assert result.text() == result.text()
    assert "what should happen" in result.messages()[0]


def test_a_mistake_needs_its_steps():
    with pytest.raises(TypeError, match="tuple of one or more hint texts"):
        Mistake("k", "a single string is not a ladder")


def test_booleans_where_numbers_are_asked_are_refused_with_one_line():
    problems = run_check("positive", lambda x: np.asarray(x) > 0, None,
                         [Case("mixed", (np.array([1.0, -1.0]),), expected=[1.0, 0.0])]).messages()
    assert "True/False where numbers are asked" in problems[0]


def test_lists_where_arrays_are_asked_are_accepted():
    assert run_check("double", lambda x: [2 * v for v in x], double, CASES).passed


@pytest.mark.parametrize("text", ["multi-label", "Multi label", "MULTI_LABEL", " multilabel"])
def test_a_choice_ignores_case_spaces_hyphens_and_underscores(text):
    assert choice(text, ["multiclass", "multi-label"]) == ("multi-label", None)


def test_a_choice_takes_no_synonyms():
    option, message = choice("sigmoid", ["multiclass", "multi-label"])
    assert option is None and message == "'sigmoid' is not one of the choices: 'multiclass', 'multi-label'"
    assert "as a string, got int" in choice(3, ["a"])[1]


def test_a_claim_is_silent_while_it_holds_and_one_line_when_a_change_broke_it(capsys):
    assert claim(True, "the loss to fall", changed="the learning rate")
    assert capsys.readouterr().out == ""
    assert not claim(False, "Adam to reach 0.01 first", changed="the optimizer in the cell above",
                     got="SGD reached it in 4 epochs")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "SGD reached it in 4 epochs" in out and "after a change to the optimizer" in out


def _notebook_function(source, **data):
    namespace = {"__name__": "__main__", "np": np, **data}
    exec(source, namespace)  # as if defined in a notebook cell
    return namespace


def test_a_function_that_reads_the_notebooks_data_is_named(monkeypatch):
    namespace = _notebook_function("def scale(x):\n    return k * np.asarray(x)\n", k=5)
    monkeypatch.setattr(checks, "notebook_namespace", lambda: namespace)
    namespace["_ih"] = ["", "k = 5  # the demo's kernel size", "def scale(x): ..."]
    result = run_check("scale", namespace["scale"], double, CASES)
    first = result.messages()[0]
    assert "reads the notebook's `k` (= 5, set in the cell that starts `k = 5  # the demo's kernel size`)" in first
    assert "work only from the arguments" in first


def test_modules_functions_and_constants_are_not_data():
    namespace = _notebook_function("def f(x):\n    return SCALE * helper(np.asarray(x))\n",
                                   SCALE=2, helper=lambda v: v)
    assert checks.notebook_data_read(namespace["f"]) is None
    assert checks.notebook_data_read(double) is None  # not defined in a notebook


def test_a_scratch_check_on_another_function_does_not_change_the_exercises_state(monkeypatch, capsys):
    namespace = {"double": double}
    monkeypatch.setattr(checks, "notebook_namespace", lambda: namespace)
    show(run_check("double", double, double, CASES))
    show(run_check("double", lambda x: x, double, CASES))  # a scratch call with something else
    capsys.readouterr()
    warn_unless_passed("double")
    assert capsys.readouterr().out == ""
    namespace["double"] = lambda x: 3 * x  # redefined and not checked again
    warn_unless_passed("double")
    assert "has not been checked yet" in capsys.readouterr().out


def test_a_result_without_a_subject_still_counts(capsys):
    show(CheckResult("choices", 1, [Problem("", "wrong")]))
    warn_unless_passed("choices")
    assert "has not passed its check" in capsys.readouterr().out


def test_a_mistake_behind_and_n_more_does_not_climb_its_ladder(capsys):
    """Only printed problems move their ladders: a hint the student never saw stays at its first step
    (Lab 08 trial: a wrong dJ/dd listed fourth came back labelled 'this came up before')."""
    def diagnose(case, got, expected):
        return Mistake(f"slip in {case.label}", (f"first look at {case.label}", f"closer look at {case.label}"))

    cases = [Case(f"row {i}", (np.array([float(i + 1)]),)) for i in range(5)]
    show(run_check("double", lambda x: np.asarray(x, dtype=float), double, cases, diagnose=diagnose))
    assert checks._TIMES_SHOWN.get(("double", "slip in row 4")) is None
    assert checks._TIMES_SHOWN["double", "slip in row 0"] == 1
    assert "... and 2 more" in capsys.readouterr().out
