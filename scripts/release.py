"""The student-only tree: what an instructor pushes as the class repository (`make release DEST=dir`).

    python scripts/release.py DEST

DEST (new or empty) gets:
- labs/: the release edition of every lab (scripts/workbook.py: exercises stubbed, hints kept,
  no solution reveals, no outputs);
- colab/: the Colab edition of every lab, built from the same release edition (scripts/colab_edition.py),
  whose install cell installs `utils` from the class repository ([tool.labs] class_repository);
- utils/ (checks and the references they compare with, named reference_*; no answers), data/,
  jupyterlab-settings/, and the environment of the labs only: pyproject.toml with
  `[tool.labs] setup-groups = ["labs"]` (so set-up installs no test tools), uv.lock unchanged, and
  environment.yml and binder/environment.yml written from the lock's `labs` group;
- the student side of scripts/: set-up (bootstrap.py), the workbook sync (workbook.py, labrun.py)
  and make_data.py, which data/README.md names;
- a Makefile and README.md for students (grading/STUDENT_MAKEFILE, grading/STUDENT_README.md) and a
  .gitignore.
Not copied: the answer key, instructor/ (the grader and its cases), tests/, .ci/ and the instructor scripts.
"""
import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from colab_edition import repository_url  # noqa: E402
from colab_edition import write_editions as write_colab_editions  # noqa: E402
from labrun import ROOT, lab_paths  # noqa: E402
from workbook import release_notebook  # noqa: E402
from write_environment import conda_line, render  # noqa: E402

COPIED = ["utils", "data", "binder", "jupyterlab-settings", "uv.lock"]
# The conda / Binder files' header, said of the class repository's environment (labs group, no tests there).
ENVIRONMENT_HEADER = [
    ("then every package of uv.lock through pip", "then the labs' packages of uv.lock through pip"),
    ("# Generated from uv.lock by `make lock` (scripts/write_environment.py); do not edit.\n"
     "# tests/test_environment.py checks that each line equals the locked version.\n",
     "# Generated from uv.lock's `labs` group by `make release` in the labs' main repository; do not edit.\n"),
]
STUDENT_GROUPS = ["labs"]  # pyproject.toml [dependency-groups]: the labs' packages, not the test tools
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
    write_student_environment(dest)
    (dest / "labs").mkdir()
    written = []
    for path in lab_paths():
        nbformat.write(release_notebook(nbformat.read(path, as_version=4)), dest / "labs" / path.name)
        written.append(dest / "labs" / path.name)
    write_colab_editions(lab_paths(), out=dest / "colab", url=repository_url())
    return written


def student_pyproject(text):
    """pyproject.toml for the class repository: set-up installs the `labs` group only."""
    marker = "[tool.labs]\n"
    if text.count(marker) != 1:
        raise ReleaseError("pyproject.toml needs one [tool.labs] table (class_repository)")
    groups = ", ".join(f'"{group}"' for group in STUDENT_GROUPS)
    line = (f"# The class repository installs the labs' packages only, no test tools (scripts/bootstrap.py).\n"
            f"setup-groups = [{groups}]\n")
    return text.replace(marker, marker + line)


def write_student_environment(dest):
    """pyproject.toml, and environment.yml and binder/environment.yml from the lock's student groups."""
    (dest / "pyproject.toml").write_text(student_pyproject((ROOT / "pyproject.toml").read_text(encoding="utf-8")),
                                         encoding="utf-8")
    groups = ["--no-default-groups"] + [option for group in STUDENT_GROUPS for option in ("--group", group)]
    result = subprocess.run([sys.executable, "-m", "uv", "export", "--frozen", "--no-emit-project", *groups,
                             "--no-hashes", "--no-header", "--no-annotate", "--format", "requirements.txt"],
                            cwd=dest, capture_output=True, text=True, env={**os.environ, "UV_NO_PROGRESS": "1"})
    if result.returncode != 0:
        raise ReleaseError(f"uv export of the labs group failed: {result.stderr.strip()[-300:]}")
    exported = [line.strip() for line in result.stdout.splitlines() if line.strip() and not line.startswith("#")]
    lines = sorted(filter(None, map(conda_line, exported)), key=str.lower)
    for target, binder in ((dest / "environment.yml", False), (dest / "binder" / "environment.yml", True)):
        text = render(lines, binder=binder)
        for old, new in ENVIRONMENT_HEADER:
            if old not in text:
                raise ReleaseError(f"scripts/write_environment.py's header changed: no {old!r}")
            text = text.replace(old, new)
        target.write_text(text, encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", help="a new or empty folder outside the project")
    args = parser.parse_args(argv)
    try:
        labs = write_release(Path(args.dest))
    except (ReleaseError, OSError) as err:
        print(f"release: {err}", file=sys.stderr)
        return 1
    url = repository_url()
    print(f"release: {len(labs)} labs, their Colab editions and the student files written to {args.dest}; "
          f"push it as the class repository, {url} ([tool.labs] class_repository; README, 'Grading (instructors)')")
    print(f"release: Colab link to Lab 01: {colab_link(url, labs[0].name)}")
    return 0


def colab_link(url, name, branch="main"):
    """Colab's link to a notebook of colab/ in a GitHub repository."""
    path = url.removeprefix("https://github.com/").removesuffix(".git").strip("/")
    return f"https://colab.research.google.com/github/{path}/blob/{branch}/colab/{name}"


if __name__ == "__main__":
    sys.exit(main())
