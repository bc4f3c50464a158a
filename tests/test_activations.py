"""Lab 02 helpers: TensorFlow's activations for the figures, data, widget drawings and exercise checks."""
import math

import numpy as np
import pytest
import tensorflow as tf

from instructor.references.lab02 import (
    OUTPUT_TARGETS,
    reference_fold_linear_layers,
    reference_sigmoid,
)
from utils import checks
from utils.activations import (
    ACTIVATIONS,
    BUILDER_OUTPUT_WEIGHTS,
    ActivationExplorer,
    ReluBuilderExplorer,
    affine,
    builder_target,
    check_fold_linear_layers,
    check_output_choices,
    check_relu,
    check_relu_builder,
    check_sigmoid,
    describe_unit,
    evaluate_output_choices,
    evaluate_relu_builder,
    make_exam_results,
    make_rainfall,
    make_temperature_change,
    relu_sum,
    relu_units,
    tf_activation_and_slope,
)
from utils.plots import COLOURS
from utils.widgets import Frames, render_png

Z = np.array([[-1000.0, -30.0, -2.5, -1e-3, 0.0], [1e-3, 0.7, 4.0, 30.0, 1000.0]])
SOLUTION_W, SOLUTION_B = [1.0, 2.0, 4.0], [0.0, -2.0, -8.0]


# ----------------------------------------------------------------------------- TensorFlow's activations

@pytest.mark.parametrize("name", ACTIVATIONS)
def test_tf_activation_and_slope(name):
    a, slope = tf_activation_and_slope(name, Z)
    np.testing.assert_array_equal(a, tf.keras.activations.get(name)(tf.constant(Z)).numpy())
    assert a.dtype == slope.dtype == np.float64 and slope.shape == Z.shape
    h = 1e-6  # away from ReLU's corner at 0, the slope is the difference quotient's limit
    inside = np.abs(Z) > 1e-2
    quotient = (tf_activation_and_slope(name, Z + h)[0] - tf_activation_and_slope(name, Z - h)[0]) / (2 * h)
    np.testing.assert_allclose(slope[inside], quotient[inside], atol=1e-6)
    assert tf_activation_and_slope("relu", 0.0)[1] == 0.0  # TensorFlow's slope at the corner
    with pytest.raises(ValueError, match="unknown activation"):
        tf_activation_and_slope("tanh", Z)


# ----------------------------------------------------------------------------- data

@pytest.mark.parametrize("make", [make_exam_results, make_temperature_change, make_rainfall])
def test_data_is_seeded_float32_and_one_feature(make):
    x, y = make()
    x2, y2 = make()
    assert x.shape == y.shape == (60,) and x.dtype == y.dtype == np.float32
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


@pytest.fixture(autouse=True)
def _fresh_ladders():
    """Every test starts as a fresh kernel: no mistake shown yet (feedback ladders), no check run."""
    checks._TIMES_SHOWN.clear()
    checks._VERDICTS.clear()


def test_each_target_has_the_kind_of_values_its_lesson_needs():
    _, passed = make_exam_results()
    _, change = make_temperature_change()
    _, rain = make_rainfall()
    assert set(np.unique(passed)) == {0.0, 1.0}
    assert change.min() < 0 < change.max()
    assert rain.min() == 0 and (rain == 0).sum() > 10 and rain.max() > 2


# ----------------------------------------------------------------------------- widgets

@pytest.mark.parametrize("g", ACTIVATIONS)
def test_activation_explorer_draws_every_function(g):
    frames = Frames(ActivationExplorer)
    png, caption = frames.render(g=g, w=-1.5, b=2.0)
    assert png[:4] == b"\x89PNG" and "x = 1.33" in caption
    explorer = frames.explorer
    z = -1.5 * explorer.x + 2.0
    a, slope = tf_activation_and_slope(g, z)
    np.testing.assert_array_equal(explorer.z_line.get_ydata(), z)
    np.testing.assert_array_equal(explorer.a_line.get_ydata(), a)
    np.testing.assert_array_equal(explorer.slope_line.get_ydata(), slope * -1.5)
    assert explorer.a_line.get_color() == explorer.a_handle.get_color() == COLOURS[g]
    assert explorer.a_label.get_text() == f"$a = g(z)$, g = {g}"
    assert explorer.title.get_text() == f"One unit: a = {g}(-1.5x + 2)"


