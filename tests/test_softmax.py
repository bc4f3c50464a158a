"""Lab 03 helpers: the chance-loss, my_softmax and softmax-regression checks, the softmax explorer."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from utils.softmax import (
    SoftmaxExplorer,
    check_build_softmax_regression,
    check_chance_loss,
    check_my_softmax,
    softmax_and_loss,
)
from utils.softmax import (
    evaluate_chance_loss as _evaluate_chance_loss,
)
from utils.softmax import (
    evaluate_my_softmax as _evaluate_my_softmax,
)
from utils.widgets import Frames, render_png


@pytest.fixture(autouse=True)
def _no_mistake_seen_yet():
    from utils import checks

    checks._TIMES_SHOWN.clear()  # every test starts with no mistake seen before (feedback ladders)


def evaluate_my_softmax(fn):
    return _evaluate_my_softmax(fn).messages()

def evaluate_chance_loss(fn):
    return _evaluate_chance_loss(fn).messages()


# ------------------------------------------------------------------ students' versions of my_softmax


def good_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def naive_softmax(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / np.sum(e, axis=-1, keepdims=True)


def global_max_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)


def column_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def whole_batch_sum_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e)


def no_keepdims_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1)


def list_unfriendly_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def in_place_softmax(z):
    z = np.asarray(z, dtype=float)
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def min_shift_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.min(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def crashing_softmax(z):
    raise RuntimeError("not written yet")


def text(problems):
    return "\n".join(problems)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e4, 1e4)), st.data())
def test_the_explorers_softmax_and_loss_are_finite_for_any_logits(z, data):
    true_class = data.draw(st.integers(0, len(z) - 1))
    a, loss = softmax_and_loss(z, true_class)
    assert np.isfinite(a).all() and (a >= 0).all() and np.isclose(a.sum(), 1.0)
    assert np.isfinite(loss) and loss >= -1e-12
    if a[true_class] > 1e-300:
        assert loss == pytest.approx(-np.log(a[true_class]), rel=1e-9, abs=1e-9)


def test_correct_softmax_passes(capsys):
    assert evaluate_my_softmax(good_softmax) == []
    assert evaluate_my_softmax(good_softmax) == []
    check_my_softmax(good_softmax)
    assert capsys.readouterr().out.startswith("✅ my_softmax: all 8 checks passed.")


def test_forgetting_the_max_is_named(capsys):
    problems = text(evaluate_my_softmax(naive_softmax))
    assert "for z = [1000., 1001.], np.exp(1001) overflows to inf" in problems
    assert "overflows to inf" in problems
    check_my_softmax(naive_softmax)
    out = capsys.readouterr().out
    assert out.startswith("❌ my_softmax: 3 of 8 checks failed.") and "Subtracting the same number" in out
    assert "underflows to 0, and 0 / 0 is nan" in text(evaluate_my_softmax(naive_softmax))


@pytest.mark.parametrize("fn, phrase", [
    (global_max_softmax, "every example needs its own largest logit"),
    (column_softmax, "you normalized over the examples"),
    (whole_batch_sum_softmax, "one total for the whole batch"),
    (no_keepdims_softmax, "do not line up with the rows"),
    (min_shift_softmax, "not the smallest one to 0"),
    (list_unfriendly_softmax, "Make a NumPy array from z"),
    (in_place_softmax, "changed its input array in place"),
])
def test_typical_mistakes_fail_with_a_specific_hint(fn, phrase):
    problems = evaluate_my_softmax(fn)
    assert problems and phrase in text(problems)


def test_a_shift_by_the_min_fails_on_a_row_with_a_large_gap(capsys):
    """It is right on every other case (my_softmax([0., 1000.]) is [0, nan]): the check has a case that shows it."""
    check_my_softmax(min_shift_softmax)
    out = capsys.readouterr().out
    assert out.startswith("❌ my_softmax: 1 of 8 checks failed.") and "logits 1000 apart in one row" in out


@pytest.mark.parametrize("fn", [global_max_softmax, whole_batch_sum_softmax, no_keepdims_softmax, column_softmax,
                                min_shift_softmax, naive_softmax])
def test_softmax_ladders_climb_and_never_write_the_call(capsys, fn):
    """The same mistake three times: a new, closer step each time until the last; no step names the code."""
    outputs = []
    for _ in range(3):
        check_my_softmax(fn)
        outputs.append(capsys.readouterr().out)
    assert outputs[0] != outputs[1] and "closer look" in outputs[1] and "closer look" not in outputs[0]
    hints = "\n".join(line for out in outputs for line in out.splitlines() if "Hint" in line)  # not their own line
    for code in ("axis=-1", "keepdims=True", "np.max(z", "np.sum(e", "z - np.m", "z.max("):
        assert code not in hints, code


def test_the_softmax_check_never_raises(capsys):
    check_my_softmax(crashing_softmax)
    check_my_softmax(good_softmax([1.0, 2.0]))
    check_my_softmax(lambda z: None)
    check_my_softmax(lambda z: "text")
    check_my_softmax(lambda z: 1.0)
    out = capsys.readouterr().out
    assert out.count("❌") == 5 and "raised RuntimeError" in out and "every one of the 8 cases" in out
    assert "pass the function itself" in out and "returned None" in out


def test_chance_loss_check_passes_log_n_and_names_mistakes(capsys):
    assert evaluate_chance_loss(lambda n: np.log(n)) == []
    assert evaluate_chance_loss(lambda n: -np.log(1 / n)) == []
    mistakes = {
        "your loss is negative": lambda n: -np.log(n),
        "the probability the true class gets": lambda n: 1 / n,
        "base-10 logarithm": lambda n: np.log10(n),
        "base-2 logarithm": lambda n: np.log2(n),
        "a loss for every class": lambda n: n * np.log(n),
        "1 - a_y": lambda n: 1 - 1 / n,
        "what is that probability?": lambda n: 2.0 * n,
        "return one number": lambda n: np.full(n, np.log(n)),
    }
    for phrase, fn in mistakes.items():
        problems = evaluate_chance_loss(fn)
        assert problems and phrase in text(problems), phrase
    check_chance_loss(lambda n: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_chance_loss_failures_never_print_the_answer(capsys):
    """A wrong value is called wrong without the right number: ln 2 = 0.693147 would give the answer away."""
    for fn in (lambda n: 1 / n, lambda n: 2.0 * n, lambda n: np.log10(n)):  # values unlike the answer
        for _ in range(3):
            check_chance_loss(fn)
    out = capsys.readouterr().out
    assert out.count("❌") == 9 and "expected" not in out
    for answer in ("0.693", "0.69", "1.0986", "2.30", "1/n", "log(n"):
        assert answer not in out, answer


def test_the_same_chance_mistake_twice_climbs_its_ladder(capsys):
    """A student who gets the sign wrong twice sees the idea first, then a closer look (never the line)."""
    def negative(n):
        return float(np.log(1 / n))
    check_chance_loss(negative)
    first = capsys.readouterr().out
    check_chance_loss(negative)
    second = capsys.readouterr().out
    assert "minus sign missing" in first and "closer look" not in first
    assert "closer look" in second and "put a minus sign" in second
    assert "np.log(n" not in first + second and "log(1 / n" not in first + second


def test_a_missing_minus_and_minus_log_n_are_different_mistakes(capsys):
    """np.log(1/n) and -np.log(n) give the same negative value; each gets its own first step (trial 2026-12-07)."""
    def missing_minus(n):
        return np.log(1 / n)

    def log_of_count(n):
        return -np.log(n)
    check_chance_loss(missing_minus)
    first = capsys.readouterr().out
    check_chance_loss(log_of_count)
    second = capsys.readouterr().out
    assert "minus sign missing" in first and "n_classes is not a probability" not in first
    assert "n_classes is not a probability" in second and "closer look" not in second


def test_minus_log_n_floor_division_and_an_uncompiled_model_are_named(capsys):
    """-log(n) (n in place of 1/n) is told to ask whether n is a probability; 1 // n is named; no compile is said."""
    import tensorflow as tf

    check_chance_loss(lambda n: -np.log(n))
    out = capsys.readouterr().out
    assert "n_classes is not a probability" in out and "compare the sign" not in out
    with np.errstate(divide="ignore"):
        check_chance_loss(lambda n: -np.log(1 // n))
    assert "// is floor division" in capsys.readouterr().out
    uncompiled = lambda: tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(10)])  # noqa: E731
    check_build_softmax_regression(uncompiled)
    out = capsys.readouterr().out
    assert "your model is not compiled" in out and "NoneType" not in out and "learning rate nan" not in out


