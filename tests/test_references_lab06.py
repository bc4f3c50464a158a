"""Lab 06's references (instructor/references/lab06.py) against Keras's Conv1D."""
import numpy as np
import pytest
import tensorflow as tf

from instructor.references.lab06 import reference_conv1d, reference_conv1d_size
from utils.convolution import multiply_adds, output_length


@pytest.mark.parametrize("steps, channels, k, filters, stride",
                         [(30, 1, 5, 1, 1), (31, 2, 4, 3, 2), (17, 3, 17, 2, 1), (40, 1, 9, 8, 3), (9, 4, 1, 2, 4)])
def test_reference_equals_keras_conv1d(steps, channels, k, filters, stride):
    rng = np.random.default_rng(steps)
    x = rng.normal(size=(steps, channels)).astype("float32")
    layer = tf.keras.layers.Conv1D(filters, k, strides=stride, bias_initializer="random_normal")
    expected = np.asarray(layer(x[None]))[0]
    kernel, bias = layer.get_weights()
    got = reference_conv1d(x, kernel, bias, stride)
    assert got.shape == expected.shape == (output_length(steps, k, stride), filters)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_reference_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="expected x"):
        reference_conv1d(np.zeros(10), np.zeros((3, 1, 1)), [0.0])


def test_conv1d_size_matches_keras():
    for steps, channels, k, filters, stride in [(300, 1, 9, 8, 2), (146, 8, 9, 8, 2), (13, 3, 3, 4, 3)]:
        model = tf.keras.Sequential([tf.keras.Input(shape=(steps, channels)),
                                     tf.keras.layers.Conv1D(filters, k, strides=stride, name="c")])
        windows, params, adds = reference_conv1d_size(steps, channels, k, filters, stride)
        assert model.output_shape[1:] == (windows, filters)
        assert model.count_params() == params and multiply_adds(model) == [("c", adds)]

