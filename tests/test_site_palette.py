"""The labs' colours stay distinguishable under simulated colour blindness (issue 25).

How: colorspacious simulates complete protanomaly and deuteranomaly (red-green) and tritanomaly
(blue-yellow) with Machado et al.'s (2009) model at severity 100 (`sRGB1+CVD`), and measures the
distance between two simulated colours as CIECAM02-UCS ΔE (colorspacious `deltaE`). Every pair of the
style's line colours (utils/labs.mplstyle's Okabe-Ito cycle) must stay at least MIN_DELTA_E apart under
every simulation (measured: 11.0 at worst, C1 orange against C4 pink under tritanomaly; 20.8 with normal
vision). The style's colour map must keep its lightness rising under each simulation, so it reads in order.
"""
import itertools
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

STYLE = Path(__file__).resolve().parents[1] / "utils" / "labs.mplstyle"
SIMULATIONS = ["protanomaly", "deuteranomaly", "tritanomaly"]
# CAM02-UCS distance below which two line colours start to look alike on a plot (a difference of about 1
# is barely visible side by side; thin lines and small markers need far more)
MIN_DELTA_E = 10


def style():
    return matplotlib.rc_params_from_file(str(STYLE), use_default_template=False)


def cycle_colours():
    colours = style()["axes.prop_cycle"].by_key()["color"]
    return np.array([matplotlib.colors.to_rgb(c if c.startswith("#") else "#" + c) for c in colours])


def simulate(rgb, cvd_type):
    space = {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100}
    return np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)


@pytest.mark.parametrize("cvd_type", [None, *SIMULATIONS])
def test_every_pair_of_line_colours_stays_apart(cvd_type):
    rgb = cycle_colours()
    assert len(rgb) >= 6
    seen = rgb if cvd_type is None else simulate(rgb, cvd_type)
    close = [(f"C{i}", f"C{j}", round(float(deltaE(seen[i], seen[j], input_space="sRGB1")), 1))
             for i, j in itertools.combinations(range(len(rgb)), 2)
             if deltaE(seen[i], seen[j], input_space="sRGB1") < MIN_DELTA_E]
    assert not close, f"colours too close under {cvd_type or 'normal vision'} (CAM02-UCS ΔE): {close}"


@pytest.mark.parametrize("cvd_type", SIMULATIONS)
def test_the_colour_map_keeps_its_order(cvd_type):
    cmap = matplotlib.colormaps[style()["image.cmap"]]
    rgb = cmap(np.linspace(0, 1, 64))[:, :3]
    lightness = cspace_convert(simulate(rgb, cvd_type), "sRGB1", "CAM02-UCS")[:, 0]
    assert np.all(np.diff(lightness) > 0), f"{cmap.name}'s lightness does not rise steadily under {cvd_type}"


def test_the_simulation_tells_red_from_green_apart_only_with_normal_vision():
    """The simulation does something: pure red and green, far apart normally, come close for red-green."""
    red_green = np.array([[0.8, 0.2, 0.2], [0.3, 0.6, 0.2]])
    normal = deltaE(red_green[0], red_green[1], input_space="sRGB1")
    deutan = simulate(red_green, "deuteranomaly")
    assert deltaE(deutan[0], deutan[1], input_space="sRGB1") < normal / 3
