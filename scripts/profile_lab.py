"""Time each cell of a lab in a fresh kernel, slowest first (to find what to speed up).

    python scripts/profile_lab.py labs/NN_name.ipynb

Cells run back to back (Run All), so the first cells that need TensorFlow wait for its import in
the background (utils.background_import): those waits are listed after the table.
"""
import json
import sys
from datetime import datetime

import nbformat
from labrun import LABS
from nbclient import NotebookClient

WAITS = "import json\nfrom utils import background_import\nprint(json.dumps(background_import.WAITS))"


def main(path):
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(WAITS))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(LABS)}},
                   record_timing=True, store_widget_state=False).execute()
    rows = []
    waits = json.loads("".join(o.get("text", "") for o in nb.cells.pop().outputs).strip() or "[]")
    for index, cell in enumerate(nb.cells):
        timing = cell.metadata.get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            rows.append(((end - start).total_seconds(), index, cell.source.splitlines()[0][:60]))
    for seconds, index, first_line in sorted(rows, reverse=True):
        print(f"{seconds:7.2f} s  cell {index:3d}  {first_line}")
    print(f"{sum(r[0] for r in rows):7.2f} s  in all cells")
    for count, module, seconds in waits:
        print(f"{seconds:7.2f} s  waited for {module} in the cell run as [{count}]")


if __name__ == "__main__":
    main(sys.argv[1])
