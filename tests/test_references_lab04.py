"""Lab 04's references (instructor side): choose_threshold's answer and the typical mistakes its check names."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from instructor.references.lab04 import (
    PARAMETER_MISTAKES,
    THRESHOLD_MISTAKES,
    record,
    reference_count_parameters,
    reference_threshold_for_recall,
)
from utils.multilabel import parameter_cases, precision_recall, threshold_cases


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.floats(0, 1)), min_size=1, max_size=60),
       st.floats(0.05, 1.0))
def test_reference_threshold_is_the_highest_that_reaches_the_target(pairs, target):
    y = np.array([p[0] for p in pairs])
    scores = np.array([p[1] for p in pairs])
    t = reference_threshold_for_recall(y, scores, target)
    if not y.any():
        assert t == 0.5
        return
    _, recall = precision_recall(y, scores, t)
    assert recall >= target - 1e-12
    higher = scores[y & (scores > t)]
    if len(higher):
        _, recall_up = precision_recall(y, scores, higher.min())
        assert recall_up < target


def test_the_visible_cases_hold_the_floating_point_ties_that_rounding_up_gets_wrong():
    """0.28 * 25 = 7.000000000000001: ceil flags 8 positives where 7 reach recall 0.28 exactly."""
    wrong = []
    for case in threshold_cases():
        y, scores, target = case.args
        positives = np.sort(np.asarray(scores, dtype=float)[np.asarray(y) == 1])[::-1]
        if reference_threshold_for_recall(*case.args) != positives[int(np.ceil(target * len(positives))) - 1]:
            wrong.append((target, len(positives)))
    assert sorted(wrong) == [(0.07, 100), (0.14, 50), (0.28, 25)]


def test_reference_count_parameters_matches_keras():
    import keras

    for sizes in ([2, 2, 4], [64, 64, 10], [100, 32, 3], [5, 8, 8, 2], [3, 1]):
        model = keras.Sequential([keras.Input(shape=(sizes[0],))] + [keras.layers.Dense(n) for n in sizes[1:]])
        assert reference_count_parameters(sizes) == model.count_params()
    assert {name: mistake([2, 2, 4]) for name, mistake in PARAMETER_MISTAKES.items()} == {
        "no_biases": 12, "input_biases": 20, "first_layer_only": 6, "units_only": 6, "products": 22,
        "raw_inputs": 18}  # right on [2, 2, 4]: the visible check catches it on [4, 3, 1] and [5, 8, 8, 2]


def test_the_mistakes_on_a_small_case():
    y, scores = np.array([1, 0, 1, 1, 0, 1]), np.array([0.9, 0.8, 0.35, 0.6, 0.1, 0.2])
    results = {name: mistake(y, scores, 0.5) for name, mistake in THRESHOLD_MISTAKES.items()}
    assert reference_threshold_for_recall(y, scores, 0.5) == 0.6  # the 2nd highest of 4 positives
    assert results == {"one_too_few": 0.9, "one_too_many": 0.6, "lowest_positive": 0.2, "labels_as_indices": 0.8,
                       "every_scene": 0.8, "every_scene_every_count": 0.6}
    assert THRESHOLD_MISTAKES["labels_as_indices"](y.astype(float), scores, 0.5) is None  # floats cannot index
    assert THRESHOLD_MISTAKES["one_too_few"](y, scores, 0.25) is None  # one positive flagged: none fewer


def test_record_has_one_entry_per_visible_case():
    assert len(record()["count_parameters"]) == len(parameter_cases())
    entries = record()["choose_threshold"]
    assert len(entries) == len(threshold_cases())
    assert all(entry.keys() == {"expected", *THRESHOLD_MISTAKES} for entry in entries)
