"""The convolution lab's helpers: exercise checks (with the references of instructor/references/lab06.py in a
student's place), sliding-window figure, counts."""
import ipywidgets as widgets
import numpy as np
import pytest
import tensorflow as tf

from instructor.references.lab06 import reference_conv1d, reference_conv1d_size
from utils.convolution import (
    SlidingWindowExplorer,
    check_conv1d,
    check_parameter_counts,
    connection_matrix,
    evaluate_parameter_counts,
    layer_table,
    multiply_adds,
    output_length,
    sliding_window_state,
    spike_kernel,
    window_starts,
)
from utils.convolution import (
    evaluate_conv1d as _evaluate_conv1d,
)
from utils.widgets import Frames, live_figure, render_png


def evaluate_conv1d(fn):
    return _evaluate_conv1d(fn).messages()


def test_output_length_and_window_starts():
    assert output_length(300, 9, 1) == 292
    assert output_length(300, 9, 2) == 146
    assert output_length(14, 4, 3) == 4
    assert output_length(6, 6, 1) == 1
    np.testing.assert_array_equal(window_starts(14, 4, 3), [0, 3, 6, 9])
    with pytest.raises(ValueError, match="does not fit"):
        output_length(5, 6)
    with pytest.raises(ValueError, match="at least 1"):
        output_length(5, 3, 0)


def test_spike_kernel_is_a_symmetric_zero_mean_hat():
    for width in (3, 9, 25, 41):
        w = spike_kernel(width)
        assert w.shape == (width,) and abs(w.sum()) < 1e-12
        np.testing.assert_allclose(w, w[::-1])
        assert np.argmax(w) == width // 2
    with pytest.raises(ValueError, match="at least 3"):
        spike_kernel(2)


def test_sliding_window_state_steps_by_the_stride_and_stops_at_the_last_window():
    signal = np.sin(np.arange(100) / 5)
    state = sliding_window_state(signal, window=3, width=9, stride=4)
    assert state["index"] == 3 and state["start"] == 12
    assert len(state["outputs"]) == output_length(100, 9, 4) and np.all(state["outputs"] >= 0)
    last = sliding_window_state(signal, window=99, width=9, stride=4)
    assert last["start"] + 9 <= 100 and last["index"] == len(last["starts"]) - 1
    assert sliding_window_state(signal, window=-5, width=9, stride=1)["index"] == 0
    relu = np.maximum(reference_conv1d(signal[:, None], spike_kernel(9)[:, None, None], [0.0], 4)[:, 0], 0)
    np.testing.assert_allclose(state["outputs"], relu)


SIGNAL = np.cos(np.arange(300) / 7)


@pytest.mark.parametrize("window, width, stride", [(75, 3, 1), (75, 9, 2), (75, 41, 10), (0, 9, 1), (291, 41, 10)])
def test_sliding_window_explorer_draws_the_window_and_the_outputs(window, width, stride):
    frames = Frames(SlidingWindowExplorer(SIGNAL), figsize=(9, 5))
    png, caption = frames.render(window=window, width=width, stride=stride)
    explorer, state = frames.explorer, sliding_window_state(SIGNAL, window, width, stride)
    j, start, outputs = state["index"], state["start"], state["outputs"]
    assert png[:4] == b"\x89PNG"
    past = (f"window {window} does not exist with width {width} and stride {stride}; showing the last, "
            if window > j else "")
    assert caption == (f"{past}window {j} (windows 0 to {output_length(300, width, stride) - 1}): samples {start} "
                       f"to {start + width - 1}, output = ReLU(w·x + b) = {outputs[j]:.3f}")
    assert (explorer.span.get_x(), explorer.span.get_width()) == (start - 0.5, width)
    assert explorer.span_label.get_text() == f"window ({width} samples)"
    assert explorer.title.get_text().endswith(f"(stride {stride})")
    np.testing.assert_array_equal(explorer.weights.get_xdata(), np.arange(start, start + width))
    np.testing.assert_array_equal(explorer.all_outputs.get_ydata(), outputs)
    np.testing.assert_array_equal(explorer.so_far.get_ydata(), outputs[: j + 1])
    assert explorer.current.get_xdata()[0] == state["starts"][j] + (width - 1) / 2
    bottom = explorer.all_outputs.axes
    assert bottom.get_ylim()[1] >= outputs.max() and bottom.get_xlim() == (-1, 300)


def test_sliding_window_axes_fit_every_width():
    explorer = SlidingWindowExplorer(SIGNAL)
    largest = max(sliding_window_state(SIGNAL, 0, w, 1)["outputs"].max() for w in range(3, 42, 2))
    assert explorer.top_output == largest


