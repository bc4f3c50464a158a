"""Lab 07 helpers: nudge estimates, the example catalogue, the tangent widget and the exercise checks."""
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.derivatives import (
    EXAMPLES,
    LARGE_NUDGE,
    NUDGE_CASES,
    SYMPY_CASES,
    W_RANGE,
    check_nudge_derivative,
    check_sympy_derivative,
    draw_tangent,
    epsilon_sweep,
    example,
    nudge,
    nudge_estimate,
    secant_and_tangent,
)
from utils.derivatives import (
    evaluate_nudge_derivative as _evaluate_nudge_derivative,
)
from utils.derivatives import (
    evaluate_sympy_derivative as _evaluate_sympy_derivative,
)
from utils.widgets import render_png


def evaluate_nudge_derivative(fn):
    return _evaluate_nudge_derivative(fn).messages()

def evaluate_sympy_derivative(fn):
    return _evaluate_sympy_derivative(fn).messages()


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


@pytest.mark.parametrize("case", SYMPY_CASES, ids=[c[0] for c in SYMPY_CASES])
def test_sympy_case_references_match_sympy(case):
    text, value, J, dJ, d2J = case
    s = sympy.symbols("w")
    expr = sympy.sympify(text, locals={"w": s})
    assert J(value) == pytest.approx(float(expr.subs(s, value)))
    assert dJ(value) == pytest.approx(float(sympy.diff(expr, s).subs(s, value)))
    assert d2J(value) == pytest.approx(float(sympy.diff(expr, s, 2).subs(s, value)))


# ----------------------------------------------------------------------------- tangent widget

def test_secant_slope_is_the_nudge_estimate_and_tends_to_the_tangent():
    s = secant_and_tangent("w**2", 3.0, 0.5)
    assert s["secant"] == pytest.approx(6.5) and s["tangent"] == 6.0 and s["gap"] == pytest.approx(0.5)
    assert s["rise"] == pytest.approx(s["secant"] * 0.5)
    gaps = [abs(secant_and_tangent("1/w", 1.0, e)["gap"]) for e in (1.0, 0.1, 0.01, 0.001)]
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 2e-3


@pytest.mark.parametrize("name", list(EXAMPLES))
@pytest.mark.parametrize(("w", "epsilon"), [(0.5, 0.001), (3.0, 0.5), (3.5, 1.0)])
def test_draw_tangent_renders_every_slider_corner(name, w, epsilon):
    # (a redraw takes about 0.1-0.25 s here; not asserted, shared CI machines are too noisy)
    png, caption = render_png(draw_tangent, function=name, w=w, epsilon=epsilon)
    assert png[:4] == b"\x89PNG"
    s = secant_and_tangent(name, w, epsilon)
    assert f"{s['tangent']:.4f}" in caption and f"{s['secant']:.4f}" in caption


def test_draw_tangent_labels_its_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    draw_tangent(fig, function="w**3", w=2.0, epsilon=0.5)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "w" and ax.get_ylabel() == "J(w)" and "$J = w^3$" in ax.get_title()
    assert len(ax.get_legend().get_texts()) == 3


# ----------------------------------------------------------------------------- Exercise 1 check

def right(J, w, epsilon):
    return (J(w + epsilon) - J(w)) / epsilon


def centered(J, w, epsilon):
    return (J(w + epsilon) - J(w - epsilon)) / (2 * epsilon)


def test_right_and_centered_estimates_pass(capsys):
    assert evaluate_nudge_derivative(right) == []
    assert evaluate_nudge_derivative(centered) == []
    assert evaluate_nudge_derivative(lambda J, w, e: np.float32(right(J, w, e))) == []
    check_nudge_derivative(right)
    assert capsys.readouterr().out.strip() == f"✅ right: all {len(NUDGE_CASES) + 1} checks passed."


