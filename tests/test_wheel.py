"""`utils` works as a regular installed package: a wheel built from the repository, no checkout.

Builds the wheel (no isolated build environment when setuptools is at hand: a few seconds, offline),
installs it with --no-deps into a throwaway target folder, and loads every data set from a Python
whose working directory is an empty folder.
"""
import importlib.util
import os
import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from utils import data

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_wheel", ROOT / "scripts" / "build_wheel.py")
build_wheel = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_wheel)

LOAD_EVERYTHING = """
import pathlib, sys
import utils
from utils import data
site = pathlib.Path(sys.argv[1]).resolve()
assert pathlib.Path(utils.__file__).resolve().is_relative_to(site), f"utils imported from {utils.__file__}"
for name in data.CHECKSUMS:
    assert data.load_csv(name).size > 0, name
X, y = data.load_coffee()
size, price = data.load_house_prices()
images, labels = data.load_digits_images()
assert X.shape == (200, 2) and size.shape == (100,) and images.shape == (1797, 8, 8)
print("loaded", len(data.CHECKSUMS), "files from", pathlib.Path(data.DATA_DIR).relative_to(site))
from utils import expectations
for lab in sys.argv[2:]:
    assert expectations.expected(lab, next(iter(expectations._load(lab)))), lab
print("recorded expectations of", len(sys.argv) - 2, "labs")
"""


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory):
    return build_wheel.build_wheel(tmp_path_factory.mktemp("dist"))


def test_wheel_carries_the_data_files_and_loose_dependencies(built_wheel):
    with zipfile.ZipFile(built_wheel) as archive:
        names = set(archive.namelist())
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    for name in data.CHECKSUMS:
        assert f"utils/data_files/{name}" in names, f"the wheel lacks utils/data_files/{name}"
    assert "utils/labs.mplstyle" in names
    requires = metadata.get_all("Requires-Dist") or []
    assert not [r for r in requires if "==" in r], f"pinned dependencies would swap Colab's packages: {requires}"
    names = [re.match(r"[A-Za-z0-9_.-]+", r).group().lower() for r in requires]
    assert not [n for n in names if n.startswith(("tensorflow", "keras"))], (
        f"TensorFlow/Keras must not be dependencies (either TensorFlow wheel provides them): {requires}")


def test_installed_wheel_loads_every_data_set_from_an_empty_folder(built_wheel, tmp_path):
    site, empty = tmp_path / "site", tmp_path / "empty"
    empty.mkdir()
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--no-index",
                              "--target", str(site), str(built_wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    labs = sorted(p.stem for p in (ROOT / "utils" / "expected").glob("*.json"))
    assert len(labs) == 8
    run = subprocess.run([sys.executable, "-c", LOAD_EVERYTHING, str(site), *labs], cwd=empty, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert f"loaded {len(data.CHECKSUMS)} files from utils/data_files" in run.stdout
    assert "recorded expectations of 8 labs" in run.stdout
