"""Colab editions of the labs: the release edition of each lab plus one install cell before its first code cell.

    python scripts/colab_edition.py [LAB ...]      (default: every lab) -> build/colab/<lab>.ipynb

An edition is built from the release edition (scripts/workbook.py `release_notebook`: exercises
stubbed, hints kept, no solution reveals, no outputs), never from the answer key as it is.
`make release` writes the same editions into the class repository's colab/ folder.

The install cell installs the labs' package (`utils`) from the class repository (the student-only
tree, never this one: it holds the answer key) only when it is missing, and lets pip keep every
package Colab already has (the package's dependencies are loose lower bounds that Colab meets, and
TensorFlow is not one of them). Its URL is one configured value: `[tool.labs] class_repository` in
pyproject.toml.
"""
import copy
import json
import sys
import tomllib
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labrun import ROOT, lab_paths  # noqa: E402
from workbook import release_notebook  # noqa: E402

OUT = ROOT / "build" / "colab"
DIST = "nn-training-labs-utils"
CELL_ID = "colab-install"

# Plain Python (no ! or % magics), so it also runs outside IPython. pip runs in a subprocess and its
# output is captured: a failure ends in one line, never a pip traceback. GIT_TERMINAL_PROMPT=0 stops
# git from waiting for a password when the URL is wrong.
INSTALL_CELL = '''\
# Colab: install the labs' helpers (the `utils` package) when they are missing. Packages Colab
# already has are kept as they are (no NumPy or TensorFlow swap, so no runtime restart).
import importlib
import importlib.metadata
import os
import subprocess
import sys

REPOSITORY = {url}

try:
    importlib.metadata.version({dist})
    print("utils is installed: nothing to install.")
except importlib.metadata.PackageNotFoundError:
    try:
        pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "git+" + REPOSITORY],
                             capture_output=True, text=True, timeout=600,
                             env={{**os.environ, "GIT_TERMINAL_PROMPT": "0"}})
        lines = [line.strip() for line in (pip.stderr + pip.stdout).splitlines() if line.strip()]
        failed = pip.returncode != 0
    except subprocess.TimeoutExpired:
        lines, failed = ["pip took longer than 10 minutes"], True
    if failed:
        reason = next((line for line in lines if line.startswith(("fatal:", "ERROR:"))), lines[-1] if lines else "")
        print(f"Could not install utils from {{REPOSITORY}}: {{reason[:200]}} "
              "(check the internet connection and the URL, then run this cell again).")
    else:
        importlib.invalidate_caches()
        print("Installed utils from", REPOSITORY)
'''


def repository_url(pyproject=ROOT / "pyproject.toml"):
    """The one configured value: [tool.labs] class_repository in pyproject.toml (the student-only tree)."""
    config = tomllib.loads(Path(pyproject).read_text()).get("tool", {}).get("labs", {})
    if not config.get("class_repository"):
        raise SystemExit("pyproject.toml needs [tool.labs] class_repository = \"https://github.com/OWNER/REPO\" "
                         "(the class repository that `make release` writes)")
    return config["class_repository"]


def install_source(repository_url):
    return INSTALL_CELL.format(url=json.dumps(repository_url), dist=json.dumps(DIST))


def colab_notebook(nb, repository_url):
    """A copy of nb with the install cell before its first code cell (replacing an older one)."""
    nb = copy.deepcopy(nb)
    nb.cells = [cell for cell in nb.cells if cell.get("id") != CELL_ID]
    cell = nbformat.v4.new_code_cell(install_source(repository_url))
    if (nb.nbformat, nb.nbformat_minor) >= (4, 5):
        cell.id = CELL_ID
    else:
        del cell["id"]
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, cell)
    return nb


def colab_edition(lab, repository_url):
    """The Colab edition of an answer-key lab: its release edition (no answers, no outputs) plus the install cell."""
    return colab_notebook(release_notebook(lab), repository_url)


def write_editions(paths, out=OUT, url=None):
    """Write the Colab edition of each answer-key lab into out/; return the paths written."""
    url = url or repository_url()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        target = out / Path(path).name
        nbformat.write(colab_edition(nb, url), target)
        written.append(target)
    return written


if __name__ == "__main__":
    for target in write_editions(lab_paths(sys.argv[1:])):
        print("wrote", target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
