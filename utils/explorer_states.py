"""An explorer's states: where its controls stand, named so the kernel and the browser agree, and the states a
student is likely to move to next, which `live_figure` draws ahead while the kernel is idle.

A state's key lists each control's place: a slider's step number on its grid (min + k * step, or its
exponent's grid for a log slider), a menu's option index, any other control's value. The browser's view
(utils/widgets.py, FIGURE_VIEW_ESM) computes the same key from the controls' models, so a picture drawn
ahead is shown the moment its slider gets there. A slider standing off its grid has no key: such a state
is always drawn when it is asked for, never looked up.
"""
import json
import math
from collections import OrderedDict
from decimal import Decimal

ON_GRID = 1e-6  # a value within this fraction of a step from a grid point stands on it


def control_kind(control):
    """'index' (a menu: its synced state is the option index), 'grid' or 'log' (a slider), else 'value'."""
    if hasattr(control, "options") and hasattr(control, "index"):
        return "index"
    value = getattr(control, "value", None)
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if numeric and all(hasattr(control, name) for name in ("min", "max", "step")) and control.step:
        return "log" if hasattr(control, "base") else "grid"
    return "value"


def is_menu(control):
    """A list of options chosen by a click (a dropdown, radio buttons), not stepped along like a slider."""
    return control_kind(control) == "index" and "Slider" not in type(control).__name__


def option_values(control):
    """A menu's or selection slider's values (the second of each (label, value) pair)."""
    return [option[1] if isinstance(option, tuple) else option for option in control.options]


def _grid_position(control, value):
    """The slider's coordinate for value: the value itself, or its exponent on a log slider."""
    return math.log(value) / math.log(control.base) if control_kind(control) == "log" else value


def place(control, value):
    """The control's part of a state key for value: an int, a JSON value, or None (off its grid)."""
    kind = control_kind(control)
    if kind == "index":
        options = option_values(control)
        return options.index(value) if value in options else None
    if kind == "value":
        return value
    x = _grid_position(control, value)
    k = round((x - control.min) / control.step)
    return k if abs(x - (control.min + k * control.step)) <= abs(control.step) * ON_GRID else None


def state_key(controls, values):
    """The key of the state where each control (name -> widget) has its value in values, or None."""
    places = [place(control, values[name]) for name, control in controls.items()]
    if any(p is None for p in places):
        return None
    return json.dumps(places, separators=(",", ":"), ensure_ascii=False)


def _decimals(number):
    """How many decimals a number is written with (0.05 -> 2, 3 -> 0, 1e-05 -> 5)."""
    return max(0, -Decimal(repr(float(number))).normalize().as_tuple().exponent)


def grid_value(control, k):
    """The value of grid point k of a slider, as it is written (0.5 + 51 * 0.05 is 3.05, not 3.0500000000000003)."""
    x = round(control.min + k * control.step, max(_decimals(control.min), _decimals(control.step)))
    if control_kind(control) == "log":
        return control.base ** x
    return round(x) if isinstance(control.value, int) else x


def on_grid(controls, values):
    """values with each slider's value standing on its grid replaced by its grid_value: a state's picture then
    depends on its key alone, whether it is drawn ahead or when the browser's last bits arrive."""
    snapped = dict(values)
    for name, control in controls.items():
        if control_kind(control) in ("grid", "log"):
            k = place(control, values[name])
            if k is not None:
                snapped[name] = grid_value(control, k)
    return snapped


def stepped(control, value, steps):
    """The control's value `steps` steps from value, or None past either end (or for a control without steps)."""
    kind = control_kind(control)
    if kind == "index":
        options = option_values(control)
        k = options.index(value) + steps if value in options else -1
        return options[k] if 0 <= k < len(options) else None
    k = place(control, value) if kind in ("grid", "log") else None
    if k is None:
        return None
    x = control.min + (k + steps) * control.step
    if not control.min - abs(control.step) * ON_GRID <= x <= control.max + abs(control.step) * ON_GRID:
        return None
    return grid_value(control, k + steps)


