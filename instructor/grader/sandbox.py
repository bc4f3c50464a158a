"""A kernel for a submission, inside a bubblewrap sandbox that shows it the student environment only.

Mounted read-only: the system folders, the Python installation and virtual environment the grader
runs in, and the `utils` package; read-write: a scratch folder, which is also the kernel's home and
working folder. Nothing else of the machine exists for the kernel: not the course, the answer key,
the gradebook or the grader. The environment is cleared too (no grading switch to flip), and there is
no network: the kernel talks to the grader over Unix sockets in the scratch folder.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty

from jupyter_client import KernelManager

from instructor.grader import wire

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")
MAX_STREAM_CHARS = 20_000  # per cell: what a flood of output may leave in the feedback
MAX_IMAGE_BYTES = 2_000_000


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start here (the message says why and what to do)."""


class KernelStopped(RuntimeError):
    """The kernel died while running a cell or a probe (the submission exited or crashed)."""


class TimedOut(RuntimeError):
    """A cell or a probe did not finish in time."""


def _utils_dir():
    import utils

    return Path(utils.__file__).resolve().parent


def sandbox_command(scratch):
    """The bwrap command line that starts a kernel with its connection file in scratch."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("grading needs bubblewrap to keep submissions away from the answers: "
                                 "install it (Debian/Ubuntu: apt-get install bubblewrap) and grade again")
    python = Path(sys.executable)
    command = [bwrap, "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net",
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    read_only = [d for d in SYSTEM_DIRS if os.path.lexists(d)]
    read_only += sorted({str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix)} | {str(_utils_dir())})
    for path in read_only:
        command += ["--ro-bind", path, path]
    scratch = str(scratch)
    command += ["--bind", scratch, scratch, "--chdir", scratch, "--clearenv"]
    environment = {"HOME": scratch, "PATH": f"{python.parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
                   "MPLCONFIGDIR": scratch, "KERAS_HOME": scratch, "IPYTHONDIR": f"{scratch}/.ipython",
                   "JUPYTER_RUNTIME_DIR": scratch, "TF_CPP_MIN_LOG_LEVEL": "3",
                   "LABS_BACKGROUND_IMPORT": "0"}  # TensorFlow imported in the set-up cell, not in a timed call
    for name, value in environment.items():
        command += ["--setenv", name, value]
    return command + ["--", str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]


class SandboxedKernel:
    """One submission's kernel. run_cell() runs notebook code; call() runs one probe and reads its answer."""

    def __init__(self, start_timeout=120):
        self.scratch = Path(tempfile.mkdtemp(prefix="grade-"))
        self.start_timeout = start_timeout
        self.km = self.kc = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def start(self):
        # No network inside the sandbox: the kernel talks to the grader over Unix sockets in scratch.
        self.km = KernelManager(connection_file=str(self.scratch / "connection.json"), transport="ipc",
                                ip=str(self.scratch / "kernel"))
        self.km.kernel_spec.argv = sandbox_command(self.scratch)
        self.km.kernel_spec.env = {}
        self.km.start_kernel(cwd=str(self.scratch), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=self.start_timeout)
        except RuntimeError as error:
            self.stop()
            raise SandboxUnavailable(f"the sandboxed kernel did not start: {error}") from None

    def stop(self):
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            self.km.shutdown_kernel(now=True)
        self.km = self.kc = None

    def restart(self):
        self.stop()
        self.start()

    def alive(self):
        return self.km is not None and self.km.is_alive()

    def run_cell(self, code, timeout):
        """Run code as a notebook cell; return its outputs (nbformat dicts, floods cut short).

        Raises TimedOut or KernelStopped; the kernel must then be restarted.
        """
        collector = _Outputs()
        self._execute(code, timeout, collector.add)
        return collector.outputs

    def call(self, target, args=(), kwargs=None, call=True, timeout=20):
        """Call target(*args, **kwargs) (or read target) in the kernel; return wire.read_answer's pair."""
        path = self.scratch / f"answer-{uuid.uuid4().hex}.json"
        self._execute(wire.probe_code(target, args, kwargs or {}, call, path), timeout, lambda msg: None)
        if not path.exists():
            raise wire.Unreadable("no answer was written (was the probe stopped?)")
        try:
            return wire.read_answer(path)
        finally:
            path.unlink(missing_ok=True)

    def _execute(self, code, timeout, on_output):
        if not self.alive():
            raise KernelStopped("the kernel is not running")
        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimedOut(f"did not finish within {timeout:g} s")
            try:
                msg = self.kc.get_iopub_msg(timeout=min(remaining, 1.0))
            except Empty:
                if not self.alive():
                    raise KernelStopped("the kernel stopped (the code exited or crashed it)") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return
            on_output(msg)


class _Outputs:
    """Kernel messages turned into nbformat outputs, with text floods and huge images cut."""

    def __init__(self):
        self.outputs, self.chars = [], 0

    def add(self, msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            room = MAX_STREAM_CHARS - self.chars
            if room <= 0:
                return
            text = content["text"][:room]
            self.chars += len(text)
            if self.chars >= MAX_STREAM_CHARS:
                text += "\n[... output cut by the grader ...]\n"
            if self.outputs and self.outputs[-1].get("name") == content["name"]:
                self.outputs[-1]["text"] += text
            else:
                self.outputs.append({"output_type": "stream", "name": content["name"], "text": text})
        elif kind in ("display_data", "execute_result"):
            data = {k: v for k, v in content["data"].items()
                    if k in ("text/plain", "image/png") and len(v) <= MAX_IMAGE_BYTES}
            output = {"output_type": kind, "data": data, "metadata": {}}
            if kind == "execute_result":
                output["execution_count"] = content.get("execution_count")
            self.outputs.append(output)
        elif kind == "error":
            self.outputs.append({"output_type": "error", "ename": content["ename"][:200],
                                 "evalue": content["evalue"][:2000], "traceback": content["traceback"][-20:]})
