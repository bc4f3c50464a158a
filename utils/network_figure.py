"""Draw a layered neural network as a Matplotlib diagram (no graphviz).

Describe the network as a list of layers, left to right, built with three small helpers, and
draw it on an axes::

    import matplotlib.pyplot as plt
    from utils.network_figure import box_layer, dense_layer, draw_network, input_layer

    fig, ax = plt.subplots(figsize=(7, 4))
    draw_network(ax, [
        input_layer(["price", "shipping cost", "marketing", "material"]),
        dense_layer(3, activation="relu", labels=["affordability", "awareness", "perceived quality"]),
        dense_layer(1, activation="sigmoid", labels=["P(top seller)"]),
    ], title="The awareness network")

What each kind of layer looks like:

- input_layer: small grey circles, each named on its left (x₁ … xₙ when you give a count).
- dense_layer: circles joined to every unit of the layer before. Unit labels go below the circles
  of a hidden layer and right of the last layer (for example the class each output stands for).
  The activation is written under the column, except two the course contrasts:
  * "softmax": the units compute z₁ … z_k and one shared block turns them all together into
    probabilities that sum to 1;
  * "sigmoid" on the last layer: each unit computes its z and has its own σ box, so every output is a
    probability on its own (multi-label; a single sigmoid output is the binary case).
- box_layer: a labelled box for a layer that is not drawn unit by unit (a convolution, pooling,
  a flatten), joined to the units on either side.

A layer with more units than `max_units` is elided: its first units, a "⋮", and its last unit are
drawn (so the digit network's 64 inputs show as x₁ … x₄, ⋮, x₆₄), and the column says how many
units there are.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle, FancyBboxPatch

from utils.plots import COLOURS

UNIT_GAP = 1.0        # vertical distance between unit centres (data units)
RADIUS = 0.3          # a dense unit's circle
INPUT_RADIUS = 0.2    # an input's circle
EDGE_COLOUR = "0.6"   # connections
INPUT_FILL = "#F2F2F2"
ACT_BOX = 0.34        # half the side of a sigmoid unit's σ box, and of the softmax block's width
ACT_NAMES = {"relu": "ReLU", "sigmoid": "sigmoid", "softmax": "softmax", "linear": "linear", "tanh": "tanh"}


@dataclass(frozen=True)
class Layer:
    """One column of the diagram; build it with input_layer, dense_layer or box_layer."""

    kind: str
    units: int
    labels: tuple = None
    activation: str = None
    name: str = None
    text: str = None
    detail: str = None


def input_layer(features, name="input"):
    """The network's inputs: a list of feature names, or a count (named x₁ … xₙ)."""
    if isinstance(features, (int, np.integer)) and not isinstance(features, bool):
        return Layer("input", _count(features, "input_layer(features)"), None, None, name)
    labels = _labels(features, None, "input_layer(features)", allow_count=True)
    return Layer("input", len(labels), labels, None, name)


def dense_layer(units, activation=None, labels=None, name=None, detail=None):
    """A fully connected layer of `units` circles; activation is a name such as "relu" or "softmax".

    detail replaces the text under the column (by default the number of units and the activation).
    """
    units = _count(units, "dense_layer(units)")
    if activation is not None and not isinstance(activation, str):
        raise TypeError(f"dense_layer(activation=...) expects a name such as 'relu', 'sigmoid' or 'softmax', "
                        f"got {type(activation).__name__}")
    if detail is not None and not isinstance(detail, str):
        raise TypeError(f"dense_layer(detail=...) expects the text to write under the column, got {detail!r}")
    return Layer("dense", units, _labels(labels, units, "dense_layer(labels=...)"), activation, name, None, detail)


def box_layer(text, name=None):
    """A layer drawn as one box with `text` in it (for example "Conv1D\\n8 filters of width 5")."""
    if not isinstance(text, str) or not text.strip():
        raise TypeError(f"box_layer(text) expects the text to write in the box, got {text!r}")
    return Layer("box", 1, None, None, name, text)


def _count(units, what):
    if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
        raise TypeError(f"{what} expects a positive whole number of units, got {units!r}")
    return int(units)


