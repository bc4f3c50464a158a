"""The course site: every lab as a web page, with launch links, in build/site/ (`make site`).

    python scripts/course_site.py [--out DIR] [--repo URL] [--hub URL] [--branch main]

What a page shows is the student's edition of the lab (scripts/workbook.py `release_notebook`:
exercises as their stubs, hints collapsed, no solution reveals), with the stored outputs of the
answer key put back only where they cannot give an answer away: a code cell keeps its outputs when
it is no exercise and no check, and reads no name that an exercise cell defines, nor any name a
cell computed from one (followed through the cells in order). Nothing is executed and nothing is
fetched: Sphinx with MyST-NB renders the stored outputs, MathJax comes from the site itself.

Each lab page starts with its launch links: Colab (the Colab edition in the class repository's
colab/), Binder and a JupyterHub through nbgitpuller (hub/links.py), all from the two values in
pyproject.toml's [tool.labs] (class_repository, hub_url), and a download of the student notebook.
An explorer (utils.widgets.live_figure) needs a running kernel: its page shows the picture stored
with it, if any, and a line naming what it lets the student explore.

Node.js and npm (Debian's) install site/package-lock.json once into build/site-node/ (MathJax and
axe-core, which the accessibility tests inject); that is set-up, like .venv: the build needs no
network.
"""
import argparse
import ast
import hashlib
import html
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labrun import ROOT, lab_paths  # noqa: E402
from release import colab_link  # noqa: E402
from workbook import exercise_layout, release_notebook  # noqa: E402

sys.path.insert(0, str(ROOT))
from hub.links import LinkError, check_hub_url, check_repo_url, pull_link  # noqa: E402

SITE = ROOT / "site"
OUT = ROOT / "build" / "site"
NODE = ROOT / "build" / "site-node"
WIDGET = "application/vnd.jupyter.widget-view+json"
# MathJax 3's combined TeX component and what it loads at run time (fonts, extensions, menu, speech)
MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml", "a11y", "ui", "sre", "adaptors"]


class SiteError(Exception):
    """The site cannot be built (the message says what to do)."""


# ---------------------------------------------------------------- configuration

def labs_config(pyproject=ROOT / "pyproject.toml"):
    """[tool.labs] of pyproject.toml: the class repository and the hub, set in this one place."""
    return tomllib.loads(Path(pyproject).read_text(encoding="utf-8")).get("tool", {}).get("labs", {})


def launch_targets(repo, hub, branch="main"):
    """{lab name: [(label, url), ...]} makers; None for a link that the configuration cannot make."""
    try:
        repo = check_repo_url(repo)
    except LinkError as error:
        print(f"site: no Colab, Binder or JupyterHub links: {error}", file=sys.stderr)
        return None
    try:
        hub = check_hub_url(hub) if hub else None
    except LinkError as error:
        print(f"site: no JupyterHub link: {error}", file=sys.stderr)
        hub = None
    parts = urlsplit(repo)
    github = parts.hostname == "github.com"
    slug = parts.path.strip("/").removesuffix(".git")

    def links(name):
        found = []
        if github:
            found.append(("Open in Colab", colab_link(repo, name, branch)))
            found.append(("Launch on Binder",
                          f"https://mybinder.org/v2/gh/{slug}/{branch}?urlpath=lab/tree/labs/{name}"))
        if hub:
            found.append(("Open on the class JupyterHub", pull_link(hub, repo, Path(name).stem, branch)))
        return found

    return links


# ---------------------------------------------------------------- which outputs may be shown

