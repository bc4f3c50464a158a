"""Input checks for the helpers: a wrong shape or type gets a message saying what was expected."""
import numpy as np


def as_array(value, name="value", dtype=float):
    """Convert an array-like to a NumPy array, with a clear message when that is impossible."""
    if value is None:
        raise TypeError(f"{name} is None; expected an array of numbers")
    try:
        return np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}: {exc}") from None


def as_2d_features(X, name="X", n_features=2):
    """An (n, n_features) float array, or a TypeError/ValueError naming the problem."""
    X = as_array(X, name)
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(f"{name} must have shape (n_examples, {n_features}), got shape {X.shape}")
    if len(X) == 0:
        raise ValueError(f"{name} is empty")
    return X


def as_labels(y, n, name="y"):
    """A 1-D label vector of length n (a column vector is flattened)."""
    y = np.asarray(y) if y is not None else None
    if y is None:
        raise TypeError(f"{name} is None; expected one label per example")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"{name} must hold one label per example ({n}), got shape {y.shape}")
    return y
