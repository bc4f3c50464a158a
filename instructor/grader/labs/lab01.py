"""Lab 01, training: train_by_hand, predict_labels and build_model.

The wire carries no Keras model, so the two model exercises go through kernel helpers: one builds a
model from plain layers and weights, runs the student's train_by_hand on it and sends back the costs
and the final weights; the other calls build_model twice and describes what it returned, with the
model's output for weights the grader chose. The references run here, in TensorFlow and NumPy.
"""
import numpy as np

from instructor.grader.exercises import Call, Exercise, FunctionExercise, differs, first_failure, is_number
from instructor.grader.wire import Opaque
from instructor.references.lab01 import reference_build_model_output, reference_loop, reference_predict_labels

# ------------------------------------------------------------------------------- predict_labels


def predict_labels_inputs(rng):
    def column(m, at=0.5, dtype=float):
        p = rng.uniform(0, 1, (m, 1))
        p[rng.choice(m, size=max(1, m // 4), replace=False)] = at  # on the threshold: counts as 1
        return p.astype(dtype)

    m = int(rng.integers(4, 12))
    threshold = float(np.round(rng.uniform(0.05, 0.95), 2))
    return [
        ("a column of probabilities, as model.predict returns", (column(m),), {}),
        ("float32 probabilities", (column(m, dtype=np.float32),), {}),
        ("a flat list", ([float(v) for v in column(m)[:, 0]],), {}),
        (f"threshold={threshold}", (column(m, threshold),), {"threshold": threshold}),
        (f"the threshold {threshold} given by position", (column(m, threshold), threshold), {}),
        ("threshold 0: every example is 1", (column(m, 0.0),), {"threshold": 0.0}),
        ("threshold 1: only a probability of exactly 1", (column(m, 1.0),), {"threshold": 1.0}),
        ("a single example", (rng.uniform(0, 1, (1, 1)),), {}),
        ("no examples (shape (0, 1))", (np.zeros((0, 1)),), {}),
    ]


def compare_labels(got, expected, call):
    problem = differs(got, expected)
    if problem:
        return problem
    if isinstance(got, np.ndarray) and got.dtype.kind == "b":
        return "returned True/False values, expected the integers 0 and 1"
    if isinstance(got, np.ndarray) and got.dtype.kind not in "iu":
        return "returned floats, expected the integers 0 and 1 (.astype(int))"
    if not isinstance(got, np.ndarray) and not all(isinstance(v, int) and not isinstance(v, bool) for v in got):
        return "returned values that are not the integers 0 and 1"
    return None


# -------------------------------------------------------------------------------- train_by_hand

TRAIN_HELPER = '''
def _grader_train_by_hand(layers, weights, X, y, learning_rate, epochs):
    import numpy as np
    import tensorflow as tf

    model = tf.keras.Sequential([tf.keras.Input(shape=(X.shape[1],))]
                                + [tf.keras.layers.Dense(units, activation=g) for units, g in layers])
    model.set_weights([np.asarray(w, dtype="float32") for w in weights])
    costs = train_by_hand(model, X, y, learning_rate, epochs)
    return {"costs": costs, "weights": model.get_weights()}
'''


def keras_model(n_inputs, layers, weights):
    """The model the kernel helper builds, here in the grader's process."""
    import tensorflow as tf

    model = tf.keras.Sequential([tf.keras.Input(shape=(n_inputs,))]
                                + [tf.keras.layers.Dense(units, activation=g) for units, g in layers])
    model.set_weights(weights)
    return model


def network_case(rng, layers, n_inputs, learning_rate, epochs):
    """(layers, weights, X, y, learning_rate, epochs): plain values, float32 like a Keras model's."""
    m = int(rng.integers(6, 20))
    sizes = [n_inputs] + [units for units, _ in layers]
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        weights += [rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out)).astype(np.float32),
                    rng.normal(0, 0.3, n_out).astype(np.float32)]
    X = rng.normal(0, 1, (m, n_inputs)).astype(np.float32)
    y = rng.integers(0, 2, (m, 1)).astype(np.float32)
    return layers, weights, X, y, learning_rate, epochs


class TrainByHand(Exercise):
    key = title = "train_by_hand"
    kernel_code = TRAIN_HELPER
    student_names = ("train_by_hand",)

    def draw(self, rng):
        n = int(rng.integers(2, 7))
        hidden = [(int(rng.integers(2, 6)), str(rng.choice(["sigmoid", "relu", "tanh"]))), (1, "sigmoid")]
        lr, steps = float(np.round(rng.uniform(0.2, 2.0), 2)), int(rng.integers(3, 7))
        cases = [
            (f"a {n} -> {hidden[0][0]} ({hidden[0][1]}) -> 1 network, learning rate {lr}, {steps} steps",
             network_case(rng, hidden, n, lr, steps)),
            ("logistic regression (one sigmoid unit), 4 steps",
             network_case(rng, [(1, "sigmoid")], n, float(np.round(rng.uniform(0.5, 3.0), 2)), 4)),
            ("two hidden layers, one step (epochs=1)",
             network_case(rng, [(4, "sigmoid"), (3, "sigmoid"), (1, "sigmoid")], n, 0.7, 1)),
            ("epochs=0: no step, no cost", network_case(rng, hidden, n, lr, 0)),
            ("learning rate 0 for 3 steps: the weights stay", network_case(rng, hidden, n, 0.0, 3)),
        ]
        return [Call("_grader_train_by_hand", args, label=label) for label, args in cases]

    def judge(self, calls, answers):
        return first_failure(calls, answers, lambda call, got: self.problem(call.args, got))

    @staticmethod
    def problem(args, got):
        layers, weights, X, y, learning_rate, epochs = args
        costs = as_costs(got["costs"])
        if isinstance(costs, str):
            return costs
        if len(costs) != epochs:
            return f"returned {len(costs)} costs for {epochs} steps: record one cost per step"
        expected_costs, expected_weights = reference_loop(keras_model(X.shape[1], layers, weights),
                                                          X, y, learning_rate, epochs)
        moved = [not np.array_equal(w, w0) for w, w0 in zip(got["weights"], weights, strict=True)]
        if epochs and learning_rate and not any(moved):
            return "the model's weights did not change: update each variable in place (assign_sub)"
        problem = differs(costs, expected_costs, atol=1e-5, rtol=1e-4)
        if problem and epochs > 1 and not differs(costs[:-1], expected_costs[1:], atol=1e-5, rtol=1e-4):
            return "each cost is one step late: record the cost the step computed, before its update"
        if problem:
            return f"costs (one per step, before its update): {problem}"
        for i, (w, w_expected) in enumerate(zip(got["weights"], expected_weights, strict=True)):
            if differs(w, w_expected, atol=1e-5, rtol=1e-4):
                what = "W" if i % 2 == 0 else "b"
                return f"the costs are right, but the final {what} of layer {i // 2 + 1} is not gradient descent's"
        return None


def as_costs(costs):
    """The costs as a list of floats (numbers, or arrays of one number each), else why not."""
    if costs is None:
        return "returned None (is `return costs` missing?)"
    if isinstance(costs, Opaque):
        return f"returned {costs!r}, expected a list of costs"
    if not isinstance(costs, (list, tuple, np.ndarray)) or (isinstance(costs, np.ndarray) and costs.ndim != 1):
        return f"returned a {type(costs).__name__}, expected a list of costs"
    values = []
    for c in costs:
        if is_number(c):
            values.append(float(c))
        elif isinstance(c, np.ndarray) and c.size == 1 and c.dtype.kind in "iuf":
            values.append(float(c.reshape(-1)[0]))
        else:
            return "the list of costs holds something other than one number per step (append float(cost))"
    return values


# ---------------------------------------------------------------------------------- build_model

BUILD_HELPER = '''
def _grader_build_model(weights, X):
    import keras
    import numpy as np

    first, second = build_model(), build_model()
    if not isinstance(first, keras.Model):
        return {"type": type(first).__name__}
    loss = first.loss
    loss = keras.losses.get(loss) if isinstance(loss, str) else loss
    loss_fn = getattr(loss, "fn", loss)
    optimizer = getattr(first, "optimizer", None)
    try:
        input_shape = list(first.input_shape[1:])
    except (AttributeError, ValueError):
        input_shape = None
    answer = {
        "type": "Model", "same_object": first is second, "input_shape": input_shape,
        "layers": [[type(layer).__name__, getattr(layer, "units", None),
                    getattr(getattr(layer, "activation", None), "__name__", None)] for layer in first.layers],
        "compiled": bool(getattr(first, "compiled", False)) and first.loss is not None,
        "loss": getattr(loss_fn, "__name__", type(loss_fn).__name__),
        "loss_config": {k: v for k, v in (loss.get_config() if hasattr(loss, "get_config") else {}).items()
                        if k in ("from_logits", "label_smoothing")},
        "optimizer": type(optimizer).__name__,
        "learning_rate": float(optimizer.learning_rate) if hasattr(optimizer, "learning_rate") else None,
        "momentum": float(getattr(optimizer, "momentum", 0.0) or 0.0),
        "weight_shapes": [list(w.shape) for w in first.get_weights()],
        "output": None,
    }
    if answer["weight_shapes"] == [list(np.shape(w)) for w in weights]:
        first.set_weights(weights)
        answer["output"] = np.asarray(first(X))
    return answer
'''

PARAMETER_BUDGET = 661  # 64 inputs -> 10 hidden units -> 1 output: 64 * 10 + 10 + 10 + 1


class BuildModel(Exercise):
    key = title = "build_model"
    kernel_code = BUILD_HELPER
    student_names = ("build_model",)

    def draw(self, rng):
        weights = [rng.normal(0, 0.3, (64, 10)), rng.normal(0, 0.5, 10), rng.normal(0, 1, (10, 1)),
                   rng.normal(0, 0.5, 1)]
        X = rng.uniform(0, 1, (int(rng.integers(3, 9)), 64))
        return [Call("_grader_build_model", ([w.astype(np.float32) for w in weights], X.astype(np.float32)))]

    def judge(self, calls, answers):
        return first_failure(calls, answers, lambda call, got: self.problem(*call.args, got))

    @staticmethod
    def problem(weights, X, got):
        if got["type"] != "Model":
            what = "None (is `return model` missing?)" if got["type"] == "NoneType" else f"a {got['type']}"
            return f"build_model returned {what}, expected a Keras model"
        if got["same_object"]:
            return "two calls returned the same model: build a new model inside build_model and return it"
        if got["input_shape"] is None:
            return "the model has no input shape: make tf.keras.Input(shape=(64,)) its first item"
        if got["input_shape"] != [64]:
            return f"the model's input shape is {tuple(got['input_shape'])}, expected (64,)"
        layers = [layer for layer in got["layers"] if layer[0] != "InputLayer"]
        if [[kind, g] for kind, _, g in layers] != [["Dense", "sigmoid"]] * 2 or layers[1][1] != 1:
            shown = ", ".join(f"{kind}({units}, {g})" for kind, units, g in layers) or "none"
            return f"the layers are {shown}; expected a hidden Dense layer (sigmoid) and a Dense(1, sigmoid) output"
        count = sum(int(np.prod(shape)) for shape in got["weight_shapes"])
        if count != PARAMETER_BUDGET:
            return f"the model has {count} parameters, the exercise asks for {PARAMETER_BUDGET}"
        if not got["compiled"]:
            return "the model is not compiled: call model.compile(loss=..., optimizer=...)"
        if got["loss"] != "binary_crossentropy":
            return f"compiled with the loss {got['loss']}, expected binary cross-entropy"
        for option, value in got["loss_config"].items():
            if value:
                return f"the loss has {option}={value}, expected the default (BinaryCrossentropy())"
        if got["optimizer"] != "SGD" or got["momentum"]:
            return f"the optimizer is {got['optimizer']}, expected SGD (plain gradient descent, no momentum)"
        if not np.isclose(got["learning_rate"], 0.5, atol=1e-6):
            return f"the learning rate is {got['learning_rate']:g}, expected 0.5"
        if got["output"] is None:
            return f"the model holds weights of shapes {got['weight_shapes']}, expected [[64, 10], [10], [10, 1], [1]]"
        problem = differs(got["output"], reference_build_model_output(weights, X), atol=1e-5, rtol=1e-4)
        return f"with the grader's weights, the model's output: {problem}" if problem else None


EXERCISES = [
    FunctionExercise("predict_labels", "predict_labels", "predict_labels", predict_labels_inputs,
                     reference_predict_labels, compare=compare_labels),
    TrainByHand(),
    BuildModel(),
]
