"""Grade one submitted notebook: run it in a sandboxed kernel, then probe each exercise from outside.

The notebook needs nbgrader's cell metadata (scripts/nbgrader_source.py gives the release edition
that; instructor/submissions.py gives it to a workbook or Colab notebook): answer cells are
`solution`, check cells are `grade` with grade_id `test_<exercise key>`. Check cells run as the student
ran them (later cells ask whether an exercise was checked), but what they print is replaced by the
grader's verdict. A cell that hangs or kills the kernel costs one time limit: the kernel
is restarted, the set-up and the answer cells are run again, and the rest of the demonstrations are
skipped. Each exercise is then probed on cases drawn from a seed chosen afresh at each grading.
"""
import importlib
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from instructor.grader.exercises import Answer, Verdict
from instructor.grader.sandbox import KernelStopped, SandboxedKernel, TimedOut
from instructor.grader.wire import Unreadable

POINTS_FILE = Path(__file__).resolve().parents[1] / "points.toml"
CELL_TIMEOUT = 60  # seconds for one cell of the notebook (a lab's slowest cell takes a few seconds)
CALL_TIMEOUT = 20  # seconds for one call of a student's function


class Ungradable(Exception):
    """The notebook cannot be graded at all (the message says why): reported, never exported as 0."""


@dataclass
class ExerciseGrade:
    key: str
    title: str
    max_points: float
    status: str  # "passed", "failed", "not written", or "not graded" (the grader's own failure)
    reason: str = ""

    @property
    def points(self):
        return self.max_points if self.status == "passed" else 0

    def line(self):
        """The verdict as the feedback shows it (the grader's own words, whatever the notebook printed)."""
        points = f"{self.points:g} of {self.max_points:g} points"
        if self.status == "passed":
            return f"Grader: ✅ {self.title} passed on fresh cases ({points})."
        if self.status == "not written":
            return f"Grader: ❌ {self.title} is not written yet ({points})."
        return f"Grader: ❌ {self.title} {self.status}: {self.reason} ({points})."


@dataclass
class NotebookGrade:
    lab: str
    seed: int
    exercises: list = field(default_factory=list)
    outputs: dict = field(default_factory=dict)  # cell index -> outputs of the grading run
    log: list = field(default_factory=list)

    @property
    def score(self):
        return sum(e.points for e in self.exercises)

    @property
    def max_score(self):
        return sum(e.max_points for e in self.exercises)


def points_table(path=POINTS_FILE):
    """{lab stem: {exercise key: points}}: the instructor's table; 0 leaves an exercise ungraded."""
    with open(path, "rb") as file:
        return tomllib.load(file)


def lab_exercises(lab):
    """{exercise key: Exercise} of a lab, from instructor/grader/labs/lab<NN>.py."""
    try:
        module = importlib.import_module(f"instructor.grader.labs.lab{lab[:2]}")
    except ModuleNotFoundError:
        raise Ungradable(f"no grader for a lab named {lab!r}") from None
    return {exercise.key: exercise for exercise in module.EXERCISES}


def cell_roles(nb):
    """(set-up cell index, answer cell indices, {check cell index: exercise key}) from nbgrader metadata."""
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    if not code:
        raise Ungradable("the notebook has no code cell")
    answers, checks = set(), {}
    for i in code:
        meta = nb.cells[i].metadata.get("nbgrader", {})
        if meta.get("solution"):
            answers.add(i)
        if meta.get("grade") and str(meta.get("grade_id", "")).startswith("test_"):
            checks[i] = meta["grade_id"][len("test_"):]
    if not checks:
        raise Ungradable("the notebook has no graded check cell (is it a submission of this lab?)")
    return code[0], answers, checks