def test_activation_explorer_moved_twice_draws_what_one_frame_draws(plot_style):
    frames = Frames(ActivationExplorer)
    frames.render(g="sigmoid", w=3.0, b=-5.0)
    frames.render(g="linear", w=0.0, b=1.0)
    assert frames.render(g="relu", w=-1.0, b=2.0) == render_png(ActivationExplorer, g="relu", w=-1.0, b=2.0)
    ax = frames.explorer.title.axes
    assert ax.xaxis not in frames.still.live and frames.explorer.a_line in frames.still.live  # axis: in the picture


def test_explorer_captions():
    assert "constant g(b) = 0.500" in describe_unit("sigmoid", 0.0, 0.0)
    assert "x = 0.00" in describe_unit("relu", 1.0, 0.0)  # never "-0.00"
    # w = -1, b = 2: the bend moves to x = +2 (from -2 at w = 1), and the ramp to the left has slope -1
    assert describe_unit("relu", -1.0, 2.0).startswith("Zero to the right of x = 2.00, a straight ramp with slope -1 "
                                                       "to the left")
    assert "Zero to the left of x = -2.00" in describe_unit("relu", 1.0, 2.0)
    assert "Nothing bends" in describe_unit("linear", 2.0, 1.0)


def test_sigmoid_caption_says_the_range_the_plot_shows():
    """Trial: at w = 0.25 the curve runs from 0.22 to 0.78 over x in [-5, 5]; the caption says so, not 'from 0 to 1'."""
    flat = describe_unit("sigmoid", 0.25, 0.0)
    assert "from 0.22 to 0.78" in flat and "part of an S-curve" in flat
    steep = describe_unit("sigmoid", 2.0, 1.0)
    assert "from 0.00 to 1.00" in steep and "part of" not in steep
    assert affine(2.0, -1.5) == "2x - 1.5" and affine(-1.0, 0.0) == "-1x + 0"


def test_relu_units_and_sum():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    units = relu_units(x, SOLUTION_W, SOLUTION_B)
    assert units.shape == (4, 3)
    np.testing.assert_array_equal(units[:, 1], [0, 0, 2, 4])
    np.testing.assert_allclose(relu_sum(x, SOLUTION_W, SOLUTION_B), builder_target(x))
    assert list(BUILDER_OUTPUT_WEIGHTS) == [1, 1, -1]


def test_builder_caption_says_when_it_matches():
    _, caption = render_png(ReluBuilderExplorer, w1=1.0, b1=0.0, w2=2.0, b2=-2.0, w3=4.0, b3=-8.0)
    assert caption.startswith("Matched")
    _, caption = render_png(ReluBuilderExplorer)
    assert caption.startswith("Largest gap to the target: 2.00")


def test_builder_draws_the_sum_each_unit_and_its_bend():
    frames = Frames(ReluBuilderExplorer)
    frames.render(w1=1.0, b1=-4.0, w2=0.0, b2=1.0, w3=-2.0, b3=2.0)
    explorer, x = frames.explorer, ReluBuilderExplorer.x
    units = relu_units(x, [1.0, 0.0, -2.0], [-4.0, 1.0, 2.0]) * BUILDER_OUTPUT_WEIGHTS
    np.testing.assert_array_equal(explorer.total_line.get_ydata(), units.sum(axis=1))
    for j in range(3):
        np.testing.assert_array_equal(explorer.unit_lines[j].get_ydata(), units[:, j])
    assert [t.get_text() for t in explorer.unit_labels] == [
        "+ unit 1: relu(1x - 4)", "+ unit 2: relu(0x + 1)", "− unit 3: relu(-2x + 2)"]
    # a marker where a unit switches on inside [0, 3]: unit 1 bends at x = 4 and unit 2 never bends
    assert [list(m.get_xdata()) for m in explorer.bend_markers] == [[], [], [1.0]]
    mismatch = explorer.mismatch.get_paths()[0].vertices  # the area between the target and the sum
    assert mismatch[:, 1].max() == pytest.approx(max(builder_target(x).max(), units.sum(axis=1).max()))


