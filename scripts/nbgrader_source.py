"""nbgrader course material generated from the answer key (labs/ itself carries no nbgrader metadata).

    python scripts/nbgrader_source.py COURSE [LAB ...] [--course-id ID]     (`make course COURSE=dir`)

writes COURSE/source/<lab stem>/<lab stem>.ipynb for every lab (or the ones named) and, when the
folder has none yet, COURSE/nbgrader_config.py. The instructor route from there is `python -m
instructor.course` (README, "Grading").

What a source notebook is: the lab with its outputs cleared, and nbgrader metadata on its cells
(the exercise layout of scripts/workbook.py):
- an exercise cell (its `### BEGIN SOLUTION` blocks, which nbgrader replaces by its code stub) is an
  autograded answer: `solution: true`, not locked, grade_id the exercise's name;
- its check cell is the graded cell: `grade: true`, locked, with the exercise's points from
  instructor/points.toml, grade_id `test_<name>`. An exercise worth 0 points there gets no graded
  cell. The check cell holds only the visible check: the grade itself is decided by the grader
  (instructor/grader), outside the student's kernel, so no hidden test is in any notebook;
- markdown cells (instructions, hints) and the set-up cell are read-only (`locked: true`): autograde
  restores their source. Other code cells stay editable, so students can try things.
"""
import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labrun import ROOT, lab_paths  # noqa: E402
from workbook import blank_solutions, exercise_layout  # noqa: E402

sys.path.insert(0, str(ROOT))
from instructor.grader.grade import points_table  # noqa: E402

COURSE_ID = "nn-training-labs"
# nbgrader's code stub is one per kernel language, so it cannot name the exercise as the workbook's
# stub does; it is a one-line message in the same form, which the checks report as "not written yet".
STUB_MESSAGE = "This exercise is not written yet: write your code in place of this line, then run the check below."
CODE_STUB = f'# YOUR CODE HERE\nraise NotImplementedError("{STUB_MESSAGE}")'
# Submissions downloaded from an LMS, named <student id>_<lab file>, e.g. alice_03_softmax.ipynb
ZIP_NAMES = r"^(?:.*/)?(?P<student_id>[^/]+?)_(?P<file_id>[0-9][0-9]_\w+\.ipynb)$"  # matched on the whole path
CONFIG = '''\
# nbgrader configuration of this course, written by scripts/nbgrader_source.py (`make course`).
# Run nbgrader from this folder (the course root), or use `python -m instructor.course` from the labs.
import sys

sys.path.insert(0, {root!r})  # the labs' repository: the grader lives in its instructor/ folder
from instructor.grader.nbgrader_hook import GradeOutsideKernel  # noqa: E402
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern,  # noqa: E402
                                    LimitOutput, SaveAutoGrades)
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
# The stub that replaces every solution block in the release: one line, as in the workbook.
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
# A check cell deleted from a submission is put back and graded.
c.OverwriteCells.add_missing_cells = True
# The grade is decided outside the student's kernel: the grader replaces nbgrader's Execute.
c.Autograde.autograde_preprocessors = [GradeOutsideKernel, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
c.GradeOutsideKernel.course_root = {course!r}
# zip_collect: files named <student id>_<lab file>, e.g. alice_03_softmax.ipynb
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.zipcollect.FileNameCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = {zip_names!r}
'''


class SourceError(Exception):
    """A lab that cannot become an nbgrader source notebook (the message says why)."""


def exercise_key(cells, index):
    """The exercise's name, usable as an nbgrader grade_id: the function its solution sits in, else
    the first name the solution assigns (headings are not used: their numbers change as labs grow)."""
    names = blank_solutions(cells[index].source)[1]
    return "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_").lower() for name in dict.fromkeys(names))


def nbgrader_metadata(grade_id, solution=False, points=0, locked=False):
    meta = {"grade": points > 0, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points > 0:
        meta["points"] = points
    return meta


def refuse_markers(cells, exercises):
    """nbgrader reacts to its markers in any cell: a lab may hold them only in its exercise cells."""
    for i, cell in enumerate(cells):
        if "HIDDEN TESTS" in cell.source or (i not in exercises and "BEGIN SOLUTION" in cell.source):
            raise SourceError(f"cell {i} holds an nbgrader marker outside an exercise cell")


def source_notebook(nb, points):
    """The nbgrader source edition of one answer-key notebook; points = {exercise key: points}.

    An exercise missing from points is refused: the points table must name every exercise.
    """
    nb = copy.deepcopy(nb)
    cells = nb.cells
    layout = exercise_layout(cells)
    refuse_markers(cells, {e for e, _, _ in layout})
    roles = {}
    for exercise, check, _ in layout:
        key = exercise_key(cells, exercise)
        if check == exercise:
            raise SourceError(f"exercise {key} checks itself in its own cell: nbgrader needs a separate check cell")
        if key not in points:
            raise SourceError(f"exercise {key} has no row in instructor/points.toml (0 leaves it ungraded)")
        roles[exercise] = nbgrader_metadata(key, solution=True)
        roles[check] = nbgrader_metadata(f"test_{key}", points=points[key], locked=True)
    unknown = set(points) - {meta["grade_id"] for meta in roles.values()}
    if unknown:
        raise SourceError(f"instructor/points.toml names exercises the lab lacks: {sorted(unknown)}")
    setup = next(i for i, cell in enumerate(cells) if cell.cell_type == "code")
    for i, cell in enumerate(cells):
        if i in roles:
            cell.metadata["nbgrader"] = roles[i]
        elif cell.cell_type == "markdown" or i == setup:
            cell.metadata["nbgrader"] = nbgrader_metadata(f"cell-{cell.get('id') or i}", locked=True)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def write_course(course, names=(), course_id=None, say=print):
    """Write the source notebooks (and nbgrader_config.py when missing); return the assignment names."""
    course = Path(course)
    table = points_table()
    assignments = []
    for path in lab_paths(names):
        nb = source_notebook(nbformat.read(path, as_version=4), table.get(path.stem, {}))
        out = course / "source" / path.stem / path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
        assignments.append(path.stem)
    config = course / "nbgrader_config.py"
    if config.exists() and course_id is not None:
        say(f"nbgrader: {config} exists, so its course id is kept: change it in that file (or remove the "
            "file and run this again)")
    if not config.exists():
        course_id = course_id or COURSE_ID
        config.write_text(CONFIG.format(root=str(ROOT), course_id=course_id, stub=CODE_STUB,
                                        course=str(course.resolve()), zip_names=ZIP_NAMES), encoding="utf-8")
    return assignments


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("course", help="the course folder (nbgrader's course root)")
    parser.add_argument("labs", nargs="*", help="labs to include (default: every lab in labs/)")
    parser.add_argument("--course-id", default=None, help=f"nbgrader's course id (default {COURSE_ID})")
    args = parser.parse_intermixed_args(argv)
    try:
        assignments = write_course(args.course, args.labs, args.course_id)
    except (SourceError, OSError) as err:
        print(f"nbgrader: {err}", file=sys.stderr)
        return 1
    lab = assignments[0] if len(assignments) == 1 else "<lab>"
    print(f"nbgrader: {len(assignments)} source notebook(s) in {Path(args.course) / 'source'}; next: "
          f"make assignment COURSE={args.course} LAB={lab}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
