"""The course site in Chromium (`make test`'s browser run): every page loads without a console error or a
request leaving the machine, every figure is shown, math is typeset, no internal link is broken, the launch
links are well formed and the notebook downloads, and search finds a term of Lab 05.

The site is built by tests/browser/site_server.py (scripts/course_site.py, example repository and hub).
"""
import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest
from site_server import built_site, site_pages, site_url

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
SEARCH_TERM = "bias correction"  # taught in Lab 05 (the Adam optimizer), in no other lab

PAGE_FACTS_JS = """() => {
    const article = document.querySelector('article') || document.body;
    const images = [...article.querySelectorAll('img')];
    return {
        images: images.length,
        loaded: images.filter(img => img.complete && img.naturalWidth > 0).length,
        mathSpans: article.querySelectorAll('.math').length,
        math: article.querySelectorAll('mjx-container').length,
        mathErrors: article.querySelectorAll('mjx-merror').length,
        untypeset: article.querySelectorAll('.math:not(:has(mjx-container))').length,
        links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
        ids: [...document.querySelectorAll('[id]')].map(element => element.id),
    };
}"""


@pytest.fixture(scope="module")
def site_page(browser):
    """A page that records console errors, page errors and any request that would leave 127.0.0.1."""
    page = browser.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def local_only(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", None):
            route.continue_()
        else:
            problems.append(f"request off the machine: {route.request.url}")
            route.abort()

    page.route("**/*", local_only)
    page.problems = problems
    yield page
    page.close()


def visit(page, path):
    page.problems.clear()
    page.goto(f"{site_url()}/{path}", wait_until="networkidle")
    page.evaluate("async () => { if (window.MathJax?.startup?.promise) await MathJax.startup.promise; }")
    return page.evaluate(PAGE_FACTS_JS)


def expected_images(name):
    """Images a lab page shows: the figures among the stored outputs the site keeps."""
    page = nbformat.read(built_site().with_name("site-source") / name, as_version=4)
    return sum(1 for cell in page.cells if cell.cell_type == "code" for output in cell.outputs
               if "image/png" in output.get("data", {}) or "<img" in output.get("data", {}).get("text/html", ""))


def test_the_site_has_a_home_page_and_a_page_per_lab():
    pages = site_pages()
    assert {"index.html", "search.html", "genindex.html"} == {page for page in pages if not re.match(r"\d\d_", page)}
    assert [f"{path.stem}.html" for path in LABS] == [page for page in pages if re.match(r"\d\d_", page)]


@pytest.mark.parametrize("path", ["index.html", "search.html"] + [f"{lab.stem}.html" for lab in LABS])
def test_page_loads_cleanly_shows_its_figures_and_typesets_its_math(site_page, path):
    facts = visit(site_page, path)
    assert not site_page.problems, "\n".join(site_page.problems)
    assert facts["loaded"] == facts["images"], f"{facts['images'] - facts['loaded']} image(s) not shown"
    if re.match(r"\d\d_", path):
        assert facts["images"] == expected_images(path.replace(".html", ".ipynb"))
    assert facts["math"] >= facts["mathSpans"] and facts["mathErrors"] == 0 and facts["untypeset"] == 0, \
        {key: facts[key] for key in ("mathSpans", "math", "mathErrors", "untypeset")}


def test_no_internal_link_is_broken(site_page):
    """Every link from any page to the site itself leads to a file that exists, and to an id on it."""
    ids, links = {}, []
    for path in site_pages():
        facts = visit(site_page, path)
        ids[path] = set(facts["ids"])
        links += [(path, link) for link in facts["links"]]
    broken = []
    for page, link in links:
        target = urlsplit(urljoin(f"{site_url()}/{page}", link))
        if target.hostname != "127.0.0.1" or link.startswith(("http:", "https:", "mailto:")):
            continue
        file = target.path.lstrip("/") or "index.html"
        if not (built_site() / file).is_file():
            broken.append(f"{page}: {link} (no file {file})")
        elif target.fragment and file.endswith(".html") and target.fragment not in ids.get(file, set()):
            broken.append(f"{page}: {link} (no id {target.fragment} on {file})")
    assert len(links) > 50
    assert not broken, "\n".join(broken)


def test_launch_links_are_well_formed_and_the_notebook_downloads(site_page):
    for lab in LABS:
        visit(site_page, f"{lab.stem}.html")
        links = site_page.locator("nav.site-launch a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert len(hrefs) == 4, hrefs
        for href in hrefs[:3]:
            parts = urlsplit(href)
            assert parts.scheme == "https" and parts.hostname and " " not in href, href
        assert lab.name in hrefs[0] and lab.name in hrefs[1] and lab.stem in hrefs[2]
        assert links.nth(3).get_attribute("download") is not None
        with urllib.request.urlopen(f"{site_url()}/{hrefs[3]}") as response:
            notebook = json.loads(response.read())
        assert notebook["nbformat"] == 4 and notebook["cells"]


def test_search_finds_a_term_of_lab_05(site_page):
    lab05 = nbformat.read(ROOT / "labs" / "05_adam.ipynb", as_version=4)
    assert any(SEARCH_TERM in cell.source for cell in lab05.cells if cell.cell_type == "markdown"), \
        f"Lab 05 no longer says {SEARCH_TERM!r}: choose another of its terms for this test"
    site_page.goto(f"{site_url()}/search.html?q={SEARCH_TERM.replace(' ', '+')}", wait_until="networkidle")
    site_page.wait_for_function("() => /Search finished/.test(document.querySelector('#search-results')"
                                "?.textContent ?? '')", timeout=20_000)
    found = site_page.locator("#search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(href.startswith("05_adam.html") for href in found), found
