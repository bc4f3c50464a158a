"""Every lab as a student runs it: JupyterLab in Chromium, Clear Outputs and Run All from the menus.

For each labs/NN_*.ipynb (found at collection time, so new labs are covered without editing
this file) the test opens a copy in a fresh workspace, waits for its kernel, clears the outputs,
runs all cells through the Run menu and then checks that
  - every code cell finished (no [*], no cell left unexecuted) and no output shows a Traceback;
  - the widgets rendered: as many sliders and other controls as expected_widgets.json declares;
  - the figures rendered as images (as many per cell as the stored notebook holds);
  - moving one slider of each interactive figure (utils.widgets.live_figure) changes its image.
Screenshots go to tests/browser/screenshots/ (git-ignored). Run: `make test-browser`, or
`.venv/bin/python -m pytest -m browser tests -k 03_softmax` for one lab.
"""
import json
import re
import time

import pytest
from lab_driver import LATENCIES, PROMPTS_JS, STDERR

pytestmark = pytest.mark.browser

SLIDER = ".widget-slider"
# ipywidgets 8 controls other than sliders (each view's root element carries lm-Widget)
OTHER_CONTROL_KINDS = ("dropdown", "toggle-buttons", "toggle-button", "checkbox", "button", "radio", "select",
                       "text", "textarea", "play", "colorpicker", "datepicker", "upload", "tagsinput", "combobox")
OTHER_CONTROL = ", ".join(f".lm-Widget.widget-{kind}" for kind in OTHER_CONTROL_KINDS)
# utils.widgets.live_figure: a VBox holding a box of controls above its picture (an anywidget view: img.labs-frame)
FIGURE = ".widget-vbox:has(> .widget-hbox):has(> * > img.labs-frame)"
IMAGE_LOAD_TIMEOUT = 20_000
REDRAW_TIMEOUT = 30_000

# One look at every cell: prompt, error text, images, widgets.
SNAPSHOT_JS = """([stderrSelector, sliderSelector, otherSelector, figureSelector]) => {
    const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')];
    return cells.map(cell => {
        const outputs = cell.querySelector('.jp-OutputArea');
        const images = [...cell.querySelectorAll('.jp-OutputArea-output[data-mime-type^="image/"] img, '
            + '.jp-OutputArea-output[data-mime-type="text/html"] img')];  // utils.plots.show: <img alt>
        const widgetImages = [...cell.querySelectorAll('.jp-OutputArea-output img.labs-frame')];
        const loaded = img => img.complete && img.naturalWidth > 0;
        return {
            code: cell.classList.contains('jp-CodeCell'),
            prompt: cell.querySelector('.jp-InputPrompt')?.textContent.trim() ?? '',
            stderr: [...cell.querySelectorAll(stderrSelector)].map(output => output.textContent),
            widgetError: outputs ? /Error displaying widget|Error rendering output/.test(outputs.textContent) : false,
            images: images.length,
            imagesLoaded: images.filter(loaded).length,
            widgetImages: widgetImages.length,
            widgetImagesLoaded: widgetImages.filter(loaded).length,
            sliders: outputs ? outputs.querySelectorAll(sliderSelector).length : 0,
            others: outputs ? outputs.querySelectorAll(otherSelector).length : 0,
            figures: outputs ? outputs.querySelectorAll(figureSelector).length : 0,
        };
    });
}"""

LOG_ENTRIES_JS = """() => {
    const item = document.querySelector('.jp-LogConsoleStatusItem');
    if (!item || item.classList.contains('lm-mod-hidden')) return 0;
    const title = item.querySelector('[title]')?.getAttribute('title') ?? '';
    const match = title.match(/(\\d+) log entr/);
    return match ? Number(match[1]) : 1;
}"""

# the figure's image changed, or the kernel logged an error (an exception in a widget callback
# goes to JupyterLab's Log Console, not to the cell)
REDRAWN_JS = """([image, before, entries]) => image.src !== before || (LOG_ENTRIES)() > entries
""".replace("LOG_ENTRIES", LOG_ENTRIES_JS)

