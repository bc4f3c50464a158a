"""Lab 05's references (instructor/references/lab05.py) against Keras's Adam, the lab's oracle."""
import numpy as np

from instructor.references.lab05 import reference_adam_step, reference_first_step
from utils import expectations
from utils import optimizers as opt


def test_reference_adam_step_equals_keras_with_float64_hyperparameters():
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 4))
    gradients = [rng.normal(size=(3, 4)) * 10.0 ** rng.integers(-8, 2) for _ in range(30)]
    hp = dict(alpha=0.01, beta1=0.85, beta2=0.995, epsilon=1e-6)
    states = opt.keras_adam_states(start, gradients, **hp)
    w, m, v = start, np.zeros_like(start), np.zeros_like(start)
    for t, (g, (kw, km, kv)) in enumerate(zip(gradients, states, strict=True), start=1):
        w, m, v = reference_adam_step(w, g, m, v, t, **hp)
        np.testing.assert_allclose(w, kw, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(m, km, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(v, kv, rtol=1e-12, atol=1e-15)


def test_keras_path_on_the_bowl_is_the_references_path():
    w, m, v = opt.START, np.zeros(2), np.zeros(2)
    path = [w]
    for t in range(1, opt.N_STEPS + 1):
        w, m, v = reference_adam_step(w, opt.bowl_gradient(w), m, v, t, alpha=0.15)
        path.append(w)
    np.testing.assert_allclose(opt.adam_path(0.15), np.array(path), rtol=0, atol=1e-12)


def test_the_recorded_steps_are_keras_steps():
    """The recorded mistakes of adam_step start from the reference's states; the check's from Keras's."""
    for (_, start, gradients, hp), entry in zip(opt.adam_step_cases(), expectations.expected("05_adam", "adam_step"),
                                                strict=True):
        keras = np.array([np.stack(state) for state in opt.keras_adam_states(start, gradients, **hp)])
        np.testing.assert_allclose(entry["expected"], keras, rtol=1e-9, atol=1e-15)


def test_adam_step_does_not_modify_its_inputs():
    w, g, m, v = np.ones(2), np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    reference_adam_step(w, g, m, v, 1)
    assert (w == 1).all() and (m == 0).all() and (v == 0).all()


def test_first_step_is_keras_first_step():
    g = np.array([0.5, -50.0, 3.0])
    for alpha, beta1, beta2 in [(0.01, 0.9, 0.999), (0.3, 0.5, 0.99)]:
        (w, _, _), = opt.keras_adam_states(np.zeros(3), [g], alpha, beta1, beta2)
        np.testing.assert_allclose(w, reference_first_step(g, alpha, beta1, beta2), rtol=1e-5)
    np.testing.assert_array_equal(reference_first_step(np.zeros(2)), [0.0, 0.0])
