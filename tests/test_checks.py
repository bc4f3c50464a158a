"""The check runner: passes right answers, explains wrong ones, never raises at a student."""
import numpy as np
import pytest

from utils import checks
from utils.checks import (
    Case,
    CheckFailed,
    CheckResult,
    Layer,
    Problem,
    check_function,
    check_model,
    compare,
    compare_arrays,
    evaluate_model,
    run_check,
    show,
    warn_unless_passed,
)

CASES = [Case("a vector", (np.array([1.0, -2.0, 3.0]),)), Case("a 2-D batch", (np.ones((2, 3)),))]


def double(x):
    return 2 * np.asarray(x)


def messages(fn, **options):
    return run_check("double", fn, double, CASES, **options).messages()


def test_right_answer_passes(capsys):
    result = run_check("double", double, double, CASES)
    assert result.passed and result.checked == 2 and result.problems == []
    assert check_function(double, double, CASES, name="double") == result
    assert capsys.readouterr().out.strip() == "✅ double: all 2 checks passed."


@pytest.mark.parametrize(
    ("student", "fragment"),
    [
        (lambda x: None, "returned None"),
        (lambda x: 3 * np.asarray(x), "differs at index 0: got 3, expected 2"),
        (lambda x: (2 * np.asarray(x)).ravel()[:1], "has shape (1,), expected shape (3,)"),
        (lambda x: "two", "expected an array of numbers"),
        (lambda x: np.full(np.shape(x), np.nan), "contains nan"),
    ],
)
def test_wrong_answers_are_explained(student, fragment):
    problems = messages(student)
    assert problems, "a wrong answer must not pass"
    assert fragment in problems[0] and "a vector" in problems[0]


def test_list_output_is_accepted():
    assert run_check("d", lambda x: list(2 * np.asarray(x).ravel()), lambda x: 2 * np.asarray(x).ravel(),
                     CASES).passed


def test_not_a_function_gets_a_hint(capsys):
    check_function(np.zeros(3), double, CASES, name="double")
    out = capsys.readouterr().out
    assert out.startswith("❌ double: expected a function") and "pass the function itself" in out
    assert "checks failed" not in out


def test_every_typical_mistake_seen_is_named(capsys):
    check_function(lambda x: 3 * np.asarray(x), double, CASES, name="double",
                   diagnose=lambda case, got, exp: ["multiply by 2, not 3", "and return an array"])
    out = capsys.readouterr().out
    assert "Hint: multiply by 2, not 3" in out and "Hint: and return an array" in out
    assert "2 of 2 checks failed" in out


def test_a_hint_that_raises_is_ignored():
    problems = messages(lambda x: 3 * np.asarray(x), diagnose=lambda case, got, exp: 1 / 0)
    assert len(problems) == 2 and "Hint" not in problems[0]


def test_a_plain_list_error_gets_the_usual_cause():
    """The student trial: `probabilities >= threshold` on a list raised a bare TypeError."""
    def labels(probabilities, threshold=0.5):
        return (probabilities >= threshold).astype(int)

    result = run_check("labels", labels, lambda p, threshold=0.5: (np.asarray(p) >= threshold).astype(int),
                       [Case("a plain list", ([0.3, 0.8],))])
    text = result.text()
    assert "raised TypeError at `return (probabilities >= threshold).astype(int)`" in text
    assert "turn it into a NumPy array of floats first" in text


def test_a_function_that_raises_everywhere_says_so_plainly():
    assert run_check("d", lambda x: 1 / 0, double, CASES).text().startswith("❌ d: 2 of 2 checks failed.")
    problems = messages(lambda x: 1 / 0)
    assert len(problems) == 1 and problems[0].startswith("every one of the 2 cases")
    assert "raised ZeroDivisionError" in problems[0] and "division by zero" in problems[0]


