"""expected_widgets.json declares, for every lab, what its widgets look like in the browser.

    "03_softmax.ipynb": {"sliders": 4, "other_controls": 1, "move": ["z_0"]}

sliders: `.widget-slider` elements after Run All (IntSlider, FloatSlider, SelectionSlider, ...);
other_controls: dropdowns, toggle buttons, checkboxes, buttons, text boxes, ...;
move: for each interactive figure (utils.widgets.live_figure), in order, the description of the
control the browser test moves to see the figure change (null: its first slider).
The browser suite (`make test-browser`) checks the numbers and prints the measured entry of a
lab that has none. This file's shape is checked here, without a browser.
"""
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABS_DIR = Path(os.environ.get("BROWSER_LABS_DIR", ROOT / "labs"))
EXPECTED_WIDGETS = Path(os.environ.get("BROWSER_EXPECTED_WIDGETS", Path(__file__).with_name("expected_widgets.json")))


def lab_paths():
    return sorted(LABS_DIR.glob("[0-9][0-9]_*.ipynb"))


def load():
    return json.loads(EXPECTED_WIDGETS.read_text(encoding="utf-8"))


def test_every_lab_has_an_entry():
    missing = [path.name for path in lab_paths() if path.name not in load()]
    assert not missing, (f"{EXPECTED_WIDGETS.name} has no entry for {missing}: run "
                         "`.venv/bin/python -m pytest -m browser tests -k <lab>`, check the lab and its "
                         "screenshot, then add the entry that test prints")


def test_entries_are_well_formed():
    labs = {path.name for path in lab_paths()}
    for name, entry in load().items():
        assert name in labs, f"{EXPECTED_WIDGETS.name}: {name} is not a lab under labs/ (renamed?)"
        assert set(entry) <= {"sliders", "other_controls", "move"}, f"{name}: unknown keys {set(entry)}"
        for key in ("sliders", "other_controls"):
            assert isinstance(entry.get(key), int) and entry[key] >= 0, f"{name}: {key} must be a count"
        move = entry.get("move", [])
        assert isinstance(move, list) and all(m is None or isinstance(m, str) for m in move), (
            f"{name}: move must list one slider description (or null) per interactive figure")
        assert len(move) <= entry["sliders"] + entry["other_controls"], f"{name}: more figures than controls"
