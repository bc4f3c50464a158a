"""Interactive figures without ipympl: sliders re-draw a Matplotlib figure shown as an image.

The figure lives in an `ipywidgets.Image`, not in an Output widget, so a stored notebook holds
only plain widget views (nbval skips them) and the drawing code stays pure and testable without a
browser. Two ways to draw:

    def draw(fig, w, b):                          # a new figure on every frame: simple
        ax = fig.subplots()
        ax.plot(x, np.maximum(0, w * x + b))
        return f"w = {w:.1f}, b = {b:.1f}"        # optional caption shown under the figure

    class ReluExplorer(Explorer):                 # one figure kept between frames: fast
        def setup(self, fig):
            self.line, = fig.subplots().plot(x, 0 * x)
        def update(self, w, b):
            self.line.set_ydata(np.maximum(0, w * x + b))
            return f"w = {w:.1f}, b = {b:.1f}"

    live_figure(draw, w=FloatSlider(...), b=FloatSlider(...))    # or live_figure(ReluExplorer, ...)
"""
import asyncio
import html
import io
import time

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

COALESCE_SECONDS = 0.01  # slider moves that arrive this close together are drawn once
LIVE_FIGURES = []  # every live figure of this kernel, so `make bench` can time its frames


class Explorer:
    """A figure kept between frames: setup(fig) draws everything once and keeps the artists it will
    move; update(**values) moves them and returns a caption (or None). The layout is worked out on
    the first frame and then kept, so a frame costs only the drawing of what changed."""

    def setup(self, fig):
        raise NotImplementedError("an Explorer defines setup(fig): draw the figure once, keep the artists")

    def update(self, **values):
        raise NotImplementedError("an Explorer defines update(**values): move the artists, return a caption")


def _as_explorer(draw):
    if isinstance(draw, type) and issubclass(draw, Explorer):
        return draw()
    return draw if isinstance(draw, Explorer) else None


def _png(canvas):
    """The canvas as PNG bytes, encoded fast (compression level 1: the frames are small anyway)."""
    from PIL import Image

    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


class Frames:
    """Renders the frames of one live figure (a draw function or an Explorer) and times each one."""

    def __init__(self, draw, figsize=(6.4, 4.0), dpi=90):
        self.draw, self.figsize, self.dpi = draw, figsize, dpi
        self.explorer = _as_explorer(draw)
        self.seconds = []  # the time of every frame rendered, first one included
        self._canvas = None

    def render(self, **values):
        """(PNG bytes, caption or None) of the figure for these control values."""
        start = time.perf_counter()
        if self.explorer is None:
            fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
            canvas = FigureCanvasAgg(fig)
            caption = self.draw(fig, **values)
        else:
            if self._canvas is None:
                fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
                self._canvas = FigureCanvasAgg(fig)
                self.explorer.setup(fig)
            canvas = self._canvas
            caption = self.explorer.update(**values)
        canvas.draw()
        if self.explorer is not None:
            canvas.figure.set_layout_engine("none")  # laid out once, on the first frame
        png = _png(canvas)
        self.seconds.append(time.perf_counter() - start)
        return png, caption


def render_png(draw, figsize=(6.4, 4.0), dpi=90, **values):
    """One frame of draw (a function draw(fig, **values) or an Explorer): (PNG bytes, caption or None)."""
    return Frames(draw, figsize, dpi).render(**values)


def latest_wins(redraw, delay=COALESCE_SECONDS):
    """A change handler that draws only the newest state: moves that arrive while a frame is due are
    folded into it, so a fast drag never builds a queue of stale frames. Outside a running event
    loop (tests, scripts) it draws at once."""
    due = []

    def draw_now():
        due.clear()
        redraw()

    def request(_change=None):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            redraw()
            return
        if not due:
            due.append(loop.call_later(delay, draw_now))

    return request


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
    image = widgets.Image(format="png")
    caption = widgets.HTML()
    frames = Frames(draw, figsize, dpi)

    def redraw():
        values = {name: control.value for name, control in controls.items()}
        png, text = frames.render(**values)
        image.value = png
        caption.value = f"<pre>{html.escape(text)}</pre>" if text else ""

    live = {"frames": frames, "controls": controls, "redraw": redraw, "quiet": False}
    request = latest_wins(redraw)
    for control in controls.values():
        control.observe(lambda change: None if live["quiet"] else request(change), names="value")
    redraw()
    LIVE_FIGURES.append(live)
    del LIVE_FIGURES[:-32]  # a kernel that re-runs its cells keeps only the newest figures
    return widgets.VBox([widgets.HBox(list(controls.values()),
                                      layout=widgets.Layout(flex_flow="row wrap")), image, caption])


def _next_value(control):
    """The value one step on from the control's current one (back one step at the end of its range)."""
    options = getattr(control, "options", None)
    if options is not None and len(options):
        values = [option[1] if isinstance(option, tuple) else option for option in options]
        index = values.index(control.value) if control.value in values else 0
        return values[(index + 1) % len(values)]
    step = getattr(control, "step", 1) or 1
    if hasattr(control, "base"):  # FloatLogSlider: the step is in powers of base
        up, down = control.value * control.base ** step, control.value / control.base ** step
        return up if up <= control.base ** control.max else down
    up, down = control.value + step, control.value - step
    return up if up <= control.max else down


def frame_times(steps=3):
    """Seconds per frame of every live figure of this kernel, moving each control `steps` times.

    For `make bench`: [{"figure": name, "seconds": [...]}, ...], kernel-side (drawing and PNG).
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
                live["redraw"]()
        draw = frames.draw
        name = getattr(draw, "__name__", type(draw).__name__)
        report.append({"figure": name, "seconds": frames.seconds[done:]})
    return report
