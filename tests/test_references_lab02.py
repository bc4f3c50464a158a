"""Lab 02's references (instructor/references/lab02.py): TensorFlow's activations, written in NumPy."""
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from instructor.references.lab02 import (
    MISTAKES,
    reference_relu,
    reference_relu_derivative,
    reference_sigmoid,
    reference_sigmoid_derivative,
    reference_tf_derivative,
)

Z = np.array([[-1000.0, -30.0, -2.5, -1e-3, 0.0], [1e-3, 0.7, 4.0, 30.0, 1000.0]])
REFERENCES = {"sigmoid": (reference_sigmoid, reference_sigmoid_derivative),
              "relu": (reference_relu, reference_relu_derivative)}


@pytest.mark.filterwarnings("error")  # the references must never warn (no overflow)
@pytest.mark.parametrize("name", REFERENCES)
def test_references_match_tensorflow(name):
    g, g_prime = REFERENCES[name]
    np.testing.assert_allclose(g(Z), tf.keras.activations.get(name)(tf.constant(Z)).numpy(), atol=1e-12)
    np.testing.assert_allclose(g_prime(Z), reference_tf_derivative(name)(Z), atol=1e-12)


def test_relu_derivative_is_zero_at_the_corner_like_tensorflow():
    assert reference_relu_derivative(0.0) == 0.0 == reference_tf_derivative("relu")(0.0)


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e300, 1e300)))
def test_sigmoid_properties(z):
    s = reference_sigmoid(z)
    assert np.all((s >= 0) & (s <= 1)) and not np.isnan(s).any()
    np.testing.assert_allclose(reference_sigmoid(-z), 1 - s, atol=1e-12)
    assert np.all(np.diff(reference_sigmoid(np.sort(z))) >= 0)


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e6, 1e6)))
def test_relu_properties(z):
    assert np.all(reference_relu(z) >= 0) and np.array_equal(reference_relu(z), np.where(z > 0, z, 0))
    assert np.all(reference_sigmoid_derivative(z) <= 0.25)


@pytest.mark.filterwarnings("error")
def test_every_mistake_differs_from_the_answer():
    answers = {"relu": reference_relu, "sigmoid": reference_sigmoid,
               "relu_derivative": reference_relu_derivative, "sigmoid_derivative": reference_sigmoid_derivative}
    for check, mistakes in MISTAKES.items():
        for name, mistake in mistakes.items():
            assert not np.allclose(mistake(Z), answers[check](Z)), (check, name)
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(MISTAKES["sigmoid"]["sign_slip"](Z), 1 / (1 + np.exp(Z)), atol=1e-15)
