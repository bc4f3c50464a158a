"""The course site (scripts/course_site.py, `make site`): built once here, with a configured class repository and
hub, in a network namespace with no network where this machine can make one (root and `unshare`).

The site is a student route, so the release gate's search (tests/test_release.py) runs over it: no line of
any solution on any page or in any file, no solution marker, no reveal; no output of an exercise or a
check cell, nor of a cell that reads what an exercise computed. The browser tests (tests/browser/
test_site_in_browser.py, test_accessibility.py) look at the pages themselves.
"""
import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from test_release import IDIOMS, MARKERS, every_solution_line, lines_of

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import course_site  # noqa: E402
from release import colab_link  # noqa: E402
from workbook import exercise_layout  # noqa: E402

from hub.links import pull_link  # noqa: E402

LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
REPO = "https://github.com/example-org/nn-labs-class"
HUB = "https://hub.example.edu"


def can_unshare_network():
    unshare = shutil.which("unshare")
    if not unshare or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    probe = subprocess.run([unshare, "--net", "true"], capture_output=True)
    return unshare if probe.returncode == 0 else None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("course-site") / "site"
    course_site.node_packages()  # set-up (npm ci, once): the only step that may use the network
    command = [sys.executable, str(ROOT / "scripts" / "course_site.py"), "--out", str(out),
               "--repo", REPO, "--hub", HUB]
    unshare = can_unshare_network()
    if unshare:
        command = [unshare, "--net", *command]  # only a loopback device, and it is down
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return out


class TextOf(HTMLParser):
    """The lines of text a reader meets on a page (scripts and styles left out)."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_lines(path):
    parser = TextOf()
    parser.feed(path.read_text(encoding="utf-8"))
    return {line.strip() for line in "".join(parser.parts).splitlines() if line.strip()}


def lab_pages(site):
    return [site / f"{path.stem}.html" for path in LABS]


def test_home_page_lists_every_lab_in_order(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    table = text[text.index("<table"):text.index("</table>")]
    assert re.findall(r'href="(\d\d_\w+)\.html"', table) == [path.stem for path in LABS]
    for page in lab_pages(site):
        assert page.exists(), page.name


def test_no_answer_on_any_page_or_in_any_file(site):
    """The release gate over the site: no solution line (the labs' shared idioms aside), no marker."""
    answers = every_solution_line()
    assert len(answers) > 40, "the answer key's solution lines were not found"
    leaks = []
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".ipynb", ".js", ".txt"):
            continue
        if "_static" in path.parts:
            continue  # the theme's and MathJax's own files
        text = path.read_text(encoding="utf-8", errors="replace")
        name = path.relative_to(site).as_posix()
        assert not [marker for marker in MARKERS if marker in text], name
        assert "solution-reveal" not in text and "Solution:" not in text, name
        found = lines_of(path, text) if path.suffix == ".ipynb" else page_lines(path) if path.suffix == ".html" \
            else {line.strip() for line in text.splitlines()}
        leaks += [f"{name}: {line!r}" for line in sorted((found & answers.keys()) - IDIOMS)]
    assert not leaks, "solution lines on the site:\n" + "\n".join(leaks)


def test_no_output_of_an_exercise_or_check_or_what_reads_them(site):
    source = site.with_name(site.name + "-source")
    for path in LABS:
        lab = nbformat.read(path, as_version=4)
        page = nbformat.read(source / path.name, as_version=4)
        safe = course_site.safe_cells(lab)
        for i, cell in enumerate(page.cells):
            if cell.cell_type == "code" and i not in safe:
                assert cell.outputs == [], f"{path.name} cell {i}"
        for exercise, check, _ in exercise_layout(lab.cells):
            assert exercise not in safe and check not in safe, path.name
        shown = "".join(str(output) for cell in page.cells if cell.cell_type == "code" for output in cell.outputs)
        assert "✅" not in shown and not re.search(r"checks? passed", shown), path.name  # a check's verdict
        assert "Traceback" not in shown, path.name


