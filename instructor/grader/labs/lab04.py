"""Lab 04, multiclass versus multi-label: count_parameters, build_scene_model, answers, choose_threshold.

A model cannot cross the wire, so `_grader_model_facts` (run in the kernel) calls the student's
builder twice and answers with plain values: the layers, the input shape, the loss, the weight
shapes, and the model's output on inputs the grader drew after setting weights the grader drew. The
grader recomputes that output with NumPy from the same weights.
"""
import numpy as np

from instructor.grader.exercises import (
    Call,
    Exercise,
    FunctionExercise,
    ValueExercise,
    Verdict,
    differs,
    first_failure,
)
from instructor.grader.wire import Opaque
from instructor.references.lab04 import reference_count_parameters, reference_threshold_for_recall
from utils.multilabel import SCENE_LAYERS, evaluate_setup_choices

MODEL_FACTS = '''
def _grader_model_facts(builder_name, weights, x):
    """builder_name()'s model as plain values; its output on x after model.set_weights(weights)."""
    import keras
    import numpy

    builder = globals()[builder_name]
    model = builder()
    if not isinstance(model, keras.Model):
        return {"model": type(model).__name__}
    facts = {"model": "Model", "new_each_call": builder() is not model}
    try:
        facts["input_shape"] = tuple(None if n is None else int(n) for n in model.input_shape[1:])
    except Exception:
        facts["input_shape"] = None
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    def activation(layer):
        f = getattr(layer, "activation", None)
        return None if f is None else getattr(f, "__name__", type(f).__name__)

    facts["layers"] = [(type(layer).__name__, getattr(layer, "units", None), activation(layer)) for layer in layers]
    loss = getattr(model, "loss", None) if getattr(model, "compiled", False) else None
    if loss is None:
        facts["loss"] = None
    elif isinstance(loss, str):
        facts["loss"] = (loss, False)
    else:
        name = getattr(getattr(loss, "fn", None), "__name__", None) or getattr(loss, "__name__", type(loss).__name__)
        config = loss.get_config() if hasattr(loss, "get_config") else {}
        facts["loss"] = (str(name), bool(config.get("from_logits", False)))
    facts["weight_shapes"] = [tuple(int(n) for n in w.shape) for w in model.get_weights()]
    if facts["weight_shapes"] == [tuple(w.shape) for w in weights]:
        model.set_weights(weights)
        facts["output"] = numpy.asarray(model(x))
    return facts
'''


def _describe(name, units, activation):
    return f"{name}(units={units!r}, activation={activation!r})"


