"""The drift run (`make test-latest`): what it installs and what it counts as a broken lab."""
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))  # scripts are run as files, not installed

import labcheck  # noqa: E402
import test_latest  # noqa: E402


def test_latest_keeps_names_and_markers_and_drops_pins():
    lines = test_latest.unpinned_requirements()
    assert "numpy" in lines and "pytest" in lines and not [x for x in lines if "==" in x.split(";")[0]]
    tf = [x for x in lines if x.startswith("tensorflow")]
    assert len(tf) == 2 and all("sys_platform" in x for x in tf)


def test_versions_reads_freeze_and_export_lines():
    lines = ["numpy==2.5.0", "Keras==3.16.0 ; sys_platform == 'linux'", "-e file:///repo", "# comment"]
    assert test_latest.versions(lines) == {"numpy": "2.5.0", "keras": "3.16.0"}


def notebook(*outputs):
    nb = new_notebook()
    nb.cells = [new_code_cell("pass"), new_code_cell("x", outputs=list(outputs))]
    return nbformat.from_dict(nb)


def test_a_clean_lab_has_no_problems():
    ok = new_output("stream", name="stdout", text="accuracy 0.97\n")
    assert labcheck.problems(notebook(ok)) == []


def test_error_stderr_and_warning_text_are_reported_with_the_cell_index():
    error = new_output("error", ename="AssertionError", evalue="test accuracy 0.80 < 0.95", traceback=[])
    stderr = new_output("stream", name="stderr", text="\nW0000 oneDNN custom operations are on\n")
    warning = new_output("execute_result", data={"text/plain": "UserWarning: the figure is empty"})
    found = labcheck.problems(notebook(error, stderr, warning))
    assert found == [(1, "error AssertionError: test accuracy 0.80 < 0.95"),
                     (1, "stderr: W0000 oneDNN custom operations are on"),
                     (1, "warning text: UserWarning in UserWarning: the figure is empty")]
