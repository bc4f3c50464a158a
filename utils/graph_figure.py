"""Draw a computation graph built with utils.autodiff as a Matplotlib figure (no graphviz).

Only *named* values are drawn as boxes (give a Value a name: `c = w * x; c.name = "c"`).
Unnamed steps in between, such as the `d ** 2` inside `J = 0.5 * d ** 2`, are folded into the
arrow that joins two named boxes, and constants are left out. Each box shows the value computed
going forward and dJ/dv from the last `J.backward()`; each arrow shows the local derivative.
"""
import numpy as np
from matplotlib.patches import FancyBboxPatch

from utils.autodiff import Value, local_gradients
from utils.widgets import Explorer

VALUE_COLOR = "#0072B2"      # Okabe-Ito blue: forward values
GRAD_COLOR = "#D55E00"       # Okabe-Ito vermillion: derivatives (backward)
INPUT_FILL = "#F2F2F2"
STEP_FILL = "#E8F1F8"
SYMBOLS = {"add": "+", "sub": "−", "mul": "·"}
BOX_PAD = 0.02  # around each box, in data units

# Where the boxes of the course example J = 1/2 (w x + b - y)^2 go (x to the right, y up).
COURSE_LAYOUT = {"w": (0, 0.75), "x": (0, -0.75), "c": (1.6, 0), "b": (1.6, -1.5), "a": (3.2, 0),
                 "y": (3.2, -1.5), "d": (4.8, 0), "J": (6.4, 0)}
COURSE_FORMULAS = {"c": "c = w·x", "a": "a = c + b", "d": "d = a − y", "J": "J = ½ d²"}

# Lab 08's larger network: one hidden ReLU unit and a linear output (ŷ is named "y_hat").
NETWORK_LAYOUT = {"x": (0, 0), "w1": (2.5, 1.4), "z": (2.5, 0), "b1": (2.5, -1.4), "h": (5.0, 0),
                  "w2": (7.5, 1.4), "y_hat": (7.5, 0), "b2": (7.5, -1.4), "J": (10.0, 0), "y": (10.0, -1.4)}
NETWORK_BOX = (1.45, 0.72)  # wider boxes for the longer formulas
NETWORK_FORMULAS = {"z": "z = w1·x + b1", "h": "h = ReLU(z)", "y_hat": "ŷ = w2·h + b2", "J": "J = ½(ŷ − y)²"}


def named_inputs(node):
    """[(named input, local derivative d node / d input)] for the boxes drawn to the left of node.

    Walks back from node through unnamed intermediate steps, applying their backward rules,
    and stops at named values; unnamed constants are skipped.
    """
    order, seen = [], set()

    def visit(v):
        if id(v) not in seen:
            seen.add(id(v))
            if v is node or not v.name:
                for p in v.parents:
                    visit(p)
            order.append(v)
    visit(node)
    grads = {id(node): 1.0}
    found = []
    for v in reversed(order):
        g = grads.get(id(v), 0.0)
        if v is not node and v.name:
            found.append((v, g))
        elif v.op:
            for parent, pg in zip(v.parents, local_gradients(v.op, [p.data for p in v.parents], g), strict=True):
                grads[id(parent)] = grads.get(id(parent), 0.0) + pg
    return found[::-1]


def named_graph(root):
    """The named values that root depends on (inputs first) and their edges with local derivatives."""
    nodes = [v for v in root.graph() if v.name]
    edges = [(parent, child, local) for child in nodes for parent, local in named_inputs(child)]
    return nodes, edges


def auto_layout(root):
    """Place each named value in a column by its depth from the inputs; spread columns vertically."""
    nodes, edges = named_graph(root)
    depth = {}
    for v in nodes:  # inputs come first, so every input's depth is known already
        depth[id(v)] = max((depth[id(p)] + 1 for p, c, _ in edges if c is v), default=0)
    layout = {}
    for col in sorted(set(depth.values())):
        column = [v for v in nodes if depth[id(v)] == col]
        for row, v in enumerate(column):
            layout[v.name] = (1.6 * col, 1.2 * ((len(column) - 1) / 2 - row))
    return layout


def _fmt(x):
    text = f"{x:.3g}" if abs(x) < 1e4 else f"{x:.2e}"
    return text.replace("-", "−")


