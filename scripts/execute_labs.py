"""Re-execute labs in place: a clean Restart & Run All, stored exactly as nbval expects it.

    python scripts/execute_labs.py [labs/NN_name.ipynb ...]     (default: every lab)
"""
import sys

import nbformat
from labrun import execute, lab_paths


def clean(nb):
    """Clear old outputs and volatile metadata so the stored file depends only on the code."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}


def main(names):
    for path in lab_paths(names):
        nb = nbformat.read(path, as_version=4)
        clean(nb)
        seconds = execute(nb)
        nbformat.write(nb, path)
        print(f"{path.name}: executed in {seconds:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