ALL_IMAGES_LOADED_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output img')]
    .every(img => img.complete && img.naturalWidth > 0)"""


class LabReport:
    """Problems found in one lab, each tied to a cell (index and first source line)."""

    def __init__(self, name, cells):
        self.name = name
        self.cells = cells
        self.problems = []
        self.first_bad_cell = None

    def cell_label(self, index):
        lines = [line for line in "".join(self.cells[index]["source"]).splitlines() if line.strip()]
        first = lines[0].strip() if lines else "(empty)"
        if len(first) > 70:
            first = first[:67] + "..."
        return f"cell {index} `{first}`"

    def add(self, index, message):
        if index is None:
            self.problems.append(message)
            return
        if self.first_bad_cell is None:
            self.first_bad_cell = index
        self.problems.append(f"{self.cell_label(index)}: {message}")

    def fail_if_any(self, screenshot=None):
        if not self.problems:
            return
        where = f"\n  screenshot: {screenshot}" if screenshot else ""
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        pytest.fail(f"{self.name}: {len(self.problems)} problem(s) in the browser run\n{listing}{where}",
                    pytrace=False)


def stored_image_counts(cells):
    """cell index -> number of image outputs (plt.show() figures) stored in the executed lab. An explorer's
    stored first picture is not counted: the running lab shows the live widget there (expected_widgets)."""
    counts = {}
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            n = sum(1 for output in cell.get("outputs", [])
                    if any(mime.startswith("image/") for mime in output.get("data", {}))
                    and "application/vnd.jupyter.widget-view+json" not in output.get("data", {}))
            if n:
                counts[index] = n
    return counts


def last_error_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text.strip()


def log_console_errors(page):
    """The error lines JupyterLab's Log Console holds (opens it from the status bar)."""
    if not page.evaluate(LOG_ENTRIES_JS):
        return []
    try:
        page.locator(".jp-LogConsoleStatusItem").click()
        panel = page.locator(".jp-LogConsolePanel")
        panel.wait_for(timeout=10_000)
        text = panel.inner_text(timeout=10_000)
    except Exception:
        return ["(could not read JupyterLab's Log Console)"]
    return [line.strip() for line in text.splitlines()
            if re.match(r"\s*\w*(Error|Exception|Warning)\b.*:", line) and "Traceback" not in line]


LATENCY_MOVES = 3  # timed moves per figure, after the first move has shown that it redraws

# Times one move inside the page, as the student sees it: from the first key press, click or change
# on the page to the figure's next image loaded (its `load` event), in milliseconds. Playwright's own
# round trips and actionability waits around the move are not part of it. A move starts only once
# the image has been still for SETTLE_MS, so a late frame of the move before is not counted.
WATCH_MOVE_JS = """(image) => {
    if (!image.labWatched) {
        image.labWatched = true;
        image.addEventListener('load', () => {
            window.labLastLoad = performance.now();
            const watch = window.labMove;
            if (watch && watch.start !== null && watch.shown === null) watch.shown = window.labLastLoad;
        });
    }
    const watch = {start: null, shown: null};
    const started = () => { if (watch.start === null) watch.start = performance.now(); };
    for (const kind of ['keydown', 'mousedown', 'change']) {
        document.addEventListener(kind, started, {capture: true, once: true});
    }
    window.labMove = watch;
}"""
MOVE_SHOWN_JS = "() => window.labMove.shown === null ? null : window.labMove.shown - window.labMove.start"
SETTLE_MS = 200
SETTLED_JS = f"() => performance.now() - (window.labLastLoad ?? 0) > {SETTLE_MS}"


