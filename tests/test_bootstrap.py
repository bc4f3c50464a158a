"""Set-up refuses an impossible machine in one clear line (no pip traceback)."""
import importlib.util
import sys
from collections import namedtuple
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "scripts" / "bootstrap.py")
bootstrap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bootstrap)


def one_line_failure(capsys, call):
    with pytest.raises(SystemExit) as stop:
        call()
    assert stop.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("setup: ") and "\n" not in err
    return err


def test_old_python_is_refused(monkeypatch, capsys):
    monkeypatch.setattr(sys, "version_info", (3, 9, 18, "final", 0))
    err = one_line_failure(capsys, bootstrap.check_python)
    assert "need Python 3.11 to 3.13" in err and "make PYTHON=python3.11" in err


def test_full_disk_is_refused(monkeypatch, capsys):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(bootstrap.shutil, "disk_usage", lambda _: usage(10e9, 9.7e9, 0.3e9))
    err = one_line_failure(capsys, bootstrap.check_disk)
    assert "only 0.3 GB free" in err


def test_unreachable_index_is_refused(monkeypatch, capsys):
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple/")  # nothing listens on port 9
    err = one_line_failure(capsys, bootstrap.check_network)
    assert "cannot reach the package index http://127.0.0.1:9/simple/" in err


def test_local_index_needs_no_network(monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", "file:///opt/wheels")
    bootstrap.check_network()  # returns quietly


def test_changed_requirements_make_the_environment_stale(tmp_path, monkeypatch):
    for name in bootstrap.INPUTS:
        (tmp_path / name).write_text("numpy==2.4.6\n")
    monkeypatch.setattr(bootstrap, "ROOT", tmp_path)
    monkeypatch.setattr(bootstrap, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(bootstrap, "STAMP", tmp_path / ".venv" / "stamp")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()
    bootstrap.STAMP.write_text(bootstrap.wanted_hash())
    assert bootstrap.is_current()
    (tmp_path / "requirements.txt").write_text("numpy==2.4.7\n")
    assert not bootstrap.is_current()
