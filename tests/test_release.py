"""The student-only tree of `make release`: no answers in it, and it sets up and runs on its own.

No fresh network install: the tree's .venv is a link to the project's, which its set-up accepts as
current because pyproject.toml and uv.lock are copied unchanged.
"""
import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import release  # noqa: E402
from workbook import distinctive_solution_lines, is_exercise, solution_lines  # noqa: E402

from grading.hidden_tests import HIDDEN  # noqa: E402

LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
RUN_LAB = "08_computation_graph"  # the fastest lab (about 7 s), one exercise
SOLUTION_LINE = re.compile(r"^[ \t]*#+ (BEGIN|END) SOLUTION", re.M)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    dest = tmp_path_factory.mktemp("class-repo")
    assert release.main([str(dest)]) == 0
    return dest


def text_files(tree):
    for path in sorted(tree.rglob("*")):
        if path.is_file() and ".venv" not in path.parts:
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


def solutions():
    """{lab name: [the solution lines of one exercise cell found nowhere else in the lab, ...]}."""
    found = {}
    for path in LABS:
        nb = nbformat.read(path, as_version=4)
        distinctive = distinctive_solution_lines(nb)
        cells = [set(solution_lines(cell.source)) & distinctive for cell in nb.cells if is_exercise(cell)]
        found[path.name] = [answer for answer in cells if answer]
    return found


def outside_references(text):
    """The stripped lines of Python source outside its reference_* functions (references may hold answers)."""
    inside = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("reference_"):
            inside |= set(range(node.lineno, node.end_lineno + 1))
    return {line.strip() for number, line in enumerate(text.splitlines(), 1) if number not in inside}


def hidden_lines():
    lines = set()
    for blocks in HIDDEN.values():
        for code in blocks.values():
            lines |= {line.strip() for line in code.splitlines() if "Case(" in line}  # the hidden cases
    return lines


class TestReleaseTree:
    def test_layout(self, tree):
        names = {p.name for p in tree.iterdir()}
        assert {"labs", "utils", "data", "binder", "pyproject.toml", "uv.lock", "environment.yml", "Makefile",
                "README.md", ".gitignore", "scripts"} <= names
        assert not names & {"grading", "tests", ".ci", ".git", "build"}
        assert sorted(p.name for p in (tree / "labs").glob("*.ipynb")) == [p.name for p in LABS]
        assert (tree / "uv.lock").read_bytes() == (ROOT / "uv.lock").read_bytes()

    def test_no_solution_text_anywhere(self, tree):
        """No notebook holds any line of a solution; no other file holds a whole solution of two lines or
        more outside the reference_* functions, which the checks need (and a one-line answer may equal)."""
        by_lab = solutions()
        answers = [answer for lab in by_lab.values() for answer in lab]
        hidden = hidden_lines()
        for path, text in text_files(tree):
            assert not SOLUTION_LINE.search(text), f"{path}: a solution block"
            assert "HIDDEN TESTS" not in text and "hidden_tests" not in text, path
            lines = {line.strip() for line in text.splitlines()}
            if path.suffix == ".ipynb":
                lines = {line.strip() for cell in nbformat.reads(text, 4).cells for line in cell.source.splitlines()}
                own = set().union(*by_lab[path.name]) if path.parent.name == "labs" else set()
                assert not lines & own, f"{path}: solution line(s) {sorted(lines & own)[:3]}"
            if path.suffix == ".py":
                lines = outside_references(text)
            whole = [answer for answer in answers if len(answer) > 1 and answer <= lines]
            assert not whole, f"{path}: a whole solution {sorted(whole[0])}"
            assert not lines & hidden, f"{path}: hidden test line(s)"

    def test_labs_have_hints_but_no_reveals(self, tree):
        for path in (tree / "labs").glob("*.ipynb"):
            nb = nbformat.read(path, as_version=4)
            assert not [c for c in nb.cells if c.metadata.get("workbook", {}).get("role") == "solution-reveal"]
            assert not any("<summary>Solution" in c.source for c in nb.cells)
            assert any(c.source.lstrip().startswith("<details><summary>Hint") for c in nb.cells), path.name
            assert all(c.get("outputs", []) == [] for c in nb.cells)

    def test_utils_holds_no_answers(self, tree):
        for path in (tree / "utils").rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, path

    def test_readme_commands_are_in_the_makefile(self, tree):
        readme = (tree / "README.md").read_text(encoding="utf-8")
        makefile = (tree / "Makefile").read_text(encoding="utf-8")
        targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
        commands = set(re.findall(r"\bmake ([\w-]+)", readme))
        assert commands and commands <= targets, commands - targets

    def test_refuses_a_folder_that_is_not_empty(self, tree):
        assert release.main([str(tree)]) == 1


@pytest.fixture(scope="module")
def linked(tree):
    """The tree with its .venv a link to the project's: its set-up then finds the environment current."""
    (tree / ".venv").symlink_to(ROOT / ".venv")
    return tree


class TestReleaseRuns:
    def test_import_utils_from_the_tree(self, linked):
        result = subprocess.run([str(linked / ".venv" / "bin" / "python"), "-c", "import utils; print(utils.__file__)"],
                                cwd=linked, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert Path(result.stdout.strip()).resolve().is_relative_to(linked.resolve())

    def test_make_workbook_as_the_readme_says(self, linked):
        result = subprocess.run(["make", "workbook"], cwd=linked, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "installing" not in result.stdout + result.stderr  # the environment was current: no install
        assert sorted(p.name for p in (linked / "workbook").glob("*.ipynb")) == [p.name for p in LABS]
        dry = subprocess.run(["make", "-n", "lab"], cwd=linked, capture_output=True, text=True, timeout=60)
        assert dry.returncode == 0 and "jupyter lab --notebook-dir=workbook" in dry.stdout

    def test_a_released_lab_runs_to_the_stubs(self, linked, monkeypatch):
        monkeypatch.setenv("PYTHONPATH", str(linked))  # the kernel imports the tree's utils
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
        nb = nbformat.read(linked / "labs" / f"{RUN_LAB}.ipynb", as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("import utils; print(utils.__file__)"))
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(linked / "labs")}}).execute()
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert errors, "the unsolved exercise should stop its cells"
        for error in errors:
            assert error.ename == "NotImplementedError" and len(error.traceback) == 1, error
            assert "not written yet" in error.evalue
        assert str(linked.resolve()) in nb.cells[-1].outputs[0].text
        stderr = [o for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stderr"]
        assert not stderr, stderr
