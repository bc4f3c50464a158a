"""The student-only tree: what an instructor pushes as the class repository (`make release DEST=dir`).

    python scripts/release.py DEST

DEST (new or empty) gets:
- labs/: the release edition of every lab (scripts/workbook.py: exercises stubbed, hints kept,
  no solution reveals, no outputs);
- utils/ (checks and the references they compare with, named reference_*; no answers), the
  environment (pyproject.toml, uv.lock, environment.yml, binder/), data/, jupyterlab-settings/;
- the student side of scripts/: set-up (bootstrap.py), the workbook sync (workbook.py, labrun.py)
  and make_data.py, which data/README.md names;
- a Makefile and README.md for students (grading/STUDENT_MAKEFILE, grading/STUDENT_README.md) and a
  .gitignore.
Not copied: the answer key, grading/ (hidden tests), tests/, .ci/ and the instructor scripts.
"""
import argparse
import shutil
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labrun import ROOT, lab_paths  # noqa: E402
from workbook import release_notebook  # noqa: E402

COPIED = ["utils", "data", "binder", "jupyterlab-settings", "pyproject.toml", "uv.lock", "environment.yml"]
STUDENT_SCRIPTS = ["bootstrap.py", "workbook.py", "labrun.py", "make_data.py"]
FROM_GRADING = {"STUDENT_MAKEFILE": "Makefile", "STUDENT_README.md": "README.md"}
GITIGNORE = ".venv/\nbuild/\nworkbook/\n__pycache__/\n*.egg-info/\n.ipynb_checkpoints/\n"
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints")


class ReleaseError(Exception):
    """The release cannot be written (the message says why)."""


def check_destination(dest):
    if dest.resolve() == ROOT or ROOT in dest.resolve().parents:
        raise ReleaseError(f"{dest} is inside the project; choose a folder outside it")
    if dest.exists() and any(dest.iterdir()):
        raise ReleaseError(f"{dest} is not empty; give a new or empty folder")


def write_release(dest):
    """Write the student-only tree into dest; return the lab notebooks written."""
    dest = Path(dest)
    check_destination(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=SKIPPED)
        else:
            shutil.copy2(source, dest / name)
    (dest / "scripts").mkdir()
    for name in STUDENT_SCRIPTS:
        shutil.copy2(ROOT / "scripts" / name, dest / "scripts" / name)
    for name, target in FROM_GRADING.items():
        shutil.copy2(ROOT / "grading" / name, dest / target)
    (dest / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (dest / "labs").mkdir()
    written = []
    for path in lab_paths():
        nbformat.write(release_notebook(nbformat.read(path, as_version=4)), dest / "labs" / path.name)
        written.append(dest / "labs" / path.name)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", help="a new or empty folder outside the project")
    args = parser.parse_args(argv)
    try:
        labs = write_release(Path(args.dest))
    except (ReleaseError, OSError) as err:
        print(f"release: {err}", file=sys.stderr)
        return 1
    print(f"release: {len(labs)} labs and the student files written to {args.dest}; "
          "push it as the class repository (README, 'Grading with nbgrader')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
