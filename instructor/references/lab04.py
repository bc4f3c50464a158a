"""Lab 04, multiclass versus multi-label: the answer of choose_threshold and the mistakes its check names.

`record()` runs them on the visible check's cases (utils.multilabel.threshold_cases) and gives what
the check compares with: each case's expected threshold and each mistake's threshold on it (None
where a mistake does not apply to the case).
"""
import numpy as np

from utils.multilabel import threshold_cases


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
                      (one_too_few, lowest_positive, labels_as_indices, every_scene, every_scene_every_count)}


def record():
    return {"choose_threshold": [
        {"expected": reference_threshold_for_recall(*case.args),
         **{name: mistake(*case.args) for name, mistake in THRESHOLD_MISTAKES.items()}}
        for case in threshold_cases()]}
