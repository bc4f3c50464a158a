"""Where a student's wait goes when an explorer's slider moves: `make bench` runs this (BENCH_LATENCY=1).

For each lab: JupyterLab in Chromium, Run All, then on the first slider of every live figure MOVES key
presses (a step each: most of them shown from the pictures the kernel drew ahead, utils.widgets
DrawingAhead), then clicks at TAP_AT along its track with the pointer arriving as the button goes down
(taps: mostly to states not drawn yet, so the kernel draws them while the student waits), then clicks at
CLICK_AT as a hand makes them, the pointer resting on the track a moment first (the page then asks the
kernel for the state under the pointer). Each move is timed inside the page, from the last key or
pointer press to the new picture's `load`, and split at the WebSocket when a picture came for it:
  input    press to the slider's update leaving the page
  kernel   that message to the new picture's message arriving (the kernel's frame, the messages'
           trips through the server and ZeroMQ)
  display  the picture's message to its `load` event (widget model, Blob URL, JPEG decode)
  paint    `load` to the next animation frame (the picture on screen)
A move shown from a picture drawn ahead has its total only. The steps' totals go to
build/browser-latency.json for `make bench`; every part, the taps' and clicks' too, to
build/browser-latency-parts.json.
Skipped unless BENCH_LATENCY=1: `make test-browser` already runs every lab once.
"""
import json
import os
import statistics
import time
from pathlib import Path

import pytest
from lab_driver import LATENCIES
from test_labs_in_browser import FIGURE, figure_controls, nudge_control

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(os.environ.get("BENCH_LATENCY") != "1", reason="make bench runs it (BENCH_LATENCY=1)")]

MOVES = 12
TAP_AT = (0.15, 0.85, 0.35, 0.65, 0.25, 0.75, 0.45, 0.55, 0.1, 0.9, 0.3, 0.7)  # along the track: far apart
CLICK_AT = tuple(round(at + 0.025, 3) for at in TAP_AT)  # a hand's clicks: points the taps left undrawn
# A hand's click: the pointer comes down APPROACH_PX onto the track in APPROACH_STEPS moves and rests REST_S
# before the press (people pause on a target for about 0.2 s or more before they click; 0.15 s here).
APPROACH_PX, APPROACH_STEPS, REST_S = 40, 6, 0.15
IMAGE_BYTES = 3000  # a message this large after a move carries the new picture
PARTS_FILE = Path(__file__).resolve().parents[2] / "build" / "browser-latency-parts.json"

# Every WebSocket frame the page sends or receives: [direction, time, bytes].
WEBSOCKET_LOG_JS = """(() => {
    if (window.labSocketLog) return;
    window.labSocketLog = [];
    const log = (way, data) => {
        window.labSocketLog.push([way, performance.now(), data.byteLength ?? data.size ?? data.length ?? 0]);
        if (window.labSocketLog.length > 4000) window.labSocketLog.splice(0, 2000);
    };
    const Native = window.WebSocket;
    const send = Native.prototype.send;
    Native.prototype.send = function (data) { log('out', data); return send.call(this, data); };
    function Logged(...args) {
        const socket = new Native(...args);
        socket.addEventListener('message', event => log('in', event.data));  // before JupyterLab's handler
        return socket;
    }
    Logged.prototype = Native.prototype;
    for (const key of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Logged[key] = Native[key];
    window.WebSocket = Logged;
})();"""

START_MOVE_JS = """(image) => {
    const move = {start: null, loaded: null, painted: null};
    if (!image.labTimed) {
        image.labTimed = true;
        image.addEventListener('load', () => {
            const now = performance.now();
            window.labLastLoad = now;
            const current = window.labTimedMove;
            if (current && current.start !== null && current.loaded === null) {
                current.loaded = now;
                requestAnimationFrame(() => { current.painted = performance.now(); });
            }
        });
    }
    if (!window.labKeysTimed) {
        window.labKeysTimed = true;
        // from the last key or pointer press before the new picture: a key press at the end of a slider's
        // range moves nothing
        const pressed = () => {
            const current = window.labTimedMove;
            if (current && current.loaded === null) current.start = performance.now();
        };
        document.addEventListener('keydown', pressed, {capture: true});
        document.addEventListener('pointerdown', pressed, {capture: true});
    }
    window.labTimedMove = move;
}"""

# The move's parts, once its picture is painted (null until then).
MOVE_PARTS_JS = f"""() => {{
    const move = window.labTimedMove;
    if (move.painted === null) return null;
    const log = window.labSocketLog.filter(entry => entry[1] >= move.start && entry[1] <= move.loaded);
    const sent = log.find(entry => entry[0] === 'out');
    const picture = sent && log.find(entry => entry[0] === 'in' && entry[1] >= sent[1] && entry[2] >= {IMAGE_BYTES});
    if (!sent || !picture) return {{total: move.loaded - move.start}};
    return {{total: move.loaded - move.start, input: sent[1] - move.start, kernel: picture[1] - sent[1],
             display: move.loaded - picture[1], paint: move.painted - move.loaded, bytes: picture[2]}};
}}"""
STILL_JS = "() => performance.now() - (window.labLastLoad ?? 0) > 300"