def test_a_stub_is_not_written_yet_with_no_count_and_no_hint(capsys):
    def stub(x):
        raise NotImplementedError("double is not written yet")

    result = check_function(stub, double, CASES, name="double", note="Hint: the answer is 2 * x")
    out = capsys.readouterr().out
    assert result.not_written == "double is not written yet" and not result.passed
    assert out.startswith("✏️ double: not written yet") and "checks" not in out and "2 * x" not in out


def test_an_input_changed_in_place_is_a_problem():
    def in_place(x):
        x *= 2
        return x

    message = messages(in_place)[0]
    assert "changed its input array in place: `x[0]` is now" in message and "`x = x - ...` or `x.copy()`" in message


def test_a_nudge_put_back_by_subtraction_is_named_as_rounding():
    """Nudging params[i] up by eps and back down can leave a float a hair off: say so, with the argument's name."""
    def nudge_and_restore(params, eps=0.1):
        total = 0.0
        for i in range(len(params)):
            params[i] += eps
            total += params[i]
            params[i] -= eps
        return total

    result = run_check("nudge", nudge_and_restore, None, [Case("", (np.array([0.2, 0.7]),), expected=1.1)])
    message = result.messages()[0]
    assert "`params[0]` is now 0.20000000000000004, it was 0.2" in message
    assert "keep the entry's old value and put that value back" in message


def test_numpy_warnings_fail_a_check_in_every_lab_unless_switched_off():
    def noisy(x):
        np.exp(np.array([1000.0]))
        return 2 * np.asarray(x)

    problems = messages(noisy, warning_hint=lambda text: f"about {text}")  # on by default: one rule
    assert "NumPy warned: overflow" in problems[0] and "about overflow" in problems[0]
    assert messages(noisy, watch_warnings=False) == []


def test_a_case_can_carry_its_expected_answer():
    cases = [Case("six", (3.0,), expected=6.0, show_input=False)]
    result = run_check("d", lambda x: 2 * x, None, cases)
    assert result.passed
    assert run_check("d", lambda x: x, None, cases).messages()[0].startswith("six\n")


def test_a_result_prints_once_at_the_end_of_a_cell(capsys):
    result = run_check("double", double, double, CASES)
    result._ipython_display_()  # not shown yet: the report is printed
    assert capsys.readouterr().out.startswith("✅")
    show(result)
    capsys.readouterr()
    result._ipython_display_()  # shown by the check: nothing more
    assert capsys.readouterr().out == ""