def names_in(source):
    """(names the cell reads, names it binds) at any depth; (None, None) when it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None, None
    read, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return read, bound


def safe_cells(lab):
    """Indices of the answer key's code cells whose stored outputs show no answer.

    Exercise and check cells never qualify. A name an exercise cell binds is tainted, and so is every
    name bound by a cell that reads a tainted name; a cell reading one is not safe. A cell that does
    not parse (IPython magics) is not safe either.
    """
    layout = exercise_layout(lab.cells)
    exercises = {i for i, _, _ in layout}
    checks = {check for _, check, _ in layout}
    tainted, safe = set(), set()
    for i, cell in enumerate(lab.cells):
        if cell.cell_type != "code":
            continue
        read, bound = names_in(cell.source)
        if read is None:
            continue
        if i in exercises or i in checks or read & tainted:
            tainted |= bound
        else:
            safe.add(i)
    return safe


def html_image(png, alt):
    return f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}">'


def explorer_note(output, launch_hint):
    """A widget's output as the site shows it: its stored picture, if any, and a line saying what it does."""
    controls = output.get("metadata", {}).get(WIDGET, {}).get("controls") or []
    what = (f"the controls for {', '.join(controls[:-1]) + ' and ' if len(controls) > 1 else ''}{controls[-1]}"
            if controls else "its controls")
    note = (f'<p class="site-explorer"><strong>Explorer.</strong> When the lab runs, {html.escape(what)} '
            f"redraw the figure here as you move them. {launch_hint}</p>")
    kept = []
    data = output.get("data", {})
    if "image/png" in data:
        alt = output.get("metadata", {}).get("image/png", {}).get("alt") or "".join(data.get("text/plain", ""))
        kept.append(nbformat.v4.new_output("display_data", data={"text/html": html_image(data["image/png"], alt)}))
    kept.append(nbformat.v4.new_output("display_data", data={"text/html": note}))
    return kept


def shown_outputs(outputs, launch_hint):
    """Stored outputs as the site shows them: no stderr; an explorer as its picture and a line."""
    shown = []
    for output in outputs:
        if output.output_type == "stream" and output.get("name") == "stderr":
            continue
        data = output.get("data", {})
        if output.output_type in ("display_data", "execute_result") and WIDGET in data:
            shown += explorer_note(output, launch_hint)
            continue
        alt = output.get("metadata", {}).get("image/png", {}).get("alt")
        if "image/png" in data and "text/html" not in data and alt:  # a figure's alt text, as the page's alt
            output = nbformat.from_dict({**output, "data": {**data, "text/html": html_image(data["image/png"], alt)}})
        shown.append(output)
    return shown


# ---------------------------------------------------------------- the pages

def title_of(nb, fallback):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = re.search(r"^#[ \t]+(.+)$", cell.source, re.M)
            if found:
                return found.group(1).strip()
    return fallback


def minutes_of(nb):
    """The lab's estimated time as its first cells state it ("Estimated time: 40 minutes ..."), else ""."""
    for cell in nb.cells[:4]:
        found = re.search(r"[Ee]stimated time\W*(\d+(?:\s*[-–]\s*\d+)?\s*min)", cell.source) \
            if cell.cell_type == "markdown" else None
        if found:
            return found.group(1).replace("min", "minutes")
    return ""


def launch_links(name, links):
    """The launch links of a lab page (an HTML block of the page's first markdown cell)."""
    items = [f'<li><a href="{html.escape(url)}">{html.escape(label)}</a></li>' for label, url in links]
    items.append(f'<li><a href="notebooks/{name}" download>Download the notebook ({name})</a></li>')
    return ('<nav class="site-launch" aria-label="Launch this lab">\n<p>Run this lab:</p>\n<ul>\n'
            + "\n".join(items) + "\n</ul>\n</nav>")


def site_notebook(lab, name, links):
    """The page of one lab: the release edition, its safe outputs back, launch links under the title."""
    nb = release_notebook(lab)
    if len(nb.cells) != len(lab.cells):
        raise SiteError(f"{name}: the release edition no longer has the answer key's cells one for one")
    hint = "Launch the lab (links at the top of this page) to try it."
    for i in safe_cells(lab):
        nb.cells[i].outputs = shown_outputs(lab.cells[i].outputs, hint)
    block = launch_links(name, links)
    for cell in nb.cells:
        heading = re.search(r"^#[ \t].*$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if heading:  # right under the title
            cell.source = f"{cell.source[:heading.end()]}\n\n{block}\n\n{cell.source[heading.end():].lstrip()}"
            break
    else:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(block))
    nb.metadata.pop("widgets", None)
    return nb


