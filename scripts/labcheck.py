"""Run every lab (or the ones named) in a fresh kernel of this Python and check it without comparing
outputs: no cell raises (so every assert in the labs holds) and no output carries stderr or warning
text. Prints one line per problem (lab, cell index, first line of the error) and exits 1 if any.
Used by the drift run (scripts/test_latest.py). Nothing in labs/ is modified.

    python scripts/labcheck.py [labs/NN_name.ipynb ...]
"""
import re
import sys

import nbformat
from labrun import LABS, lab_paths, output_text
from nbclient import NotebookClient

WARNING = re.compile(r"\b\w*Warning\b|\bWARNING\b")


def run(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True, record_timing=False,
                   store_widget_state=False, resources={"metadata": {"path": str(LABS)}}).execute()
    return nb


def problems(nb):
    """(cell index, what) for each error, stderr stream or warning text in the executed notebook."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output_text(output)
            first = next((line for line in text.splitlines() if line.strip()), "").strip()
            if output.output_type == "error":
                found.append((index, f"error {first}"))
            elif output.get("name") == "stderr":
                found.append((index, f"stderr: {first}"))
            elif WARNING.search(text):
                found.append((index, f"warning text: {WARNING.search(text).group(0)} in {first[:120]}"))
    return found


def main(names):
    failed = 0
    for path in lab_paths(names):
        found = problems(run(path))
        failed += bool(found)
        print(f"labcheck: {path.name}: {'ok' if not found else f'{len(found)} problem(s)'}", flush=True)
        for index, what in found:
            print(f"  {path.name} cell {index}: {what}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