def click_along(control, fraction):
    """A click on the slider's track at this fraction of its length, the pointer arriving with the press
    (a script's click, a touch screen's tap): a jump with no warning."""
    track = control.locator(".noUi-target").first
    box = track.bounding_box()
    track.click(position={"x": box["width"] * fraction, "y": box["height"] / 2})


def click_as_a_hand(page, control, fraction):
    """The same click as a hand makes it: the pointer comes down onto the track and rests REST_S before
    the press."""
    box = control.locator(".noUi-target").first.bounding_box()
    x, y = box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2
    page.mouse.move(x, y - APPROACH_PX)
    page.mouse.move(x, y, steps=APPROACH_STEPS)
    time.sleep(REST_S)
    page.mouse.down()
    page.mouse.up()


def timed_moves(page, image, control, kind, how="step"):
    """The parts of each move: a key press (one step), a click along the track at TAP_AT ("tap"), or a
    click at CLICK_AT after the pointer rests there ("click")."""
    parts = []
    for move in range(MOVES if how == "step" else len(TAP_AT)):
        try:
            page.wait_for_function(STILL_JS, timeout=5_000, polling=50)
        except Exception:
            continue
        image.evaluate(START_MOVE_JS)
        if how == "tap":
            click_along(control, TAP_AT[move])
        elif how == "click":
            click_as_a_hand(page, control, CLICK_AT[move])
        else:
            nudge_control(control, kind)
        try:
            parts.append(page.wait_for_function(MOVE_PARTS_JS, timeout=5_000, polling=20).json_value())
        except Exception:  # the picture did not change (a rounded value)
            continue
    return parts


def summary(parts):
    keys = ("total", "input", "kernel", "display", "paint")
    return {key: round(statistics.median(p[key] for p in parts if key in p), 1)
            for key in keys if any(key in p for p in parts)}


def test_explorer_latency(lab, lab_server, lab_pages, browser, lab_timeout):
    name = lab.name
    browser.add_init_script(WEBSOCKET_LOG_JS)
    cells = json.loads((lab_server.notebook_dir / name).read_text(encoding="utf-8"))["cells"]
    run = lab_pages.open(name, cells)
    page = run.page
    try:
        if run.run_clicked is None:
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
            assert lab_pages.wait(run.kernel_is_idle, timeout=90), f"{name}: the kernel did not become idle"
            run.start_run()
        assert lab_pages.wait(run.started, timeout=30), f"{name}: Run All did not start"
        assert lab_pages.wait(run.finished, timeout=lab_timeout), f"{name}: Run All did not finish"
        lab_pages.close_all()  # no other lab loading or running while the moves are timed
        page.bring_to_front()
        figures = page.locator(f".jp-NotebookPanel {FIGURE}")
        per_figure, silent = [], []
        for i in range(figures.count()):
            figure = figures.nth(i)
            _, controls = figure_controls(figure)
            sliders = [c for c in controls if c[1] == "slider"]
            if not sliders:
                continue
            description, kind, control = sliders[0]
            image = figure.locator(":scope > * > img.labs-frame")
            nudge_control(control, kind)  # a first move: the figure's first frames are not timed
            time.sleep(0.5)
            parts = timed_moves(page, image, control, kind)
            taps = timed_moves(page, image, control, kind, how="tap")
            clicks = timed_moves(page, image, control, kind, how="click")
            live = figure.locator('[aria-live="polite"]')
            if live.count() != 1 or not live.first.text_content().strip():
                silent.append(i + 1)
            per_figure.append({"figure": i + 1, "control": description, "moves": parts, "median_ms": summary(parts),
                               "taps": taps, "tap_median_ms": summary(taps),
                               "clicks": clicks, "click_median_ms": summary(clicks)})
        if not any(f["moves"] for f in per_figure):
            pytest.skip(f"{name}: no live figure with a slider")
        LATENCIES[name] = [p["total"] / 1000 for f in per_figure for p in f["moves"]]
        known = json.loads(PARTS_FILE.read_text()) if PARTS_FILE.exists() else {}
        known[name] = {"when": time.strftime("%Y-%m-%d %H:%M"), "figures": per_figure,
                       "median_ms": summary([p for f in per_figure for p in f["moves"]]),
                       "tap_median_ms": summary([p for f in per_figure for p in f["taps"]]),
                       "click_median_ms": summary([p for f in per_figure for p in f["clicks"]])}
        PARTS_FILE.parent.mkdir(exist_ok=True)
        PARTS_FILE.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n")
        print(f"{name}: steps {known[name]['median_ms']}, taps {known[name]['tap_median_ms']},"
              f" clicks {known[name]['click_median_ms']}")
        assert not silent, f"{name}: figure(s) {silent} have no caption in a live region (screen readers hear nothing)"
    finally:
        lab_pages.close(run)