def test_an_axis_missing_for_a_vector_and_a_list_get_their_own_ladders(capsys):
    """axis=1 on a vector leads to the last axis (never the line), first step first; a list input is told to
    become an array without the line being written."""
    def axis_one(z):
        z = np.asarray(z, dtype=float)
        e = np.exp(z - np.max(z, axis=1, keepdims=True))
        return e / np.sum(e, axis=1, keepdims=True)

    def list_method(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    for fn, first_words, second_words in [(axis_one, "the last axis", "counts axes from the end"),
                                          (list_method, "plain Python list", "help(np.asarray)")]:
        check_my_softmax(fn)
        first = capsys.readouterr().out
        check_my_softmax(fn)
        second = capsys.readouterr().out
        assert first_words in first and "closer look" not in first and "(3, 4)" not in first
        assert second_words in second and "closer look" in second
        for code in ("axis=-1", "np.asarray(z", "np.array(z", "= np.as"):
            assert code not in "\n".join(line for line in (first + second).splitlines() if "Hint" in line), code


def _softmax_regression(output=None, loss=None, optimizer=None):
    import tensorflow as tf

    def build():
        model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), *(output or [tf.keras.layers.Dense(10)])])
        model.compile(optimizer=optimizer or tf.keras.optimizers.SGD(learning_rate=0.5),
                      loss=loss or tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model
    return build


def test_softmax_regression_check_passes_the_recommended_model(capsys):
    check_build_softmax_regression(_softmax_regression())
    assert capsys.readouterr().out.strip() == "✅ build_softmax_regression: all 3 checks passed."
    check_build_softmax_regression(_softmax_regression(optimizer="adam"))
    assert "the lab's numbers come from SGD(learning_rate=0.5)" in capsys.readouterr().out


def test_softmax_twice_and_a_relu_output_with_adam_are_named(capsys):
    import tensorflow as tf

    sparse = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    check_build_softmax_regression(_softmax_regression([tf.keras.layers.Dense(10, activation="softmax")], sparse))
    out = capsys.readouterr().out
    assert "the code says softmax twice" in out and "detour" not in out
    check_build_softmax_regression(_softmax_regression([tf.keras.layers.Dense(10, activation="relu")], sparse,
                                                       optimizer="adam"))
    out = capsys.readouterr().out
    assert "ReLU sets every negative output to 0" in out and "yours is Adam" in out


def test_softmax_regression_check_explains_the_typical_mistakes(capsys):
    import tensorflow as tf

    from instructor.references.lab03 import SOFTMAX_REGRESSION_MISTAKES

    phrases = {"softmax_layer": "the detour through probabilities", "probabilities_expected": "outputs logits, but",
               "one_hot_loss": "one-hot rows", "hidden_layer": "no hidden layer", "units": "one logit per class"}
    for key, build in SOFTMAX_REGRESSION_MISTAKES().items():
        check_build_softmax_regression(build)
        out = capsys.readouterr().out
        assert out.startswith("❌ build_softmax_regression") and phrases[key] in out, (key, out)
    # softmax in the layer: the shared 'the last layer is linear' remark would be false, so it is left out
    check_build_softmax_regression(_softmax_regression([tf.keras.layers.Dense(10, activation="softmax")],
                                                       tf.keras.losses.BinaryCrossentropy()))
    out = capsys.readouterr().out
    assert "the last layer is linear" not in out and "binary cross-entropy scores independent" in out
    check_build_softmax_regression(lambda: None)
    assert "does your function `return` the model?" in capsys.readouterr().out


def test_softmax_and_loss_is_stable_and_validates():
    a, loss = softmax_and_loss([0.0, -200.0], 1)
    assert a[1] < 1e-80 and loss == pytest.approx(200.0)
    a, loss = softmax_and_loss([1.0, 1.0, 1.0, 1.0], 2)
    assert np.allclose(a, 0.25) and loss == pytest.approx(math.log(4))
    with pytest.raises(ValueError, match="between 0 and 3"):
        softmax_and_loss([1, 2, 3, 4], 4)
    with pytest.raises(ValueError, match="non-empty vector"):
        softmax_and_loss([[1, 2]], 0)


def test_explorer_renders_and_reports_the_loss():
    png, caption = render_png(SoftmaxExplorer, z0=2.0, z1=1.0, z2=0.0, z3=-1.0, true_class=0)
    assert png[:4] == b"\x89PNG"
    assert "sum 1.000" in caption and "loss = -log(a_0) = 0.440" in caption
    _, caption = render_png(SoftmaxExplorer, z0=10.0, z1=-10.0, z2=-10.0, z3=-10.0, true_class=3)
    assert "loss = -log(a_3) = 20.000" in caption


def test_explorer_moves_the_bars_labels_and_title():
    frames = Frames(SoftmaxExplorer, figsize=(9, 3.6))
    frames.render(z0=2.0, z1=1.0, z2=0.0, z3=-1.0, true_class=0)
    explorer = frames.explorer
    _, caption = frames.render(z0=1.0, z1=3.0, z2=1.0, z3=1.0, true_class=1)
    a, loss = softmax_and_loss([1.0, 3.0, 1.0, 1.0], 1)
    assert [bar.get_height() for bar in explorer.z_bars] == [1.0, 3.0, 1.0, 1.0]
    assert np.allclose([bar.get_height() for bar in explorer.a_bars], a)
    assert [text.get_text() for text in explorer.values] == [f"{value:.3f}" for value in a]
    assert [text.get_fontweight() for text in explorer.values] == ["normal", "bold", "normal", "normal"]
    edges = [bar.get_edgecolor()[3] for bar in explorer.a_bars]  # alpha 0: no outline
    assert edges == [0, 1, 0, 0]
    assert explorer.true_label.get_position()[0] == 1 and explorer.true_label.get_text() == "\ntrue"
    assert explorer.title.get_text().endswith(f"loss = -log $a_1$ = {loss:.3f}")
    assert f"loss = -log(a_1) = {loss:.3f}" in caption
    assert explorer.ax_a.get_ylim() == (0, 1.12) and explorer.ax_a.figure.axes[0].get_ylim() == (-10.5, 10.5)


def test_explorer_moved_twice_draws_what_one_frame_draws(plot_style):
    final = dict(z0=10.0, z1=-10.0, z2=-10.0, z3=10.0, true_class=3)
    moved = Frames(SoftmaxExplorer, figsize=(9, 3.6))
    moved.render(z0=2.0, z1=1.0, z2=0.0, z3=-1.0, true_class=0)
    moved.render(z0=-10.0, z1=10.0, z2=0.0, z3=0.0, true_class=1)
    assert moved.render(**final) == Frames(SoftmaxExplorer, figsize=(9, 3.6)).render(**final)


def test_widget_sliders_and_dropdown_redraw_the_figure():
    import ipywidgets as widgets

    from utils.widgets import live_figure

    sliders = {f"z{j}": widgets.FloatSlider(value=v, min=-10, max=10, step=0.5)
               for j, v in enumerate([2.0, 1.0, 0.0, -1.0])}
    menu = widgets.Dropdown(options=[0, 1, 2, 3], value=0)
    box = live_figure(SoftmaxExplorer, figsize=(9, 3.6), **sliders, true_class=menu)
    assert "loss = -log(a_0) = 0.440" in box.caption
    before = box.picture
    menu.value = 3
    assert box.picture != before and "loss = -log(a_3) = 3.440" in box.caption
    sliders["z3"].value = 2.0        # now z_0 and z_3 tie
    assert "loss = -log(a_3) = 0.918" in box.caption


def test_one_max_and_one_sum_over_the_batch_are_both_named():
    """The student trial: the first hint named only the sum, a second round trip found the max."""
    def batch_max_and_sum(z):
        z = np.asarray(z, dtype=float)
        e = np.exp(z - np.max(z))
        return e / np.sum(e)

    problems = text(evaluate_my_softmax(batch_max_and_sum))
    assert "every example needs its own largest logit" in problems and "one total for the whole batch" in problems


def test_ready_made_figures_carry_their_alt_text():
    import matplotlib.pyplot as plt

    from utils.softmax import loss_curve_figure, softmax_layer_figure, softmax_regression_figure

    for make, fragment in ((softmax_layer_figure, "one softmax block spans all four"),
                           (softmax_regression_figure, "the softmax belongs to the loss"),
                           (loss_curve_figure, "falls from 5.30 at a_y = 0.005")):
        fig, alt = make()
        assert fragment in alt and fig.axes[0].get_title()
        plt.close(fig)


def test_a_naive_batch_softmax_is_told_about_overflow_not_the_sum(capsys):
    """Trial 2026-12-07: the naive softmax's batch got 'yours sum to 0.: divide e^z by its sum' (nan elsewhere)."""
    def naive(z):
        e = np.exp(z)
        return e / np.sum(e)
    with np.errstate(all="ignore"):
        check_my_softmax(naive)
    out = capsys.readouterr().out
    assert "divide e^z by its sum" not in out and "overflows to inf" in out


def test_a_wrong_softmax_regression_line_does_not_name_the_expected_value(capsys):
    """Trial 2026-12-07: 'expected 'linear'' or 'expected from_logits=True' gave the answer away."""
    import tensorflow as tf

    def build(activation=None, units=10, loss=None):
        def f():
            model = tf.keras.Sequential([tf.keras.Input(shape=(64,)),
                                         tf.keras.layers.Dense(units, activation=activation)])
            model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.5),
                          loss=loss or tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
            return model
        return f
    for fn in (build("softmax"), build(units=9), build(loss=tf.keras.losses.SparseCategoricalCrossentropy()),
               build(loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True))):
        check_build_softmax_regression(fn)
        out = capsys.readouterr().out
        assert "expected" not in out and "❌" in out, out


def test_a_sum_over_the_examples_is_named_in_a_batch_of_one_row_too():
    """Lab 03 trial: softmax normalised with axis=0 gives all ones for a one-row batch, which read as
    'divide e^z by its sum' although the student did divide, over the wrong axis."""
    from utils.softmax import evaluate_my_softmax

    def over_examples(z):
        e = np.exp(z - np.max(z, axis=0, keepdims=True))
        return e / np.sum(e, axis=0, keepdims=True)

    text = evaluate_my_softmax(over_examples).text()
    assert "you normalized over the examples" in text and "divide e^z by its sum" not in text