def home_page(labs):
    """index.md: the course, the lab table and the (hidden) table of contents."""
    rows = "\n".join(f"| {i} | [{title}]({Path(name).stem}.ipynb) | {minutes or '–'} |"
                     for i, (name, title, minutes) in enumerate(labs, 1))
    toc = "\n".join(Path(name).stem for name, _, _ in labs)
    return f"""# Neural-network training labs

Eight JupyterLab labs on how neural networks are trained with TensorFlow and Keras: the training
loop, activation functions, softmax, multi-label classification, the Adam optimizer, convolution,
derivatives and backpropagation. Each page below is a lab as a student meets it: the exercises are
there to write, the hints fold out, and the figures are the ones the lab draws. Every lab page has
links to open it in Colab, on Binder or on the class JupyterHub, and to download the notebook.

| Lab | Title | Estimated time |
| --- | --- | --- |
{rows}

Work through them in order: each lab says which ones it builds on.

```{{toctree}}
:hidden:
:maxdepth: 1

{toc}
```
"""


# ---------------------------------------------------------------- Node packages and the build

def node_packages(node_dir=NODE):
    """node_modules from site/package-lock.json (npm ci, once per lock); the folder."""
    lock = (SITE / "package-lock.json").read_bytes()
    stamp = node_dir / ".lock-sha256"
    digest = hashlib.sha256(lock).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and (node_dir / "node_modules").is_dir():
        return node_dir
    npm = shutil.which("npm")
    if npm is None:
        raise SiteError("npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)")
    node_dir.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(SITE / name, node_dir / name)
    result = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                            cwd=node_dir, capture_output=True, text=True)
    if result.returncode != 0:
        raise SiteError(f"npm ci in {node_dir} failed: {(result.stderr or result.stdout).strip()[-300:]}")
    stamp.write_text(digest)
    return node_dir


def write_source(source, repo, hub, branch):
    """The Sphinx project: conf.py, static files, MathJax, the home page and one notebook per lab."""
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(SITE / "sphinx", source)
    mathjax = node_packages() / "node_modules" / "mathjax" / "es5"
    for part in MATHJAX_PARTS:
        target = source / "_static" / "mathjax" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (mathjax / part).is_dir() else shutil.copy2)(mathjax / part, target)
    links = launch_targets(repo, hub, branch)
    downloads = source / "_extra" / "notebooks"
    downloads.mkdir(parents=True)
    labs = []
    for path in lab_paths():
        lab = nbformat.read(path, as_version=4)
        nbformat.write(release_notebook(lab), downloads / path.name)
        nbformat.write(site_notebook(lab, path.name, links(path.name) if links else []), source / path.name)
        labs.append((path.name, title_of(lab, path.stem), minutes_of(lab)))
    (source / "index.md").write_text(home_page(labs), encoding="utf-8")
    return labs


def build(out=OUT, repo=None, hub=None, branch="main"):
    config = labs_config()
    repo = repo or config.get("class_repository", "")
    hub = hub or config.get("hub_url", "")
    start = time.perf_counter()
    out = Path(out)
    source = out.with_name(out.name + "-source")  # build/site-source/ for build/site/
    labs = write_source(source, repo, hub, branch)
    if out.exists():
        shutil.rmtree(out)
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-j", "1",
                             str(source), str(out)], capture_output=True, text=True)
    problems = [line for line in (result.stderr or "").splitlines() if "WARNING" in line or "ERROR" in line]
    if result.returncode != 0:
        raise SiteError(f"sphinx-build failed: {(result.stderr or result.stdout).strip()[-600:]}")
    for line in problems:
        print(f"site: {line}", file=sys.stderr)
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ as it is
    print(f"site: {len(labs)} lab pages and the home page written to {out} in {time.perf_counter() - start:.1f} s")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=OUT, type=Path, help="where the site goes (default build/site)")
    parser.add_argument("--repo", help="class repository URL (default: [tool.labs] class_repository)")
    parser.add_argument("--hub", help="JupyterHub URL (default: [tool.labs] hub_url)")
    parser.add_argument("--branch", default="main")
    args = parser.parse_args(argv)
    try:
        build(args.out, args.repo, args.hub, args.branch)
    except (SiteError, OSError, ValueError) as error:
        print(f"site: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
