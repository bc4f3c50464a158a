"""`make hub-test`: a class on a real JupyterHub on this machine, measured.

    python -m hub.hubtest [--students N] [--lab 03_softmax] [--port 18000] [--cull-timeout 60] [--repo URL]

Runs as root. What it does, in order (every wait bounded; everything it started is stopped and every
account it made is removed at the end, whatever happens):

1. the class repository: `make release` into a fresh tree, committed to a bare git repository served
   over HTTP here (or --repo: an existing class repository, checked with `git ls-remote`);
2. the single-user environment, installed by hub/install_env.py exactly as the image installs it
   (the `labs` and `hub` groups of uv.lock, utils from the class tree, student settings), and
   configurable-http-proxy from npm (hub/package-lock.json);
3. the instructor's course (instructor.course source + release, then `nbgrader release_assignment`
   into a shared exchange folder);
4. N system accounts (useradd, homes 0700) and a JupyterHub (hub/jupyterhub_config.py):
   LocalProcessSpawner starts each student's server as that student, one password per student,
   jupyterhub-idle-culler as a service;
5. the N students at once: log in with the form, start a server through the hub's REST API, open
   the nbgitpuller link and pull, open the lab, Run All with the answers written in (every student
   starts at the same moment), save through the contents API, hand in with nbgrader's Assignments
   tab API (submit to the exchange);
6. isolation: student 1 tries student 2's server through the hub, and student 2's home and the
   exchange's inbound folder from a kernel;
7. the instructor collects (`nbgrader collect`) and grades (`python -m instructor.course autograde`);
8. the idle culler must stop every server within its timeout.

Per student it records time to spawn, to pull and to Run All, the kernel's CPU seconds, its PSS and
private memory (smaps_rollup) and the server's, and failures; the machine's used memory too. Results:
build/hub/results.json, a summary on stdout, logs in /tmp/nn-labs-hub-test/ (HUB_TEST_WORK).
"""
import argparse
import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "hub"
BUILD = ROOT / "build" / "hub"
WORK = Path(os.environ.get("HUB_TEST_WORK", "/tmp/nn-labs-hub-test"))  # outside the project (make release)
VENV = BUILD / "venv"
NODE = BUILD / "node"
RESULTS = BUILD / "results.json"
USER_PREFIX = "hubt-s"
COURSE_ID = "nn-labs"
SYSTEM_PYTHON = "/usr/bin/python3.11"  # a Python every account can run (the image's is /usr/local/bin)
MAX_STUDENTS = 32
DEFAULT_STUDENTS = 6


class HubTestError(RuntimeError):
    """Something to fix, in one line."""


def say(message):
    print(f"hub-test: {message}", flush=True)


# --- checks of the input ---------------------------------------------------------------------------

def check_port(port, what="--port"):
    if not 1024 <= port <= 65535:
        raise HubTestError(f"{what} {port} is outside 1024-65535; pick a free port, e.g. HUB_PORT=18000")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: TIME_WAIT is no conflict
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            raise HubTestError(f"port {port} is in use on 127.0.0.1 (another hub?); "
                               f"stop it or pick another with HUB_PORT=...") from None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_machine():
    if os.geteuid() != 0:
        raise HubTestError("run as root: the hub starts each student's server as that student's own account")
    for tool, package in (("useradd", "passwd"), ("userdel", "passwd"), ("git", "git"), ("bwrap", "bubblewrap"),
                          ("node", "nodejs"), ("npm", "npm")):
        if shutil.which(tool) is None:
            raise HubTestError(f"`{tool}` is missing; install it (Debian: apt-get install {package})")
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        raise HubTestError(f"{SYSTEM_PYTHON} is missing: the students' servers need a Python outside root's "
                           "home (Debian: apt-get install python3.11-venv)")


def check_repo(url):
    from hub.links import LinkError, check_repo_url

    try:
        url = check_repo_url(url)
    except LinkError as error:
        raise HubTestError(str(error)) from None
    result = subprocess.run(["git", "ls-remote", "--heads", url], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, GIT_TERMINAL_PROMPT="0"))
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise HubTestError(f"cannot read the class repository {url}: {lines[-1] if lines else 'git failed'}")
    return url


