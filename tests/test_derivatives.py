"""Lab 07 helpers: nudge estimates, the example catalogue, the tangent explorer and the exercise checks."""
import io

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.derivatives import (
    BOTH_WAYS_CASES,
    EXAMPLES,
    GRADIENT_CASES,
    LINEAR_X,
    LINEAR_Y,
    W_RANGE,
    TangentExplorer,
    check_central_difference,
    check_numerical_gradient,
    epsilon_sweep,
    evaluate_central_difference,
    evaluate_numerical_gradient,
    example,
    explorer_caption,
    linear_model_cost,
    linear_model_tape_gradient,
    nudge,
    nudge_error_table,
    secant_and_tangent,
    three_ways,
)
from utils.widgets import Frames, render_png

# ----------------------------------------------------------------------------- nudging


def test_the_course_example_w_squared_at_3():
    before, after, k = nudge(example("w**2"), 3.0, 0.001)
    assert before == 9.0
    assert after == pytest.approx(9.006001, abs=1e-12)
    assert k == pytest.approx(6.001, abs=1e-9)


def test_zero_epsilon_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="epsilon must not be 0"):
        nudge(example("w"), 1.0, 0.0)


def test_smaller_epsilon_gets_closer_for_w_squared():
    epsilons = [1.0, 0.1, 0.01, 0.001, 1e-4, 1e-5]
    estimates, errors = epsilon_sweep(example("w**2"), 3.0, 6.0, epsilons)
    # ((w + e)^2 - w^2) / e = 2w + e: the error is epsilon itself
    np.testing.assert_allclose(estimates, 6.0 + np.array(epsilons), rtol=1e-9)
    np.testing.assert_allclose(errors, epsilons, rtol=1e-5)
    assert np.all(np.diff(errors) < 0)


def test_a_too_small_epsilon_is_spoiled_by_rounding():
    estimates, _ = epsilon_sweep(example("w**2"), 3.0, 6.0, [1e-16])
    assert estimates[0] == 0.0  # 3 + 1e-16 == 3 in float64


# ----------------------------------------------------------------------------- example catalogue

@pytest.mark.parametrize("name", list(EXAMPLES))
@settings(max_examples=30, deadline=None)
@given(w=st.floats(min_value=W_RANGE[0], max_value=W_RANGE[1]))
def test_hand_written_derivatives_match_sympy(name, w):
    s = sympy.symbols("w")
    J = sympy.sympify(name, locals={"w": s})
    ex = example(name)
    assert float(ex.J(w)) == pytest.approx(float(J.subs(s, w)), rel=1e-12)
    assert float(ex.dJ(w)) == pytest.approx(float(sympy.diff(J, s).subs(s, w)), rel=1e-12, abs=1e-12)
    assert float(ex.d2J(w)) == pytest.approx(float(sympy.diff(J, s, 2).subs(s, w)), rel=1e-12, abs=1e-12)


def test_examples_work_on_arrays_and_read_well_in_messages():
    ws = np.linspace(*W_RANGE, 7)
    for name, ex in EXAMPLES.items():
        assert np.shape(ex.dJ(ws)) == ws.shape and np.shape(ex.d2J(ws)) == ws.shape
        assert repr(ex) == f"J(w) = {name}"
    with pytest.raises(KeyError, match="choose one of"):
        example("w**5")


# ----------------------------------------------------------------------------- tangent widget

def test_secant_slope_is_the_nudge_estimate_and_tends_to_the_tangent():
    s = secant_and_tangent("w**2", 3.0, 0.5)
    assert s["secant"] == pytest.approx(6.5) and s["tangent"] == 6.0 and s["gap"] == pytest.approx(0.5)
    assert s["rise"] == pytest.approx(s["secant"] * 0.5)
    gaps = [abs(secant_and_tangent("1/w", 1.0, e)["gap"]) for e in (1.0, 0.1, 0.01, 0.001)]
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 2e-3