def _labels(labels, units, what, allow_count=False):
    if labels is None:
        return None
    if isinstance(labels, str) or not isinstance(labels, (list, tuple)):
        extra = " or a count" if allow_count else ""
        raise TypeError(f"{what} expects a list of strings{extra}, got {type(labels).__name__}")
    bad = [x for x in labels if not isinstance(x, str)]
    if bad:
        raise TypeError(f"{what} expects strings, got {bad[0]!r} ({type(bad[0]).__name__})")
    if units is not None and len(labels) != units:
        raise ValueError(f"{what} has {len(labels)} labels for {units} units; give one label per unit")
    if not labels:
        raise ValueError(f"{what} is empty; give at least one name")
    return tuple(labels)


def _check_layers(layers, max_units):
    example = "[input_layer(4), dense_layer(3, activation='relu'), dense_layer(1, activation='sigmoid')]"
    if not isinstance(layers, (list, tuple)):
        raise TypeError(f"draw_network needs a list of layers like {example}, got {type(layers).__name__}")
    bad = [x for x in layers if not isinstance(x, Layer)]
    if bad:
        raise TypeError(f"draw_network's layers must be made with input_layer, dense_layer or box_layer, "
                        f"got {type(bad[0]).__name__} ({bad[0]!r:.60})")
    if len(layers) < 2:
        raise ValueError(f"draw_network needs at least two layers (inputs and an output), got {len(layers)}")
    if layers[0].kind != "input" or any(x.kind == "input" for x in layers[1:]):
        raise ValueError("draw_network expects input_layer(...) first and only first, like " + example)
    if isinstance(max_units, bool) or not isinstance(max_units, (int, np.integer)) or max_units < 3:
        raise ValueError(f"max_units must be a whole number of at least 3, got {max_units!r}")


def shown_units(units, max_units):
    """The unit indices drawn for a layer, with None where the "⋮" goes."""
    if units <= max_units:
        return list(range(units))
    return list(range(max_units - 2)) + [None, units - 1]


def _colour(activation):
    return COLOURS.get(activation, "0.25") if activation else "0.25"


def _sub(i):
    return f"$_{{{i}}}$"


def _box_half_width(layer, fontsize):
    """Half a box's width: room for its longest line at about 0.13 data units a character."""
    longest = max(len(line) for line in layer.text.splitlines())
    return max(0.55, 0.065 * fontsize / 10 * longest + 0.15)


def _header(layers, i):
    layer = layers[i]
    if layer.name is not None:
        return layer.name
    if i == len(layers) - 1:
        return "output"
    if layer.kind == "box":
        return ""
    hidden = [k for k, x in enumerate(layers[1:-1], start=1) if x.kind == "dense"]
    return "hidden" if len(hidden) == 1 else f"hidden {hidden.index(i) + 1}"


def _layer_detail(layer):
    if layer.detail is not None:
        return layer.detail
    if layer.kind == "input":
        return f"{layer.units} feature{'s' * (layer.units != 1)}"
    if layer.kind == "box":
        return None
    detail = f"{layer.units} unit{'s' * (layer.units != 1)}"
    if layer.activation:
        detail += "\n" + ACT_NAMES.get(layer.activation, layer.activation)
    return detail


