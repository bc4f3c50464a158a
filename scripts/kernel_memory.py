"""Peak resident memory (VmHWM) of each lab's kernel in a Restart & Run All, for sizing a JupyterHub.

    python scripts/kernel_memory.py [--runs N] [LAB ...]      (`make memory`; default 3 runs)

Each run executes the lab in a fresh kernel (scripts/labrun.py's execute) whose working directory is
an empty folder, with one extra last cell that reads the kernel's own /proc/self/status. Prints the
median and the largest of the runs per lab and writes build/memory.json. Linux only (/proc).
"""
import argparse
import copy
import json
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labrun import ROOT, execute, lab_paths  # noqa: E402

REPORT = ROOT / "build" / "memory.json"
PROBE = """\
import pathlib
status = dict(line.split(":", 1) for line in pathlib.Path("/proc/self/status").read_text().splitlines())
print("MEMORY", int(status["VmHWM"].split()[0]) // 1024, int(status["VmRSS"].split()[0]) // 1024)
"""


def kernel_peak(nb):
    """(peak MiB, resident MiB at the end) of one fresh-kernel run of nb."""
    nb = copy.deepcopy(nb)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    with tempfile.TemporaryDirectory(prefix="kernel-memory-") as empty:
        execute(nb, cwd=empty)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    if not text.startswith("MEMORY"):
        raise RuntimeError(f"the memory probe printed {text!r}")
    peak, resident = map(int, text.split()[1:3])
    return peak, resident


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("labs", nargs="*")
    args = parser.parse_args(argv)
    if not Path("/proc/self/status").exists():
        sys.exit("kernel_memory.py reads /proc/<pid>/status: it needs Linux")
    results = {}
    for path in lab_paths(args.labs):
        nb = nbformat.read(path, as_version=4)
        runs = [kernel_peak(nb) for _ in range(args.runs)]
        peaks = [peak for peak, _ in runs]
        results[path.name] = {"peak_mib_median": statistics.median(peaks), "peak_mib_max": max(peaks),
                              "peak_mib_runs": peaks, "end_rss_mib_median": statistics.median(r for _, r in runs)}
        print(f"{path.name:40s} peak {statistics.median(peaks):6.0f} MiB (median of {args.runs}; "
              f"max {max(peaks)}), at the end {results[path.name]['end_rss_mib_median']:.0f} MiB", flush=True)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(results, indent=1))
    print(f"written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
