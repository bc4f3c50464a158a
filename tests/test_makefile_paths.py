"""The two Makefiles (this repository's and the class repository's) on Linux/macOS and on Windows:
the environment's Python under bin/ or Scripts/, and JupyterLab started through it (`make -n` only)."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKEFILES = {"repository": ROOT / "Makefile", "class repository": ROOT / "grading" / "STUDENT_MAKEFILE"}


def planned(makefile, tmp_path, *variables):
    """The commands `make lab` would run with this Makefile, without running them."""
    shutil.copy(makefile, tmp_path / "Makefile")
    done = subprocess.run(["make", "-n", "lab", *variables], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", MAKEFILES)
def test_windows_uses_scripts_python(name, tmp_path):
    commands = planned(MAKEFILES[name], tmp_path, "OS=Windows_NT")
    assert ".venv/Scripts/python.exe -m jupyter lab" in commands
    assert ".venv/bin" not in commands and "--allow-root" not in commands
    assert "\npython scripts/bootstrap.py" in "\n" + commands  # Windows' Python is called python


@pytest.mark.parametrize("name", MAKEFILES)
def test_linux_and_macos_use_bin_python(name, tmp_path):
    commands = planned(MAKEFILES[name], tmp_path)
    assert ".venv/bin/python -m jupyter lab" in commands and "Scripts" not in commands
    assert "python3 scripts/bootstrap.py" in commands
