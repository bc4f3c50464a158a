"""Lab 03's graded exercises: the answer key passes on fresh cases, typical mistakes fail."""
import numpy as np
import pytest
from grader_support import blank, grade_in_process, with_answer

LAB = "03_softmax"
NO_MAX = '''
def my_softmax(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=-1, keepdims=True)
'''
ONE_SUM = '''
def my_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum()
'''
MIN_SHIFT = '''
def my_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.min(axis=-1, keepdims=True))  # right unless one row's logits lie far apart
    return e / e.sum(axis=-1, keepdims=True)
'''
CHANCE_PROBABILITY = '''
def chance_loss(n_classes):
    return 1 / n_classes
'''
CHANCE_NEGATIVE = '''
def chance_loss(n_classes):
    return float(np.log(1 / n_classes))
'''
REGRESSION_SOFTMAX = '''
def build_softmax_regression():
    model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.5),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy())
    return model
'''
REGRESSION_NO_LOGITS = '''
def build_softmax_regression():
    model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(10)])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.5),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy())
    return model
'''
REGRESSION_HIDDEN = '''
def build_softmax_regression():
    model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.5),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
'''
KEYS = ("chance_loss", "my_softmax", "build_softmax_regression")


def grade(nb, tmp_path, seed):
    return grade_in_process(nb, LAB, tmp_path, seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_answer_key_passes_fresh_cases(notebook, tmp_path, seed):
    assert {k: (e.status, e.reason) for k, e in grade(notebook, tmp_path, seed).items()} == \
        {key: ("passed", "") for key in KEYS}


def test_blank_is_not_written(notebook, tmp_path):
    assert {e.status for e in grade(blank(notebook), tmp_path, 4).values()} == {"not written"}


@pytest.mark.parametrize("key, code, why", [
    ("my_softmax", NO_MAX, "contains nan"),
    ("my_softmax", ONE_SUM, "differs"),
    ("my_softmax", MIN_SHIFT, "far apart"),
    ("chance_loss", CHANCE_PROBABILITY, "differs"),
    ("chance_loss", CHANCE_NEGATIVE, "differs"),
    ("build_softmax_regression", REGRESSION_SOFTMAX, "activation='softmax'"),
    ("build_softmax_regression", REGRESSION_NO_LOGITS, "from_logits=False"),
    ("build_softmax_regression", REGRESSION_HIDDEN, "the model has 2 layers, expected 1"),
])
def test_mistakes_fail_that_exercise_only(notebook, tmp_path, key, code, why):
    grades = grade(with_answer(notebook, key, code), tmp_path, 5)
    assert grades[key].status == "failed" and why in grades[key].reason, grades[key].reason
    assert all(e.status == "passed" for k, e in grades.items() if k != key)


def test_cases_change_with_the_seed(notebook):
    from instructor.grader.labs.lab03 import EXERCISES
    first, second = (EXERCISES[1].draw(np.random.default_rng(s)) for s in (1, 2))
    assert not np.array_equal(first[0].args[0], second[0].args[0])
