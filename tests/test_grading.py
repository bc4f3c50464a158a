"""Grading with real nbgrader: the source transform on every lab, every lab's grader against its
answer key, and one course graded end to end (Lab 03) the way the README tells an instructor to.

The end-to-end course has one submission per route and per way grading can go: solved (release),
solved in the workbook (normalized), solved in the Colab edition, blank, a deleted check cell, a
fake pass line with a wrong function, a file that is not a notebook, and handed in through
zip_collect; plus a student who never handed in.
"""
import copy
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grader_support import answers_only, graded_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import nbgrader_source  # noqa: E402
from colab_edition import colab_notebook  # noqa: E402
from workbook import answer_code, exercise_layout, solution_lines, workbook_notebook  # noqa: E402

from instructor.grader.grade import grade_notebook, points_table  # noqa: E402
from instructor.submissions import defined_names, normalize  # noqa: E402

LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
LAB = "03_softmax"


def lab(path):
    return nbformat.read(path, as_version=4)


def roles(nb):
    return {i: c.metadata.get("nbgrader", {}) for i, c in enumerate(nb.cells)}


# ------------------------------------------------------------------ the transform, every lab

class TestSourceNotebooks:
    @pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
    def test_metadata_follows_the_points_table(self, path):
        original, points = lab(path), points_table()[path.stem]
        nb = nbgrader_source.source_notebook(original, points)
        assert not any("nbgrader" in c.metadata for c in original.cells), "labs/ must stay free of nbgrader metadata"
        meta = roles(nb)
        for exercise, check, _ in exercise_layout(original.cells):
            key = nbgrader_source.exercise_key(original.cells, exercise)
            assert meta[exercise] == nbgrader_source.nbgrader_metadata(key, solution=True)
            assert meta[check]["grade"] == (points[key] > 0) and meta[check]["locked"]
            assert meta[check].get("points", 0) == points[key]
            assert nb.cells[check].source == original.cells[check].source  # the visible check only
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                assert meta[i]["locked"] and not meta[i]["grade"] and not meta[i]["solution"]
            if cell.cell_type == "code":
                assert cell.outputs == []

    def test_exactly_the_going_further_exercises_are_worth_nothing_by_default(self):
        table = points_table()
        optional = {(lab, key) for lab, row in table.items() for key, points in row.items() if points == 0}
        going_further = set()
        for path in LABS:
            section, cells = "", lab(path).cells
            for index, cell in enumerate(cells):
                headings = [line for line in cell.source.splitlines() if line.startswith("## ")]
                if cell.cell_type == "markdown" and headings:
                    section = headings[-1]
                if "### BEGIN SOLUTION" in cell.source and "going further" in section.lower():
                    going_further.add((path.stem, nbgrader_source.exercise_key(cells, index)))
        assert optional == going_further and going_further  # graded exercises stay in the core path

    def test_points_table_must_name_every_exercise(self):
        points = dict(points_table()[LAB])
        points.pop("my_softmax")
        with pytest.raises(nbgrader_source.SourceError, match="my_softmax has no row"):
            nbgrader_source.source_notebook(lab(ROOT / "labs" / f"{LAB}.ipynb"), points)

    def test_markers_outside_exercises_are_refused(self):
        nb = lab(LABS[0])
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("Write it between ### BEGIN SOLUTION and ..."))
        with pytest.raises(nbgrader_source.SourceError, match="outside an exercise cell"):
            nbgrader_source.source_notebook(nb, points_table()[LABS[0].stem])

    def test_course_config(self, tmp_path):
        assert nbgrader_source.main([str(tmp_path), str(LABS[0]), "--course-id", "ml-2027"]) == 0
        config = (tmp_path / "nbgrader_config.py").read_text()
        assert "'ml-2027'" in config and "GradeOutsideKernel" in config and "named_regexp" in config
        compile(config, "nbgrader_config.py", "exec")


# ------------------------------------------------------------------ every lab's grader, in the sandbox

@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_answer_key_gets_full_marks_in_the_sandbox(path):
    grade = grade_notebook(answers_only(graded_notebook(path.stem)), path.stem)
    assert [e.line() for e in grade.exercises if e.status != "passed"] == []
    assert grade.score == grade.max_score > 0


# ------------------------------------------------------------------ submissions from every route

def solved_as(edition):
    """The answer key's answers written into an edition's cells, matched by what each cell defines."""
    key = lab(ROOT / "labs" / f"{LAB}.ipynb")
    answers = [answer_code(c.source) for c in key.cells if "### BEGIN SOLUTION" in c.source]
    nb = copy.deepcopy(edition)
    for cell in nb.cells:
        for answer in answers:
            names = defined_names(answer)
            if cell.cell_type == "code" and names and names <= defined_names(cell.source):
                cell.source = answer
    return nb


