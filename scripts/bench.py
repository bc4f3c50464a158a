"""Benchmark: fresh-kernel Restart & Run All time of each lab against the kernel-ready floor.

    python scripts/bench.py [labs/NN_name.ipynb ...]    (default: every lab)

The floor is a fresh kernel plus `import tensorflow` and `import utils`: what every lab pays
before its first line of teaching. Each figure is the median of REPEATS runs. The table is
printed and written to build/bench.json. Nothing in labs/ is modified.
"""
import json
import statistics
import sys

import nbformat
from labrun import ROOT, execute, lab_paths

REPEATS = 3
FLOOR_CODE = "import utils\nutils.setup_lab(quiet=True)\nimport tensorflow as tf"


def median_time(make_nb, repeats=REPEATS):
    return statistics.median(execute(make_nb()) for _ in range(repeats))


def floor_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_CODE)]
    return nb


def main(names):
    floor = median_time(floor_notebook, repeats=REPEATS + 2)
    rows = [{"lab": "kernel-ready floor", "median_s": round(floor, 2), "ratio": 1.0}]
    print(f"{'lab':<36} {'median (s)':>10} {'x floor':>8}")
    print(f"{'kernel-ready floor':<36} {floor:>10.1f} {1.0:>8.2f}")
    for path in lab_paths(names):
        seconds = median_time(lambda p=path: nbformat.read(p, as_version=4))
        rows.append({"lab": path.name, "median_s": round(seconds, 2), "ratio": round(seconds / floor, 2)})
        print(f"{path.name:<36} {seconds:>10.1f} {seconds / floor:>8.2f}")
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"repeats": REPEATS, "results": rows}, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
