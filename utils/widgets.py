"""Interactive figures without ipympl: sliders re-draw a Matplotlib figure shown as an image.

The figure is a picture in a small anywidget view (`FigureView`, with its caption), not in an Output
widget, so a stored notebook holds only plain widget views (nbval skips them) and the drawing code
stays pure and testable without a browser. Once a student reaches for an explorer, the kernel also
draws the states next to the current one while it is idle (`DrawingAhead`, utils/explorer_states.py),
and the view shows each the moment its slider gets there. Two ways to draw:

    def draw(fig, w, b):                          # a new figure on every frame: simple
        ax = fig.subplots()
        ax.plot(x, np.maximum(0, w * x + b))
        return f"w = {w:.1f}, b = {b:.1f}"        # optional caption shown under the figure

    class ReluExplorer(Explorer):                 # one figure kept between frames: fast
        def setup(self, fig):
            self.line, = fig.subplots().plot(x, 0 * x)
            self.moving = [self.line]             # optional: then only these are drawn per frame
        def update(self, w, b):
            self.line.set_ydata(np.maximum(0, w * x + b))
            return f"w = {w:.1f}, b = {b:.1f}"

    live_figure(draw, w=FloatSlider(...), b=FloatSlider(...))    # or live_figure(ReluExplorer, ...)
"""
import asyncio
import base64
import functools
import html
import io
import time

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .explorer_states import (
    FrameStore,
    RecentKeys,
    control_kind,
    on_grid,
    option_values,
    place,
    state_key,
    states_ahead,
    states_around,
    stepped,
)

COALESCE_SECONDS = 0.01  # slider moves that arrive this close together are drawn once
AHEAD_GAP_SECONDS = 0.004  # the event loop's wait between two pictures drawn ahead: a student's move waiting
# in the kernel's sockets is read and drawn next (back to back, a move waited two or three pictures ahead)
HELD = 160  # pictures the kernel counts on a view still holding (the view keeps KEPT = 192, newest first)
NEAR = 4  # the first states of a plan drawn ahead, which the page also decodes at once (more would slow a jump's)
LIVE_FIGURES = []  # every live figure of this kernel, so `make bench` can time its frames


class Explorer:
    """A figure kept between frames: setup(fig) draws everything once and keeps the artists it will
    move; update(**values) moves them and returns a caption (or None). The layout is worked out on
    the first frame and then kept, so a frame costs only the drawing of what changed.

    setup may also list those artists in `self.moving`. From the second frame on, a frame then pastes
    a stored picture of the rest of the figure and draws only them and what their axes draw over
    them (`StillPicture`: Matplotlib's blitting, for frames sent as images). For that picture to stay true,
    the axes limits are fixed, a moving title has a fixed place (`set_title(..., y=1.0)`), and when
    update changes anything else (a new curve, new limits) it calls `self.still_changed()`: that
    frame is laid out and drawn in full again.
    """

    moving = ()

    def setup(self, fig):
        raise NotImplementedError("an Explorer defines setup(fig): draw the figure once, keep the artists")

    def update(self, **values):
        raise NotImplementedError("an Explorer defines update(**values): move the artists, return a caption")

    def still_changed(self):
        """Something outside `moving` changed: lay out and draw the whole figure on this frame."""
        self._still_changed = True


class StillPicture:
    """A picture of a figure without its moving artists, and the artists to draw over it per frame.

    Made after a full drawing, whose layout it keeps: the live artists are set aside (Matplotlib's
    `animated` flag, so that everything else is drawn, and placed, exactly as in that drawing) while
    the rest is drawn once into the picture. paint() then makes a frame from the picture and the
    live artists alone. Live, per axes: its first moving artist and everything that axes draws
    after it (a legend, the spines, a grid drawn on top), so a frame has the very pixels of a full
    drawing; and the figure's own moving artists (a suptitle).
    """

    def __init__(self, fig, moving):
        self.fig = fig
        self.live = live_artists(fig, moving)
        animated = [(artist, artist.get_animated()) for artist in self.live]
        for artist, _ in animated:
            artist.set_animated(True)  # left out by canvas.draw()
        fig.canvas.draw()
        self.pixels = fig.canvas.copy_from_bbox(fig.bbox)
        for artist, was in animated:
            artist.set_animated(was)

    def paint(self):
        self.fig.canvas.restore_region(self.pixels)
        for artist in self.live:
            self.fig.draw_artist(artist)  # one that update has hidden draws nothing


