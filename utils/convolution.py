"""Helpers for the convolution lab: the sliding-window figure, connection matrices, multiply-add
counts, and the checks of the lab's exercises (parameter_counts, conv1d_size, and the optional conv1d).

Shapes follow Keras's Conv1D: a signal x is (steps, channels), a kernel is
(kernel_size, channels, filters), a bias is (filters,), and the output is (windows, filters).
The checks compare with values recorded from the instructor's references (utils/expected/06_convolution.json).
"""

import numpy as np

from utils import expectations
from utils.checks import Case, Mistake, run_check, show
from utils.widgets import Explorer


def output_length(steps, kernel_size, stride=1):
    """How many windows of kernel_size fit in steps samples, one every stride samples (valid padding)."""
    if kernel_size < 1 or stride < 1:
        raise ValueError(f"kernel_size and stride must be at least 1, got {kernel_size} and {stride}")
    if kernel_size > steps:
        raise ValueError(f"a window of {kernel_size} samples does not fit in a signal of {steps} samples")
    return (steps - kernel_size) // stride + 1


def window_starts(steps, kernel_size, stride=1):
    """First sample of every window: 0, stride, 2*stride, ... while the window still fits."""
    return np.arange(output_length(steps, kernel_size, stride)) * stride


def spike_kernel(width):
    """A zero-mean "Mexican hat" of `width` weights: it answers strongly to a sharp peak of about its size."""
    if width < 3:
        raise ValueError(f"a spike kernel needs at least 3 weights, got width {width}")
    u = np.linspace(-1.0, 1.0, width) * 3.0          # +-3 standard deviations over the window
    hat = (1 - u**2) * np.exp(-(u**2) / 2)
    hat -= hat.mean()                                  # a flat stretch of signal gives 0
    return hat / np.abs(hat).sum() * 4.0


def sliding_window_state(signal, window, width, stride, kernel=None, bias=0.0):
    """Everything the sliding-window figure shows, for a 1-D signal and a ReLU unit.

    window is the index j of the unit's output (its window starts at sample j * stride); past the
    last window that fits it stays on the last one. Returns a dict with the window index,
    its first sample, every window start, the unit's outputs and the kernel.
    """
    signal = np.asarray(signal, dtype=float)
    kernel = spike_kernel(width) if kernel is None else np.asarray(kernel, dtype=float)
    if kernel.shape != (width,):
        raise ValueError(f"kernel must have {width} weights, got shape {kernel.shape}")
    starts = window_starts(len(signal), width, stride)
    index = int(min(max(window, 0), len(starts) - 1))
    z = np.correlate(signal, kernel, mode="valid")[::stride] + bias   # Conv1D with 1 channel, 1 filter
    return {"index": index, "start": int(starts[index]), "starts": starts, "z": z,
            "outputs": np.maximum(z, 0.0), "kernel": kernel}


