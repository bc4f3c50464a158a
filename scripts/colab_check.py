"""Run the Colab editions the way Colab runs them (`make test-colab`; not part of `make test`).

    python scripts/colab_check.py [LAB ...]

1. A fresh environment in build/colab-venv/ with Colab's preinstalled set, newest releases: the full
   `tensorflow` wheel (not tensorflow-cpu), NumPy, Keras, matplotlib, ipywidgets, scikit-learn,
   sympy, ipykernel, nbclient. Python 3.12 (Colab's) when this machine has it.
2. The `utils` wheel built from the repository; pip's dry run must plan to install that package
   and, at most, the new packages in COLAB_ADDS (anywidget, for the explorers' captions), never a
   swap of Colab's packages; then they are installed.
3. Every lab of the answer key, with the Colab editions' install cell, runs in a fresh kernel whose
   working directory is an empty folder: no error, no stderr or warning text in any output, the
   install cell finds utils and installs nothing (pip freeze unchanged). The answer key, not the
   editions students get (release editions, which stop at their stubs), so that every assert runs.
   Outputs are not compared with the stored ones.
4. One install cell runs where utils is missing and the URL unreachable: it must end in one line.

Prints the versions, pass/fail and time per lab; writes build/colab-check.json. Exit 1 on a failure.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = ROOT / "build" / "colab-venv"
BARE = ROOT / "build" / "colab-bare"
REPORT = ROOT / "build" / "colab-check.json"
KERNEL_LOG = ROOT / "build" / "colab-kernels.log"
COLAB_SET = ["tensorflow", "numpy", "keras", "matplotlib", "ipywidgets", "scikit-learn", "sympy",
             "ipykernel", "nbclient"]
# what the wheel may add to Colab's set (new packages only: no restart): anywidget and its psygnal
COLAB_ADDS = {"anywidget", "psygnal"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours in IPython's error text
UNREACHABLE = "http://127.0.0.1:9/nobody/nn-training-labs"  # refused at once, on this machine
WARNING_TEXT = re.compile(r"Traceback|\b[A-Z]\w*Warning\b|^WARNING|^E0000|^W0000|^I0000", re.M)
# appended to a copy of each edition: what the kernel ran on, and its peak resident memory
PROBE = """\
import importlib.metadata, json, pathlib, sys
versions = {name: importlib.metadata.version(name) for name in NAMES}
peak = next(l for l in pathlib.Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM"))
print("PROBE", json.dumps({"prefix": sys.prefix, "python": sys.version.split()[0], "versions": versions,
                           "vmhwm_mib": round(int(peak.split()[1]) / 1024)}))
""".replace("NAMES", repr(COLAB_SET))


def run(command, **kwargs):
    """Run a command; on failure stop with its last line of output."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        last = ((result.stderr or result.stdout).strip().splitlines() or ["(no output)"])[-1]
        sys.exit(f"failed: {' '.join(map(str, command[:6]))} ...: {last}")
    return result.stdout


def colab_python():
    """Python 3.12 (Colab's version) when one runs here, else this Python."""
    for candidate in ("python3.12", str(Path.home() / ".pyenv/versions/3.12.1/bin/python3")):
        found = shutil.which(candidate) or (candidate if Path(candidate).exists() else None)
        if found and subprocess.run([found, "-c", "import venv"], capture_output=True).returncode == 0:
            return found
    return sys.executable


def make_venv(path, packages):
    python = path / "bin" / "python"
    if not python.exists():
        run([colab_python(), "-m", "venv", str(path)])
    if packages:
        run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip", *packages])
    return python


def install_wheel(python):
    """Build the wheel, check pip would install nothing but it, install it; return the wheel path."""
    sys.path.insert(0, str(HERE))
    from build_wheel import DIST, build_wheel

    wheel = build_wheel(ROOT / "build" / "dist", python=str(python), isolation=True)
    subprocess.run([str(python), "-m", "pip", "uninstall", "--quiet", "-y", DIST], capture_output=True)
    report = json.loads(run([str(python), "-m", "pip", "install", "--dry-run", "--quiet", "--report", "-",
                             str(wheel)]))
    planned = sorted(item["metadata"]["name"] for item in report["install"])
    installed = {item["name"].lower() for item in json.loads(run([str(python), "-m", "pip", "list", "--format",
                                                                  "json"]))}
    others = [name for name in planned if name != DIST and (name.lower() in installed or name not in COLAB_ADDS)]
    if others or DIST not in planned:
        sys.exit(f"installing the wheel would also install or replace {planned}: Colab's packages would change")
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)])
    return wheel


def output_problems(cells):
    """(cell index, text) for every stderr stream or warning/traceback text in the outputs."""
    problems = []
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                problems.append((index, "stderr: " + " | ".join(output.text.strip().splitlines())[:300]))
            texts = [output.get("text", "")] + [str(v) for k, v in output.get("data", {}).items()
                                                 if k.startswith("text/")]
            match = next((m for m in map(WARNING_TEXT.search, texts) if m), None)
            if match and output.get("name") != "stderr":
                problems.append((index, "warning text: " + match.string[match.start():].splitlines()[0][:160]))
    return problems


