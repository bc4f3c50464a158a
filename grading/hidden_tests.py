"""Hidden test cases for nbgrader: grading material, never part of utils/ or of a student release.

scripts/nbgrader_source.py appends each entry to its exercise's check cell between
`### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS`; `nbgrader generate_assignment` removes that
block from the release and autograde puts it back (the check cells are locked), so these cases run
only at grading time. They are edge cases the student's check does not show, written with the
same runner as the visible checks (`run_check`, `Case`, `show`): under nbgrader `show` raises
for a result that did not pass, and the exercise scores 0.

HIDDEN maps a lab's file stem to {exercise key: code}; the key is the exercise's name in the
answer key (the function its solution sits in, else the first name the solution assigns), as
scripts/nbgrader_source.py's exercise_key gives it. An exercise without an entry is graded on its
visible check alone (the transform and tests/test_grading.py warn). Each block imports what it
uses: it runs in the student's notebook after the visible check.
"""

_IMPORTS = "import numpy as np\nfrom utils.checks import Case, run_check, show\n"


def _fresh_model(builder, n_inputs, n_outputs):
    """Code of a hidden test: builder() returns a new model on every call, with the right output shape."""
    return _IMPORTS + f"""\
def new_model_each_call(model, _, case):
    return None if model is not {builder}() else "returned the same model twice: build a new one inside the function"


show(run_check("{builder} (hidden)", {builder}, None, [
    Case("two calls return two different models", show_input=False),
], compare=new_model_each_call))
show(run_check("{builder} (hidden)", lambda x: tuple({builder}()(x).shape), None, [
    Case("output shape for a batch of 5 examples", (np.zeros((5, {n_inputs}), dtype="float32"),),
         expected=(5, {n_outputs}), show_input=False),
]))
"""