def test_builder_moved_twice_draws_what_one_frame_draws(plot_style):
    frames = Frames(ReluBuilderExplorer)
    frames.render(w1=-10.0, b1=10.0, w2=10.0, b2=-10.0, w3=-10.0, b3=-10.0)
    final = {"w1": 1.0, "b1": 0.0, "w2": 2.0, "b2": -2.0, "w3": 4.0, "b3": -8.0}
    assert frames.render(**final) == render_png(ReluBuilderExplorer, **final)


# ----------------------------------------------------------------------------- checks: relu, sigmoid

def passes(capsys):
    out = capsys.readouterr().out
    assert out.startswith("✅"), out
    return out


def fails(capsys, *fragments):
    out = capsys.readouterr().out
    assert out.startswith("❌"), out
    for fragment in fragments:
        assert fragment in out, out
    return out


def test_check_relu_passes_right_answers(capsys):
    check_relu(lambda z: np.maximum(0, z))
    passes(capsys)
    check_relu(lambda z: z * (z > 0))
    passes(capsys)


def in_place_relu(z):
    z[z < 0] = 0
    return z


def looping_relu(z):
    return max(0.0, z) if np.ndim(z) == 0 else np.array([0.0 if v < 0 else v for v in z])


@pytest.mark.parametrize(("student", "fragments"), [
    (lambda z: np.abs(z), ["that is |z|"]),
    (lambda z: np.max(z), ["you returned one number"]),
    (lambda z: np.minimum(0, z), ["keeps the negative part"]),
    (lambda z: np.max(z, 0), ["you returned one number", "the axis to reduce along"]),
    (lambda z: None, ["returned None"]),
    (in_place_relu, ["changed its input array in place"]),
    (looping_relu, ["truth value of an array", "element-wise functions"]),
    (np.maximum(0, 3.0), ["expected a function"]),
])
def test_check_relu_explains_mistakes(capsys, student, fragments):
    check_relu(student)
    fails(capsys, *fragments)


def test_max_over_an_axis_is_not_called_the_negative_part(capsys):
    """Trial: np.max(z, 0) gives one negative number back; that is a reduction, not 'the negative part'."""
    def my_relu(z):
        return np.max(z, 0)

    check_relu(my_relu)
    out = fails(capsys, "the axis to reduce along")
    assert "negative part" not in out
    check_relu(my_relu)
    out = fails(capsys, "a closer look", "element by element")
    assert "np.maximum" not in out  # the idea, not the function that is the whole answer


def test_python_max_on_an_array_gets_a_closer_second_step(capsys):
    """Trial: max(0, z) checked twice gave the same text; the second step is closer (not the line)."""
    def my_relu(z):
        return max(0, z)

    check_relu(my_relu)
    first = fails(capsys, "Python's own max()")
    check_relu(my_relu)
    second = fails(capsys, "a closer look", "element-wise twin")
    assert "element-wise twin" not in first and "np.maximum" not in first + second


def test_np_max_with_z_as_its_axis_has_its_own_ladder(capsys):
    """Trial: np.max(0, z) got only the generic text; its error text is recorded and named."""
    def my_relu(z):
        return np.max(0, z)

    check_relu(my_relu)
    fails(capsys, "np.max(0, z) does not compare 0 with z", "the axis to reduce along")
    check_relu(my_relu)
    out = fails(capsys, "a closer look", "np.max is the wrong tool")
    assert "np.maximum" not in out


def test_sigmoid_dividing_by_an_underflowed_exp_is_named(capsys):
    """Trial: 1 / (1 + 1 / small) got only 'run without NumPy warnings'."""
    def my_sigmoid(z):
        small = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + small), 1 / (1 + 1 / small))

    check_sigmoid(my_sigmoid)
    fails(capsys, "divide by zero", "underflows to exactly 0")
    check_sigmoid(my_sigmoid)
    out = fails(capsys, "a closer look", "multiplying the top and the bottom")
    assert "small / (1 + small)" not in out


