"""Set-up installs from uv.lock and refuses an impossible machine in one clear line (no pip or uv
traceback), without modifying the repository."""
import importlib.util
import shutil
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "scripts" / "bootstrap.py")
bootstrap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bootstrap)
UV = bootstrap.uv_path(bootstrap.uv_requirement()[0])
needs_uv = pytest.mark.skipif(not UV.exists(), reason="the locked uv is installed by `make setup`")


def one_line_failure(capsys, call):
    with pytest.raises(SystemExit) as stop:
        call()
    assert stop.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("setup: ") and "\n" not in err
    return err


def one_line_refusal(result):
    err = result.stderr.strip()
    assert result.returncode != 0 and err.startswith("setup: ") and "Traceback" not in err, err
    return err.splitlines()[0]


@pytest.fixture
def no_index_env(monkeypatch):
    for name in ("PIP_INDEX_URL", *bootstrap.UV_INDEX_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(bootstrap, "pip_index", lambda: bootstrap.os.environ.get("PIP_INDEX_URL"))
    return monkeypatch


def test_old_python_is_refused(monkeypatch, capsys):
    monkeypatch.setattr(sys, "version_info", (3, 9, 18, "final", 0))
    err = one_line_failure(capsys, bootstrap.check_python)
    assert "need Python 3.11 to 3.13" in err and "make PYTHON=python3.11" in err


def test_foreign_python_is_refused(monkeypatch, capsys):
    monkeypatch.setattr(bootstrap.platform, "python_implementation", lambda: "PyPy")
    err = one_line_failure(capsys, bootstrap.check_python)
    assert "PyPy" in err and "64-bit CPython" in err


def test_32_bit_python_is_refused(monkeypatch, capsys):
    monkeypatch.setattr(bootstrap.sys, "maxsize", 2**31 - 1)
    err = one_line_failure(capsys, bootstrap.check_python)
    assert "64-bit CPython" in err


@pytest.mark.parametrize("platform,machine", [("darwin", "x86_64"), ("linux", "armv7l"), ("win32", "ARM64")])
def test_platform_outside_the_lock_is_refused(monkeypatch, capsys, platform, machine):
    monkeypatch.setattr(bootstrap.sys, "platform", platform)
    monkeypatch.setattr(bootstrap.platform, "machine", lambda: machine)
    err = one_line_failure(capsys, bootstrap.check_platform)
    assert f"not {platform} {machine}" in err and "environment.yml" in err


def test_locked_platforms_match_pyproject():
    text = (ROOT / "pyproject.toml").read_text()
    for platform, machine in bootstrap.PLATFORMS:
        assert f"sys_platform == '{platform}' and platform_machine == '{machine}'" in text


def test_full_disk_is_refused(monkeypatch, capsys):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(bootstrap.shutil, "disk_usage", lambda _: usage(10e9, 9.7e9, 0.3e9))
    err = one_line_failure(capsys, bootstrap.check_disk)
    assert "only 0.3 GB free" in err


def test_unreachable_index_is_refused(no_index_env, capsys):
    no_index_env.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple/")  # nothing listens on port 9
    err = one_line_failure(capsys, bootstrap.check_network)
    assert "cannot reach the package index http://127.0.0.1:9/simple/" in err


def test_local_index_needs_no_network(no_index_env):
    no_index_env.setenv("PIP_INDEX_URL", "file:///opt/wheels")
    bootstrap.check_network()  # returns quietly


def test_pips_mirror_is_passed_to_uv(no_index_env):
    assert bootstrap.mirror() is None
    no_index_env.setenv("PIP_INDEX_URL", "https://pypi.org/simple/")
    assert bootstrap.mirror() is None  # PyPI itself: plain `uv sync --locked`
    no_index_env.setenv("PIP_INDEX_URL", "https://mirror.example/simple")
    assert bootstrap.mirror() == "https://mirror.example/simple"
    no_index_env.setenv("UV_DEFAULT_INDEX", "https://uv-mirror.example/simple")
    assert bootstrap.mirror() == "https://uv-mirror.example/simple"


def test_uv_never_sees_exported_index_settings(monkeypatch):
    monkeypatch.setenv("UV_INDEX_URL", "https://mirror.example/simple")
    env = bootstrap.uv_env()
    assert "UV_INDEX_URL" not in env and env["UV_PYTHON_DOWNLOADS"] == "never"


def test_uv_is_installed_with_the_locked_hashes():
    version, requirement = bootstrap.uv_requirement()
    assert requirement.startswith(f"uv=={version} --hash=sha256:") and requirement.count("--hash=") >= 4


def test_changed_lock_makes_the_environment_stale(tmp_path, monkeypatch):
    for name in bootstrap.INPUTS:
        (tmp_path / name).write_text("numpy==2.4.6\n")
    monkeypatch.setattr(bootstrap, "ROOT", tmp_path)
    monkeypatch.setattr(bootstrap, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(bootstrap, "STAMP", tmp_path / ".venv" / "stamp")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()
    bootstrap.STAMP.write_text(bootstrap.wanted_hash())
    assert bootstrap.is_current()
    (tmp_path / "uv.lock").write_text("numpy==2.4.7\n")
    assert not bootstrap.is_current()


def copy_of_project(tmp_path):
    """The files set-up reads, in a scratch folder, with the already installed uv."""
    for name in ("pyproject.toml", "uv.lock", "scripts/bootstrap.py", "utils/__init__.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "tools").symlink_to(bootstrap.TOOLS)
    return tmp_path


@needs_uv
def test_current_lock_passes_the_check():
    bootstrap.check_lock(UV)


@needs_uv
def test_stale_lock_is_refused_and_nothing_is_modified(tmp_path):
    project = copy_of_project(tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"sympy==1.14.0"', '"sympy==1.13.3"'))
    before = {p: p.read_bytes() for p in (pyproject, project / "uv.lock")}
    result = subprocess.run([sys.executable, project / "scripts" / "bootstrap.py"], capture_output=True, text=True)
    assert "uv.lock is out of date with pyproject.toml; run `make lock`" in one_line_refusal(result)
    assert {p: p.read_bytes() for p in before} == before
    assert not (project / ".venv").exists()


def test_missing_python_is_refused_by_make():
    result = subprocess.run(["make", "-s", "setup", "PYTHON=/nonexistent/python3"], cwd=ROOT,
                            capture_output=True, text=True)
    assert "setup: no Python 3 at '/nonexistent/python3'" in one_line_refusal(result)


def old_python():
    """A Python 3.8 or 3.9 that runs here (pyenv shims may exist without one), or None."""
    for name in ("python3.9", "python3.8"):
        path = shutil.which(name)
        if path and subprocess.run([path, "-c", "pass"], capture_output=True).returncode == 0:
            return path
    return None


OLD_PYTHON = old_python()


@pytest.mark.skipif(OLD_PYTHON is None, reason="no Python 3.8 or 3.9 on this machine")
def test_old_python_is_refused_end_to_end(tmp_path):
    result = subprocess.run([OLD_PYTHON, copy_of_project(tmp_path) / "scripts" / "bootstrap.py"],
                            capture_output=True, text=True)
    assert "cannot run the pinned packages" in one_line_refusal(result)
