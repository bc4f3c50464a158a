"""The exercise-check framework: passes right answers, explains wrong ones, never raises."""
import numpy as np
import pytest

from utils.checks import (
    Case,
    Layer,
    check_function,
    check_model,
    compare,
    compare_arrays,
    evaluate_function,
    evaluate_model,
)

CASES = [Case("a vector", (np.array([1.0, -2.0, 3.0]),)), Case("a 2-D batch", (np.ones((2, 3)),))]


def double(x):
    return 2 * np.asarray(x)


def test_right_answer_passes(capsys):
    assert evaluate_function(double, double, CASES) == []
    check_function(double, double, CASES, name="double")
    assert capsys.readouterr().out.strip() == "✅ double: all 2 checks passed."


@pytest.mark.parametrize(
    ("student", "fragment"),
    [
        (lambda x: None, "returned None"),
        (lambda x: 3 * np.asarray(x), "differs at index (0,): got 3, expected 2"),
        (lambda x: (2 * np.asarray(x)).ravel()[:1], "has shape (1,), expected shape (3,)"),
        (lambda x: "two", "expected an array of numbers"),
        (lambda x: np.full(np.shape(x), np.nan), "contains nan"),
        (lambda x: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_wrong_answers_are_explained(student, fragment):
    problems = evaluate_function(student, double, CASES)
    assert problems, "a wrong answer must not pass"
    assert fragment in problems[0]
    assert "a vector" in problems[0]


def test_list_output_is_accepted():
    assert evaluate_function(lambda x: list(2 * np.asarray(x).ravel()),
                             lambda x: 2 * np.asarray(x).ravel(), CASES) == []


def test_not_a_function_gets_a_hint(capsys):
    check_function(np.zeros(3), double, CASES, name="double")
    out = capsys.readouterr().out
    assert out.startswith("❌") and "pass the function itself" in out


def test_diagnose_hint_is_printed(capsys):
    check_function(lambda x: 3 * np.asarray(x), double, CASES, name="double",
                   diagnose=lambda case, got, exp: "multiply by 2, not 3")
    out = capsys.readouterr().out
    assert "Hint: multiply by 2, not 3" in out and "2 of 2 checks failed" in out


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
    check_model(model, EXPECTED, input_shape=(64,))
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
