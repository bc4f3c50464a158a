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


def test_raising_mistakes_record_their_error_text():
    from instructor.references.lab02 import RAISING_MISTAKES, bias_from_new_W, error_text
    from utils.activations import fold_cases, z_cases

    for case in z_cases():
        assert error_text(RAISING_MISTAKES["relu"]["np_max_axis"], *case.args).startswith("TypeError")
    assert error_text(bias_from_new_W, *fold_cases()[0].args).startswith("ValueError: matmul")
    assert error_text(reference_relu, 1.0) is None


def test_fold_is_what_a_keras_stack_of_linear_layers_computes():
    from instructor.references.lab02 import fold_mistakes, reference_fold_linear_layers
    from utils.activations import fold_cases

    tf.keras.utils.set_random_seed(3)
    stack = tf.keras.Sequential([tf.keras.Input(shape=(3,))] + [
        tf.keras.layers.Dense(units, bias_initializer="random_normal") for units in (5, 2, 4)])
    W, b = reference_fold_linear_layers([layer.get_weights() for layer in stack.layers])
    X = np.random.default_rng(0).normal(size=(10, 3)).astype("float32")
    np.testing.assert_allclose(X @ W + b, stack(X).numpy(), atol=1e-5)
    for case in fold_cases():  # every recorded mistake differs from the answer where it can run
        right_b = reference_fold_linear_layers(*case.args)[1]
        for name, mistake in fold_mistakes(*case.args).items():
            assert mistake is None or isinstance(mistake, str) or not np.allclose(mistake, right_b), (case.label, name)