NUDGE_MISTAKES = [
    (lambda J, w, e: (J(w) - J(w + e)) / e, "sign error"),
    (lambda J, w, e: (J(w - e) - J(w)) / e, "sign error"),
    (lambda J, w, e: J(w + e) - J(w), "divide it by ε"),
    (lambda J, w, e: (J(w + e) - J(w)) / e**2, "divided by ε twice"),
    (lambda J, w, e: (J(w + e) - J(w)) * e, "multiplied by ε"),
    (lambda J, w, e: (J(w + e) - J(w)) / (2 * e), "divided by 2ε"),
    (lambda J, w, e: (J(w + e) - J(w)) / 0.001, "different ε"),
    (lambda J, w, e: J(w + e), "cost after the nudge"),
    (lambda J, w, e: (J(w + 1e-7) - J(w)) / 1e-7, "ignore its `epsilon`"),
    (lambda J, w, e: None, "is None"),
    (lambda J, w, e: [1.0, 2.0], "expected one number"),
    (lambda J, w, e: "six", "expected one number"),
    (lambda J, w, e: lambda v: v, "is a function"),
    (lambda J, w, e: 1 / 0, "raised ZeroDivisionError"),
]


@pytest.mark.parametrize(("student", "fragment"), NUDGE_MISTAKES, ids=[m[1] for m in NUDGE_MISTAKES])
def test_each_nudge_mistake_fails_and_is_named(student, fragment, capsys):
    problems = evaluate_nudge_derivative(student)
    assert problems, "a wrong answer must never pass"
    assert any(fragment in p for p in problems), problems
    check_nudge_derivative(student)  # prints, never raises
    assert capsys.readouterr().out.startswith("❌")


def test_the_large_nudge_catches_a_hard_coded_epsilon():
    name, w, epsilon = LARGE_NUDGE
    assert nudge_estimate(example(name), w, epsilon) == pytest.approx(15.25)
    problems = evaluate_nudge_derivative(lambda J, w, e: right(J, w, 1e-6))
    assert len(problems) == 1 and "epsilon = 0.5" in problems[0]


def test_a_non_function_is_explained(capsys):
    check_nudge_derivative(6.0)
    out = capsys.readouterr().out
    assert "expected a function, got float" in out and "checks failed" not in out


# ----------------------------------------------------------------------------- Exercise 2 check

def sympy_right(J, w, value):
    return float(sympy.diff(J, w).subs(w, value))


def test_sympy_right_answers_pass_as_float_sympy_number_or_lambdify(capsys):
    assert evaluate_sympy_derivative(sympy_right) == []
    assert evaluate_sympy_derivative(lambda J, w, v: sympy.diff(J, w).subs(w, v)) == []
    assert evaluate_sympy_derivative(lambda J, w, v: sympy.lambdify(w, sympy.diff(J, w))(v)) == []
    check_sympy_derivative(sympy_right)
    assert capsys.readouterr().out.strip() == f"✅ sympy_right: all {len(SYMPY_CASES)} checks passed."


SYMPY_MISTAKES = [
    (lambda J, w, v: sympy.diff(J, w), "still contains w"),
    (lambda J, w, v: float(J.subs(w, v)), "returned J itself"),
    (lambda J, w, v: float(sympy.diff(J, w, 2).subs(w, v)), "differentiated twice"),
    (lambda J, w, v: -float(sympy.diff(J, w).subs(w, v)), "sign error"),
    (lambda J, w, v: float(sympy.diff(J, w).subs(w, 2)), "not a fixed number"),
    (lambda J, w, v: sympy.lambdify(w, sympy.diff(J, w)), "is a function"),
    (lambda J, w, v: None, "is None"),
]


@pytest.mark.parametrize(("student", "fragment"), SYMPY_MISTAKES, ids=[m[1] for m in SYMPY_MISTAKES])
def test_each_sympy_mistake_fails_and_is_named(student, fragment, capsys):
    problems = evaluate_sympy_derivative(student)
    assert problems, "a wrong answer must never pass"
    assert any(fragment in p for p in problems), problems
    check_sympy_derivative(student)
    assert capsys.readouterr().out.startswith("❌")


def test_sympy_check_survives_exceptions_and_non_functions(capsys):
    problems = evaluate_sympy_derivative(lambda J, w, v: J.undefined_method())
    # the same error on every case is reported once, saying so plainly
    assert len(problems) == 1 and f"every one of the {len(SYMPY_CASES)} cases" in problems[0]
    assert "raised AttributeError" in problems[0]
    check_sympy_derivative("w**2")
    assert "expected a function, got str" in capsys.readouterr().out
