"""Execute a notebook in a fresh kernel, the way `make execute`, `make bench` and the tests do."""
import time
from pathlib import Path

from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LABS = ROOT / "labs"


def lab_paths(names=()):
    """The notebooks named on the command line, or every lab in labs/."""
    if names:
        return [Path(n).resolve() for n in names]
    return sorted(LABS.glob("[0-9][0-9]_*.ipynb"))


def execute(nb, cwd=LABS, timeout=600):
    """Run every cell of nb in a fresh python3 kernel; return the wall time in seconds."""
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}},
                            record_timing=False, store_widget_state=False)
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def output_text(output):
    """The text a notebook output shows: a stream, an error's name and value, or a plain-text result."""
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return f"{output.ename}: {output.evalue}"
    return str(output.get("data", {}).get("text/plain", ""))