class _Run:
    """The submission's kernel, restarted and replayed (set-up and answer cells) after a hang or a crash."""

    def __init__(self, kernel, nb, setup, answers, grade):
        self.kernel, self.nb, self.setup, self.answers, self.grade = kernel, nb, setup, answers, grade
        self.done, self.bad, self.degraded = [], set(), False

    def cell(self, i, timeout=CELL_TIMEOUT):
        try:
            self.grade.outputs[i] = self.kernel.run_cell(self.nb.cells[i].source, timeout)
            self.done.append(i)
        except (TimedOut, KernelStopped) as error:
            what = "stopped after" if isinstance(error, TimedOut) else "stopped the kernel:"
            self.grade.outputs[i] = [_error_output(f"The grader {what} {error}; the cells below that are "
                                                   "not answers were skipped.")]
            self.grade.log.append(f"cell {i}: {error}")
            self.bad.add(i)
            self.recover()

    def recover(self):
        """A fresh kernel with the set-up and the answer cells run so far (never a cell that failed so)."""
        self.degraded = True
        self.kernel.restart()
        for i in [j for j in self.done if (j == self.setup or j in self.answers) and j not in self.bad]:
            try:
                self.kernel.run_cell(self.nb.cells[i].source, CELL_TIMEOUT)
            except (TimedOut, KernelStopped) as error:
                self.bad.add(i)
                self.grade.log.append(f"replay of cell {i}: {error}")
                self.kernel.restart()


def _error_output(text):
    return {"output_type": "error", "ename": "GradingStopped", "evalue": text, "traceback": [text]}


def grade_notebook(nb, lab, points=None, seed=None, kernel=None):
    """Run and grade one notebook of lab (its file stem); return a NotebookGrade.

    points: {exercise key: points} (default: the points in the check cells' nbgrader metadata, which
    nbgrader restores from the course's source); exercises worth 0 are not graded. seed: the cases'
    seed (default: fresh; give the one a report names to grade the same cases again).
    Raises Ungradable when the notebook cannot be graded at all.
    """
    setup, answers, checks = cell_roles(nb)
    if points is None:
        points = {key: float(nb.cells[i].metadata["nbgrader"].get("points", 0))
                  for i, key in checks.items()}
    known = lab_exercises(lab)
    graded = {i: key for i, key in checks.items() if points.get(key, 0) > 0}
    unknown = sorted(set(graded.values()) - set(known))
    if unknown:
        raise Ungradable(f"this lab has no exercise named {', '.join(unknown)}")
    grade = NotebookGrade(lab, secrets.randbits(63) if seed is None else int(seed))
    rng = np.random.default_rng(grade.seed)
    owned = kernel is None
    kernel = kernel or SandboxedKernel()
    if owned:
        kernel.__enter__()
    try:
        run = _Run(kernel, nb, setup, answers, grade)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or (run.degraded and i not in answers):
                continue
            run.cell(i)
            if i == setup and i in run.bad:
                raise Ungradable(f"the set-up cell did not finish: {grade.log[-1]}")
        for key in graded.values():
            grade.exercises.append(_probe(run, known[key], points[key], rng))
    finally:
        if owned:
            kernel.__exit__(None, None, None)
    return grade


def _probe(run, exercise, max_points, rng):
    def result(verdict):
        status = "passed" if verdict.passed else ("not written" if verdict.not_written else "failed")
        return ExerciseGrade(exercise.key, exercise.title, max_points, status, verdict.reason)

    calls = exercise.draw(rng)
    if exercise.kernel_code:
        try:
            outputs = run.kernel.run_cell(exercise.kernel_code, CALL_TIMEOUT)
        except (TimedOut, KernelStopped) as error:
            run.recover()
            return result(Verdict(False, f"the notebook's kernel could not prepare the cases ({error})"))
        if any(o["output_type"] == "error" for o in outputs):
            return result(Verdict(False, "the notebook's kernel could not prepare the cases (a name the "
                                         "lab's set-up defines was changed?)"))
    answers = []
    for call in calls:
        try:
            value, raised = run.kernel.call(call.target, call.args, call.kwargs, call.call, CALL_TIMEOUT)
        except TimedOut:
            run.recover()
            return result(Verdict(False, f"{call.target} did not return within {CALL_TIMEOUT} s"))
        except KernelStopped:
            run.recover()
            return result(Verdict(False, f"calling {call.target} stopped the kernel (exit or crash)"))
        except Unreadable as error:
            return result(Verdict(False, f"{call.target} returned a value the grader cannot read ({error})"))
        answers.append(Answer(value, raised))
    try:
        return result(exercise.judge(calls, answers))
    except Exception as error:  # the grader's own bug: never a silent 0
        return ExerciseGrade(exercise.key, exercise.title, max_points, "not graded",
                             f"the grader failed: {type(error).__name__}: {error}")
