"""Lab 01's answers and typical mistakes: predict_labels, train_by_hand (the loop fit runs), build_model.

`record()` runs them on the visible checks' cases (utils.training.predict_labels_cases and
train_by_hand_cases) for utils/expected/01_training.json; the grader calls them on its own cases.
"""
import numpy as np

from instructor.references.lab02 import reference_sigmoid
from utils.training import predict_labels_cases, train_by_hand_cases

# ------------------------------------------------------------------------------- predict_labels


def reference_predict_labels(probabilities, threshold=0.5):
    return (np.asarray(probabilities, dtype=float).reshape(-1) >= threshold).astype(int)


def strict_labels(probabilities, threshold=0.5):
    """Mistake: > instead of >=, so a probability on the threshold becomes 0."""
    return (np.asarray(probabilities, dtype=float).reshape(-1) > threshold).astype(int)


def fixed_half_labels(probabilities, threshold=0.5):
    """Mistake: the threshold argument ignored, 0.5 used instead."""
    return reference_predict_labels(probabilities)


# -------------------------------------------------------------------------------- train_by_hand


def _copy_of(model):
    import keras

    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    return twin


def reference_fit_costs(model, X, y, learning_rate, epochs):
    """What fit does with one batch of all examples and SGD: (costs per epoch, final weights) of a copy."""
    import keras

    twin = _copy_of(model)
    twin.compile(loss=keras.losses.BinaryCrossentropy(), optimizer=keras.optimizers.SGD(learning_rate))
    history = twin.fit(X, y, epochs=epochs, batch_size=len(X), shuffle=False, verbose=0)
    return [float(c) for c in history.history["loss"]], twin.get_weights()


def reference_loop(model, X, y, step_size, epochs, record_after=False):
    """Gradient descent written out on a copy (step_size < 0 climbs): (costs, final weights).

    The costs are recorded before each update, as fit does, or after it (record_after=True).
    """
    import tensorflow as tf

    twin = _copy_of(model)
    loss_fn = tf.keras.losses.BinaryCrossentropy()
    costs = []
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            cost = loss_fn(y, twin(X))
        grads = tape.gradient(cost, twin.trainable_variables)
        for variable, grad in zip(twin.trainable_variables, grads, strict=True):
            variable.assign_sub(step_size * grad)
        costs.append(float(loss_fn(y, twin(X))) if record_after else float(cost))
    return costs, twin.get_weights()


def flat(weights):
    """A model's weights as one vector (the recorded form: a file entry holds arrays of one shape)."""
    return np.concatenate([np.ravel(w) for w in weights])


def train_by_hand_entry(model, X, y, learning_rate, epochs):
    """fit's costs and final weights, and what each typical mistake gives, for one visible case."""
    import tensorflow as tf

    costs, weights = reference_fit_costs(model, X, y, learning_rate, epochs)
    return {
        "expected": costs,
        "weights": flat(weights),
        "climbs": flat(reference_loop(model, X, y, -learning_rate, epochs)[1]),  # assign_add
        "no_learning_rate": flat(reference_loop(model, X, y, 1.0, epochs)[1]),  # the gradient unscaled
        "late_costs": reference_loop(model, X, y, learning_rate, epochs, record_after=True)[0],
        "first_cost": reference_loop(model, X, y, 0.0, 1)[0][0],
        "swapped_first_cost": float(tf.keras.losses.BinaryCrossentropy()(model(X), y)),  # loss_fn(p, y)
    }


# ---------------------------------------------------------------------------------- build_model


def reference_build_model_output(weights, X):
    """The output of build_model's network (Dense(10, sigmoid), Dense(1, sigmoid)) with these weights."""
    W1, b1, W2, b2 = (np.asarray(w, dtype=float) for w in weights)
    return reference_sigmoid(reference_sigmoid(np.asarray(X, dtype=float) @ W1 + b1) @ W2 + b2)


# ---------------------------------------------------------------------------------- the record


def record():
    return {
        "predict_labels": [{"expected": reference_predict_labels(*case.args, **case.kwargs),
                            "strict": strict_labels(*case.args, **case.kwargs),
                            "fixed_half": fixed_half_labels(*case.args, **case.kwargs)}
                           for case in predict_labels_cases()],
        "train_by_hand": [train_by_hand_entry(*case.args) for case in train_by_hand_cases()],
    }