class ModelExercise(Exercise):
    """A builder of a compiled Dense network: n_inputs -> layers (the last one linear), with a from-logits loss."""

    kernel_code = MODEL_FACTS

    def __init__(self, key, n_inputs, layers, loss_name):
        self.key = self.title = self.builder = key
        self.student_names = (key,)
        self.n_inputs, self.layers, self.loss_name = n_inputs, layers, loss_name

    def draw(self, rng):
        sizes = [self.n_inputs] + [spec.units for spec in self.layers]
        weights = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            weights += [rng.normal(0, 1 / np.sqrt(fan_in), (fan_in, fan_out)).astype(np.float32),
                        rng.normal(0, 0.5, fan_out).astype(np.float32)]
        n = int(rng.integers(3, 9))
        x = rng.normal(0, 1, (n, self.n_inputs)).astype(np.float32)
        return [Call("_grader_model_facts", (self.builder, weights, x))]

    def expected_output(self, weights, x):
        a = np.asarray(x, dtype=float)
        for i, spec in enumerate(self.layers):
            a = a @ np.asarray(weights[2 * i], dtype=float) + np.asarray(weights[2 * i + 1], dtype=float)
            if spec.activation == "relu":
                a = np.maximum(a, 0)
        return a

    def judge(self, calls, answers):
        return first_failure(calls, answers, self.problem)

    def problem(self, call, facts):
        try:
            return self.model_problem(call, facts)
        except (KeyError, TypeError, ValueError, IndexError):  # facts that _grader_model_facts never gives
            return f"the grader could not read {self.builder}()'s model"

    def model_problem(self, call, facts):
        name = f"{self.builder}()"
        if facts["model"] != "Model":
            hint = " (is a `return model` missing?)" if facts["model"] == "NoneType" else ""
            return f"{name} returned a {facts['model']}, expected a Keras model{hint}"
        if not facts["new_each_call"]:
            return f"two calls of {name} returned the same model: build a new one inside the function"
        if facts["input_shape"] is None:
            return (f"the model does not know its input shape: make tf.keras.Input(shape=({self.n_inputs},)) "
                    "the first item of the Sequential")
        if facts["input_shape"] != (self.n_inputs,):
            return f"the model's input shape is {facts['input_shape']}, expected ({self.n_inputs},)"
        expected = [(spec.kind, spec.units, spec.activation) for spec in self.layers]
        got = [tuple(layer) for layer in facts["layers"]]
        if len(got) != len(expected):
            return (f"the model has {len(got)} layers, expected {len(expected)}: "
                    + ", ".join(_describe(*layer) for layer in expected))
        for i, (mine, theirs) in enumerate(zip(got, expected, strict=True), start=1):
            if mine != theirs:
                return f"layer {i} is {_describe(*mine)}, expected {_describe(*theirs)}"
        if facts["loss"] is None:
            return "the model is not compiled: call model.compile(optimizer=..., loss=...)"
        loss, from_logits = facts["loss"]
        if loss != self.loss_name:
            return f"the model is compiled with loss {loss!r}, expected {self.loss_name!r}"
        if not from_logits:
            return "the loss has from_logits=False: the last layer is linear, so its outputs are logits"
        weights, x = call.args[1], call.args[2]
        shapes = [tuple(w.shape) for w in weights]
        if [tuple(s) for s in facts["weight_shapes"]] != shapes:
            return f"the model's weights have shapes {facts['weight_shapes']}, expected {shapes}"
        problem = differs(facts.get("output"), self.expected_output(weights, x), atol=1e-4, rtol=1e-4)
        return f"with weights and {len(x)} inputs the grader chose, the model's output: {problem}" if problem else None


def _target(rng, positives):
    """A target recall whose number of positives to flag is not a floating-point tie (k / n >= t
    and ceil(t * n) then agree)."""
    while True:
        target = round(float(rng.uniform(0.3, 0.99)), 2)
        product = target * positives
        if abs(product - round(product)) > 1e-6:
            return target


def _scenes(rng, n, share=0.4, tie_levels=None):
    y = (rng.random(n) < share).astype(np.int64)
    y[rng.choice(n, 2, replace=False)] = [1, 0]  # at least one scene with the label, one without
    if tie_levels is not None:
        return y, rng.choice(tie_levels, n)
    return y, np.clip(0.35 * y + rng.normal(0.35, 0.2, n), 0, 1).round(3)


def parameter_inputs(rng):
    def sizes(layers):
        return [int(n) for n in rng.integers(1, 200, layers + 1)]
    return [
        ("one hidden layer", (sizes(2),), {}),
        ("no hidden layer", (sizes(1),), {}),
        ("three hidden layers", (sizes(4),), {}),
        ("a tuple", (tuple(sizes(2)),), {}),
        ("a single output unit", ([int(rng.integers(2, 50)), int(rng.integers(2, 20)), 1],), {}),
    ]


def _tie(rng, positives):
    """Scenes whose target recall times the number of positives is whole in exact arithmetic but rounds a hair
    above it in floating point (0.28 * 25 = 7.000000000000001): rounding that up flags one positive too many."""
    ties = [(t, k) for k in range(1, positives) for t in [round(k / positives, 2)]
            if t * positives > k and abs(t * positives - k) < 1e-9]
    target, _ = ties[int(rng.integers(len(ties)))]
    y = np.concatenate([np.ones(positives, dtype=np.int64), np.zeros(int(rng.integers(3, 20)), dtype=np.int64)])
    y = y[rng.permutation(len(y))]
    return y, np.clip(0.3 * y + rng.uniform(0.05, 0.7, len(y)), 0, 1).round(4), target


