"""Lab 03's references (instructor side): the answers and the typical mistakes the checks name."""
import numpy as np
import pytest

from instructor.references.lab03 import (
    CHANCE_MISTAKES,
    SOFTMAX_MISTAKES,
    SOFTMAX_REGRESSION_MISTAKES,
    record,
    reference_chance_loss,
    reference_softmax,
    reference_softmax_regression,
)
from utils.softmax import chance_loss_cases, evaluate_build_softmax_regression, softmax_cases


def stable_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


@pytest.mark.parametrize("z", [[1.0, 2.0, 3.0], [1000.0, 1001.0], [-1000.0, -1001.0], [[1, 2], [3, 5]], [[[0, 1]]]])
def test_reference_softmax_is_the_stable_softmax(z):
    assert np.allclose(reference_softmax(z), stable_softmax(z), atol=1e-12)
    assert reference_softmax(z).dtype == np.float64


def test_reference_chance_loss_is_the_loss_of_a_uniform_guess():
    import tensorflow as tf

    for n in (2, 3, 10, 57):
        uniform = np.full((1, n), 1 / n)
        keras_loss = float(tf.keras.losses.SparseCategoricalCrossentropy()(np.array([n - 1]), uniform))
        assert reference_chance_loss(n) == pytest.approx(keras_loss, rel=1e-6)
    assert str(reference_chance_loss(1)) == "0.0"  # not "-0.0"
    assert reference_chance_loss(np.int64(4)) == pytest.approx(np.log(4))


def test_the_reference_softmax_regression_passes_and_every_mistake_fails():
    assert evaluate_build_softmax_regression(reference_softmax_regression).passed
    for key, build in SOFTMAX_REGRESSION_MISTAKES().items():
        assert not evaluate_build_softmax_regression(build).passed, key


def test_batch_mistakes_take_one_max_or_one_sum_of_the_whole_batch():
    z = np.array([[1.0, 2.0], [3.0, 7.0]])
    e_all, e_row = np.exp(z - 7.0), np.exp(z - [[2.0], [7.0]])
    assert np.allclose(SOFTMAX_MISTAKES["one_max"](z), e_all / e_all.sum(axis=1, keepdims=True))
    assert np.allclose(SOFTMAX_MISTAKES["one_sum"](z), e_row / e_row.sum())
    assert np.allclose(SOFTMAX_MISTAKES["one_max_one_sum"](z), e_all / e_all.sum())
    with np.errstate(all="ignore"):  # one max for rows far apart: exp underflows to 0 in a whole row
        far = np.array([[1.0, 2.0], [1000.0, 1001.0]])
        assert not any(np.allclose(wrong(far), reference_softmax(far)) for wrong in SOFTMAX_MISTAKES.values())


def test_chance_mistakes():
    values = {name: mistake(4) for name, mistake in CHANCE_MISTAKES.items()}
    assert values == pytest.approx({"negative": -np.log(4), "probability": 0.25, "log10": np.log10(4),
                                    "log2": 2.0, "all_classes": 4 * np.log(4), "one_minus": 0.75,
                                    "floor_division": np.inf})


def test_nan_and_inf_are_recorded_as_text_that_the_checks_read_back():
    from instructor.record import plain
    from utils.expectations import case_values

    values = np.array([[1.5, np.nan], [np.inf, -np.inf]])
    written = plain({"expected": values, "label": "x"})
    assert written == {"expected": [[1.5, "nan"], ["inf", "-inf"]], "label": "x"}
    assert np.array_equal(case_values(written)["expected"], values, equal_nan=True)
    assert case_values(written)["label"] == "x"


def test_record_has_one_entry_per_visible_case():
    recorded = record()
    assert len(recorded["my_softmax"]) == len(softmax_cases())
    assert len(recorded["chance_loss"]) == len(chance_loss_cases())
    batches = [entry for entry in recorded["my_softmax"] if "one_max" in entry]
    assert len(batches) == 1  # the batch of three rows; a batch of one row has no batch mistake