@pytest.mark.parametrize("name", list(EXAMPLES))
@pytest.mark.parametrize(("w", "epsilon"), [(0.5, 0.001), (3.0, 0.5), (3.5, 1.0)])
def test_tangent_explorer_renders_every_slider_corner(name, w, epsilon):
    png, caption = render_png(TangentExplorer, function=name, w=w, epsilon=epsilon)
    assert png[:4] == b"\x89PNG"
    s = secant_and_tangent(name, w, epsilon)
    assert f"{s['tangent']:.4g}" in caption and f"{s['secant']:.4g} × ε" in caption


def _pixels(png):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)), dtype=int)


def _tangent_picture(frames):
    """What the tangent figure shows: every line's data, the texts and the axis limits."""
    ax = frames.explorer.ax
    return ([np.asarray(line.get_xydata()).tolist() for line in ax.lines],
            [t.get_text() for t in ax.get_legend().get_texts()], ax.get_title(), ax.get_xlim(), ax.get_ylim())


def test_tangent_explorer_draws_the_curve_tangent_secant_and_triangle():
    frames = Frames(TangentExplorer)
    _, caption = frames.render(function="w**3", w=2.0, epsilon=0.5)
    ax = frames.explorer.ax
    assert ax.get_xlabel() == "w" and ax.get_ylabel() == "J(w)"
    assert ax.get_title() == "$J = w^3$: slope at w = 2.00, nudged by ε = 0.5"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "$J = w^3$", "tangent at w = 2.00: slope 12.000", "through the nudged point: slope 15.250"]
    curve, tangent, secant, run, rise, nudged, point = ax.lines
    ws = curve.get_xdata()
    np.testing.assert_allclose(curve.get_ydata(), ws**3)
    np.testing.assert_allclose(tangent.get_ydata(), 8 + 12 * (ws - 2))
    np.testing.assert_allclose(secant.get_ydata(), 8 + 15.25 * (ws - 2))
    np.testing.assert_allclose(np.transpose(nudged.get_xydata()), [[2.0, 2.5], [8.0, 15.625]])
    np.testing.assert_allclose(rise.get_xydata(), [[2.5, 8.0], [2.5, 15.625]])
    np.testing.assert_allclose(run.get_xydata(), [[2.0, 8.0], [2.5, 8.0]])
    np.testing.assert_allclose(point.get_xydata(), [[2.0, 8.0]])
    assert ax.get_xlim() == W_RANGE
    pad = 0.1 * (4.5**3 - 0.4**3)
    np.testing.assert_allclose(ax.get_ylim(), (0.4**3 - pad, 4.5**3 + pad))
    assert caption == ("Dashed line, slope 15.25: J(2.00) = 8.000, J(2.00 + 0.5) = 15.625, a change of +7.625 "
                       "= 15.25 × ε\nSolid tangent at w = 2.00: exact slope dJ/dw = 12; "
                       "the dashed slope is off by +3.25")


def test_tangent_explorer_moved_shows_what_one_drawing_shows(plot_style):
    moved = Frames(TangentExplorer)
    for w, epsilon in [(3.0, 1.0), (2.0, 0.5), (0.5, 0.001)]:  # the axes and curve are kept from frame 2
        png, caption = moved.render(function="w**2", w=w, epsilon=epsilon)
    once = Frames(TangentExplorer)
    assert (png, caption) == once.render(function="w**2", w=0.5, epsilon=0.001)
    assert _tangent_picture(moved) == _tangent_picture(once)


def test_tangent_explorer_with_a_new_cost_shows_what_one_drawing_shows(plot_style):
    final = {"function": "1/w", "w": 0.5, "epsilon": 0.001}
    moved = Frames(TangentExplorer)
    moved.render(function="w**3", w=3.5, epsilon=1.0)
    moved.render(function="w**3", w=1.0, epsilon=0.1)
    png, caption = moved.render(**final)
    once = Frames(TangentExplorer)
    png_once, caption_once = once.render(**final)
    assert caption == caption_once and _tangent_picture(moved) == _tangent_picture(once)
    # the menu's change lays the figure out again: the same pixels, up to the title's anti-aliasing
    difference = np.abs(_pixels(png) - _pixels(png_once))
    assert difference.max() <= 8 and np.count_nonzero(difference) < 500