def test_check_sigmoid_passes_the_stable_form_and_tensorflow(capsys):
    check_sigmoid(reference_sigmoid)
    passes(capsys)
    check_sigmoid(lambda z: tf.sigmoid(tf.constant(z, tf.float64)).numpy())
    passes(capsys)


@pytest.mark.parametrize(("student", "fragments"), [
    (lambda z: 1 / (1 + np.exp(-z)), ["NumPy warned: overflow", "1 / (1 + exp(-z)) does that"]),
    (lambda z: np.exp(z) / (1 + np.exp(z)), ["contains nan", "inf / inf"]),
    (lambda z: 1 / (1 + np.exp(np.clip(z, -500, 500))), ["a sign is flipped"]),
    (lambda z: 1 / (1 + math.exp(-z)), ["raised TypeError", "np.maximum, np.where, np.exp"]),
    (lambda z: 1 / (1 + np.exp(-np.clip(z, -10, 10))), ["differs"]),  # clipping too early loses accuracy
])
def test_check_sigmoid_explains_mistakes(capsys, student, fragments):
    with np.errstate(all="ignore"):
        check_sigmoid(student)
    fails(capsys, *fragments)


def test_sigmoid_ladder_climbs_and_np_where_gets_its_own_message(capsys):
    """Issue 23: a closer look shows the next step; np.where that still overflows is a different mistake."""
    def naive(z):
        return 1 / (1 + np.exp(-z))

    def where_both(z):
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))

    check_sigmoid(naive)
    first = fails(capsys, "1 / (1 + exp(-z)) does that")
    check_sigmoid(naive)
    second = fails(capsys, "a closer look")
    assert "1 / (1 + exp(-z)) does that" not in second  # a closer step, not the first again
    check_sigmoid(where_both)
    out = fails(capsys, "np.where computes both of its branches")
    assert "a closer look" not in out
    for text in (first, second, out):  # no step is the line to write
        assert "np.exp(-np.abs(z))" not in text and "exp(z) / (1 + exp(z))" not in text


def test_fold_ladder_never_gives_the_formula(capsys):
    last_bias = fold_with(lambda W, b, K, c: (W @ K, c))
    check_fold_linear_layers(last_bias)
    check_fold_linear_layers(last_bias)
    out = fails(capsys, "a closer look", "passes through every later layer's kernel")
    assert "b @ kernel + bias" not in out


def test_fold_bias_from_the_updated_W_is_not_called_a_wrong_order(capsys):
    """Trial: W = W @ kernel; b = b @ W + bias was told to change the (right) order of the kernels."""
    def my_fold(weights):
        W, b = None, None
        for kernel, bias in weights:
            if W is None:
                W, b = kernel, bias
            else:
                W = W @ kernel
                b = b @ W + bias
        return W, b

    check_fold_linear_layers(my_fold)
    out = fails(capsys, "already includes the new layer's kernel", "the order of the kernels in W is right")
    assert "in the order the layers apply them" not in out
    check_fold_linear_layers(my_fold)
    out = fails(capsys, "a closer look", "before W changes")
    assert "b @ kernel" not in out


def test_fold_for_three_layers_only_is_told_to_fold_any_number(capsys):
    """Trial: a fold unpacking exactly three layers is told to fold any number, not only given Python's error."""
    def three_only(weights):
        (k1, b1), (k2, b2), (k3, b3) = weights
        return k1 @ k2 @ k3, (b1 @ k2 + b2) @ k3 + b3

    def by_index(weights):
        return weights[0][0] @ weights[1][0] @ weights[2][0], weights[2][1]

    check_fold_linear_layers(three_only)
    fails(capsys, "not enough values to unpack", "any number of them")
    check_fold_linear_layers(three_only)
    out = fails(capsys, "a closer look", "fold one layer at a time")
    assert "@ kernel" not in out and "b @" not in out
    check_fold_linear_layers(by_index)
    fails(capsys, "IndexError", "fold one layer at a time")


