"""Submissions from any route made gradable: a workbook or Colab notebook becomes a release notebook.

nbgrader grades only notebooks that carry its cell metadata, which the release edition has and the
workbook (`make lab`, the class repository) and Colab editions do not. For each such submission,
`normalize` takes the release notebook of the lab and puts the student's answers into its answer
cells: an answer is found by what it defines (the exercise's function, or the first name its
solution assigns), the last cell that defines it winning, as when the notebook runs top to bottom.
The student's file is first copied to originals/<lab>/<student>.ipynb, never over an earlier copy.
"""
import ast
import json
import shutil
from pathlib import Path

import nbformat

from instructor.grader.nbgrader_hook import report_path


def has_nbgrader_cells(nb):
    return any("nbgrader" in cell.metadata for cell in nb.cells)


def defined_names(source):
    """Names a cell defines at its top level (functions, classes, assignments); none if it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)}
    return names


def answer_names(release_cell):
    """What an answer cell of the release must define: the names in its grade_id (`a-b`: both)."""
    return set(release_cell.metadata["nbgrader"]["grade_id"].split("-"))


def normalize(submitted, release):
    """The release notebook with each answer cell replaced by the student's cell that defines it."""
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    student_cells = [c for c in submitted.cells if c.cell_type == "code"]
    for cell in nb.cells:
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        wanted = answer_names(cell)
        found = [c for c in student_cells if wanted <= defined_names(c.source)]
        if found:
            cell.source = found[-1].source
    return nb


def keep_original(path, originals, student):
    """Copy the student's file to originals/<student>.ipynb (or -2, -3, ...: never over an earlier one)."""
    originals.mkdir(parents=True, exist_ok=True)
    target, n = originals / f"{student}.ipynb", 1
    while target.exists():
        n += 1
        target = originals / f"{student}-{n}.ipynb"
    shutil.copy2(path, target)
    return target


def normalize_lab(course, lab, say=print):
    """Make every submission of lab gradable; return {student: what happened} for those that needed it."""
    course = Path(course)
    release = course / "release" / lab / f"{lab}.ipynb"
    if not release.exists():
        raise FileNotFoundError(f"{release} is missing: run `nbgrader generate_assignment {lab}` first")
    release_nb = nbformat.read(release, as_version=4)
    done = {}
    for path in sorted(course.glob(f"submitted/*/{lab}/{lab}.ipynb")):
        student = path.parents[1].name
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as error:  # not a notebook: reported, and set aside so nbgrader skips it
            original = keep_original(path, course / "originals" / lab, student)
            path.unlink()
            _unreadable_report(course, lab, student, f"the file is not a readable notebook ({error}); "
                                                     f"kept as {original.relative_to(course)}")
            done[student] = "could not be graded"
            say(f"{student}: {lab} could not be read; kept as {original.relative_to(course)}")
            continue
        if has_nbgrader_cells(nb):
            continue
        original = keep_original(path, course / "originals" / lab, student)
        nbformat.write(normalize(nb, release_nb), path)
        done[student] = "normalized"
        say(f"{student}: {lab} from a workbook or Colab notebook; the original is kept as "
            f"{original.relative_to(course)}")
    return done


def _unreadable_report(course, lab, student, reason):
    path = report_path(course, lab, student, lab)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"student": student, "assignment": lab, "notebook": lab,
                                "status": "could not be graded", "reason": reason}, indent=1), encoding="utf-8")
