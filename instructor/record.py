"""Record what the students' checks compare with: utils/expected/<lab>.json from the references.

    python -m instructor.record [LAB ...]            write every lab's file (or the named labs')
    python -m instructor.record --check [LAB ...]    exit 1 if a file differs from a fresh recording

Each instructor/references/lab<NN>.py with a `record()` function gives its lab's entries; the file is
named after the lab's file stem. Values are compared with a tolerance (1e-9), since a reference that
calls TensorFlow may round differently on another CPU.
"""
import argparse
import importlib
import json
import pkgutil
import sys
from pathlib import Path

import numpy as np

import instructor.references

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "utils" / "expected"
LABS = {path.stem[:2]: path.stem for path in (ROOT / "labs").glob("[0-9][0-9]_*.ipynb")}


def recorders():
    """{lab stem: record function} of every reference module that has one."""
    found = {}
    for module in pkgutil.iter_modules(instructor.references.__path__):
        if module.name.startswith("lab"):
            loaded = importlib.import_module(f"instructor.references.{module.name}")
            if hasattr(loaded, "record"):
                found[LABS[module.name[3:5]]] = loaded.record
    return found


def plain(value):
    """A recorded value as JSON: arrays and NumPy numbers become lists and Python numbers, and nan
    and ±inf (a mistake's result may hold them) the strings "nan", "inf", "-inf"."""
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    return value


def same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return bool(np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
    return a == b


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("labs", nargs="*", help="lab file stems, e.g. 03_softmax (default: every lab)")
    args = parser.parse_args(argv)
    found = recorders()
    unknown = set(args.labs) - set(found)
    if unknown:
        parser.error(f"no recorder for {', '.join(sorted(unknown))}; labs with one: {', '.join(sorted(found))}")
    stale = []
    for lab, record in sorted(found.items()):
        if args.labs and lab not in args.labs:
            continue
        fresh = plain(record())
        path = OUT / f"{lab}.json"
        if args.check:
            stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
            if stored is None or not same(stored, fresh):
                stale.append(lab)
            continue
        OUT.mkdir(exist_ok=True)
        path.write_text(json.dumps(fresh, indent=1, allow_nan=False) + "\n", encoding="utf-8")
        print(f"record: {path.relative_to(ROOT)}")
    if stale:
        print(f"record: utils/expected/ differs from the references for {', '.join(stale)}: "
              "run `python -m instructor.record`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