class SlidingWindowExplorer(Explorer):
    """Widget figure: the signal with the current window and the unit's weights on top, the unit's
    outputs so far below. update(window, width, stride) moves them and returns the caption.

    The axes are fixed for every position: the outputs' axis fits the largest output of any width
    in `widths` (at stride 1, which visits every window), so heights compare across settings.
    """

    def __init__(self, signal, bias=0.0, widths=range(3, 42, 2)):
        self.signal, self.bias = np.asarray(signal, dtype=float), bias
        self.top_output = max(sliding_window_state(self.signal, 0, w, 1, bias=bias)["outputs"].max()
                              for w in widths)

    def setup(self, fig):
        signal, n = self.signal, len(self.signal)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        # what moves lies above the grid and the spines (zorder 2.5), the signal over its window
        self.trace, = top.plot(np.arange(n), signal, color="C0", lw=1, zorder=2.7, label="ECG signal")
        self.span = top.axvspan(-0.5, 0.5, color="C1", alpha=0.25, zorder=2.6, label="window")
        self.weights, = top.plot([], [], "o-", color="C1", ms=3, lw=1, zorder=2.8,
                                 label="the unit's weights (scaled)")
        lo, hi = float(np.min(signal)), float(np.max(signal))
        self.weight_scale = (0.3 * (hi - lo), hi + 0.05 * (hi - lo))
        top.set_ylim(lo - 0.1 * (hi - lo), hi + 0.45 * (hi - lo))
        top.set_ylabel("signal (mV)")
        self.title = top.set_title(" ", y=1.0)  # a fixed place: it moves
        top_legend = top.legend(loc="lower left", fontsize=8, ncol=3)
        self.span_label = top_legend.get_texts()[1]

        self.all_outputs, = bottom.plot([], [], color="0.8", lw=1, zorder=3, label="all outputs")
        self.so_far, = bottom.plot([], [], ".-", color="C2", ms=4, lw=1, zorder=3, label="computed so far")
        self.current, = bottom.plot([], [], "o", color="C1", ms=8, zorder=3, label="this window's output")
        top_output = self.top_output + 1e-9
        bottom.set_ylim(-0.05 * top_output, 1.1 * top_output)
        bottom.set_xlim(-1, n)
        bottom.set_xlabel("window centre (sample, 100 per second)")
        bottom.set_ylabel("output ReLU(w·x + b)")
        bottom.legend(loc="upper left", fontsize=8).set_zorder(2.9)  # still: under the outputs, drawn once
        self.moving = [self.trace, self.span, self.weights, self.title, top_legend, self.all_outputs,
                       self.so_far, self.current]

    def update(self, window, width, stride):
        state = sliding_window_state(self.signal, window, width, stride, bias=self.bias)
        j, start, starts, outputs = state["index"], state["start"], state["starts"], state["outputs"]
        centres = starts + (width - 1) / 2
        self.span.set_x(start - 0.5)
        self.span.set_width(width)
        self.span_label.set_text(f"window ({width} samples)")
        scale, offset = self.weight_scale
        self.weights.set_data(np.arange(start, start + width),
                              state["kernel"] / np.abs(state["kernel"]).max() * scale + offset)
        self.title.set_text(f"A convolutional unit slides along the signal (stride {stride})")
        self.all_outputs.set_data(centres, outputs)
        self.so_far.set_data(centres[: j + 1], outputs[: j + 1])
        self.current.set_data([centres[j]], [outputs[j]])
        past = (f"window {window} does not exist with width {width} and stride {stride}; showing the last, "
                if window > j else "")
        return (f"{past}window {j} (windows 0 to {len(starts) - 1}): samples {start} to {start + width - 1}, "
                f"output = ReLU(w·x + b) = {outputs[j]:.3f}")


def connection_matrix(layer, steps):
    """The (outputs, inputs) weight matrix a 1-filter, 1-channel Conv1D applies to a signal of `steps` samples.

    Found by feeding the layer each unit impulse: column i is the response to sample i alone
    (with the bias subtracted). A dense layer's matrix is its kernel transposed.
    """
    eye = np.eye(steps, dtype="float32")[:, :, None]                 # (steps, steps, 1)
    zero = np.asarray(layer(np.zeros((1, steps, 1), dtype="float32")))[0, :, 0]
    responses = np.asarray(layer(eye))[:, :, 0]                     # (inputs, outputs)
    return (responses - zero).T


def multiply_adds(model):
    """Multiplications (each followed by an addition) one example costs in each Dense/Conv1D/Conv2D layer.

    Returns a list of (layer name, count); other layers (Flatten, pooling, ...) are listed with 0.
    """
    counts = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind in ("Dense", "Conv1D", "Conv2D"):
            positions = int(np.prod(layer.output.shape[1:-1]))     # 1 for a Dense layer on vectors
            counts.append((layer.name, positions * int(np.prod(layer.kernel.shape))))
        else:
            counts.append((layer.name, 0))
    return counts


