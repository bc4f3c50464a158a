"""Lab 01 helpers: the gradient-descent demo and the exercise checks."""
import numpy as np
import pytest

from utils.data import load_coffee
from utils.training import (
    CoffeeTrainer,
    binary_cross_entropy,
    check_build_model,
    check_predict_labels,
    gradient_descent_run,
    reference_predict_labels,
)
from utils.widgets import render_png


def test_binary_cross_entropy_matches_keras():
    import keras

    y = np.array([0, 1, 1, 0], dtype=float)
    p = np.array([0.1, 0.8, 0.6, 0.3])
    assert binary_cross_entropy(y, p) == pytest.approx(float(keras.losses.BinaryCrossentropy()(y, p)), abs=1e-6)
    with pytest.raises(ValueError, match="one probability per label"):
        binary_cross_entropy(y, p[:3])


def test_gradient_descent_lowers_the_cost_and_records_snapshots():
    X, y = load_coffee()
    _, losses, snapshots = gradient_descent_run(X, y, learning_rate=3.0, epochs=120, record_every=50)
    assert len(losses) == 120 and losses[-1] < losses[0]
    assert sorted(snapshots) == [0, 50, 100, 120]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"learning_rate": 0.0, "epochs": 5}, "learning_rate must be positive"),
    ({"learning_rate": 1.0, "epochs": 2.5}, "epochs must be a non-negative int"),
])
def test_gradient_descent_rejects_bad_settings(kwargs, message):
    X, y = load_coffee()
    with pytest.raises(ValueError, match=message):
        gradient_descent_run(X, y, **kwargs)


def test_gradient_descent_rejects_wrong_shapes():
    X, y = load_coffee()
    with pytest.raises(ValueError, match=r"shape \(n_examples, 2\)"):
        gradient_descent_run(X[:, :1], y, 1.0, 5)
    with pytest.raises(ValueError, match="one label per example"):
        gradient_descent_run(X, y[:10], 1.0, 5)


def test_trainer_draws_and_caches_runs():
    X, y = load_coffee()
    trainer = CoffeeTrainer(X, y, max_epochs=100, record_every=50)
    png, caption = render_png(trainer.draw, learning_rate=3.0, epochs=100)
    assert png.startswith(b"\x89PNG") and caption.startswith("epochs 100: cost")
    _, later = render_png(trainer.draw, learning_rate=3.0, epochs=50)
    assert later.startswith("epochs 50") and len(trainer._runs) == 1


def student_strict(p, threshold=0.5):
    return (np.asarray(p, dtype=float).reshape(-1) > threshold).astype(int)


def student_column(p, threshold=0.5):
    return (np.asarray(p, dtype=float) >= threshold).astype(int)


def student_fixed(p, threshold=0.5):
    return (np.asarray(p, dtype=float).reshape(-1) >= 0.5).astype(int)


def test_predict_labels_check(capsys):
    check_predict_labels(reference_predict_labels)
    assert capsys.readouterr().out.startswith("✅")
    for student, hint in [(student_strict, "use >= rather than >"), (student_column, "1-D array"),
                          (student_fixed, "threshold argument"), (lambda p, threshold=0.5: None, "None")]:
        check_predict_labels(student)
        out = capsys.readouterr().out
        assert out.startswith("❌") and hint in out, out


def test_digits_model_check(capsys):
    import keras

    def good():
        model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10, activation="sigmoid"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.5))
        return model

    def adam():
        model = good()
        model.compile(loss="binary_crossentropy", optimizer="adam")
        return model

    def broken():
        raise NameError("name 'Dense' is not defined")

    check_build_model(good)
    assert capsys.readouterr().out.startswith("✅")
    check_build_model(adam)
    assert "expected SGD" in capsys.readouterr().out
    check_build_model(broken)
    assert "raised NameError" in capsys.readouterr().out
    check_build_model(good())
    assert "pass the function itself" in capsys.readouterr().out
