"""Benchmark: how long a student waits, per lab, against a bare kernel measured in the same run.

    python scripts/bench.py [--browser] [labs/NN_name.ipynb ...]    (default: every lab)

Per lab, each the median of REPEATS fresh kernels unless said otherwise:
  first output   kernel start to the end of the lab's set-up cell (its first output printed;
                 bench.json also has first_line_s, to the line itself); the floor is the same
                 for a bare kernel running `print("ready")`, measured between the lab's runs
                 (a lab's ratio is to the floor of its own runs: the load changes during a bench)
  run all        kernel start to the end of the last cell, cells sent one after the other
  reading wait   one run at reading pace (a pause of READING_WPM words a minute for the markdown
                 before each code cell, while the background import is under way): the longest
                 time a cell waited for it (utils.background_import.WAITS), and which cell
  frame          every control of every live figure moved FRAME_STEPS times after a Run All:
                 kernel-side seconds per frame (drawing and PNG), median and 95th percentile
  browser        slider key press (a step) to new picture in JupyterLab in Chromium (median, 95th
                 percentile), from build/browser-latency.json; --browser measures it first
                 (tests/browser/test_explorer_latency.py, with where the time goes)
  tap            the same for a click along the slider's track with no warning (the pointer arrives with
                 the press), mostly to a state not drawn ahead (build/browser-latency-parts.json,
                 written by --browser)
  click          the same for a click as a hand makes it (the pointer rests on the track 0.15 s first)
The table is printed and written to build/bench.json. Nothing in labs/ is modified.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import nbformat
from jupyter_client.manager import start_new_kernel
from labrun import LABS, ROOT, lab_paths

REPEATS = 3
FRAME_STEPS = 3
READING_WPM = 200
FLOOR_CODE = 'print("ready")'
FRAMES_CODE = f"import json\nfrom utils.widgets import frame_times\nprint(json.dumps(frame_times({FRAME_STEPS})))"
BUSY = "__import__('utils.background_import', fromlist=['_']).in_progress()"
WAITS_CODE = "from utils import background_import\nprint(json.dumps(background_import.WAITS))"
LATENCY_FILE = ROOT / "build" / "browser-latency.json"
PARTS_FILE = ROOT / "build" / "browser-latency-parts.json"


class Kernel:
    """A fresh python3 kernel in labs/ whose cells are timed from the moment it was asked for."""

    def __init__(self, cwd=LABS):
        self.start = time.perf_counter()
        self.manager, self.client = start_new_kernel(kernel_name="python3", cwd=str(cwd))

    def run(self, code, timeout=600, expressions=None):
        """(seconds since the kernel was asked for when the cell ended, its text, error or None, expressions)."""
        msg_id = self.client.execute(code, user_expressions=expressions or {})
        text, error = [], None
        self.first_text = None
        while True:
            msg = self.client.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                text.append(content["text"])
                if self.first_text is None:
                    self.first_text = time.perf_counter() - self.start
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                break
        reply = self.client.get_shell_msg(timeout=timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.client.get_shell_msg(timeout=timeout)
        found = reply["content"].get("user_expressions", {})
        return time.perf_counter() - self.start, "".join(text), error, found

    def close(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def code_cells(path):
    """[(source, words of the markdown just above it)] for every code cell that has code."""
    cells, words = [], 0
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            words += len(cell.source.split())
        elif cell.cell_type == "code" and cell.source.strip():
            cells.append((cell.source, words))
            words = 0
    return cells


def run_lab(path, reading=False, frames=False):
    """One fresh-kernel run: {"first": s, "all": s, "error": ..., "waits": [...], "frames": [...]}."""
    kernel = Kernel()
    result = {"error": None}
    try:
        busy = True
        for index, (source, words) in enumerate(code_cells(path)):
            if reading and busy and index:
                time.sleep(60 * words / READING_WPM)
            ended, _, error, found = kernel.run(source, expressions={"busy": BUSY} if reading else None)
            if index == 0:
                result["first"], result["first_line"] = ended, kernel.first_text or ended
            if error and result["error"] is None:
                result["error"] = f"cell {index + 1}: {error}"
            busy = found.get("busy", {}).get("data", {}).get("text/plain") == "True"
        result["all"] = time.perf_counter() - kernel.start
        if reading:
            _, text, error, _ = kernel.run("import json\n" + WAITS_CODE)
            result["waits"] = [] if error else json.loads(text.strip().splitlines()[-1])
        if frames:
            _, text, error, _ = kernel.run(FRAMES_CODE)
            figures = json.loads(text.strip().splitlines()[-1]) if not error else []
            result["frames"] = [seconds for figure in figures for seconds in figure["seconds"]]
            result["encode"] = [seconds for figure in figures for seconds in figure.get("encode_seconds", [])]
    finally:
        kernel.close()
    return result


def floor_seconds():
    kernel = Kernel()
    try:
        return kernel.run(FLOOR_CODE)[0]
    finally:
        kernel.close()


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def browser_latency():
    """{lab: seconds of every timed move} from the browser suite's or the latency test's last run."""
    if not LATENCY_FILE.exists():
        return {}
    return {lab: run["seconds"] for lab, run in json.loads(LATENCY_FILE.read_text()).items() if run["seconds"]}


def browser_clicks(series):
    """{lab: seconds of every timed click of a series ("taps" or "clicks")} from the latency test's last run."""
    if not PARTS_FILE.exists():
        return {}
    return {lab: [click["total"] / 1000 for figure in run["figures"] for click in figure.get(series, [])]
            for lab, run in json.loads(PARTS_FILE.read_text()).items()}