def test_checks_do_not_leak_warnings(recwarn, capsys):
    check_sigmoid(lambda z: 1 / (1 + np.exp(-z)))
    fails(capsys)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# ----------------------------------------------------------------------------- checks: fold_linear_layers

def fold_with(update):
    """A student's fold_linear_layers whose loop step is `update`(W, b, kernel, bias) -> (W, b)."""
    def fold_linear_layers(weights):
        W, b = None, None
        for kernel, bias in weights:
            W, b = (np.asarray(kernel), np.asarray(bias)) if W is None else update(W, b, kernel, bias)
        return W, b
    return fold_linear_layers


def test_check_fold_passes_the_reference_and_tuples_or_lists(capsys):
    check_fold_linear_layers(reference_fold_linear_layers)
    passes(capsys)
    check_fold_linear_layers(lambda weights: list(reference_fold_linear_layers(weights)))
    passes(capsys)


@pytest.mark.parametrize(("update", "fragment"), [
    (lambda W, b, K, c: (W @ K, c), "b is only the last layer's bias"),
    (lambda W, b, K, c: (W @ K, b + c), "adds the biases as they are"),
    (lambda W, b, K, c: (W @ K, b @ K), "leaves out each new layer's own bias"),
    (lambda W, b, K, c: (K.T @ W.T, b @ K + c), "the first kernel stands leftmost"),
    (lambda W, b, K, c: (K @ W, b @ K + c), "multiply the kernels in the order the layers apply them"),
])
def test_check_fold_names_each_typical_mistake(capsys, update, fragment):
    check_fold_linear_layers(fold_with(update))
    fails(capsys, fragment)


def test_check_fold_square_order_and_odd_results(capsys):
    square = [[np.array([[1.0, 2.0], [0.0, 1.0]]), np.zeros(2)], [np.array([[1.0, 0.0], [3.0, 1.0]]), np.zeros(2)]]
    wrong_order = fold_with(lambda W, b, K, c: (K @ W, b @ K + c))
    assert not np.allclose(wrong_order(square)[0], reference_fold_linear_layers(square)[0])
    check_fold_linear_layers(wrong_order)
    fails(capsys, "not the product of the kernels in the order the layers apply them")
    check_fold_linear_layers(lambda weights: None)
    fails(capsys, "end with `return W, b`")


# ----------------------------------------------------------------------------- checks: output choices

RIGHT = {description: answer for description, (answer, _) in OUTPUT_TARGETS.items()}


def test_output_choices_accept_only_keras_spellings(capsys):
    """Keras refuses "ReLU" (tf.keras.activations.get fails), so the check does too, in one line naming them."""
    assert evaluate_output_choices(RIGHT) == []
    problems = evaluate_output_choices({k: v.upper() if v == "relu" else v for k, v in RIGHT.items()})
    assert problems and all("is not a name Keras knows" in p and "'linear', 'sigmoid', 'relu'" in p for p in problems)
    assert all("\n" not in p for p in problems)
    check_output_choices(RIGHT)
    assert passes(capsys).strip() == "✅ output activations: all 6 checks passed."


def test_output_choices_mistyped_key_gets_only_the_unexpected_key_message():
    description = "the price a house sells for, in dollars"
    answers = {(k + "s" if k == description else k): v for k, v in RIGHT.items()}
    problems = evaluate_output_choices(answers)
    assert len(problems) == 1 and "unexpected keys" in problems[0]


def test_sigmoid_sign_slip_on_one_side_says_which(capsys):
    def slip_negative(z):
        z = np.asarray(z, dtype=float)
        small = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + small), 1 / (1 + small))  # the negative side is sigmoid(-z)

    check_sigmoid(slip_negative)
    out = fails(capsys, "for negative z your values are sigmoid(-z)")
    assert "for positive z" not in out


