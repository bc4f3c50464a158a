"""Network diagrams: what each kind of layer draws, elided layers, and messages for bad input."""
import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch

from utils.network_figure import box_layer, dense_layer, draw_network, input_layer, shown_units

AWARENESS = ["price", "shipping cost", "marketing", "material"]


def _ax():
    return Figure(figsize=(7, 4)).subplots()


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _circles(ax):
    return [p for p in ax.patches if isinstance(p, Circle)]


def _boxes(ax):
    return [p for p in ax.patches if isinstance(p, FancyBboxPatch)]


def _segments(ax):
    return sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection))


def test_awareness_network_names_inputs_hidden_units_and_output():
    ax = _ax()
    hidden = ["affordability", "awareness", "perceived quality"]
    draw_network(ax, [input_layer(AWARENESS), dense_layer(3, "relu", labels=hidden),
                      dense_layer(1, "sigmoid", labels=["P(top seller)"])], title="Awareness", caption="A caption")
    texts = _texts(ax)
    for name in AWARENESS + hidden + ["P(top seller)", "σ", "A caption", "4 features", "3 units\nReLU"]:
        assert name in texts
    assert ax.get_title() == "Awareness"
    assert len(_circles(ax)) == 4 + 3 + 1
    assert len(_boxes(ax)) == 1                       # the output's own σ box
    assert _segments(ax) == 4 * 3 + 3 * 1 + 1          # dense connections and the unit-to-σ line
    assert not ax.axison


def test_softmax_is_one_shared_block_and_multilabel_one_sigmoid_box_per_unit():
    classes = ["P(0)", "P(1)", "P(2)"]
    soft, multi = _ax(), _ax()
    draw_network(soft, [input_layer(2), dense_layer(4, "relu"), dense_layer(3, "softmax", labels=classes)])
    draw_network(multi, [input_layer(2), dense_layer(4, "relu"), dense_layer(3, "sigmoid", labels=classes)])
    assert len(_boxes(soft)) == 1 and "softmax" in _texts(soft) and "σ" not in _texts(soft)
    assert len(_boxes(multi)) == 3 and _texts(multi).count("σ") == 3
    for ax in (soft, multi):
        assert all(c in _texts(ax) for c in classes)
        assert all(f"$z_{{{j}}}$" in _texts(ax) for j in (1, 2, 3))


def test_big_layers_are_elided_to_their_first_units_an_ellipsis_and_the_last():
    assert shown_units(64, 6) == [0, 1, 2, 3, None, 63]
    assert shown_units(5, 6) == [0, 1, 2, 3, 4]
    ax = _ax()
    draw_network(ax, [input_layer(64), dense_layer(25, "relu"), dense_layer(10, "softmax")])
    texts = _texts(ax)
    assert "$x_{64}$" in texts and "$x_{5}$" not in texts and "64 features" in texts
    assert texts.count("⋮") == 3
    assert len(_circles(ax)) == 5 * 3
    assert _segments(ax) == 5 * 5 + 5 * 5 + 5      # drawn units only, plus the lines into the softmax block


def test_box_layer_draws_one_labelled_box_joined_to_both_sides():
    ax = _ax()
    draw_network(ax, [input_layer(187), box_layer("Conv1D\n8 filters"), dense_layer(2, "relu"),
                      dense_layer(1, "sigmoid")])
    assert "Conv1D\n8 filters" in _texts(ax)
    assert len(_boxes(ax)) == 2                      # the conv box and the output's σ box
    assert _segments(ax) == 5 * 1 + 1 * 2 + 2 * 1 + 1
    ax = _ax()
    draw_network(ax, [input_layer(3), box_layer("conv"), box_layer("pool"), dense_layer(1)])
    assert _segments(ax) == 3 + 1 + 1                # box to box is one line


