"""Lab 05 helpers: Keras's Adam, the checks (with the references of instructor/references/lab05.py in
a student's place), the bowl, the widget drawing."""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf

from instructor.references.lab05 import (
    ADAM_STEP_MISTAKES,
    first_step_mistakes,
    reference_adam_step,
    reference_first_step,
)
from utils import optimizers as opt
from utils.widgets import Frames, live_figure, render_png

# ------------------------------------------------------------------ Adam against Keras


def test_plain_keras_adam_differs_only_by_float32_hyperparameters():
    """What the lab shows: Adam(learning_rate=0.15) on float64 weights is ~2e-5 away from the
    exact formula, and exactly the formula once alpha and the betas are rounded to float32 in
    the bias correction."""
    w = tf.Variable(opt.START, dtype=tf.float64)
    keras_adam = tf.keras.optimizers.Adam(learning_rate=0.15)
    plain = []
    for _ in range(opt.N_STEPS):
        keras_adam.apply_gradients([(tf.constant(opt.bowl_gradient(w.numpy())), w)])
        plain.append(w.numpy())
    plain = np.array(plain)
    exact = opt.adam_path(0.15)[1:]
    assert 1e-6 < np.abs(plain - exact).max() < 1e-4

    f32 = lambda x: float(np.float32(x))  # noqa: E731
    w, m, v, rounded = opt.START, np.zeros(2), np.zeros(2), []
    for t in range(1, opt.N_STEPS + 1):  # float32 alpha and betas in the bias correction only
        g = opt.bowl_gradient(w)
        m = m + (g - m) * (1 - 0.9)
        v = v + (g * g - v) * (1 - 0.999)
        w = w - f32(0.15) * np.sqrt(1 - f32(0.999) ** t) / (1 - f32(0.9) ** t) * m / (np.sqrt(v) + 1e-7)
        rounded.append(w)
    assert np.abs(plain - np.array(rounded)).max() < 1e-12


# ------------------------------------------------------------------ the check

def correct_in_place(w, g, m, v, t, alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g**2
    w -= alpha * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + epsilon)
    return w, m, v


def correct_as_lists(*args, **kwargs):
    return [list(np.ravel(a)) if np.ndim(a) == 1 else a.tolist() for a in reference_adam_step(*args, **kwargs)]


def correct_float32(*args, **kwargs):
    return tuple(np.float32(a) for a in reference_adam_step(*args, **kwargs))


@pytest.mark.parametrize("fn", [reference_adam_step, correct_in_place, correct_as_lists, correct_float32])
def test_correct_implementations_pass(fn, capsys):
    assert opt.evaluate_adam_step(fn).passed
    opt.check_adam_step(fn)
    assert capsys.readouterr().out.strip() == ("✅ adam_step: all 4 checks passed (20 steps next to "
                                              "tf.keras.optimizers.Adam; w, m and v agree to 1e-6).")


def test_every_recorded_mistake_has_a_hint_and_every_hint_a_mistake():
    assert list(opt.ADAM_STEP_HINTS) == list(ADAM_STEP_MISTAKES)
    recorded = {name for corrected in (True, False) for name in first_step_mistakes([1.0], 0.1, 0.9, 0.999, corrected)}
    assert recorded == set(opt.FIRST_STEP_HINTS)


@pytest.mark.parametrize("name", list(ADAM_STEP_MISTAKES))
def test_every_known_mistake_fails_with_its_own_hint(name):
    wrong, explanation = ADAM_STEP_MISTAKES[name], opt.ADAM_STEP_HINTS[name]
    problems = opt.evaluate_adam_step(wrong).problems
    assert problems, f"{name} passed the check"
    assert any(explanation in p.hints for p in problems), [p.text() for p in problems]


def test_paper_epsilon_fails_only_where_epsilon_matters():
    problems = opt.evaluate_adam_step(ADAM_STEP_MISTAKES["paper epsilon"]).problems
    assert len(problems) == 1 and "tiny gradients (1e-7), where epsilon matters" in problems[0].where
    assert "what differs from Keras at step t=1" in problems[0].what


def test_the_first_parting_step_is_reported():
    """A step that uses the raw gradient equals Adam at t = 1 (m_hat = g) and parts at t = 2."""
    problems = opt.evaluate_adam_step(ADAM_STEP_MISTAKES["gradient instead of m"]).problems
    assert problems and all("what differs from Keras at step t=2 (step 1 matched)" in p.what for p in problems)


