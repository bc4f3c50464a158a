"""The student-only tree of `make release`: the release gate (no answer in it), and it sets up and runs
on its own.

No fresh network install: the tree's .venv is a link to the project's. The tree's set-up installs the
`labs` group only, so it would not take the project's environment as current: the tests run the
Makefile's targets with `setup` marked as done (`make -o setup`), and check what set-up would install
with uv against the lock instead.
"""
import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import release  # noqa: E402
from workbook import distinctive_solution_lines, is_exercise, solution_lines  # noqa: E402

LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
RUN_LAB = "08_computation_graph"  # the fastest lab (about 7 s), one exercise
SOLUTION_LINE = re.compile(r"^[ \t]*#+ (BEGIN|END) SOLUTION", re.M)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS")
MARKER_LINE = re.compile(r"^#+[ \t]*(BEGIN|END)[ \t]+(SOLUTION|HIDDEN TESTS)")
# Solution lines too plain to be an answer: comments, punctuation, `return name`, a bare keyword.
TRIVIAL = re.compile(r"^(#.*|[\W_]*|return \w+|else:|try:|pass|break|continue)$")
# Lines of solution blocks that the labs also teach in their own demonstrations, before or after the
# exercise (a Keras layer or loss, the tape, converting an input): one of them is not an answer.
IDIOMS = {
    "with tf.GradientTape() as tape:",
    "for _ in range(epochs):",
    "costs.append(float(cost))",
    "model = tf.keras.Sequential([",
    "tf.keras.Input(shape=(64,)),",
    "tf.keras.Input(shape=(100,)),",
    "tf.keras.layers.Dense(10),",
    'tf.keras.layers.Dense(32, activation="relu"),',
    'tf.keras.layers.Dense(1, activation="sigmoid"),',
    "loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))",
    "loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))",
    "output_activation = {",
    "a = np.asarray(a, dtype=float)",
    "z = np.asarray(z, dtype=float)",
    "scores = np.asarray(scores, dtype=float)",
}
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


def hidden_lines():
    """The grader's case generators (instructor/grader/labs/): lines that draw from its rng."""
    lines = set()
    for path in (ROOT / "instructor" / "grader" / "labs").glob("lab*.py"):
        lines |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                  if "rng." in line and len(line.strip()) > 30}
    assert lines, "no case generator found in instructor/grader/labs"
    return lines


def every_solution_line():
    """{line: labs} for every non-trivial line of every solution block of the answer key."""
    found = {}
    for path in LABS:
        for cell in nbformat.read(path, as_version=4).cells:
            for line in solution_lines(cell.source):
                if not TRIVIAL.match(line):
                    found.setdefault(line, set()).add(path.name)
    return found


def lines_of(path, text):
    """The stripped lines a reader meets in a file: a notebook's cell sources, else the text's lines."""
    if path.suffix == ".ipynb":
        return {line.strip() for cell in nbformat.reads(text, 4).cells for line in cell.source.splitlines()}
    return {line.strip() for line in text.splitlines()}


class TestReleaseGate:
    """The tree that goes to students, Colab editions included, holds no answer of the answer key."""

    def test_no_marker_of_a_solution_or_of_hidden_tests(self, tree):
        """No marker line anywhere; a notebook does not even name a marker. (The workbook sync that the
        tree carries names them in its patterns, which mark nothing.)"""
        for path, text in text_files(tree):
            name = path.relative_to(tree).as_posix()
            assert not [line for line in lines_of(path, text) if MARKER_LINE.match(line)], name
            assert "HIDDEN TESTS" not in text, name
            if path.suffix == ".ipynb":
                assert not [marker for marker in MARKERS if marker in text], name

    def test_no_line_of_any_solution_in_any_file(self, tree):
        answers = every_solution_line()
        assert len(answers) > 40, "the answer key's solution lines were not found"
        leaks = []
        for path, text in text_files(tree):
            name = path.relative_to(tree).as_posix()
            found = (lines_of(path, text) & answers.keys()) - IDIOMS
            leaks += [f"{name}: {line!r} (from {sorted(answers[line])})" for line in sorted(found)]
        assert not leaks, "solution lines in the release:\n" + "\n".join(leaks)

    def test_notebooks_have_no_outputs(self, tree):
        notebooks = sorted(tree.rglob("*.ipynb"))
        assert {p.parent.name for p in notebooks} == {"labs", "colab"} and len(notebooks) == 2 * len(LABS)
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code"), path
            assert not [c for c in nb.cells if c.metadata.get("workbook", {}).get("role") == "solution-reveal"], path

    def test_the_gate_catches_a_leak(self, tree, tmp_path):
        """The same search over a tree with one solution line planted in a Colab edition finds it."""
        answers = every_solution_line()
        line = sorted(set(answers) - IDIOMS)[0]
        nb = nbformat.read(tree / "colab" / LABS[-1].name, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(f"```python\n    {line}\n```"))
        planted = tmp_path / LABS[-1].name
        nbformat.write(nb, planted)
        assert line in lines_of(planted, planted.read_text(encoding="utf-8")) & answers.keys()