def layer_table(model):
    """A text table of a model's layers: output shape, parameters and multiply-adds per example."""
    lines = [f"{'layer':<10} {'output shape':<14} {'parameters':>10} {'multiply-adds':>14}"]
    for layer, (_, count) in zip(model.layers, multiply_adds(model), strict=True):
        shape = str(tuple(layer.output.shape[1:]))
        lines.append(f"{layer.name:<10} {shape:<14} {layer.count_params():>10,} {count:>14,}")
    total = sum(count for _, count in multiply_adds(model))
    lines.append(f"{'total':<10} {'':<14} {model.count_params():>10,} {total:>14,}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------- the exercise

def conv1d_cases():
    """The visible cases of conv1d: its inputs (the results are recorded in utils/expected/)."""
    rng = np.random.default_rng(6)

    def case(label, steps, channels, k, filters, stride):
        x = np.round(rng.normal(size=(steps, channels)), 2)
        kernel = np.round(rng.normal(size=(k, channels, filters)), 2)
        bias = np.round(rng.normal(size=filters), 2)
        return Case(label, args=(x, kernel, bias), kwargs={"stride": stride})

    return [
        case("1 channel, 1 filter, stride 1", 12, 1, 3, 1, 1),
        case("stride 2", 13, 1, 3, 1, 2),
        case("stride 3, the last sample left over", 14, 1, 4, 1, 3),
        case("2 channels, 3 filters, stride 2", 20, 2, 5, 3, 2),
        case("kernel as long as the signal (one window)", 6, 1, 6, 2, 1),
        case("kernel size 1, 3 channels, 2 filters", 5, 3, 1, 2, 1),
    ]


CONV1D_HINTS = {
    "no_windows": Mistake("no_windows", (
        "no windows at all: the loop over window starts never ran.",
        "the first window starts at 0 and the last may start at steps - kernel_size; check that your "
        "range of starts includes both.",
    )),
    "transposed": Mistake("transposed", (
        "the result is transposed: the check expects one row per window and one column per filter.",
    )),
    "every_shift": Mistake("every_shift", (
        "your result has one row per one-sample shift, so the stride is ignored.",
        "with stride s the windows start s samples apart: 0, s, 2s, ...",
    )),
    "last_missing": Mistake("last_missing", (
        "the last window is missing: the last window that fits starts exactly at steps - kernel_size.",
        "Python's range stops before its end value: the end must be one past the last start.",
    )),
    "too_many": Mistake("too_many", (
        "more windows than fit: with valid padding every window lies completely inside the signal.",
    )),
    "no_bias": Mistake("no_bias", ("the bias is missing: every output of filter f includes bias[f].",)),
    "flipped": Mistake("flipped", (
        "the kernel is flipped: Keras's Conv1D multiplies the window's sample i by kernel[i], "
        "without reversing the kernel as the textbook convolution does.",
    )),
    "first_channel": Mistake("first_channel", (
        "only channel 0 is used: each output sums over every input channel too.",
    )),
    "bias_per_channel": Mistake("bias_per_channel", (
        "the bias is added once per channel; a filter's bias is added once to each of its outputs.",
    )),
    "stride_in_count_only": Mistake("stride_in_count_only", (
        "the number of windows is right, but with stride > 1 your windows start one sample apart: "
        "the stride moves every window, not only the count.",
        "window j starts stride × j samples into the signal; print your window starts for stride 2.",
    )),
}


def _diagnose_conv1d(case, got, expected):
    """Name a typical mistake: from the result's shape, or by its recorded result (case.about)."""
    x, kernel, bias = (np.asarray(a, dtype=float) for a in case.args)
    stride = case.kwargs["stride"]
    got = np.asarray(got, dtype=float)
    k, filters = kernel.shape[0], kernel.shape[2]
    n_out = expected.shape[0]

    if got.size == 0:
        return CONV1D_HINTS["no_windows"]
    if got.shape == (filters, n_out) and filters != n_out:
        return CONV1D_HINTS["transposed"]
    if got.ndim == 2 and got.shape[1] == filters:
        if got.shape[0] == len(x) - k + 1 and stride > 1:
            return CONV1D_HINTS["every_shift"]
        if got.shape[0] == n_out - 1:
            return CONV1D_HINTS["last_missing"]
        if got.shape[0] > n_out:
            return CONV1D_HINTS["too_many"]
    # where a mistake gives the right result (one channel, stride 1), recorded_mistakes skips it
    names = ("no_bias", "flipped", "first_channel", "bias_per_channel", "stride_in_count_only")
    found = expectations.recorded_mistakes(case, got, {name: CONV1D_HINTS[name] for name in names},
                                           expected, rtol=1e-5, atol=1e-6)
    return found[0] if found else None


def evaluate_conv1d(fn):
    """The CheckResult of a student's conv1d(x, kernel, bias, stride) against Keras's Conv1D arithmetic."""
    cases = expectations.with_expected("06_convolution", "conv1d", conv1d_cases(), np.asarray)
    return run_check("conv1d", fn, None, cases, diagnose=_diagnose_conv1d,
                     note="Try your function by hand on a kernel of ones: each output should be the sum of "
                          "one window's samples, over every channel, plus the bias; with stride 2 the windows "
                          "start at samples 0, 2, 4, ...")


def check_conv1d(fn):
    """Exercise check: print (and return) the result of evaluate_conv1d."""
    return show(evaluate_conv1d(fn))


# ----------------------------------------------------------------- the exercise: a layer's size

def conv1d_size_cases():
    """The visible cases of conv1d_size: its inputs (the results are recorded in utils/expected/)."""
    def case(label, steps, channels, k, filters, stride):
        call = f"steps={steps}, channels={channels}, kernel_size={k}, filters={filters}, stride={stride}"
        return Case(f"{label}: conv1d_size({call})", args=(steps, channels, k, filters, stride),
                    about=dict(steps=steps, channels=channels, k=k, filters=filters, stride=stride),
                    show_input=False)

    return [
        case("section 1's layer", 24, 1, 5, 1, 1),
        case("3 channels, stride 3, a sample left over", 13, 3, 3, 4, 3),
        case("a window as long as the signal", 9, 2, 9, 5, 1),
        case("2 channels, stride 2", 16, 2, 4, 3, 2),
    ]


def _compare_size(got, expected, case):
    if got is None:
        return "is None (is a `return windows, parameters, multiply_adds` missing?)"
    if isinstance(got, np.ndarray) and got.ndim == 1:
        got = list(got)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        size = f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""
        return f"is a {type(got).__name__}{size}; expected three numbers (windows, parameters, multiply_adds)"
    try:
        values = [float(x) for x in got]
    except (TypeError, ValueError):
        return "is not three numbers (windows, parameters, multiply_adds)"
    names = ("windows", "parameters", "multiply-adds")
    wrong = [f"{n} {v:g} (expected {e})" for n, v, e in zip(names, values, expected, strict=True) if v != e]
    return ("has " + ", ".join(wrong)) if wrong else None


def _diagnose_conv1d_size(case, got, expected):
    """Name each count's typical mistake by the recorded numbers it gives (case.about)."""
    a = case.about
    c, f, s = a["channels"], a["filters"], a["stride"]
    try:
        windows, params, adds = (float(x) for x in got)
    except (TypeError, ValueError):
        return []
    hints = []
    right_windows = expected[0]
    if windows != right_windows:
        if s > 1 and windows == a["windows_every_shift"]:
            hints.append(Mistake("windows_every_shift", (
                f"windows: your count ignores the stride: with stride {s} the windows start at 0, {s}, {2 * s}, ...",
                "windows: find how far the window can move inside the signal, then how many stride-long jumps "
                "fit in that distance; the window at 0 counts too.")))
        elif windows in a["windows_one_missing"]:
            hints.append(Mistake("windows_one_missing", (
                "windows: one is missing: count both the first window (at sample 0) and the last one.",
                "windows: the last window starts at steps - kernel_size, and that start counts as well.")))
        elif windows in a["windows_whole_signal"]:
            hints.append(Mistake("windows_whole_signal", (
                "windows: valid padding keeps every window inside the signal, so a window cannot start in "
                "the last samples.",
                "windows: the room the window has to move is steps - kernel_size samples, not steps.")))
        elif windows != int(windows):
            hints.append(Mistake("windows_fraction", (
                "windows: a number of windows is a whole number.",
                "windows: a division that leaves a remainder means the last, partial jump does not make a "
                "window: keep only whole jumps.")))
        else:
            hints.append(Mistake("windows_other", (
                "windows: list the window starts by hand for this case (Hint 1) and compare with your formula.",
                "windows: the starts are 0, stride, 2 * stride, ... up to the last start where the whole "
                "window fits, steps - kernel_size; count them.")))
    if params != expected[1]:
        if params == a["parameters_no_bias"]:
            hints.append(Mistake("parameters_no_bias", (
                "parameters: the bias is missing; every filter has one.",
                "parameters: one filter stores its weights and one bias; the layer stores that for every filter.")))
        elif params == a["parameters_one_bias"] and f > 1:
            hints.append(Mistake("parameters_one_bias", (
                "parameters: one bias for the whole layer; each filter has a bias of its own.",
                f"parameters: count one filter's numbers first (its weights in every channel, then its bias); "
                f"the layer stores {f} such sets.")))
        elif params == a["parameters_one_channel"] and c > 1:
            hints.append(Mistake("parameters_one_channel", (
                "parameters: a filter has weights for every channel of its window, not for one channel only.",
                f"parameters: with {c} input channels, one filter's window holds {c} times as many weights.")))
        elif params == a["parameters_bias_per_channel"]:
            hints.append(Mistake("parameters_bias_per_channel", (
                "parameters: each filter has one bias, not one per channel.",
                "parameters: the weights are per channel, the bias is per filter: it is added once to the "
                "filter's sum over all channels.")))
        elif params == a["parameters_one_filter"] and f > 1:
            hints.append(Mistake("parameters_one_filter", (
                f"parameters: that is one filter; the layer has {f}, each with its own weights and bias.",
                "parameters: multiply one filter's count by the number of filters.")))
        elif params in (a["parameters_per_window"], windows * expected[1]):   # right or the student's windows
            hints.append(Mistake("parameters_per_window", (
                "parameters: your count grows with the windows, but the windows share their filter's "
                "weights: the layer stores them once.",
                "parameters: the windows do not enter this count at all; only the window's size, the "
                "channels and the filters do.")))
        else:
            hints.append(Mistake("parameters_other", (
                "parameters: count one filter's numbers (a weight per sample of its window in every "
                "channel, and a bias), then the filters.",
                "parameters: check on section 1's layer (Hint 3): one channel, window 5, one filter has 6.")))
    if adds != expected[2]:
        # judged per window, with the right number of windows or the student's own
        per_window = {adds / n for n in {right_windows, windows} if n > 0}
        if adds == a["adds_bias_multiplied"] or (windows > 0 and adds == windows * expected[1]):
            hints.append(Mistake("adds_bias_multiplied", (
                "multiply-adds: the bias is added, not multiplied; count the products only.",
                "multiply-adds: one output of one filter costs one product per weight of the filter, "
                "without the bias.")))
        elif adds in a["adds_one_window"]:
            hints.append(Mistake("adds_one_window", (
                "multiply-adds: that is one window's work: every weight is used again in EVERY window.",
                "multiply-adds: one window's products for all filters, times the number of windows.")))
        elif adds == windows * a["adds_per_window"] and windows != right_windows:
            hints.append(Mistake("adds_windows_off", (
                "multiply-adds: right per window; the total is off because the number of windows is.",
                "multiply-adds: fix the windows first (see the windows hint); this count then follows.")))
        elif c > 1 and a["adds_per_window_one_channel"] in per_window:
            hints.append(Mistake("adds_one_channel", (
                "multiply-adds: each output multiplies the samples of every channel in its window, not of "
                "one channel.",
                f"multiply-adds: one window of one filter holds kernel_size x {c} samples, one product each.")))
        else:
            hints.append(Mistake("adds_other", (
                "multiply-adds: count one output's products (one per weight of its filter), then the "
                "outputs: windows times filters.",
                "multiply-adds: check on section 1's layer (Hint 3): 20 windows of 5 samples, one filter, 100.")))
    return hints


def evaluate_conv1d_size(fn):
    """The CheckResult of a student's conv1d_size(steps, channels, kernel_size, filters, stride)."""
    cases = expectations.with_expected("06_convolution", "conv1d_size", conv1d_size_cases(),
                                         lambda counts: tuple(int(n) for n in counts))
    return run_check("conv1d_size", fn, None, cases,
                     compare=_compare_size, diagnose=_diagnose_conv1d_size)


def check_conv1d_size(fn):
    """Exercise check: the windows, parameters and multiply-adds of a Conv1D layer."""
    return show(evaluate_conv1d_size(fn))


def print_network_sizes(fn):
    """Section 5's two Conv1D layers counted with the student's conv1d_size, printed only once it passes
    its check (unchecked counts would read like the lab's); otherwise one line saying so."""
    if not evaluate_conv1d_size(fn).passed:
        print("⚠️ conv1d_size has not passed its check yet: make the check above pass, then run this cell "
              "again to see your counts for the network's two layers.")
        return
    first = fn(300, 1, 9, 8, stride=2)
    second = fn(first[0], 8, 9, 8, stride=2)
    for name, (windows, parameters, operations) in (("conv1", first), ("conv2", second)):
        print(f"{name}: {windows} windows x 8 filters, {parameters:,} parameters, {operations:,} multiply-adds")
    print(f"then Flatten: {second[0]} x 8 = {second[0] * 8} numbers into the single output unit")


# ------------------------------------------------- the exercise: dense, locally connected, convolutional

def parameter_counts_cases():
    """The visible cases of parameter_counts(steps, kernel_size): the results are recorded in utils/expected/."""
    def case(label, steps, k):
        return Case(f"{label}: parameter_counts(steps={steps}, kernel_size={k})", args=(steps, k), show_input=False)

    return [
        case("section 1's signal", 24, 5),
        case("an ECG record", 300, 9),
        case("a window as long as the signal", 10, 10),
        case("a window of one sample", 50, 1),
    ]


COUNT_NAMES = ("dense", "locally connected", "convolutional")
PARAMETER_COUNT_HINTS = {
    "no_bias": Mistake("no_bias", (
        "the biases are missing: your counts are the weights only. A unit learns a bias too.",
        "every unit of the dense and of the locally connected layer has a bias of its own; the "
        "convolutional filter has one bias, shared by its units.",
        "one unit's numbers are its weights plus 1; count them for one unit of each layer, then the units "
        "that store their own.",
    )),
    "one_bias": Mistake("one_bias", (
        "dense and locally connected: one bias for the whole layer; in these layers every unit has a bias "
        "of its own, as it has weights of its own.",
        "count one unit's weights plus its bias, then multiply by the number of units.",
    )),
    "shared_per_window": Mistake("shared_per_window", (
        "convolutional: your count grows with the number of windows, as if each window had weights of its "
        "own. That is the locally connected layer; what do the units of one filter have in common?",
        "all the units of one filter use the same kernel and the same bias: the layer stores them once, "
        "whatever the number of windows.",
    )),
    "local_shared": Mistake("local_shared", (
        "locally connected: your count is one window's weights, as if the units shared them. In this layer "
        "each unit has weights of its own.",
        "count one unit's weights and bias, then multiply by the number of units (one per window).",
    )),
    "dense_one_unit": Mistake("dense_one_unit", (
        "dense: that is one unit's weights and bias. The layer has one unit per window, like the others.",
    )),
    "units_per_sample": Mistake("units_per_sample", (
        "your layers have one unit per sample; they have one unit per window, and a window must fit "
        "inside the signal.",
        "count the window starts: the first is sample 0, the last is the last start at which the whole "
        "window still fits.",
    )),
    "windows_one_missing": Mistake("windows_one_missing", (
        "one window too few: count both the first start (sample 0) and the last one.",
    )),
    "dense_window_inputs": Mistake("dense_window_inputs", (
        "dense: each dense unit sees every sample of the signal, not only a window.",
    )),
}


def _compare_counts(got, expected, case):
    if got is None:
        return "is None (is a `return dense, local, shared` missing?)"
    if isinstance(got, np.ndarray) and got.ndim == 1:
        got = list(got)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        size = f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""
        return f"is a {type(got).__name__}{size}; expected three numbers (dense, local, shared)"
    try:
        values = [float(x) for x in got]
    except (TypeError, ValueError):
        return "is not three numbers (dense, local, shared)"
    wrong = [f"{n} {v:g} (expected {e})" for n, v, e in zip(COUNT_NAMES, values, expected, strict=True) if v != e]
    return ("has " + ", ".join(wrong)) if wrong else None


def _diagnose_parameter_counts(case, got, expected):
    """Name the typical mistakes whose recorded counts match the student's, count by count."""
    try:
        values = [float(x) for x in got]
    except (TypeError, ValueError):
        return []
    hints = []
    for name, mistake in PARAMETER_COUNT_HINTS.items():
        wrong = [float(x) for x in case.about[name]]
        # a mistake is named where it explains a count that is wrong (and differs from the right one)
        if any(v == w != e for v, w, e in zip(values, wrong, expected, strict=True)):
            hints.append(mistake)
    return hints


def evaluate_parameter_counts(fn):
    """The CheckResult of a student's parameter_counts(steps, kernel_size)."""
    cases = expectations.with_expected("06_convolution", "parameter_counts", parameter_counts_cases(),
                                       lambda counts: tuple(int(n) for n in counts))
    return run_check("parameter_counts", fn, None, cases,
                     compare=_compare_counts, diagnose=_diagnose_parameter_counts)


def check_parameter_counts(fn):
    """Exercise check: the parameters of a dense, a locally connected and a convolutional layer."""
    return show(evaluate_parameter_counts(fn))


# ------------------------------------------------------------------------- the lab's demonstrations

def _dense_and_conv(steps, kernel_size):
    """A Dense layer with one unit per window and a one-filter Conv1D, built for `steps` inputs, as
    (outputs, inputs) weight matrices: (dense, conv, dense_matrix, conv_matrix)."""
    import tensorflow as tf

    dense = tf.keras.layers.Dense(output_length(steps, kernel_size))
    dense.build((None, steps))
    conv = tf.keras.layers.Conv1D(filters=1, kernel_size=kernel_size)
    conv.build((None, steps, 1))
    return dense, conv, dense.kernel.numpy().T, connection_matrix(conv, steps)


def keras_parameter_counts(parameter_counts, steps=24, kernel_size=5):
    """Once `parameter_counts` passes its check: Keras's counts for a Dense layer and a one-filter Conv1D,
    the locally connected layer's counted from the Conv1D's connection matrix, then the student's counts
    for longer signals. Before that, one line (the counts are the exercise's answer)."""
    if not evaluate_parameter_counts(parameter_counts).passed:
        print("Keras's counts appear here once parameter_counts passes its check (Exercise 1).")
        return
    units = output_length(steps, kernel_size)
    dense, conv, dense_matrix, conv_matrix = _dense_and_conv(steps, kernel_size)
    weights = conv.kernel.numpy()[:, 0, 0]
    connections = int(np.count_nonzero(conv_matrix))
    local = connections + units                      # a weight per connection, a bias per unit
    print(f"Keras Dense({units}) on {steps} inputs:  {dense.count_params():>4} parameters, "
          f"{dense_matrix.size:>3} multiply-adds")
    print(f"Keras Conv1D(1 filter, window {kernel_size}): {conv.count_params():>4} parameters, "
          f"{units * kernel_size:>3} multiply-adds")
    shifted = all(np.allclose(conv_matrix[j, j:j + kernel_size], weights) for j in range(units))
    print(f"the Conv1D's connection matrix: every row holds the same {kernel_size} weights, shifted one column "
          f"per row: {shifted and connections == units * kernel_size}")
    print(f"locally connected (not in Keras 3), counted from the connection matrix: {connections} weights "
          f"+ {units} biases = {local} parameters, {connections} multiply-adds")
    print(f"\nyour parameter_counts with windows of {kernel_size}:")
    print(f"{'samples':>8} {'dense':>12} {'locally connected':>18} {'convolutional':>14}")
    for longer in (steps, 300, 3000):
        counts = parameter_counts(longer, kernel_size)
        print(f"{longer:>8} " + " ".join(f"{int(count):>{width},}" for count, width in
                                          zip(counts, (12, 18, 14), strict=True)))


def weight_matrices_figure(steps=24, kernel_size=5):
    """A Dense layer's and a one-filter Conv1D's weight matrices side by side, for one unit per window of
    `kernel_size` samples of a `steps`-sample signal; returns (fig, alt)."""
    import matplotlib.pyplot as plt

    _, _, dense_matrix, conv_matrix = _dense_and_conv(steps, kernel_size)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    limit = np.abs(np.concatenate([dense_matrix.ravel(), conv_matrix.ravel()])).max()
    # grey marks "no connection", so that a weight near 0 (white) inside the band stays visible
    rows, columns = np.indices(conv_matrix.shape)
    connected = (columns >= rows) & (columns < rows + kernel_size)
    cmap = plt.get_cmap("PuOr_r").with_extremes(bad="0.6")
    for ax, matrix, title in [
        (axes[0], dense_matrix, f"Dense: {dense_matrix.size} different weights"),
        (axes[1], np.ma.masked_where(~connected, conv_matrix),
         f"Conv1D: the same {kernel_size} weights on every row"),
    ]:
        shown = ax.imshow(matrix, cmap=cmap, vmin=-limit, vmax=limit)
        ax.set_xlabel("input sample $i$")
        ax.set_ylabel("output unit $j$")
        ax.set_title(title)
        ax.set_xticks(range(0, matrix.shape[1], 4))    # whole sample and unit numbers
        ax.set_yticks(range(0, matrix.shape[0], 4))
        ax.grid(False)
    fig.colorbar(shown, ax=axes, label="weight from input $i$ to unit $j$ (grey: no connection)")
    units = dense_matrix.shape[0]
    alt = (f"Two weight matrices, output unit (0 to {units - 1}) down and input sample (0 to {steps - 1}) "
           f"across: the dense layer's is filled with {dense_matrix.size} different weights; the convolutional "
           f"layer's is grey (no connection) except a diagonal band {kernel_size} wide holding the same "
           f"{kernel_size} weights on every row.")
    return fig, alt


def windows_figure(signal, outputs, starts, width):
    """The signal with some windows shaded, and the unit's output for every window; returns (fig, alt).

    starts: {name: window start}; outputs[j] belongs to the window starting at sample j.
    """
    import matplotlib.pyplot as plt

    half = (width - 1) / 2
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True, layout="constrained")
    top.plot(signal, color="C0", lw=1, label="signal $x$")
    bottom.plot(np.arange(len(outputs)) + half, outputs, color="0.5", lw=1, label="outputs $z_j$")
    for colour, (name, j) in zip(["C3", "C2", "C1"], starts.items(), strict=False):
        top.axvspan(j - 0.5, j + width - 0.5, color=colour, alpha=0.3, label=f"window {j} ({name})")
        bottom.plot(j + half, outputs[j], "o", color=colour, ms=8, label=f"$z_{{{j}}}$ = {outputs[j]:.2f}")
    top.set_ylabel("mV")
    top.set_title(f"Three of the {len(outputs)} windows of {width} samples, and the unit's output for each")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
    bottom.set_xlabel("sample (each output drawn at the centre of its window)")
    bottom.set_ylabel(f"$z_j = w \\cdot x_{{j:j+{width}}} + b$")
    bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
    marked = ", ".join(f"{name} at {j}: {outputs[j]:.2f}" for name, j in starts.items())
    alt = (f"Top: a record with three {width}-sample windows shaded. Bottom: the unit's output for every "
           f"window, drawn at the window centre; the marked outputs are {marked}.")
    return fig, alt


