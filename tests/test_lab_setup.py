"""The set-up call: seeds, determinism, style from the package, quiet TensorFlow."""
import numpy as np
import pytest

import utils


def test_setup_seeds_numpy_and_tensorflow(capsys):
    import tensorflow as tf

    utils.setup_lab(seed=7)
    first = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    utils.setup_lab(seed=7)
    second = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert capsys.readouterr().out.startswith("Lab ready: TensorFlow")


def test_setup_sets_style_from_package(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)  # the style must not depend on the current folder
    utils.setup_lab(quiet=True)
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][0].lower() in ("#0072b2", "0072b2")


def test_tensorflow_is_told_to_be_quiet():
    import os

    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"


@pytest.mark.parametrize("bad", ["1", 1.5, None, True])
def test_setup_rejects_non_int_seed(bad):
    with pytest.raises(TypeError, match="expects an int"):
        utils.setup_lab(seed=bad)