def test_normalize_keeps_the_students_answers_in_the_release_layout():
    release = graded_notebook(LAB)
    workbook = solved_as(workbook_notebook(lab(ROOT / "labs" / f"{LAB}.ipynb")))
    nb = normalize(workbook, release)
    assert [c.metadata.get("nbgrader") for c in nb.cells] == [c.metadata.get("nbgrader") for c in release.cells]
    answers = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert all("BEGIN SOLUTION" not in a and "NotImplementedError" not in a for a in answers)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Lab 03's course, released, with one submission per case, autograded and exported."""
    course = tmp_path_factory.mktemp("course")
    run = [sys.executable, "-m", "instructor.course"]

    def step(*args):
        done = subprocess.run(run + [args[0], str(course), *args[1:]], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done

    step("source", LAB)
    step("release", LAB)
    release = lab(course / "release" / LAB / f"{LAB}.ipynb")
    key = lab(ROOT / "labs" / f"{LAB}.ipynb")
    wrong = copy.deepcopy(solved_as(release))
    for cell in wrong.cells:
        if "def my_softmax" in cell.source:
            cell.source = "def my_softmax(z):\n    print('✅ my_softmax: all 7 checks passed.')\n    return z\n"
    deleted = solved_as(release)
    deleted.cells = [c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_my_softmax"]
    submissions = {
        "solved": solved_as(release), "blank": release, "fake-pass": wrong, "deleted-check": deleted,
        "workbook": solved_as(workbook_notebook(key)),
        "colab": solved_as(colab_notebook(key, "https://example.org/class")),
    }
    for student, nb in submissions.items():
        folder = course / "submitted" / student / LAB
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{LAB}.ipynb")
    (course / "submitted" / "unreadable" / LAB).mkdir(parents=True)
    (course / "submitted" / "unreadable" / LAB / f"{LAB}.ipynb").write_text("{ not a notebook")
    archive = course / "downloaded" / LAB / "archive"
    archive.mkdir(parents=True)
    nbformat.write(solved_as(release), archive / f"zipped_{LAB}.ipynb")
    subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", LAB], cwd=course, check=True,
                   capture_output=True, env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"})
    subprocess.run([sys.executable, "-m", "nbgrader", "db", "student", "add", "absent"], cwd=course, check=True,
                   capture_output=True, env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"})
    step("autograde", LAB)
    step("feedback", LAB)
    step("export")
    with open(course / "grades.csv", encoding="utf-8") as file:
        grades = {row["student_id"]: row for row in csv.DictReader(file)}
    return course, grades


@pytest.mark.parametrize("student, status, score", [
    ("solved", "graded", "3"), ("workbook", "graded", "3"), ("colab", "graded", "3"), ("zipped", "graded", "3"),
    ("deleted-check", "graded", "3"), ("fake-pass", "graded", "2"), ("blank", "graded", "0"),
    ("unreadable", "could not be graded", ""), ("absent", "not submitted", ""),
])
def test_grades_say_what_happened(course, student, status, score):
    _, grades = course
    assert (grades[student]["status"], grades[student]["score"]) == (status, score), grades[student]


def test_unreadable_file_is_kept_and_explained(course):
    folder, grades = course
    assert "not a readable notebook" in grades["unreadable"]["detail"]
    assert (folder / "originals" / LAB / "unreadable.ipynb").read_text() == "{ not a notebook"
    assert (folder / "originals" / LAB / "workbook.ipynb").is_file()  # the student's own file, kept


def test_feedback_holds_verdicts_and_no_answer(course):
    folder, _ = course
    blank = (folder / "feedback" / "blank" / LAB / f"{LAB}.html").read_text(encoding="utf-8")
    assert "my_softmax is not written yet" in blank and "HIDDEN" not in blank
    key_lines = solution_lines(json.dumps(lab(ROOT / "labs" / f"{LAB}.ipynb")))
    for notebook in (folder / "feedback" / "blank").rglob("*.html"):
        text = notebook.read_text(encoding="utf-8")
        assert not [line for line in key_lines if len(line) > 25 and line in text]
    fake = (folder / "feedback" / "fake-pass" / LAB / f"{LAB}.html").read_text(encoding="utf-8")
    assert "Grader: ❌ my_softmax failed" in fake and "my_softmax(np.array(" in fake  # the input, to try


def test_regrading_loses_nothing(course):
    folder, _ = course
    before = {p: p.read_bytes() for p in (folder / "originals").rglob("*") if p.is_file()}
    shutil.copytree(folder / "submitted", folder / "submitted-before")
    done = subprocess.run([sys.executable, "-m", "instructor.course", "autograde", str(folder), LAB], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert all(p.read_bytes() == data for p, data in before.items())
    for path in (folder / "submitted-before").rglob("*.ipynb"):
        assert (folder / "submitted" / path.relative_to(folder / "submitted-before")).read_bytes() == path.read_bytes()


def test_course_id_and_one_lab_together_and_a_kept_config(tmp_path, capsys):
    """`make course COURSE_ID=... LABS=...` puts the option before the lab; a second run keeps the config."""
    assert nbgrader_source.main([str(tmp_path), "--course-id", "ml-2027", str(ROOT / "labs" / f"{LAB}.ipynb")]) == 0
    assert "course_id = 'ml-2027'" in (tmp_path / "nbgrader_config.py").read_text()
    assert "next: make assignment" in capsys.readouterr().out
    assert nbgrader_source.main([str(tmp_path), "--course-id", "other", str(ROOT / "labs" / f"{LAB}.ipynb")]) == 0
    assert "its course id is kept" in capsys.readouterr().out
    assert "course_id = 'ml-2027'" in (tmp_path / "nbgrader_config.py").read_text()