HIDDEN = {
    "01_training": {
        "train_by_hand": _IMPORTS + """\
import keras
import tensorflow as tf


def run_by_hand(learning_rate, epochs):
    keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1, activation="sigmoid")])
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype="float32")
    y = np.array([[0.0], [1.0], [1.0]], dtype="float32")
    before = [v.numpy().copy() for v in model.trainable_variables]
    costs = train_by_hand(model, X, y, learning_rate, epochs)
    unchanged = all(np.array_equal(a, v.numpy()) for a, v in zip(before, model.trainable_variables))
    return costs, unchanged


def no_move(got, n_costs, case):
    costs, unchanged = got
    if not isinstance(costs, list) or len(costs) != n_costs:
        return f"returned {costs!r}: expected a list of {n_costs} costs"
    if not all(isinstance(c, float) for c in costs) or len(set(costs)) > 1:
        return f"returned {costs!r}: expected {n_costs} equal floats (nothing moves)"
    return None if unchanged else "changed the weights although nothing should move"


show(run_check("train_by_hand (hidden)", run_by_hand, None, [
    Case("0 epochs: no costs, the weights unchanged", (0.5, 0), expected=0, show_input=False),
    Case("learning rate 0 for 3 epochs: 3 equal costs, the weights unchanged", (0.0, 3), expected=3,
         show_input=False),
], compare=no_move))
""",
        "predict_labels": _IMPORTS + """\
from utils.training import reference_predict_labels
show(run_check("predict_labels (hidden)", predict_labels, reference_predict_labels, [
    Case("a 1-D array of probabilities", (np.array([0.2, 0.8, 0.5]),)),
    Case("threshold 0: every example is 1", (np.array([[0.0], [0.3]]),), {"threshold": 0.0}),
    Case("threshold 1: only a probability of exactly 1", (np.array([[1.0], [0.999]]),), {"threshold": 1.0}),
    Case("an empty batch", (np.zeros((0, 1)),)),
    Case("the threshold given by position", (np.array([[0.3], [0.6]]), 0.3)),
]))
""",
        "build_model": _fresh_model("build_model", 64, 1),
    },
    "02_activations": {
        "my_relu-my_sigmoid": _IMPORTS + """\
from utils.activations import reference_relu, reference_sigmoid
edge = [
    Case("integers", (np.array([-2, 0, 3]),)),
    Case("a 3-D array", (np.arange(-6.0, 6.0).reshape(2, 3, 2),)),
    Case("plus and minus infinity", (np.array([-np.inf, np.inf]),)),
    Case("an empty array", (np.zeros(0),)),
]
show(run_check("my_relu (hidden)", my_relu, reference_relu, edge))
show(run_check("my_sigmoid (hidden)", my_sigmoid, reference_sigmoid, edge, atol=1e-12))
""",
        "my_relu_derivative-my_sigmoid_derivative": _IMPORTS + """\
from utils.activations import reference_tf_derivative
edge = [
    Case("a plain list", ([-1.0, 0.0, 2.0],)),
    Case("a 3-D array", (np.linspace(-4.0, 4.0, 12).reshape(2, 3, 2),)),
    Case("tiny values either side of 0", (np.array([-1e-300, 1e-300]),)),
]
show(run_check("my_relu_derivative (hidden)", my_relu_derivative, reference_tf_derivative("relu"), edge))
show(run_check("my_sigmoid_derivative (hidden)", my_sigmoid_derivative, reference_tf_derivative("sigmoid"),
               edge + [Case("very large |z|", (np.array([-1e5, 1e5]),))], atol=1e-12))
""",
        "output_activation": _IMPORTS + """\
import keras
from utils.activations import OUTPUT_TARGETS
z = np.array([-5.0, 0.0, 5.0])


def keras_output(target):
    return keras.ops.convert_to_numpy(keras.activations.get(str(output_activation[target]).strip().lower())(z))


cases = [Case(f"Keras runs the activation chosen for '{target}'", (target,), show_input=False,
              expected=keras.ops.convert_to_numpy(keras.activations.get(right)(z)))
         for target, (right, _) in OUTPUT_TARGETS.items()]
show(run_check("output activations (hidden)", keras_output, None, cases))
""",
        "unit_w": _IMPORTS + """\
from utils.activations import builder_target, relu_sum
show(run_check("ReLU builder (hidden)", lambda x: relu_sum(x, unit_w, unit_b), builder_target, [
    Case("points between the check's grid", (np.array([0.1234, 0.9999, 1.0001, 2.0001, 2.9876]),)),
]))
""",
    },
    "03_softmax": {
        "cross_entropy_loss": _IMPORTS + """\
from utils.softmax import reference_cross_entropy
show(run_check("cross_entropy_loss (hidden)", cross_entropy_loss, reference_cross_entropy, [
    Case("a tiny probability of the true class", (np.array([1e-300, 1.0 - 1e-300]), 0)),
    Case("float32 probabilities", (np.array([0.1, 0.2, 0.7], dtype="float32"), 2)),
    Case("two classes as a tuple", ((0.3, 0.7), 0)),
], atol=1e-6, rtol=1e-6))
""",
        "my_softmax": _IMPORTS + """\
from utils.softmax import reference_softmax
show(run_check("my_softmax (hidden)", my_softmax, reference_softmax, [
    Case("equal logits", (np.array([4.0, 4.0, 4.0, 4.0]),)),
    Case("one row with huge values of both signs", (np.array([-1e4, 0.0, 1e4]),)),
    Case("integer logits", (np.array([1, 2, 3]),)),
    Case("a 3-D batch", (np.arange(12.0).reshape(2, 2, 3),)),
    Case("a batch whose rows differ by 1000", (np.array([[0.0, 1.0], [1000.0, 1001.0]]),)),
]))
""",
    },
    "04_multiclass_vs_multilabel": {
        "build_digits_model": _fresh_model("build_digits_model", 64, 10),
        "build_scene_model": _fresh_model("build_scene_model", 100, 3),
        "choose_threshold": _IMPORTS + """\
from utils.multilabel import reference_threshold_for_recall
show(run_check("choose_threshold (hidden)", choose_threshold, reference_threshold_for_recall, [
    Case("target 1: every positive flagged", (np.array([1, 0, 1, 1]), np.array([0.9, 0.95, 0.2, 0.6]), 1.0)),
    Case("a single scene with the label", (np.array([0, 1, 0]), np.array([0.1, 0.4, 0.8]), 0.9)),
    Case("negative scores (logits)", (np.array([1, 1, 0, 1]), np.array([-2.0, 3.5, 1.0, -0.5]), 0.6)),
    Case("boolean labels", (np.array([True, False, True]), np.array([0.3, 0.9, 0.7]), 0.5)),
    Case("an unsorted batch of 40, target 0.75", (np.arange(40) % 3 == 0, np.linspace(1, 0, 40) ** 2, 0.75),
         show_input=False),
], atol=1e-9, rtol=0))
""",
        "answers": _IMPORTS + """\
show(run_check("setup choices (hidden)", lambda key: isinstance(answers.get(key), str), None,
               [Case(f"({key}) is answered with a word", (key,), expected=True, show_input=False)
                for key in "abcdef"]))
""",
    },
    "05_adam": {
        "first_step": _IMPORTS + """\
def expected(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
    scale = 1.0 if bias_correction else (1 - beta1) / np.sqrt(1 - beta2)
    return -alpha * scale * np.sign(np.asarray(g, dtype=float))


show(run_check("first_step (hidden)", first_step, expected, [
    Case("a 2-D array of gradients", (np.array([[0.5, -2.0], [3.0, 0.0]]),)),
    Case("every gradient 0", (np.zeros(3),)),
    Case("huge gradients", (np.array([1e6, -1e8]),)),
    Case("a plain list", ([0.1, -0.1],)),
    Case("its own settings", (np.array([1.0, -4.0]),), {"alpha": 0.1, "beta1": 0.5, "beta2": 0.75}),
    Case("no correction, its own settings", (np.array([2.0, -0.5]),),
         {"alpha": 0.01, "beta1": 0.8, "beta2": 0.99, "bias_correction": False}),
], atol=1e-9, rtol=1e-6))
""",
        "adam_settings": _IMPORTS + """\
def settings_problem(got, _, case):
    try:
        alpha, beta1 = (float(x) for x in got)
    except (TypeError, ValueError):
        return f"returned {got!r}: return two numbers, (alpha, beta1)"
    if not (np.isfinite(alpha) and alpha > 0 and 0 <= beta1 < 1):
        return f"returned alpha = {alpha:g}, beta1 = {beta1:g}: alpha must be > 0 and 0 <= beta1 < 1"
    return None if tuple(got) == tuple(adam_settings()) else "returned different settings on a second call"


show(run_check("adam_settings (hidden)", adam_settings, None,
               [Case("two numbers in range, the same on every call", show_input=False)], compare=settings_problem))
""",
        "adam_step": _IMPORTS + """\
from utils.optimizers import reference_adam_step
w2 = np.array([[1.0, -2.0], [0.5, 3.0]])
show(run_check("adam_step (hidden)", adam_step, reference_adam_step, [
    Case("one number (0-d array) at step 1", (np.array(2.0), np.array(-0.5), np.array(0.0), np.array(0.0), 1)),
    Case("a 2-D weight matrix", (w2, 0.1 * w2, 0.01 * w2, 0.001 * w2 ** 2, 3)),
    Case("a zero gradient at step 1", (np.ones(3), np.zeros(3), np.zeros(3), np.zeros(3), 1)),
    Case("step t = 1000", (np.array([0.3, -0.3]), np.array([1.0, -2.0]), np.array([0.5, -1.0]),
                           np.array([1.0, 4.0]), 1000)),
    Case("its own hyperparameters", (np.array([1.0, 2.0]), np.array([0.2, -0.4]), np.zeros(2), np.zeros(2), 2),
         {"alpha": 0.1, "beta1": 0.5, "beta2": 0.75, "epsilon": 1e-3}),
], atol=1e-9, rtol=1e-7))
""",
    },
    "06_convolution": {
        "conv1d_size": _IMPORTS + """\
import keras


def keras_size(steps, channels, kernel_size, filters, stride=1):
    layer = keras.layers.Conv1D(filters, kernel_size, strides=stride)
    windows = layer.compute_output_shape((None, steps, channels))[1]
    layer.build((None, steps, channels))
    return windows, layer.count_params(), windows * kernel_size * channels * filters


show(run_check("conv1d_size (hidden)", conv1d_size, keras_size, [
    Case("a kernel as long as the signal", (10, 2, 10, 3)),
    Case("a stride longer than the kernel", (23, 1, 2, 4), {"stride": 5}),
    Case("one channel, one filter, kernel size 1", (7, 1, 1, 1)),
    Case("a long signal, many channels", (10000, 64, 9, 128), {"stride": 3}),
], atol=0, rtol=0))
""",
        "conv1d": _IMPORTS + """\
from utils.convolution import reference_conv1d
rng = np.random.default_rng(2024)
show(run_check("conv1d (hidden)", conv1d, reference_conv1d, [
    Case("stride longer than the kernel", (rng.normal(size=(11, 2)), rng.normal(size=(2, 2, 3)), rng.normal(size=3)),
         {"stride": 4}, show_input=False),
    Case("4 filters, 3 channels", (rng.normal(size=(9, 3)), rng.normal(size=(3, 3, 4)), rng.normal(size=4)),
         show_input=False),
    Case("one window with a large stride", (rng.normal(size=(5, 1)), rng.normal(size=(5, 1, 1)), rng.normal(size=1)),
         {"stride": 7}, show_input=False),
    Case("integer inputs", (np.arange(8).reshape(8, 1), np.ones((2, 1, 1), dtype=int), np.zeros(1, dtype=int)),
         {"stride": 2}, show_input=False),
]))
""",
    },
    "07_derivatives": {
        "central_difference": _IMPORTS + """\
show(run_check("central_difference (hidden)", central_difference, None, [
    Case("a constant cost", (lambda w: 7.0, 2.0, 0.5), expected=0.0, show_input=False),
    Case("J = 3w**2 - w at w = 2, epsilon = 0.5 (exact for a parabola)", (lambda w: 3 * w**2 - w, 2.0, 0.5),
         expected=11.0, show_input=False),
    Case("J = w**3 at w = 1, epsilon = 0.1", (lambda w: w**3, 1.0, 0.1), expected=3.01, show_input=False),
    Case("a negative epsilon", (lambda w: w**3, 1.0, -0.1), expected=3.01, show_input=False),
    Case("integers: J = w**2 at w = 3, epsilon = 1", (lambda w: w**2, 3, 1), expected=6.0, show_input=False),
], atol=1e-9, rtol=1e-9))
""",
        "numerical_gradient": _IMPORTS + """\
show(run_check("numerical_gradient (hidden)", numerical_gradient, None, [
    Case("one parameter", (lambda p: float(p[0] ** 2), np.array([1.5]), 1e-3), expected=[3.0], show_input=False),
    Case("an integer array of parameters", (lambda p: float(np.sum(p**2)), np.array([1, 2, 3]), 1e-3),
         expected=[2.0, 4.0, 6.0], show_input=False),
    Case("a cost linear in the parameters", (lambda p: float(p @ [2.0, -1.0, 0.5, 4.0]), np.zeros(4), 0.25),
         expected=[2.0, -1.0, 0.5, 4.0], show_input=False),
    Case("parameters that interact: J = p0 * p1", (lambda p: float(p[0] * p[1]), np.array([2.0, -3.0]), 1e-2),
         expected=[-3.0, 2.0], show_input=False),
], atol=1e-6, rtol=1e-6))
""",
    },
    "08_computation_graph": {
        "forward": _IMPORTS + """\
show(run_check("forward (hidden)", lambda key: isinstance(forward.get(key), (int, float)) and
               not isinstance(forward.get(key), bool), None,
               [Case(f"{key} is a number", (key,), expected=True, show_input=False) for key in "cadJ"]))
""",
        "backward": _IMPORTS + """\
show(run_check("backward (hidden)", lambda key: isinstance(backward.get(key), (int, float)) and
               not isinstance(backward.get(key), bool), None,
               [Case(f"dJ/d{key} is a number", (key,), expected=True, show_input=False) for key in "dacbw"]))
""",
        "relu_backward": _IMPORTS + """\
from utils.engine_vs_tensorflow import reference_relu_gate
show(run_check("relu_backward (hidden)", lambda a, g: np.ravel(relu_backward(a, g)), reference_relu_gate, [
    Case("a tiny positive a", (1e-12, 2.0)),
    Case("a tiny negative a", (-1e-12, 2.0)),
    Case("out_grad 0", (3.0, 0.0)),
    Case("a huge a", (1e300, -1.5)),
    Case("an integer a", (2, 1.0)),
], atol=1e-12))
""",
        "mul_backward": _IMPORTS + """\
from utils.engine_vs_tensorflow import reference_mul_backward
show(run_check("mul_backward (hidden)", mul_backward, reference_mul_backward, [
    Case("out_grad = 0", (3.0, -4.0, 0.0)),
    Case("integers", (3, 4, 2)),
    Case("very large values", (1e150, -2e150, 1e-3)),
    Case("both inputs zero", (0.0, 0.0, 5.0)),
]))
""",
    },
}
