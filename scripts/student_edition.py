"""Write the student edition of the labs: every solution block replaced by a stub.

    python scripts/student_edition.py [labs/NN_name.ipynb ...]    (default: every lab)

Solutions sit between `### BEGIN SOLUTION` and `### END SOLUTION` lines (nbgrader's convention).
Each block becomes `# YOUR CODE HERE` and `raise NotImplementedError()` at the block's indentation,
and outputs are cleared, so students start from a clean notebook. Editions go to build/student/.
"""
import re
import sys

import nbformat
from labrun import ROOT, lab_paths

BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*(\n|$)", re.M | re.S)
OUT = ROOT / "build" / "student"


def blank_solutions(source):
    """Return (source with every solution block replaced by a stub, number of blocks replaced)."""
    def stub(match):
        indent = match.group(1)
        return f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n"

    blanked, count = BLOCK.subn(stub, source)
    if "### BEGIN SOLUTION" in blanked or "### END SOLUTION" in blanked:
        raise ValueError("unbalanced solution markers: every ### BEGIN SOLUTION needs an ### END SOLUTION")
    return blanked, count


def student_notebook(nb):
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source, _ = blank_solutions(cell.source)
            cell.outputs = []
            cell.execution_count = None
    return nb


def main(names):
    OUT.mkdir(parents=True, exist_ok=True)
    for path in lab_paths(names):
        nb = student_notebook(nbformat.read(path, as_version=4))
        nbformat.write(nb, OUT / path.name)
        print(f"{path.name}: student edition written to {(OUT / path.name).relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