def test_swapped_return_order_is_named(capsys):
    def wvm(*args, **kwargs):
        w, m, v = reference_adam_step(*args, **kwargs)
        return w, v, m

    opt.check_adam_step(wvm)
    assert "expects w, m, v in that order" in capsys.readouterr().out


def test_hard_coded_betas_are_named(capsys):
    def fixed(w, g, m, v, t, alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7):
        return reference_adam_step(w, g, m, v, t, alpha=alpha, epsilon=epsilon)

    opt.check_adam_step(fixed)
    out = capsys.readouterr().out
    assert out.startswith("❌") and "beta1=0.8" in out and "the check passes other betas" in out


def raises(*args, **kwargs):
    raise ValueError("not written yet")


def returns_none(*args, **kwargs):
    return None


def returns_two(*args, **kwargs):
    return reference_adam_step(*args, **kwargs)[:2]


def returns_text(*args, **kwargs):
    return "w", "m", "v"


def returns_wrong_shape(w, g, m, v, t, **kwargs):
    return np.zeros(7), m, v


def returns_nan(w, g, m, v, t, **kwargs):
    return w * np.nan, m, v


@pytest.mark.parametrize("fn, expected", [
    (raises, "raised ValueError"),
    (returns_none, "returned None"),
    (returns_two, "tuple of length 2"),
    (returns_text, "not three arrays of numbers"),
    (returns_wrong_shape, "returned w with shape (7,), expected (2,)"),
    (returns_nan, "nan"),
    (reference_adam_step(np.ones(2), np.ones(2), np.zeros(2), np.zeros(2), 1), "pass the function itself"),
])
def test_broken_answers_are_explained_never_raised(fn, expected, capsys):
    opt.check_adam_step(fn)
    out = capsys.readouterr().out
    assert out.startswith("❌") and expected in out


# ------------------------------------------------------------------ the bowl and the optimizers


