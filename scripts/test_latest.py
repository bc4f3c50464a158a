"""Drift run (`make test-latest`): the newest release of every dependency, in build/latest-venv/.

Same package names and markers as pyproject.toml's [dependency-groups], no pins. Prints which
versions differ from uv.lock, runs the unit tests, then executes every lab (outputs are not
compared): a lab passes when no cell raises (so every assert in it holds) and no output carries
stderr or warning text. Exit status 0 only if everything passed. Not part of `make test`.

    .venv/bin/python scripts/test_latest.py
"""
import subprocess
import sys
import tomllib

import bootstrap
from bootstrap import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

VENV = ROOT / "build" / "latest-venv"
PYTHON = VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
# tests about the pinned environment itself, which the newest releases cannot satisfy
PINNED_ONLY = ()


def unpinned_requirements():
    """Every line of the default dependency groups (the labs and their tests) with its version pin
    dropped and its marker kept; `{include-group = ...}` entries name groups listed anyway."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    groups = pyproject["dependency-groups"]
    lines = []
    for line in (x for name in pyproject["tool"]["uv"]["default-groups"] for x in groups[name] if isinstance(x, str)):
        req = Requirement(line)
        lines.append(req.name + (f"; {req.marker}" if req.marker else ""))
    return lines


def build(uv):
    """A fresh build/latest-venv with the newest releases and utils (editable)."""
    index = ["--default-index", bootstrap.mirror()] if bootstrap.mirror() else []
    env = bootstrap.uv_env()
    subprocess.run([uv, "venv", "--quiet", "--clear", "--python", sys.executable, VENV], env=env, check=True)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", PYTHON, "--upgrade", *index,
                    *unpinned_requirements(), "-e", ROOT], env=env, check=True, cwd=ROOT)


def versions(lines):
    """{name: version} from `name==version` lines (pip freeze or uv export style)."""
    pairs = (line.split(";")[0].strip().split("==") for line in lines if "==" in line)
    return {canonicalize_name(name): version for name, version in pairs}


def locked_here(uv):
    """{name: version} uv.lock installs on this machine."""
    out = subprocess.run([uv, "export", "--frozen", "--no-hashes", "--no-header", "--no-annotate",
                          "--no-emit-project"], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    here = [x for x in out.splitlines() if ";" not in x or Requirement(x).marker.evaluate()]
    return versions(here)


def report_drift(uv):
    latest = versions(subprocess.run([uv, "pip", "freeze", "--python", PYTHON], capture_output=True,
                                     text=True, check=True).stdout.splitlines())
    locked = locked_here(uv)
    changed = sorted(n for n in set(latest) | set(locked) if latest.get(n) != locked.get(n))
    print(f"test-latest: {len(changed)} of {len(locked)} locked packages differ from uv.lock")
    for name in changed:
        print(f"  {name}: {locked.get(name, '-')} (lock) -> {latest.get(name, '-')} (latest)")
    return {n: latest[n] for n in changed if n in latest}


def unit_tests():
    deselect = [arg for test in PINNED_ONLY for arg in ("--deselect", test)]
    return subprocess.run([PYTHON, "-m", "pytest", "-q", "-n", "2", "-m", "not browser", *deselect, "tests"],
                          cwd=ROOT).returncode == 0


def labs():
    return subprocess.run([PYTHON, ROOT / "scripts" / "labcheck.py"], cwd=ROOT).returncode == 0


def main():
    uv = bootstrap.ensure_uv()
    bootstrap.check_network()
    print(f"test-latest: building {VENV.relative_to(ROOT)} from the newest releases")
    build(uv)
    report_drift(uv)
    results = {"unit tests": unit_tests(), "labs": labs()}
    for what, ok in results.items():
        print(f"test-latest: {what} {'passed' if ok else 'FAILED'}")
    sys.exit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