def threshold_inputs(rng):
    y, s = _scenes(rng, int(rng.integers(15, 60)))
    y_float, s_float = _scenes(rng, int(rng.integers(8, 30)))
    y_list, s_list = _scenes(rng, int(rng.integers(6, 15)))
    y_all, s_all = _scenes(rng, int(rng.integers(6, 20)))
    y_half, s_half = _scenes(rng, int(rng.integers(10, 30)))
    while y_half.sum() % 2:
        y_half, s_half = _scenes(rng, len(y_half))
    y_ties, s_ties = _scenes(rng, int(rng.integers(8, 16)), share=0.6, tie_levels=[0.2, 0.45, 0.7, 0.9])
    y_one = np.zeros(int(rng.integers(4, 10)), dtype=np.int64)
    y_one[rng.integers(len(y_one))] = 1
    s_one = rng.uniform(0, 1, len(y_one)).round(3)
    y_low = np.array([0, 0] + [1] * int(rng.integers(3, 7)))
    s_low = np.concatenate([rng.uniform(0.9, 1, 2), rng.uniform(0.1, 0.85, len(y_low) - 2)]).round(3)
    order = rng.permutation(len(y_low))
    y_tie, s_tie, target_tie = _tie(rng, int(rng.choice([25, 50, 100])))
    return [
        (f"{len(y)} scenes, {y.sum()} with the label", (y, s, _target(rng, y.sum())), {}),
        (f"target {target_tie} with {y_tie.sum()} scenes with the label", (y_tie, s_tie, target_tie), {}),
        ("float32 labels and scores, like columns of Y_val and P_val",
         (y_float.astype(np.float32), s_float.astype(np.float32), _target(rng, y_float.sum())), {}),
        ("plain Python lists", ([int(v) for v in y_list], [float(v) for v in s_list], _target(rng, y_list.sum())), {}),
        ("target recall 1.0", (y_all, s_all, 1.0), {}),
        (f"target 0.5 with {y_half.sum()} scenes with the label", (y_half, s_half, 0.5), {}),
        ("tied scores", (y_ties, s_ties, _target(rng, y_ties.sum())), {}),
        ("a single scene with the label", (y_one, s_one, round(float(rng.uniform(0.3, 1)), 2)), {}),
        ("scenes without the label scoring higher than all with it",
         (y_low[order], s_low[order], _target(rng, y_low.sum())), {}),
    ]


class ChoicesExercise(ValueExercise):
    """The answers dict: not written while every answer is still None, as the release edition has it."""

    def judge(self, calls, answers):
        value = answers[0].value
        if answers[0].raised is None and isinstance(value, dict) and value and all(v is None for v in value.values()):
            return Verdict(False, "not written yet", not_written=True)
        return super().judge(calls, answers)


def choices_problem(value):
    if isinstance(value, Opaque) or not isinstance(value, dict):
        return f"answers is a {getattr(value, 'type_name', type(value).__name__)}, expected a dict"
    if not all(isinstance(v, str) or v is None for v in value.values()):
        return "every answer must be the word 'multiclass' or 'multi-label'"
    problems = evaluate_setup_choices(value)
    return "; ".join(problems) if problems else None


EXERCISES = [
    FunctionExercise("count_parameters", "count_parameters", "count_parameters", parameter_inputs,
                     reference_count_parameters, atol=0, rtol=0),
    ModelExercise("build_scene_model", 100, SCENE_LAYERS, "binary_crossentropy"),
    ChoicesExercise("answers", "multiclass or multi-label", "answers", choices_problem),
    FunctionExercise("choose_threshold", "choose_threshold", "choose_threshold", threshold_inputs,
                     reference_threshold_for_recall, atol=1e-9, rtol=0),  # Going further: 0 points
]