def ecg_network_figure():
    """The lab's Conv1D -> Conv1D -> Dense network for the ECG records as a diagram; returns (fig, alt)."""
    from dataclasses import replace

    import matplotlib.pyplot as plt

    from utils.network_figure import box_layer, dense_layer, draw_network, input_layer

    samples = input_layer([f"$x_{{{i}}}$" for i in range(300)], name="ECG record")   # x_0 ... x_299, as in the formulas
    fig, ax = plt.subplots(figsize=(11, 4.6))
    draw_network(ax, [
        replace(samples, detail="300 input\nsamples"),
        box_layer("conv1\nConv1D\n8 filters\nwindow 9\nstride 2\nReLU\n→ 146 × 8"),
        box_layer("conv2\nConv1D\n8 filters\nwindow 9\n× 8 channels\nstride 2\nReLU\n→ 69 × 8"),
        box_layer("Flatten\n→ 552\nnumbers"),
        dense_layer(1, labels=["logit: abnormal\nif > 0"], name="output", detail="1 unit\nlinear"),
    ], title="The convolutional network for the ECG records",
       caption="Each box is a whole layer; the output unit sees all 552 numbers of the second layer.", fontsize=9)
    alt = ("Diagram of the convolutional network, left to right: 300 input samples x0 to x299 (a few drawn), "
           "a Conv1D box (8 filters, window 9, stride 2, output 146 by 8), a second Conv1D box (output 69 by 8), "
           "a Flatten box (552 numbers) and one linear output unit whose logit says abnormal when positive.")
    return fig, alt


