"""Grading with real nbgrader: the source transform on every lab, the hidden tests, and a grading run.

The full scenario matrix runs on one lab, GRADED_LAB: Lab 03 has two exercises (so a wrong answer
can lose one exercise's point and keep the other's), both plain NumPy functions, and runs in about
8 s, so six autograded submissions fit in about two minutes on 2 cores. The transform and the hidden
tests are checked on every lab in-process, without a kernel.
"""
import csv
import os
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest
import sympy
import tensorflow as tf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import nbgrader_source  # noqa: E402
from workbook import answer_code, blank_solutions, exercise_layout, heading_exercise  # noqa: E402

from grading.hidden_tests import HIDDEN  # noqa: E402
from utils.checks import CheckFailed  # noqa: E402

LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
GRADED_LAB = "03_softmax"
BIN = Path(sys.executable).parent  # nbgrader runs `alembic` from PATH: the environment's bin/ first
LOOP_TIMEOUT = 30  # nbgrader's default per-cell timeout, for the submission with an infinite loop


def lab(path):
    return nbformat.read(path, as_version=4)


def source(path, warnings=None):
    return nbgrader_source.source_notebook(lab(path), HIDDEN.get(path.stem, {}),
                                           warn=(warnings.append if warnings is not None else print))


def hidden_block(cell_source):
    start, end = nbgrader_source.HIDDEN_BEGIN, nbgrader_source.HIDDEN_END
    return cell_source.split(start, 1)[1].split(end, 1)[0]


def roles(nb):
    return {i: c.metadata.get("nbgrader", {}) for i, c in enumerate(nb.cells)}


# ------------------------------------------------------------------ the transform, every lab

class TestSourceNotebooks:
    @pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
    def test_metadata_on_every_exercise_and_check(self, path):
        original, nb = lab(path), source(path)
        assert not any("nbgrader" in c.metadata for c in original.cells), "labs/ must stay free of nbgrader metadata"
        meta = roles(nb)
        layout = exercise_layout(original.cells)
        assert layout
        for exercise, check, _ in layout:
            key = nbgrader_source.exercise_key(original.cells, exercise)
            assert meta[exercise] | {} == nbgrader_source.nbgrader_metadata(key, solution=True)
            assert meta[check]["grade"] and meta[check]["locked"] and meta[check]["points"] == 1
            assert meta[check]["grade_id"] == f"test_{key}"
            assert nb.cells[check].source.startswith(original.cells[check].source.rstrip())
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                assert meta[i]["locked"] and not meta[i]["grade"] and not meta[i]["solution"]
            if cell.cell_type == "code":
                assert cell.outputs == []
        ids = [m["grade_id"] for m in meta.values() if m]
        assert len(ids) == len(set(ids))

    @pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
    def test_hidden_tests_cover_the_exercises(self, path):
        """An exercise without hidden tests is graded on its check alone: a warning, so that a lab can gain
        an exercise before grading/hidden_tests.py does; the hidden tests written go into the check cells."""
        found = []
        nb = source(path, found)
        for message in found:
            warnings.warn(message, stacklevel=1)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                written = meta["grade_id"].removeprefix("test_") in HIDDEN.get(path.stem, {})
                assert (nbgrader_source.HIDDEN_BEGIN in cell.source) == written

    def test_markers_outside_exercises_are_refused(self):
        nb = lab(LABS[0])
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("Write it between ### BEGIN SOLUTION and ..."))
        with pytest.raises(nbgrader_source.SourceError, match="outside an exercise cell"):
            nbgrader_source.source_notebook(nb, HIDDEN[LABS[0].stem])

    def test_course_folder(self, tmp_path):
        assert nbgrader_source.main([str(tmp_path), str(LABS[0])]) == 0
        assert (tmp_path / "source" / LABS[0].stem / LABS[0].name).is_file()
        config = (tmp_path / "nbgrader_config.py").read_text()
        assert "NotImplementedError" in config and "add_missing_cells = True" in config
        compile(config, "nbgrader_config.py", "exec")

    def test_no_hidden_tests_in_utils(self):
        for path in (ROOT / "utils").rglob("*.py"):
            assert "HIDDEN TESTS" not in path.read_text(encoding="utf-8"), path


# ------------------------------------------------------------------ the hidden tests, every lab