@pytest.mark.parametrize("layers, error, words", [
    (dense_layer(3), TypeError, "list of layers"),
    ([input_layer(2)], ValueError, "at least two layers"),
    ([dense_layer(2), dense_layer(1)], ValueError, "input_layer(...) first"),
    ([input_layer(2), input_layer(2)], ValueError, "input_layer(...) first"),
    ([input_layer(2), ("dense", 3)], TypeError, "input_layer, dense_layer or box_layer"),
])
def test_bad_layer_lists_say_what_was_expected(layers, error, words):
    with pytest.raises(error, match=None) as info:
        draw_network(_ax(), layers)
    assert words in str(info.value)


@pytest.mark.parametrize("make, error, words", [
    (lambda: dense_layer(0), TypeError, "positive whole number of units, got 0"),
    (lambda: dense_layer(2.5), TypeError, "positive whole number"),
    (lambda: dense_layer(True), TypeError, "positive whole number"),
    (lambda: dense_layer(3, labels=["a", "b"]), ValueError, "2 labels for 3 units"),
    (lambda: dense_layer(2, labels="ab"), TypeError, "list of strings"),
    (lambda: dense_layer(2, labels=["a", 1]), TypeError, "expects strings, got 1"),
    (lambda: dense_layer(2, activation=len), TypeError, "name such as 'relu'"),
    (lambda: input_layer("price"), TypeError, "list of strings or a count"),
    (lambda: input_layer([]), ValueError, "empty"),
    (lambda: box_layer(""), TypeError, "text to write in the box"),
])
def test_bad_layers_say_what_was_expected(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert words in str(info.value)


def test_logits_can_be_numbered_from_0_like_keras_classes():
    ax = _ax()
    draw_network(ax, [input_layer(2), dense_layer(3, "softmax")], first_output=0)
    assert {"$z_{0}$", "$z_{2}$"} <= set(_texts(ax)) and "$z_{3}$" not in _texts(ax)
    with pytest.raises(ValueError, match="from 0 or from 1"):
        draw_network(_ax(), [input_layer(2), dense_layer(3, "softmax")], first_output=2)


def test_detail_replaces_the_text_under_a_column():
    ax = _ax()
    draw_network(ax, [input_layer(2), dense_layer(3, "softmax", detail="linear\n(softmax in the loss)")])
    assert "linear\n(softmax in the loss)" in _texts(ax) and "3 units\nsoftmax" not in _texts(ax)
    with pytest.raises(TypeError, match="text to write under the column"):
        dense_layer(3, detail=3)


def test_max_units_must_leave_room_for_an_ellipsis():
    with pytest.raises(ValueError, match="at least 3"):
        draw_network(_ax(), [input_layer(2), dense_layer(1)], max_units=2)


def test_a_box_is_wide_enough_for_its_longest_line():
    """The box's width comes from its text's drawn width (the ECG diagram's "× 8 channels" spilled out)."""
    import matplotlib.pyplot as plt

    from utils.lab_setup import STYLE_FILE
    from utils.network_figure import box_layer, dense_layer, draw_network, input_layer

    with plt.style.context(str(STYLE_FILE)):
        fig, ax = plt.subplots(figsize=(11, 4.6))
        draw_network(ax, [input_layer([f"$x_{{{i}}}$" for i in range(300)]), box_layer("conv1\n8 filters"),
                          box_layer("conv2\nConv1D\n8 filters\nwindow 9\n× 8 channels\nstride 2"),
                          box_layer("Flatten\n→ 552\nnumbers"), dense_layer(1, labels=["logit"])], fontsize=9)
        fig.canvas.draw()  # the labs' style lays the figure out when it is drawn
    renderer = fig.canvas.get_renderer()
    text = next(t for t in ax.texts if "channels" in t.get_text()).get_window_extent(renderer)
    boxes = [p.get_window_extent(renderer) for p in ax.patches if type(p).__name__ == "FancyBboxPatch"]
    box = min(boxes, key=lambda b: abs((b.x0 + b.x1) / 2 - (text.x0 + text.x1) / 2))
    assert text.x0 - box.x0 > 6 and box.x1 - text.x1 > 6  # pixels of room on each side
    plt.close(fig)
