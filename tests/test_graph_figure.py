"""Drawing computation graphs: folded steps, local derivatives, layouts and the Lab 08 widget."""
import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from utils.autodiff import Value
from utils.graph_figure import (
    COURSE_FORMULAS,
    COURSE_LAYOUT,
    NETWORK_BOX,
    NETWORK_FORMULAS,
    NETWORK_LAYOUT,
    CourseGraphExplorer,
    auto_layout,
    course_example,
    draw_graph,
    named_graph,
    named_inputs,
    network_example,
)
from utils.widgets import Frames, live_figure, render_png


def _texts(ax):
    """Every label's text on one line (a level arrow's label is stacked in two; arrows have no text)."""
    return [t.get_text().replace("\n", " ") for t in ax.texts if t.get_text()]


def test_a_level_arrows_label_is_stacked_so_it_fits_between_the_boxes():
    ax = Figure().subplots()
    v = course_example()
    v["J"].backward()
    draw_graph(ax, v["J"], layout=COURSE_LAYOUT, formulas=COURSE_FORMULAS)
    labels = {t.get_text() for t in ax.texts}
    assert "∂J/∂d\n= −3" in labels and "∂c/∂w = −2" in labels  # level d → J stacked, slanted w → c not


def test_unnamed_steps_fold_into_one_edge_with_the_chained_local_derivative():
    v = course_example(w=2.0, b=8.0, x=-2.0, y=2.0)
    (parent, local), = named_inputs(v["J"])          # J = 0.5 * d ** 2: two unnamed steps
    assert parent is v["d"] and local == pytest.approx(v["d"].data)
    locals_of_c = {p.name: g for p, g in named_inputs(v["c"])}
    assert locals_of_c == {"w": -2.0, "x": 2.0}


def test_named_graph_has_the_course_edges():
    v = course_example(w=2.0, b=8.0, x=-2.0, y=2.0)
    nodes, edges = named_graph(v["J"])
    assert {n.name for n in nodes} == set("wxcbaydJ")
    assert {(p.name, c.name) for p, c, _ in edges} == {("w", "c"), ("x", "c"), ("c", "a"), ("b", "a"),
                                                       ("a", "d"), ("y", "d"), ("d", "J")}


def test_draw_graph_shows_values_and_derivatives():
    v = course_example(w=2.0, b=8.0, x=-2.0, y=2.0)
    v["J"].backward()
    ax = Figure().subplots()
    draw_graph(ax, v["J"], layout=COURSE_LAYOUT, formulas=COURSE_FORMULAS)
    texts = _texts(ax)
    for expected in ["c = w·x", "= −4", "∂J/∂w = −4", "∂J/∂b = 2",
                     "∂c/∂w = −2", "∂J/∂d = 2"]:
        assert expected in texts
    assert len(ax.patches) == 8


def test_auto_layout_places_every_named_value_left_of_its_consumers():
    x, y = Value(1.0, name="x"), Value(2.0, name="y")
    s = x * y
    s.name = "s"
    out = (s + x).relu()
    out.name = "out"
    layout = auto_layout(out)
    assert set(layout) == {"x", "y", "s", "out"}
    assert layout["x"][0] < layout["s"][0] < layout["out"][0]
    out.backward()
    ax = Figure().subplots()
    draw_graph(ax, out)                 # default layout and formulas
    assert "s = x · y" in _texts(ax) and "out = f(s, x)" in _texts(ax)


def test_draw_graph_errors_say_what_to_do():
    ax = Figure().subplots()
    with pytest.raises(TypeError, match="output Value"):
        draw_graph(ax, 3.0)
    with pytest.raises(KeyError, match="no position for"):
        draw_graph(ax, course_example()["J"], layout={"w": (0, 0)})


def test_explorer_shows_each_value_and_derivative_for_the_sliders():
    png, caption = render_png(CourseGraphExplorer, w=2.0, b=8.0, x=-2.0, y=2.0)
    assert png[:4] == b"\x89PNG" and "dJ/dw = dJ/dc·x = -4" in caption and caption.startswith("J = 2.")
    frames = Frames(CourseGraphExplorer, figsize=(10, 4.4))
    _, at_minimum = frames.render(w=2.0, b=6.0, x=-2.0, y=2.0)
    assert at_minimum.startswith("J = 0.") and "dJ/dw = dJ/dc·x = 0" in at_minimum
    texts = _texts(frames.explorer.ax)
    assert len(texts) == 8 * 3 + 7                   # formula, value and dJ/dv per box; one per arrow
    for expected in ["c = w·x", "= −4", "= 2", "∂J/∂w = 0", "∂J/∂b = 0", "∂c/∂w = −2", "∂J/∂d = 0"]:
        assert expected in texts


def test_explorer_moved_twice_shows_what_one_drawing_shows(plot_style):
    final = {"w": -3.0, "b": -10.0, "x": 3.0, "y": 5.0}
    moved = Frames(CourseGraphExplorer, figsize=(10, 4.4))
    moved.render(w=2.0, b=8.0, x=-2.0, y=2.0)
    moved.render(w=3.0, b=10.0, x=3.0, y=-5.0)
    png, caption = moved.render(**final)
    once = Frames(CourseGraphExplorer, figsize=(10, 4.4))
    assert (png, caption) == once.render(**final)
    texts = _texts(moved.explorer.ax)
    assert texts == _texts(once.explorer.ax)
    assert "∂J/∂w = −72" in texts and "= 288" in texts


def test_explorer_follows_a_live_slider():
    slider = widgets.FloatSlider(value=8.0, min=-10, max=10, description="b")
    box = live_figure(CourseGraphExplorer, b=slider)
    slider.value = 6.0
    assert "J = 0." in box.caption


def test_the_larger_network_is_drawn_with_values_only_then_with_derivatives():
    v = network_example(x=3.0, y=2.0, w1=0.5, b1=1.0, w2=-2.0, b2=1.0)
    ax = Figure().subplots()
    draw_graph(ax, v["J"], layout=NETWORK_LAYOUT, formulas=NETWORK_FORMULAS, box_size=NETWORK_BOX,
               show_grads=False, show_local=False)
    before = _texts(ax)
    assert {"h = ReLU(z)", "ŷ = w2·h + b2", "= 2.5", "= −4", "= 18"} <= set(before)
    assert not any("∂" in text for text in before)  # the exercise's answers are not in the first figure
    v["J"].backward()
    ax = Figure().subplots()
    draw_graph(ax, v["J"], layout=NETWORK_LAYOUT, formulas=NETWORK_FORMULAS, box_size=NETWORK_BOX)
    assert {"∂J/∂w1 = 36", "∂J/∂ŷ = −6", "∂ŷ/∂h = −2", "∂h/∂z = 1"} <= set(_texts(ax))
