"""CI executes every workbook notebook, exactly as a student first meets it: nothing solved.

Each lab's workbook edition runs in a fresh kernel in a temporary folder, errors allowed. Then:
- every error is the stub's NotImplementedError, naming an exercise of the notebook (any other
  exception, say a NameError or TypeError downstream, is a cell that the stub does not guard);
- every check explains the unsolved state: a check cell (the code cell after an exercise) has no
  error and prints "not written yet"; an exercise cell that checks itself shows the line too;
- no output shows solution text (a printed source, say).
One kernel per lab (about 8-15 s each here): this file stands alone so that pytest-xdist can run it
beside the other tests.
"""
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
spec = importlib.util.spec_from_file_location("workbook", ROOT / "scripts" / "workbook.py")
workbook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(workbook)
from labrun import output_text  # noqa: E402

LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
NOT_WRITTEN = "not written yet"


def run(nb, folder):
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}},
                   record_timing=False, store_widget_state=False,
                   shutdown_kernel="immediate").execute()  # the kernel is thrown away: 2 s less each


def problems_of(lab, nb):
    """Everything a student would meet that the workbook promises not to show, one line each."""
    names = {name for cell in nb.cells for name in cell.metadata.get("workbook", {}).get("exercises", [])}
    stub_messages = {workbook.STUB_MESSAGE.format(what=name) for name in names}
    position, lab_index = {}, {}  # answer-key index <-> workbook index
    for index, cell in enumerate(nb.cells):
        if cell.metadata.get("workbook", {}).get("role") != "solution-reveal":
            lab_index[index] = len(position)
            position[len(position)] = index
    problems = []

    def say(index, message):
        first = nb.cells[index].source.strip().splitlines()[0][:60] if nb.cells[index].source.strip() else ""
        where = f"lab cell {lab_index[index]}" if index in lab_index else "solution reveal"
        problems.append(f"workbook cell {index} ({where}, {first!r}): {message}")

    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error" and not (output.ename == "NotImplementedError"
                                                      and output.evalue in stub_messages):
                where_raised = [line for line in strip_ansi("\n".join(output.traceback)).splitlines()
                                if line.lstrip().startswith(("File ", "Cell In"))][-3:]
                say(index, f"{output.ename}: {output.evalue[:120]} (raised in: {' <- '.join(reversed(where_raised))})")
    for exercise, check, _ in workbook.exercise_layout(lab.cells):
        cell = nb.cells[position[check]]
        text = "".join(output_text(o) for o in cell.outputs)
        if check != exercise and any(o.output_type == "error" for o in cell.outputs):
            say(position[check], "the check cell ends in an error")
        elif check != exercise and NOT_WRITTEN not in "".join(o.get("text", "") for o in cell.outputs
                                                              if o.output_type == "stream"):
            say(position[check], f"the check does not print {NOT_WRITTEN!r} (it prints {text.strip()[:80]!r})")
        elif NOT_WRITTEN not in text:
            say(position[check], f"the exercise checks itself but does not say {NOT_WRITTEN!r}")
    leaks = workbook.distinctive_solution_lines(lab)
    for index, cell in enumerate(nb.cells):
        shown = "\n".join(output_text(o) for o in cell.get("outputs", []))
        found = sorted({line for line in shown.splitlines() if line.strip() in leaks})
        if found:
            say(index, f"an output shows solution text: {found[0].strip()!r}")
    return problems


def strip_ansi(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def check_workbook(lab, folder):
    answer_key = nbformat.read(lab, as_version=4)
    nb = workbook.workbook_notebook(answer_key)
    run(nb, folder)
    problems = problems_of(answer_key, nb)
    assert not problems, f"{lab.name} workbook:\n" + "\n".join(problems)


# Two classes are two scopes for `pytest -n 2 --dist loadscope`: both workers can share the kernels.
HALVES = (LABS[:(len(LABS) + 1) // 2], LABS[(len(LABS) + 1) // 2:])


class TestFirstHalf:
    @pytest.mark.parametrize("lab", HALVES[0], ids=[p.name for p in HALVES[0]])
    def test_unsolved_workbook_runs_and_explains_itself(self, lab, tmp_path):
        check_workbook(lab, tmp_path)


class TestSecondHalf:
    @pytest.mark.parametrize("lab", HALVES[1], ids=[p.name for p in HALVES[1]])
    def test_unsolved_workbook_runs_and_explains_itself(self, lab, tmp_path):
        check_workbook(lab, tmp_path)