# --- set-up ----------------------------------------------------------------------------------------

def run(args, what, cwd=ROOT, env=None, timeout=900):
    try:
        result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        raise HubTestError(f"{what} did not finish in {timeout} s") from None
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        raise HubTestError(f"{what} failed: {lines[-1] if lines else 'no message'}")
    return result.stdout


def tree_digest(paths):
    digest = hashlib.sha256()
    for base in paths:
        base = Path(base)
        files = sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if base.is_dir() else [base]
        for path in files:
            digest.update(str(path.relative_to(base.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def class_repository(work):
    """make release into work/class-tree, committed into a bare repository work/git/nn-labs-class."""
    tree = work / "class-tree"
    run([sys.executable, ROOT / "scripts" / "release.py", tree], "make release")
    git = ["git", "-c", "user.name=hub-test", "-c", "user.email=hub-test@localhost", "-c", "init.defaultBranch=main"]
    run([*git, "init", "-q"], "git init", cwd=tree)
    run([*git, "add", "."], "git add", cwd=tree)
    run([*git, "commit", "-q", "-m", "Labs"], "git commit", cwd=tree)
    bare = work / "git" / "nn-labs-class"
    run(["git", "clone", "-q", "--bare", tree, bare], "git clone --bare")
    return tree


class GitHTTP(BaseHTTPRequestHandler):
    """git's smart HTTP protocol (as GitHub serves it) through `git http-backend`, read-only."""

    root = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._backend()

    def do_POST(self):
        self._backend()

    def _backend(self):
        path, _, query = self.path.partition("?")
        if "receive-pack" in path or "receive-pack" in query:
            self.send_error(403, "read-only")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_PROJECT_ROOT": str(self.root),
               "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": path, "QUERY_STRING": query,
               "REQUEST_METHOD": self.command, "CONTENT_TYPE": self.headers.get("Content-Type", ""),
               "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "127.0.0.1",
               "HTTP_GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
               "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": "*"}
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        result = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, timeout=120)
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def serve_git(work):
    """Serve work/git read-only over git's smart HTTP on 127.0.0.1 (as GitHub serves the class repository)."""
    handler = type("Handler", (GitHTTP,), {"root": work / "git"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/nn-labs-class"


def environment(tree):
    """The single-user environment (hub/install_env.py) and the proxy, reinstalled only when stale."""
    stamp = VENV / ".hubtest-stamp"
    wanted = tree_digest([ROOT / "uv.lock", HERE / "install_env.py", HERE / "settings", tree / "utils"])
    if not (stamp.exists() and stamp.read_text() == wanted):
        say("installing the single-user environment (hub/install_env.py, as the image does)")
        started = time.monotonic()
        if VENV.exists():
            shutil.rmtree(VENV)
        run([sys.executable, HERE / "install_env.py", tree, VENV, "--group", "hub", "--python", SYSTEM_PYTHON],
            "hub/install_env.py")
        stamp.write_text(wanted)
        say(f"environment ready in {time.monotonic() - started:.0f} s")
    lock = HERE / "package-lock.json"
    if not (NODE / "package-lock.json").exists() or (NODE / "package-lock.json").read_bytes() != lock.read_bytes():
        NODE.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "package.json", NODE)
        shutil.copy(lock, NODE)
        run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], "npm ci (configurable-http-proxy)",
            cwd=NODE)
    return NODE / "node_modules" / ".bin" / "configurable-http-proxy"


def nbgrader(course, *args, exchange):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    return run([sys.executable, "-m", "nbgrader", *args, f"--Exchange.root={exchange}",
                f"--CourseDirectory.course_id={COURSE_ID}"], f"nbgrader {args[0]}", cwd=course, env=env)


def course_setup(work, lab, exchange):
    course = work / "course"
    run([sys.executable, "-m", "instructor.course", "source", course, lab, "--course-id", COURSE_ID], "course source")
    run([sys.executable, "-m", "instructor.course", "release", course, lab], "course release")
    nbgrader(course, "release_assignment", lab, "--force", exchange=exchange)
    return course


def make_users(count):
    names = [f"{USER_PREFIX}{i:02d}" for i in range(1, count + 1)]
    remove_users(stale_only=True)
    for name in names:
        run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", name], f"useradd {name}")
        os.chmod(f"/home/{name}", 0o700)
    return names


