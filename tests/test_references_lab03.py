"""Lab 03's references (instructor side): the answers and the typical mistakes the checks name."""
import numpy as np
import pytest

from instructor.references.lab03 import (
    CROSS_ENTROPY_MISTAKES,
    SOFTMAX_MISTAKES,
    record,
    reference_cross_entropy,
    reference_softmax,
)
from utils.softmax import cross_entropy_cases, softmax_cases


def stable_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


@pytest.mark.parametrize("z", [[1.0, 2.0, 3.0], [1000.0, 1001.0], [-1000.0, -1001.0], [[1, 2], [3, 5]], [[[0, 1]]]])
def test_reference_softmax_is_the_stable_softmax(z):
    assert np.allclose(reference_softmax(z), stable_softmax(z), atol=1e-12)
    assert reference_softmax(z).dtype == np.float64


def test_reference_cross_entropy():
    assert reference_cross_entropy([0.2, 0.7, 0.1], 1) == pytest.approx(-np.log(0.7))
    assert str(reference_cross_entropy(np.array([0.0, 1.0]), np.int64(1))) == "0.0"  # not "-0.0"


def test_batch_mistakes_take_one_max_or_one_sum_of_the_whole_batch():
    z = np.array([[1.0, 2.0], [3.0, 7.0]])
    e_all, e_row = np.exp(z - 7.0), np.exp(z - [[2.0], [7.0]])
    assert np.allclose(SOFTMAX_MISTAKES["one_max"](z), e_all / e_all.sum(axis=1, keepdims=True))
    assert np.allclose(SOFTMAX_MISTAKES["one_sum"](z), e_row / e_row.sum())
    assert np.allclose(SOFTMAX_MISTAKES["one_max_one_sum"](z), e_all / e_all.sum())
    with np.errstate(all="ignore"):  # one max for rows far apart: exp underflows to 0 in a whole row
        far = np.array([[1.0, 2.0], [1000.0, 1001.0]])
        assert not any(np.allclose(wrong(far), reference_softmax(far)) for wrong in SOFTMAX_MISTAKES.values())


def test_cross_entropy_mistakes():
    a = np.array([0.2, 0.7, 0.1])
    values = {name: mistake(a, 1) for name, mistake in CROSS_ENTROPY_MISTAKES.items()}
    assert values["missing_minus"] == pytest.approx(np.log(0.7))
    assert values["log10"] == pytest.approx(-np.log(0.7) / np.log(10))
    assert np.allclose(values["each_class"], -np.log(a))
    assert values["sum_over_classes"] == pytest.approx(-np.log(a).sum())
    assert values["one_minus"] == pytest.approx(0.3)


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
    assert len(recorded["cross_entropy_loss"]) == len(cross_entropy_cases())
    batches = [entry for entry in recorded["my_softmax"] if "one_max" in entry]
    assert len(batches) == 1  # the batch of three rows; a batch of one row has no batch mistake