# ----------------------------------------------------------------------------- nudging both ways

def both_ways(J, w, epsilon):  # Exercise 1's estimate, as a student writes it
    return (J(w + epsilon) - J(w - epsilon)) / (2 * epsilon)


def test_nudging_both_ways_has_an_error_of_epsilon_squared_for_w_cubed():
    # ((w + e)^3 - (w - e)^3) / 2e = 3w^2 + e^2: exactly e^2 off, against about 3w e one-sided
    epsilons = np.array([0.1, 0.01, 0.001])
    _, errors = epsilon_sweep(example("w**3"), 2.0, 12.0, epsilons, estimate=both_ways)
    np.testing.assert_allclose(errors, epsilons**2, rtol=1e-5)


def test_the_rounding_floor_of_both_ways_lies_at_a_larger_epsilon():
    sweep = np.logspace(-16, 0, 81)
    _, one_sided = epsilon_sweep(example("w**3"), 2.0, 12.0, sweep)
    _, both = epsilon_sweep(example("w**3"), 2.0, 12.0, sweep, estimate=both_ways)
    assert sweep[np.argmin(both)] > sweep[np.argmin(one_sided)] and both.min() < one_sided.min()


# ----------------------------------------------------------------------------- Exercise 1 check

def messages(result):
    return "\n".join(result.messages())


def test_right_answers_pass(capsys):
    assert evaluate_central_difference(both_ways).passed
    averaged = lambda J, w, e: ((J(w + e) - J(w)) / e + (J(w) - J(w - e)) / e) / 2  # noqa: E731
    assert evaluate_central_difference(averaged).passed
    assert evaluate_central_difference(lambda J, w, e: np.float32(both_ways(J, w, e))).passed
    check_central_difference(both_ways)
    assert capsys.readouterr().out.strip() == f"✅ both_ways: all {len(BOTH_WAYS_CASES)} checks passed."


BOTH_WAYS_MISTAKES = [
    (lambda J, w, e: (J(w + e) - J(w)) / e, "one-sided nudge of section 1"),
    (lambda J, w, e: (J(w) - J(w - e)) / e, "a nudge to the left only"),
    (lambda J, w, e: (J(w + e) - J(w - e)) / e, "twice the slope"),
    (lambda J, w, e: (J(w - e) - J(w + e)) / (2 * e), "the sign is flipped"),
    (lambda J, w, e: (J(w + e) - J(w - e)) / 2 * e, "Check the order of operations"),
    (lambda J, w, e: J(w + e) - J(w - e) / (2 * e), "Python divides before it subtracts"),
    (lambda J, w, e: J(w + e) - J(w - e), "the rise alone"),
    (lambda J, w, e: (J(w + e) - J(w - e)) / 2, "divided by a number, not by the run"),
    (lambda J, w, e: (J(w + e) + J(w - e)) / (2 * e), "not their sum"),
    (lambda J, w, e: both_ways(J, w, 1e-6), "ignore its `epsilon`"),
    (lambda J, w, e: None, "is None"),
    (lambda J, w, e: [1.0, 2.0], "expected one number"),
    (lambda J, w, e: lambda v: v, "is a function"),
    (lambda J, w, e: 1 / 0, "raised ZeroDivisionError"),
]


@pytest.mark.parametrize(("student", "fragment"), BOTH_WAYS_MISTAKES, ids=[m[1] for m in BOTH_WAYS_MISTAKES])
def test_each_both_ways_mistake_fails_and_is_named(student, fragment, capsys):
    result = evaluate_central_difference(student)
    assert not result.passed, "a wrong answer must never pass"
    assert fragment in messages(result)
    check_central_difference(student)  # prints, never raises
    assert capsys.readouterr().out.startswith("❌")


def test_the_unwritten_stub_says_so_and_a_non_function_is_explained(capsys):
    def stub(J, w, epsilon):
        raise NotImplementedError("central_difference is not written yet")

    check_central_difference(stub)
    assert "not written yet" in capsys.readouterr().out
    check_central_difference(6.0)
    out = capsys.readouterr().out
    assert "expected a function, got float" in out and "checks failed" not in out


