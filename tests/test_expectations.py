"""utils.expectations.recorded_mistakes: naming a typical mistake from its recorded result."""
from types import SimpleNamespace

import numpy as np

from utils.checks import Mistake
from utils.expectations import recorded_mistakes

OFF_BY_ONE = Mistake("off_by_one", ("count the bias too.",))
SQUARED = "square the error, do not take its absolute value"


def case(**about):
    return SimpleNamespace(about=about)


def test_the_mistake_whose_recorded_result_matches_is_named():
    c = case(off_by_one=16, squared=9)
    assert recorded_mistakes(c, 16, {"off_by_one": OFF_BY_ONE, "squared": SQUARED}, expected=17) == [OFF_BY_ONE]
    assert recorded_mistakes(c, 9.0000000001, {"off_by_one": OFF_BY_ONE, "squared": SQUARED}) == [SQUARED]


def test_no_match_and_a_mistake_equal_to_the_answer_name_nothing():
    c = case(off_by_one=17)
    assert recorded_mistakes(c, 12, {"off_by_one": OFF_BY_ONE}, expected=17) == []
    assert recorded_mistakes(c, 17, {"off_by_one": OFF_BY_ONE}, expected=17) == []


def test_arrays_need_the_same_shape_and_nan_matches_nan():
    c = case(no_shift=[np.nan, np.nan], one_sum=[0.5, 0.5])
    hints = {"no_shift": "shift by the max", "one_sum": ["sum per row"]}
    assert recorded_mistakes(c, [np.nan, np.nan], hints) == ["shift by the max"]
    assert recorded_mistakes(c, np.array([0.5, 0.5]), hints) == ["sum per row"]
    assert recorded_mistakes(c, [0.5, 0.5, 0.0], hints) == []


def test_a_result_that_is_not_numbers_names_nothing():
    assert recorded_mistakes(case(off_by_one=16), "sixteen", {"off_by_one": OFF_BY_ONE}) == []
