"""Lab 08's answers and slips (instructor/references/lab08.py): what the recorded expectations come from."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instructor.references import lab08
from utils.engine_vs_tensorflow import NETWORK_INPUTS
from utils.graph_figure import course_example, network_example


def test_the_course_graph_by_hand_is_what_the_engine_computes():
    values, grads = lab08.course_graph()
    v = course_example()
    v["J"].backward()
    assert values == {name: v[name].data for name in values}
    assert grads == {name: v[name].grad for name in grads}


@settings(max_examples=25, deadline=None)
@given(a=st.floats(-50, 50), b=st.floats(-50, 50), g=st.floats(-10, 10))
def test_the_mul_rule_is_the_product_rule(a, b, g):
    np.testing.assert_allclose(lab08.mul_backward(a, b, g), [g * b, g * a], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("a", "g", "grad"), [(2.0, -3.0, -3.0), (-1.0, 3.0, 0.0), (0.0, 3.0, 0.0), (-1.0, -3.0, 0.0)])
def test_the_relu_rule_gates_out_grad_and_passes_0_at_the_corner(a, g, grad):
    got = lab08.relu_backward(a, g)
    assert got.tolist() == [grad] and str(got[0]) == str(grad)  # no -0


def test_every_slip_differs_from_the_answer_on_some_visible_case():
    recorded = lab08.record()
    for check, mistakes in [("mul_backward", lab08.MUL_MISTAKES), ("relu_backward", lab08.RELU_MISTAKES)]:
        for name in mistakes:
            assert any(not np.allclose(e[name], e["expected"]) for e in recorded[check]), f"{check}: {name}"


def test_the_larger_network_by_hand_is_what_the_engine_computes():
    values, grads = lab08.network_graph()
    v = network_example(**NETWORK_INPUTS)
    v["J"].backward()
    assert values == {name: v[name].data for name in values}
    assert grads == {name: v[name].grad for name in grads}
