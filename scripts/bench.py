"""Benchmark: fresh-kernel Restart & Run All time of each lab against the kernel-ready floor.

    python scripts/bench.py [labs/NN_name.ipynb ...]    (default: every lab)

The floor is a fresh kernel plus `import tensorflow` and `import utils`: what every lab pays
before its first line of teaching. Each figure is the median of REPEATS runs. Then one more run
moves every control of every live figure FRAME_STEPS times and times each redraw in the kernel
(drawing plus PNG, `utils.widgets.frame_times`): the median and 95th percentile per lab. The table
is printed and written to build/bench.json, with the median slider-to-image time a student waits
in a real browser per lab when the browser suite has recorded it (build/browser-latency.json,
written by `make test-browser`). Nothing in labs/ is modified.
"""
import json
import statistics
import sys

import nbformat
from labrun import ROOT, execute, lab_paths

REPEATS = 3
FRAME_STEPS = 3
FLOOR_CODE = "import utils\nutils.setup_lab(quiet=True)\nimport tensorflow as tf"
FRAMES_CODE = f"import json\nfrom utils.widgets import frame_times\nprint(json.dumps(frame_times({FRAME_STEPS})))"


def median_time(make_nb, repeats=REPEATS):
    return statistics.median(execute(make_nb()) for _ in range(repeats))


def frame_seconds(path):
    """Every redraw time (s) of the lab's live figures, after a Run All, each control moved FRAME_STEPS times."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(FRAMES_CODE))
    execute(nb)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return [t for figure in json.loads(text.strip().splitlines()[-1]) for t in figure["seconds"]]


def browser_latency_ms():
    """{lab: median slider-to-image milliseconds} from the browser suite's last run, if any."""
    path = ROOT / "build" / "browser-latency.json"
    if not path.exists():
        return {}
    runs = json.loads(path.read_text())
    return {lab: 1000 * statistics.median(run["seconds"]) for lab, run in runs.items() if run["seconds"]}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def floor_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_CODE)]
    return nb


def main(names):
    floor = median_time(floor_notebook, repeats=REPEATS + 2)
    rows = [{"lab": "kernel-ready floor", "median_s": round(floor, 2), "ratio": 1.0}]
    browser = browser_latency_ms()
    print(f"{'lab':<36} {'median (s)':>10} {'x floor':>8} {'redraw median (ms)':>19} {'p95 (ms)':>9}"
          f" {'browser (ms)':>13}")
    print(f"{'kernel-ready floor':<36} {floor:>10.1f} {1.0:>8.2f}")
    for path in lab_paths(names):
        seconds = median_time(lambda p=path: nbformat.read(p, as_version=4))
        frames = frame_seconds(path)
        row = {"lab": path.name, "median_s": round(seconds, 2), "ratio": round(seconds / floor, 2)}
        shown = f" {'-':>19} {'-':>9}"
        if frames:
            row |= {"redraw_median_ms": round(1000 * statistics.median(frames), 1),
                    "redraw_p95_ms": round(1000 * percentile(frames, 0.95), 1), "redraws": len(frames)}
            shown = f" {row['redraw_median_ms']:>19.0f} {row['redraw_p95_ms']:>9.0f}"
        if path.name in browser:
            row["browser_median_ms"] = round(browser[path.name], 1)
            shown += f" {row['browser_median_ms']:>13.0f}"
        rows.append(row)
        print(f"{path.name:<36} {seconds:>10.1f} {seconds / floor:>8.2f}{shown}")
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"repeats": REPEATS, "frame_steps": FRAME_STEPS, "results": rows}, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