# ----------------------------------------------------------------------------- Exercise 2 check

def copies(J, params, epsilon):
    slopes = []
    for i in range(len(params)):
        up, down = params.copy(), params.copy()
        up[i] += epsilon
        down[i] -= epsilon
        slopes.append((J(up) - J(down)) / (2 * epsilon))
    return np.array(slopes)


def through_exercise_1(J, params, epsilon):
    def slice_at(i):
        return lambda t: J(np.concatenate([params[:i], [t], params[i + 1:]]))
    return [both_ways(slice_at(i), params[i], epsilon) for i in range(len(params))]


def test_right_gradients_pass(capsys):
    assert evaluate_numerical_gradient(copies).passed
    assert evaluate_numerical_gradient(through_exercise_1).passed  # a list is fine
    check_numerical_gradient(copies)
    assert capsys.readouterr().out.strip() == f"✅ copies: all {len(GRADIENT_CASES)} checks passed."


def _first_only(J, params, epsilon):
    for i in range(len(params)):
        return copies(J, params, epsilon)[i]


def _all_at_once(J, params, epsilon):
    return np.full(len(params), (J(params + epsilon) - J(params - epsilon)) / (2 * epsilon))


def _left_in_place(J, params, epsilon):
    slopes = []
    for i in range(len(params)):
        params[i] += epsilon
        up = J(params)
        params[i] -= 2 * epsilon
        slopes.append((up - J(params)) / (2 * epsilon))
    return slopes


def _one_sided(J, params, epsilon):
    slopes = []
    for i in range(len(params)):
        up = params.copy()
        up[i] += epsilon
        slopes.append((J(up) - J(params)) / epsilon)
    return slopes


def _skips_the_last(J, params, epsilon):
    got = copies(J, params, epsilon)
    got[-1] = 0.0
    return got if len(params) > 1 else got + 1.0


def _restored_in_place(J, params, epsilon):  # changes the caller's array and puts it back: right
    slopes = []
    for i in range(len(params)):
        keep = params[i]
        params[i] = keep + epsilon
        up = J(params)
        params[i] = keep - epsilon
        slopes.append((up - J(params)) / (2 * epsilon))
        params[i] = keep
    return slopes


def _aliased(J, params, epsilon):  # `up, down = params, params`: one array under two names
    params = np.asarray(params, dtype=float)
    gradient = np.zeros_like(params)
    for i in range(params.size):
        up, down = params, params
        up[i] += epsilon
        down[i] -= epsilon
        gradient[i] = (J(up) - J(down)) / (2 * epsilon)
    return gradient


def _sliced(J, params, epsilon):  # `up = params[:]`: a view of a NumPy array, not a copy
    gradient = []
    for i in range(len(params)):
        up, down = params[:], params[:]
        up[i] += epsilon
        down[i] -= epsilon
        gradient.append((J(up) - J(down)) / (2 * epsilon))
    return gradient


def copies_moved(params, i, step):
    moved = np.array(params, dtype=float)
    moved[i] += step
    return moved


GRADIENT_MISTAKES = [
    (_first_only, "`return` inside the loop"),
    (_aliased, "one and the same array"),
    (_sliced, "[:] (it copies a list, but of a NumPy array it makes a view"),
    (lambda J, p, e: [J(copies_moved(p, i, e)) - J(copies_moved(p, i, -e)) / (2 * e) for i in range(len(p))],
     "only part of the rise was divided by the run: check the order of operations"),
    (_all_at_once, "all parameters were nudged at once"),
    (_left_in_place, "a nudge was left in place"),
    (_one_sided, "one-sided nudge"),
    (lambda J, p, e: 2 * copies(J, p, e), "twice too large"),
    (lambda J, p, e: -copies(J, p, e), "the wrong sign"),
    (_skips_the_last, "does your loop visit every index"),
    (lambda J, p, e: [both_ways(J, p[i], e) for i in range(len(p))], "J takes the whole array"),
    (lambda J, p, e: float(np.sum(copies(J, p, e))), "one partial derivative per parameter"),
    (lambda J, p, e: central_difference(J, p, e), "run the cell of Exercise 1 first"),  # noqa: F821
]


