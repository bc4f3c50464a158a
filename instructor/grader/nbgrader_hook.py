"""nbgrader's autograde with the grade decided outside the student's kernel.

`GradeOutsideKernel` takes the place of nbgrader's `Execute` in `Autograde.autograde_preprocessors`
(the course's nbgrader_config.py sets this up). It runs in nbgrader's process: it grades the notebook
with instructor.grader.grade, writes the grading run's outputs into the cells, and replaces every
check cell's outputs with the grader's verdict: one ✅ line (nbgrader gives the cell's points) or an
error output (0 points). What the student's code printed in a check cell is never kept there.

A notebook that cannot be graded at all scores 0 in the gradebook, and its report says "could not
be graded" and why; `python -m instructor.course export` reads the reports, so grades.csv never
shows it as a 0.
"""
import json
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, Unicode

from instructor.grader.grade import Ungradable, cell_roles, grade_notebook
from instructor.grader.sandbox import SandboxUnavailable

REPORTS = "grading-reports"


def report_path(course, assignment, student, notebook):
    return Path(course) / REPORTS / assignment / student / f"{notebook}.json"


def verdict_output(text, passed):
    if passed:
        return nbformat.v4.new_output("stream", name="stdout", text=text + "\n")
    return nbformat.v4.new_output("error", ename="NotPassed", evalue=text, traceback=[text])


class GradeOutsideKernel(NbGraderPreprocessor):
    """Grade the notebook in a sandboxed kernel, probed from this process (see instructor/grader)."""

    course_root = Unicode(".", help="where grading-reports/ is written (the course folder)").tag(config=True)
    seed = Integer(-1, help="the cases' seed; -1 draws a fresh one for every notebook").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        lab, student, assignment = info["notebook"], info["student"], info["assignment"]
        report = {"student": student, "assignment": assignment, "notebook": lab}
        try:
            _, _, checks = cell_roles(nb)
            grade = grade_notebook(nb, lab, seed=None if self.seed < 0 else self.seed)
        except (Ungradable, SandboxUnavailable) as error:
            self.log.error("%s / %s: could not be graded: %s", student, lab, error)
            report.update(status="could not be graded", reason=str(error))
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = []
                    if cell.metadata.get("nbgrader", {}).get("grade"):
                        cell.outputs = [verdict_output(f"Could not be graded: {error}", False)]
            self._write(report)
            return nb, resources
        by_key = {e.key: e for e in grade.exercises}
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = [nbformat.from_dict(o) for o in grade.outputs.get(i, [])]
            if i in checks:
                exercise = by_key.get(checks[i])
                cell.outputs = [verdict_output(exercise.line(), exercise.status == "passed")] if exercise else \
                    [verdict_output("Not graded (0 points in the course's points table).", True)]
        report.update(status="graded", seed=grade.seed, score=grade.score, max_score=grade.max_score,
                      log=grade.log, exercises=[{"key": e.key, "status": e.status, "points": e.points,
                                                 "max_points": e.max_points, "reason": e.reason}
                                                for e in grade.exercises])
        self._write(report)
        return nb, resources

    def _write(self, report):
        path = report_path(self.course_root, report["assignment"], report["student"], report["notebook"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=1), encoding="utf-8")