def test_output_choices_explain_each_wrong_answer():
    answers = dict(RIGHT)
    answers["the price a house sells for, in dollars"] = "linear"
    answers["tomorrow's change in a share price, in dollars"] = None
    answers["whether an email is spam (1) or not (0)"] = "softmax"
    answers["the temperature inside a freezer tomorrow, in °C (always below zero)"] = "relu"
    problems = "\n".join(evaluate_output_choices(answers))
    assert "you chose 'linear', which does not fit this target" in problems and "-$5,000" in problems
    assert "which of the three ranges contains negative numbers" in problems
    assert "not answered yet" in problems
    assert "'softmax' is not one of" in problems


def test_output_choice_ladder_asks_before_it_explains(capsys):
    """Issue 23: a wrong choice first gets a question, not the right activation; the explanation comes next time."""
    answers = dict(RIGHT, **{"the price a house sells for, in dollars": "linear"})
    check_output_choices(answers)
    first = fails(capsys, "linear outputs any number")
    assert "ReLU" not in first and "relu" not in first.split("Hint")[1]
    check_output_choices(answers)
    second = fails(capsys, "a closer look", "prices a house could sell for")
    assert "starts at 0" not in second and "no upper limit" not in second  # the target's values, not the answer's range
    assert "ReLU" not in second and "relu" not in second.split("Hint")[1]  # leads to the idea, names no choice


def test_no_output_choice_step_names_the_answer():
    for description, (answer, why) in OUTPUT_TARGETS.items():
        assert answer not in why.lower() and "relu" not in why.lower(), (description, why)


def test_output_choices_with_bad_input():
    assert "expected a dict" in evaluate_output_choices(["sigmoid"])[0]
    answers = dict(RIGHT, **{"a made-up target": "relu"})
    assert "keep the descriptions exactly as given" in evaluate_output_choices(answers)[-1]


# ----------------------------------------------------------------------------- checks: ReLU builder

def test_relu_builder_solution_passes(capsys):
    assert evaluate_relu_builder(SOLUTION_W, SOLUTION_B) == []
    check_relu_builder(SOLUTION_W, SOLUTION_B)
    passes(capsys)


def test_relu_builder_names_the_wrong_segment():
    problems = evaluate_relu_builder([1.0, 1.0, 4.0], [0.0, -1.0, -8.0])
    assert "between x = 1 and x = 2 your sum has slope 2; the target's slope there is 3" in problems[0]
    assert "Hint:" in problems[-1]


def test_relu_builder_unit_ramping_the_wrong_way_gets_its_own_hint():
    """Issue 23: a unit with w < 0 (on to the left of its bend) is named, not given the general hint again."""
    general = evaluate_relu_builder([1.0, 1.0, 4.0], [0.0, -1.0, -8.0])[-1]
    backwards = evaluate_relu_builder([1.0, -2.0, 4.0], [0.0, 2.0, -8.0])[-1]
    assert "unit 2 has w = -2 < 0, so it is on to the *left* of its bend at x = 1" in backwards
    assert backwards.split("Hint:")[1] != general.split("Hint:")[1]


def test_relu_builder_target_slopes_as_w_get_their_own_ladder(capsys):
    """Trial: the target's slopes used as w; each unit adds a slope *change*, which the hint now says."""
    for w, b in [([1.0, 3.0, 1.0], [0.0, -3.0, -2.0]), ([1.0, 3.0, -1.0], [0.0, -3.0, 2.0])]:
        assert "supply only the *change* of slope" in evaluate_relu_builder(w, b)[-1]
    check_relu_builder([1.0, 3.0, 1.0], [0.0, -3.0, -2.0])
    fails(capsys, "the *change* of slope")
    check_relu_builder([1.0, 3.0, 1.0], [0.0, -3.0, -2.0])
    out = fails(capsys, "a closer look", "by how much the target's slope changes")
    assert "+2" not in out and "-4" not in out


def test_relu_builder_offset_and_bad_input():
    # right slopes everywhere, but unit 1 switched on too late: the sum is shifted
    assert "the slopes are right" in evaluate_relu_builder([1.0, 2.0, 4.0], [0.5, -2.0, -8.0])[0]
    assert "replace every None" in evaluate_relu_builder([None, None, None], [None, None, None])[0]
    assert "three numbers each" in evaluate_relu_builder([1.0, 2.0], [0.0, -2.0])[0]