@pytest.mark.parametrize(("student", "fragment"), GRADIENT_MISTAKES, ids=[m[1] for m in GRADIENT_MISTAKES])
def test_each_gradient_mistake_fails_and_is_named(student, fragment, capsys):
    result = evaluate_numerical_gradient(student)
    assert not result.passed, "a wrong answer must never pass"
    assert fragment in messages(result)
    check_numerical_gradient(student)
    assert capsys.readouterr().out.startswith("❌")


def test_a_nudge_put_back_passes():
    assert evaluate_numerical_gradient(_restored_in_place).passed


# ----------------------------------------------------------------------------- Exercise 3: tangent_line

def _tangent(J, w, at):
    import sympy
    slope = sympy.diff(J, w).subs(w, at)
    return float(slope), float(J.subs(w, at) - slope * at)


def test_tangent_check_passes_the_right_tangent_and_names_each_slip():
    from utils.derivatives import evaluate_tangent_line
    assert evaluate_tangent_line(_tangent).passed
    slips = {
        "where the tangent crosses the vertical axis": lambda J, w, at: (_tangent(J, w, at)[0], float(J.subs(w, at))),
        "the wrong order": lambda J, w, at: _tangent(J, w, at)[::-1],
        "the derivative of a number is 0": lambda J, w, at: (0.0, float(J.subs(w, at))),
        "a formula with w is left": lambda J, w, at: (J.diff(w), 0.0),
    }
    for fragment, slip in slips.items():
        result = evaluate_tangent_line(slip)
        assert not result.passed and fragment in result.text(), result.text()
    no_float = evaluate_tangent_line(lambda J, w, at: (J.diff(w), J)).text()  # float() never called
    assert "(subs) to get a number" in no_float and "float()" not in no_float


def test_tangent_ladder_gets_more_specific_when_the_same_slip_comes_back(capsys):
    from utils import checks

    checks._TIMES_SHOWN.clear()  # a fresh kernel: no mistake seen yet
    from utils.derivatives import check_tangent_line

    def intercept_is_J(J, w, at):
        return _tangent(J, w, at)[0], float(J.subs(w, at))

    check_tangent_line(intercept_is_J)
    first = capsys.readouterr().out
    check_tangent_line(intercept_is_J)
    second = capsys.readouterr().out
    assert "vertical axis" in first and "m times the distance walked" in second


def test_a_slip_repeated_gets_a_closer_look_and_no_hint_is_the_line_to_write(capsys):
    from utils import checks

    checks._TIMES_SHOWN.clear()  # a fresh kernel: no mistake seen yet
    def precedence(J, w, e):
        return (J(w + e) - J(w - e)) / 2 * e

    def run_is_epsilon(J, w, e):
        return (J(w + e) - J(w - e)) / e

    check_central_difference(precedence)
    first = capsys.readouterr().out
    check_central_difference(precedence)
    second = capsys.readouterr().out
    check_central_difference(run_is_epsilon)  # a different slip starts its own ladder
    other = capsys.readouterr().out
    assert "Check the order of operations" in first and "compute it before it divides" in second
    assert "twice the slope" in other and "order of operations" not in other
    for shown in (first, second, other):
        assert "/ (2 * epsilon)" not in shown and "(2 * e)" not in shown


def test_gradient_hints_never_give_the_copy_line(capsys):
    for student, _ in GRADIENT_MISTAKES:
        for _ in range(3):
            check_numerical_gradient(student)
    shown = capsys.readouterr().out
    assert "params.copy()" not in shown and "p = params" not in shown


