"""Create or refresh .venv/ from uv.lock (called by `make lab`, `make test` and `make lock`).

Fast when nothing changed: it compares a hash of uv.lock, pyproject.toml and the Python with the one
stored at the last successful install. Otherwise it gets the locked version of uv with pip (into
build/tools/, checked against the hashes in uv.lock), refuses a lock that is out of date with
pyproject.toml, and installs exactly the locked packages plus `utils` (editable).
Every problem that makes set-up impossible ends in one line saying what to do; uv.lock and the
other tracked files are never written (only .venv/ and build/, both git-ignored).

Keep this file parseable by old Pythons (no newer syntax), so that they reach check_python.
"""
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-lock.sha256"
LOCK = ROOT / "uv.lock"
TOOLS = ROOT / "build" / "tools"
LOG = ROOT / "build" / "setup.log"
SUPPORTED = ((3, 11), (3, 13))  # TensorFlow 2.21 and NumPy 2.4 wheels; requires-python in pyproject.toml
# The platforms uv.lock covers (pyproject.toml, [tool.uv] environments): (sys.platform, machine).
PLATFORMS = (("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "arm64"), ("win32", "AMD64"))
NEEDED_DISK_GB = 4.0
INPUTS = ("uv.lock", "pyproject.toml")
PYPI = "https://pypi.org/simple"
# Index settings a user may have exported; uv must not see them when it checks or reads the lock.
UV_INDEX_VARS = ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_INDEX", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS")


def fail(message):
    print("setup: " + message, file=sys.stderr)
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


# --- the machine -------------------------------------------------------------------------------

def check_python():
    (low_major, low_minor), (high_major, high_minor) = SUPPORTED
    wanted = f"{low_major}.{low_minor} to {high_major}.{high_minor}"
    if not SUPPORTED[0] <= tuple(sys.version_info[:2]) <= SUPPORTED[1]:
        fail(f"Python {sys.version.split()[0]} cannot run the pinned packages, which need Python {wanted}. "
             "Install Python 3.11 and run: make PYTHON=python3.11 lab")
    kind = f"{platform.python_implementation()} {platform.architecture()[0]}"
    if platform.python_implementation() != "CPython" or sys.maxsize <= 2**32:
        fail(f"{sys.executable} is a {kind} Python; the locked packages need 64-bit CPython {wanted}. "
             "Install it and run: make PYTHON=/path/to/python3.11 lab")


def check_platform():
    here = f"{sys.platform} {platform.machine()}"
    if (sys.platform, platform.machine()) not in PLATFORMS:
        names = ", ".join(f"{system} {machine}" for system, machine in PLATFORMS)
        fail(f"uv.lock covers {names}, not {here}. Use Binder or Colab (README), or conda: "
             "conda env create -f environment.yml")


def check_disk():
    free_gb = shutil.disk_usage(ROOT).free / 1e9
    if free_gb < NEEDED_DISK_GB:
        fail(f"only {free_gb:.1f} GB free on the disk holding {ROOT}; the environment needs about "
             f"{NEEDED_DISK_GB:.0f} GB (TensorFlow alone is 1.3 GB). Free some space and try again.")


# --- the package index -------------------------------------------------------------------------

def pip_index():
    """pip's configured index (PIP_INDEX_URL or pip config), or None."""
    url = os.environ.get("PIP_INDEX_URL")
    for key in ("global.index-url", "install.index-url"):
        if url:
            break
        result = subprocess.run([sys.executable, "-m", "pip", "config", "get", key],
                                capture_output=True, text=True)
        url = result.stdout.strip() if result.returncode == 0 else ""
    return url or None


def mirror():
    """The index to install from when it is not PyPI (uv's own setting first, then pip's), or None."""
    url = os.environ.get("UV_DEFAULT_INDEX") or os.environ.get("UV_INDEX_URL") or pip_index()
    if not url or url.rstrip("/") == PYPI:
        return None
    return url


def index_url():
    return mirror() or PYPI + "/"


def check_network():
    url = index_url()
    if url.startswith("file:"):
        return
    try:
        urllib.request.urlopen(urllib.request.Request(url.rstrip("/") + "/pip/", method="HEAD"),
                               timeout=15)
    except Exception as exc:  # any failure means pip and uv would fail too
        fail(f"cannot reach the package index {url} ({type(exc).__name__}); set-up needs the "
             "network once to install the packages. Connect and run the command again.")


# --- uv ------------------------------------------------------------------------------------------

def locked_package(name):
    """The [[package]] entry of uv.lock for name (tomllib: Python 3.11+, checked before)."""
    import tomllib

    with open(LOCK, "rb") as f:
        lock = tomllib.load(f)
    for package in lock["package"]:
        if package["name"] == name:
            return package
    fail(f"uv.lock has no `{name}` entry; run `make lock` and commit uv.lock")


def uv_requirement():
    """`uv==X --hash=...` for every wheel of the locked uv, for pip --require-hashes."""
    package = locked_package("uv")
    hashes = " ".join("--hash=" + wheel["hash"] for wheel in package["wheels"])
    return package["version"], f"uv=={package['version']} {hashes}\n"


def uv_path(version):
    base = TOOLS / f"uv-{version}"
    return base / ("Scripts/uv.exe" if os.name == "nt" else "bin/uv")


def ensure_uv():
    """The locked uv, installed with pip into build/tools/ once (pip uses its own index config)."""
    version, requirement = uv_requirement()
    path = uv_path(version)
    if path.exists():
        return path
    check_network()
    print(f"setup: getting uv {version} with pip")
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "uv.txt"
        req.write_text(requirement)
        run_quiet([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                   "--no-deps", "--require-hashes", "--target", path.parents[1], "-r", req],
                  f"installing uv {version} with pip")
    return path


def uv_env():
    """The environment for uv: no exported index settings, no Python downloads, our .venv."""
    env = {k: v for k, v in os.environ.items() if k not in UV_INDEX_VARS}
    env.update(UV_PYTHON_DOWNLOADS="never", UV_PROJECT_ENVIRONMENT=str(VENV), UV_NO_PROGRESS="1")
    return env


def run_quiet(args, what, env=None):
    """Run a command with its output in build/setup.log; on failure say why in one line."""
    args = [str(a) for a in args]
    LOG.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
    with open(LOG, "a") as log:
        log.write("$ " + " ".join(args) + "\n" + result.stdout + result.stderr + "\n")
    if result.returncode != 0:
        fail(f"{what} failed: {first_error(result.stderr)} (full output: {LOG.relative_to(ROOT)})")
    return result


def first_error(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.lower().startswith("error"):
            return line
    return lines[-1] if lines else "no message"


def check_lock(uv):
    """Refuse a uv.lock that no longer matches pyproject.toml (offline; the lock is not written)."""
    result = subprocess.run([str(uv), "lock", "--check", "--offline", "--python", sys.executable],
                            capture_output=True, text=True, env=uv_env(), cwd=ROOT)
    if result.returncode != 0:
        fail("uv.lock is out of date with pyproject.toml; run `make lock` and commit uv.lock")


def setup_groups():
    """uv's options for the dependency groups to install: `[tool.labs] setup-groups` in pyproject.toml.

    Absent (this repository): uv's default groups, the labs and the test tools. The class repository
    (scripts/release.py) sets ["labs"], so a student's .venv holds the labs' packages only.
    """
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as f:
        groups = tomllib.load(f).get("tool", {}).get("labs", {}).get("setup-groups")
    if groups is None:
        return []
    return ["--no-default-groups"] + [option for group in groups for option in ("--group", group)]


def sync(uv):
    """Install exactly the locked packages (of the set-up groups) and `utils` (editable) into .venv/."""
    index = mirror()
    groups = setup_groups()
    if index is None:
        run_quiet([uv, "sync", "--locked", *groups, "--python", sys.executable], "installing from uv.lock",
                  uv_env())
        return
    # `uv sync` downloads from the URLs written in uv.lock; through a mirror, export the lock
    # (versions and hashes) and install that from the mirror instead.
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "locked.txt"
        run_quiet([uv, "export", "--frozen", "--no-emit-project", *groups, "--format", "requirements.txt",
                   "-o", req], "exporting uv.lock", uv_env())
        if not venv_python().exists():
            run_quiet([uv, "venv", "--python", sys.executable, VENV], "creating .venv", uv_env())
        target = ["--python", venv_python(), "--default-index", index]
        run_quiet([uv, "pip", "sync", *target, "--require-hashes", req], f"installing uv.lock from {index}",
                  uv_env())
        run_quiet([uv, "pip", "install", *target, "--no-deps", "-e", ROOT], "installing utils", uv_env())


def lock():
    """`make lock`: re-resolve uv.lock from pyproject.toml against PyPI (the only writer of uv.lock)."""
    check_python()
    uv = ensure_uv()
    check_network()
    sys.exit(subprocess.run([str(uv), "lock", "--python", sys.executable], env=uv_env(), cwd=ROOT).returncode)


def main():
    if "--lock" in sys.argv[1:]:
        return lock()
    if "--uv" in sys.argv[1:]:  # print the path of the locked uv (for scripts/test_latest.py)
        check_python()
        return print(ensure_uv())
    if is_current():
        return
    check_python()
    check_platform()
    check_disk()
    uv = ensure_uv()
    check_lock(uv)
    check_network()
    print(f"setup: installing the locked packages into {VENV.name}/ (a few minutes the first time)")
    if STAMP.exists():
        STAMP.unlink()
    sync(uv)
    STAMP.write_text(wanted_hash() + "\n")
    print("setup: environment ready")


if __name__ == "__main__":
    main()