def exercise_cells(path):
    cells = lab(path).cells
    return [(nbgrader_source.exercise_key(cells, e), cells[e].source, heading_exercise(cells, e))
            for e, _, _ in exercise_layout(cells)]


class TestHiddenTests:
    """Each lab's hidden tests pass on the answer key and fail on the release's stubs, under grading."""

    @pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
    def test_pass_on_answers_fail_on_stubs(self, path, monkeypatch, capsys):
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
        answers, stubs = {"np": np, "tf": tf, "sympy": sympy}, {"np": np, "tf": tf, "sympy": sympy}
        for key, code, heading in exercise_cells(path):
            if key not in HIDDEN.get(path.stem, {}):
                continue  # reported by test_every_exercise_has_hidden_tests
            hidden = HIDDEN[path.stem][key]
            exec(answer_code(code), answers)
            exec(hidden, dict(answers))  # raises CheckFailed if the answer key fails its hidden tests
            try:
                exec(blank_solutions(code, heading)[0], stubs)
            except NotImplementedError:
                pass  # an exercise that assigns values stops at its stub, as in the notebook
            with pytest.raises(CheckFailed):
                exec(hidden, dict(stubs))
        capsys.readouterr()


# ------------------------------------------------------------------ a real grading run

WRONG_LOSS = '''def cross_entropy_loss(a, y):
    a = np.asarray(a, dtype=float)
    return np.log(a[y])  # the minus sign is missing
'''
LOOPING_SOFTMAX = '''def my_softmax(z):
    z = np.asarray(z, dtype=float)
    while z.ndim > 1:  # meant to go row by row, but z never changes: a batch loops for ever
        pass
    e = np.exp(z - np.max(z))
    return e / np.sum(e)
'''
ROWS_ONLY_SOFTMAX = '''def my_softmax(z):
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        e = np.exp(z - z.max())
        return e / e.sum()
    return np.array([np.exp(row - row.max()) / np.exp(row - row.max()).sum() for row in z])
'''
# student -> (answers by exercise grade_id, check cells deleted). Every other exercise gets the answer
# key's code, except in "blank", the release as it is.
SUBMISSIONS = {
    "solved": ({}, ()),
    "blank": (None, ()),
    "wrong": ({"cross_entropy_loss": WRONG_LOSS}, ()),
    "loop": ({"my_softmax": LOOPING_SOFTMAX}, ()),
    "deleted": ({}, ("test_cross_entropy_loss",)),
    "hidden": ({"my_softmax": ROWS_ONLY_SOFTMAX}, ()),
}
# student -> points of the check cells that differ from full marks (blank: every check scores 0)
LOST = {
    "solved": {},
    "wrong": {"test_cross_entropy_loss": 0},
    "loop": {"test_my_softmax": 0},
    "deleted": {},
    "hidden": {"test_my_softmax": 0},  # passes the visible check, fails a hidden case
}


def expected_points(student, checks):
    if student == "blank":
        return {check: 0 for check in checks}
    return {check: LOST[student].get(check, 1) for check in checks}


def nbgrader(course, *args):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NBGRADER_EXECUTION", None)
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def submission(release, answers, deleted, key_cells):
    nb = nbformat.reads(nbformat.writes(release), as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and answers is not None:
            cell.source = answers.get(meta["grade_id"]) or answer_code(key_cells[meta["grade_id"]])
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in deleted]
    return nb


