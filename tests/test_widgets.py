"""live_figure: pure drawing, sliders wired to the image, clear errors."""
import ipywidgets as widgets
import pytest

from utils.widgets import Explorer, Frames, live_figure, render_png


def draw_line(fig, slope):
    ax = fig.subplots()
    ax.plot([0, 1], [0, slope])
    ax.set_xlabel("x")
    return f"slope {slope}"


def test_render_png_returns_png_and_caption():
    png, caption = render_png(draw_line, slope=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and caption == "slope 2"


def test_moving_a_slider_redraws_the_image():
    slider = widgets.FloatSlider(value=1.0, min=0, max=3)
    box = live_figure(draw_line, slope=slider)
    before = box.picture
    slider.value = 2.5
    assert box.picture != before and "slope 2.5" in box.caption


def test_bad_controls_are_explained():
    with pytest.raises(ValueError, match="at least one control"):
        live_figure(draw_line)
    with pytest.raises(TypeError, match="'slope' must be an ipywidgets value widget"):
        live_figure(draw_line, slope=3)


def test_labels_are_not_truncated_unless_the_lab_chose_a_width():
    long_label = widgets.FloatSlider(description="learning rate")
    fixed = widgets.FloatSlider(description="w", style={"description_width": "30px"})
    live_figure(lambda fig, a, b: draw_line(fig, a + b), a=long_label, b=fixed)
    assert long_label.style.description_width == "initial"
    assert fixed.style.description_width == "30px"


def test_sliders_update_while_dragged():
    slider = widgets.FloatSlider(value=1.0, continuous_update=False)
    live_figure(draw_line, slope=slider)
    assert slider.continuous_update


def test_a_fast_drag_draws_only_the_newest_position():
    """Moves that arrive while a frame is due fold into it: no queue of stale frames."""
    import asyncio

    from utils.widgets import latest_wins

    drawn, position = [], {"x": 0}
    request = latest_wins(lambda: drawn.append(position["x"]), delay=0.01)

    async def drag():
        for x in range(1, 21):
            position["x"] = x
            request()
        await asyncio.sleep(0.05)

    asyncio.run(drag())
    assert drawn == [20]
    request()  # outside an event loop (a script, a test): drawn at once
    assert drawn == [20, 20]


def test_a_move_on_an_idle_figure_is_drawn_at_once_and_a_quick_next_one_is_folded():
    import asyncio

    from utils.widgets import latest_wins

    drawn, position = [], {"x": 0}
    request = latest_wins(lambda: drawn.append(position["x"]), delay=0.05)

    async def moves():
        position["x"] = 1
        request()
        await asyncio.sleep(0)  # the loop's next turn: no waiting for more moves
        assert drawn == [1]
        position["x"] = 2
        request()
        position["x"] = 3
        request()
        await asyncio.sleep(0)
        assert drawn == [1]  # right after a frame: wait a little, in case more moves come
        await asyncio.sleep(0.1)
        assert drawn == [1, 3]

    asyncio.run(moves())


def test_the_caption_is_a_live_region_that_says_the_state_in_words():
    """A screen reader hears the caption change: the caption's value is plain text that its view writes into
    one polite live region, made once (tests/browser/test_accessibility.py checks the page); with no caption
    from the draw function the caption says the controls' values."""
    import anywidget

    slider = widgets.FloatSlider(value=1.0, min=0, max=3, description="slope")
    box = live_figure(draw_line, slope=slider)
    view = box.children[1]
    assert isinstance(view, anywidget.AnyWidget) and box.caption == "slope 1.0"
    for needle in ('role", "status"', 'aria-live", "polite"', 'aria-atomic", "true"', "textContent",
                   'model.on("change:caption"'):
        assert needle in view._esm, needle
    assert "innerHTML" not in view._esm  # the region itself is never replaced
    assert "font-family" in view._css and "monospace" in view._css
    slider.value = 2.5
    assert box.caption == "slope 2.5" and repr(view) == "FigureView(caption='slope 2.5')"

    def silent(fig, w, b):
        fig.subplots().plot([0, 1], [b, w + b])

    box = live_figure(silent, w=widgets.FloatSlider(value=0.5, description="weight"), b=widgets.IntSlider(value=2))
    assert box.caption == "weight = 0.5, b = 2"


def test_the_caption_is_text_not_markup():
    """A caption is shown as typed: '<' and '&' reach the screen reader as such (textContent, no escaping)."""
    box = live_figure(lambda fig, k: f"J < {k} & rising", k=widgets.IntSlider(value=3))
    assert box.caption == "J < 3 & rising"


def test_live_frames_are_jpeg_and_single_frames_png():
    slider = widgets.FloatSlider(value=1.0, min=0, max=3)
    assert live_figure(draw_line, slope=slider).picture[:3] == b"\xff\xd8\xff"
    assert render_png(draw_line, slope=1.0)[0][:8] == b"\x89PNG\r\n\x1a\n"


def test_frames_time_the_png_encoding_apart():
    frames = Frames(draw_line)
    frames.render(slope=1.0)
    assert len(frames.encode_seconds) == 1 and 0 < frames.encode_seconds[0] <= frames.seconds[0]




def test_an_explorer_keeps_its_figure_and_moves_its_artists():
    from utils.widgets import Explorer, Frames

    class Ramp(Explorer):
        def setup(self, fig):
            self.fig = fig
            self.line, = fig.subplots().plot([0, 1], [0, 0])

        def update(self, slope):
            self.line.set_ydata([0, slope])
            return f"slope {slope}"

    frames = Frames(Ramp)
    first, caption = frames.render(slope=1.0)
    figure = frames.explorer.fig
    second, _ = frames.render(slope=2.0)
    assert caption == "slope 1.0" and first[:8] == b"\x89PNG\r\n\x1a\n" and first != second
    assert frames.explorer.fig is figure and list(frames.explorer.line.get_ydata()) == [0, 2.0]
    assert len(frames.seconds) == 2


def test_an_explorer_that_forgets_a_method_says_which():
    from utils.widgets import Explorer, render_png

    with pytest.raises(NotImplementedError, match="setup"):
        render_png(Explorer, slope=1.0)


def test_frame_times_moves_every_control_and_times_each_frame():
    from utils.widgets import LIVE_FIGURES, frame_times

    LIVE_FIGURES.clear()
    slider = widgets.IntSlider(value=9, min=0, max=10)
    menu = widgets.Dropdown(options=[("one", 1.0), ("two", 2.0)], value=2.0)
    live_figure(lambda fig, a, b: draw_line(fig, a * b), a=slider, b=menu)
    report = frame_times(steps=2)
    assert len(report) == 1 and len(report[0]["seconds"]) == 4  # 2 controls x 2 steps, one frame each
    assert slider.value == 9 and menu.value == 2.0  # up to the end of the range, then back; options wrap


# ----------------------------------------------------------------------------- the still picture

class Bars(Explorer):
    """Bars under the lab style's grid (bars at zorder 1, the axis at 1.5), a legend and a moving title."""

    def setup(self, fig):
        self.ax = fig.subplots()
        self.ax.plot([0, 3], [0.5, 0.5], color="0.5", zorder=0.5, label="half")  # still: under the bars
        self.bars = self.ax.bar(range(4), [0] * 4, zorder=1, label="heights")
        self.ax.set_ylim(0, 1)
        self.ax.set_xlabel("bar")
        self.legend = self.ax.legend(loc="upper left")
        self.title = self.ax.set_title(" ", y=1.0)
        self.moving = [*self.bars, self.title]

    def update(self, top, limit=1.0):
        for i, bar in enumerate(self.bars):
            bar.set_height(top * (i + 1) / 4)
        self.title.set_text(f"top {top:.2f}")
        if limit != self.ax.get_ylim()[1]:
            self.ax.set_ylim(0, limit)
            self.still_changed()


def _drawn_in_full(monkeypatch):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    calls = []
    draw = FigureCanvasAgg.draw
    monkeypatch.setattr(FigureCanvasAgg, "draw", lambda canvas: calls.append(1) or draw(canvas))
    return calls


def test_frames_over_the_still_picture_are_the_pixels_of_a_full_drawing(plot_style, monkeypatch):
    full = render_png(Bars, top=0.6)  # one frame: a full drawing
    moved = Frames(Bars)
    moved.render(top=0.9)
    moved.render(top=0.1)  # stores the still picture, then paints
    full_drawings = _drawn_in_full(monkeypatch)
    assert moved.render(top=0.6) == full
    assert full_drawings == []  # painted from the picture, not drawn in full


def test_live_artists_are_the_moving_ones_and_what_their_axes_draws_over_them():
    frames = Frames(Bars)
    frames.render(top=0.5)
    frames.render(top=0.6)
    bars = frames.explorer
    live = frames.still.live
    assert live[:4] == list(bars.bars) and bars.title in live and bars.legend in live
    assert bars.ax.lines[0] not in live  # drawn before the first bar: in the picture
    assert (bars.ax.xaxis in live) == (bars.ax.xaxis.get_zorder() > 1)


def test_a_changed_still_part_is_laid_out_and_drawn_in_full_again(monkeypatch):
    new_limits, then_moved = render_png(Bars, top=4.0, limit=5.0), render_png(Bars, top=3.0, limit=5.0)
    moved = Frames(Bars)
    moved.render(top=0.5)
    moved.render(top=0.7)
    full_drawings = _drawn_in_full(monkeypatch)
    assert moved.render(top=4.0, limit=5.0) == new_limits and full_drawings  # new tick labels: laid out again
    assert moved.still is None
    moved.render(top=3.5, limit=5.0)  # a new still picture
    full_drawings.clear()
    assert moved.render(top=3.0, limit=5.0) == then_moved and full_drawings == []


def test_a_moving_artist_outside_the_axes_children_is_named():
    class LegendText(Bars):
        def setup(self, fig):
            super().setup(fig)
            self.moving = [self.legend.get_texts()[0]]

    with pytest.raises(ValueError, match="list the legend, not its texts"):
        render_png(LegendText, top=0.5)


def test_the_displayed_output_keeps_the_first_frame_as_a_png_with_alt_text():
    """A front end without the kernel (the course site, a stored notebook) shows the first picture, and
    its alt text is the first caption; moving a slider later does not change the stored picture."""
    import base64

    slider = widgets.FloatSlider(value=1.0, min=0, max=3, description="slope")
    box = live_figure(draw_line, slope=slider)
    slider.value = 2.5
    data, metadata = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data and "text/plain" in data
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert metadata["image/png"]["alt"] == "The explorer's first picture: x across. slope 1.0"
    assert data["text/plain"] == "Explorer with a control for slope: x across"
    assert data["text/html"].startswith("<img src=\"data:image/png;base64,")
    assert 'alt="x across. The explorer redraws it when the lab runs."' in data["text/html"]
    assert metadata["application/vnd.jupyter.widget-view+json"] == {"controls": ["slope"]}
    assert "slope 2.5" in box.caption


def test_a_figure_outline_reads_the_titles_and_axis_labels():
    from matplotlib.figure import Figure

    from utils.widgets import figure_outline

    fig = Figure()
    left, right = fig.subplots(1, 2)
    left.set(title="Cost $J(w)$", xlabel="w", ylabel="J")
    right.set(title="Its slope")
    right.set_axis_off()
    fig.suptitle("Nudging w")
    assert figure_outline(fig) == "Nudging w. panel 1: Cost J(w), w across, J up; panel 2: Its slope"
    assert figure_outline(Figure()) == "a figure without titles or axis labels"

    fig = Figure()
    ax = fig.subplots()
    ax.set(xlabel="temperature", ylabel="duration")
    fig.colorbar(ax.imshow([[0, 1]]), ax=ax, label="probability")
    assert figure_outline(fig) == "temperature across, duration up; a colour bar for probability"
