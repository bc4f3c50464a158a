"""Accessibility in Chromium (`make test`'s browser run), with axe-core 4.14 from npm (site/package.json).

- Every page of the course site: no serious or critical axe violation at all; every figure of a lab page
  has a text alternative (not a file name); headings in order with one H1.
- Every lab opened in JupyterLab with its stored outputs: no serious or critical violation in the lab's
  own content (rendered markdown and outputs); in JupyterLab's interface, only the rules named in
  INTERFACE_RULES (measured on JupyterLab 4.6.6, DESIGN.md's accessibility baseline), which belong to
  JupyterLab, not to the labs. Headings in order with one H1 there too.
- Every explorer (utils.widgets.live_figure) of every lab, after Run All: each control is reached with
  Tab from the one before it, and keys alone (arrows on a slider, Alt+ArrowDown then arrows and Enter on a
  list, Space on a box or a button) change the control's value and redraw the figure; its caption's live
  region stays the same element meanwhile (Lab 07's explorer: that region then holds the new text).
"""
import json
import re
import secrets
from pathlib import Path

import pytest
from site_server import BLOCKING, describe, run_axe, site_url

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
# JupyterLab 4.6.6's own interface, whatever the lab (DESIGN.md): code editors without a label, the cell
# list's role="feed" without the children it names, the heading-collapse buttons without a name, and
# aria-pressed on toolbar buttons. Left to JupyterLab; held to zero inside the lab's content.
INTERFACE_RULES = {"aria-input-field-name", "aria-required-children", "button-name", "aria-allowed-attr"}
CONTENT = ".jp-OutputArea-output, .jp-RenderedMarkdown"
FIGURE = ".widget-vbox:has(> .widget-hbox):has(> * > img.labs-frame)"
LIVE_REGION = ':scope > * [role="status"][aria-live="polite"]'  # an explorer's caption, inside FIGURE
# what a student tabs to in an explorer's controls: a slider's handle, then its editable readout, a list, a box,
# a button, a text field
CONTROLS = (".noUi-handle, .widget-readout, select, input[type=checkbox], button, input[type=text], "
            "input[type=number], textarea")

HEADINGS_JS = """(root) => [...document.querySelectorAll(root)].flatMap(scope =>
    [...scope.querySelectorAll('h1, h2, h3, h4, h5, h6')]).map(h => [Number(h.tagName[1]), h.textContent.trim()])"""

ALT_TEXTS_JS = """() => [...document.querySelectorAll('article img')].map(img => img.getAttribute('alt'))"""


def heading_problems(headings):
    """One H1, first; no level skipped on the way down (h2 then h4)."""
    problems = []
    levels = [level for level, _ in headings]
    if levels.count(1) != 1 or (levels and levels[0] != 1):
        problems.append(f"{levels.count(1)} H1 heading(s), first heading level {levels[:1]}")
    for (before, _), (level, text) in zip(headings, headings[1:], strict=False):
        if level > before + 1:
            problems.append(f"h{before} then h{level} ({text!r})")
    return problems


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


# ---------------------------------------------------------------- the course site

@pytest.mark.parametrize("path", ["index.html", "search.html", "genindex.html"] + [f"{p.stem}.html" for p in LABS])
def test_site_page_has_no_serious_or_critical_violation(page, path):
    """(tests/browser/test_site_in_browser.py checks that these are all the site's pages)"""
    page.goto(f"{site_url()}/{path}", wait_until="networkidle")
    page.evaluate("async () => { if (window.MathJax?.startup?.promise) await MathJax.startup.promise; }")
    blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING]
    assert not blocking, f"{path}:\n{describe(blocking)}"
    if re.match(r"\d\d_", path):
        assert not heading_problems(page.evaluate(HEADINGS_JS, "article")), path
        alts = page.evaluate(ALT_TEXTS_JS)
        missing = [alt for alt in alts if not alt or re.search(r"_images/|\.png$", alt)]
        assert not missing, (f"{path}: {len(missing)} of {len(alts)} figures have no text alternative (show them "
                             "with utils.plots.show(fig, alt) and re-execute the lab)")


# ---------------------------------------------------------------- labs in JupyterLab

