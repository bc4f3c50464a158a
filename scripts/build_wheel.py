"""Build the `utils` wheel the way `pip install <repository>` builds it, from a copy of the sources.

    python scripts/build_wheel.py [OUT_DIR]        (default build/dist/)

The copy holds only what the build reads (pyproject.toml and utils/), so the wheel cannot lean on
anything else in the checkout, and the build writes no build/ or *.egg-info into the work tree.
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = "nn-training-labs-utils"


def copy_sources(dest):
    """pyproject.toml and the utils package (no caches) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(ROOT / "utils", dest / "utils", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def build_wheel(out_dir, python=sys.executable, isolation=None):
    """Build the wheel into out_dir and return its path.

    isolation=None builds without an isolated environment when `python` has setuptools (offline,
    a few seconds), and with one (pip fetches setuptools, as Colab's pip does) otherwise.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if isolation is None:
        has_setuptools = subprocess.run([python, "-c", "import setuptools"], capture_output=True).returncode == 0
        isolation = not has_setuptools
    with tempfile.TemporaryDirectory(prefix="utils-wheel-") as tmp:
        src = Path(tmp) / "src"
        copy_sources(src)
        command = [python, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out_dir), str(src)]
        if not isolation:
            command.insert(4, "--no-build-isolation")
        result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"building the utils wheel failed: {last}")
    wheels = sorted(out_dir.glob(DIST.replace("-", "_") + "-*.whl"), key=lambda p: p.stat().st_mtime)
    if not wheels:
        raise RuntimeError(f"pip reported success but left no {DIST} wheel in {out_dir}")
    return wheels[-1]


if __name__ == "__main__":
    print(build_wheel(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "dist"))
