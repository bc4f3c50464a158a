"""An explorer's states: keys the kernel and the browser agree on, the states drawn ahead, and the drawing
ahead itself (utils/explorer_states.py, utils/widgets.DrawingAhead)."""
import io
import json
import shutil
import subprocess

import ipywidgets as widgets
import numpy as np
import pytest

from utils.explorer_states import (
    FrameStore,
    RecentKeys,
    control_kind,
    grid_value,
    on_grid,
    place,
    state_key,
    states_ahead,
    states_around,
    stepped,
)
from utils.widgets import FIGURE_VIEW_ESM, DrawingAhead, live_figure


def draw_line(fig, slope):
    fig.subplots().plot([0, 1], [0, slope])
    return f"slope {slope}"


def test_each_control_has_the_kind_the_browser_reads():
    assert control_kind(widgets.FloatSlider()) == "grid"
    assert control_kind(widgets.IntSlider()) == "grid"
    assert control_kind(widgets.FloatLogSlider()) == "log"
    assert control_kind(widgets.Dropdown(options=["a", "b"])) == "index"
    assert control_kind(widgets.SelectionSlider(options=[0.3, 1.0])) == "index"
    assert control_kind(widgets.Checkbox()) == "value"


def test_a_slider_value_is_its_step_number_and_off_grid_values_have_none():
    slider = widgets.FloatSlider(value=0.15, min=0.01, max=0.5, step=0.01)
    assert place(slider, 0.15) == 14 and place(slider, 0.01 + 14 * 0.01) == 14
    assert place(slider, 0.155) is None
    log = widgets.FloatLogSlider(value=1.0, base=10, min=-3, max=0, step=0.1)
    assert place(log, 1.0) == 30 and place(log, 10 ** -0.1) == 29
    menu = widgets.Dropdown(options=[("w²", "w**2"), ("w", "w")], value="w")
    assert place(menu, "w") == 1 and place(menu, "nothing") is None


def test_a_state_key_lists_the_places_and_is_none_off_the_grid():
    controls = {"w": widgets.FloatSlider(value=1.0, min=-3, max=3, step=0.25),
                "g": widgets.Dropdown(options=["a", "b"])}
    assert state_key(controls, {"w": 1.0, "g": "b"}) == "[16,1]"
    assert state_key(controls, {"w": 1.1, "g": "b"}) is None


def test_stepping_stays_inside_the_range():
    width = widgets.IntSlider(value=9, min=3, max=41, step=2)
    assert stepped(width, 9, 1) == 11 and isinstance(stepped(width, 9, 1), int)
    assert stepped(width, 41, 1) is None and stepped(width, 3, -1) is None
    log = widgets.FloatLogSlider(value=1.0, base=10, min=-3, max=0, step=0.1)
    assert stepped(log, 1.0, 1) is None and stepped(log, 1.0, -1) == pytest.approx(10 ** -0.1)
    menu = widgets.SelectionSlider(options=[0.3, 1.0, 3.0], value=1.0)
    assert stepped(menu, 1.0, 1) == 3.0 and stepped(menu, 3.0, 1) is None
    assert stepped(widgets.Checkbox(), True, 1) is None


def test_the_states_ahead_follow_the_move_first():
    controls = {"w": widgets.FloatSlider(value=0.0, min=-1, max=1, step=0.5),
                "b": widgets.IntSlider(value=0, min=0, max=2)}
    ahead = states_ahead(controls, {"w": 0.0, "b": 0}, moved="w", direction=1)
    assert [values for _, values in ahead] == [{"w": 0.5, "b": 0}, {"w": 1.0, "b": 0}, {"w": -0.5, "b": 0},
                                               {"w": 0.0, "b": 1}, {"w": -1.0, "b": 0}]  # then w's grid
    keys = [key for key, _ in ahead]
    assert len(set(keys)) == len(keys) and state_key(controls, {"w": 0.0, "b": 0}) not in keys
    reaching = states_ahead(controls, {"w": 0.0, "b": 0})
    assert [values for _, values in reaching][:3] == [{"w": 0.5, "b": 0}, {"w": -0.5, "b": 0}, {"w": 0.0, "b": 1}]


