"""The course site for the browser tests: built once per test process (scripts/course_site.py, with an
example class repository and hub so that every launch link exists), served on 127.0.0.1 by a thread.

Also axe-core (from site/package-lock.json, npm) and the helpers that run it in a page.
"""
import atexit
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import course_site  # noqa: E402

REPO = "https://github.com/example-org/nn-labs-class"
HUB = "https://hub.example.edu"
BLOCKING = ("serious", "critical")


@functools.cache
def built_site():
    """The folder of the built site; built once per process, removed at exit."""
    temporary = tempfile.mkdtemp(prefix="course-site-")
    atexit.register(shutil.rmtree, temporary, ignore_errors=True)
    folder = Path(temporary) / "site"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "course_site.py"), "--out", str(folder),
                             "--repo", REPO, "--hub", HUB], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"the site did not build:\n{result.stderr[-2000:]}")
    return folder


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@functools.cache
def site_url():
    """The base URL of a static server over the built site (a daemon thread: it ends with the process)."""
    folder = built_site()
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def site_pages():
    """Every HTML page of the site, as paths relative to its root."""
    return sorted(path.relative_to(built_site()).as_posix() for path in built_site().glob("*.html"))


def axe_source():
    return (course_site.node_packages() / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def run_axe(page, context="document"):
    """axe-core's violations on the page: [{id, impact, help, nodes: [{target, html}]}]."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(rf"""async () => {{
        const result = await axe.run({context}, {{resultTypes: ['violations']}});
        return result.violations.map(v => ({{id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({{target: n.target.join(' '),
                                       html: n.html.replace(/\s+/g, " ").slice(0, 160)}}))}}));
    }}""")


def describe(violations):
    return "\n".join(f"{v['impact']} {v['id']} ({v['help']}): {len(v['nodes'])} node(s), e.g. "
                     f"{v['nodes'][0]['target']} {v['nodes'][0]['html']}" for v in violations)
