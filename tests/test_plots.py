"""Plot helpers: right content on the axes, clear errors for bad input."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.plots import decision_grid, history_dict, plot_data, plot_decision_boundary, plot_history  # noqa: E402

X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
Y = np.array([0, 1, 1, 0])


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_history_from_dict_and_validation_curve():
    ax = plot_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]})
    assert [line.get_label() for line in ax.get_lines()] == ["training loss (epoch mean)", "validation loss"]
    assert ax.get_xlabel() == "epoch"
    assert list(ax.get_lines()[0].get_xdata()) == [1, 2, 3]


def test_history_errors():
    with pytest.raises(TypeError, match="History returned by model.fit"):
        history_dict([1, 2, 3])
    with pytest.raises(KeyError, match="it has \\['loss'\\]"):
        plot_history({"loss": [1.0]}, metrics=("accuracy",))


def test_scatter_one_collection_per_class():
    ax = plot_data(X, Y)
    assert len(ax.collections) == 2 and ax.get_xlabel() == "$x_1$"


@pytest.mark.parametrize(("bad", "message"), [
    (np.zeros((4, 3)), r"shape \(n_examples, 2\)"),
    (None, "is None"),
    ([["a", "b"]], "array of numbers"),
])
def test_scatter_rejects_bad_features(bad, message):
    with pytest.raises((TypeError, ValueError), match=message):
        plot_data(bad, [0])


def test_scatter_rejects_wrong_label_count():
    with pytest.raises(ValueError, match=r"one label per example \(4\)"):
        plot_data(X, [0, 1])


def test_decision_grid_binary_and_multiclass():
    xx, yy, zz = decision_grid(lambda g: (g[:, 0] > 0.5).astype(float), X, resolution=20)
    assert xx.shape == yy.shape == zz.shape == (20, 20)
    assert set(np.unique(zz)) == {0.0, 1.0}
    _, _, classes = decision_grid(lambda g: np.column_stack([g[:, 0], g[:, 1], 0.5 + 0 * g[:, 0]]), X, 10)
    assert set(np.unique(classes)) <= {0, 1, 2}


def test_decision_grid_rejects_wrong_row_count():
    with pytest.raises(ValueError, match="returned 1 rows"):
        decision_grid(lambda g: np.zeros(1), X)


def test_decision_boundary_draws_regions_and_data():
    ax = plot_decision_boundary(lambda g: 1 / (1 + np.exp(-(g[:, 0] - 0.5))), X, Y)
    assert len(ax.collections) >= 3  # filled contour, boundary, two scatters


def test_show_publishes_png_with_alt_text(monkeypatch):
    import utils.plots as plots

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda data, raw, metadata: shown.append((data, metadata)))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    plots.show(fig, "A line  falling\n from 1 to 0.")
    (data, metadata), = shown
    assert data["text/plain"] == "A line falling from 1 to 0."
    assert metadata == {"image/png": {"alt": "A line falling from 1 to 0."}}
    import base64
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    # JupyterLab renders the text/html part: the same picture with the alt attribute a screen reader reads
    png = data["image/png"]
    assert data["text/html"] == f'<img src="data:image/png;base64,{png}" alt="A line falling from 1 to 0.">'
    assert not plt.fignum_exists(fig.number)  # closed: the inline backend will not show it twice


def test_show_escapes_alt_text_in_html(monkeypatch):
    import utils.plots as plots

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda data, raw, metadata: shown.append(data))
    fig, _ = plt.subplots()
    plots.show(fig, 'Loss "J" < 0.5 & falling')
    assert shown[0]["text/html"].endswith('alt="Loss &quot;J&quot; &lt; 0.5 &amp; falling">')


def test_show_refuses_missing_alt_and_non_figures():
    import utils.plots as plots

    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="needs alt text"):
        plots.show(fig, "  ")
    with pytest.raises(TypeError, match="expects a matplotlib Figure"):
        plots.show(fig.axes[0], "an axes is not a figure")