def test_sliding_window_moved_shows_what_one_drawing_shows(plot_style):
    values = dict(window=75, width=9, stride=2)
    frames = Frames(SlidingWindowExplorer(SIGNAL), figsize=(9, 5))
    frames.render(window=291, width=41, stride=10)
    frames.render(window=0, width=3, stride=1)
    assert frames.render(**values) == render_png(SlidingWindowExplorer(SIGNAL), figsize=(9, 5), **values)


def test_widget_redraws_when_the_window_moves_by_one():
    position = widgets.IntSlider(value=0, min=0, max=291, description="window")
    box = live_figure(SlidingWindowExplorer(SIGNAL), window=position,
                      width=widgets.IntSlider(value=9, min=3, max=41, step=2),
                      stride=widgets.IntSlider(value=2, min=1, max=10))
    before = box.picture, box.caption
    position.value = 1
    assert "window 0 (windows 0 to 145)" in before[1] and "window 1 (windows 0 to 145)" in box.caption
    assert box.picture != before[0]


def test_connection_matrix_is_the_kernel_on_a_band():
    layer = tf.keras.layers.Conv1D(1, 5, bias_initializer="ones")
    layer.build((None, 24, 1))
    matrix = connection_matrix(layer, 24)
    w = layer.kernel.numpy()[:, 0, 0]
    assert matrix.shape == (20, 24)
    for j in range(20):
        np.testing.assert_allclose(matrix[j, j:j + 5], w, atol=1e-6)
    assert np.count_nonzero(np.abs(matrix) > 1e-7) == 100


def test_multiply_adds_and_layer_table():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(300, 1)),
        tf.keras.layers.Conv1D(8, 9, strides=2, name="conv1"),
        tf.keras.layers.Flatten(name="flatten"),
        tf.keras.layers.Dense(3, name="out"),
    ])
    assert multiply_adds(model) == [("conv1", 146 * 9 * 8), ("flatten", 0), ("out", 146 * 8 * 3)]
    image = tf.keras.Sequential([tf.keras.Input(shape=(8, 8, 1)), tf.keras.layers.Conv2D(4, 3, name="c")])
    assert multiply_adds(image) == [("c", 36 * 9 * 4)]
    table = layer_table(model)
    assert "conv1" in table and f"{model.count_params():,}" in table.splitlines()[-1]


# ---------------------------------------------------------------------------------- the check