def test_relu_builder_check_never_raises(capsys):
    check_relu_builder("abc", None)
    fails(capsys)


def test_coffee_network_same_start_for_every_activation_and_trains_repeatably():
    from utils.activations import coffee_network, train_coffee, training_accuracy

    sigmoid, relu = coffee_network("sigmoid"), coffee_network("relu")
    assert [layer.units for layer in relu.layers] == [8, 8, 1]
    for a, b in zip(sigmoid.get_weights(), relu.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    X = np.random.default_rng(0).normal(size=(40, 2)).astype("float32")
    y = (np.abs(X[:, 0]) < 0.7).astype("float32")
    first = train_coffee(coffee_network("relu"), X, y, epochs=2)
    again = coffee_network("relu")
    assert train_coffee(again, X, y, epochs=2) == first and len(first) == 2
    assert 0 <= training_accuracy(again, X, y) <= 1


def test_first_layer_gradient_matches_a_tape_and_sums_over_examples():
    from utils.activations import coffee_network, first_layer_gradient

    model = coffee_network("sigmoid")
    X = np.random.default_rng(1).normal(size=(10, 2)).astype("float32")
    y = np.arange(10) % 2
    g = first_layer_gradient(model, X, y)
    with tf.GradientTape() as tape:
        cost = tf.keras.losses.BinaryCrossentropy()(y[:, None], model(X))
    assert g["all"] == pytest.approx(float(tf.norm(tape.gradient(cost, model.layers[0].kernel))), rel=1e-4)
    assert g["cost"] == pytest.approx(float(cost), rel=1e-5)
    assert g["one"] >= g["all"]  # the norm of a mean is at most the mean of the norms
    assert 0 < g["outputs"][0] <= g["outputs"][1] < 1


def test_sigmoid_unit_report_one_line_per_hidden_layer():
    from utils.activations import coffee_network, sigmoid_unit_report

    report = sigmoid_unit_report(coffee_network("sigmoid"), np.zeros((3, 2), dtype="float32"))
    assert report.count("\n") == 1 and "hidden layer 1: largest |z| 0.00, slope g'(z) from 0.250 to 0.250" in report


def test_lab_figures_have_labelled_axes_and_alt_text():
    import matplotlib.pyplot as plt

    from utils.activations import network_figure, slope_figure

    fig, alt = slope_figure()
    assert fig.axes[0].get_xlabel() == "z" and "0.25 at z = 0" in alt and "|z| > 3.9" in alt
    for name in ("demand", "coffee"):
        fig_net, alt_net = network_figure(name)
        assert alt_net.startswith("Diagram of the")
    with pytest.raises(ValueError, match="choose 'demand' or 'coffee'"):
        network_figure("digits")
    plt.close("all")


def test_compare_fold_names_the_part_that_differs():
    from utils.activations import compare_fold

    W, b = np.eye(2), np.ones(2)
    assert compare_fold((W, b), (W, b)) is None
    assert compare_fold([W, b], (W, b)) is None
    assert compare_fold(W, (W, b)).startswith("returned a ndarray; expected the pair (W, b)")
    assert compare_fold((W, b + 1), (W, b)).startswith("b: ")
    assert compare_fold((2 * W, b), (W, b)).startswith("W: ")


def test_loss_figure_alt_text_names_each_curve_and_the_baseline():
    import matplotlib.pyplot as plt

    from utils.activations import loss_figure

    fig, alt = loss_figure({"sigmoid": [0.7, 0.69], "relu": [0.6, 0.2]}, 0.6871, 0.445)
    assert fig.axes[0].get_xlabel() == "epoch (25 steps each)"
    assert alt == ("Line plot of the training loss over 2 epochs, with a dotted line at 0.6871 (predicting 0.445 for "
                   "every roast): with sigmoid hidden units it ends at 0.690; with relu hidden units it ends at 0.200.")
    plt.close("all")