def test_bowl_gradient_is_the_derivative_of_the_cost():
    w = np.array([1.3, -0.7])
    h = 1e-6
    numeric = [(opt.bowl_cost(w + h * e) - opt.bowl_cost(w - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(opt.bowl_gradient(w), numeric, rtol=1e-6)
    assert opt.bowl_cost(np.zeros((3, 4, 2))).shape == (3, 4)


def test_gradient_descent_needs_alpha_below_two_over_the_steep_curvature():
    limit = 2 / opt.STEEP
    assert abs(opt.gradient_descent_path(limit * 0.95)[-1, 1]) < 1.0
    assert abs(opt.gradient_descent_path(limit * 1.05)[-1, 1]) > 100


def test_no_gradient_descent_alpha_reaches_the_target_but_adam_does():
    """The lab's claim: in 80 steps no alpha gets gradient descent below cost 0.01."""
    for alpha in np.linspace(0.001, 0.6, 120):
        assert opt.steps_to_reach(opt.gradient_descent_path(alpha)) is None, alpha
    assert opt.steps_to_reach(opt.adam_path(0.15)) <= 40
    assert opt.steps_to_reach(opt.adam_path(0.5)) <= 15


def test_adam_steps_are_about_alpha_while_the_direction_holds():
    sizes = opt.step_sizes(opt.adam_path(0.15))
    np.testing.assert_allclose(sizes[:10, 0], 0.15, rtol=0.05)
    assert sizes[:10, 0].min() > 2 * opt.step_sizes(opt.gradient_descent_path(0.15))[:10, 0].max()


def test_epochs_and_steps_to_reach():
    assert opt.epochs_to_reach([2.0, 1.0, 0.4, 0.6], 0.5) == 3
    assert opt.epochs_to_reach([2.0, 1.0], 0.5) is None
    assert opt.steps_to_reach(np.array([[10.0, 1.0], [0.0, 0.0]])) == 1
    assert opt.steps_to_reach(np.array([[np.nan, np.nan]])) is None


# ------------------------------------------------------------------ figures and the widget


RACES = [(0.15, 0.9, 0.999), (0.5, 0.0, 0.9), (0.01, 0.99, 0.999)]


@pytest.mark.parametrize("alpha, beta1, beta2", RACES)
def test_race_explorer_draws_both_optimizers_and_describes_them(alpha, beta1, beta2):
    frames = Frames(opt.RaceExplorer, figsize=(10, 4.2))
    png, caption = frames.render(alpha=alpha, beta1=beta1, beta2=beta2)
    race = frames.explorer
    gd, adam = opt.gradient_descent_path(alpha), opt.adam_path(alpha, beta1, beta2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert caption == opt.describe_path("gradient descent", gd) + "\n" + opt.describe_path("Adam            ", adam)
    if alpha > 2 / opt.STEEP:
        assert "diverges" in caption and race.gd_label.get_text() == "gradient descent (leaves the plot)"
    np.testing.assert_array_equal(np.column_stack(race.gd_line.get_data()), opt.visible_path(gd)[0])
    # the explorer's path comes from the grid of one vectorised Keras run: equal to float64 rounding
    np.testing.assert_allclose(np.column_stack(race.adam_line.get_data()), adam, rtol=0, atol=1e-14)
    assert race.adam_label.get_text() == f"Adam (beta1={beta1:g}, beta2={beta2:g})"
    assert race.title.get_text() == f"80 steps with alpha = {alpha:g}"
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(race.size_lines["adam", 1].get_ydata(), opt.step_sizes(adam)[:, 1], atol=1e-14)
        np.testing.assert_array_equal(race.size_lines["gd", 0].get_ydata(), opt.step_sizes(gd)[:, 0])


def test_race_explorer_moved_shows_what_one_drawing_shows(plot_style):
    values = dict(alpha=0.15, beta1=0.9, beta2=0.999)
    moved = Frames(opt.RaceExplorer, figsize=(10, 4.2))
    moved.render(alpha=0.5, beta1=0.0, beta2=0.9)
    moved.render(alpha=0.01, beta1=0.99, beta2=0.999)
    assert moved.render(**values) == render_png(opt.RaceExplorer, figsize=(10, 4.2), **values)


def test_race_explorer_draws_a_pyplot_figure_in_full():
    fig = plt.figure(figsize=(11, 4.4), layout="constrained")
    race = opt.RaceExplorer()
    race.setup(fig)
    assert race.update(alpha=0.15).startswith("gradient descent: never below 0.01")
    fig.canvas.draw()
    plt.close(fig)


def test_widget_redraws_when_a_slider_moves():
    sliders = dict(alpha=widgets.FloatSlider(value=0.15, min=0.01, max=0.5, step=0.01),
                   beta1=widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01),
                   beta2=widgets.FloatSlider(value=0.999, min=0.9, max=0.999, step=0.001))
    box = live_figure(opt.RaceExplorer, figsize=(10, 4.2), **sliders)
    before = (box.picture, box.caption)
    sliders["alpha"].value = 0.3
    assert box.picture != before[0] and "diverges" in box.caption
    previous = box.picture
    sliders["beta1"].value = 0.5
    assert box.picture != previous


# ------------------------------------------------------------------ Going further's exercise: the first step

def first_step_sign(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
    factor = 1.0 if bias_correction else (1 - beta1) / np.sqrt(1 - beta2)
    return -alpha * factor * np.sign(np.asarray(g, dtype=float))


def first_step_keras_epsilon(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
    g = np.asarray(g, dtype=float)
    m, v = (1 - beta1) * g, (1 - beta2) * g**2
    if bias_correction:
        m, v = m / (1 - beta1), v / (1 - beta2)
    return -alpha * m / (np.sqrt(v) + 1e-7)


def first_step_on_lists(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
    return list(np.ravel(reference_first_step(g, alpha, beta1, beta2, bias_correction)).reshape(np.shape(g)))


@pytest.mark.parametrize("fn", [reference_first_step, first_step_sign, first_step_keras_epsilon])
def test_first_step_correct_answers_pass(fn):
    assert opt.evaluate_first_step(fn).passed


def test_first_step_is_alpha_with_correction_and_larger_without():
    g = np.array([0.5, -50.0, 0.0])
    np.testing.assert_allclose(reference_first_step(g, alpha=1.0), [-1.0, 1.0, 0.0])
    np.testing.assert_allclose(reference_first_step(g, alpha=1.0, bias_correction=False),
                               [-np.sqrt(10), np.sqrt(10), 0.0])
    np.testing.assert_allclose(reference_first_step(g, alpha=1.0, beta2=0.9999, bias_correction=False),
                               [-10.0, 10.0, 0.0])
    # and it is the change of w that Keras's Adam makes in its first step
    (w, _, _), = opt.keras_adam_states(np.zeros(2), [g[:2]], alpha=0.01)
    np.testing.assert_allclose(w, reference_first_step(g[:2], alpha=0.01), rtol=1e-5)


def _first_step_mistake(kind):
    def fn(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
        g = np.asarray(g, dtype=float)
        m, v = (1 - beta1) * g, (1 - beta2) * g**2
        mh, vh = m / (1 - beta1), v / (1 - beta2)
        right = reference_first_step(g, alpha, beta1, beta2, bias_correction)
        with np.errstate(all="ignore"):
            return {
                "uphill": -right,
                "size only": -np.abs(right),
                "nan at zero": -alpha * g / np.abs(g) * (1 if bias_correction else (1 - beta1) / np.sqrt(1 - beta2)),
                "gradient descent": -alpha * g,
                "no sqrt": -alpha * (mh / (vh + 1e-12) if bias_correction else m / (v + 1e-12)),
                "never corrected": -alpha * m / (np.sqrt(v) + 1e-12),
                "always corrected": -alpha * mh / (np.sqrt(vh) + 1e-12),
                "m only": -alpha * (mh if bias_correction else m) / (np.sqrt(v) + 1e-12),
                "v only": -alpha * m / (np.sqrt(vh if bias_correction else v) + 1e-12),
                "m too small only": -alpha * (1 if bias_correction else (1 - beta1)) * np.sign(g),
                "default betas": reference_first_step(g, alpha, bias_correction=bias_correction),
                "default alpha": reference_first_step(g, 0.001, beta1, beta2, bias_correction),
            }[kind]
    return fn


@pytest.mark.parametrize("kind, hint", [
    ("uphill", "the step goes uphill"),
    ("size only", "must give a positive change"),
    ("nan at zero", "the ratio is 0 / 0"),
    ("gradient descent", "gradient-descent step"),
    ("no sqrt", "the step divides by v itself"),
    ("never corrected", "this case asks for bias_correction=True"),
    ("always corrected", "this case asks for bias_correction=False"),
    ("m only", "only m is corrected"),
    ("v only", "only v is corrected"),
    ("m too small only", "the two do not cancel"),
    ("default betas", "the check passes other betas"),
    ("default alpha", "ignores the alpha it is given"),
])
def test_first_step_mistakes_are_named(kind, hint):
    result = opt.evaluate_first_step(_first_step_mistake(kind))
    assert not result.passed
    assert any(hint in message for message in result.messages()), result.messages()


def test_first_step_two_mistakes_are_both_named():
    """Issue 18: an uphill, uncorrected first step names both mistakes."""
    def uphill_uncorrected(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
        g = np.asarray(g, dtype=float)
        return alpha * (1 - beta1) * g / (np.sqrt((1 - beta2) * g**2) + 1e-12)

    text = "\n".join(opt.evaluate_first_step(uphill_uncorrected).messages())
    assert "the step goes uphill" in text and "asks for bias_correction=True" in text


def test_first_step_on_a_list_and_broken_answers(capsys):
    def no_asarray(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
        return -alpha * g / abs(g)

    def returns_none(*args, **kwargs):
        return None

    def stub(*args, **kwargs):
        raise NotImplementedError("first_step is not written yet")

    assert opt.evaluate_first_step(first_step_on_lists).passed
    assert "return" in opt.evaluate_first_step(returns_none).messages()[0]
    assert not opt.evaluate_first_step(no_asarray).passed
    assert opt.evaluate_first_step(stub).not_written
    opt.check_first_step(stub)
    assert "not written yet" in capsys.readouterr().out


# ------------------------------------------------------------------ Exercise 2: tune Adam

def test_settings_that_meet_the_goal_pass():
    for alpha, beta1 in [(0.3, 0.5), (0.25, 0.5), (0.4, 0.0), (0.2, 0.8)]:
        result = opt.evaluate_adam_settings(lambda a=alpha, b=beta1: (a, b))
        assert result.passed, (alpha, beta1, result.messages())
    assert opt.evaluate_adam_settings(lambda: [0.3, 0.5]).passed


def test_defaults_fail_and_both_reasons_are_named():
    """The lab's claim: alpha = 0.15 is too slow with any beta1, beta1 = 0.9 overshoots with any alpha."""
    for beta1 in np.linspace(0, 0.99, 34):
        assert not opt.evaluate_adam_settings(lambda b=beta1: (0.15, b)).passed, beta1
    for alpha in np.linspace(0.05, 0.6, 23):
        assert not opt.evaluate_adam_settings(lambda a=alpha: (a, 0.9)).passed, alpha
    text = "\n".join(opt.evaluate_adam_settings(lambda: (0.15, 0.9)).messages())
    assert "too slow" in text and "overshoots the minimum" in text and "back above at step 40" in text
    text = "\n".join(opt.evaluate_adam_settings(lambda: (0.3, 0.9)).messages())
    assert "too slow" not in text and "overshoots the minimum" in text


@pytest.mark.parametrize("settings, hint", [
    ((0.1, 0.5), "too slow"),
    ((0.25, 0.9), "overshoots the minimum"),
    ((0.3, 0.9), "overshoots the minimum"),
    ((0.5, 0.0), "jumps across it"),
    ((50.0, 0.5), "far too large"),
    ((1e4, 0.5), "far too large"),
])
def test_settings_mistakes_are_named(settings, hint):
    result = opt.evaluate_adam_settings(lambda: settings)
    assert not result.passed and any(hint in m for m in result.messages()), result.messages()


@pytest.mark.parametrize("returned, message", [
    (None, "returned None"),
    ((0.3,), "tuple of length 1"),
    ((0.3, 0.5, 0.999), "tuple of length 3"),
    (("fast", "low"), "must be numbers"),
    (("0.25", "0.5"), '0.25, not "0.25"'),
    ((0.25, "0.5"), "must be numbers"),
    ((True, 0.5), "must be numbers"),
    ((-0.3, 0.5), "must be a positive number"),
    ((0.3, 1.0), "up to (not including) 1"),
    ((0.3, -0.1), "up to (not including) 1"),
])
def test_settings_that_are_not_two_numbers_in_range_are_explained(returned, message):
    result = opt.evaluate_adam_settings(lambda: returned)
    assert not result.passed and message in result.messages()[0], result.messages()


def test_settings_check_never_raises(capsys):
    def stub():
        raise NotImplementedError("adam_settings is not written yet")

    def broken():
        return alpha  # noqa: F821

    assert opt.evaluate_adam_settings(stub).not_written
    assert "NameError" in opt.evaluate_adam_settings(broken).messages()[0]
    assert "pass the function itself" in opt.evaluate_adam_settings((0.3, 0.5)).messages()[0]
    opt.check_adam_settings(broken)
    assert capsys.readouterr().out.startswith("❌ adam_settings")


# ------------------------------------------------------------------ honest reports of a path

def test_path_report_counts_a_dip_that_swings_back():
    """At beta1 = 0.99 the cost dips below 0.01 once and ends far above it (issue 16)."""
    report = opt.path_report(opt.adam_path(0.15, beta1=0.99))
    assert report["first"] == 30 and report["settled"] is None and report["back_above"] == 31
    assert round(report["final"], 2) == 0.78
    caption = opt.describe_path("Adam", opt.adam_path(0.15, beta1=0.99))
    assert "back above" in caption and "above at the end" in caption and "0.78" in caption
    assert opt.steps_to_settle(opt.adam_path(0.15)) == 59
    assert opt.steps_to_settle(opt.adam_path(0.15, beta1=0.0)) == opt.steps_to_reach(opt.adam_path(0.15, beta1=0.0))
    assert "never below" in opt.describe_path("GD", opt.gradient_descent_path(0.15))


# ------------------------------------------------------------------ issue 23 and 24 patterns


def test_explorer_frame_only_draws(monkeypatch):
    """A slider move looks its Adam path up in the grid computed when the explorer was built: no Keras run."""
    frames = Frames(opt.RaceExplorer, figsize=(10, 4.2))
    frames.render(alpha=0.15, beta1=0.9, beta2=0.999)

    def no_keras(*args, **kwargs):
        raise AssertionError("a frame ran Keras's Adam")

    monkeypatch.setattr(opt, "keras_adam_states", no_keras)
    monkeypatch.setattr(opt, "adam_path", no_keras)
    for values in [dict(alpha=0.25, beta1=0.9, beta2=0.999), dict(alpha=0.15, beta1=0.99, beta2=0.999),
                   dict(alpha=0.15, beta1=0.0, beta2=0.999), dict(alpha=0.15, beta1=0.9, beta2=0.9),
                   dict(alpha=0.01 * 15 + 0.01 * 10, beta1=0.9, beta2=0.999)]:  # a slider's float sum
        assert "Adam" in frames.render(**values)[1]


def test_explorer_grid_matches_keras_single_runs():
    for alpha, beta1, beta2 in [(0.15, 0.9, 0.999), (0.25, 0.99, 0.9), (0.5, 0.0, 0.99)]:
        np.testing.assert_allclose(opt.explorer_adam_path(alpha, beta1, beta2), opt.adam_path(alpha, beta1, beta2),
                                   rtol=0, atol=1e-14)


def test_adam_step_same_mistake_twice_climbs_the_ladder_and_never_gives_the_line(capsys, monkeypatch):
    """A student's second run with the same mistake sees the next, more specific step; no step is the line."""
    from instructor.references.lab05 import ADAM_STEP_MISTAKES
    from utils import checks

    monkeypatch.setattr(checks, "_TIMES_SHOWN", {})  # a fresh kernel: no mistake shown yet

    no_correction = ADAM_STEP_MISTAKES["no bias correction"]
    opt.check_adam_step(no_correction)
    first = capsys.readouterr().out
    opt.check_adam_step(no_correction)
    second = capsys.readouterr().out
    assert "no bias correction" in first and "closer look" in second
    assert "scale alpha by it" in second and "scale alpha by it" not in first
    for text in (first, second):
        assert "sqrt(1 - beta2**t) / (1 - beta1**t)" not in text and "beta2 * v + (1 - beta2)" not in text
    for ladder in [*opt.ADAM_STEP_HINTS.values(), opt.W_ONLY_WRONG]:
        for step in ladder.steps:
            assert "sqrt(1 - beta2**t)" not in step and "(1 - beta1**t)" not in step


def test_settings_that_get_there_in_time_are_not_called_too_slow():
    """Review: (0.15, 0.99) reached 0.01 at step 30 and was called 'too slow'; the problem is the overshoot."""
    result = opt.evaluate_adam_settings(lambda: (0.15, 0.99))
    text = "\n".join(result.messages())
    assert not result.passed and "too slow" not in text and "overshoots" in text


def test_warn_unless_passed_follows_the_current_adam_step(capsys, monkeypatch):
    """A scratch check of another function does not mark the exercise's adam_step as failed."""
    from utils import checks

    namespace = {"adam_step": reference_adam_step}
    monkeypatch.setattr(checks, "notebook_namespace", lambda: namespace)
    opt.check_adam_step(reference_adam_step)
    opt.check_adam_step(lambda *args, **kwargs: None)  # a scratch call
    capsys.readouterr()
    checks.warn_unless_passed("adam_step")
    assert capsys.readouterr().out == ""


def _first_step_with_np_where(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
    # A beginner's guard after the division: np.where still divides 0 by 0 for the zero gradient.
    g = np.asarray(g, dtype=float)
    m, v = (1 - beta1) * g, (1 - beta2) * g**2
    if bias_correction:
        m, v = m / (1 - beta1), v / (1 - beta2)
    return np.where(v > 0, -alpha * m / np.sqrt(v), 0.0)


def test_first_step_guarded_with_np_where_is_told_why_it_warns(capsys, monkeypatch):
    """Trial: np.where gave 'right values, but NumPy warned' and nothing said why; now a ladder explains
    that np.where evaluates both branches, never suggests np.where, and never writes the line."""
    from utils import checks

    monkeypatch.setattr(checks, "_TIMES_SHOWN", {})
    opt.check_first_step(_first_step_with_np_where)
    first = capsys.readouterr().out
    opt.check_first_step(_first_step_with_np_where)
    second = capsys.readouterr().out
    assert "right values, but NumPy warned" in first and "evaluates a / b for every entry" in first
    assert first.count("evaluates a / b") == 1  # one hint for the failing case, printed once
    assert "closer look" in second and "divide only the entries" in second
    for ladder in [opt.ZERO_DIVISION_WARNING, *opt.FIRST_STEP_SIGN_HINTS.values()]:
        for step in ladder.steps:
            assert "out=" not in step and "where=" not in step and "(np.where, or" not in step


def test_settings_same_miss_twice_climbs_the_ladder(capsys, monkeypatch):
    """Trial: the same wrong (alpha, beta1) printed the identical message twice."""
    from utils import checks

    monkeypatch.setattr(checks, "_TIMES_SHOWN", {})
    opt.check_adam_settings(lambda: (0.15, 0.9))
    first = capsys.readouterr().out
    opt.check_adam_settings(lambda: (0.15, 0.9))
    second = capsys.readouterr().out
    assert first != second and "closer look" in second and "1 / (1 - beta1) = 10" in second
    assert "at most" not in first + second  # Adam's step is not capped at alpha


def test_settings_pass_line_says_what_was_checked(capsys):
    opt.check_adam_settings(lambda: (0.3, 0.5))
    out = capsys.readouterr().out
    assert "one per step from 30 to 80" in out and "stays below 0.01 at each of them" in out


# ------------------------------------------------------------------ the lab's demonstrations

def test_step_changes_follow_the_students_adam_step(capsys):
    changes = opt.step_changes(reference_adam_step, [0.5] * 5)
    np.testing.assert_allclose(changes, -1.0, atol=1e-3)
    opt.print_step_changes(reference_adam_step)
    out = capsys.readouterr().out
    assert "steady gradient 50" in out and "-20.00" in out and "after the rise -3.2" in out


def test_print_race_and_its_alt_text(capsys):
    gd, adam = opt.gradient_descent_path(0.15), opt.adam_path(0.15)
    opt.print_race(gd, adam)
    out = capsys.readouterr().out
    assert "steps 1, 10, 20, 30, 40: 0.150" in out and "  40 " in out
    assert "alpha 0.15" in opt.race_alt(gd, adam, alpha=0.15)


def test_settings_and_losses_figures_label_their_axes():
    fig, alt = opt.settings_figure(0.3, 0.5)
    assert "alpha 0.3 and beta1 0.5, below 0.01 from step" in alt
    plt.close(fig)
    fig, alt = opt.losses_figure({"SGD": [2.0, 1.0, 0.5], "Adam": [1.5, 0.5, 0.2]}, 0.6)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() and "target loss 0.6" in alt
    plt.close(fig)


def test_digit_losses_start_from_the_same_weights():
    first = opt.digit_losses(tf.keras.optimizers.SGD(learning_rate=0.01), epochs=1)
    again = opt.digit_losses(tf.keras.optimizers.SGD(learning_rate=0.01), epochs=1)
    assert first == again and len(first) == 1
    assert opt.describe_losses("SGD", [1.0, 0.5], 0.6) == "SGD: loss after 2 epochs 0.500; below 0.6 from epoch 2"


def test_digit_setup_and_labels_are_read_from_the_objects():
    """Trial: the lab's prose named numbers no output showed, and a label said 0.01 after the rate changed."""
    assert opt.describe_digit_setup() == ("data: 1,000 handwritten digits of 8x8 pixels; network: 64 -> 32 ReLU -> 10 "
                                          "(units per layer); mini-batches of 20, 8 epochs")
    assert opt.optimizer_label(tf.keras.optimizers.SGD()) == "SGD, learning rate 0.01"
    assert opt.optimizer_label(tf.keras.optimizers.Adam()) == "Adam, learning rate 0.001"
    assert opt.optimizer_label(tf.keras.optimizers.SGD(learning_rate=0.3)) == "SGD, learning rate 0.3"


def test_returning_the_corrected_moments_is_named_whatever_w_is(capsys, monkeypatch):
    """Trial: m_hat and v_hat returned in place of m and v got numbers only, even on a second run."""
    from utils import checks

    def keras_w_corrected_moments(w, g, m, v, t, alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7):
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g**2
        w = w - alpha * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + epsilon)
        return w, m / (1 - beta1**t), v / (1 - beta2**t)

    for wrong in (keras_w_corrected_moments, ADAM_STEP_MISTAKES["corrected moments"]):
        monkeypatch.setattr(checks, "_TIMES_SHOWN", {})  # a fresh kernel for each
        opt.check_adam_step(wrong)
        first = capsys.readouterr().out
        opt.check_adam_step(wrong)
        second = capsys.readouterr().out
        assert opt.CORRECTED_MOMENTS.steps[0] in first and opt.CORRECTED_MOMENTS.steps[1] in second


def test_path_verdict_follows_the_run():
    verdicts = {rate: opt.path_verdict(opt.gradient_descent_path(rate)) for rate in (0.02, 0.19, 0.21)}
    assert verdicts == {0.02: "too small: crawls along w₁", 0.19: "large: zig-zags across w₂",
                        0.21: "too large: the cost grows"}
