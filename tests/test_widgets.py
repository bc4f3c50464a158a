"""live_figure: pure drawing, sliders wired to the image, clear errors."""
import ipywidgets as widgets
import pytest

from utils.widgets import live_figure, render_png


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
    image, caption = box.children[1], box.children[2]
    before = image.value
    slider.value = 2.5
    assert image.value != before and "slope 2.5" in caption.value


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