def open_lab(browser, server, name):
    page = browser.new_page()
    page.goto(f"{server.base_url}/lab/workspaces/a{secrets.token_hex(6)}/tree/{name}?reset&token={server.token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
    return page


def lab_violations(page):
    """axe's serious and critical violations, split into the lab's content and JupyterLab's interface."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        from site_server import axe_source
        page.add_script_tag(content=axe_source())
    found = page.evaluate("""async (content) => {
        const result = await axe.run(document, {resultTypes: ['violations'], elementRef: true});
        return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.replace(/\\s+/g, ' ').slice(0, 160),
                                      content: Boolean(n.element && n.element.closest(content))}))}));
    }""", CONTENT)
    content, interface = [], []
    for violation in found:
        for side, keep in ((content, True), (interface, False)):
            nodes = [node for node in violation["nodes"] if node["content"] == keep]
            if nodes:
                side.append({**violation, "nodes": nodes})
    return content, interface


@pytest.mark.parametrize("lab_path", LABS, ids=[path.name for path in LABS])
def test_lab_in_jupyterlab_has_no_serious_or_critical_violation_in_its_content(browser, lab_server, lab_path):
    name = lab_path.name
    cells = json.loads((lab_server.notebook_dir / name).read_text(encoding="utf-8"))["cells"]
    page = open_lab(browser, lab_server, name)
    try:
        if any(cell["cell_type"] == "code" and cell.get("outputs") for cell in cells):
            page.wait_for_selector(".jp-OutputArea-output", timeout=30_000)
        if any("$" in "".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"):
            page.wait_for_selector(".jp-RenderedMarkdown mjx-container", timeout=30_000)
        page.wait_for_timeout(500)
        content, interface = lab_violations(page)
        others = [v for v in interface if v["id"] not in INTERFACE_RULES]
        assert not content, f"{name}, in the lab's content:\n{describe(content)}"
        assert not others, f"{name}, in JupyterLab's interface (not a known JupyterLab rule):\n{describe(others)}"
        assert not heading_problems(page.evaluate(HEADINGS_JS, ".jp-NotebookPanel .jp-RenderedMarkdown")), name
    finally:
        page.close()
        lab_server.shutdown_kernel(name)


# ---------------------------------------------------------------- explorers with the keyboard alone

FOCUSED_JS = """(figure) => {
    const active = document.activeElement;
    const controls = [...figure.querySelectorAll(':scope > .widget-hbox ' + CONTROLS)];
    return controls.indexOf(active);
}"""


def run_all(lab_pages, server, name, timeout=300):
    """The lab's page after Clear Outputs and Run All (lab_pages, tests/browser/lab_driver.py: the next lab
    loads and starts in the background meanwhile, as in test_labs_in_browser)."""
    def cells_of(lab_name):
        return json.loads((server.notebook_dir / lab_name).read_text(encoding="utf-8"))["cells"]

    run = lab_pages.open(name, cells_of(name), next_cells=cells_of)
    if run.run_clicked is None:
        run.page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
        assert lab_pages.wait(run.kernel_is_idle, timeout=90), f"{name}: the kernel did not become idle in 90 s"
        run.start_run()
    assert lab_pages.wait(run.started, timeout=30), f"{name}: Run All did not start"
    assert lab_pages.wait(run.finished, timeout=timeout), f"{name}: Run All did not finish within {timeout} s"
    return run


def press_until_redrawn(page, image, attempts):
    """Try each sequence of keys in turn until the figure's image changes; True if it did."""
    for keys in attempts:
        page.bring_to_front()  # a list's pop-up opens only in the page in front; the next lab may have opened since
        before = image.get_attribute("src")
        for key in keys:
            page.keyboard.press(key)
        try:
            page.wait_for_function("([img, src]) => img.src !== src", arg=[image.element_handle(), before],
                                   timeout=10_000, polling=100)
            return True
        except Exception:
            continue
    return False


def key_attempts(tag, kind):
    """Keys that change a control. A list opens with Alt+ArrowDown: a plain ArrowDown on it is JupyterLab's
    "select the next cell" (tried in Chromium: focus leaves the explorer)."""
    if tag == "select":
        return [["Alt+ArrowDown", "ArrowDown", "Enter"], ["Alt+ArrowDown", "ArrowUp", "Enter"]]
    if tag in ("input", "button") and kind in ("checkbox", "button", "submit"):
        return [["Space"]]
    return [["ArrowRight"], ["ArrowLeft"], ["ArrowLeft"]]


