"""Offline data for the labs. Nothing here downloads: the files are checked by SHA-256.

The CSV files live inside the package, in utils/data_files/, so they travel with an installed
wheel (Colab, a JupyterHub image) as well as with a checkout. The folder is not named data/:
that would shadow this module's name, utils.data. Provenance and checksums: data/README.md.
"""
import hashlib
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data_files"

# file name -> SHA-256; data/README.md lists the same (tests/test_data.py keeps them in step)
CHECKSUMS = {
    "coffee_roasting.csv": "3a1d02cff54c26c8ae8c2de40fba616bdcd1b2b0ce728844478a63a0d054002f",
    "house_prices.csv": "8fe4f731efec01502031349fb31cc9b75f41e312509c55b741cff6f0a8748708",
}


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _restore_hint(name):
    """How to get a file back: git in a checkout, a reinstall where the package was installed."""
    return (f"In a checkout, restore it with `git checkout -- utils/data_files/{name}`; elsewhere reinstall "
            "the package (`pip install --force-reinstall --no-deps` from the wheel or repository it came from)")


def load_csv(name, data_dir=DATA_DIR):
    """Load utils/data_files/<name> as a float array after verifying its checksum."""
    if name not in CHECKSUMS:
        raise KeyError(f"unknown data file {name!r}; known files: {sorted(CHECKSUMS)}")
    path = Path(data_dir) / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing. {_restore_hint(name)}")
    digest = sha256(path)
    if digest != CHECKSUMS[name]:
        raise ValueError(f"{path} has SHA-256 {digest[:12]}..., expected {CHECKSUMS[name][:12]}...: "
                         f"the file was changed. {_restore_hint(name)}")
    return np.loadtxt(path, delimiter=",", skiprows=1, dtype="float32", ndmin=2)


def load_coffee():
    """Coffee roasting: X (200, 2) = temperature in Celsius, duration in minutes; y (200,) good roast."""
    table = load_csv("coffee_roasting.csv")
    return table[:, :2], table[:, 2]


def load_house_prices():
    """House prices: x (100,) floor area in 1000 sq ft, y (100,) price in 1000 $."""
    table = load_csv("house_prices.csv")
    return table[:, 0], table[:, 1]


def load_digits_images():
    """scikit-learn's bundled UCI digits: images (1797, 8, 8) with values 0-16, labels (1797,)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images.astype("float32"), digits.target.astype("int64")


def load_digits_binary(first=0, second=1):
    """Only the digits `first` and `second`: X (n, 64) scaled to [0, 1], y (n,) 1 where digit == second."""
    images, labels = load_digits_images()
    if first == second or not {first, second} <= set(range(10)):
        raise ValueError(f"first and second must be two different digits 0-9, got {first} and {second}")
    keep = (labels == first) | (labels == second)
    X = images[keep].reshape(-1, 64) / 16.0
    y = (labels[keep] == second).astype("float32")
    return X, y