def test_after_a_move_a_short_slider_s_whole_grid_is_drawn_ahead_nearest_first():
    controls = {"w": widgets.IntSlider(value=5, min=0, max=8), "g": widgets.Dropdown(options=["a", "b"])}
    ahead = states_ahead(controls, {"w": 5, "g": "a"}, moved="w", direction=-1)
    assert [values["w"] for _, values in ahead] == [4, 3, 2, 6, 7, 8, 1, 0]  # no menu state
    after_menu = states_ahead(controls, {"w": 5, "g": "a"}, moved="g")
    assert [(values["g"], values["w"]) for _, values in after_menu] == [("b", 5), ("a", 6), ("a", 4)]  # no grid
    long = {"w": widgets.IntSlider(value=50, min=0, max=100)}
    assert [values["w"] for _, values in states_ahead(long, {"w": 50}, moved="w")] == [51, 52, 53, 49]


def test_the_store_keeps_the_newest_frames():
    store = FrameStore(limit=2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == 1  # now the newest
    store.put("c", 3)
    assert store.get("b") is None and store.get("a") == 1 and len(store) == 2


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (CI installs it)")
def test_the_keys_sent_are_forgotten_oldest_first():
    keys = RecentKeys(2)
    for key in ("a", "b", "a", "c"):
        keys.add(key)
    assert "a" in keys and "c" in keys and "b" not in keys and len(keys) == 2
    keys.discard("a")
    keys.discard("x")
    assert "a" not in keys and len(keys) == 1


def test_the_browser_computes_the_same_keys_as_the_kernel():
    """The view's placeOf and keyOf (FIGURE_VIEW_ESM), run in Node on models holding what the kernel syncs,
    give the kernel's place for every control kind, on and off the grid, and its state key."""
    cases = [(widgets.FloatSlider(min=0.01, max=0.5, step=0.01), [0.15, 0.01 + 14 * 0.01, 0.155, 0.5]),
             (widgets.FloatSlider(min=-10, max=10, step=0.1), [0.30000000000000004, -2.7, 9.95]),
             (widgets.IntSlider(min=3, max=41, step=2), [3, 9, 41]),
             (widgets.FloatLogSlider(base=10, min=-3, max=0, step=0.1), [1.0, 10 ** -0.1, 0.001, 0.5]),
             (widgets.Checkbox(), [True, False])]
    models, expected = [], []
    for control, values in cases:
        kind = control_kind(control)
        for value in values:
            state = {name: getattr(control, name) for name in ("min", "step", "base") if hasattr(control, name)}
            models.append({"kind": kind, "state": dict(state, value=value)})
            expected.append(place(control, value))
    menu = widgets.Dropdown(options=["a", "b", "c"], value="c")
    models.append({"kind": "index", "state": {"index": menu.index}})
    expected.append(place(menu, "c"))
    place_of = FIGURE_VIEW_ESM[FIGURE_VIEW_ESM.index("function placeOf"):FIGURE_VIEW_ESM.index("async function render")]
    script = place_of + f"""
const cases = {json.dumps(models)};
const places = cases.map(c => placeOf({{kind: c.kind, model: {{get: (name) => c.state[name]}}}}));
console.log(JSON.stringify([places, keyOf(places.slice(0, 2)), keyOf(places.slice(0, 3)), keyOf(places.slice(-3))]));
"""
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout
    places, on_grid_key, off_grid_key, mixed_key = json.loads(out)
    assert places == expected
    slider, checkbox = cases[0][0], cases[-1][0]
    assert on_grid_key == state_key({"a": slider, "b": slider}, {"a": 0.15, "b": 0.01 + 14 * 0.01}) == "[14,14]"
    assert off_grid_key is None  # 0.155 stands between two grid points
    assert mixed_key == state_key({"a": checkbox, "b": checkbox, "c": menu}, {"a": True, "b": False, "c": "c"})


def kernel_messages(box):
    """The frames the kernel sends the view ahead: (key, caption), in order."""
    view, sent = box.children[1], []
    view.send = lambda content, buffers=None: sent.append((content["key"], content["caption"], buffers[0][:3]))
    return view, sent


def test_nothing_is_drawn_ahead_until_a_view_reaches_for_the_explorer():
    slider = widgets.FloatSlider(value=1.0, min=0, max=3, step=0.5)
    box = live_figure(draw_line, slope=slider)
    view, sent = kernel_messages(box)
    slider.value = 1.5
    assert sent == []
    view._handle_custom_msg({"kind": "warm", "fresh": True}, [])
    assert [(key, caption) for key, caption, _ in sent] == [("[4]", "slope 2.0"), ("[2]", "slope 1.0"),
                                                           ("[5]", "slope 2.5"), ("[1]", "slope 0.5")]
    assert all(head == b"\xff\xd8\xff" for _, _, head in sent)


def test_a_move_to_a_state_drawn_ahead_shows_it_without_drawing_again():
    drawn = []

    def counted(fig, slope):
        drawn.append(slope)
        return draw_line(fig, slope)

    slider = widgets.FloatSlider(value=1.0, min=0, max=3, step=0.5)
    box = live_figure(counted, slope=slider)
    view, sent = kernel_messages(box)
    view._handle_custom_msg({"kind": "warm", "fresh": True}, [])
    assert [key for key, _, _ in sent] == ["[3]", "[1]", "[4]", "[0]"]
    drawn.clear()
    slider.value = 1.5
    assert box.caption == "slope 1.5" and box.children[1].key == "[3]"
    # the move's own frame was kept from the drawing ahead; only the states further on are new (the grid:
    # seven points, all drawn ahead after a move)
    assert [key for key, _, _ in sent[4:]] == ["[5]", "[6]"] and drawn == [2.5, 3.0]
    slider.value = 1.25  # off the grid: drawn, never kept
    assert box.children[1].key == "" and box.caption == "slope 1.25" and drawn[2] == 1.25


def test_the_states_around_a_point_on_a_track_stay_on_its_grid():
    controls = {"w": widgets.FloatSlider(value=0.5, min=0, max=3, step=0.5),
                "kind": widgets.Dropdown(options=["a", "b"])}
    values = {"w": 0.5, "kind": "b"}
    assert [key for key, _ in states_around(controls, values, "w", 4)] == ["[3,1]", "[4,1]", "[2,1]", "[5,1]"]
    assert states_around(controls, values, "w", 4)[1][1] == {"w": 2.0, "kind": "b"}
    assert [key for key, _ in states_around(controls, values, "w", 6)] == ["[5,1]", "[6,1]", "[4,1]"]  # 7: past the end
    assert [key for key, _ in states_around(controls, values, "w", 2)] == ["[2,1]", "[0,1]", "[3,1]"]  # 1: where it is
    assert states_around(controls, values, "w", 99) == [] and states_around(controls, values, "w", "4") == []
    assert states_around(controls, values, "kind", 0) == []  # a menu has no track


def test_a_pointer_resting_on_a_track_has_its_state_drawn_first():
    slider = widgets.IntSlider(value=50, min=0, max=100)
    box = live_figure(draw_line, slope=slider)
    view, sent = kernel_messages(box)
    view._handle_custom_msg({"kind": "hover", "control": 0, "place": 80}, [])
    assert [key for key, _, _ in sent[:6]] == ["[79]", "[80]", "[78]", "[81]", "[51]", "[49]"]
    assert sent[1][1] == "slope 80"
    sent.clear()
    for wrong in ({"kind": "hover", "control": 1, "place": 3}, {"kind": "hover", "control": 0.0, "place": 3},
                  {"kind": "hover", "control": 0, "place": 300}, {"kind": "hover"}):
        view._handle_custom_msg(wrong, [])  # from a page: nothing out of range is drawn, nothing raises
    assert all(json.loads(key)[0] in range(101) for key, _, _ in sent)
    slider.value = 80
    assert box.caption == "slope 80" and box.children[1].key == "[80]"
    # a view that asks for a state lacks it, even if the kernel sent it before (the view forgot it)
    sent.clear()
    view._handle_custom_msg({"kind": "hover", "control": 0, "place": 82}, [])
    # 81 and 82 were drawn ahead after the move to 80, and are sent again; 83 too, but the view did not ask
    assert [key for key, _, _ in sent[:2]] == ["[81]", "[82]"] and "[83]" not in [key for key, _, _ in sent]


def test_drawing_ahead_yields_to_a_move_waiting_to_be_drawn():
    drawn = []
    ahead = DrawingAhead(lambda key, values: drawn.append(key) or (b"", ""), lambda *frame: None)
    busy = {"now": False}
    ahead.busy = lambda: busy["now"]

    class Loop:
        def __init__(self):
            self.calls = []

        def call_later(self, _delay, callback, *args):
            self.calls.append((callback, args))

    loop = Loop()
    ahead.plan = [("a", {}), ("b", {}), ("c", {})]
    ahead._turn(loop)
    assert drawn == ["a"] and len(loop.calls) == 1
    busy["now"] = True
    callback, args = loop.calls.pop()
    callback(*args)
    assert drawn == ["a"] and ahead.plan == [] and loop.calls == []


def test_a_slider_on_its_grid_is_drawn_at_its_written_value():
    w = widgets.FloatSlider(value=3.0, min=0.5, max=3.5, step=0.05)
    epsilon = widgets.FloatLogSlider(value=1.0, base=10, min=-3, max=0, step=0.1)
    assert grid_value(w, 51) == 3.05 and grid_value(epsilon, 29) == 10 ** -0.1
    assert on_grid({"w": w, "epsilon": epsilon}, {"w": 0.5 + 51 * 0.05, "epsilon": 1.0}) == {"w": 3.05, "epsilon": 1.0}
    assert on_grid({"w": w}, {"w": 3.051}) == {"w": 3.051}  # off the grid: as it is
    assert stepped(w, 3.0, 1) == 3.05


def test_every_picture_sent_is_the_picture_of_its_state():
    """Lab 07's explorer (a menu that lays the figure out again, a log slider) moved at random, drawing ahead
    after each move: every picture the view gets, ahead or for a move, looks like a fresh drawing of its
    key's state, so out-of-order frames never leave a trace in the still picture."""
    import random

    from utils.derivatives import TangentExplorer
    from utils.widgets import Frames

    options = [("w²", "w**2"), ("w³", "w**3"), ("1/w", "1/w")]
    controls = {"function": widgets.Dropdown(options=options, value="w**2"),
                "w": widgets.FloatSlider(value=3.0, min=0.5, max=3.5, step=0.05),
                "epsilon": widgets.FloatLogSlider(value=1.0, base=10, min=-3, max=0, step=0.1)}
    box = live_figure(TangentExplorer, **controls)
    view, sent = box.children[1], []
    view.send = lambda content, buffers=None: sent.append((content["key"], buffers[0]))
    view.observe(lambda _: sent.append((view.key, view.picture)), names="key")
    view._handle_custom_msg({"kind": "warm", "fresh": True}, [])
    rng = random.Random(7)
    for _ in range(8):
        name = rng.choice(list(controls))
        moved = stepped(controls[name], controls[name].value, rng.choice([-1, 1, 2]))
        if moved is not None:
            controls[name].value = moved
    assert len(sent) > 20
    for key, picture in sent[::max(1, len(sent) // 40)]:  # 40 of them, spread over the run
        function, k, e = json.loads(key)
        state = {"function": options[function][1], "w": grid_value(controls["w"], k),
                 "epsilon": grid_value(controls["epsilon"], e)}
        fresh = Frames(TangentExplorer, image_format="jpeg").render(**state)[0]
        # the same picture: a menu's new layout may land a title a fraction of a pixel apart (a JPEG value
        # or two); a stale text or line left in the still picture differs by hundreds
        assert np.abs(pixels(picture) - pixels(fresh)).max() <= 16, state


def pixels(jpeg):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB"), dtype=int)


def test_the_likeliest_next_pictures_are_marked_for_decoding_at_once():
    slider = widgets.IntSlider(value=50, min=0, max=100)
    box = live_figure(draw_line, slope=slider)
    view, near = box.children[1], []
    view.send = lambda content, buffers=None: near.append(content["near"])
    view._handle_custom_msg({"kind": "warm", "fresh": True}, [])
    assert near == [True] * 4  # 51, 49, 52, 48
    near.clear()
    slider.value = 51
    assert near == [True] * 2  # 53 and 54 (52 and 50 were drawn before); a long slider's grid is not drawn
