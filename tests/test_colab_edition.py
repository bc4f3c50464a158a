"""The Colab edition: one install cell before the first code cell, silent when utils is there,
one clear line when it cannot install. (`make test-colab` runs the editions themselves.)"""
import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))  # the scripts import their sibling labrun module
spec = importlib.util.spec_from_file_location("colab_edition", ROOT / "scripts" / "colab_edition.py")
colab_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(colab_edition)

URL = "https://github.com/OWNER/nn-labs-class"
UNREACHABLE = "http://127.0.0.1:9/nobody/nn-training-labs"  # port 9 on this machine: refused at once


def small_notebook():
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"),
                                           nbformat.v4.new_code_cell("import utils"),
                                           nbformat.v4.new_code_cell("x = 1")])


def test_install_cell_goes_before_the_first_code_cell_and_nothing_else_changes():
    nb = small_notebook()
    before = nbformat.writes(nb)
    colab = colab_edition.colab_notebook(nb, URL)
    assert nbformat.writes(nb) == before, "the input notebook must not be modified"
    assert [c.cell_type for c in colab.cells] == ["markdown", "code", "code", "code"]
    assert colab.cells[1].id == colab_edition.CELL_ID and URL in colab.cells[1].source
    assert colab.cells[0] == nb.cells[0] and colab.cells[2:] == nb.cells[1:]
    nbformat.validate(colab)


def test_applying_it_twice_keeps_one_install_cell_with_the_new_url():
    twice = colab_edition.colab_notebook(colab_edition.colab_notebook(small_notebook(), URL), UNREACHABLE)
    install = [c for c in twice.cells if c.get("id") == colab_edition.CELL_ID]
    assert len(install) == 1 and UNREACHABLE in install[0].source and URL not in install[0].source


def test_every_lab_gets_an_edition_built_from_its_release_edition(tmp_path):
    labs = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
    written = colab_edition.write_editions(labs, out=tmp_path, url=URL)
    assert [p.name for p in written] == [p.name for p in labs]
    for lab, path in zip(labs, written, strict=True):
        nb = nbformat.read(path, as_version=4)
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert first_code.id == colab_edition.CELL_ID
        assert len({c.id for c in nb.cells}) == len(nb.cells), f"{path.name}: duplicate cell ids"
        release = colab_edition.release_notebook(nbformat.read(lab, as_version=4))
        assert [c.source for c in nb.cells if c.get("id") != colab_edition.CELL_ID] == [c.source for c in release.cells]
        text = path.read_text(encoding="utf-8")
        assert "SOLUTION" not in text and "<summary>Solution" not in text, path.name
        assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")


def test_install_cell_is_plain_python_without_magics():
    source = colab_edition.install_source(URL)
    ast.parse(source)
    assert "!pip" not in source and "%pip" not in source and "--upgrade" not in source


def test_repository_url_is_the_configured_class_repository(tmp_path):
    assert colab_edition.repository_url().startswith("https://")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n[tool.labs]\nrepository = 'https://x/y'\n")
    with pytest.raises(SystemExit, match=r"\[tool.labs\] class_repository"):
        colab_edition.repository_url(tmp_path / "pyproject.toml")


def run_cell(url, dist, tmp_path):
    source = colab_edition.install_source(url).replace(json.dumps(colab_edition.DIST), json.dumps(dist))
    return subprocess.run([sys.executable, "-c", source], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)


def test_present_package_installs_nothing(tmp_path):
    run = run_cell(UNREACHABLE, colab_edition.DIST, tmp_path)
    assert run.returncode == 0 and run.stderr == ""
    assert run.stdout == "utils is installed: nothing to install.\n"


def test_missing_package_and_no_network_end_in_one_line(tmp_path):
    run = run_cell(UNREACHABLE, "a-distribution-that-is-not-installed", tmp_path)
    assert run.returncode == 0 and run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run.stdout
    assert lines[0].startswith(f"Could not install utils from {UNREACHABLE}: ") and "Traceback" not in lines[0]