def slider_to_image_seconds(page, image, control, kind, moves=LATENCY_MOVES):
    """What a student waits: from a move of the control to the new image shown, for a few more moves."""
    seconds = []
    image.evaluate(WATCH_MOVE_JS)
    for _ in range(moves):
        try:
            page.wait_for_function(SETTLED_JS, timeout=5_000, polling=50)
        except Exception:
            continue  # the image keeps changing by itself: nothing to time
        image.evaluate(WATCH_MOVE_JS)
        nudge_control(control, kind)
        try:
            waited = page.wait_for_function(MOVE_SHOWN_JS, timeout=5_000, polling=50).json_value()
        except Exception:  # a move that leaves the picture as it was (a rounded value): not a redraw
            continue
        seconds.append(waited / 1000)
    return seconds


def nudge_control(control, kind):
    """Change a control the way a student would: arrow keys on a slider, a click elsewhere."""
    if kind == "slider":
        handle = control.locator(".noUi-handle").first
        readout = control.locator(".widget-readout").first
        before = readout.text_content(timeout=5_000) if readout.count() else None
        handle.scroll_into_view_if_needed()
        handle.press("ArrowRight")
        if readout.count() and readout.text_content() == before:  # already at its maximum
            handle.press("ArrowLeft")
            handle.press("ArrowLeft")
    elif kind == "dropdown":
        select = control.locator("select")
        options = select.locator("option").all_text_contents()
        current = select.evaluate("element => element.selectedIndex")
        select.select_option(index=(current + 1) % len(options))
    elif kind == "toggle-buttons":
        control.locator("button.widget-toggle-button:not(.mod-active)").first.click()
    else:
        control.click()


CONTROL_KINDS = [["slider", SLIDER], ["dropdown", ".widget-dropdown"], ["toggle-buttons", ".widget-toggle-buttons"],
                 ["checkbox", ".widget-checkbox"], ["toggle-button", ".lm-Widget.widget-toggle-button"]]
FIGURE_CONTROLS_JS = """(figure, kinds) => {
    const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')];
    const controls = [];
    for (const [kind, selector] of kinds) {
        figure.querySelectorAll(':scope > .widget-hbox ' + selector).forEach((element, nth) => {
            let description = element.querySelector('.widget-label')?.textContent.trim() ?? '';
            if (!description && (kind === 'checkbox' || kind === 'toggle-button')) {
                description = element.textContent.trim();
            }
            controls.push([description, kind, nth]);
        });
    }
    return {cell: cells.indexOf(figure.closest('.jp-Cell')), controls};
}"""


def figure_controls(figure):
    """The figure's cell index and its controls as (description, kind, locator), sliders first."""
    found = figure.evaluate(FIGURE_CONTROLS_JS, CONTROL_KINDS)
    selectors = dict(CONTROL_KINDS)
    controls = [(description, kind, figure.locator(f":scope > .widget-hbox {selectors[kind]}").nth(nth))
                for description, kind, nth in found["controls"]]
    return found["cell"], controls