def test_a_tangent_left_as_a_formula_for_float_gets_a_ladder(capsys):
    from utils import checks
    from utils.derivatives import check_tangent_line

    checks._TIMES_SHOWN.clear()

    def no_subs(J, w, at):
        slope = sympy.diff(J, w)
        return float(slope), float(J - slope * at)

    check_tangent_line(no_subs)
    first = capsys.readouterr().out
    check_tangent_line(no_subs)
    second = capsys.readouterr().out
    assert "still holds w" in first and "section 4's table" in second and ".subs(" not in first + second


@pytest.mark.parametrize("w", [0.5, 1.35, 2.0, 3.5])
def test_the_caption_of_a_straight_line_never_says_minus_zero(w):
    _, caption = Frames(TangentExplorer).render(function="w", w=w, epsilon=0.01)
    assert caption.endswith("off by +0"), caption


@pytest.mark.parametrize("name", list(EXAMPLES))
@pytest.mark.parametrize(("w", "epsilon"), [(0.5, 0.001), (3.0, 0.001), (3.5, 0.001), (2.0, 0.3), (3.5, 1.0)])
def test_the_caption_arithmetic_reads_true(name, w, epsilon):
    """J's two printed values differ by the printed change, and slope × ε gives it to the shown digits
    (the trial read 'J changed by -0.0001 = -0.0816 × ε' at ε = 0.001)."""
    import re

    caption = explorer_caption(w, epsilon, secant_and_tangent(name, w, epsilon))
    J0, J1, change, slope = re.search(r"= (\S+), J\(.*\) = (\S+), a change of (\S+) = (\S+) × ε", caption).groups()
    decimals = len(change.split(".")[1])
    assert len(J0.split(".")[1]) == len(J1.split(".")[1]) == decimals
    assert float(J1) - float(J0) == pytest.approx(float(change), abs=1.01 * 10**-decimals)
    assert float(slope) * epsilon == pytest.approx(float(change), rel=2e-3)
    assert len(change.lstrip("+-0.")) >= 3  # at least three significant digits of the change are shown


def test_the_error_table_reports_each_tenfold_step_from_the_data(capsys):
    def both_ways(J, w, e):
        return (J(w + e) - J(w - e)) / (2 * e)

    one, both = nudge_error_table(lambda w: w**3, 2.0, 12.0, [0.1, 0.01, 0.001], both_ways)
    np.testing.assert_allclose(both, [1e-2, 1e-4, 1e-6], rtol=1e-4)
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[-1] for row in rows[2:4]] == ["100", "100"] and rows[2].split()[2] == "10.1"
    # an epsilon added in between is one third of a tenfold step: still reported per tenfold step
    nudge_error_table(lambda w: w**3, 2.0, 12.0, [0.1, 0.03, 0.01], both_ways)
    assert [row.split()[-1] for row in capsys.readouterr().out.splitlines()[2:4]] == ["100", "100"]
    # an exact estimate (error 0) and a repeated epsilon give "-", not a division by zero
    nudge_error_table(lambda w: 5 * w, 1.0, 5.0, [0.5, 0.5, 0.25], both_ways)
    assert all(row.split()[-1] == "-" for row in capsys.readouterr().out.splitlines()[2:4])


# ------------------------------------------------------------------ the demonstrations the lab runs

def test_three_ways_agree_and_print_one_row_per_cost(capsys):
    w = sympy.Symbol("w")
    exact, tape = three_ways([w**2, 1 / w, sympy.exp(w)], w, 2.0)
    assert exact == pytest.approx([4.0, -0.25, float(np.exp(2.0))], abs=1e-12)
    assert tape == pytest.approx(exact, abs=1e-12)
    assert len(capsys.readouterr().out.strip().splitlines()) == 4  # a header and three rows


def test_the_linear_model_gradient_from_the_tape_matches_the_formula():
    p = np.array([0.35, -0.2, 0.1])
    residual = LINEAR_X @ p[:2] + p[2] - LINEAR_Y
    by_hand = np.append(LINEAR_X.T @ residual, residual.sum()) / len(LINEAR_Y)
    assert linear_model_cost(p) == pytest.approx(np.mean(0.5 * residual**2))
    assert linear_model_tape_gradient(p) == pytest.approx(by_hand, abs=1e-12)