def draw_graph(ax, root, layout=None, formulas=None, wrt="J", show_grads=True, show_local=True,
               box_size=(1.05, 0.72)):
    """Draw the named values of root's graph as boxes (formula, value, dJ/dv) joined by arrows.

    layout: {name: (x, y)} (default: auto_layout); formulas: {name: text for the box's first line}.
    wrt: the name used for the output in the derivative labels (dJ/dv).
    """
    _graph_artists(ax, root, layout, formulas, wrt, show_grads, show_local, box_size)
    return ax


def _graph_artists(ax, root, layout=None, formulas=None, wrt="J", show_grads=True, show_local=True,
                   box_size=(1.05, 0.72)):
    """draw_graph's work; returns the Text artists that show numbers, to be moved later:
    {"value": {name: Text}, "grad": {name: Text}, "local": {(parent name, child name): Text}}."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph needs the output Value of a computation, got {type(root).__name__}")
    nodes, edges = named_graph(root)
    layout = layout or auto_layout(root)
    missing = [v.name for v in nodes if v.name not in layout]
    if missing:
        raise KeyError(f"layout has no position for {missing}")
    formulas = formulas or {}
    width, height = box_size
    texts = {"value": {}, "grad": {}, "local": {}}
    for v in nodes:
        x, y = layout[v.name]
        ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                    boxstyle=f"round,pad={BOX_PAD},rounding_size=0.08",
                                    fc=STEP_FILL if v.parents else INPUT_FILL, ec="0.35", lw=1.2, zorder=2))
        first = formulas.get(v.name) or _default_formula(v)
        lines = [(first, "black", "bold", None), (_value_label(v), VALUE_COLOR, "normal", "value")]
        if show_grads:
            lines.append((_grad_label(v, wrt), GRAD_COLOR, "normal", "grad"))
        offsets = np.linspace(height * 0.28, -height * 0.28, len(lines))
        for (text, color, weight, kind), dy in zip(lines, offsets, strict=True):
            artist = ax.text(x, y + dy, text, ha="center", va="center", color=color, fontsize=10.5,
                             fontweight=weight, zorder=3)
            if kind:
                texts[kind][v.name] = artist
    for parent, child, local in edges:
        (x0, y0), (x1, y1) = layout[parent.name], layout[child.name]
        # from box edge to box edge, worked out here once (clipping to the boxes at every draw is slow)
        reach = min((width / 2 + BOX_PAD) / max(abs(x1 - x0), 1e-12),
                    (height / 2 + BOX_PAD) / max(abs(y1 - y0), 1e-12))
        ax.annotate("", xy=(x1 - reach * (x1 - x0), y1 - reach * (y1 - y0)),
                    xytext=(x0 + reach * (x1 - x0), y0 + reach * (y1 - y0)), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color="0.3", lw=1.3, shrinkA=0, shrinkB=0))
        if show_local:  # beside the middle of the arrow, on its upper-left side
            dx, dy = x1 - x0, y1 - y0
            nx, ny = -dy / np.hypot(dx, dy), dx / np.hypot(dx, dy)
            stacked = abs(ny) > 0.99  # a level arrow's gap is narrow: the label in two short lines
            texts["local"][parent.name, child.name] = ax.text(
                (x0 + x1) / 2 + 0.06 * nx, (y0 + y1) / 2 + 0.06 * ny, _local_label(parent, child, local, stacked),
                ha="center" if abs(nx) < 0.3 else ("right" if nx < 0 else "left"),
                va="bottom" if ny > 0.3 else ("top" if ny < -0.3 else "center"),
                fontsize=9, color="0.25", zorder=4)
    xs = [p[0] for p in layout.values()]
    ys = [p[1] for p in layout.values()]
    ax.set_xlim(min(xs) - width * 0.6, max(xs) + width * 0.6)
    ax.set_ylim(min(ys) - height * 0.6, max(ys) + height * 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return texts


def _value_label(v):
    return f"= {_fmt(v.data)}"


SHOWN_AS = {"y_hat": "ŷ"}  # names that a label writes as a symbol


def _shown(name):
    return SHOWN_AS.get(name, name)


def _grad_label(v, wrt):
    return f"∂{wrt}/∂{_shown(v.name)} = {_fmt(v.grad)}"


def _local_label(parent, child, local, stacked=False):
    return f"∂{_shown(child.name)}/∂{_shown(parent.name)}{chr(10) if stacked else ' '}= {_fmt(local)}"


def _default_formula(v):
    """"c = w · x" for one operation on named values or constants, else "out = f(s, x)"."""
    if not v.parents:
        return _shown(v.name)
    direct = all(p.name or not p.parents for p in v.parents)
    if direct and v.op in SYMBOLS:
        left, right = (p.name or _fmt(p.data) for p in v.parents)
        return f"{v.name} = {left} {SYMBOLS[v.op]} {right}"
    if direct:
        return f"{v.name} = {v.op}({', '.join(p.name or _fmt(p.data) for p in v.parents)})"
    return f"{v.name} = f({', '.join(p.name for p, _ in named_inputs(v))})"


def course_example(w=3.0, b=4.0, x=-2.0, y=1.0):
    """The course's graph J = 1/2 (w x + b - y)^2 in four named steps; returns {name: Value}."""
    w, b, x, y = Value(w, name="w"), Value(b, name="b"), Value(x, name="x"), Value(y, name="y")
    c = w * x
    a = c + b
    d = a - y
    J = 0.5 * d ** 2
    for value, name in ((c, "c"), (a, "a"), (d, "d"), (J, "J")):
        value.name = name
    return {"w": w, "x": x, "c": c, "b": b, "a": a, "y": y, "d": d, "J": J}


