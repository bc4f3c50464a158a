"""Write environment.yml and binder/environment.yml from uv.lock (`make lock` runs this).

Both files pin every locked package for conda's Python 3.11, through pip, with a marker only on
the lines that differ between the locked platforms (tensorflow-cpu / tensorflow and a few others).
binder/environment.yml leaves out `-e .`, so repo2docker installs this layer before it copies the
repository and can reuse it across commits; binder/postBuild installs utils.

Usage: .venv/bin/python scripts/write_environment.py UV
"""
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
CONDA_PYTHON = "3.11"
PYTHON_FULL = "3.11.9"  # any 3.11 patch release conda-forge ships (>= 3.11.5, a split in uv.lock)
# (sys_platform, platform_machine, marker text) for the platforms uv.lock covers
PLATFORMS = (
    ("linux", "x86_64", 'sys_platform == "linux" and platform_machine == "x86_64"'),
    ("linux", "aarch64", 'sys_platform == "linux" and platform_machine == "aarch64"'),
    ("darwin", "arm64", 'sys_platform == "darwin" and platform_machine == "arm64"'),
    ("win32", "AMD64", 'sys_platform == "win32" and platform_machine == "AMD64"'),
)
HEADER = """\
# {what}: Python {python} from conda-forge, then every package of uv.lock through pip.
# Generated from uv.lock by `make lock` (scripts/write_environment.py); do not edit.
# tests/test_environment.py checks that each line equals the locked version.
name: nn-training-labs
channels:
  - conda-forge
dependencies:
  - python={python}
  - pip
  - pip:
"""


def marker_env(platform, machine):
    return {"sys_platform": platform, "platform_machine": machine, "python_version": CONDA_PYTHON,
            "python_full_version": PYTHON_FULL, "platform_system": "", "os_name": "",
            "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def exported(uv):
    """uv.lock as requirement lines (all platforms, markers, no hashes)."""
    result = subprocess.run([str(uv), "export", "--frozen", "--no-emit-project", "--no-hashes",
                             "--no-header", "--no-annotate", "--format", "requirements.txt"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return [line.strip() for line in result.stdout.splitlines() if line.strip() and not line.startswith("#")]


def conda_line(line):
    """`name==version`, with a platform marker when it is not needed everywhere; None if never."""
    req = Requirement(line)
    where = [p for p in PLATFORMS if req.marker is None or req.marker.evaluate(marker_env(p[0], p[1]))]
    pin = f"{req.name}{req.specifier}"
    if not where:
        return None
    if len(where) == len(PLATFORMS):
        return pin
    return f"{pin}; " + " or ".join(f"({p[2]})" for p in where)


def render(lines, binder):
    what = "Binder (repo2docker) environment; binder/postBuild installs utils" if binder else "Conda environment"
    body = "".join(f"      - '{line}'\n" if ";" in line else f"      - {line}\n" for line in lines)
    return HEADER.format(what=what, python=CONDA_PYTHON) + body + ("" if binder else "      - -e .\n")


def main(uv):
    lines = sorted(filter(None, map(conda_line, exported(uv))), key=str.lower)
    (ROOT / "environment.yml").write_text(render(lines, binder=False))
    (ROOT / "binder").mkdir(exist_ok=True)
    (ROOT / "binder" / "environment.yml").write_text(render(lines, binder=True))
    print(f"wrote environment.yml and binder/environment.yml ({len(lines)} pins)")


if __name__ == "__main__":
    main(sys.argv[1])
