"""What the checks compare with: values recorded from the instructor's references, never the code.

Each lab's checks read utils/expected/<lab>.json, written by `python -m instructor.record` when the
student distribution is built (and compared again by `make test`, so it never drifts from the
references). A file holds, per check, the expected result of every visible case and the result of
each typical mistake on it, so a check can name a mistake without holding the code that makes it.
Arrays are stored as nested lists (nan and ±inf as "nan", "inf", "-inf"); `case_values` turns them
back into NumPy arrays.
"""
import json
from dataclasses import replace
from functools import cache
from importlib import resources

import numpy as np


class MissingExpectations(FileNotFoundError):
    """The recorded values of a lab's checks are missing (the message says how to restore them)."""


@cache
def _load(lab):
    path = resources.files("utils") / "expected" / f"{lab}.json"
    if not path.is_file():
        raise MissingExpectations(f"utils/expected/{lab}.json is missing: in a checkout, run "
                                  "`python -m instructor.record`; elsewhere reinstall the labs' package")
    return json.loads(path.read_text(encoding="utf-8"))


def expected(lab, check):
    """The recorded entries of one check: a list with one dict per visible case (see the lab's recorder)."""
    entries = _load(lab).get(check)
    if entries is None:
        raise MissingExpectations(f"utils/expected/{lab}.json has nothing for {check!r}: run "
                                  "`python -m instructor.record` in a checkout")
    return [case_values(entry) for entry in entries]


def case_values(entry):
    """A recorded entry with its lists of numbers as float arrays (names and flags left as they are)."""
    return {key: np.asarray(value, dtype=float) if _numeric(value) else value for key, value in entry.items()}


NON_FINITE = ("nan", "inf", "-inf")


def _numeric(value):
    """A (nested) list of numbers, nan and ±inf written as text."""
    if not isinstance(value, list):
        return False
    return all(_numeric(v) if isinstance(v, list) else
               (isinstance(v, (int, float)) and not isinstance(v, bool)) or v in NON_FINITE for v in value)


def with_expected(lab, check, cases, as_expected=lambda value: value):
    """The check's cases, each with its recorded entry: case.expected the right result (through
    as_expected), case.about the whole entry (every mistake's result), merged into a dict about."""
    return [replace(case, expected=as_expected(entry["expected"]),
                    about=(case.about | entry) if isinstance(case.about, dict) else entry)
            for case, entry in zip(cases, expected(lab, check), strict=True)]


def recorded_mistakes(case, got, mistakes, expected=None, rtol=1e-6, atol=1e-9):
    """The hints of every typical mistake whose recorded result (case.about[name]) got matches.

    mistakes maps a recorded mistake's name to its hint (a str, a Mistake or a list of them). A mistake
    whose recorded result equals the right one (expected) on this case cannot be told apart, so it is
    skipped. Shapes must agree; nan matches nan. Hints come back in the order of mistakes, lists flattened.
    """
    with np.errstate(all="ignore"):
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return []  # not numbers: the check's own message says what it expected
        right = None if expected is None else np.asarray(expected, dtype=float)
        found = []
        for name, hint in mistakes.items():
            recorded = np.asarray(case.about[name], dtype=float)
            if recorded.shape != got.shape or not np.allclose(got, recorded, rtol=rtol, atol=atol, equal_nan=True):
                continue
            if right is not None and right.shape == recorded.shape and np.allclose(
                    recorded, right, rtol=rtol, atol=atol, equal_nan=True):
                continue
            found.extend(hint if isinstance(hint, list) else [hint])
    return found
