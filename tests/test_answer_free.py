"""The student package holds no answer: no function in utils/ passes any exercise's grading, and the
recorded expectations the checks use are what the instructor's references give today."""
import importlib
import inspect
import pkgutil
import signal

import numpy as np
import pytest
import tensorflow  # noqa: F401  (imported whole before any call runs under a time limit)
from grader_support import InProcessKernel

import utils
from instructor import record
from instructor.grader.exercises import Answer
from instructor.grader.grade import lab_exercises

LABS = sorted(record.LABS.values())


# The set-up's plumbing changes the interpreter itself (an import hook, a thread, seeds): called with
# random inputs it would change this test process, and no exercise asks for anything like it.
PLUMBING = {"background_import", "lab_setup"}


def utils_functions():
    """Every function defined at the top level of a utils module, and every function in a dict there."""
    found = {}
    for info in pkgutil.iter_modules(utils.__path__):
        if info.name in PLUMBING:
            continue
        module = importlib.import_module(f"utils.{info.name}")
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value
            elif isinstance(value, dict):
                found |= {f"{module.__name__}.{name}[{key!r}]": v for key, v in value.items() if inspect.isfunction(v)}
    return found


def function_exercises():
    """(lab, exercise) for every exercise (or part of one) that calls a student's function."""
    for lab in LABS:
        for exercise in lab_exercises(lab).values():
            for part in getattr(exercise, "parts", (exercise,)):
                if part.student_names:
                    yield lab, part


def binds(fn, calls, names):
    """Whether fn can take the calls made straight to a student's function (helpers' calls: assumed so)."""
    try:
        for call in calls:
            if call.target in names:
                inspect.signature(fn).bind(*call.args, **call.kwargs)
    except (TypeError, ValueError):
        return False
    return True


def _alarm(signum, frame):
    raise TimeoutError("took too long")


def passes(exercise, fn, tmp_path, rng):
    calls = exercise.draw(rng)
    if not binds(fn, calls, exercise.student_names):
        return False
    kernel = InProcessKernel(tmp_path)
    kernel.namespace.update(dict.fromkeys(exercise.student_names, fn))
    answers = []
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        if exercise.kernel_code and kernel.run_cell(exercise.kernel_code, 5):
            return False
        for call in calls:
            signal.alarm(5)
            try:
                value, raised = kernel.call(call.target, call.args, call.kwargs, call.call)
            except Exception:
                return False
            finally:
                signal.alarm(0)
            answers.append(Answer(value, raised))
    finally:
        signal.signal(signal.SIGALRM, previous)
    return exercise.judge(calls, answers).passed


def test_no_function_in_utils_passes_an_exercise(tmp_path):
    functions = utils_functions()
    assert len(functions) > 100
    passing = [f"{name} passes {lab} {exercise.key}" for lab, exercise in function_exercises()
               for name, fn in functions.items() if passes(exercise, fn, tmp_path, np.random.default_rng(7))]
    assert passing == []


def test_the_search_finds_an_answer_when_there_is_one(tmp_path):
    """The search above is not blind: the answer key's own softmax, put in utils' place, is found."""
    exercise = next(e for lab, e in function_exercises() if e.key == "my_softmax")

    def softmax(z):
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    assert passes(exercise, softmax, tmp_path, np.random.default_rng(7))


@pytest.mark.parametrize("lab", sorted(record.recorders()))
def test_recorded_expectations_match_the_references(lab):
    fresh = record.plain(record.recorders()[lab]())
    stored = record.json.loads((record.OUT / f"{lab}.json").read_text(encoding="utf-8"))
    assert record.same(stored, fresh), f"utils/expected/{lab}.json is stale: run `python -m instructor.record`"
