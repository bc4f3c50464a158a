"""Lab 07's answers and slips (instructor/references/lab07.py): what the recorded expectations come from."""
import numpy as np
import pytest

from instructor.references import lab07
from utils.derivatives import GRADIENT_CASES, example, tangent_expression


def test_nudging_both_ways_is_exact_for_a_parabola_and_near_the_slope_otherwise():
    assert lab07.central_difference(example("w**2"), 3.0, 0.5) == 6.0
    assert lab07.central_difference(example("w**3"), 2.0, 0.4) == pytest.approx(12.16)


def test_every_slip_differs_from_the_answer_on_some_visible_case():
    recorded = lab07.record()
    for check, mistakes in [("central_difference", lab07.CENTRAL_MISTAKES),
                            ("numerical_gradient", lab07.GRADIENT_MISTAKES)]:
        entries = recorded[check]
        for name in mistakes:
            assert any(not np.allclose(e[name], e["expected"]) for e in entries), f"{check}: {name}"


def test_the_partial_derivatives_match_section_6_and_leave_params_alone():
    J, params, _ = GRADIENT_CASES[0]
    params = np.array(params)
    np.testing.assert_allclose(lab07.numerical_gradient(J, params, 1e-4), [12.0, 9.0], rtol=1e-6)
    np.testing.assert_array_equal(params, [3.0, 2.0])


def test_the_tangent_passes_through_the_point_with_the_derivative_as_slope():
    J, w = tangent_expression("1/w**2")
    slope, intercept = lab07.tangent_line(J, w, 1.5)
    assert slope == pytest.approx(-2 / 1.5**3) and slope * 1.5 + intercept == pytest.approx(1 / 1.5**2)
    for name in lab07.TANGENT_MISTAKES:
        assert any(not np.allclose(e[name], e["expected"]) for e in lab07.record()["tangent_line"]), name
