"""The workbook as a student first opens it in JupyterLab: blank exercises, collapsed hints and solutions.

The workbook edition of one lab (scripts/workbook.py) is written into the test server's folder,
opened in a fresh workspace, and checked: the exercise cell shows `# YOUR CODE HERE`, every
`<details>` block (hints and the solution reveal) starts collapsed, and a click on a summary shows
its content (screenshot: tests/browser/screenshots/workbook_*.png).
Run alone: `.venv/bin/python -m pytest -m browser tests/browser -k workbook`.
"""
import importlib.util
import secrets
import sys
from pathlib import Path

import nbformat
import pytest
from lab_driver import KERNEL_IDLE_JS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "labs" / "03_softmax.ipynb"
sys.path.insert(0, str(ROOT / "scripts"))
spec = importlib.util.spec_from_file_location("workbook", ROOT / "scripts" / "workbook.py")
workbook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(workbook)

RENDERED = ".jp-NotebookPanel .jp-MarkdownCell .jp-RenderedMarkdown"


@pytest.fixture
def workbook_page(lab_server, browser):
    """A page showing the workbook edition of LAB, served from the test server's folder."""
    folder = lab_server.notebook_dir / "workbook"
    folder.mkdir(exist_ok=True)
    nb = workbook.workbook_notebook(nbformat.read(LAB, as_version=4))
    nbformat.write(nb, folder / LAB.name)
    page = browser.new_page()
    path = f"workbook/{LAB.name}"
    page.goto(f"{lab_server.base_url}/lab/workspaces/w{secrets.token_hex(6)}/tree/{path}"
              f"?reset&token={lab_server.token}")
    yield page, nb
    page.close()
    lab_server.shutdown_kernel(path)


def test_workbook_shows_stubs_and_opens_hints_and_solutions(workbook_page, screenshots_dir):
    page, nb = workbook_page
    exercise = next(c for c in nb.cells if c.metadata.get("workbook", {}).get("role") == "exercise")
    name = exercise.metadata["workbook"]["exercises"][0]
    stub = page.locator(".jp-NotebookPanel .jp-CodeCell .cm-content", has_text="# YOUR CODE HERE")
    stub.first.wait_for(timeout=60_000)
    assert f"{name} is not written yet" in stub.first.inner_text()

    blocks = page.locator(f"{RENDERED} details")
    expected = sum(c.cell_type == "markdown" and "<details>" in c.source for c in nb.cells)
    assert blocks.count() == expected >= 1
    assert page.locator(f"{RENDERED} details[open]").count() == 0, "hints and solutions start collapsed"

    reveal = page.locator(f"{RENDERED} details", has=page.locator("summary", has_text=f"Solution: {name}"))
    solution_code = reveal.locator("pre").first
    assert not solution_code.is_visible()
    reveal.locator("summary").click()
    solution_code.wait_for(state="visible", timeout=10_000)
    answer = next(c for c in nbformat.read(LAB, as_version=4).cells if c.get("id") == exercise.get("id"))
    assert workbook.solution_lines(answer.source)[-1] in solution_code.inner_text()  # the answer, once opened
    reveal.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / f"workbook_{LAB.stem}.png"))

    hints = page.locator(f"{RENDERED} details", has=page.locator("summary", has_text="Hint"))
    if hints.count():  # the labs' own hint cells open the same way
        hint = hints.first
        hint.locator("summary").click()
        page.wait_for_function("(el) => el.open", arg=hint.element_handle(), timeout=10_000)
        assert hint.inner_text().strip() != hint.locator("summary").inner_text().strip()


def test_a_check_run_before_its_exercise_names_the_cell_to_run_first(workbook_page):
    """Issue 23: the set-up cell, then the first check with its exercise cell skipped, keyboard only."""
    page, nb = workbook_page
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    exercise = next(i for i, c in enumerate(nb.cells) if c.metadata.get("workbook", {}).get("role") == "exercise")
    check = next(i for i in range(exercise + 1, len(nb.cells)) if nb.cells[i].cell_type == "code")
    page.wait_for_function(KERNEL_IDLE_JS, timeout=90_000)
    page.locator(".jp-NotebookPanel .jp-Cell").nth(setup).locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")  # runs the set-up cell and selects the next one
    page.locator(".jp-OutputArea-output", has_text="Lab ready").first.wait_for(timeout=120_000)
    page.keyboard.press("Escape")
    for _ in range(check - setup - 1):
        page.keyboard.press("j")
    page.keyboard.press("Shift+Enter")
    message = page.locator(".jp-OutputArea-output", has_text="is not defined yet")
    message.first.wait_for(timeout=60_000)
    text = message.first.inner_text()
    assert "run the cell under" in text and "first, then this cell again" in text, text
    assert "Traceback" not in text
