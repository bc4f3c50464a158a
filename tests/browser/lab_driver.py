"""Driving JupyterLab 4 pages the way a student does: open a lab, wait for its kernel, Edit > Clear
Outputs of All Cells, Run > Run All Cells, and tell when the run is over.

LabPages keeps the next lab one step ahead: while the current lab runs, the next one loads in
another page, waits for its kernel and (with `ahead=2`, the default) starts its own Run All, so
two kernels share the machine and JupyterLab's start-up time is hidden.
"""
import re
import secrets
import time

STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'

KERNEL_IDLE_JS = """() => {
    const panels = document.querySelectorAll('.jp-NotebookPanel');
    const indicator = panels.length === 1 && panels[0].querySelector('.jp-Notebook-ExecutionIndicator');
    return Boolean(indicator) && indicator.dataset.status === 'idle'
        && [...document.querySelectorAll('.jp-StatusBar-Item')]
            .some(item => /^(?!No Kernel).+ \\| Idle$/.test(item.textContent.trim()));
}"""

PROMPTS_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')]
    .map(cell => cell.classList.contains('jp-CodeCell')
        ? (cell.querySelector('.jp-InputPrompt')?.textContent.trim() ?? '') : null)"""

# Run All is over when the kernel is idle, no cell shows [*] and either every cell that should run
# has a number, or a cell failed (the kernel then skips the queued cells, which keep an empty prompt).
RUN_FINISHED_JS = """([toRun, stderrSelector]) => {
    if (!(KERNEL_IDLE)()) return false;
    const prompts = (PROMPTS)();
    const wanted = toRun.map(index => prompts[index] ?? '');
    if (wanted.some(prompt => prompt.includes('*'))) return false;
    if (wanted.every(prompt => /\\[\\d+\\]/.test(prompt))) return true;
    return [...document.querySelectorAll('.jp-NotebookPanel ' + stderrSelector)]
        .some(output => output.textContent.includes('Traceback'));
}""".replace("KERNEL_IDLE", KERNEL_IDLE_JS).replace("PROMPTS", PROMPTS_JS)

RUN_STARTED_JS = """(toRun) => {
    const prompts = (PROMPTS)();
    return toRun.length === 0 || toRun.some(index => /\\[(\\*|\\d+)\\]/.test(prompts[index] ?? ''));
}""".replace("PROMPTS", PROMPTS_JS)

NO_OUTPUTS_JS = "() => !document.querySelector('.jp-NotebookPanel .jp-OutputArea-output')"


def click_menu(page, menu, command):
    """Open a menu of the menu bar by its label and click the item bound to `command`."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).click()
    page.locator(f'.lm-Menu .lm-Menu-item[data-command="{command}"]').click()


def code_cells_to_run(cells):
    """Indices of the code cells Run All executes (JupyterLab skips empty ones)."""
    return [i for i, cell in enumerate(cells) if cell["cell_type"] == "code" and "".join(cell["source"]).strip()]


class LabRun:
    """One lab in one page: loading -> (kernel idle) -> outputs cleared, Run All clicked."""

    def __init__(self, page, name, to_run):
        self.page = page
        self.name = name
        self.to_run = to_run
        self.created = time.monotonic()
        self.kernel_ready = None  # monotonic time the kernel was first seen idle
        self.run_clicked = None  # monotonic time Run All was clicked
        self.run_done = None  # monotonic time the run was first seen finished

    def kernel_is_idle(self):
        try:
            return bool(self.page.evaluate(KERNEL_IDLE_JS))
        except Exception:  # page still navigating
            return False

    def start_run(self):
        """Clear all outputs and Run All through the menus (the kernel must be idle)."""
        if self.kernel_ready is None:
            self.kernel_ready = time.monotonic()
        click_menu(self.page, "Edit", "editmenu:clear-all")
        self.page.wait_for_function(NO_OUTPUTS_JS, timeout=15_000)
        click_menu(self.page, "Run", "runmenu:run-all")
        self.run_clicked = time.monotonic()

    def advance(self, start=True):
        """Non-blocking: note when the kernel is ready and (if `start`) start the run then; note
        when the run finishes."""
        if self.run_clicked is None:
            if self.kernel_ready is None and self.kernel_is_idle():
                self.kernel_ready = time.monotonic()
            if start and self.kernel_ready is not None:
                self.start_run()
        elif self.run_done is None:
            self.finished()

    def finished(self):
        done = bool(self.page.evaluate(RUN_FINISHED_JS, [self.to_run, STDERR]))
        if done and self.run_done is None:
            self.run_done = time.monotonic()
        return done

    def started(self):
        return bool(self.page.evaluate(RUN_STARTED_JS, self.to_run))


class LabPages:
    """Pages showing labs, each alone in a fresh workspace (a reused workspace reopens the previous
    lab's tab), with the next lab prepared in the background."""

    def __init__(self, context, server, order, ahead=2):
        self.context = context
        self.server = server
        self.order = order  # lab names in the order the selected tests run
        self.ahead = ahead  # 1: only load the next lab's page; 2: also start its Run All
        self.background = {}

    def _load(self, name, cells):
        page = self.context.new_page()
        workspace = "t" + secrets.token_hex(6)
        page.goto(f"{self.server.base_url}/lab/workspaces/{workspace}/tree/{name}?reset&token={self.server.token}",
                  wait_until="commit")
        return LabRun(page, name, code_cells_to_run(cells))

    def open(self, name, cells, next_cells=None):
        """The run of lab `name` (maybe already started in the background); prepares the next lab."""
        run = self.background.pop(name, None) or self._load(name, cells)
        if name in self.order:
            following = self.order[self.order.index(name) + 1:]
            if following and following[0] not in self.background and next_cells is not None:
                self.background[following[0]] = self._load(following[0], next_cells(following[0]))
        return run

    def pump(self):
        """Let background labs make progress (called while waiting on the current lab)."""
        for run in self.background.values():
            try:
                run.advance(start=self.ahead >= 2)
            except Exception:
                pass  # its own test reports what went wrong

    def wait(self, condition, timeout, interval=0.25):
        """Poll condition() until true or timeout seconds pass, pumping background labs; True if met."""
        deadline = time.monotonic() + timeout
        while True:
            if condition():
                return True
            if time.monotonic() > deadline:
                return False
            self.pump()
            time.sleep(interval)

    def close(self, run):
        try:
            run.page.close()
        finally:
            self.server.shutdown_kernel(run.name)

    def close_all(self):
        for run in list(self.background.values()):
            self.close(run)
        self.background.clear()


# lab name -> seconds from a control's move to its new image, for every timed move (see
# test_labs_in_browser.slider_to_image_seconds); conftest writes them to build/browser-latency.json
LATENCIES = {}
