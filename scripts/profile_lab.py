"""Time each cell of a lab in a fresh kernel, slowest first (to find what to speed up).

    python scripts/profile_lab.py labs/NN_name.ipynb
"""
import sys
from datetime import datetime

import nbformat
from labrun import LABS
from nbclient import NotebookClient


def main(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(LABS)}},
                   record_timing=True, store_widget_state=False).execute()
    rows = []
    for index, cell in enumerate(nb.cells):
        timing = cell.metadata.get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            rows.append(((end - start).total_seconds(), index, cell.source.splitlines()[0][:60]))
    for seconds, index, first_line in sorted(rows, reverse=True):
        print(f"{seconds:7.2f} s  cell {index:3d}  {first_line}")
    print(f"{sum(r[0] for r in rows):7.2f} s  in all cells")


if __name__ == "__main__":
    main(sys.argv[1])
