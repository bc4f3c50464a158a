"""Lab 01's graded exercises: the answer key passes on fresh cases, typical mistakes fail."""
import numpy as np
import pytest
from grader_support import blank, grade_in_process, with_answer

LAB = "01_training"
KEYS = {"train_by_hand", "predict_labels", "build_model"}

LOOP = '''
def train_by_hand(model, X, y, learning_rate, epochs):
    loss_fn = tf.keras.losses.BinaryCrossentropy()
    costs = []
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            cost = loss_fn({loss_args})
        grads = tape.gradient(cost, model.trainable_variables)
        for variable, grad in zip(model.trainable_variables, grads):
            {update}
        costs.append({record})
    return costs
'''


def loop(loss_args="y, model(X)", update="variable.assign_sub(learning_rate * grad)", record="float(cost)"):
    return LOOP.format(loss_args=loss_args, update=update, record=record)


RECORD_AFTER = loop(record="float(loss_fn(y, model(X)))")
CLIMBS = loop(update="variable.assign_add(learning_rate * grad)")
NO_STEP_SIZE = loop(update="variable.assign_sub(grad)")
SWAPPED = loop(loss_args="model(X), y")
NO_UPDATE = loop(update="variable = variable - learning_rate * grad")  # a new tensor: the model never moves
TENSOR_COSTS = loop(record="cost")  # tensors, not floats: the visible check accepts them, so does the grader

LABELS = '''
def predict_labels(probabilities, threshold=0.5):
    p = np.asarray(probabilities, dtype=float){flatten}
    return {labels}
'''
STRICT = LABELS.format(flatten=".reshape(-1)", labels="(p > threshold).astype(int)")
FIXED_HALF = LABELS.format(flatten=".reshape(-1)", labels="(p >= 0.5).astype(int)")
NOT_FLAT = LABELS.format(flatten="", labels="(p >= threshold).astype(int)")
BOOLEANS = LABELS.format(flatten=".reshape(-1)", labels="p >= threshold")
AS_LIST = LABELS.format(flatten=".reshape(-1)", labels="[int(v >= threshold) for v in p]")

BUILD_TEMPLATE = '''
def build_model():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64,)),
        tf.keras.layers.Dense({units}, activation="{hidden}"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    {compile}
    return model
'''


class Build:
    """BUILD_TEMPLATE.format with 10 hidden units unless told otherwise."""

    @staticmethod
    def format(units=10, **parts):
        return BUILD_TEMPLATE.format(units=units, **parts)


BUILD = Build()
RIGHT_COMPILE = "model.compile(loss=tf.keras.losses.BinaryCrossentropy(), optimizer=tf.keras.optimizers.SGD(0.5))"
RELU_HIDDEN = BUILD.format(hidden="relu", compile=RIGHT_COMPILE)
NOT_COMPILED = BUILD.format(hidden="sigmoid", compile="")
DEFAULT_RATE = BUILD.format(hidden="sigmoid", compile='model.compile(loss="binary_crossentropy", optimizer="sgd")')
MSE = BUILD.format(hidden="sigmoid", compile=RIGHT_COMPILE.replace("BinaryCrossentropy", "MeanSquaredError"))
LOGITS = BUILD.format(hidden="sigmoid", compile=RIGHT_COMPILE.replace("BinaryCrossentropy()",
                                                                        "BinaryCrossentropy(from_logits=True)"))
STRING_LOSS = BUILD.format(hidden="sigmoid", compile='model.compile(loss="binary_crossentropy", '
                                                     'optimizer=tf.keras.optimizers.SGD(learning_rate=0.5))')
WRONG_BUDGET = BUILD.format(units=11, hidden="sigmoid", compile=RIGHT_COMPILE)  # 727 parameters
NO_INPUT = RELU_HIDDEN.replace('tf.keras.Input(shape=(64,)),', '').replace("relu", "sigmoid")
ONE_MODEL = '''
the_model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(10, activation="sigmoid"),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
the_model.compile(loss=tf.keras.losses.BinaryCrossentropy(), optimizer=tf.keras.optimizers.SGD(0.5))


def build_model():
    return the_model
'''


def grade(nb, tmp_path, seed):
    return grade_in_process(nb, LAB, tmp_path, seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_answer_key_passes_fresh_cases(notebook, tmp_path, seed):
    grades = grade(notebook, tmp_path, seed)
    assert {k: (e.status, e.reason) for k, e in grades.items()} == {k: ("passed", "") for k in KEYS}


def test_blank_is_not_written(notebook, tmp_path):
    assert {e.status for e in grade(blank(notebook), tmp_path, 4).values()} == {"not written"}


@pytest.mark.parametrize("key, code, why", [
    ("train_by_hand", RECORD_AFTER, "one step late"),
    ("train_by_hand", CLIMBS, "differs"),
    ("train_by_hand", NO_STEP_SIZE, "differs"),
    ("train_by_hand", SWAPPED, "differs"),
    ("train_by_hand", NO_UPDATE, "weights did not change"),
    ("predict_labels", STRICT, "differs"),
    ("predict_labels", FIXED_HALF, "threshold"),
    ("predict_labels", NOT_FLAT, "has shape"),
    ("predict_labels", BOOLEANS, "True/False"),
    ("build_model", RELU_HIDDEN, "Dense(10, relu)"),
    ("build_model", WRONG_BUDGET, "has 727 parameters, the exercise asks for 661"),
    ("build_model", NOT_COMPILED, "not compiled"),
    ("build_model", DEFAULT_RATE, "learning rate is 0.01"),
    ("build_model", MSE, "mean_squared_error"),
    ("build_model", LOGITS, "from_logits=True"),
    ("build_model", ONE_MODEL, "same model"),
    ("build_model", NO_INPUT, "no input shape"),
])
def test_mistakes_fail_that_exercise_only(notebook, tmp_path, key, code, why):
    grades = grade(with_answer(notebook, key, code), tmp_path, 5)
    assert grades[key].status == "failed" and why in grades[key].reason, grades[key].reason
    assert all(e.status == "passed" for k, e in grades.items() if k != key)


@pytest.mark.parametrize("key, code", [
    ("train_by_hand", TENSOR_COSTS),
    ("predict_labels", AS_LIST),
    ("build_model", STRING_LOSS),
])
def test_other_right_forms_pass(notebook, tmp_path, key, code):
    grades = grade(with_answer(notebook, key, code), tmp_path, 6)
    assert {k: (e.status, e.reason) for k, e in grades.items()} == {k: ("passed", "") for k in KEYS}


def test_cases_change_with_the_seed():
    from instructor.grader.labs.lab01 import EXERCISES
    train = next(e for e in EXERCISES if e.key == "train_by_hand")
    first, second = (train.draw(np.random.default_rng(s)) for s in (1, 2))
    assert not np.array_equal(first[0].args[2], second[0].args[2])