def network_example(x, y, w1, b1, w2, b2):
    """The larger network's graph z = w1·x + b1, h = ReLU(z), ŷ = w2·h + b2, J = ½(ŷ − y)²; returns {name: Value}."""
    v = {name: Value(number, name=name) for name, number in
         [("x", x), ("y", y), ("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)]}
    v["z"] = v["w1"] * v["x"] + v["b1"]
    v["h"] = v["z"].relu()
    v["y_hat"] = v["w2"] * v["h"] + v["b2"]
    v["J"] = 0.5 * (v["y_hat"] - v["y"]) ** 2
    for name in ("z", "h", "y_hat", "J"):
        v[name].name = name
    return v


class CourseGraphExplorer(Explorer):
    """Lab 08's widget: the course graph for the sliders' w, b, x and y, after J.backward().

    The boxes, formulas and arrows are drawn once (a still picture); moving a slider re-runs the forward
    and backward pass and rewrites the numbers in the boxes and beside the arrows."""

    def setup(self, fig):
        self.ax = fig.subplots()
        self.texts = _graph_artists(self.ax, self._run()["J"], layout=COURSE_LAYOUT, formulas=COURSE_FORMULAS)
        self.ax.set_title("Forward values (blue, left to right) and derivatives (orange, right to left)")
        self.moving = [t for kind in self.texts.values() for t in kind.values()]

    @staticmethod
    def _run(w=3.0, b=4.0, x=-2.0, y=1.0):
        v = course_example(w, b, x, y)
        v["J"].backward()
        return v

    def update(self, w=3.0, b=4.0, x=-2.0, y=1.0):
        v = self._run(w, b, x, y)
        nodes, edges = named_graph(v["J"])
        for node in nodes:
            self.texts["value"][node.name].set_text(_value_label(node))
            self.texts["grad"][node.name].set_text(_grad_label(node, "J"))
        for parent, child, local in edges:
            label = self.texts["local"][parent.name, child.name]
            label.set_text(_local_label(parent, child, local, stacked="\n" in label.get_text()))
        g = {name: value.grad for name, value in v.items()}
        f = {name: f"{value.data:.4g}" for name, value in v.items()}
        return (f"J = {f['J']}.  Forward, with w = {f['w']}, b = {f['b']}, x = {f['x']}, y = {f['y']}: "
                f"c = w·x = {f['c']}, a = c + b = {f['a']}, d = a − y = {f['d']}, J = ½d² = {f['J']}.  "
                f"Chain rule: dJ/dd = d = {g['d']:.4g};  dJ/da = dJ/dd·1 = {g['a']:.4g};  "
                f"dJ/db = dJ/da·1 = {g['b']:.4g};  dJ/dc = dJ/da·1 = {g['c']:.4g};  "
                f"dJ/dw = dJ/dc·x = {g['w']:.4g}")


