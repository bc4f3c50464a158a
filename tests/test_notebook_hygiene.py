"""Every stored lab is a clean Restart & Run All (what nbval and readers rely on)."""
import html as html_module
import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
MACHINE_PATH = re.compile(r"(/root/|/home/[^/\s]+/|/Users/[^/\s]+/|C:\\\\Users|" + re.escape(str(ROOT)) + ")")


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_lab_is_clean_run_all(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    expected = 1
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell["execution_count"] == expected, f"cell {index}: not a clean Restart & Run All (make execute)"
        expected += 1
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"cell {index}: stored error {output.get('ename')}"
            assert output.get("name") != "stderr", f"cell {index}: stderr text {''.join(output['text'])[:80]!r}"
            found = MACHINE_PATH.search(json.dumps(output))
            assert not found, f"cell {index}: output shows a machine path {found.group(0)}"


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_lab_has_no_path_hacks_or_installs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "sys.path" not in code and "pip install" not in code
    assert "utils.setup_lab(" in code, "every lab starts with utils.setup_lab()"


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_solutions_are_marked(path):
    """nbgrader convention: a student edition can be made by blanking these blocks."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert code.count("### BEGIN SOLUTION") == code.count("### END SOLUTION") >= 1


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_every_figure_has_a_text_alternative(path):
    """Every stored figure went through utils.plots.show: alt text in its metadata and on its <img>. An
    explorer's first picture (utils.widgets.live_figure) needs the alt text in its metadata only: JupyterLab
    shows the live widget, and the site turns the picture into an <img> with that alt text."""
    nb = nbformat.read(path, as_version=4)
    missing = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if "image/png" not in output.get("data", {}):
                continue
            alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
            html = output["data"].get("text/html", "")
            explorer = "application/vnd.jupyter.widget-view+json" in output["data"]
            if len(alt.split()) < 5 or not explorer and f'alt="{html_module.escape(alt, quote=True)}"' not in html:
                missing.append(index)
    assert not missing, f"{path.name}: figures without a text alternative in cells {missing} (use utils.plots.show)"


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_no_bare_assert_in_a_lab_cell(path):
    """What a cell proves goes through utils.checks.claim: one line after a student's change, no traceback."""
    nb = nbformat.read(path, as_version=4)
    asserting = [i for i, cell in enumerate(nb.cells)
                 if cell.cell_type == "code" and re.search(r"^\s*assert\b", cell.source, re.M)]
    assert not asserting, f"{path.name}: bare assert in cells {asserting}; use utils.checks.claim"