def our_users():
    return [line.split(":")[0] for line in Path("/etc/passwd").read_text().splitlines()
            if re.match(rf"^{USER_PREFIX}\d+:", line)]


def remove_users(stale_only=False):
    """Stop every process of the test accounts (by pid) and delete the accounts with their homes."""
    import pwd

    from hub import procstat

    for name in our_users():
        if stale_only:
            say(f"removing {name}, left by an earlier run")
        uid = pwd.getpwnam(name).pw_uid
        for _ in range(3):
            pids = procstat.pids_of_uid(uid)
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
        subprocess.run(["userdel", "--remove", name], capture_output=True)


# --- the hub ---------------------------------------------------------------------------------------

class Hub:
    def __init__(self, work, port, names, proxy, exchange, cull_timeout, spawn_timeout, singleuser):
        self.work, self.port = work, port
        self.url = f"http://127.0.0.1:{port}"
        self.token = secrets.token_hex(32)
        self.passwords = {name: secrets.token_urlsafe(12) for name in names}
        self.log = work / "jupyterhub.log"
        settings = {"port": port, "hub_port": free_port(), "proxy_api_port": free_port(), "work": str(work),
                    "proxy": str(proxy), "singleuser": str(singleuser),
                    "culler": str(VENV / "bin" / "jupyterhub-idle-culler"), "passwords": self.passwords,
                    "driver_token": self.token, "exchange": str(exchange), "course_id": COURSE_ID,
                    "cull_timeout": cull_timeout, "cull_every": max(5, cull_timeout // 4),
                    "spawn_timeout": spawn_timeout}
        self.settings_file = work / "hub-settings.json"
        self.settings_file.write_text(json.dumps(settings))
        os.chmod(self.settings_file, 0o600)
        self.process = None

    def start(self, timeout=90):
        import requests

        env = dict(os.environ, HUBTEST_SETTINGS=str(self.settings_file),
                   PATH=f"{VENV / 'bin'}:{NODE / 'node_modules' / '.bin'}:{os.environ.get('PATH', '')}")
        with open(self.log, "w") as log:
            self.process = subprocess.Popen([VENV / "bin" / "jupyterhub", "-f", HERE / "jupyterhub_config.py"],
                                            cwd=self.work, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubTestError(f"JupyterHub stopped at start: {self.log_tail()} (log: {self.log})")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/hub/api/", timeout=5).status_code == 200:
                    return
            time.sleep(0.5)
        raise HubTestError(f"JupyterHub did not answer on {self.url} in {timeout} s (log: {self.log})")

    def log_tail(self, pattern=r"error|Error|ERROR|Address already in use|Traceback"):
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "no log"
        picked = [line for line in lines if re.search(pattern, line)] or lines
        return picked[-1].strip()[:300] if picked else "empty log"

    def api(self, method, path, **kwargs):
        import requests

        return requests.request(method, f"{self.url}/hub/api{path}", timeout=30,
                                headers={"Authorization": f"token {self.token}"}, **kwargs)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)  # the hub, its proxy and the culler: one group
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --- one student -----------------------------------------------------------------------------------

def answered(release_nb, key_nb):
    """The release notebook with each exercise's stub replaced by the answer key's code (markers removed)."""
    key = {cell.get("id"): cell for cell in key_nb["cells"]}
    nb = json.loads(json.dumps(release_nb))
    filled = 0
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and "NotImplementedError" in source and cell.get("id") in key:
            answer = key[cell["id"]]["source"]
            answer = "".join(answer) if isinstance(answer, list) else answer
            cell["source"] = "\n".join(line for line in answer.splitlines() if "### BEGIN SOLUTION" not in line
                                       and "### END SOLUTION" not in line)
            filled += 1
    return nb, filled


class Student:
    def __init__(self, hub, name, lab, repo, key_nb, cell_timeout):
        import requests

        self.hub, self.name, self.lab, self.repo = hub, name, lab, repo
        self.key_nb, self.cell_timeout = key_nb, cell_timeout
        self.browser = requests.Session()  # the student's browser: cookies, form login, redirects
        self.base = f"{hub.url}/user/{name}"
        self.token = None
        self.result = {"student": name, "failures": []}
        self.kernel_id = self.session_id = None

    def fail(self, step, message):
        self.result["failures"].append(f"{step}: {message}")
        raise HubTestError(f"student {self.name}, {step}: {message}")

    def _xsrf(self, path="/hub/"):
        for cookie in self.browser.cookies:
            if cookie.name == "_xsrf" and (cookie.path or "/").startswith(path.rstrip("/")):
                return cookie.value
        return next((c.value for c in self.browser.cookies if c.name == "_xsrf"), "")

    def login(self):
        self.browser.get(f"{self.hub.url}/hub/login", timeout=30)
        reply = self.browser.post(f"{self.hub.url}/hub/login?next=%2Fhub%2Fhome", timeout=30,
                                  data={"username": self.name, "password": self.hub.passwords[self.name],
                                        "_xsrf": self._xsrf()})
        if reply.status_code != 200 or "jupyterhub-session-id" not in {c.name for c in self.browser.cookies}:
            self.fail("log in", f"the hub answered {reply.status_code} to the login form")
        # the API token the student's browser session would use (JupyterLab gets one the same way)
        reply = self.hub.api("POST", f"/users/{self.name}/tokens", json={"note": "hub-test", "expires_in": 7200})
        if reply.status_code not in (200, 201):
            self.fail("log in", f"no API token ({reply.status_code})")
        self.token = reply.json()["token"]

    def user_api(self, method, path, **kwargs):
        import requests

        return requests.request(method, f"{self.hub.url}/hub/api{path}", timeout=30,
                                headers={"Authorization": f"token {self.token}"}, **kwargs)

    def server_api(self, method, path, timeout=60, **kwargs):
        import requests

        try:
            return requests.request(method, f"{self.base}{path}", timeout=timeout,
                                    headers={"Authorization": f"token {self.token}"}, **kwargs)
        except requests.RequestException as error:
            self.fail("server", f"no answer from the student's server ({type(error).__name__}); "
                      f"did it die? hub log: {self.hub.log}")

    def spawn(self, timeout):
        started = time.monotonic()
        reply = self.user_api("POST", f"/users/{self.name}/server")
        if reply.status_code not in (201, 202):
            self.spawn_failed(f"HTTP {reply.status_code}")
        deadline = started + timeout
        while time.monotonic() < deadline:
            model = self.user_api("GET", f"/users/{self.name}").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                self.result["spawn_s"] = round(time.monotonic() - started, 2)
                return
            if not server and not model.get("pending"):
                self.spawn_failed("no server")
            time.sleep(0.25)
        self.fail("spawn", f"the server was not ready after {timeout} s (log: {self.hub.log})")

    def spawn_failed(self, what):
        command = re.findall(r"Spawning (.+)$", self.hub.log.read_text(errors="replace"), re.M)
        command = command[-1] if command else "?"
        self.fail("spawn", f"the hub could not start the server ({what}); its command `{command}` must run "
                  f"jupyterhub-singleuser (Spawner.cmd, the image); log: {self.hub.log}")

    def pull(self):
        """Open the nbgitpuller link in the 'browser', then do what its page's script does: the pull."""
        from hub.links import pull_link, repo_folder

        link = pull_link(self.hub.url, self.repo, self.lab)
        started = time.monotonic()
        page = self.browser.get(link, timeout=60)
        if page.status_code != 200 or "git-pull" not in page.url or "nbgitpuller" not in page.text.lower():
            self.fail("nbgitpuller link", f"{page.status_code} at {page.url} (is the student's server still "
                      f"running? hub log: {self.hub.log})")
        query = urlencode({"repo": self.repo, "branch": "main", "targetpath": repo_folder(self.repo)}, quote_via=quote)
        phase, last = None, ""
        with self.server_api("GET", f"/git-pull/api?{query}", timeout=120, stream=True) as stream:
            for line in stream.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    phase = event.get("phase")
                    last = event.get("output") or event.get("message") or last
                    if phase in ("finished", "error"):
                        break
        if phase != "finished":
            self.fail("pull", f"nbgitpuller ended in {phase!r}: {str(last).strip()[:200]}")
        self.result["pull_s"] = round(time.monotonic() - started, 2)
        self.nb_path = f"{repo_folder(self.repo)}/labs/{self.lab}.ipynb"

    def open_lab(self):
        reply = self.server_api("GET", f"/api/contents/{quote(self.nb_path)}?content=1")
        if reply.status_code != 200:
            self.fail("open", f"{self.nb_path}: {reply.status_code}")
        self.notebook, filled = answered(reply.json()["content"], self.key_nb)
        if filled == 0:
            self.fail("open", f"no exercise stub found in {self.nb_path}")
        reply = self.server_api("POST", "/api/sessions", json={"path": self.nb_path, "type": "notebook",
                                                                 "name": f"{self.lab}.ipynb",
                                                                 "kernel": {"name": "python3"}})
        if reply.status_code != 201:
            self.fail("kernel", f"no kernel ({reply.status_code}: {reply.text[:200]})")
        self.session_id, self.kernel_id = reply.json()["id"], reply.json()["kernel"]["id"]

    def socket(self):
        from hub.kernel_ws import KernelSocket

        ws_base = self.base.replace("http://", "ws://")
        return KernelSocket(f"{ws_base}/api/kernels/{self.kernel_id}/channels", self.token)

    def run_all(self):
        from hub.kernel_ws import KernelRunError

        started = time.monotonic()
        ws = self.socket()
        errors = []
        try:
            for count, cell in enumerate(c for c in self.notebook["cells"] if c["cell_type"] == "code"):
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                outputs, status = ws.execute(source, self.cell_timeout)
                cell["outputs"], cell["execution_count"] = outputs, count + 1
                if status != "ok":
                    error = next((o for o in outputs if o["output_type"] == "error"), {})
                    errors.append(f"cell {count + 1}: {error.get('ename', '?')}: {error.get('evalue', '')[:120]}")
        except KernelRunError as error:
            self.fail("run all", str(error))
        finally:
            ws.close()
        self.result["run_all_s"] = round(time.monotonic() - started, 2)
        self.result["cell_errors"] = errors
        if errors:
            self.result["failures"].append(f"run all: {errors[0]}")

    def save_and_submit(self):
        model = {"type": "notebook", "format": "json", "content": self.notebook}
        reply = self.server_api("PUT", f"/api/contents/{quote(self.nb_path)}", json=model)
        if reply.status_code != 200:
            self.fail("save", f"contents API answered {reply.status_code}")
        # nbgrader hands in the folder named after the lab in the student's home: save a copy there
        self.server_api("PUT", f"/api/contents/{self.lab}", json={"type": "directory"})
        reply = self.server_api("PUT", f"/api/contents/{self.lab}/{self.lab}.ipynb", json=model)
        if reply.status_code not in (200, 201):
            self.fail("hand in", f"copy into {self.lab}/ failed ({reply.status_code})")
        started = time.monotonic()
        reply = self.server_api("POST", "/assignments/submit", timeout=120,
                                data={"course_id": COURSE_ID, "assignment_id": self.lab})
        body = reply.json() if reply.headers.get("content-type", "").startswith("application/json") or \
            reply.text.startswith(("[", "{")) else {}
        if reply.status_code != 200 or (isinstance(body, dict) and not body.get("success", True)):
            detail = body.get("value", reply.text) if isinstance(body, dict) else reply.text
            self.fail("hand in", f"nbgrader submit failed: {str(detail).strip().splitlines()[-1][:200]}")
        self.result["submit_s"] = round(time.monotonic() - started, 2)

    def probe_isolation(self, other, inbound):
        """From this student's kernel, try another student's home and notebook and the exchange's inbound."""
        code = (
            "import json, os\n"
            "found = {}\n"
            f"for label, path in [('home', '/home/{other}'), ('notebook', '/home/{other}/{self.nb_path}'),\n"
            f"                    ('inbound', {str(inbound)!r})]:\n"
            "    try:\n"
            "        os.listdir(path) if label != 'notebook' else open(path).read(100)\n"
            "        found[label] = 'READ'\n"
            "    except PermissionError:\n"
            "        found[label] = 'denied'\n"
            "    except OSError as error:\n"
            "        found[label] = type(error).__name__\n"
            "print(json.dumps(found))\n")
        ws = self.socket()
        try:
            outputs, _ = ws.execute(code, 60)
        finally:
            ws.close()
        text = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
        return json.loads(text.strip().splitlines()[-1]) if text.strip() else {"error": str(outputs)[:200]}

    def probe_other_server(self, other):
        """Through the hub: this student's token and browser session against another's server."""
        import requests

        with_token = requests.get(f"{self.hub.url}/user/{other}/api/contents", timeout=30,
                                  headers={"Authorization": f"token {self.token}"}, allow_redirects=False)
        with_browser = self.browser.get(f"{self.hub.url}/user/{other}/api/contents", timeout=30)
        opened = lambda r: r.status_code == 200 and r.text.lstrip().startswith("{")  # noqa: E731
        return {"token": with_token.status_code, "browser": with_browser.status_code,
                "read": opened(with_token) or opened(with_browser)}

    def stop_kernel(self):
        if self.session_id:
            self.server_api("DELETE", f"/api/sessions/{self.session_id}")
            self.session_id = None


# --- measuring -------------------------------------------------------------------------------------

class Sampler:
    """Once a second: PSS and private memory of every process of the test accounts, and machine memory."""

    def __init__(self, names):
        import pwd

        self.uids = {pwd.getpwnam(n).pw_uid: n for n in names}
        self.peaks = {}  # (name, role) -> peak {'pss', 'private', 'rss'}
        self.used = []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        from hub import procstat

        while not self.stop_event.wait(1.0):
            self.used.append((time.monotonic(), procstat.used_memory_mib()))
            for uid, name in self.uids.items():
                for pid in procstat.pids_of_uid(uid):
                    role = "kernel" if "ipykernel_launcher" in procstat.cmdline(pid) else "server"
                    mem = procstat.memory_mib(pid)
                    if mem is None:
                        continue
                    peak = self.peaks.setdefault((name, role), {"pss": 0, "private": 0, "rss": 0})
                    for key in peak:
                        peak[key] = max(peak[key], mem[key])

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(timeout=5)


def process_costs(name, kernel_id):
    """Now: the student's kernel and server processes, memory and CPU seconds."""
    import pwd

    from hub import procstat

    uid = pwd.getpwnam(name).pw_uid
    out = {}
    for pid in procstat.pids_of_uid(uid):
        line = procstat.cmdline(pid)
        role = "kernel" if kernel_id and kernel_id in line else ("server" if "jupyterhub-singleuser" in line else None)
        if role is None:
            continue
        mem, cpu = procstat.memory_mib(pid), procstat.cpu_seconds(pid)
        if mem is not None:
            out[role] = {"pid": pid, "cpu_s": cpu, **{k: round(v, 1) for k, v in mem.items()}}
    return out


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


# --- the run ---------------------------------------------------------------------------------------

def simulate(args, hub, names, repo, inbound, sampler):
    key_nb = json.loads((ROOT / "labs" / f"{args.lab}.ipynb").read_text())
    students = [Student(hub, n, args.lab, repo, key_nb, args.cell_timeout) for n in names]
    start_line = threading.Barrier(len(students), timeout=args.spawn_timeout + 300)

    def one(student):
        student.login()
        student.spawn(args.spawn_timeout)
        if args.fault == "die" and student is students[0]:
            for info in process_costs(student.name, None).values():
                os.kill(info["pid"], signal.SIGKILL)  # the student's server dies under them
        student.pull()
        student.open_lab()
        try:
            start_line.wait()  # the whole class presses Run All at the same moment
        except threading.BrokenBarrierError:
            student.fail("run all", "another student failed before Run All")
        student.run_all()
        student.result["process"] = process_costs(student.name, student.kernel_id)
        student.save_and_submit()
        return student

    with ThreadPoolExecutor(max_workers=len(students)) as pool:
        futures = [pool.submit(one, s) for s in students]
        errors = []
        for future in futures:
            try:
                future.result(timeout=args.deadline)
            except HubTestError as error:
                errors.append(str(error))
                start_line.abort()
            except Exception as error:  # an unexpected failure of one student: report it, stop the run
                errors.append(f"{type(error).__name__}: {error}")
                start_line.abort()
        if errors:
            raise HubTestError(errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    isolation = None
    if len(students) >= 2:
        a, b = students[0], students[1]
        isolation = {"through_hub": a.probe_other_server(b.name), "from_kernel": a.probe_isolation(b.name, inbound)}
    for student in students:
        student.stop_kernel()
        peaks = {role: sampler.peaks.get((student.name, role)) for role in ("kernel", "server")}
        student.result["peak"] = peaks
    return [s.result for s in students], isolation


def wait_for_culling(hub, names, cull_timeout):
    started = time.monotonic()
    deadline = started + 3 * cull_timeout + 60
    while time.monotonic() < deadline:
        users = {u["name"]: u for u in hub.api("GET", "/users").json() if u["name"] in names}
        running = [n for n, u in users.items() if u.get("servers")]
        if not running:
            return round(time.monotonic() - started, 1)
        time.sleep(2)
    raise HubTestError(f"the idle culler left {len(running)} server(s) running {deadline - started:.0f} s "
                       f"after the class went idle ({', '.join(running)}; log: {hub.log})")


def grade(course, lab, exchange, names):
    started = time.monotonic()
    nbgrader(course, "collect", lab, exchange=exchange)
    collected = time.monotonic() - started
    run([sys.executable, "-m", "instructor.course", "autograde", course, lab], "instructor.course autograde",
        timeout=300 + 120 * len(names))
    graded = time.monotonic() - started - collected
    run([sys.executable, "-m", "instructor.course", "export", course], "instructor.course export")
    import csv

    with open(course / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f) if r["lab"] == lab}
    return {"collect_s": round(collected, 1), "autograde_s": round(graded, 1), "rows": rows}


def summarize(results, isolation, grades, cull_s, used, baseline, n):
    kernels = [r.get("process", {}).get("kernel", {}) for r in results]
    servers = [r.get("process", {}).get("server", {}) for r in results]
    peaks_k = [(r.get("peak") or {}).get("kernel") or {} for r in results]
    summary = {
        "students": n,
        "spawn_s_median": median([r.get("spawn_s") for r in results]),
        "spawn_s_max": max((r.get("spawn_s", 0) for r in results), default=None),
        "pull_s_median": median([r.get("pull_s") for r in results]),
        "run_all_s_median": median([r.get("run_all_s") for r in results]),
        "run_all_s_max": max((r.get("run_all_s", 0) for r in results), default=None),
        "kernel_cpu_s_median": median([k.get("cpu_s") for k in kernels]),
        "kernel_pss_mib_median": median([k.get("pss") for k in kernels]),
        "kernel_private_mib_median": median([k.get("private") for k in kernels]),
        "kernel_rss_mib_median": median([k.get("rss") for k in kernels]),
        "kernel_peak_pss_mib_median": median([p.get("pss") for p in peaks_k]),
        "server_pss_mib_median": median([s.get("pss") for s in servers]),
        "server_private_mib_median": median([s.get("private") for s in servers]),
        "server_cpu_s_median": median([s.get("cpu_s") for s in servers]),
        "machine_used_mib_before": round(baseline, 0),
        "machine_used_mib_peak": round(max((u for _, u in used), default=baseline), 0),
        "failures": [f for r in results for f in r["failures"]],
        "isolation": isolation,
        "grading": grades and {k: v for k, v in grades.items() if k != "rows"},
        "grades": grades and {s: f"{r['status']} {r['score']}/{r['max_score']}".strip()
                              for s, r in grades["rows"].items()},
        "culled_after_s": cull_s,
    }
    summary["machine_used_mib_per_student"] = round(
        (summary["machine_used_mib_peak"] - baseline) / max(n, 1), 0)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=DEFAULT_STUDENTS,
                        help=f"students at once (1-{MAX_STUDENTS}; default {DEFAULT_STUDENTS}, what 2 cores hold)")
    parser.add_argument("--lab", default="03_softmax", help="the lab they run (file stem)")
    parser.add_argument("--port", type=int, default=18000, help="the hub's port on 127.0.0.1")
    parser.add_argument("--repo", default=None, help="an existing class repository URL (default: make release here)")
    parser.add_argument("--cull-timeout", type=int, default=60, help="idle seconds before the culler stops a server")
    parser.add_argument("--spawn-timeout", type=int, default=120)
    parser.add_argument("--cell-timeout", type=int, default=600)
    parser.add_argument("--deadline", type=int, default=1800, help="seconds for the whole class")
    parser.add_argument("--fault", choices=["spawn", "die"], default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    hub = server = None
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # a CI time-out still stops the hub and removes the accounts
    try:
        if not 1 <= args.students <= MAX_STUDENTS:
            raise HubTestError(f"--students {args.students}: give 1 to {MAX_STUDENTS}")
        if not re.match(r"^\d\d_[a-z0-9_]+$", args.lab) or not (ROOT / "labs" / f"{args.lab}.ipynb").exists():
            raise HubTestError(f"--lab {args.lab!r} is not a lab of labs/; for example 03_softmax")
        if not 30 <= args.cull_timeout <= 3600:
            raise HubTestError(f"--cull-timeout {args.cull_timeout}: give 30 to 3600 seconds")
        check_machine()
        check_port(args.port)
        repo = check_repo(args.repo) if args.repo else None
        if WORK.exists():
            shutil.rmtree(WORK)
        WORK.mkdir(parents=True)
        os.chmod(WORK, 0o755)
        total = time.monotonic()
        say(f"class repository: {'make release, served from a local bare repository' if not repo else repo}")
        tree = class_repository(WORK)
        if repo is None:
            server, repo = serve_git(WORK)
        proxy = environment(tree)
        exchange = WORK / "exchange"
        exchange.mkdir()
        os.chmod(exchange, 0o777)
        course = course_setup(WORK, args.lab, exchange)
        names = make_users(args.students)
        # --fault spawn: a single-user command that exits at once, as a broken image would
        singleuser = "/bin/false" if args.fault == "spawn" else VENV / "bin" / "jupyterhub-singleuser"
        hub = Hub(WORK, args.port, names, proxy, exchange, args.cull_timeout, args.spawn_timeout, singleuser)
        hub.start()
        say(f"JupyterHub up at {hub.url}; {args.students} students log in, spawn, pull, run {args.lab} at once")
        baseline = __import__("hub.procstat", fromlist=["x"]).used_memory_mib()
        with Sampler(names) as sampler:
            results, isolation = simulate(args, hub, names, repo, exchange / COURSE_ID / "inbound", sampler)
        say("class done; the instructor collects and grades; the culler waits for idle servers")
        culled = {}
        culler = threading.Thread(target=lambda: culled.update(s=wait_for_culling(hub, names, args.cull_timeout)))
        culler.start()
        grades = grade(course, args.lab, exchange, names)
        culler.join(timeout=3 * args.cull_timeout + 90)
        if "s" not in culled:
            raise HubTestError(f"the idle culler did not stop every server (log: {hub.log})")
        summary = summarize(results, isolation, grades, culled["s"], sampler.used, baseline, args.students)
        summary["total_s"] = round(time.monotonic() - total, 1)
        RESULTS.write_text(json.dumps({"summary": summary, "students": results}, indent=1))
        problems = check_summary(summary, names)
        print(json.dumps(summary, indent=1))
        if problems:
            raise HubTestError("; ".join(problems))
        say(f"pass: {args.students} students, results in {RESULTS.relative_to(ROOT)}")
        return 0
    except HubTestError as error:
        print(f"hub-test: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hub-test: interrupted; stopping the hub and removing the test accounts", file=sys.stderr)
        return 130
    finally:
        if hub is not None:
            hub.stop()
        remove_users()
        if server is not None:
            server.shutdown()


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def check_summary(summary, names):
    problems = list(summary["failures"])
    for name in names:
        grade_line = (summary["grades"] or {}).get(name, "missing")
        status, _, score = grade_line.partition(" ")
        got, _, out_of = score.partition("/")
        if status != "graded" or got != out_of:
            problems.append(f"{name}'s hand-in was graded {grade_line!r}, not full marks")
    isolation = summary["isolation"]
    if isolation:
        if isolation["through_hub"]["read"]:
            problems.append("a student read another student's files through the hub")
        leaked = [k for k, v in isolation["from_kernel"].items() if v == "READ"]
        if leaked:
            problems.append(f"a student's kernel could read another's {', '.join(leaked)}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
