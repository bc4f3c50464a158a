"""Relative links in the README files and in the labs' markdown cells lead somewhere.

A link like [Lab 03](03_softmax.ipynb) must name an existing file (relative to the document), and
an anchor like [the loss](#the-loss) or [Adam](05_adam.ipynb#how-adam-works) must match a heading
of its target. Headings get GitHub's slug ("What you'll learn" -> what-youll-learn) or
JupyterLab's (What-you'll-learn); both are accepted. Web links (http:, mailto:, ...) are not
fetched: the labs run offline.
"""
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted([*ROOT.glob("*.md"), *(ROOT / "data").glob("*.md"),
                    *(ROOT / "labs").glob("[0-9][0-9]_*.ipynb")])

FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1[^\n]*$", re.S | re.M)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
INLINE_LINK = re.compile(r"!?\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]"
                         r"\(\s*<?(?P<target>[^)\s>]*)>?(?:\s+[\"'(].*?[\"')])?\s*\)")
REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>\S+?)>?(?:\s+.*)?$", re.M)
HTML_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["'](?P<target>[^"']+)["']""", re.I)
ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$", re.M)
SETEXT_HEADING = re.compile(r"^(?P<text>[^\n#>\-=*|][^\n]*)\n\s{0,3}(=+|-+)\s*$", re.M)
HTML_ID = re.compile(r"""<[a-z][^>]*?\b(?:id|name)\s*=\s*["'](?P<id>[^"']+)["']""", re.I)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def strip_code(markdown):
    """Markdown without fenced code blocks and code spans (links in code are not links)."""
    return CODE_SPAN.sub("", FENCE.sub("", markdown))


def heading_text(raw):
    """What a heading shows: inline markup removed, link text kept."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("`", "")
    text = re.sub(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    return text.strip()


def github_slug(text):
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def jupyterlab_slug(text):
    """JupyterLab's heading anchor: the heading text with spaces turned into hyphens."""
    return text.replace(" ", "-")


def anchors_of(markdown):
    """Every anchor a document's headings (and explicit id/name attributes) provide."""
    anchors = set()
    seen = {}
    code_free = FENCE.sub("", markdown)
    headings = [m.group("text") for m in ATX_HEADING.finditer(code_free)]
    headings += [m.group("text") for m in SETEXT_HEADING.finditer(code_free)]
    for raw in headings:
        text = heading_text(raw)
        slug = github_slug(text)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")  # GitHub numbers repeated headings
        anchors.add(jupyterlab_slug(text))
    anchors.update(m.group("id") for m in HTML_ID.finditer(markdown))
    return anchors


def markdown_parts(path):
    """(where, markdown) pieces of a document: the whole file, or each markdown cell of a notebook."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return [(f"cell {i}", "".join(cell["source"])) for i, cell in enumerate(cells)
                if cell["cell_type"] == "markdown"]
    return [("", path.read_text(encoding="utf-8"))]


def links_in(markdown):
    """Link targets in markdown: inline links and images, reference definitions, HTML href/src."""
    text = strip_code(markdown)
    targets = [m.group("target") for m in INLINE_LINK.finditer(text)]
    targets += [m.group("target") for m in REFERENCE_DEF.finditer(text)]
    targets += [m.group("target") for m in HTML_LINK.finditer(text)]
    return [target for target in targets if target]


def document_anchors(path, cache={}):  # noqa: B006 (a deliberate per-run cache)
    if path not in cache:
        cache[path] = anchors_of("\n\n".join(markdown for _, markdown in markdown_parts(path)))
    return cache[path]


def shown(path):
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def broken_links(path):
    """Human-readable problems with the relative links of one document."""
    problems = []
    for where, markdown in markdown_parts(path):
        for target in links_in(markdown):
            if SCHEME.match(target) or target.startswith("//"):
                continue  # web link: not fetched (offline)
            place = f"{where}: " if where else ""
            file_part, _, anchor = target.partition("#")
            file_part = unquote(file_part)
            if file_part.startswith("/"):
                problems.append(f"{place}{target!r} is an absolute path; use a path relative to {path.name}")
                continue
            destination = (path.parent / file_part).resolve() if file_part else path
            if not destination.exists():
                problems.append(f"{place}{target!r}: no file {shown(destination)}")
                continue
            anchors = document_anchors(destination) if destination.suffix in (".md", ".ipynb") else None
            if anchor and anchors is not None and unquote(anchor) not in anchors and anchor not in anchors:
                known = sorted(a for a in anchors if a == a.lower())
                problems.append(f"{place}{target!r}: no heading with anchor #{anchor} in "
                                f"{destination.name} (GitHub-style anchors there: {', '.join(known[:12]) or 'none'})")
    return problems


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(ROOT)) for p in DOCUMENTS])
def test_relative_links_resolve(path):
    problems = broken_links(path)
    assert not problems, f"{path.relative_to(ROOT)}: broken links\n" + "\n".join(f"  - {p}" for p in problems)


def test_the_readmes_are_checked():
    names = {str(p.relative_to(ROOT)) for p in DOCUMENTS}
    assert "data/README.md" in names


# the checker itself


@pytest.mark.parametrize(("heading", "github", "jupyterlab"), [
    ("What you'll learn", "what-youll-learn", "What-you'll-learn"),
    ("2. The `softmax` function", "2-the-softmax-function", "2.-The-softmax-function"),
    ("Adam: **adaptive** moments", "adam-adaptive-moments", "Adam:-adaptive-moments"),
    ("See [Lab 03](03_softmax.ipynb)", "see-lab-03", "See-Lab-03"),
])
def test_heading_slugs(heading, github, jupyterlab):
    text = heading_text(heading)
    assert github_slug(text) == github and jupyterlab_slug(text) == jupyterlab


def test_links_and_anchors_are_found(tmp_path):
    (tmp_path / "a.md").write_text("# Top\n\n## Part two\n\n## Part two\n\n<a id=\"custom\"></a>\n",
                                   encoding="utf-8")
    doc = tmp_path / "b.md"
    doc.write_text("[ok](a.md#part-two) [dup](a.md#part-two-1) [jl](a.md#Part-two) [id](a.md#custom)\n"
                   "[bad file](missing.ipynb) [bad anchor](a.md#nope) [web](https://example.org/x#y)\n"
                   "`[in code](nowhere.md)` [self](#nowhere) [abs](/etc/passwd)\n"
                   "```\n[fenced](nowhere.md)\n```\n", encoding="utf-8")
    problems = broken_links(doc)
    assert len(problems) == 4, problems
    assert "missing.ipynb" in problems[0] and "#nope" in problems[1]
    assert "#nowhere" in problems[2] and "absolute path" in problems[3]