def measure_browser(paths):
    """Run the explorer latency test in Chromium for these labs (it writes build/browser-latency.json)."""
    selected = " or ".join(path.name for path in paths)
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "browser", "-p", "no:cacheprovider",
                    str(ROOT / "tests" / "browser" / "test_explorer_latency.py"), "-k", selected],
                   env=dict(os.environ, BENCH_LATENCY="1"), cwd=ROOT, check=False)


def ms(seconds):
    return round(1000 * seconds, 1)


def spread(row, name, seconds, count):
    """Add <name>_median_ms, <name>_p95_ms and the count to row; return them as "median / p95" ("-": none)."""
    if not seconds:
        return "-"
    row |= {f"{name}_median_ms": ms(statistics.median(seconds)), f"{name}_p95_ms": ms(percentile(seconds, 0.95)),
            count: len(seconds)}
    return f"{row[f'{name}_median_ms']:.0f} / {row[f'{name}_p95_ms']:.0f}"


def main(args):
    browser = "--browser" in args
    paths = lab_paths([a for a in args if a != "--browser"])
    if browser:
        measure_browser(paths)
    floors = []
    rows = []
    latencies, taps, clicks = browser_latency(), browser_clicks("taps"), browser_clicks("clicks")
    print(f"{'lab':<34} {'first (s)':>9} {'x floor':>7} {'run all (s)':>11} {'read wait (s)':>13}"
          f" {'frame ms med/p95':>16} {'browser ms med/p95':>18} {'tap ms med/p95':>15} {'click ms med/p95':>16}")
    for path in paths:
        runs, lab_floors = [], []
        for repeat in range(REPEATS):
            lab_floors.append(floor_seconds())  # the floor interleaved with this lab's runs: same machine load
            runs.append(run_lab(path, frames=repeat == 0))
        floors += lab_floors
        reading = run_lab(path, reading=True)
        floor = statistics.median(lab_floors)
        first = statistics.median(r["first"] for r in runs)
        row = {"lab": path.name, "first_output_s": round(first, 2), "floor_s": round(floor, 2),
               "first_line_s": round(statistics.median(r["first_line"] for r in runs), 2),
               "ratio": round(first / floor, 2), "run_all_s": round(statistics.median(r["all"] for r in runs), 1),
               "errors": sorted({r["error"] for r in runs + [reading] if r["error"]})}
        waits = reading.get("waits", [])
        longest = max(waits, key=lambda w: w[2], default=None)
        row["reading_wait_s"] = round(longest[2], 2) if longest else 0.0
        if longest:
            row["reading_wait_cell"] = {"execution_count": longest[0], "module": longest[1]}
        frames = runs[0].get("frames", [])
        frame = spread(row, "frame", frames, count="frames")
        if frames and runs[0].get("encode"):
            row["encode_median_ms"] = ms(statistics.median(runs[0]["encode"]))
        seen = spread(row, "browser", latencies.get(path.name), count="browser_moves")
        tapped = spread(row, "tap", taps.get(path.name), count="taps")
        clicked = spread(row, "click", clicks.get(path.name), count="clicks")
        rows.append(row)
        print(f"{path.name:<34} {first:>9.2f} {first / floor:>7.2f} {row['run_all_s']:>11.1f}"
              f" {row['reading_wait_s']:>13.2f} {frame:>16} {seen:>18} {tapped:>15} {clicked:>16}"
              + (f"  ERRORS: {row['errors']}" if row["errors"] else ""), flush=True)
    floor = statistics.median(floors)
    print(f"{'bare kernel (floor)':<34} {floor:>9.2f} {1.0:>7.2f}   (median of {len(floors)}, interleaved)")
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine,
                               "repeats": REPEATS, "frame_steps": FRAME_STEPS, "reading_wpm": READING_WPM,
                               "floor_s": round(floor, 2), "results": rows}, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
