"""The student edition blanks every solution and leaves valid Python behind."""
import ast
import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))  # the scripts import their sibling labrun module
spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)
LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))


def test_block_inside_a_function_keeps_its_indentation():
    source = ("def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    ### END SOLUTION\n    return y\n\n"
              "check(f)")
    blanked, count = student_edition.blank_solutions(source)
    assert count == 1
    assert blanked == ("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n    return y\n\n"
                       "check(f)")
    ast.parse(blanked)


def test_unbalanced_markers_are_refused():
    with pytest.raises(ValueError, match="unbalanced"):
        student_edition.blank_solutions("### BEGIN SOLUTION\nx = 1\n")


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_every_lab_has_a_valid_student_edition(path):
    nb = student_edition.student_notebook(nbformat.read(path, as_version=4))
    blocks = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert "SOLUTION" not in cell.source and not cell.outputs
        blocks += cell.source.count("raise NotImplementedError()")
        ast.parse(cell.source)  # still valid Python (no magics in these labs)
    assert blocks >= 1