def test_every_explorer_works_with_the_keyboard_alone(lab, lab_server, lab_pages):
    """(`lab`: every lab, parametrized by tests/browser/conftest.py)"""
    name = lab.name
    run = run_all(lab_pages, lab_server, name)
    page = run.page
    page.bring_to_front()  # a list's pop-up opens only in the page in front (the next lab loads in another)
    try:
        figures = page.locator(f".jp-NotebookPanel .jp-OutputArea-output {FIGURE}")
        problems = []
        for nth in range(figures.count()):
            figure = figures.nth(nth)
            image = figure.locator(":scope > * > img.labs-frame")
            controls = figure.locator(f":scope > .widget-hbox :is({CONTROLS})")
            count = controls.count()
            assert count, f"{name}: explorer {nth + 1} has no control"
            region = figure.locator(LIVE_REGION)
            region.first.wait_for(timeout=30_000)
            region.first.evaluate("element => { element.labsTag = 'before the keys'; }")
            controls.first.scroll_into_view_if_needed()
            controls.first.focus()  # where a student's Tab presses arrive from the cell above
            for index in range(count):
                if index:
                    page.keyboard.press("Tab")
                focused = figure.evaluate(FOCUSED_JS.replace("CONTROLS", json.dumps(CONTROLS)))
                if focused != index:
                    problems.append(f"explorer {nth + 1}: Tab from control {index} reached "
                                    f"{'something else' if focused < 0 else f'control {focused + 1}'}")
                    break
                control = controls.nth(index)
                tag = control.evaluate("element => element.tagName.toLowerCase()")
                kind = control.evaluate("element => element.type || ''")
                if control.evaluate("element => element.classList.contains('widget-readout')"):
                    continue  # a slider's readout takes a typed value: the same setting as its handle
                if not press_until_redrawn(page, image, key_attempts(tag, kind)):
                    problems.append(f"explorer {nth + 1}, control {index + 1} ({tag}): keys did not redraw it")
            if region.count() != 1 or region.first.evaluate("element => element.labsTag ?? null") != "before the keys":
                problems.append(f"explorer {nth + 1}: its caption's live region was replaced by another element "
                                "(a screen reader may not announce the new state)")
        assert not problems, f"{name}:\n" + "\n".join(problems)
    finally:
        lab_pages.close(run)


# ---------------------------------------------------------------- an explorer's caption, as a screen reader meets it

CAPTION_LAB = "07_derivatives.ipynb"  # quick to run, and its explorer's caption says the slider's value


def test_an_explorer_caption_is_one_live_region_whose_text_changes(browser, lab_server, lab_pages):
    """A screen reader announces a change inside a live region that is already in the page; a region made
    anew on each move is, in most screen readers, not announced. So a slider moved with the keyboard must
    leave the very same region element (tagged with a JS property before the move) holding the new text."""
    run = run_all(lab_pages, lab_server, CAPTION_LAB)
    page = run.page
    page.bring_to_front()
    try:
        figure = page.locator(f".jp-NotebookPanel .jp-OutputArea-output {FIGURE}:has(.noUi-handle)").first
        region = figure.locator(LIVE_REGION)
        page.wait_for_function("(figure) => figure.querySelector('[role=\"status\"]')?.textContent.trim()",
                               arg=figure.element_handle(), timeout=30_000)
        assert region.count() == 1, f"{CAPTION_LAB}: {region.count()} live regions in the explorer, not one"
        assert region.get_attribute("aria-atomic") == "true"
        before = region.evaluate("element => { element.labsTag = 'before the move'; return element.textContent; }")
        handle = figure.locator(".noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        changed = False
        for key in ("ArrowRight", "ArrowLeft", "ArrowLeft"):
            page.keyboard.press(key)
            try:
                page.wait_for_function("([figure, text]) => figure.querySelector('[role=\"status\"]')"
                                       "?.textContent !== text", arg=[figure.element_handle(), before],
                                       timeout=10_000, polling=100)
                changed = True
                break
            except Exception:
                continue
        assert changed, f"{CAPTION_LAB}: the caption still reads {before!r} after the slider moved"
        now = region.evaluate("element => [element.labsTag ?? null, element.textContent, element.isConnected]")
        assert region.count() == 1 and now[0] == "before the move" and now[2], (
            f"{CAPTION_LAB}: the live region was replaced by a new element (screen readers may stay silent)")
        assert now[1].strip() and now[1] != before
        assert page.evaluate("() => document.activeElement.classList.contains('noUi-handle')"), \
            "focus left the slider"
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            from site_server import axe_source
            page.add_script_tag(content=axe_source())
        found = region.evaluate("""async (element) => (await axe.run(element, {resultTypes: ['violations']}))
            .violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)""")
        assert not found, f"{CAPTION_LAB}: the caption has axe violations {found}"
    finally:
        lab_pages.close(run)
