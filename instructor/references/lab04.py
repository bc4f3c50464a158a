"""Lab 04, multiclass versus multi-label: the answers of count_parameters and choose_threshold, and the
mistakes their checks name.

`record()` runs them on the visible checks' cases (utils.multilabel.parameter_cases, threshold_cases)
and gives what the checks compare with: each case's expected value and each mistake's value on it
(None where a mistake does not apply to the case).
"""
import numpy as np

from utils.multilabel import parameter_cases, threshold_cases


def reference_count_parameters(layer_sizes):
    """Trainable parameters of Dense layers of the given sizes ([inputs, units, units, ...]): per layer,
    one weight per (input, unit) pair and one bias per unit."""
    sizes = [int(n) for n in layer_sizes]
    return sum(fan_in * units + units for fan_in, units in zip(sizes[:-1], sizes[1:], strict=False))


def _pairs(layer_sizes):
    sizes = [int(n) for n in layer_sizes]
    return list(zip(sizes[:-1], sizes[1:], strict=False))


PARAMETER_MISTAKES = {
    "no_biases": lambda sizes: sum(a * b for a, b in _pairs(sizes)),
    "input_biases": lambda sizes: reference_count_parameters(sizes) + int(sizes[0]),
    "first_layer_only": lambda sizes: reference_count_parameters(list(sizes)[:2]),
    "units_only": lambda sizes: sum(int(n) for n in list(sizes)[1:]),
    "products": lambda sizes: int(np.prod([int(n) for n in sizes])) + sum(int(n) for n in list(sizes)[1:]),
    # every layer reads the raw inputs: right whenever each hidden layer is as wide as the input
    "raw_inputs": lambda sizes: sum(int(sizes[0]) * int(n) + int(n) for n in list(sizes)[1:]),
}


def _positives(y_true, scores):
    """The scores of the examples with the label, highest first."""
    scores = np.asarray(scores, dtype=float)
    return np.sort(scores[np.asarray(y_true, dtype=float) == 1])[::-1]


def _needed(count, target):
    """How many of `count` positives must be flagged for recall >= target: the smallest k with k / count >= target."""
    return int(np.argmax(np.arange(1, count + 1) / count >= target)) + 1 if target <= 1 else count


def reference_threshold_for_recall(y_true, scores, target=0.95):
    """The highest threshold whose recall is at least `target` (so precision stays as high as it can).

    The candidates are the scores of the positive examples: flagging the k highest of n positives
    gives recall k / n, so the answer is the score of the k-th highest positive for the smallest k
    with k / n >= target. With no positive example it returns 0.5.
    """
    positives = _positives(y_true, scores)
    if len(positives) == 0:
        return 0.5
    return float(positives[_needed(len(positives), target) - 1])


def _kth_highest(values, target, count):
    """The score at which the k highest of `values` are flagged, k the fewest of `count` reaching target."""
    values = np.sort(np.asarray(values, dtype=float))[::-1]
    return float(values[min(_needed(count, target), len(values)) - 1]) if len(values) else None


def one_too_few(y_true, scores, target):
    """Rounding the number of positives to flag down: the positive just above the answer's."""
    positives = _positives(y_true, scores)
    needed = _needed(len(positives), target)
    return float(positives[needed - 2]) if needed >= 2 else None


def one_too_many(y_true, scores, target):
    """int(np.ceil(target * n)) positives flagged: one too many when target * n is a whole number in exact
    arithmetic that floating point rounds a hair above it (0.28 * 25 = 7.000000000000001)."""
    positives = _positives(y_true, scores)
    needed = int(np.ceil(target * len(positives)))
    return float(positives[needed - 1]) if 1 <= needed <= len(positives) else None


def lowest_positive(y_true, scores, target):
    """The lowest score of a positive: every positive flagged, whatever the target."""
    return float(_positives(y_true, scores).min())


def labels_as_indices(y_true, scores, target):
    """scores[y_true] with integer labels: scores[0] and scores[1] picked again and again."""
    y_array = np.asarray(y_true)
    if y_array.dtype.kind not in "iu":
        return None
    return _kth_highest(np.asarray(scores, dtype=float)[y_array], target, len(y_array))


def every_scene(y_true, scores, target):
    """All the scenes' scores ranked, the scenes without the label too, counted over the positives."""
    return _kth_highest(scores, target, len(_positives(y_true, scores)))


def every_scene_every_count(y_true, scores, target):
    """All the scenes' scores ranked, and the count taken over all the scenes as well."""
    return _kth_highest(scores, target, len(scores))


THRESHOLD_MISTAKES = {mistake.__name__: mistake for mistake in
                      (one_too_few, one_too_many, lowest_positive, labels_as_indices, every_scene,
                       every_scene_every_count)}


def record():
    return {
        "count_parameters": [
            {"expected": reference_count_parameters(*case.args),
             **{name: mistake(*case.args) for name, mistake in PARAMETER_MISTAKES.items()}}
            for case in parameter_cases()],
        "choose_threshold": [
            {"expected": reference_threshold_for_recall(*case.args),
             **{name: mistake(*case.args) for name, mistake in THRESHOLD_MISTAKES.items()}}
            for case in threshold_cases()],
    }