def test_outputs_that_read_an_exercise_are_held_back():
    cells = [nbformat.v4.new_code_cell(source) for source in (
        "import numpy as np\nz = np.arange(3)",                                  # 0 safe
        "def softmax(z):\n    ### BEGIN SOLUTION\n    return z\n    ### END SOLUTION",  # 1 exercise
        "check_softmax(softmax)",                                                # 2 its check
        "p = softmax(z)",                                                        # 3 reads the answer
        "print(p.round(3))",                                                     # 4 reads what it computed
        "print(z.sum())",                                                        # 5 safe
        "%timeit z.sum()",                                                       # 6 a magic: not parsed
    )]
    lab = nbformat.v4.new_notebook(cells=cells)
    assert course_site.safe_cells(lab) == {0, 5}


def test_every_lab_page_has_its_launch_links(site):
    for path in LABS:
        text = (site / f"{path.stem}.html").read_text(encoding="utf-8")
        nav = text[text.index('<nav class="site-launch"'):]
        nav = nav[:nav.index("</nav>")]
        links = [html.unescape(link) for link in re.findall(r'href="([^"]+)"', nav)]
        assert links == [
            colab_link(REPO, path.name),
            f"https://mybinder.org/v2/gh/example-org/nn-labs-class/main?urlpath=lab/tree/labs/{path.name}",
            pull_link(HUB, REPO, path.stem),
            f"notebooks/{path.name}",
        ], path.name
        download = nbformat.read(site / "notebooks" / path.name, as_version=4)
        assert all(cell.outputs == [] for cell in download.cells if cell.cell_type == "code"), path.name


def test_a_placeholder_repository_makes_no_launch_link(capsys):
    assert course_site.launch_targets("https://github.com/OWNER/nn-labs-class", HUB) is None
    assert "placeholder" in capsys.readouterr().err


def test_explorers_show_their_first_picture_and_a_line_saying_what_they_explore(site):
    source = site.with_name(site.name + "-source")
    for path in LABS:
        lab = nbformat.read(path, as_version=4)
        widgets = [i for i in course_site.safe_cells(lab)
                   if any(course_site.WIDGET in output.get("data", {}) for output in lab.cells[i].outputs)]
        page = nbformat.read(source / path.name, as_version=4)
        for i in widgets:
            notes = [output for output in page.cells[i].outputs if "site-explorer" in output.data.get("text/html", "")]
            assert len(notes) == 1 and "When the lab runs" in notes[0].data["text/html"], f"{path.name} cell {i}"
            pictures = [output for output in page.cells[i].outputs
                        if "alt=\"The explorer&#x27;s first picture:" in output.data.get("text/html", "")]
            assert len(pictures) == 1, f"{path.name} cell {i}: the explorer's first picture, with its alt text"


def test_nbconvert_gives_a_shown_figure_its_alt_text(monkeypatch):
    """utils.plots.show's output in nbconvert's default HTML (the lab template): the <img> has the alt text.
    (JupyterLab: tests/browser/test_accessibility.py, axe's image-alt on every lab; the site: above.)"""
    import matplotlib.pyplot as plt
    from nbconvert import HTMLExporter

    import utils.plots

    shown = []
    monkeypatch.setattr("IPython.display.display",
                        lambda data, raw, metadata: shown.append(nbformat.v4.new_output(
                            "display_data", data=data, metadata=metadata)))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    utils.plots.show(fig, "A line falling from 1 to 0 & no further.")
    cell = nbformat.v4.new_code_cell("show(fig, alt)")
    cell.outputs = shown
    body, _ = HTMLExporter().from_notebook_node(nbformat.v4.new_notebook(cells=[cell]))
    images = re.findall(r"<img[^>]*>", body)
    assert len(images) == 1 and 'alt="A line falling from 1 to 0 &amp; no further."' in images[0]