def cell_by_id(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture(scope="class")
def graded(tmp_path_factory):
    """A course folder with GRADED_LAB released, six submissions autograded and the grades exported."""
    course = tmp_path_factory.mktemp("course")
    nbgrader_source.write_course(course, [str(ROOT / "labs" / f"{GRADED_LAB}.ipynb")])
    logs = {"generate": nbgrader(course, "generate_assignment", GRADED_LAB)}
    release = nbformat.read(course / "release" / GRADED_LAB / f"{GRADED_LAB}.ipynb", as_version=4)
    key = nbformat.read(course / "source" / GRADED_LAB / f"{GRADED_LAB}.ipynb", as_version=4)
    key_cells = {c.metadata["nbgrader"]["grade_id"]: c.source for c in key.cells if "nbgrader" in c.metadata}
    for student, (answers, deleted) in SUBMISSIONS.items():
        folder = course / "submitted" / student / GRADED_LAB
        folder.mkdir(parents=True)
        nbformat.write(submission(release, answers, deleted, key_cells), folder / f"{GRADED_LAB}.ipynb")
    logs["autograde"] = nbgrader(course, "autograde", GRADED_LAB, "--student", "loop",
                                 f"--Execute.timeout={LOOP_TIMEOUT}")
    logs["autograde"] += nbgrader(course, "autograde", GRADED_LAB)  # the others (loop is already graded)
    logs["export"] = nbgrader(course, "export")
    checks = [c.metadata["nbgrader"]["grade_id"] for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")]
    return course, release, logs, checks


class TestGradingRun:
    def test_release_has_no_solutions_and_no_hidden_tests(self, graded):
        course, release, _, _ = graded
        text = nbformat.writes(release)
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "<summary>Solution"):
            assert marker not in text
        key = lab(ROOT / "labs" / f"{GRADED_LAB}.ipynb")
        for _, code, _ in exercise_cells(ROOT / "labs" / f"{GRADED_LAB}.ipynb"):
            solution = answer_code(code).splitlines()
            stubbed = blank_solutions(code)[0].splitlines()
            for line in set(solution) - set(stubbed):
                assert line.strip() not in text, line
        assert len(release.cells) == len(key.cells)
        stub = cell_by_id(release, "my_softmax").source
        assert f'raise NotImplementedError("{nbgrader_source.STUB_MESSAGE}")' in stub

    def test_exported_scores(self, graded):
        course, _, _, checks = graded
        with open(course / "grades.csv", newline="") as file:
            rows = {row["student_id"]: row for row in csv.DictReader(file)}
        assert set(rows) == set(SUBMISSIONS)
        assert set(checks) >= {"test_cross_entropy_loss", "test_my_softmax"}
        for student in SUBMISSIONS:
            assert float(rows[student]["score"]) == sum(expected_points(student, checks).values()), student
            assert float(rows[student]["max_score"]) == len(checks)

    def test_scores_per_exercise(self, graded):
        from nbgrader.api import Gradebook

        course, _, _, checks = graded
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            for student in SUBMISSIONS:
                for grade_id, expected in expected_points(student, checks).items():
                    grade = gradebook.find_grade(grade_id, GRADED_LAB, GRADED_LAB, student)
                    assert (grade.score, grade.max_score) == (expected, 1), (student, grade_id)

    def autograded(self, course, student):
        return nbformat.read(course / "autograded" / student / GRADED_LAB / f"{GRADED_LAB}.ipynb", as_version=4)

    def test_blank_fails_with_one_line(self, graded):
        course, _, _, checks = graded
        nb = self.autograded(course, "blank")
        for grade_id in ("test_cross_entropy_loss", "test_my_softmax"):
            outputs = cell_by_id(nb, grade_id).outputs
            assert [o.ename for o in outputs if o.output_type == "error"] == ["CheckFailed"]
            assert "not written yet" in str(outputs)

    def test_infinite_loop_times_out_and_the_rest_is_graded(self, graded):
        course, _, logs, _ = graded
        nb = self.autograded(course, "loop")
        errors = [o for o in cell_by_id(nb, "test_my_softmax").outputs if o.output_type == "error"]
        assert errors and errors[-1].ename in ("CellTimeoutError", "KeyboardInterrupt"), errors
        assert "✅ cross_entropy_loss" in str(cell_by_id(nb, "test_cross_entropy_loss").outputs)

    def test_deleted_check_cell_is_restored(self, graded):
        course, _, logs, _ = graded
        assert "Missing grade cell test_cross_entropy_loss" in logs["autograde"]
        restored = cell_by_id(self.autograded(course, "deleted"), "test_cross_entropy_loss")
        assert "was missing from the submission" in restored.source
        assert nbgrader_source.HIDDEN_BEGIN in restored.source  # graded with its hidden tests

    def test_hidden_test_is_what_failed(self, graded):
        course, _, _, checks = graded
        outputs = str(cell_by_id(self.autograded(course, "hidden"), "test_my_softmax").outputs)
        assert "✅ my_softmax" in outputs and "my_softmax (hidden)" in outputs and "CheckFailed" in outputs