def draw_network(ax, layers, title=None, caption=None, max_units=6, layer_gap=2.6, fontsize=10, first_output=1):
    """Draw `layers` (input_layer(...), dense_layer(...)..., box_layer(...)) left to right on ax.

    title: above the diagram; caption: one or two lines of explanation below it.
    max_units: layers with more units show their first max_units - 2, a "⋮" and their last unit.
    layer_gap: horizontal distance between columns, in units of the vertical gap between circles.
    first_output: the number of the first output unit's logit (z₁ …); 0 matches Keras's class numbers.
    Returns ax. The axes is switched off and gets an equal aspect; give the figure room (about
    2 inches per layer across and 0.5 inch per drawn unit up).
    """
    _check_layers(layers, max_units)
    if first_output not in (0, 1):
        raise ValueError(f"first_output numbers the logits from 0 or from 1, got {first_output!r}")
    last = len(layers) - 1
    slots = [shown_units(x.units, max_units) for x in layers]
    height = max(len(s) for s in slots)
    # labels under hidden units need room between the circles
    gap = UNIT_GAP * (1.4 if any(x.kind == "dense" and x.labels for x in layers[:-1]) else 1.0)
    box_half = (height - 1) / 2 * gap + RADIUS
    # y of each drawn unit per layer (None entries are the ellipsis), top to bottom
    ys = [list((len(s) - 1) / 2 * gap - np.arange(len(s)) * gap) for s in slots]
    xs = [i * layer_gap for i in range(len(layers))]
    edges = []
    boxes = []  # (patch, its text, its centre x) of every box layer
    texts = dict(fontsize=fontsize, zorder=4)
    right_end = xs[-1] + RADIUS
    for i, layer in enumerate(layers):
        x = xs[i]
        if layer.kind == "box":
            half_width = _box_half_width(layer, fontsize)
            patch = ax.add_patch(FancyBboxPatch((x - half_width, -box_half), 2 * half_width, 2 * box_half,
                                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                                fc="#E8F1F8", ec="0.3", lw=1.2, zorder=2))
            boxes.append((patch, ax.text(x, 0, layer.text, ha="center", va="center", **texts), x))
        else:
            r = INPUT_RADIUS if layer.kind == "input" else RADIUS
            colour = _colour(layer.activation)
            for j, y in zip(slots[i], ys[i], strict=True):
                if j is None:
                    ax.text(x, y, "⋮", ha="center", va="center", fontsize=fontsize + 6, color="0.3", zorder=4)
                    continue
                if layer.kind == "input":
                    ax.add_patch(Circle((x, y), r, fc=INPUT_FILL, ec="0.35", lw=1.2, zorder=3))
                    name = layer.labels[j] if layer.labels else f"$x_{{{j + 1}}}$"
                    ax.text(x - r - 0.12, y, name, ha="right", va="center", **texts)
                    continue
                ax.add_patch(Circle((x, y), r, fc="white", ec=colour, lw=1.6, zorder=3))
                if layer.activation in ("softmax", "sigmoid") and (layer.activation == "softmax" or i == last):
                    ax.text(x, y, f"$z_{{{j + first_output}}}$", ha="center", va="center", **texts)
                if layer.labels and i < last:
                    ax.text(x, y - r - 0.04, layer.labels[j], ha="center", va="top", fontsize=fontsize - 1,
                            zorder=5, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
            right_end = max(right_end, _draw_activation(ax, layer, i == last, x, slots[i], ys[i], colour,
                                                        fontsize, texts))
        # header above the column, detail (size, activation) under it
        top = max(box_half, max(ys[i]) + RADIUS)
        ax.text(x, top + 0.35, _header(layers, i), ha="center",
                va="bottom", fontweight="bold", **texts)
        detail = _layer_detail(layer)
        if detail:
            ax.text(x, -top - 0.3, detail, ha="center", va="top", color="0.3", **texts)
        if i > 0:
            edges += _connections(layers[i - 1], layer, xs[i - 1], x, slots[i - 1], slots[i], ys[i - 1], ys[i],
                                  fontsize)
    ax.add_collection(LineCollection(edges, colors=EDGE_COLOUR, linewidths=0.9, zorder=1))
    half = height / 2 * gap + 0.9
    ax.set_xlim(xs[0] - 1.2, right_end + 0.3)
    ax.set_ylim(-half - (0.6 if caption else 0), half)
    if caption:
        ax.text(0.5, 0, caption, transform=ax.transAxes, ha="center", va="top", color="0.2",
                fontsize=fontsize, wrap=True)
    if title:
        ax.set_title(title)
    ax.set_aspect("equal")
    ax.axis("off")
    _fit_boxes_to_text(ax, boxes)
    return ax


def _fit_boxes_to_text(ax, boxes, margin=0.2):
    """Widen each box whose text is wider than the estimate it was drawn with (the text's real width is
    known only once the axes has its size; the lines into the box end under it, so they need no change)."""
    if not boxes:
        return
    ax.apply_aspect()
    to_data = ax.transData.inverted()
    canvas = ax.figure.canvas
    if not hasattr(canvas, "get_renderer"):  # a bare Figure(): give it the canvas savefig would use
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(ax.figure)
    renderer = canvas.get_renderer()
    for patch, text, x in boxes:
        extent = text.get_window_extent(renderer)
        (left, _), (right, _) = to_data.transform([(extent.x0, 0), (extent.x1, 0)])
        half = (right - left) / 2 + margin
        if half > patch.get_width() / 2:
            patch.set_x(x - half)
            patch.set_width(2 * half)


def _draw_activation(ax, layer, is_last, x, slots, ys, colour, fontsize, texts):
    """Draw a softmax block or per-unit σ boxes right of the units, and the last layer's labels.
    Returns how far right the drawing reaches."""
    drawn = [(j, y) for j, y in zip(slots, ys, strict=True) if j is not None]
    label_x = x + RADIUS + 0.15
    if layer.activation == "softmax":
        bx = x + RADIUS + 0.55
        lo, hi = min(ys) - RADIUS, max(ys) + RADIUS
        ax.add_patch(FancyBboxPatch((bx, lo), 2 * ACT_BOX, hi - lo, boxstyle="round,pad=0.02,rounding_size=0.1",
                                    fc="white", ec=colour, lw=1.6, zorder=2))
        ax.text(bx + ACT_BOX, (lo + hi) / 2, "softmax", rotation=90, ha="center", va="center",
                color=colour, fontweight="bold", **texts)
        ax.add_collection(LineCollection([[(x + RADIUS, y), (bx, y)] for _, y in drawn], colors=colour,
                                         linewidths=1.2, zorder=1))
        label_x = bx + 2 * ACT_BOX + 0.15
    elif layer.activation == "sigmoid" and is_last:
        bx = x + RADIUS + 0.45
        for _, y in drawn:
            ax.add_patch(FancyBboxPatch((bx, y - ACT_BOX * 0.8), 2 * ACT_BOX, 1.6 * ACT_BOX,
                                        boxstyle="round,pad=0.02,rounding_size=0.08", fc="white", ec=colour,
                                        lw=1.6, zorder=2))
            ax.text(bx + ACT_BOX, y, "σ", ha="center", va="center", color=colour, fontweight="bold", **texts)
        ax.add_collection(LineCollection([[(x + RADIUS, y), (bx, y)] for _, y in drawn], colors=colour,
                                         linewidths=1.2, zorder=1))
        label_x = bx + 2 * ACT_BOX + 0.15
    if is_last and layer.labels:
        for j, y in drawn:
            ax.text(label_x, y, layer.labels[j], ha="left", va="center", **texts)
        return label_x + 0.12 * fontsize / 10 * max(len(s) for s in layer.labels) * 0.8
    return label_x


def _connections(prev, layer, x0, x1, prev_slots, slots, y0s, y1s, fontsize):
    """Line segments from every drawn unit (or box edge) of prev to every drawn unit (or box) of layer.

    A line to or from a box meets its edge level with the unit at the other end, pulled halfway
    towards the middle so the fan stays inside the box; box to box is one line at mid height.
    """
    def ends(layer, x, slots, ys, side):
        kind = layer.kind
        if kind == "box":
            return [(x + side * (_box_half_width(layer, fontsize) + 0.02), None)]
        r = INPUT_RADIUS if kind == "input" else RADIUS
        return [(x + side * r, y) for j, y in zip(slots, ys, strict=True) if j is not None]

    segments = []
    for xa, ya in ends(prev, x0, prev_slots, y0s, +1):
        for xb, yb in ends(layer, x1, slots, y1s, -1):
            if ya is None and yb is None:
                ya = yb = 0.0
            elif ya is None:
                ya = yb * 0.5
            elif yb is None:
                yb = ya * 0.5
            segments.append([(xa, ya), (xb, yb)])
    return segments
