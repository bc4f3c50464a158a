"""Lab 01's references (instructor/references/lab01.py): the loop is what fit runs; the mistakes differ."""
import numpy as np

from instructor.references.lab01 import (
    fixed_half_labels,
    reference_build_model_output,
    reference_fit_costs,
    reference_loop,
    reference_predict_labels,
    strict_labels,
    train_by_hand_entry,
)
from utils.training import train_by_hand_cases


def test_predict_labels_and_its_mistakes():
    p = np.array([[0.2], [0.5], [0.7]])
    assert reference_predict_labels(p).tolist() == [0, 1, 1]
    assert reference_predict_labels(p, 0.6).dtype.kind == "i"
    assert strict_labels(p).tolist() == [0, 0, 1]
    assert fixed_half_labels(p, 0.6).tolist() == [0, 1, 1] != reference_predict_labels(p, 0.6).tolist()


def test_the_loop_is_what_fit_runs_and_leaves_the_model_alone():
    model, X, y, learning_rate, epochs = train_by_hand_cases()[0].args
    start = model.get_weights()
    loop_costs, loop_weights = reference_loop(model, X, y, learning_rate, epochs)
    fit_costs, fit_weights = reference_fit_costs(model, X, y, learning_rate, epochs)
    np.testing.assert_allclose(loop_costs, fit_costs, atol=1e-6)
    for ours, fits, before, now in zip(loop_weights, fit_weights, start, model.get_weights(), strict=True):
        np.testing.assert_allclose(ours, fits, atol=1e-6)
        np.testing.assert_array_equal(before, now)


def test_each_recorded_mistake_differs_from_fit():
    entry = train_by_hand_entry(*train_by_hand_cases()[1].args)
    for mistake in ("climbs", "no_learning_rate"):
        assert not np.allclose(entry[mistake], entry["weights"], atol=1e-5, rtol=1e-4), mistake
    np.testing.assert_allclose(entry["late_costs"][:-1], entry["expected"][1:], atol=1e-6)
    assert np.isclose(entry["first_cost"], entry["expected"][0], atol=1e-6)
    assert not np.isclose(entry["swapped_first_cost"], entry["first_cost"])


def test_build_model_output_is_two_sigmoid_layers():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(64, 10)), rng.normal(size=10), rng.normal(size=(10, 1)), rng.normal(size=1)]
    X = rng.uniform(size=(3, 64))
    hidden = tf.sigmoid(X @ weights[0] + weights[1])
    np.testing.assert_allclose(reference_build_model_output(weights, X),
                               tf.sigmoid(hidden @ weights[2] + weights[3]).numpy(), atol=1e-12)