def check_lab(path, url):
    """Run one Colab edition in an empty folder; return its result record (runs in the Colab venv)."""
    import nbformat
    from colab_edition import CELL_ID, colab_notebook
    from labrun import execute
    from nbclient.exceptions import CellExecutionError

    nb = colab_notebook(nbformat.read(path, as_version=4), url)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    shift = next(i for i, c in enumerate(nb.cells) if c.get("id") == CELL_ID)
    record = {"lab": path.name, "ok": False, "problems": []}
    with tempfile.TemporaryDirectory(prefix="colab-kernel-") as empty:
        try:
            record["seconds"] = round(execute(nb, cwd=empty), 1)
        except CellExecutionError as error:
            index = next((i for i, c in enumerate(nb.cells) if any(o.output_type == "error"
                                                                    for o in c.get("outputs", []))), None)
            lines = ANSI.sub("", str(error)).strip().splitlines()
            where = ("a cell" if index is None else "install cell" if index == shift
                     else f"lab cell {index - (index > shift)}")
            record["problems"].append((where, "error: " + (lines[-1] if lines else "?")))
            return record
        leftovers = sorted(os.listdir(empty))
    install = next(c for c in nb.cells if c.get("id") == CELL_ID)
    said = "".join(o.get("text", "") for o in install.outputs)
    if said != "utils is installed: nothing to install.\n":
        record["problems"].append(("install cell", f"said {said!r}"))
    probe = nb.cells[-1].outputs[-1]["text"].split("PROBE ", 1)[1]
    record.update(json.loads(probe))
    if Path(record["prefix"]).resolve() != VENV.resolve():
        record["problems"].append(("probe", f"the kernel ran in {record['prefix']}, not {VENV}"))
    seen = set()
    for index, text in output_problems(nb.cells[:-1]):
        where = f"lab cell {index - (index > shift)}"  # as numbered in labs/, 0-based
        if (where, re.sub(r"\d+", "N", text)) not in seen:  # the same lines again, other timestamps
            seen.add((where, re.sub(r"\d+", "N", text)))
            record["problems"].append((where, text))
    record["files_left_in_cwd"] = leftovers
    record["ok"] = not record["problems"]
    return record


def inner(names):
    """The part that runs inside the Colab venv: every edition, pip freeze before and after."""
    sys.path.insert(0, str(HERE))
    from colab_edition import repository_url
    from labrun import lab_paths

    url = repository_url()
    freeze = [sys.executable, "-m", "pip", "freeze", "--all"]
    before = run(freeze)
    records = []
    for path in lab_paths(names):
        record = check_lab(path, url)
        records.append(record)
        problems = "; ".join(f"{where}: {text}" for where, text in record["problems"])
        print(f"  {record['lab']:40s} {'pass' if record['ok'] else 'FAIL'} "
              f"{record.get('seconds', '-')} s, peak {record.get('vmhwm_mib', '-')} MiB {problems}", flush=True)
    print(json.dumps({"records": records, "freeze_unchanged": run(freeze) == before}), flush=True)


def offline_install_cell(python):
    """The install cell of Lab 01 where utils is missing and the repository cannot be reached."""
    sys.path.insert(0, str(HERE))
    import nbformat
    from colab_edition import CELL_ID, colab_notebook
    from labrun import lab_paths

    nb = colab_notebook(nbformat.read(lab_paths()[0], as_version=4), UNREACHABLE)
    source = next(c.source for c in nb.cells if c.get("id") == CELL_ID)
    with tempfile.TemporaryDirectory() as empty:
        result = subprocess.run([str(python), "-c", source], cwd=empty, capture_output=True, text=True, timeout=300)
    lines = result.stdout.splitlines()
    ok = (result.returncode == 0 and not result.stderr and len(lines) == 1
          and lines[0].startswith("Could not install utils from"))
    return {"ok": ok, "stdout": result.stdout, "stderr": result.stderr}


def main(names):
    start = time.perf_counter()
    print("setting up build/colab-venv (Colab's preinstalled set, newest releases) ...", flush=True)
    python = make_venv(VENV, COLAB_SET)
    if "tensorflow-cpu" in run([str(python), "-m", "pip", "list"]):
        sys.exit("build/colab-venv has tensorflow-cpu; Colab has the full tensorflow wheel: rm -r build/colab-venv")
    wheel = install_wheel(python)
    print(f"installed {wheel.name}; pip planned no other package", flush=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "MPLBACKEND")}
    labs = [str(Path(name).resolve()) for name in names]
    summary = ""
    with KERNEL_LOG.open("w") as log:  # the kernels' own stderr (TensorFlow's C++ start-up lines)
        inner_run = subprocess.Popen([str(python), __file__, "--inner", *labs], env=env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=log, text=True)
        for line in inner_run.stdout:
            if line.startswith("{"):
                summary = line
            else:
                print(line, end="", flush=True)
    if inner_run.wait() != 0 or not summary:
        sys.exit(f"the Colab-style run stopped before its summary (see {KERNEL_LOG.relative_to(ROOT)})")
    result = json.loads(summary)
    offline = offline_install_cell(make_venv(BARE, []))
    print(f"  install cell, utils missing, URL unreachable: {'pass' if offline['ok'] else 'FAIL'}: "
          f"{offline['stdout'].strip()!r}", flush=True)
    result.update(offline=offline, wheel=wheel.name, seconds=round(time.perf_counter() - start))
    REPORT.write_text(json.dumps(result, indent=1))
    versions = result["records"][0].get("versions", {}) if result["records"] else {}
    print("Python", result["records"][0].get("python") if result["records"] else "?",
          " ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"pip freeze unchanged by the install cells: {result['freeze_unchanged']}; "
          f"total {result['seconds']} s; details in {REPORT.relative_to(ROOT)}")
    ok = all(r["ok"] for r in result["records"]) and result["freeze_unchanged"] and offline["ok"]
    print("Colab-style run:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inner"]:
        inner(sys.argv[2:])
    else:
        sys.exit(main(sys.argv[1:]))
