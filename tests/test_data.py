"""Offline data: checksums verified, shapes as documented, README in step with the code."""
import shutil
from pathlib import Path

import numpy as np
import pytest

from utils import data

ROOT = Path(__file__).resolve().parents[1]


def test_every_file_matches_its_checksum_and_is_in_the_readme():
    readme = (ROOT / "data" / "README.md").read_text()
    for name, digest in data.CHECKSUMS.items():
        assert data.sha256(ROOT / "utils" / "data_files" / name) == digest, name
        assert f"`{name}`" in readme and digest in readme, f"data/README.md must list {name} and its SHA-256"


def test_data_files_live_in_the_package_and_nowhere_else():
    assert data.DATA_DIR == ROOT / "utils" / "data_files"
    shipped = {p.name for p in data.DATA_DIR.iterdir() if not p.name.startswith(".")}
    assert shipped == set(data.CHECKSUMS), "every file in utils/data_files/ needs a checksum in utils/data.py"
    assert not list((ROOT / "data").glob("*.csv")), "data files belong in utils/data_files/ (the wheel carries them)"
    assert "utils/data_files/" in (ROOT / "data" / "README.md").read_text()


def test_loaders_shapes():
    X, y = data.load_coffee()
    assert X.shape == (200, 2) and set(np.unique(y)) == {0.0, 1.0}
    size, price = data.load_house_prices()
    assert size.shape == price.shape == (100,)
    Xd, yd = data.load_digits_binary()
    assert Xd.shape[1] == 64 and 0 <= Xd.min() and Xd.max() <= 1 and set(np.unique(yd)) == {0.0, 1.0}


def test_tampered_file_is_refused(tmp_path):
    shutil.copy(data.DATA_DIR / "house_prices.csv", tmp_path / "house_prices.csv")
    with open(tmp_path / "house_prices.csv", "a") as f:
        f.write("1.0,1.0\n")
    with pytest.raises(ValueError, match="was changed"):
        data.load_csv("house_prices.csv", data_dir=tmp_path)


def test_missing_and_unknown_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="git checkout"):
        data.load_csv("house_prices.csv", data_dir=tmp_path)
    with pytest.raises(KeyError, match="known files"):
        data.load_csv("nope.csv")


def test_digits_pair_validation():
    with pytest.raises(ValueError, match="two different digits"):
        data.load_digits_binary(3, 3)
