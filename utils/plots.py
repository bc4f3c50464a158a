"""Plot helpers the labs share: training history, a data scatter, decision boundaries."""
import numpy as np

from utils.validation import as_2d_features, as_labels

# One colour per activation function and per optimizer in every lab (labs.mplstyle's Okabe-Ito cycle:
# C0 blue, C1 orange, C2 green, C3 vermillion, C4 pink, C5 sky blue, C6 yellow, C7 black).
COLOURS = {
    "linear": "C0",
    "sigmoid": "C1",
    "relu": "C2",
    "softmax": "C4",
    "gradient descent": "C5",
    "adam": "C3",
}


def show(fig, alt):
    """Show a finished figure with its text alternative (one line, written from the data), then close it.

    The output carries `alt` three ways: as the alt attribute of a text/html <img>, which JupyterLab
    4.6 and nbconvert's default (lab) template render, so a screen reader hears it (both ignore an
    image/png output's metadata alt: tried in Chromium); in the image/png metadata, which nbconvert's
    classic template reads; and as text/plain, for a text-only reader.
    """
    import base64
    import html

    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure
    from IPython.display import display
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"show(fig, alt) expects a matplotlib Figure (fig, ax = plt.subplots()), "
                        f"got {type(fig).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("show(fig, alt) needs alt text: one line saying what is plotted, the axes and "
                         "the values the text relies on")
    alt = " ".join(alt.split())
    png = base64.b64encode(print_figure(fig, "png", bbox_inches="tight")).decode("ascii")
    tag = f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}">'
    display({"text/html": tag, "image/png": png, "text/plain": alt}, raw=True, metadata={"image/png": {"alt": alt}})
    plt.close(fig)


def _axes(ax):
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.subplots()[1]


def history_dict(history):
    """Return {metric: list of per-epoch values} from a Keras History or a plain dict."""
    values = getattr(history, "history", history)
    if not isinstance(values, dict) or not values:
        raise TypeError(
            "expected the History returned by model.fit(...) or a dict like {'loss': [...]}, "
            f"got {type(history).__name__}"
        )
    return {name: [float(v) for v in series] for name, series in values.items()}


def plot_history(history, metrics=("loss",), ax=None, title="Training history", log_y=False):
    """Draw per-epoch curves (training and, if present, validation) of the given metrics."""
    from matplotlib.ticker import MaxNLocator

    values = history_dict(history)
    ax = _axes(ax)
    for metric in metrics:
        if metric not in values:
            raise KeyError(f"no {metric!r} in the history; it has {sorted(values)}")
        epochs = np.arange(1, len(values[metric]) + 1)
        ax.plot(epochs, values[metric], label=f"training {metric}" + (" (epoch mean)" if metric == "loss" else ""))
        if f"val_{metric}" in values:
            ax.plot(epochs, values[f"val_{metric}"], "--", label=f"validation {metric}")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel(", ".join(metrics))
    if log_y:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    return ax


def plot_data(X, y, ax=None, class_names=None, feature_names=("$x_1$", "$x_2$"), title=None, legend_loc="best"):
    """Scatter two features, one colour and marker per class."""
    X = as_2d_features(X, name="X")
    y = as_labels(y, n=len(X), name="y")
    ax = _axes(ax)
    markers = "osD^vP*X"
    for i, label in enumerate(np.unique(y)):
        name = class_names[int(label)] if class_names is not None else f"y = {label:g}"
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], marker=markers[i % len(markers)], s=28,
                   edgecolors="white", linewidths=0.5, label=name, color=f"C{i}")
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    if title:
        ax.set_title(title)
    ax.legend(loc=legend_loc)
    return ax


def decision_grid(predict, X, resolution=150, padding=0.1):
    """Evaluate predict on a grid covering X; return (xx, yy, values on the grid).

    predict maps an (n, 2) array to n probabilities, or to (n, k) class scores.
    """
    X = as_2d_features(X, name="X")
    lo, hi = X.min(axis=0), X.max(axis=0)
    margin = (hi - lo) * padding
    xs = np.linspace(lo[0] - margin[0], hi[0] + margin[0], resolution)
    ys = np.linspace(lo[1] - margin[1], hi[1] + margin[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype("float32")
    out = np.asarray(predict(grid))
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.shape[0] != grid.shape[0]:
        raise ValueError(f"predict returned {out.shape[0]} rows for {grid.shape[0]} grid points")
    if out.ndim == 1:
        return xx, yy, out.reshape(xx.shape)
    return xx, yy, out.argmax(axis=1).reshape(xx.shape)


def plot_decision_boundary(predict, X, y, ax=None, threshold=0.5, class_names=None,
                           feature_names=("$x_1$", "$x_2$"), title=None, resolution=150):
    """Shade the regions a model predicts and draw the data on top.

    Binary (predict returns probabilities): the shading is the probability of class 1 and the
    black line is where it equals `threshold`. Multiclass (predict returns one score per
    class): each predicted class gets its colour.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    ax = _axes(ax)
    xx, yy, zz = decision_grid(predict, X, resolution=resolution)
    probe = np.asarray(predict(np.asarray(X[:1], dtype="float32")))
    multiclass = probe.ndim == 2 and probe.shape[1] > 1
    if multiclass:
        n = probe.shape[1]
        colours = [plt.rcParams["axes.prop_cycle"].by_key()["color"][i % 8] for i in range(n)]
        ax.contourf(xx, yy, zz, levels=np.arange(-0.5, n), cmap=ListedColormap(colours), alpha=0.25)
    else:
        filled = ax.contourf(xx, yy, zz, levels=np.linspace(0, 1, 11), cmap="PuOr_r", alpha=0.35)
        ax.contour(xx, yy, zz, levels=[threshold], colors="black", linewidths=1.5)
        ax.figure.colorbar(filled, ax=ax, label="predicted probability of y = 1")
    plot_data(X, y, ax=ax, class_names=class_names, feature_names=feature_names, title=title)
    return ax
