"""Lab 04's graded exercises: the answer key passes on fresh cases, typical mistakes fail."""
import numpy as np
import pytest
from grader_support import blank, grade_in_process, with_answer

LAB = "04_multiclass_vs_multilabel"
KEYS = ("count_parameters", "build_scene_model", "answers", "choose_threshold")


def builder(name, n_inputs, hidden, last, loss, first=None):
    first = first or f"tf.keras.Input(shape=({n_inputs},))"
    return f'''
def {name}():
    model = tf.keras.Sequential([{first}, tf.keras.layers.Dense({hidden}, activation="relu"), {last}])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss={loss})
    return model
'''


SPARSE = "tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
BINARY = "tf.keras.losses.BinaryCrossentropy(from_logits=True)"
PARAMETERS_NO_BIASES = '''
def count_parameters(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
'''
PARAMETERS_INPUT_BIASES = '''
def count_parameters(layer_sizes):
    return sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])) + layer_sizes[0]
'''
PARAMETERS_FIRST_LAYER = '''
def count_parameters(layer_sizes):
    return layer_sizes[0] * layer_sizes[1] + layer_sizes[1]
'''
PARAMETERS_RAW_INPUTS = '''
def count_parameters(layer_sizes):
    return sum(layer_sizes[0] * units + units for units in layer_sizes[1:])
'''
SCENE_SIGMOID = builder("build_scene_model", 100, 32, 'tf.keras.layers.Dense(3, activation="sigmoid")', BINARY)
SCENE_CATEGORICAL = builder("build_scene_model", 100, 32, "tf.keras.layers.Dense(3)",
                            "tf.keras.losses.CategoricalCrossentropy(from_logits=True)")
SCENE_IMAGE_INPUT = builder("build_scene_model", 100, 32, "tf.keras.layers.Dense(3)", BINARY,
                            first="tf.keras.Input(shape=(10, 10))")
SCENE_ONE_MODEL = builder("_the_model", 100, 32, "tf.keras.layers.Dense(3)", BINARY) + '''
_model = _the_model()


def build_scene_model():
    return _model
'''
SCENE_NO_RETURN = '''
def build_scene_model():
    model = tf.keras.Sequential([tf.keras.Input(shape=(100,)), tf.keras.layers.Dense(3)])
'''
SCENE_NO_INPUT = builder("build_scene_model", 100, 32, "tf.keras.layers.Dense(3)", BINARY,
                         first="tf.keras.layers.Dense(32)")
THRESHOLD_ALL_SCORES = '''
def choose_threshold(y_true, scores, target_recall):
    n_pos = int(np.sum(np.asarray(y_true) == 1))
    ranked = np.sort(np.asarray(scores, dtype=float))[::-1]
    return float(ranked[int(np.ceil(target_recall * n_pos)) - 1])
'''
THRESHOLD_ROUND_DOWN = '''
def choose_threshold(y_true, scores, target_recall):
    positives = np.sort(np.asarray(scores, dtype=float)[np.asarray(y_true) == 1])[::-1]
    return float(positives[max(int(target_recall * len(positives)), 1) - 1])
'''
THRESHOLD_INT_INDEX = '''
def choose_threshold(y_true, scores, target_recall):
    positives = np.sort(np.asarray(scores, dtype=float)[y_true])[::-1]
    return float(positives[int(np.ceil(target_recall * len(positives))) - 1])
'''
THRESHOLD_NUMPY_NUMBER = '''
def choose_threshold(y_true, scores, target_recall):
    positives = np.sort(np.asarray(scores)[np.asarray(y_true) == 1])[::-1]
    return positives[int(np.ceil(target_recall * len(positives) - 1e-9)) - 1]
'''
THRESHOLD_CEIL = '''
def choose_threshold(y_true, scores, target_recall):
    positives = np.sort(np.asarray(scores, dtype=float)[np.asarray(y_true) == 1])[::-1]
    return float(positives[int(np.ceil(target_recall * len(positives))) - 1])
'''
RIGHT = dict(a="multiclass", b="multi-label", c="multi-label", d="multiclass", e="multiclass", f="multi-label")
ONE_WRONG = f"answers = {RIGHT | {'d': 'multi-label'}!r}"
NOT_A_CHOICE = f"answers = {RIGHT | {'e': 'binary'}!r}"
A_SYNONYM = f"answers = {RIGHT | {'a': 'softmax'}!r}"
OTHER_SPELLINGS = f"answers = {RIGHT | {'a': 'Multi_Class', 'b': 'Multilabel', 'e': 'multi-class'}!r}"


