"""nbgrader course material generated from the answer key (labs/ itself carries no nbgrader metadata).

    python scripts/nbgrader_source.py COURSE [LAB ...]      (`make nbgrader COURSE=dir`)

writes COURSE/source/<lab stem>/<lab stem>.ipynb for every lab (or the ones named) and, when the
folder has none yet, COURSE/nbgrader_config.py. Then, from COURSE: `nbgrader generate_assignment
<lab stem>`, collect submissions into submitted/<student>/<lab stem>/, `nbgrader autograde <lab
stem>`, `nbgrader export` (README, "Grading with nbgrader").

What a source notebook is: the lab with its outputs cleared, and nbgrader metadata on its cells
(the exercise layout of scripts/workbook.py):
- an exercise cell (its `### BEGIN SOLUTION` blocks, which nbgrader replaces by its code stub) is an
  autograded answer: `solution: true`, not locked, grade_id the exercise's name;
- its check cell is the test: `grade: true`, `locked: true`, POINTS points, grade_id
  `test_<name>`; the exercise's hidden tests (grading/hidden_tests.py) are appended between
  `### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS`, so they are in the source only;
- markdown cells (instructions, hints) and the set-up cell are read-only (`locked: true`), as
  nbgrader courses usually make them: autograde restores their source. Other code cells stay
  editable, so students can try things in the demonstrations as in the workbook.
Points: 1 per exercise (per check cell). A check cell that checks two functions scores only when
both pass: nbgrader grades a cell as a whole.
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
from grading.hidden_tests import HIDDEN  # noqa: E402

POINTS = 1
COURSE_ID = "nn-training-labs"
# nbgrader's code stub is one per kernel language, so it cannot name the exercise as the workbook's
# stub does; it is a one-line message in the same form, which the checks report as "not written yet".
STUB_MESSAGE = "This exercise is not written yet: write your code in place of this line, then run the check below."
CODE_STUB = f'# YOUR CODE HERE\nraise NotImplementedError("{STUB_MESSAGE}")'
GRADE_TIMEOUT = 300  # seconds per cell under autograde (nbgrader's default is 30; a lab's cells take seconds)
CONFIG = f'''\
# nbgrader configuration of this course, written by scripts/nbgrader_source.py (`make nbgrader`).
# Run nbgrader from this folder (the course root).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{COURSE_ID}"
# The stub that replaces every solution block in the release: one line, as in the workbook.
c.ClearSolutions.code_stub = {{"python": {CODE_STUB!r}}}
# A check cell deleted from a submission is put back (with its hidden tests) and graded.
c.OverwriteCells.add_missing_cells = True
# Seconds a cell may run under autograde before it is interrupted and counted as failed.
c.Execute.timeout = {GRADE_TIMEOUT}
'''
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


class SourceError(Exception):
    """A lab that cannot become an nbgrader source notebook (the message says why)."""


def exercise_key(cells, index):
    """The exercise's name, usable as an nbgrader grade_id: the function its solution sits in, else
    the first name the solution assigns (headings are not used: their numbers change as labs grow)."""
    names = blank_solutions(cells[index].source)[1]
    return "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_").lower() for name in dict.fromkeys(names))


def nbgrader_metadata(grade_id, solution=False, grade=False, locked=False):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = POINTS
    return meta


def with_hidden(source, hidden):
    return f"{source.rstrip()}\n{HIDDEN_BEGIN}\n{hidden.rstrip()}\n{HIDDEN_END}\n"


def refuse_markers(cells, exercises):
    """nbgrader reacts to its markers in any cell: a lab may hold them only in its exercise cells."""
    for i, cell in enumerate(cells):
        if "HIDDEN TESTS" in cell.source or (i not in exercises and "BEGIN SOLUTION" in cell.source):
            raise SourceError(f"cell {i} holds an nbgrader marker outside an exercise cell")


def source_notebook(nb, hidden, warn=print):
    """The nbgrader source edition of one answer-key notebook; hidden = {exercise key: code}.

    An exercise without hidden tests is still graded on its visible check; warn says so in one line.
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
        roles[exercise] = nbgrader_metadata(key, solution=True)
        roles[check] = nbgrader_metadata(f"test_{key}", grade=True, locked=True)
        if key in hidden:
            cells[check].source = with_hidden(cells[check].source, hidden[key])
        else:
            warn(f"nbgrader: exercise {key!r} has no hidden tests in grading/hidden_tests.py (graded on its check)")
    unknown = set(hidden) - {meta["grade_id"] for meta in roles.values()}
    if unknown:
        warn(f"nbgrader: grading/hidden_tests.py has tests for exercises the lab lacks: {sorted(unknown)}")
    setup = next(i for i, cell in enumerate(cells) if cell.cell_type == "code")
    for i, cell in enumerate(cells):
        if i in roles:
            cell.metadata["nbgrader"] = roles[i]
        elif cell.cell_type == "markdown" or i == setup:
            cell.metadata["nbgrader"] = nbgrader_metadata(f"cell-{cell.get('id') or i}", locked=True)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def write_course(course, names=()):
    """Write the source notebooks (and nbgrader_config.py when missing); return the assignment names."""
    course = Path(course)
    assignments = []
    for path in lab_paths(names):
        nb = source_notebook(nbformat.read(path, as_version=4), HIDDEN.get(path.stem, {}))
        out = course / "source" / path.stem / path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
        assignments.append(path.stem)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    return assignments


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("course", help="the course folder (nbgrader's course root)")
    parser.add_argument("labs", nargs="*", help="labs to include (default: every lab in labs/)")
    args = parser.parse_args(argv)
    try:
        assignments = write_course(args.course, args.labs)
    except (SourceError, OSError) as err:
        print(f"nbgrader: {err}", file=sys.stderr)
        return 1
    print(f"nbgrader: {len(assignments)} source notebook(s) in {Path(args.course) / 'source'}; from "
          f"{args.course}: nbgrader generate_assignment {assignments[0] if assignments else '<lab>'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
