"""Create or refresh the project environment in .venv/ (called by `make lab` and `make test`).

Fast when nothing changed: it compares a hash of requirements.txt and pyproject.toml with the one
stored at the last successful install. Problems that make set-up impossible are reported in one
line each, with what to do, instead of a long pip error.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-requirements.sha256"
SUPPORTED = ((3, 11), (3, 13))  # TensorFlow 2.21 and NumPy 2.4 wheels
NEEDED_DISK_GB = 4.0
INPUTS = ("requirements.txt", "pyproject.toml")


def fail(message):
    print(f"setup: {message}", file=sys.stderr)
    sys.exit(1)


def venv_python():
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def wanted_hash():
    digest = hashlib.sha256()
    for name in INPUTS:
        digest.update((ROOT / name).read_bytes())
    digest.update(sys.version.split()[0].encode())
    return digest.hexdigest()


def is_current():
    return venv_python().exists() and STAMP.exists() and STAMP.read_text().strip() == wanted_hash()


def check_python():
    low, high = SUPPORTED
    if not low <= sys.version_info[:2] <= high:
        fail(f"Python {sys.version.split()[0]} cannot run the pinned packages, which need Python "
             f"{low[0]}.{low[1]} to {high[0]}.{high[1]}. Install Python 3.11 and run: "
             "make PYTHON=python3.11 lab")


def check_disk():
    free_gb = shutil.disk_usage(ROOT).free / 1e9
    if free_gb < NEEDED_DISK_GB:
        fail(f"only {free_gb:.1f} GB free on the disk holding {ROOT}; the environment needs about "
             f"{NEEDED_DISK_GB:.0f} GB (TensorFlow alone is 1.3 GB). Free some space and try again.")


def index_url():
    url = os.environ.get("PIP_INDEX_URL")
    if not url:
        result = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                                capture_output=True, text=True)
        url = result.stdout.strip() if result.returncode == 0 else ""
    return url or "https://pypi.org/simple/"


def check_network():
    url = index_url()
    if url.startswith("file:"):
        return
    try:
        urllib.request.urlopen(urllib.request.Request(url.rstrip("/") + "/pip/", method="HEAD"),
                               timeout=15)
    except Exception as exc:  # any failure means pip would fail too
        fail(f"cannot reach the package index {url} ({type(exc).__name__}); set-up needs the "
             "network once to install the packages. Connect and run the command again.")


def run(*args):
    result = subprocess.run([str(a) for a in args])
    if result.returncode != 0:
        fail(f"`{' '.join(str(a) for a in args[:4])} ...` failed (exit {result.returncode}); "
             "see the messages above.")


def main():
    if is_current():
        return
    check_python()
    check_disk()
    check_network()
    print(f"setup: installing the pinned packages into {VENV.name}/ (a few minutes, once)")
    if not venv_python().exists():
        run(sys.executable, "-m", "venv", VENV)
    run(venv_python(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-r", ROOT / "requirements.txt")
    run(venv_python(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-deps", "-e", ROOT)
    STAMP.write_text(wanted_hash() + "\n")
    print("setup: environment ready")


if __name__ == "__main__":
    main()