def test_lab_runs_in_jupyterlab(lab, lab_server, lab_pages, expected_widgets, screenshots_dir, timings,
                                lab_timeout):
    name = lab.name

    def cells_of(lab_name):  # the server's copy: what the browser shows, even if labs/ changes meanwhile
        return json.loads((lab_server.notebook_dir / lab_name).read_text(encoding="utf-8"))["cells"]

    cells = cells_of(name)
    report = LabReport(name, cells)
    for old in screenshots_dir.glob(f"{lab.stem}*.png"):
        old.unlink()
    phases = {}
    started = time.monotonic()
    run = lab_pages.open(name, cells, next_cells=cells_of)  # may have loaded (and started) in the background
    page = run.page
    screenshot = None
    try:
        # 1. the lab alone in a fresh workspace; wait for its kernel, then Edit > Clear Outputs of All
        #    Cells and Run > Run All Cells (a lab prepared in the background may be past this already)
        if run.run_clicked is None:
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
            if not lab_pages.wait(run.kernel_is_idle, timeout=90):
                pytest.fail(f"{name}: the kernel did not become idle within 90 s; server log:\n{lab_server.log_tail()}",
                            pytrace=False)
            run.start_run()
        phases["open"] = run.kernel_ready - run.created

        # 2. wait for Run All to finish
        if not lab_pages.wait(run.started, timeout=30):
            pytest.fail(f"{name}: Run > Run All Cells did not start any cell within 30 s", pytrace=False)
        timed_out = not lab_pages.wait(run.finished, timeout=lab_timeout - (time.monotonic() - run.run_clicked))
        phases["run all"] = (run.run_done or time.monotonic()) - run.run_clicked
        mark = time.monotonic()
        dom_cells = page.evaluate(PROMPTS_JS)
        assert len(dom_cells) == len(cells), f"{name}: JupyterLab shows {len(dom_cells)} cells, the file {len(cells)}"

        # 3. every cell finished, no traceback
        try:
            page.wait_for_function(ALL_IMAGES_LOADED_JS, timeout=IMAGE_LOAD_TIMEOUT, polling=200)
        except Exception:
            pass  # reported per cell below
        snapshot = page.evaluate(SNAPSHOT_JS, [STDERR, SLIDER, OTHER_CONTROL, FIGURE])
        for index in run.to_run:
            state = snapshot[index]
            for text in state["stderr"]:
                if "Traceback" in text:
                    report.add(index, f"Traceback: {last_error_line(text)}")
                else:
                    report.add(index, f"stderr text: {text.strip()[:200]!r}")
            if "*" in state["prompt"]:
                report.add(index, f"still running ({state['prompt']}) after {lab_timeout:.0f} s"
                           if timed_out else f"still shows {state['prompt']}")
            elif not re.search(r"\[\d+\]", state["prompt"]):
                report.add(index, f"not executed (prompt {state['prompt'] or 'empty'!r})")
            if state["widgetError"]:
                report.add(index, "a widget failed to render (Error displaying widget)")
        if timed_out:
            status = page.evaluate("""() => [...document.querySelectorAll('.jp-StatusBar-Item')]
                .map(item => item.textContent.trim()).find(text => text.includes(' | ')) ?? 'unknown'""")
            report.add(None, f"Run All did not finish within {lab_timeout:.0f} s (kernel status: {status}; "
                             f"BROWSER_LAB_TIMEOUT sets the limit); end of the server log:\n{lab_server.log_tail(10)}")

        # 4. figures rendered as images (as many per cell as the stored, executed lab holds)
        for index, count in stored_image_counts(cells).items():
            state = snapshot[index]
            if state["imagesLoaded"] < count:
                report.add(index, f"{count} figure image(s) expected, {state['imagesLoaded']} rendered "
                                  f"({state['images']} <img> in the output)")
        for index, state in enumerate(snapshot):
            if state["widgetImages"] > state["widgetImagesLoaded"]:
                report.add(index, f"{state['widgetImages'] - state['widgetImagesLoaded']} interactive "
                                  "figure image(s) did not load")

        # 5. the widgets the lab declares rendered
        sliders = sum(state["sliders"] for state in snapshot)
        others = sum(state["others"] for state in snapshot)
        figures = page.locator(f".jp-NotebookPanel .jp-OutputArea-output {FIGURE}")
        n_figures = figures.count()
        figure_info = [figure_controls(figures.nth(i)) for i in range(n_figures)]
        described = []
        for _, controls in figure_info:
            names = [description or "(no description)" for description, kind, _ in controls if kind == "slider"]
            described.append(names[0] if names else None)
        expected = expected_widgets.get(name)
        measured = {"sliders": sliders, "other_controls": others, "move": described}
        if expected is None:
            report.add(None, f"no entry for {name} in tests/browser/expected_widgets.json; after checking the lab "
                             f"shows what it should, add\n    \"{name}\": {json.dumps(measured, ensure_ascii=False)}\n"
                             "  (sliders = .widget-slider elements, other_controls = dropdowns, buttons, ...; "
                             "move = the slider description to move in each interactive figure, in order)")
        else:
            for key, label in (("sliders", "sliders"), ("other_controls", "other controls")):
                if key in expected and expected[key] != measured[key]:
                    field = "sliders" if key == "sliders" else "others"
                    per_cell = ", ".join(f"cell {i}: {state[field]}" for i, state in enumerate(snapshot)
                                         if state[field])
                    report.add(None, f"{expected[key]} {label} expected (expected_widgets.json), "
                                     f"{measured[key]} rendered ({per_cell or 'none'})")
        phases["checks"] = time.monotonic() - mark

        # 6. moving one slider of each interactive figure changes that figure
        mark = time.monotonic()
        page.bring_to_front()  # the page a student looks at: the next lab's page, loading, is behind it
        to_move = (expected or {}).get("move")
        if to_move is not None and len(to_move) != n_figures:
            report.add(None, f"expected_widgets.json lists {len(to_move)} slider(s) to move, the lab shows "
                             f"{n_figures} interactive figure(s) (sliders: {described})")
            to_move = None
        redraws, latencies = [], []
        for i in range(n_figures):
            figure = figures.nth(i)
            index, controls = figure_info[i]
            if not controls:
                report.add(index, f"interactive figure {i + 1} has no control to move")
                continue
            choice = controls[0]
            sliders_here = [c for c in controls if c[1] == "slider"]
            if sliders_here:
                choice = sliders_here[0]
            if to_move is not None and to_move[i] is not None:
                named = [c for c in controls if c[0] == to_move[i]]
                if not named:
                    report.add(index, f"interactive figure {i + 1}: no control described {to_move[i]!r} "
                                      f"(has {[c[0] for c in controls]})")
                    continue
                choice = named[0]
            description, kind, control = choice
            image = figure.locator(":scope > * > img.labs-frame")
            before = image.get_attribute("src")
            entries = page.evaluate(LOG_ENTRIES_JS)
            moved = time.monotonic()
            error = None
            # up to 3 steps: a draw function may round a value (e.g. to the stride) so one step can
            # leave the picture as it was; the last step gets the full redraw time
            for timeout in (5_000, 5_000, REDRAW_TIMEOUT):
                try:
                    nudge_control(control, kind)
                    page.wait_for_function(REDRAWN_JS, arg=[image.element_handle(), before, entries],
                                           timeout=timeout, polling=50)
                    error = None
                    break
                except Exception as problem:
                    error = problem
            if error is not None:
                report.add(index, f"interactive figure {i + 1}: moving {kind} {description!r} 3 steps "
                                  f"did not change its image ({type(error).__name__}: "
                                  f"{str(error).splitlines()[0][:150]})")
                continue
            if image.get_attribute("src") == before:
                report.add(index, f"interactive figure {i + 1}: moving {kind} {description!r} raised an error "
                                  "in the kernel instead of redrawing (see the Log Console lines below)")
                continue
            redraws.append(time.monotonic() - moved)
            latencies.extend(slider_to_image_seconds(page, image, control, kind))
            try:
                figure.screenshot(path=str(screenshots_dir / f"{lab.stem}-figure{i + 1}.png"), timeout=10_000)
            except Exception:
                pass  # a screenshot is a convenience, not a check
        if redraws:
            phases["slowest redraw"] = max(redraws)
        if latencies:
            LATENCIES[name] = latencies
        log_errors = log_console_errors(page)
        if log_errors:
            report.add(None, "JupyterLab's Log Console (output of widget callbacks) shows: " + "; ".join(log_errors))
        phases["sliders"] = time.monotonic() - mark

        # 7. screenshot: the first problem, else the first interactive figure, else the top
        if report.first_bad_cell is not None:
            target = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(report.first_bad_cell)
            screenshot = screenshots_dir / f"{lab.stem}-failure.png"
        elif n_figures:
            target = figures.first
            screenshot = screenshots_dir / f"{lab.stem}.png"
        else:
            target = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first
            screenshot = screenshots_dir / f"{lab.stem}.png"
        try:
            target.evaluate("element => element.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(screenshot))
        except Exception:
            screenshot = None
    finally:
        phases["total"] = time.monotonic() - started  # this test's own wall time
        timings.append((name, phases))
        lab_pages.close(run)
    report.fail_if_any(screenshot)