WHOLE_LINE = 64  # a slider with at most this many grid points has its whole grid drawn ahead after a move


def grid_points(control):
    """How many values a slider or a menu can take (None for other controls)."""
    kind = control_kind(control)
    if kind == "index":
        return len(control.options)
    if kind in ("grid", "log"):
        return round((control.max - control.min) / control.step) + 1
    return None


def states_ahead(controls, values, moved=None, direction=1, reach=3, whole_line=WHOLE_LINE):
    """(key, values) of the states to draw ahead from values, likeliest first, none twice.

    After a move of the control `moved` (direction +1 or -1): that control `reach` steps on in the same
    direction, one step back, then every other control but a menu one step either way, then, for a
    slider of at most `whole_line` grid points, the rest of its grid, nearest first (a click along its
    track then finds its picture drawn; on a longer slider that many pictures queued ahead of a click's
    own would slow it down). With no move (a student reaching for the explorer): every slider one
    step either way, then two, then each menu's neighbours. A menu's picture is often a full drawing (a
    new curve, new limits); drawn ahead after every move, it would hold up the next move that was not
    drawn ahead.
    """
    sliders = [name for name in controls if not is_menu(controls[name])]
    menus = [name for name in controls if is_menu(controls[name])]
    if moved is None:
        plan = [(name, s) for reach_ in (1, 2) for name in sliders for s in (reach_, -reach_)]
        plan += [(name, s) for name in menus for s in (1, -1)]
    else:
        plan = [(moved, direction * k) for k in range(1, reach + 1)] + [(moved, -direction)]
        plan += [(name, s) for name in sliders if name != moved for s in (1, -1)]
        points = grid_points(controls[moved]) or 0
        if moved in sliders and points <= whole_line:
            plan += [(moved, s) for k in range(2, points) for s in (direction * k, -direction * k)]
    seen, ahead = {state_key(controls, values)}, []
    for name, steps in plan:
        value = stepped(controls[name], values[name], steps)
        if value is None:
            continue
        state = dict(values, **{name: value})
        key = state_key(controls, state)
        if key is not None and key not in seen:
            seen.add(key)
            ahead.append((key, state))
    return ahead


def states_around(controls, values, name, k):
    """(key, values) of the states a click at grid point k of slider `name`'s track is likely to give,
    likeliest first (those in its range and not where it stands). The slider's own reading of a click lands
    a little below the pointer's position on its scale: in Chromium, on a 155-pixel track of 291 steps, 0.25
    to 1.75 steps below. So k - 1, k, k - 2, then k + 1."""
    control = controls[name]
    if control_kind(control) not in ("grid", "log") or not isinstance(k, int):
        return []
    around, here = [], place(control, values[name])
    for point in (k - 1, k, k - 2, k + 1):
        if 0 <= point < grid_points(control) and point != here:
            state = dict(values, **{name: grid_value(control, point)})
            key = state_key(controls, state)
            if key is not None:
                around.append((key, state))
    return around


class FrameStore:
    """The newest `limit` frames drawn, by state key: (picture bytes, caption)."""

    def __init__(self, limit=160):
        self.limit = limit
        self._frames = OrderedDict()

    def get(self, key):
        frame = self._frames.get(key)
        if frame is not None:
            self._frames.move_to_end(key)
        return frame

    def put(self, key, frame):
        self._frames[key] = frame
        self._frames.move_to_end(key)
        while len(self._frames) > self.limit:
            self._frames.popitem(last=False)

    def __len__(self):
        return len(self._frames)


class RecentKeys:
    """The newest `limit` state keys sent to the browser, oldest forgotten first as the page forgets their
    pictures (the page keeps more than this, so a key here is a picture the page still holds)."""

    def __init__(self, limit):
        self.limit = limit
        self._keys = OrderedDict()

    def add(self, key):
        self._keys[key] = None
        self._keys.move_to_end(key)
        while len(self._keys) > self.limit:
            self._keys.popitem(last=False)

    def discard(self, key):
        self._keys.pop(key, None)

    def __contains__(self, key):
        return key in self._keys

    def __len__(self):
        return len(self._keys)
