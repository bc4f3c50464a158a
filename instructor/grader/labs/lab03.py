"""Lab 03, softmax: my_softmax and cross_entropy_loss."""
import numpy as np

from instructor.grader.exercises import FunctionExercise
from instructor.references.lab03 import reference_cross_entropy, reference_softmax


def softmax_inputs(rng):
    n = int(rng.integers(2, 7))
    big = float(rng.choice([-1, 1]) * rng.uniform(500, 5000))
    return [
        ("a vector of logits", (rng.normal(0, 3, n),), {}),
        ("a plain list", ([float(v) for v in rng.normal(0, 2, n)],), {}),
        (f"logits near {big:.0f}", (big + rng.normal(0, 2, n),), {}),
        ("a single logit", (rng.normal(0, 5, 1),), {}),
        ("a batch of rows on different scales",
         (rng.normal(0, 2, (3, n)) + np.array([[0.0], [big], [-big]]),), {}),
        ("a 3-D batch", (rng.normal(0, 3, (2, 2, n)),), {}),
        ("integer logits", (rng.integers(-5, 6, n),), {}),
    ]


def cross_entropy_inputs(rng):
    k = int(rng.integers(2, 6))
    a = rng.dirichlet(np.ones(k))
    tiny = np.full(k, (1.0 - 1e-12) / (k - 1))
    y_tiny = int(rng.integers(k))
    tiny[y_tiny] = 1e-12
    return [
        ("probabilities and a true class", (a, int(rng.integers(k))), {}),
        ("a plain list", ([float(v) for v in a], int(rng.integers(k))), {}),
        ("a NumPy integer label", (a, np.int64(rng.integers(k))), {}),
        ("a tiny probability of the true class", (tiny, y_tiny), {}),
        ("float32 probabilities", (a.astype(np.float32), int(rng.integers(k))), {}),
    ]


EXERCISES = [
    FunctionExercise("cross_entropy_loss", "cross_entropy_loss", "cross_entropy_loss", cross_entropy_inputs,
                     reference_cross_entropy, atol=1e-6, rtol=1e-6),
    FunctionExercise("my_softmax", "my_softmax", "my_softmax", softmax_inputs, reference_softmax),
]
