"""Test support for instructor/grader: a lab's graded notebook, variants of its answers, and an
in-process stand-in for the sandboxed kernel (fast, for the exercise definitions; the sandbox itself
is exercised by tests/test_grader.py and the red-team suite).
"""
import copy
import sys
import uuid
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import nbgrader_source  # noqa: E402
from workbook import blank_solutions  # noqa: E402

from instructor.grader import wire  # noqa: E402
from instructor.grader.exercises import Answer  # noqa: E402
from instructor.grader.grade import cell_roles, grade_notebook, points_table  # noqa: E402


def graded_notebook(lab):
    """The nbgrader source edition of labs/<lab>.ipynb (answers in place), every exercise graded (1 point)."""
    path = ROOT / "labs" / f"{lab}.ipynb"
    return nbgrader_source.source_notebook(nbformat.read(path, as_version=4), dict.fromkeys(points_table()[lab], 1))


def answers_only(nb):
    """The notebook with its demonstrations removed: set-up, answer and check cells only."""
    nb = copy.deepcopy(nb)
    setup, answers, checks = cell_roles(nb)
    keep = {setup} | answers | set(checks)
    nb.cells = [c for i, c in enumerate(nb.cells) if c.cell_type == "markdown" or i in keep]
    return nb


def with_answer(nb, key, code):
    """A copy of nb whose answer cell for exercise key holds code instead (key as in its grade_id)."""
    nb = copy.deepcopy(nb)
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.metadata.get("nbgrader", {}).get("solution") and nbgrader_source.exercise_key(cells, i) == key:
            cell.source = code
            return nb
    raise KeyError(f"no answer cell for {key}")


def blank(nb):
    """Every answer cell as the release edition has it (the stub)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = blank_solutions(cell.source)[0]
    return nb


class InProcessKernel:
    """Runs cells with exec in one namespace of this process; probes go through the real wire."""

    def __init__(self, tmp_path):
        self.namespace, self.tmp_path = {}, Path(tmp_path)

    def run_cell(self, code, timeout):
        try:
            exec(compile(code, "<cell>", "exec"), self.namespace)
        except Exception as error:  # as the kernel would: an error output
            return [{"output_type": "error", "ename": type(error).__name__, "evalue": str(error), "traceback": []}]
        return []

    def call(self, target, args=(), kwargs=None, call=True, timeout=20):
        path = self.tmp_path / f"answer-{uuid.uuid4().hex}.json"
        exec(compile(wire.probe_code(target, args, kwargs or {}, call, path), "<probe>", "exec"), self.namespace)
        return wire.read_answer(path)

    def restart(self):
        self.namespace = {}


def answers_for(exercise, namespace_kernel, rng):
    """(calls, answers) of one exercise against the kernel, without grade_notebook's bookkeeping."""
    calls = exercise.draw(rng)
    if exercise.kernel_code:
        namespace_kernel.run_cell(exercise.kernel_code, 20)
    answers = []
    for call in calls:
        value, raised = namespace_kernel.call(call.target, call.args, call.kwargs, call.call)
        answers.append(Answer(value, raised))
    return calls, answers


def grade_in_process(nb, lab, tmp_path, seed):
    """{exercise key: ExerciseGrade} of nb graded on the seed's cases by the in-process kernel."""
    grade = grade_notebook(nb, lab, seed=seed, kernel=InProcessKernel(tmp_path))
    return {exercise.key: exercise for exercise in grade.exercises}
