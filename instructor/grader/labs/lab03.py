"""Lab 03, softmax: chance_loss, my_softmax and build_softmax_regression."""
import numpy as np

from instructor.grader.exercises import FunctionExercise
from instructor.grader.labs.lab04 import ModelExercise
from instructor.references.lab03 import reference_chance_loss, reference_softmax
from utils.softmax import SOFTMAX_REGRESSION_LAYERS


def softmax_inputs(rng):
    n = int(rng.integers(2, 7))
    big = float(rng.choice([-1, 1]) * rng.uniform(500, 5000))
    gap = float(rng.uniform(1000, 1400))  # e^(gap / 2) is finite, e^gap is not: a shift by the min overflows
    return [
        ("a vector of logits", (rng.normal(0, 3, n),), {}),
        ("a plain list", ([float(v) for v in rng.normal(0, 2, n)],), {}),
        (f"logits near {big:.0f}", (big + rng.normal(0, 2, n),), {}),
        ("a single logit", (rng.normal(0, 5, 1),), {}),
        ("logits far apart in one row",
         (rng.permutation(np.concatenate([[-gap / 2, gap / 2], rng.normal(0, 2, n - 2)])),), {}),
        ("a batch of rows on different scales",
         (rng.normal(0, 2, (3, n)) + np.array([[0.0], [big], [-big]]),), {}),
        ("a 3-D batch", (rng.normal(0, 3, (2, 2, n)),), {}),
        ("integer logits", (rng.integers(-5, 6, n),), {}),
    ]


def chance_inputs(rng):
    return [
        ("a number of classes", (int(rng.integers(2, 30)),), {}),
        ("many classes", (int(rng.integers(100, 5000)),), {}),
        ("a NumPy integer", (np.int64(rng.integers(2, 12)),), {}),
        ("one class", (1,), {}),
    ]


EXERCISES = [
    FunctionExercise("chance_loss", "chance_loss", "chance_loss", chance_inputs, reference_chance_loss,
                     atol=1e-9, rtol=1e-7),
    FunctionExercise("my_softmax", "my_softmax", "my_softmax", softmax_inputs, reference_softmax),
    ModelExercise("build_softmax_regression", 64, SOFTMAX_REGRESSION_LAYERS, "sparse_categorical_crossentropy"),
]