def loop_solution(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    return np.array([np.sum(x[s:s + k, :, None] * kernel, axis=(0, 1)) + bias
                     for s in range(0, len(x) - k + 1, stride)])


def no_stride(x, kernel, bias, stride=1):
    return loop_solution(x, kernel, bias, 1)


def missing_last(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    return np.array([np.sum(x[s:s + k, :, None] * kernel, axis=(0, 1)) + bias
                     for s in range(0, len(x) - k, stride)])


def flipped(x, kernel, bias, stride=1):
    return loop_solution(x, kernel[::-1], bias, stride)


def no_bias(x, kernel, bias, stride=1):
    return loop_solution(x, kernel, 0 * bias, stride)


def transposed(x, kernel, bias, stride=1):
    return loop_solution(x, kernel, bias, stride).T


def first_channel(x, kernel, bias, stride=1):
    return loop_solution(x[:, :1], kernel[:, :1], bias, stride)


def padded(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    x = np.concatenate([x, np.zeros((k - 1, x.shape[1]))])
    return loop_solution(x, kernel, bias, stride)


def stride_in_count_only(x, kernel, bias, stride=1):
    k = kernel.shape[0]
    return loop_solution(x, kernel, bias, 1)[:(len(x) - k) // stride + 1]


def crashes(x, kernel, bias, stride=1):
    raise IndexError("index 12 is out of bounds")


def test_correct_solutions_pass(capsys):
    assert evaluate_conv1d(loop_solution) == []
    assert evaluate_conv1d(reference_conv1d) == []
    check_conv1d(loop_solution)
    assert capsys.readouterr().out.startswith("✅ conv1d: all 6 checks passed.")


@pytest.mark.parametrize("wrong, hint", [
    (no_stride, "the stride is ignored"),
    (missing_last, "last window is missing"),
    (flipped, "kernel is flipped"),
    (no_bias, "bias is missing"),
    (transposed, "one row per window"),
    (first_channel, "over every input channel"),
    (padded, "valid padding"),
    (stride_in_count_only, "the stride moves every window"),
    (crashes, "raised IndexError"),
])
def test_typical_mistakes_fail_with_a_specific_hint(wrong, hint, capsys):
    problems = evaluate_conv1d(wrong)
    assert problems and any(hint in p for p in problems)
    check_conv1d(wrong)
    out = capsys.readouterr().out
    assert out.startswith("❌ conv1d:") and "Traceback" not in out


@pytest.mark.parametrize("junk", [None, 3, lambda x, kernel, bias, stride=1: None,
                                  lambda x, kernel, bias, stride=1: "text",
                                  lambda x, kernel, bias, stride=1: [[1.0]],
                                  lambda x, kernel, bias, stride=1: np.zeros(0)])
def test_the_check_never_raises_and_never_passes_junk(junk, capsys):
    check_conv1d(junk)
    assert capsys.readouterr().out.startswith("❌ conv1d:")


# ---------------------------------------------------------------- Exercise 2: the size of a layer

from utils.convolution import evaluate_conv1d_size  # noqa: E402


def _size(windows, params, adds):
    def fn(steps, channels, kernel_size, filters, stride=1):
        n, c, k, f, s = steps, channels, kernel_size, filters, stride
        right = (n - k) // s + 1
        return (eval(windows, locals() | {"right": right}), eval(params), eval(adds, locals() | {"right": right}))
    return fn


@pytest.mark.parametrize("fn, hint", [
    (_size("n - k + 1", "(k * c + 1) * f", "right * k * c * f"), "your count ignores the stride"),
    (_size("(n - k) // s", "(k * c + 1) * f", "right * k * c * f"), "one is missing"),
    (_size("n // s", "(k * c + 1) * f", "right * k * c * f"), "cannot start in the last samples"),
    (_size("(n - k) / s + 1", "(k * c + 1) * f", "right * k * c * f"), "whole number"),
    (_size("right", "k * c * f", "right * k * c * f"), "the bias is missing"),
    (_size("right", "(k + 1) * f", "right * k * c * f"), "for every channel of its window"),
    (_size("right", "(k + 1) * c * f", "right * k * c * f"), "one bias, not one per channel"),
    (_size("right", "k * c + 1", "right * k * c * f"), "that is one filter"),
    (_size("right", "k * c * f + 1", "right * k * c * f"), "one bias for the whole layer"),
    (_size("right", "(k * c + 2) * f", "right * k * c * f"), "count one filter's numbers"),
    (_size("right + 2", "(k * c + 1) * f", "right * k * c * f"), "list the window starts by hand"),
    (_size("right", "(k * c + 1) * f", "right * k * c * f + 1"), "count one output's products"),
    (_size("right", "((n - k) // s + 1) * (k * c + 1) * f", "right * k * c * f"), "windows share"),
    (_size("right", "(k * c + 1) * f", "right * (k * c + 1) * f"), "the bias is added, not multiplied"),
    (_size("right", "(k * c + 1) * f", "k * c * f"), "in EVERY window"),
    (_size("right", "(k * c + 1) * f", "right * k * f"), "samples of every channel"),
    (_size("n - k + 1", "(k * c + 1) * f", "(n - k + 1) * k * c * f"), "off because the number of windows"),
    (_size("(n - k) // s", "((n - k) // s) * (k * c + 1) * f", "((n - k) // s) * k * c * f"), "windows share"),
])
def test_conv1d_size_mistakes_are_named(fn, hint):
    result = evaluate_conv1d_size(fn)
    assert not result.passed and any(hint in m for m in result.messages()), result.messages()


def test_conv1d_size_names_only_what_is_wrong():
    """Trial: windows one short with parameters times windows was told its channels were wrong."""
    fn = _size("(n - k) // s", "((n - k) // s) * (k * c + 1) * f", "((n - k) // s) * k * c * f")
    messages = " ".join(evaluate_conv1d_size(fn).messages())
    assert "one is missing" in messages and "windows share" in messages
    assert "every channel" not in messages


def test_check_messages_name_the_arguments():
    messages = " ".join(evaluate_conv1d_size(lambda *a: (0, 0, 0)).messages())
    assert "conv1d_size(steps=13, channels=3, kernel_size=3, filters=4, stride=3)" in messages
    messages = " ".join(evaluate_parameter_counts(lambda *a: (0, 0, 0)).messages())
    assert "parameter_counts(steps=24, kernel_size=5)" in messages


@pytest.mark.parametrize("fn, message", [
    (lambda *a: None, "is None"),
    (lambda *a: (1, 2), "tuple of length 2"),
    (lambda *a: ("a", "b", "c"), "not three numbers"),
    (lambda *a: np.zeros((3, 1)), "ndarray"),
])
def test_conv1d_size_broken_answers_are_explained(fn, message):
    result = evaluate_conv1d_size(fn)
    assert not result.passed and message in result.messages()[0], result.messages()


def test_conv1d_size_passes_a_list_and_stub_is_not_written(capsys):
    assert evaluate_conv1d_size(lambda *a: list(reference_conv1d_size(*a))).passed
    assert evaluate_conv1d_size(lambda *a: np.array(reference_conv1d_size(*a))).passed

    def stub(*args):
        raise NotImplementedError("conv1d_size is not written yet")

    assert evaluate_conv1d_size(stub).not_written


# ------------------------------------------------------------------ issue 23 and 24 patterns


def test_explorer_says_when_the_window_slider_is_past_the_last_window():
    """Review: at stride 2 the slider's 291 was clamped silently; the caption now says so."""
    caption = Frames(SlidingWindowExplorer(SIGNAL), figsize=(9, 5)).render(window=291, width=9, stride=2)[1]
    assert caption.startswith("window 291 does not exist with width 9 and stride 2; showing the last, window 145 ")


def test_conv1d_ladder_never_gives_the_range_to_write(capsys, monkeypatch):
    from utils import checks

    monkeypatch.setattr(checks, "_TIMES_SHOWN", {})
    check_conv1d(missing_last)
    first = capsys.readouterr().out
    check_conv1d(missing_last)
    second = capsys.readouterr().out
    assert "last window is missing" in first and "this came up before" in second and "one past" in second
    for text in (first, second):
        assert "range(0, steps - kernel_size + 1, stride)" not in text


def reference_counts(steps, kernel_size):
    from instructor.references.lab06 import reference_parameter_counts

    return reference_parameter_counts(steps, kernel_size)


def test_parameter_counts_reference_passes_and_matches_keras():
    assert evaluate_parameter_counts(reference_counts).passed
    dense = tf.keras.layers.Dense(20)
    dense.build((None, 24))
    conv = tf.keras.layers.Conv1D(1, 5)
    conv.build((None, 24, 1))
    local = np.count_nonzero(connection_matrix(conv, 24)) + 20
    assert reference_counts(24, 5) == (dense.count_params(), local, conv.count_params())


@pytest.mark.parametrize("wrong, hint", [
    (lambda n, k: ((n - k + 1) * (n + 1), (n - k + 1) * (k + 1), (n - k + 1) * (k + 1)),
     "grows with the number of windows"),
    (lambda n, k: ((n - k + 1) * (n + 1), k + 1, k + 1), "each unit has weights of its own"),
    (lambda n, k: ((n - k + 1) * n, (n - k + 1) * k, k), "the biases are missing"),
    (lambda n, k: (n + 1, (n - k + 1) * (k + 1), k + 1), "that is one unit's weights"),
    (lambda n, k: (n * (n + 1), n * (k + 1), k + 1), "one unit per sample"),
    (lambda n, k: ((n - k + 1) * n + 1, (n - k + 1) * k + 1, k + 1), "one bias for the whole layer"),
])
def test_parameter_counts_mistakes_are_named(wrong, hint):
    result = evaluate_parameter_counts(wrong)
    assert not result.passed and any(hint in message for message in result.messages()), result.messages()
    assert all("kernel_size + 1" not in message for message in result.messages())


# ------------------------------------------------------------------------- the lab's demonstrations

def test_parameter_counts_no_bias_is_a_ladder(capsys, monkeypatch):
    from utils import checks

    monkeypatch.setattr(checks, "_TIMES_SHOWN", {})
    no_bias = lambda n, k: ((n - k + 1) * n, (n - k + 1) * k, k)  # noqa: E731
    outputs = []
    for _ in range(3):
        check_parameter_counts(no_bias)
        outputs.append(capsys.readouterr().out)
    assert len(set(outputs)) == 3 and "this came up before" in outputs[1]


def test_conv1d_size_every_count_climbs_its_ladder(capsys, monkeypatch):
    """Trial: on a repeat only the parameters hint changed; windows and multiply-adds stayed the same."""
    from utils import checks
    from utils.convolution import check_conv1d_size

    monkeypatch.setattr(checks, "_TIMES_SHOWN", {})
    wrong = _size("(n - k) / s + 1", "k * c * f + 1", "right * (k * c + 1) * f")
    outputs = []
    for _ in range(2):
        check_conv1d_size(wrong)
        outputs.append(capsys.readouterr().out)
    first, second = outputs
    for before, after in [("whole number", "partial jump"), ("one bias for the whole layer", "such sets"),
                          ("added, not multiplied", "without the bias")]:
        assert before in first and after not in first and after in second, (before, second)


def test_keras_parameter_counts_prints_keras_next_to_the_students_counts(capsys):
    from instructor.references.lab06 import reference_parameter_counts
    from utils.convolution import keras_parameter_counts

    keras_parameter_counts(reference_parameter_counts, steps=24, kernel_size=5)
    out = capsys.readouterr().out
    assert "Dense(20) on 24 inputs:   500 parameters" in out and "6 parameters" in out
    assert "counted from the connection matrix: 100 weights + 20 biases = 120 parameters, 100 multiply-adds" in out
    assert "shifted one column per row: True" in out and "17,976" in out and "windows of 5" in out


@pytest.mark.parametrize("fn", [lambda n, k: None, lambda n, k: (n * k, n, k), None])
def test_keras_parameter_counts_shows_no_answer_before_the_exercise_passes(fn, capsys):
    from utils.convolution import keras_parameter_counts

    keras_parameter_counts(fn, steps=24, kernel_size=5)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "once parameter_counts passes its check" in out
    assert "500" not in out and "120" not in out


def test_figure_helpers_label_their_axes_and_write_alt_text():
    import matplotlib.pyplot as plt

    from utils.convolution import comparison_figure, ecg_network_figure, weight_matrices_figure, windows_figure

    signal = np.sin(np.arange(60) / 3)
    outputs = np.convolve(signal, np.ones(9), "valid")
    history = type("History", (), {"history": {"loss": [0.5, 0.2, 0.1]}})()
    figures = [weight_matrices_figure(steps=24, kernel_size=5),
               windows_figure(signal, outputs, {"a": 3, "b": 20, "c": 40}, width=9),
               ecg_network_figure(),
               comparison_figure({"one": history, "two": history}, {"one": (1, 2, 1.0, 0.9), "two": (3, 4, 1.0, 0.8)})]
    for fig, alt in figures:
        assert len(alt.split()) > 10
        for ax in fig.axes:
            if ax.get_label() != "<colorbar>" and ax.axison and ax.get_xlabel():
                assert ax.get_ylabel()
        plt.close(fig)
    assert "z_{3}" not in figures[1][1] and "a at 3" in figures[1][1]
    assert "input sample (0 to 23)" in figures[0][1] and "x0 to x299" in figures[2][1]


def test_compare_networks_prints_accuracy_of_logit_models(capsys):
    from utils.convolution import accuracy, compare_networks

    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
    model.set_weights([np.array([[1.0], [0.0]], dtype="float32"), np.zeros(1, dtype="float32")])
    X, y = np.array([[1.0, 0.0], [-1.0, 0.0], [2.0, 5.0], [-3.0, 1.0]]), np.array([1, 0, 1, 1])
    assert accuracy(model, X, y) == 0.75
    results = compare_networks({"linear": (model, X, X)}, y, 1 - y)
    assert results["linear"] == (3, 2, 0.75, 0.25)
    assert "linear" in capsys.readouterr().out


def test_network_sizes_are_printed_only_once_conv1d_size_passes(capsys):
    from utils.convolution import print_network_sizes

    def stub(steps, channels, kernel_size, filters, stride=1):
        raise NotImplementedError("write conv1d_size")

    def true_division(steps, channels, kernel_size, filters, stride=1):
        windows = (steps - kernel_size) / stride + 1
        return windows, (kernel_size * channels + 1) * filters, windows * kernel_size * channels * filters

    for fn in (stub, true_division):
        print_network_sizes(fn)
        out = capsys.readouterr().out
        assert out.count("\n") == 1 and "has not passed its check" in out and "windows" not in out
    print_network_sizes(reference_conv1d_size)
    assert capsys.readouterr().out.splitlines() == [
        "conv1: 146 windows x 8 filters, 80 parameters, 10,512 multiply-adds",
        "conv2: 69 windows x 8 filters, 584 parameters, 39,744 multiply-adds",
        "then Flatten: 69 x 8 = 552 numbers into the single output unit"]


def test_ecg_network_diagram_calls_the_inputs_samples():
    import matplotlib.pyplot as plt

    from utils.convolution import ecg_network_figure

    fig, alt = ecg_network_figure()
    texts = [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)
    assert "300 input\nsamples" in texts and not any("feature" in t for t in texts) and "300 input samples" in alt