def grade(nb, tmp_path, seed):
    return grade_in_process(nb, LAB, tmp_path, seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_answer_key_passes_fresh_cases(notebook, tmp_path, seed):
    assert {k: (e.status, e.reason) for k, e in grade(notebook, tmp_path, seed).items()} == \
        {key: ("passed", "") for key in KEYS}


def test_blank_is_not_written(notebook, tmp_path):
    assert {k: e.status for k, e in grade(blank(notebook), tmp_path, 4).items()} == \
        {key: "not written" for key in KEYS}


@pytest.mark.parametrize("key, code, why", [
    ("count_parameters", PARAMETERS_NO_BIASES, "differs"),
    ("count_parameters", PARAMETERS_INPUT_BIASES, "differs"),
    ("count_parameters", PARAMETERS_FIRST_LAYER, "differs"),
    ("count_parameters", PARAMETERS_RAW_INPUTS, "differs"),
    ("build_scene_model", SCENE_ONE_MODEL, "returned the same model"),
    ("build_scene_model", SCENE_NO_RETURN, "returned a NoneType"),
    ("build_scene_model", SCENE_SIGMOID, "activation='sigmoid'"),
    ("build_scene_model", SCENE_CATEGORICAL, "loss 'categorical_crossentropy'"),
    ("build_scene_model", SCENE_IMAGE_INPUT, "input shape is (10, 10)"),
    ("build_scene_model", SCENE_NO_INPUT, "does not know its input shape"),
    ("choose_threshold", THRESHOLD_ALL_SCORES, "differs"),
    ("choose_threshold", THRESHOLD_ROUND_DOWN, "differs"),
    ("choose_threshold", THRESHOLD_INT_INDEX, "differs"),
    ("choose_threshold", THRESHOLD_CEIL, "differs"),
    ("answers", ONE_WRONG, "1 of your answers is not right"),
    ("answers", NOT_A_CHOICE, "'binary' is not one of the choices"),
    ("answers", A_SYNONYM, "'softmax' is not one of the choices"),
])
def test_mistakes_fail_that_exercise_only(notebook, tmp_path, key, code, why):
    grades = grade(with_answer(notebook, key, code), tmp_path, 5)
    assert grades[key].status == "failed" and why in grades[key].reason, grades[key].reason
    assert all(e.status == "passed" for k, e in grades.items() if k != key)


@pytest.mark.parametrize("key, code", [("choose_threshold", THRESHOLD_NUMPY_NUMBER), ("answers", OTHER_SPELLINGS)])
def test_accepted_variants(notebook, tmp_path, key, code):
    assert grade(with_answer(notebook, key, code), tmp_path, 6)[key].status == "passed"


def test_model_output_is_recomputed_from_the_grader_weights(notebook, tmp_path):
    """A model whose layers look right but computes something else (here: a bias frozen at 0) fails."""
    code = builder("build_scene_model", 100, 32, "tf.keras.layers.Dense(3)", BINARY) + '''
_build = build_scene_model


def build_scene_model():
    model = _build()
    model.set_weights = lambda weights: tf.keras.Model.set_weights(model, weights[:-1] + [0 * weights[-1]])
    return model
'''
    grades = grade(with_answer(notebook, "build_scene_model", code), tmp_path, 7)
    assert grades["build_scene_model"].status == "failed"
    assert "the model's output: differs" in grades["build_scene_model"].reason


def test_cases_change_with_the_seed():
    from instructor.grader.labs.lab04 import EXERCISES
    threshold = next(e for e in EXERCISES if e.key == "choose_threshold")
    first, second = (threshold.draw(np.random.default_rng(s)) for s in (1, 2))
    assert not np.array_equal(first[0].args[1], second[0].args[1])


def test_every_grading_draws_a_floating_point_tie_for_choose_threshold():
    """The answer key once rounded target * n up and failed (0.28, 25 positives): every grading tries such a case."""
    from instructor.grader.labs.lab04 import EXERCISES
    threshold = next(e for e in EXERCISES if e.key == "choose_threshold")
    for seed in range(5):
        calls = threshold.draw(np.random.default_rng(seed))
        ties = [c for c in calls if (lambda y, t: t * y.sum() > round(t * y.sum()) and
                                     abs(t * y.sum() - round(t * y.sum())) < 1e-9)(np.asarray(c.args[0]), c.args[2])]
        assert ties, seed
