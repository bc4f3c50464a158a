"""Lab 06, convolution: the answers (parameter_counts, conv1d_size, conv1d) and the typical mistakes their
checks name.

`record()` runs them on the visible checks' cases (utils.convolution.parameter_counts_cases, conv1d_cases
and conv1d_size_cases) for utils/expected/06_convolution.json; the grader calls the answers on its own cases.
"""
import numpy as np

from utils.convolution import conv1d_cases, conv1d_size_cases, output_length, parameter_counts_cases


def reference_conv1d(x, kernel, bias, stride=1):
    """Valid-padding 1-D convolution as Keras's Conv1D computes it (no kernel flip, no activation).

    x (steps, channels), kernel (kernel_size, channels, filters), bias (filters,) -> (windows, filters).
    """
    x, kernel, bias = (np.asarray(a, dtype=float) for a in (x, kernel, bias))
    if x.ndim != 2 or kernel.ndim != 3 or kernel.shape[1] != x.shape[1]:
        raise ValueError(f"expected x (steps, channels) and kernel (kernel_size, channels, filters), "
                         f"got shapes {x.shape} and {kernel.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(x, kernel.shape[0], axis=0)[::stride]  # (n, channels, k)
    return np.einsum("nck,kcf->nf", windows, kernel) + bias


def reference_conv1d_size(steps, channels, kernel_size, filters, stride=1):
    """(windows, parameters, multiply-adds per example) of a Conv1D layer with valid padding."""
    windows = output_length(steps, kernel_size, stride)
    return windows, (kernel_size * channels + 1) * filters, windows * kernel_size * channels * filters


# ----------------------------------------------------------------------------- typical mistakes
# Each gives what a student's function with that mistake returns on a case; the checks' hints
# (utils.convolution) name them by these keys.

CONV1D_MISTAKES = {
    "no_bias": lambda x, kernel, bias, stride: reference_conv1d(x, kernel, 0 * bias, stride),
    "flipped": lambda x, kernel, bias, stride: reference_conv1d(x, kernel[::-1], bias, stride),
    "first_channel": lambda x, kernel, bias, stride: reference_conv1d(x[:, :1], kernel[:, :1], bias, stride),
    "bias_per_channel": lambda x, kernel, bias, stride: reference_conv1d(x, kernel, kernel.shape[1] * bias, stride),
    # the right number of windows, but window j starts at sample j instead of j * stride
    "stride_in_count_only": lambda x, kernel, bias, stride:
        reference_conv1d(x, kernel, bias, 1)[:output_length(len(x), kernel.shape[0], stride)],
}


def conv1d_size_mistakes(n, c, k, f, s):
    """{name: the number (or the numbers) that mistake gives} for one layer: n steps, c channels,
    window k, f filters, stride s. Multiply-adds "per window" are multiplied by the student's windows."""
    windows = output_length(n, k, s)
    return {
        "windows_every_shift": n - k + 1,
        "windows_one_missing": [(n - k) // s, (n - k) / s],
        "windows_whole_signal": [n // s, n / s],
        "parameters_no_bias": k * c * f,
        "parameters_one_channel": (k + 1) * f,
        "parameters_bias_per_channel": (k + 1) * c * f,
        "parameters_one_filter": k * c + 1,
        "parameters_one_bias": k * c * f + 1,
        "parameters_per_window": windows * (k * c + 1) * f,
        "adds_bias_multiplied": windows * (k * c + 1) * f,
        "adds_one_window": [(k * c + 1) * f, k * c * f],
        "adds_per_window_one_channel": k * f,
        "adds_per_window": k * c * f,
    }


# ----------------------------------------------------------------------------- parameter_counts

def reference_parameter_counts(steps, kernel_size):
    """(dense, locally connected, convolutional): the weights and biases of three one-channel layers with
    one output per window of kernel_size samples (stride 1, valid padding) on a signal of `steps` samples.

    Dense: every unit sees every sample. Locally connected: every unit sees its window, with weights of
    its own. Convolutional (one filter): every unit sees its window, and all share one kernel and bias.
    """
    windows = output_length(steps, kernel_size)
    return windows * (steps + 1), windows * (kernel_size + 1), kernel_size + 1


def parameter_counts_mistakes(steps, kernel_size):
    """{name: the (dense, local, shared) counts that mistake gives}; the check's ladders use the same names."""
    n, k = steps, kernel_size
    windows = output_length(n, k)
    return {
        "no_bias": [windows * n, windows * k, k],
        "one_bias": [windows * n + 1, windows * k + 1, k + 1],
        "shared_per_window": [windows * (n + 1), windows * (k + 1), windows * (k + 1)],
        "local_shared": [windows * (n + 1), k + 1, k + 1],
        "dense_one_unit": [n + 1, windows * (k + 1), k + 1],
        "units_per_sample": [n * (n + 1), n * (k + 1), k + 1],
        "windows_one_missing": [(windows - 1) * (n + 1), (windows - 1) * (k + 1), k + 1],
        "dense_window_inputs": [windows * (k + 1), windows * (k + 1), k + 1],
    }


def record():
    conv = []
    for case in conv1d_cases():
        x, kernel, bias = (np.asarray(a, dtype=float) for a in case.args)
        stride = case.kwargs["stride"]
        conv.append({"expected": reference_conv1d(x, kernel, bias, stride),
                     **{name: wrong(x, kernel, bias, stride) for name, wrong in CONV1D_MISTAKES.items()}})
    size = [{"expected": list(reference_conv1d_size(*case.args)), **conv1d_size_mistakes(*case.args)}
            for case in conv1d_size_cases()]
    counts = [{"expected": list(reference_parameter_counts(*case.args)), **parameter_counts_mistakes(*case.args)}
              for case in parameter_counts_cases()]
    return {"conv1d": conv, "conv1d_size": size, "parameter_counts": counts}
