"""Interactive figures without ipympl: sliders re-draw a Matplotlib figure shown as an image.

The figure lives in an `ipywidgets.Image`, not in an Output widget, so a stored notebook holds
only plain widget views (nbval skips them) and the drawing code stays a pure function that can
be tested without a browser:

    def draw(fig, w, b):
        ax = fig.subplots()
        ax.plot(x, np.maximum(0, w * x + b))
        return f"w = {w:.1f}, b = {b:.1f}"      # optional caption shown under the figure

    live_figure(draw, w=FloatSlider(...), b=FloatSlider(...))
"""
import html
import io

from matplotlib.figure import Figure


def render_png(draw, figsize=(6.4, 4.0), dpi=90, **values):
    """Call draw(fig, **values) on a fresh figure; return (PNG bytes, caption or None)."""
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    caption = draw(fig, **values)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue(), caption


COALESCE_SECONDS = 0.01  # slider moves that arrive this close together are drawn once


def latest_wins(redraw, delay=COALESCE_SECONDS):
    """A change handler that draws only the newest state: moves that arrive while a frame is due are
    folded into it, so a fast drag never builds a queue of stale frames. Outside a running event
    loop (tests, scripts) it draws at once."""
    import asyncio

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
    """A box of controls above an image that draw(fig, **values) re-renders on every change."""
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

    def redraw():
        values = {name: control.value for name, control in controls.items()}
        png, text = render_png(draw, figsize=figsize, dpi=dpi, **values)
        image.value = png
        caption.value = f"<pre>{html.escape(text)}</pre>" if text else ""

    request = latest_wins(redraw)
    for control in controls.values():
        control.observe(request, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(controls.values()),
                                      layout=widgets.Layout(flex_flow="row wrap")), image, caption])
