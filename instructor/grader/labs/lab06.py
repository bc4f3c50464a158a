"""Lab 06, convolution: parameter_counts (dense, locally connected and convolutional layers), conv1d_size (a
Conv1D layer's windows, parameters, multiply-adds) and, optional, conv1d (a Conv1D layer in NumPy)."""
import numpy as np

from instructor.grader.exercises import Call, FunctionExercise, is_number
from instructor.references.lab06 import reference_conv1d, reference_conv1d_size, reference_parameter_counts

# The wire turns NumPy numbers into Python ones: this helper makes them NumPy integers again in the kernel.
SIZE_KERNEL_CODE = '''
def _grader_conv1d_size_numpy(steps, channels, kernel_size, filters, stride):
    import numpy
    return conv1d_size(*(numpy.int64(n) for n in (steps, channels, kernel_size, filters)),
                       stride=numpy.int64(stride))
'''


def conv1d_inputs(rng):
    def layer(steps, channels, k, filters, dtype=float):
        x = rng.normal(0, 1, (steps, channels))
        return x, rng.normal(0, 1, (k, channels, filters)).astype(dtype), rng.normal(0, 1, filters).astype(dtype)

    steps, channels, filters = int(rng.integers(10, 40)), int(rng.integers(2, 5)), int(rng.integers(2, 5))
    k, stride = int(rng.integers(2, 8)), int(rng.integers(2, 4))
    left_over = int(rng.integers(3, 6))  # a stride that leaves the last samples of the signal over
    one_window = int(rng.integers(3, 9))
    return [
        (f"{steps} samples, {channels} channels, window {k}, {filters} filters, stride {stride}",
         layer(steps, channels, k, filters), {"stride": stride}),
        ("stride 1 by default", layer(steps, 1, k, 1), {}),
        (f"stride {left_over + 2} longer than the window of {left_over}, samples left over",
         layer(4 * left_over + 7, 2, left_over, 3), {"stride": left_over + 2}),
        ("a window as long as the signal (one window)", layer(one_window, 2, one_window, 2), {"stride": 1}),
        ("one window, and a stride longer than the signal", layer(one_window, 1, one_window, 1),
         {"stride": one_window + 3}),
        ("window 1, 3 channels, 4 filters", layer(steps, 3, 1, 4), {"stride": 1}),
        ("integer inputs", (rng.integers(-5, 6, (steps, 2)), rng.integers(-3, 4, (3, 2, 2)),
                            rng.integers(-3, 4, 2)), {"stride": 2}),
        ("a float32 kernel and bias, as Keras stores them", layer(steps, channels, k, filters, np.float32),
         {"stride": stride}),
    ]


def size_inputs(rng):
    steps, channels = int(rng.integers(20, 400)), int(rng.integers(1, 9))
    k, filters, stride = int(rng.integers(2, 12)), int(rng.integers(1, 17)), int(rng.integers(1, 5))
    short = int(rng.integers(2, 12))
    return [
        (f"{steps} samples, {channels} channels, window {k}, {filters} filters, stride {stride}",
         (steps, channels, k, filters, stride), {}),
        ("stride 1 by default", (steps, channels, k, filters), {}),
        (f"stride {k + 2} longer than the window", (steps, channels, k, filters, k + 2), {}),
        ("a window as long as the signal", (short, 2, short, filters, 1), {}),
        ("one channel, one filter, window 1", (short, 1, 1, 1, 1), {}),
        ("a long signal with many channels", (10000 + steps, 64, 9, 128, 3), {}),
    ]


def check_sizes(got, expected, call):
    if got is None:
        return "returned None (is a `return windows, parameters, multiply_adds` missing?)"
    if isinstance(got, np.ndarray) and got.ndim == 1:
        got = list(got)
    if not isinstance(got, (tuple, list)) or len(got) != 3 or not all(is_number(v) for v in got):
        return f"returned {got!r}; expected three numbers (windows, parameters, multiply_adds)"
    names = ("windows", "parameters", "multiply-adds")
    wrong = [f"{name} {value:g} (expected {right})" for name, value, right in zip(names, got, expected, strict=True)
             if value != right]
    return ("wrong " + ", ".join(wrong)) if wrong else None


class Conv1dSize(FunctionExercise):
    """conv1d_size on drawn layers, plus one call with NumPy integers (made in the kernel)."""

    kernel_code = SIZE_KERNEL_CODE

    def __init__(self):
        super().__init__("conv1d_size", "conv1d_size", "conv1d_size", size_inputs, reference_conv1d_size,
                         compare=check_sizes)

    def draw(self, rng):
        calls = super().draw(rng)
        sizes = (int(rng.integers(20, 400)), int(rng.integers(1, 9)), int(rng.integers(2, 12)),
                 int(rng.integers(1, 17)), 2)
        calls.append(Call("_grader_conv1d_size_numpy", sizes, label="NumPy integers as inputs"))
        return calls


def counts_inputs(rng):
    steps = int(rng.integers(20, 5000))
    k = int(rng.integers(2, 30))
    short = int(rng.integers(2, 15))
    return [
        (f"{steps} samples, window {k}", (steps, k), {}),
        ("a window as long as the signal", (short, short), {}),
        ("a window of one sample", (steps, 1), {}),
        ("a short signal", (short + 3, short), {}),
    ]


def check_counts(got, expected, call):
    if got is None:
        return "returned None (is a `return dense, local, shared` missing?)"
    if isinstance(got, np.ndarray) and got.ndim == 1:
        got = list(got)
    if not isinstance(got, (tuple, list)) or len(got) != 3 or not all(is_number(v) for v in got):
        return f"returned {got!r}; expected three numbers (dense, local, shared)"
    names = ("dense", "locally connected", "convolutional")
    wrong = [f"{name} {value:g} (expected {right})" for name, value, right in zip(names, got, expected, strict=True)
             if value != right]
    return ("wrong " + ", ".join(wrong)) if wrong else None


EXERCISES = [
    FunctionExercise("parameter_counts", "parameter_counts", "parameter_counts", counts_inputs,
                     reference_parameter_counts, compare=check_counts),
    FunctionExercise("conv1d", "conv1d", "conv1d", conv1d_inputs, reference_conv1d),
    Conv1dSize(),
]