def accuracy(model, X, y):
    """The fraction of records a logit model classifies right (logit > 0 means class 1)."""
    logits = np.asarray(model(X, training=False))[:, 0]     # a direct call: quick for small data
    return float(np.mean((logits > 0) == y))


def compare_networks(networks, y_train, y_test):
    """Print parameters, multiply-adds and training and test accuracy of each network.

    networks: {name: (model, X_train, X_test)}. Returns {name: (parameters, multiply_adds, train, test)}.
    """
    results = {}
    for name, (model, X_train, X_test) in networks.items():
        operations = sum(count for _, count in multiply_adds(model))
        results[name] = (model.count_params(), operations, accuracy(model, X_train, y_train),
                         accuracy(model, X_test, y_test))
    print(f"{'network':<26} {'parameters':>10} {'multiply-adds':>14} {'train acc':>10} {'test acc':>9}")
    for name, (n_params, operations, train_acc, test_acc) in results.items():
        print(f"{name:<26} {n_params:>10,} {operations:>14,} {train_acc:>10.3f} {test_acc:>9.3f}")
    return results


def comparison_figure(histories, results):
    """Training loss per epoch (log scale) and accuracy bars of two networks; returns (fig, alt).

    histories: {name: keras History}; results: compare_networks's result, same names.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    names = list(histories)
    for i, name in enumerate(names):
        losses = histories[name].history["loss"]
        left.plot(np.arange(1, len(losses) + 1), losses, "o-", ms=3, color=f"C{i}", label=name)
        train_acc, test_acc = results[name][2:]
        right.bar(i - 0.2, train_acc, width=0.4, color=f"C{i}", alpha=0.35, hatch="//", edgecolor=f"C{i}",
                  label="training records" if i == 0 else None)
        right.bar(i + 0.2, test_acc, width=0.4, color=f"C{i}", label="test records" if i == 0 else None)
        for shift, value in ((-0.2, train_acc), (0.2, test_acc)):
            right.text(i + shift, value + 0.01, f"{value:.3f}", ha="center", fontsize=9)
    left.set_yscale("log")
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_xlabel("epoch")
    left.set_ylabel("binary cross-entropy (log scale)")
    left.set_title("Training loss")
    left.legend()
    right.set_xticks(range(len(names)), names)
    right.set_ylim(0, 1.18)    # from 0: bar heights compare honestly
    right.set_ylabel("accuracy")
    right.set_title("Accuracy: hatched = training records, solid = test records")
    right.legend(loc="upper center", ncol=2, fontsize=9)
    parts = []
    for i, name in enumerate(names):
        losses = histories[name].history["loss"]
        parts.append(f"{name} ({('blue', 'orange')[i % 2]}) loss from {losses[0]:.3f} to {losses[-1]:.3f}, "
                     f"accuracy {results[name][2]:.3f} training and {results[name][3]:.3f} test")
    alt = "Left: training loss per epoch on a log scale; right: accuracy bars. " + "; ".join(parts) + "."
    return fig, alt
