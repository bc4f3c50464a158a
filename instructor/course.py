"""The instructor's route through a graded course, one command per step (the Makefile's targets).

    python -m instructor.course source   COURSE [--course-id ID] [LAB ...]   course material
    python -m instructor.course students COURSE FILE.csv the class list (nbgrader's columns:
                                                         id,first_name,last_name,email)
    python -m instructor.course release  COURSE LAB      the student notebook (release/LAB/)
    python -m instructor.course autograde COURSE LAB     make submissions gradable, then grade them
    python -m instructor.course feedback COURSE LAB      feedback/<student>/LAB/LAB.html
    python -m instructor.course export   COURSE          COURSE/grades.csv

nbgrader runs from COURSE with this environment's bin/ first on PATH (it calls alembic), so no one
edits PATH by hand.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from instructor.grader.nbgrader_hook import REPORTS, report_path
from instructor.submissions import normalize_lab

ROOT = Path(__file__).resolve().parents[1]
GRADES_COLUMNS = ["student_id", "lab", "status", "score", "max_score", "detail"]


def nbgrader(course, *args):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONWARNINGS="ignore:::nbgrader.api")  # SQLAlchemy's notes on nbgrader's session: none to act on
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env).returncode


def grade_rows(course):
    """One row per student and lab: a score, "not submitted" or "could not be graded" (and why)."""
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(course)
    rows = []
    reported = {p.name for p in (course / REPORTS).glob("*/*") if p.is_dir()}  # a file that could not be read
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        students = sorted({s.id for s in gb.students} | reported)
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            for student in students:
                rows.append(_row(course, gb, MissingEntry, assignment, student))
    return rows


def _row(course, gb, missing_entry, assignment, student):
    row = dict.fromkeys(GRADES_COLUMNS, "")
    row.update(student_id=student, lab=assignment.name)
    reports = [report_path(course, assignment.name, student, nb.name) for nb in assignment.notebooks]
    read = [json.loads(p.read_text(encoding="utf-8")) for p in reports if p.exists()]
    failed = [r for r in read if r.get("status") == "could not be graded"]
    if failed:
        row.update(status="could not be graded", detail="; ".join(r["reason"] for r in failed))
        return row
    try:
        submission = gb.find_submission(assignment.name, student)
    except missing_entry:
        row.update(status="not submitted")
        return row
    if not read:
        row.update(status="not graded yet", detail="run autograde for this lab")
        return row
    failing = [f"{e['key']}: {e['status']}" for r in read for e in r.get("exercises", []) if e["status"] != "passed"]
    row.update(status="graded", score=f"{submission.score:g}", max_score=f"{submission.max_score:g}",
               detail="; ".join(failing))
    return row


def export(course):
    path = Path(course) / "grades.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, GRADES_COLUMNS)
        writer.writeheader()
        writer.writerows(grade_rows(course))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["source", "students", "release", "autograde", "feedback", "export"])
    parser.add_argument("course", help="the course folder (nbgrader's course root)")
    parser.add_argument("labs", nargs="*", help="the lab (file stem, e.g. 03_softmax); for source: default all")
    parser.add_argument("--course-id", default=None, help="nbgrader's course id (source only)")
    args = parser.parse_intermixed_args(argv)
    course = Path(args.course)
    if args.step == "source":
        labs = [lab if lab.endswith(".ipynb") else str(ROOT / "labs" / f"{lab}.ipynb") for lab in args.labs]
        command = [sys.executable, str(ROOT / "scripts" / "nbgrader_source.py"), str(course), *labs]
        return subprocess.run(command + (["--course-id", args.course_id] if args.course_id else [])).returncode
    if args.step == "export":
        print(f"grades: {export(course)}")
        return 0
    if len(args.labs) != 1:
        what = "a class list (CSV)" if args.step == "students" else "one lab, for example 03_softmax"
        parser.error(f"{args.step} needs {what}")
    lab = args.labs[0]
    if args.step == "students":
        if not Path(lab).is_file():
            parser.error(f"no class list at {lab}: a CSV with the columns id,first_name,last_name,email")
        return nbgrader(course, "db", "student", "import", str(Path(lab).resolve()))
    if args.step == "release":
        return nbgrader(course, "generate_assignment", lab, "--force")
    if args.step == "feedback":
        return nbgrader(course, "generate_feedback", lab, "--force")
    try:
        normalize_lab(course, lab)
    except FileNotFoundError as error:
        print(f"autograde: {error}", file=sys.stderr)
        return 1
    return nbgrader(course, "autograde", lab, "--create", "--force")


if __name__ == "__main__":
    sys.exit(main())