def test_under_a_grader_a_failed_check_prints_then_raises(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert checks.grading()
    with pytest.raises(CheckFailed, match="double: the check did not pass"):
        check_function(lambda x: 3 * np.asarray(x), double, CASES, name="double")
    assert capsys.readouterr().out.startswith("❌ double")
    check_function(double, double, CASES, name="double")  # a pass never raises
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(CheckFailed):
        show(CheckResult("stub", 1, not_written="stub is not written yet"))
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert not checks.grading()
    show(CheckResult("wrong", 1, [Problem("", "wrong")]))  # a student keeps the feedback, no traceback


def test_a_cell_that_builds_on_an_exercise_warns_unless_it_passed(capsys):
    warn_unless_passed("never-checked exercise")
    assert "has not been checked yet" in capsys.readouterr().out
    show(CheckResult("triple", 1, [Problem("", "wrong")]))
    capsys.readouterr()
    warn_unless_passed("triple")
    assert "has not passed its check" in capsys.readouterr().out
    show(CheckResult("triple", 1))
    capsys.readouterr()
    warn_unless_passed("triple")
    assert capsys.readouterr().out == ""


def test_compare_arrays_tolerance():
    assert compare_arrays([1.0, 2.0], [1.0, 2.0 + 1e-9]) is None
    assert "differs" in compare_arrays([1.0, 2.1], [1.0, 2.0])


def test_compare_prints_the_same_line_whatever_the_round_off(capsys):
    # a difference of 0, 1e-8 or 1e-7 is round-off that changes with the CPU: the line must not
    lines = set()
    for noise in (0.0, 1e-8, 1.2e-7):
        compare("w", [1.0, 2.0], [1.0, 2.0 + noise])
        lines.add(capsys.readouterr().out)
    assert lines == {"w                            agree to within 1e-06: True\n"}


def test_compare_says_by_how_much_when_outside_the_tolerance(capsys):
    compare("w", [1.0, 2.0], [1.0, 2.0 + 1.9e-5])
    assert capsys.readouterr().out.rstrip().endswith("agree to within 1e-06: False (largest difference 1.9e-05)")


def test_compare_reports_shape_mismatch(capsys):
    compare("w", [1.0], [1.0, 2.0])
    assert "shapes differ" in capsys.readouterr().out


# ----------------------------------------------------------------------- Keras models

keras = pytest.importorskip("keras")
EXPECTED = [Layer("Dense", units=25, activation="relu"), Layer("Dense", units=1, activation="sigmoid")]


def build(units=(25, 1), activations=("relu", "sigmoid"), with_input=True):
    layers = [keras.layers.Dense(u, activation=a) for u, a in zip(units, activations, strict=True)]
    return keras.Sequential(([keras.Input(shape=(64,))] if with_input else []) + layers)


def test_model_right_architecture_passes(capsys):
    model = build()
    assert evaluate_model(model, EXPECTED, input_shape=(64,)) == []
    assert check_model(model, EXPECTED, input_shape=(64,)).passed
    assert capsys.readouterr().out.startswith("✅")


def test_model_unbuilt_input_is_explained():
    problems = evaluate_model(build(with_input=False), EXPECTED, input_shape=(64,))
    assert "does not know its input shape" in problems[0]


def test_model_wrong_units_and_activation():
    problems = evaluate_model(build(units=(10, 1), activations=("sigmoid", "sigmoid")), EXPECTED)
    assert "layer 1 (Dense) has units=10, expected 25" in problems
    assert "layer 1 (Dense) has activation='sigmoid', expected 'relu'" in problems


def test_model_wrong_layer_count_lists_both():
    model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(1, activation="sigmoid")])
    problems = evaluate_model(model, EXPECTED)
    assert "has 1 layers, expected 2" in problems[0] and "yours:" in problems[0]


def test_model_none_and_wrong_type():
    assert "does your function `return` the model" in evaluate_model(None, EXPECTED)[0]
    assert "expected a Keras model" in evaluate_model([1, 2], EXPECTED)[0]


def test_model_compile_checks():
    model = build()
    assert "not compiled" in evaluate_model(model, EXPECTED, loss="binary_crossentropy")[0]
    model.compile(loss=keras.losses.BinaryCrossentropy(), optimizer="sgd")
    assert evaluate_model(model, EXPECTED, loss="binary_crossentropy") == []
    assert evaluate_model(model, EXPECTED, loss=keras.losses.BinaryCrossentropy()) == []
    wrong = evaluate_model(model, EXPECTED, loss="mse")
    assert wrong == ["compiled with loss 'binary_crossentropy', expected 'mean_squared_error'"]
    logits = evaluate_model(model, EXPECTED, from_logits=True)
    assert "from_logits=False, expected from_logits=True" in logits[0]


def test_callable_inputs_are_described_by_name():
    def cost(w):
        return w**2

    assert Case("a function input", (cost, 3.0)).describe() == "a function input: input (cost, 3.0)"


def test_a_failing_diagnose_never_reaches_the_student(capsys):
    def fragile(case, got, expected):
        return "hint about " + got.missing_attribute  # raises on a plain array

    check_function(lambda x: 3 * np.asarray(x), double, CASES, name="double", diagnose=fragile)
    out = capsys.readouterr().out
    assert out.startswith("❌") and "differs" in out and "Hint" not in out


def test_one_check_is_not_called_all_1_checks(capsys):
    show(CheckResult("answer", 1))
    assert capsys.readouterr().out.strip() == "✅ answer: the check passed."
