"""A real JupyterLab and a real Chromium for the browser suite (`pytest -m browser tests`).

One JupyterLab server (127.0.0.1, random free port, token) serves copies of labs/*.ipynb from a
temporary folder, so nothing under labs/ changes; one headless Chromium drives it. Both live for
the whole session and are stopped at the end even when a test fails (SIGTERM also ends the
server's kernels).

Chromium comes from the system (Debian: `apt-get install chromium`); nothing here downloads a
browser. Without one the suite skips on a student's machine, and fails when CI=true.

Environment variables (all optional):
    CHROMIUM                 path of the Chromium/Chrome binary to use
    BROWSER_LABS_DIR         folder whose NN_*.ipynb are tested instead of labs/ (testing the suite)
    BROWSER_EXPECTED_WIDGETS expected-widgets JSON file instead of tests/browser/expected_widgets.json
    BROWSER_LAB_TIMEOUT      seconds one lab may take to run all its cells (default 240)
    BROWSER_AHEAD            2 (default): the next lab runs in the background while the current one is
                             checked; 1: labs run one after the other (only the next page preloads)
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from lab_driver import LATENCIES, LabPages

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LABS_DIR = Path(os.environ.get("BROWSER_LABS_DIR", ROOT / "labs"))
EXPECTED_WIDGETS = Path(os.environ.get("BROWSER_EXPECTED_WIDGETS", HERE / "expected_widgets.json"))
SCREENSHOTS = HERE / "screenshots"
LAB_TIMEOUT = float(os.environ.get("BROWSER_LAB_TIMEOUT", "240"))
AHEAD = int(os.environ.get("BROWSER_AHEAD", "2"))

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_HINT = ("Chromium not found; install it with `sudo apt-get install chromium` "
                "(Ubuntu: chromium-browser; macOS: `brew install --cask chromium`) or set CHROMIUM=/path/to/chrome")
# Flags measured here: without the networking ones Chromium floods a closed network with retries.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

# JupyterLab settings for the test server: no news/update requests, no toast over the notebook, and
# every cell attached to the page (the default windowing attaches long notebooks' cells lazily).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}

TIMINGS = []  # (lab name, {phase: seconds}) for the summary at the end of the run
SESSION = {}  # start and end of the browser session (wall clock of the whole suite)


def lab_paths():
    """The labs to test, found when the tests are collected: every labs/NN_*.ipynb."""
    return sorted(LABS_DIR.glob("[0-9][0-9]_*.ipynb"))


def in_ci():
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason):
    """Skip on a student's machine; in CI a missing browser is a failure, never a skip."""
    if in_ci():
        pytest.fail(f"CI=true and the browser suite cannot run: {reason}", pytrace=False)
    SESSION["skipped"] = f"browser tests skipped: {reason}"
    pytest.skip(SESSION["skipped"])


def find_chromium():
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """A JupyterLab process serving copies of the labs; `api()` talks to its REST API."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.notebook_dir = workdir / "labs"
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "jupyterlab.log"
        self.process = None

    def start(self, timeout=90):
        self.notebook_dir.mkdir()
        for path in lab_paths():
            shutil.copy2(path, self.notebook_dir / path.name)
        settings = self.workdir / "settings"
        for name, values in LAB_SETTINGS.items():
            target = settings / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values), encoding="utf-8")
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)  # a caller's Agg backend would stop the kernels drawing inline
        bin_dir = str(Path(sys.executable).parent)
        env.update(PATH=bin_dir + os.pathsep + env.get("PATH", ""),
                   JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.workdir / "workspaces"),
                   JUPYTER_RUNTIME_DIR=str(self.workdir / "runtime"),
                   IPYTHONDIR=str(self.workdir / "ipython"),
                   JUPYTER_PLATFORM_DIRS="1")
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={self.port}", "--port-retries=0", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.notebook_dir}", "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(command, env=env, cwd=self.notebook_dir, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n{self.log_tail()}")

    def api(self, method, path, timeout=10):
        request = urllib.request.Request(self.base_url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernel(self, notebook_name):
        """Shut down the kernel of one notebook (frees memory before the next lab starts its own)."""
        try:
            for session in self.api("GET", "/api/sessions"):
                if session.get("path") == notebook_name:
                    self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
        except (OSError, urllib.error.URLError):
            pass

    def log_tail(self, lines=25):
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        unavailable(INSTALL_HINT)
    return path


@pytest.fixture(scope="session")
def lab_server(chromium_path, tmp_path_factory):
    SESSION["start"] = time.monotonic()
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start()
        SESSION["server start"] = time.monotonic() - SESSION["start"]
    except BaseException:
        server.stop()
        raise
    yield server
    stopping = time.monotonic()
    server.stop()
    SESSION["end"] = time.monotonic()
    SESSION["server stop"] = SESSION["end"] - stopping


@pytest.fixture(scope="session")
def browser(chromium_path, tmp_path_factory):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package `playwright` is missing (pip install -r requirements.txt)")
    playwright = sync_playwright().start()
    try:
        # a persistent context gives a fresh, throw-away user-data dir
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium_path, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
    except BaseException:
        playwright.stop()
        raise
    yield context
    try:
        context.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def lab_pages(request, browser, lab_server):
    order = [item.callspec.params["lab"].name for item in request.session.items
             if hasattr(item, "callspec") and "lab" in item.callspec.params]
    if os.environ.get("PYTEST_XDIST_WORKER"):
        order = []  # under pytest-xdist another worker may run the next lab: prepare nothing ahead
    pages = LabPages(browser, lab_server, order, ahead=AHEAD)
    yield pages
    pages.close_all()


@pytest.fixture(scope="session")
def expected_widgets():
    if not EXPECTED_WIDGETS.exists():
        return {}
    return json.loads(EXPECTED_WIDGETS.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_generate_tests(metafunc):
    if "lab" in metafunc.fixturenames:
        labs = lab_paths()
        metafunc.parametrize("lab", labs, ids=[path.name for path in labs])


@pytest.fixture(scope="session")
def lab_timeout():
    return LAB_TIMEOUT


@pytest.fixture(scope="session")
def timings():
    return TIMINGS


LATENCY_FILE = ROOT / "build" / "browser-latency.json"


def write_latencies(latencies=LATENCIES, path=LATENCY_FILE):
    """Merge this run's slider-to-image seconds per lab into the file `make bench` reads."""
    if not latencies:
        return
    known = json.loads(path.read_text()) if path.exists() else {}
    known.update({lab: {"seconds": [round(s, 4) for s in values], "when": time.strftime("%Y-%m-%d %H:%M")}
                  for lab, values in latencies.items()})
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n")


def pytest_terminal_summary(terminalreporter):
    write_latencies()
    if "skipped" in SESSION:  # pytest hides skip reasons unless -rs: say it once, plainly
        terminalreporter.write_line(SESSION["skipped"], yellow=True)
    if not TIMINGS:
        return
    terminalreporter.section("browser suite: seconds per lab")
    total = 0.0
    for name, phases in TIMINGS:
        total += phases["total"]
        details = ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in phases.items() if phase != "total")
        terminalreporter.write_line(f"{name}: {phases['total']:.1f} s ({details})")
    terminalreporter.write_line(f"sum over labs: {total:.1f} s (labs overlap when BROWSER_AHEAD=2)")
    if "end" in SESSION:
        terminalreporter.write_line(f"wall clock from server start to server stop: "
                                    f"{SESSION['end'] - SESSION['start']:.1f} s (server start "
                                    f"{SESSION['server start']:.1f} s, stop {SESSION['server stop']:.1f} s)")