def _drawing_order(children, moving):
    """children as Matplotlib draws them (a stable sort by zorder), from the first one in moving on."""
    ordered = sorted(children, key=lambda artist: artist.get_zorder())
    first = next((i for i, artist in enumerate(ordered) if artist in moving), len(ordered))
    return ordered[first:]


def live_artists(fig, moving):
    """The artists a frame of fig draws over its still picture, in drawing order (see StillPicture)."""
    moving = set(moving)
    live = []
    for ax in sorted(fig.axes, key=lambda ax: ax.get_zorder()):
        drawn = [a for a in ax.get_children() if a is not ax.patch]
        if not (ax.axison and ax.get_frame_on()):  # what Axes.draw leaves out
            drawn = [a for a in drawn if a not in ax.spines.values()]
        if not ax.axison:
            drawn = [a for a in drawn if a not in (ax.xaxis, ax.yaxis)]
        live += _drawing_order(drawn, moving)
    live += _drawing_order([a for a in fig.get_children() if a is not fig.patch and a not in fig.axes], moving)
    lost = [artist for artist in moving if artist not in live]
    if lost:
        raise ValueError(f"moving artists must belong to an axes or to the figure itself, not {lost[0]!r} "
                         "(list the legend, not its texts)")
    return live


def _as_explorer(draw):
    if isinstance(draw, type) and issubclass(draw, Explorer):
        return draw()
    return draw if isinstance(draw, Explorer) else None


def _encode(canvas, image_format="png"):
    """The canvas as PNG bytes (compression level 1: the frames are small anyway), or as JPEG.

    A live figure's frames are JPEG: quality 90 without chroma subsampling keeps lines and text
    clean, and it encodes about 15 times faster than PNG (Lab 03's 9 x 3.6 inch figure: 0.8 ms against
    13 ms for PNG from RGB, 18 ms from RGBA), a large part of a frame once the still part is pasted."""
    from PIL import Image

    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    if image_format == "jpeg":
        image.convert("RGB").save(buffer, format="JPEG", quality=90, subsampling=0)
    else:
        image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


