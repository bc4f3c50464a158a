"""Students re-run cells: every lab survives each cell run twice, then the whole lab run again.

In one kernel per lab, each code cell runs twice in a row, and then every cell runs once more from
the top (so every section is re-run after the sections below it have run). No cell may end in an
error. What a claim says after a re-run (a re-trained network starts from other weights) is allowed:
it prints one line, never a traceback. One kernel per lab, about three Run Alls each.
"""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))


def errors_when_rerun(notebook):
    """[(pass, cell index, error name: value)] for every error met while re-running cells."""
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(notebook.parent)}},
                            record_timing=False, store_widget_state=False, shutdown_kernel="immediate")
    found = []
    code = [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    with client.setup_kernel():
        for run in ("each cell twice", "the lab again"):
            for i, cell in code:
                for _ in range(2 if run == "each cell twice" else 1):
                    client.execute_cell(cell, i)
                    found += [(run, i, f"{o['ename']}: {o['evalue']}") for o in cell.outputs
                              if o["output_type"] == "error"]
    return found


@pytest.mark.parametrize("notebook", LABS, ids=[lab.stem for lab in LABS])
def test_re_running_cells_leaves_every_later_cell_working(notebook):
    found = errors_when_rerun(notebook)
    assert not found, f"{notebook.name}: re-running cells ends in errors: {found[:5]}"