class TestReleaseTree:
    def test_layout(self, tree):
        names = {p.name for p in tree.iterdir()}
        assert {"labs", "colab", "utils", "data", "binder", "pyproject.toml", "uv.lock", "environment.yml",
                "Makefile", "README.md", ".gitignore", "scripts"} <= names
        assert not names & {"grading", "tests", ".ci", ".git", "build", "instructor"}
        assert sorted(p.name for p in (tree / "labs").glob("*.ipynb")) == [p.name for p in LABS]
        assert sorted(p.name for p in (tree / "colab").glob("*.ipynb")) == [p.name for p in LABS]
        assert (tree / "uv.lock").read_bytes() == (ROOT / "uv.lock").read_bytes()

    def test_colab_editions_install_from_the_class_repository(self, tree):
        url = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["labs"]["class_repository"]
        for path in sorted((tree / "colab").glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            install = next(c for c in nb.cells if c.cell_type == "code")
            assert f"REPOSITORY = {json.dumps(url)}" in install.source, path.name
            release = nbformat.read(tree / "labs" / path.name, as_version=4)
            assert [c.source for c in nb.cells if c is not install] == [c.source for c in release.cells]

    def test_set_up_installs_the_labs_group_only(self, tree):
        pyproject = tomllib.loads((tree / "pyproject.toml").read_text())
        assert pyproject["tool"]["labs"]["setup-groups"] == ["labs"]
        main = tomllib.loads((ROOT / "pyproject.toml").read_text())
        assert pyproject["dependency-groups"] == main["dependency-groups"]
        spec = importlib.util.spec_from_file_location("tree_bootstrap", tree / "scripts" / "bootstrap.py")
        bootstrap = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bootstrap)
        assert bootstrap.ROOT == tree and bootstrap.setup_groups() == ["--no-default-groups", "--group", "labs"]
        uv = [sys.executable, "-m", "uv"]
        env = {**os.environ, "UV_NO_PROGRESS": "1"}
        check = subprocess.run([*uv, "lock", "--check", "--offline", "--python", sys.executable], cwd=tree,
                               capture_output=True, text=True, env=env)
        assert check.returncode == 0, check.stderr  # the lock is still current for the tree's pyproject
        export = subprocess.run([*uv, "export", "--frozen", "--no-emit-project", *bootstrap.setup_groups(),
                                 "--no-hashes", "--format", "requirements.txt"], cwd=tree, capture_output=True,
                                text=True, env=env)
        assert export.returncode == 0, export.stderr
        installed = {re.split(r"[=; ]", line)[0] for line in export.stdout.splitlines() if line and line[0].isalpha()}
        test_tools = {"pytest", "pytest-xdist", "nbval", "hypothesis", "playwright", "ruff", "nbgrader", "uv"}
        assert {"tensorflow-cpu", "keras", "jupyterlab", "ipywidgets", "scikit-learn", "sympy"} <= installed
        assert not installed & test_tools
        for name in ("environment.yml", "binder/environment.yml"):
            pins = {re.split(r"[=<>]", line.strip(" -'"))[0] for line in (tree / name).read_text().splitlines()
                    if line.startswith("      - ")}
            assert not pins & test_tools, name
            assert "tensorflow-cpu" in pins and "jupyterlab" in pins, name

    def test_no_solution_text_anywhere(self, tree):
        """No notebook holds any line of a solution; no other file holds a whole solution of two lines or
        more, nor a reference_* function (an answer: they live in instructor/references/)."""
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
                functions = {n.name for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)}
                assert not {f for f in functions if f.startswith("reference_")}, f"{path}: a reference_* function"
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
        # `-o setup`: the linked environment is the project's (labs and test groups), which the tree's
        # set-up (labs group only) would re-sync; set-up itself is covered by test_set_up_installs_...
        result = subprocess.run(["make", "-o", "setup", "workbook"], cwd=linked, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "installing" not in result.stdout + result.stderr
        assert sorted(p.name for p in (linked / "workbook").glob("*.ipynb")) == [p.name for p in LABS]
        dry = subprocess.run(["make", "-n", "-o", "setup", "lab"], cwd=linked, capture_output=True, text=True,
                             timeout=60)
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