class Frames:
    """Renders the frames of one live figure (a draw function or an Explorer) and times each one."""

    def __init__(self, draw, figsize=(6.4, 4.0), dpi=90, image_format="png"):
        self.draw, self.figsize, self.dpi, self.image_format = draw, figsize, dpi, image_format
        self.explorer = _as_explorer(draw)
        self.seconds = []  # the time of every frame rendered, first one included
        self.encode_seconds = []  # of which the image encoding, frame by frame
        self._canvas = None
        self.last_canvas = None  # the canvas of the newest frame (an explorer keeps one canvas)
        self.still = None  # an explorer's StillPicture, from its second frame on (if it names `moving`)

    def _new_canvas(self):
        return FigureCanvasAgg(Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained"))

    def _explorer_frame(self, values):
        """Draw the explorer's frame into its kept canvas; return the caption.

        The first frame, and one whose update called still_changed(), is drawn in full and laid
        out; the frame after it stores the still picture (the still part has not changed since),
        and every frame from then on is painted from it."""
        explorer = self.explorer
        if self._canvas is None:
            self._canvas = self._new_canvas()
            explorer.setup(self._canvas.figure)
            live_artists(self._canvas.figure, explorer.moving)  # a wrong `moving` is named on the first frame
        elif self.still is None and explorer.moving:
            self.still = StillPicture(self._canvas.figure, explorer.moving)
        explorer._still_changed = False
        caption = explorer.update(**values)
        fig = self._canvas.figure
        if explorer._still_changed:
            self.still = None
            fig.set_layout_engine("constrained")
        if self.still is not None:
            self.still.paint()
        else:
            self._canvas.draw()
            fig.set_layout_engine("none")  # laid out once, and kept
        return caption

    def render(self, **values):
        """(image bytes, PNG unless the Frames were made for JPEG; caption or None) for these control values."""
        start = time.perf_counter()
        if self.explorer is None:
            canvas = self._new_canvas()
            caption = self.draw(canvas.figure, **values)
            canvas.draw()
        else:
            caption = self._explorer_frame(values)
            canvas = self._canvas
        drawn = time.perf_counter()
        self.last_canvas = canvas
        image = _encode(canvas, self.image_format)
        end = time.perf_counter()
        self.seconds.append(end - start)
        self.encode_seconds.append(end - drawn)
        return image, caption


def render_png(draw, figsize=(6.4, 4.0), dpi=90, **values):
    """One frame of draw (a function draw(fig, **values) or an Explorer): (PNG bytes, caption or None)."""
    return Frames(draw, figsize, dpi).render(**values)


def latest_wins(redraw, delay=COALESCE_SECONDS):
    """A change handler that draws only the newest state. A move that finds the figure idle is drawn
    at once (on the event loop's next turn); moves that arrive within `delay` of the last frame, or
    while a frame is due, are folded into one frame, so a fast drag never builds a queue of stale
    frames. Outside a running event loop (tests, scripts) it draws at once."""
    state = {"due": None, "last": float("-inf")}

    def draw_now():
        state["due"] = None
        try:
            redraw()
        finally:
            state["last"] = time.perf_counter()

    def request(_change=None):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            redraw()
            return
        if state["due"] is None:
            idle = time.perf_counter() - state["last"] >= delay
            state["due"] = loop.call_soon(draw_now) if idle else loop.call_later(delay, draw_now)

    request.pending = lambda: state["due"] is not None  # a frame the student asked for is waiting
    return request


class DrawingAhead:
    """Draws the states a student is likely to reach next (explorer_states.states_ahead), one at a time with
    a short wait between for the kernel's messages and only while no move waits to be drawn, and sends each
    to the browser's view, which keeps it and shows it the moment its controls get there. Nothing is drawn
    ahead until a view says a student is reaching for the explorer (`reaching`): a notebook run without a
    browser draws no more than before."""

    def __init__(self, frame_for, send, busy=lambda: False):
        self.frame_for, self.send, self.busy = frame_for, send, busy
        self.wanted = False
        self.plan = []
        self.near = set()
        self.sent = RecentKeys(HELD)  # keys whose pictures the browser's views still hold
        self.current = None
        self._due = None

    def reaching(self, fresh=False):
        """A view asks for pictures ahead; a fresh one (a new view, a reloaded page) holds none yet."""
        self.wanted = True
        if fresh:  # it holds the picture shown now, from the widget's state
            self.sent = RecentKeys(HELD)
            self.shown(self.current)

    def shown(self, key):
        """The state shown now (its picture is the view's own); None for one off the grids."""
        self.current = key
        if key is not None:
            self.sent.add(key)

    def start(self, plan):
        """Draw these (key, values) states ahead, in order, instead of what was planned before."""
        self.plan = [(key, values) for key, values in plan if key not in self.sent]
        self.near = {key for key, _ in self.plan[:NEAR]}  # the likeliest next: the page decodes them at once
        if self._due is not None or not self.plan:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # tests and scripts: all at once
            while self.plan:
                self._draw_one()
            return
        self._due = loop.call_later(AHEAD_GAP_SECONDS, self._turn, loop)

    def _turn(self, loop):
        self._due = None
        if self.busy():  # the move's own frame goes first; its redraw plans again
            self.plan = []
            return
        self._draw_one()
        if self.plan:
            self._due = loop.call_later(AHEAD_GAP_SECONDS, self._turn, loop)

    def _draw_one(self):
        key, values = self.plan.pop(0)
        if key in self.sent:
            return
        picture, caption = self.frame_for(key, values)
        self.send(key, picture, caption, key in self.near)
        self.sent.add(key)


def caption_text(text, controls, values=None):
    """The caption under a live figure: the draw function's text, or the controls' values in words."""
    if text:
        return text
    values = values or {name: control.value for name, control in controls.items()}
    return ", ".join(f"{getattr(control, 'description', '') or name} = {_spoken(values[name])}"
                     for name, control in controls.items())


# The picture and its caption in the browser. The caption is one live region, made once: a change sets its
# textContent, so a screen reader hears each new state (a region re-created on every move is usually not
# announced). Every picture the kernel sends is kept by its state key (utils/explorer_states.py); when a
# control moves, the view works out the new key from the controls' own models and shows a picture it
# already holds at once, without waiting for the kernel. It asks the kernel to draw ahead when the pointer
# or the keyboard focus reaches the explorer.
FIGURE_VIEW_ESM = """
const KEPT = 192;  // pictures kept per view (about 10 MB)
const DECODED = 8;  // of which decoded ahead, the likeliest next (about 1 MB each)
const RESTING = 30;  // ms a pointer stays still on a slider's track before the kernel is asked for its state

function placeOf(control) {
  const m = control.model;
  if (control.kind === "index") return m.get("index");
  if (control.kind === "value") return m.get("value");
  const value = m.get("value"), low = m.get("min"), step = m.get("step");
  const x = control.kind === "log" ? Math.log(value) / Math.log(m.get("base")) : value;
  const k = Math.round((x - low) / step);
  return Math.abs(x - (low + k * step)) <= Math.abs(step) * 1e-6 ? k : null;
}

function keyOf(places) {  // a state's key, as explorer_states.state_key writes it; null off the grids
  return places.includes(null) ? null : JSON.stringify(places);
}

async function render({ model, el, host, signal }) {
  const picture = document.createElement("img");
  picture.className = "labs-frame";
  picture.alt = model.get("alt");
  const region = document.createElement("div");
  region.className = "labs-caption";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.setAttribute("aria-atomic", "true");
  el.append(picture, region);

  const kept = new Map();  // state key -> {url, caption}, oldest first
  const decoded = [];      // the newest pictures kept, as decoded images
  let loose = null;        // the URL of a picture without a key
  const keep = (key, bytes, caption) => {
    if (kept.has(key)) {
      const entry = kept.get(key);
      kept.delete(key);
      kept.set(key, entry);
      return entry;
    }
    const entry = {url: URL.createObjectURL(new Blob([bytes], {type: "image/jpeg"})), caption};
    kept.set(key, entry);
    for (const [old, gone] of kept) {
      if (kept.size <= KEPT) break;
      kept.delete(old);
      if (picture.src !== gone.url) URL.revokeObjectURL(gone.url);
    }
    return entry;
  };
  const decode = (entry) => {  // a likely next picture, decoded while the student reads: then shown at once
    const image = new Image();
    image.src = entry.url;
    image.decode().catch(() => {});
    decoded.push(image);
    if (decoded.length > DECODED) decoded.shift();
  };
  const show = (entry) => {
    if (picture.src !== entry.url) picture.src = entry.url;
    if (region.textContent !== entry.caption) region.textContent = entry.caption;
  };

  let controls = [];
  const currentKey = () => controls.length ? keyOf(controls.map(placeOf)) : null;
  const fromKernel = () => {
    const key = model.get("key");
    if (!key) {
      if (loose) URL.revokeObjectURL(loose);
      loose = URL.createObjectURL(new Blob([model.get("picture")], {type: "image/jpeg"}));
      show({url: loose, caption: model.get("caption")});
      return;
    }
    const entry = keep(key, model.get("picture"), model.get("caption"));
    const now = currentKey();
    if (now === null || now === key) show(entry);
  };
  fromKernel();
  model.on("change:picture", fromKernel);
  model.on("change:key", fromKernel);
  model.on("change:caption", fromKernel);
  model.on("msg:custom", (message, buffers) => {
    if (message.kind !== "frame" || !buffers.length) return;
    const entry = keep(message.key, buffers[0], message.caption);
    if (message.key === currentKey()) show(entry);  // asked for from a pointer resting there, then clicked
    else if (message.near) decode(entry);
  });

  const cleanup = () => {
    for (const entry of kept.values()) URL.revokeObjectURL(entry.url);
    if (loose) URL.revokeObjectURL(loose);
  };
  try {
    controls = await Promise.all(model.get("controls").map(
      async (control) => ({kind: control.kind, model: await host.getModel(control.ref)})));
  } catch (error) {  // a front end that cannot share its models: the kernel's pictures alone, as they come
    console.warn("explorer: drawing ahead is off here:", error);
    return cleanup;
  }
  const moved = () => {
    const entry = kept.get(currentKey());
    if (entry) show(entry);
  };
  for (const control of controls) control.model.on(control.kind === "index" ? "change:index" : "change:value", moved);

  let warmed = null;
  const reaching = (event) => {
    const box = el.closest(".widget-vbox");
    const key = currentKey();
    if (!box || !box.contains(event.target) || key === warmed) return;
    warmed = key;
    model.send({kind: "warm", fresh: kept.size <= 1});
  };
  document.addEventListener("pointerover", reaching, {signal});
  document.addEventListener("focusin", reaching, {signal});

  // A hand comes to rest on a slider's track a moment before it clicks there: once the pointer has rested
  // there RESTING ms, the kernel is asked to draw the state under it first (a horizontal slider's track maps
  // its width onto the grid). A pointer passing over, or a click as the pointer arrives, asks for nothing.
  let hovered = null, resting = null;
  const hovering = (event) => {
    clearTimeout(resting);
    resting = setTimeout(() => rested(event), RESTING);
  };
  const rested = (event) => {
    const row = event.buttons ? null : el.closest(".widget-vbox")?.querySelector(":scope > .widget-hbox");
    if (!row || !row.contains(event.target)) return;
    const i = [...row.children].findIndex((child) => child.contains(event.target));
    const control = controls[i], track = row.children[i]?.querySelector(".noUi-base");  // noUiSlider's own scale
    if (!track || !["grid", "log"].includes(control?.kind) || control.model.get("orientation") === "vertical") return;
    const rect = track.getBoundingClientRect(), m = control.model;
    if (event.clientX < rect.left || event.clientX > rect.right || !rect.width) return;
    const points = Math.round((m.get("max") - m.get("min")) / m.get("step"));
    const k = Math.round((event.clientX - rect.left) / rect.width * points);
    const places = controls.map(placeOf);
    places[i] = k;
    const key = keyOf(places);
    if (key === null || key === hovered || kept.has(key)) return;
    hovered = key;
    model.send({kind: "hover", control: i, place: k});
  };
  document.addEventListener("pointermove", hovering, {signal});
  document.addEventListener("pointerdown", () => clearTimeout(resting), {signal, capture: true});
  signal?.addEventListener("abort", () => clearTimeout(resting));
  return cleanup;
}
export default { render };
"""
FIGURE_VIEW_CSS = """
.labs-frame { display: block; max-width: 100%; height: auto; }
.labs-caption { font-family: var(--jp-code-font-family, monospace); font-size: var(--jp-code-font-size, 13px);
                line-height: var(--jp-code-line-height, 1.3077); white-space: pre-wrap; margin: 2px 0 0; }
"""


@functools.cache
def _figure_view_class():
    """The picture (JPEG), its caption (the text a screen reader hears after every move) and its state key."""
    import anywidget
    import traitlets

    class FigureView(anywidget.AnyWidget):
        _esm = FIGURE_VIEW_ESM
        _css = FIGURE_VIEW_CSS
        picture = traitlets.Bytes(b"").tag(sync=True)
        caption = traitlets.Unicode("").tag(sync=True)
        key = traitlets.Unicode("").tag(sync=True)  # the picture's state key, "" for a state off the grids
        alt = traitlets.Unicode("").tag(sync=True)
        controls = traitlets.List().tag(sync=True)  # [{"ref": "anywidget:<model id>", "kind": ...}]

        def __repr__(self):  # anywidget's default names the object's address
            return f"FigureView(caption={self.caption!r})"

    return FigureView


def figure_outline(fig):
    """What a figure shows, from its own texts: its title, then each panel's title and axis labels."""
    def clean(text):
        return " ".join(text.replace("$", "").split())

    panels, bars = [], []
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":  # Matplotlib's name for a colour bar's axes
            label = ax.get_ylabel().strip() or ax.get_xlabel().strip()
            bars.append(f"a colour bar for {clean(label)}" if label else "a colour bar")
            continue
        parts = [clean(ax.get_title())] if ax.get_title().strip() else []
        if ax.axison and ax.get_xlabel().strip():
            parts.append(f"{clean(ax.get_xlabel())} across")
        if ax.axison and ax.get_ylabel().strip():
            parts.append(f"{clean(ax.get_ylabel())} up")
        if parts:
            panels.append(", ".join(parts))
    title = clean(fig.get_suptitle())
    outline = "; ".join(f"panel {i}: {p}" for i, p in enumerate(panels, 1)) if len(panels) > 1 else "".join(panels)
    outline = "; ".join(part for part in (outline, *bars) if part)
    return ". ".join(part for part in (title, outline) if part) or "a figure without titles or axis labels"


def _spoken(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def live_figure(draw, figsize=(6.4, 4.0), dpi=90, **controls):
    """A box of controls above an image that draw re-renders while the controls move.

    draw is a function draw(fig, **values) or an Explorer (class or instance); each control is an
    ipywidgets value widget whose name is the keyword draw receives.
    """
    import ipywidgets as widgets

    if not controls:
        raise ValueError("live_figure needs at least one control, e.g. w=FloatSlider(...)")
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise TypeError(f"control {name!r} must be an ipywidgets value widget (a slider, "
                            f"dropdown, ...), got {type(control).__name__}")
        style = getattr(control, "style", None)
        if style is not None and hasattr(style, "description_width") and not style.description_width:
            style.description_width = "initial"  # show the whole label, e.g. "learning rate"
        if hasattr(control, "continuous_update"):
            control.continuous_update = True  # the figure follows the slider while it is dragged
    frames = Frames(draw, figsize, dpi, image_format="jpeg")
    store = FrameStore()
    view = _figure_view_class()(controls=[{"ref": f"anywidget:{control.model_id}", "kind": control_kind(control)}
                                          for control in controls.values()])

    def frame_for(key, values, fresh=False):
        """(JPEG, caption) of a state: drawn now, or the one drawn before for its key."""
        frame = None if fresh or key is None else store.get(key)
        if frame is None:
            picture, text = frames.render(**values)
            frame = (picture, caption_text(text, controls, values))
            if key is not None:
                store.put(key, frame)
        return frame

    def send_ahead(key, picture, caption, near):
        view.send({"kind": "frame", "key": key, "caption": caption, "near": near}, buffers=[picture])

    ahead = DrawingAhead(frame_for, send_ahead)
    last_move = {"moved": None, "direction": 1}

    def redraw(fresh=False):
        values = on_grid(controls, {name: control.value for name, control in controls.items()})
        key = state_key(controls, values)
        picture, text = frame_for(key, values, fresh)
        with view.hold_sync():
            view.picture, view.caption, view.key = picture, text, key or ""
        ahead.shown(key)
        if ahead.wanted:
            ahead.start(states_ahead(controls, values, **last_move))

    def on_move(name, change):
        if live["quiet"]:
            return
        control = controls[name]
        before, after = place(control, change["old"]), place(control, change["new"])
        last_move.update(moved=name, direction=-1 if None not in (before, after) and after < before else 1)
        request(change)

    def on_message(_view, content, _buffers):
        kind = content.get("kind")
        values = on_grid(controls, {name: control.value for name, control in controls.items()})
        if kind == "warm":
            ahead.reaching(fresh=bool(content.get("fresh")))
            last_move.update(moved=None, direction=1)
            ahead.start(states_ahead(controls, values))
        elif kind == "hover" and type(content.get("control")) is int and 0 <= content["control"] < len(controls):
            # the pointer rests on a slider's track: the state a click there gives is drawn first
            ahead.reaching()
            name = list(controls)[content["control"]]
            around = states_around(controls, values, name, content.get("place"))
            for key, _ in around[:2]:  # the view lacks the state under the pointer (and may lack the one below)
                ahead.sent.discard(key)
            ahead.start(around + states_ahead(controls, values, **last_move))

    live = {"frames": frames, "controls": controls, "redraw": redraw, "quiet": False, "ahead": ahead}
    request = latest_wins(redraw)
    ahead.busy = request.pending
    for name, control in controls.items():
        control.observe(functools.partial(on_move, name), names="value")
    view.on_msg(on_message)
    redraw()
    view.alt = f"The explorer's picture: {figure_outline(frames.last_canvas.figure)}"
    LIVE_FIGURES.append(live)
    del LIVE_FIGURES[:-32]  # a kernel that re-runs its cells keeps only the newest figures
    box = _live_box_class()([widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
                             view])
    first = frames.last_canvas
    outline = figure_outline(first.figure)
    names = [control_name(name, control) for name, control in controls.items()]
    box.first_frame = (_encode(first, "png"), f"The explorer's first picture: {outline}. {view.caption}")
    box.described = (f"Explorer with {'a control' if len(names) == 1 else 'controls'} for {_listed(names)}: "
                     f"{outline}", names)
    return box


def control_name(name, control):
    """What a control is called on screen (its description without a trailing '='), else its keyword."""
    return (getattr(control, "description", "") or name).rstrip("= ").strip() or name


def _listed(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@functools.cache
def _live_box_class():
    """A VBox whose displayed output also holds its first frame as a PNG with alt text, a text/plain line
    saying what it explores, and its controls' names (metadata): a front end without the kernel's widgets
    (the course site, a stored notebook, nbconvert, a text-only reader) shows those."""
    import ipywidgets as widgets

    class LiveFigureBox(widgets.VBox):
        first_frame = None  # (PNG bytes, alt text)
        described = None  # (one line for text-only front ends, the controls' names)

        @property
        def picture(self):
            """The JPEG shown now."""
            return self.children[1].picture

        @property
        def caption(self):
            """The caption shown now (what a screen reader hears)."""
            return self.children[1].caption

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            if self.first_frame is None or not bundle:
                return bundle
            png, alt = self.first_frame
            text, names = self.described
            bundle["image/png"] = base64.b64encode(png).decode("ascii")
            bundle["text/plain"] = text
            # what JupyterLab shows where the widget cannot render (an untrusted notebook): the picture
            # with an alt attribute (it ignores image/png's metadata alt); values aside, so that nbval
            # compares no number a BLAS kernel could change
            short = html.escape(f"{text.partition(': ')[2]}. The explorer redraws it when the lab runs.", quote=True)
            bundle["text/html"] = f'<img src="data:image/png;base64,{bundle["image/png"]}" alt="{short}">'
            return bundle, {"image/png": {"alt": alt}, "application/vnd.jupyter.widget-view+json": {"controls": names}}

    return LiveFigureBox


def _next_value(control):
    """The value one step on from the control's current one (back one step at the end of its range; a menu
    goes round to its first option; a control without steps, or off its grid, stays)."""
    value = stepped(control, control.value, 1)
    if value is None and control_kind(control) == "index":
        return option_values(control)[0]
    if value is None:
        value = stepped(control, control.value, -1)
    return control.value if value is None else value


def frame_times(steps=3):
    """Seconds per frame of every live figure of this kernel, moving each control `steps` times.

    For `make bench`: [{"figure": name, "seconds": [...], "encode_seconds": [...]}, ...], kernel-side
    (drawing and encoding; encode_seconds the encoding alone).
    """
    report = []
    for live in LIVE_FIGURES:
        frames, controls = live["frames"], live["controls"]
        done = len(frames.seconds)
        for control in controls.values():
            for _ in range(steps):
                live["quiet"] = True  # the benchmark draws the frame itself, and times it
                try:
                    control.value = _next_value(control)
                finally:
                    live["quiet"] = False
                live["redraw"](fresh=True)
        draw = frames.draw
        name = getattr(draw, "__name__", type(draw).__name__)
        report.append({"figure": name, "seconds": frames.seconds[done:],
                       "encode_seconds": frames.encode_seconds[done:]})
    return report
