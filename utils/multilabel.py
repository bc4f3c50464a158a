"""Lab 04 helpers: multiclass versus multi-label classification.

- `make_scenes`: a seeded generator of tiny street scenes that may contain a car, a bus and a
  pedestrian (any number of them at once): the multi-label data set of the lab.
- Per-label precision and recall at a threshold per label, and choosing those thresholds.
- The lab's figures (hidden units, misclassified digits, scenes, softmax versus sigmoid) and the
  drawing functions its widgets call.
- The exercise checks `check_count_parameters`, `check_build_scene_model`, `check_setup_choices`
  and, in Going further, `check_choose_threshold`.
"""

import numpy as np

from utils import expectations
from utils.checks import Case, CheckResult, Layer, Mistake, Problem, choice, run_check, show
from utils.plots import COLOURS
from utils.softmax import evaluate_built_model, model_summary
from utils.widgets import Explorer

LAB = "04_multiclass_vs_multilabel"

# ----------------------------------------------------------------------------- the scenes

LABELS = ("car", "bus", "pedestrian")
SCENE_SIZE = 10

# 1 = object pixel. A car is a cabin on a body, a bus a long box with windows and wheels,
# a pedestrian a stick figure.
SHAPES = {
    "car": np.array([[0, 1, 1, 0],
                     [1, 1, 1, 1]], dtype="float32"),
    "bus": np.array([[1, 1, 1, 1, 1, 1],
                     [1, 0, 1, 0, 1, 1],
                     [1, 1, 1, 1, 1, 1]], dtype="float32"),
    "pedestrian": np.array([[0, 1, 0],
                            [1, 1, 1],
                            [0, 1, 0],
                            [1, 0, 1]], dtype="float32"),
}
# Rows each object may occupy (first row, one past the last): pedestrians on the pavement at the
# top, buses in the far lane, cars in the near lane. Neighbouring bands overlap by one row, so
# objects sometimes touch.
BANDS = {"car": (7, 10), "bus": (4, 8), "pedestrian": (0, 5)}
PRESENCE = (0.5, 0.3, 0.4)


def make_scenes(n, seed=0, noise=0.25, presence=PRESENCE, brightness=(0.4, 1.0)):
    """n noisy 10x10 street scenes and their labels.

    Returns X of shape (n, 10, 10) and Y of shape (n, 3) with Y[i, k] = 1 when scene i contains
    object LABELS[k]. Each object is present independently with probability presence[k], so a
    scene may hold none, one, two or all three. Objects sit at a random column, with a random
    brightness, under Gaussian pixel noise. The same seed always gives the same scenes.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive whole number of scenes, got {n!r}")
    if len(presence) != len(LABELS):
        raise ValueError(f"presence needs one probability per label {LABELS}, got {presence!r}")
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, len(LABELS))) < np.asarray(presence)).astype("float32")
    X = np.zeros((n, SCENE_SIZE, SCENE_SIZE), dtype="float32")
    for k, name in enumerate(LABELS):
        shape = SHAPES[name]
        height, width = shape.shape
        first, stop = BANDS[name]
        rows = rng.integers(first, stop - height + 1, size=n)
        cols = rng.integers(0, SCENE_SIZE - width + 1, size=n)
        light = rng.uniform(*brightness, size=n).astype("float32")
        for i in np.flatnonzero(Y[:, k]):
            r, c = rows[i], cols[i]
            patch = X[i, r:r + height, c:c + width]
            np.maximum(patch, light[i] * shape, out=patch)
    X += rng.normal(0.0, noise, size=X.shape).astype("float32")
    return X, Y


def label_names(y_row):
    """'car + pedestrian' for the row [1, 0, 1]; 'nothing' for an empty scene."""
    names = [name for name, on in zip(LABELS, np.asarray(y_row) >= 0.5, strict=True) if on]
    return " + ".join(names) if names else "nothing"


# ------------------------------------------------------------------ precision and recall

def precision_recall(y_true, scores, thresholds):
    """Precision and recall of one label for each threshold (predict 1 when score >= threshold).

    y_true (n,) of 0/1, scores (n,) probabilities, thresholds scalar or (t,).
    Returns two arrays shaped like thresholds. With no positive predictions precision is 1
    (no false alarms); with no positive examples recall is 1 (nothing was missed).
    """
    y_true = np.asarray(y_true, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    if y_true.shape != scores.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and scores must be two 1-D arrays of the same length, "
                         f"got shapes {y_true.shape} and {scores.shape}")
    t = np.asarray(thresholds, dtype=float)
    predicted = scores[None, :] >= t.reshape(-1, 1)
    true_pos = (predicted & y_true).sum(axis=1)
    n_predicted = predicted.sum(axis=1)
    n_positive = y_true.sum()
    precision = np.where(n_predicted > 0, true_pos / np.maximum(n_predicted, 1), 1.0)
    recall = true_pos / n_positive if n_positive else np.ones(len(true_pos))
    return precision.reshape(t.shape), recall.reshape(t.shape)


def label_metrics(Y, P, thresholds=0.5):
    """Per-label precision and recall of multi-label predictions P >= thresholds.

    Y and P have shape (n, k); thresholds is one number or one per label.
    Returns (precision (k,), recall (k,)).
    """
    Y = np.asarray(Y)
    P = np.asarray(P)
    if Y.shape != P.shape or Y.ndim != 2:
        raise ValueError(f"Y and P must both have shape (n_examples, n_labels), got {Y.shape} and {P.shape}")
    t = np.broadcast_to(np.asarray(thresholds, dtype=float), (Y.shape[1],))
    pairs = [precision_recall(Y[:, k], P[:, k], t[k]) for k in range(Y.shape[1])]
    return np.array([p for p, _ in pairs]), np.array([r for _, r in pairs])


def rounded_down(threshold, digits=3):
    """A threshold rounded down to `digits` decimals: a rounded-down threshold flags every scene the exact one
    does, so the recall it reached still holds (rounding 0.7198 to 0.72 could lose it)."""
    return np.floor(np.asarray(threshold, dtype=float) * 10 ** digits) / 10 ** digits


def metrics_table(rows):
    """Format {name: (thresholds, precision, recall)} as a fixed-width table, one line per label; thresholds
    rounded down to 3 decimals (see rounded_down)."""
    lines = [f"{'':<22}" + "".join(f"{name:>12}" for name in LABELS)]
    for name, (thresholds, precision, recall) in rows.items():
        t = rounded_down(np.broadcast_to(np.asarray(thresholds, dtype=float), (len(LABELS),)))
        lines.append(f"{name + ': threshold':<22}" + "".join(f"{v:>12.3f}" for v in t))
        lines.append(f"{name + ': precision':<22}" + "".join(f"{v:>12.3f}" for v in precision))
        lines.append(f"{name + ': recall':<22}" + "".join(f"{v:>12.3f}" for v in recall))
    return "\n".join(lines + ["(thresholds rounded down to 3 decimals)"])


# ---------------------------------------------------------------------------- figures

def _axis_off(ax):
    ax.set_xticks([])
    ax.set_yticks([])


def plot_hidden_units(X, y, hidden, output, class_names=None, resolution=80):
    """One panel per hidden unit (its activation over the input plane), then the hidden space.

    hidden maps (m, 2) inputs to (m, units) activations; output maps activations to logits.
    The last panel shows the data in the space of the first two hidden units, shaded by the class
    the output layer picks there: its boundaries are straight lines.
    """
    import matplotlib.pyplot as plt

    from utils.plots import decision_grid, plot_data

    n_units = np.asarray(hidden(np.asarray(X[:1], dtype="float32"))).shape[1]
    fig, axes = plt.subplots(1, n_units + 1, figsize=(4.2 * (n_units + 1), 3.8), layout="constrained")
    for j in range(n_units):
        ax = axes[j]
        xx, yy, zz = decision_grid(lambda g, j=j: np.asarray(hidden(g))[:, j], X, resolution=resolution)
        filled = ax.contourf(xx, yy, zz, levels=12, cmap="Greens")
        # the line where the unit switches off, from a finer grid: straight, not a staircase of cells
        fine = decision_grid(lambda g, j=j: np.asarray(hidden(g))[:, j], X, resolution=max(resolution, 400))
        ax.contour(*fine, levels=[1e-6], colors="black", linewidths=1.2, linestyles="--")
        fig.colorbar(filled, ax=ax, label=f"$a_{j + 1}$")
        plot_data(X, y, ax=ax, class_names=class_names, title=f"hidden unit {j + 1}: $a_{j + 1}$ = ReLU(...)")
        ax.get_legend().remove()
    A = np.asarray(hidden(np.asarray(X, dtype="float32")))
    _linear_regions(output, A[:, :2], axes[-1])
    plot_data(A[:, :2], y, ax=axes[-1], class_names=class_names, feature_names=("$a_1$", "$a_2$"),
              title="the data as the output layer sees it")
    axes[-1].legend(loc="upper right", fontsize=8)
    return fig


def _linear_regions(output, A, ax, resolution=400):
    """Shade the class the linear output layer picks over the (a_1, a_2) plane, and draw each boundary
    where two logits tie and beat the others: pixels with no blending of class numbers (no false strip of
    a third class between two), and boundary lines that are exactly straight."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    lo, hi = A.min(axis=0), A.max(axis=0)
    lo, hi = lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    logits = np.asarray(output(np.column_stack([xx.ravel(), yy.ravel()]).astype("float32")))
    n = logits.shape[1]
    logits = logits.reshape(*xx.shape, n)
    picked = logits.argmax(axis=-1)
    colours = [plt.rcParams["axes.prop_cycle"].by_key()["color"][i % 8] for i in range(n)]
    ax.imshow(picked, origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]), aspect="auto", interpolation="nearest",
              cmap=ListedColormap(colours), vmin=-0.5, vmax=n - 0.5, alpha=0.25)
    top_two = np.sort(np.argsort(logits, axis=-1)[..., -2:], axis=-1)
    for i in range(n):
        for j in range(i + 1, n):
            tie = np.where((top_two[..., 0] == i) & (top_two[..., 1] == j), logits[..., i] - logits[..., j], np.nan)
            if np.isfinite(tie).any() and np.nanmin(tie) < 0 < np.nanmax(tie):
                ax.contour(xx, yy, tie, levels=[0], colors="black", linewidths=1)


def plot_misclassified(images, y_true, probs, max_shown=10, columns=5):
    """A gallery of the misclassified digits, each above a bar chart of its predicted probabilities.

    Everything is drawn in one axes (much faster than one axes per digit). Returns the figure;
    each example's caption is one of its texts.
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    probs = np.asarray(probs)
    y_true = np.asarray(y_true)
    predicted = probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y_true)[:max_shown]
    if len(wrong) == 0:
        raise ValueError("no misclassified examples to show")
    rows = int(np.ceil(len(wrong) / columns))
    k = probs.shape[1]
    bar_height = 0.35 * k  # a probability of 1 reaches this high under the image
    cell_w, cell_h = k + 3, k + bar_height + 5
    fig, ax = plt.subplots(figsize=(2.1 * columns, 2.7 * rows))
    for n, i in enumerate(wrong):
        r, c = divmod(n, columns)
        x0, y0 = c * cell_w, (rows - 1 - r) * cell_h + 1.2
        guess, truth = predicted[i], y_true[i]
        ax.imshow(images[i], cmap="gray_r", extent=(x0 - 0.5, x0 + k - 0.5, y0 + bar_height + 0.4,
                                                     y0 + bar_height + 0.4 + k))
        colours = ["0.7"] * k
        colours[guess] = "C3"
        colours[truth] = "C2"
        ax.bar(x0 + np.arange(k), bar_height * probs[i], bottom=y0, color=colours, width=0.8)
        ax.plot([x0 - 0.5, x0 + k - 0.5], [y0, y0], color="0.4", linewidth=0.8)
        ax.plot([x0 - 0.7] * 2, [y0, y0 + bar_height], color="0.4", linewidth=0.8)  # the probability scale
        for level in (0, 0.5, 1):
            ax.plot([x0 - 0.9, x0 - 0.7], [y0 + level * bar_height] * 2, color="0.4", linewidth=0.8)
            ax.text(x0 - 1.0, y0 + level * bar_height, f"{level:g}", ha="right", va="center", fontsize=6,
                    color="0.3")
        for digit, colour in ((truth, "C2"), (guess, "C3")):
            ax.text(x0 + digit, y0 - 0.2, str(digit), color=colour, ha="center", va="top", fontsize=8,
                    fontweight="bold")
        ax.text(x0 + k / 2 - 0.5, y0 + bar_height + k + 0.8,
                f"true {truth}, predicted {guess}\n"
                f"p({guess}) = {probs[i, guess]:.2f}, p({truth}) = {probs[i, truth]:.2f}",
                ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-2.2, columns * cell_w - 2.5)
    ax.set_ylim(0, rows * cell_h)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Misclassified test digits; under each, its probabilities for the digits 0 to 9\n"
                 "(bar height: probability, on the 0 to 1 scale at its left; green: true digit, orange: predicted)")
    return fig


def plot_scenes(X, Y, P=None, columns=8, rows=2, threshold=0.5):
    """A grid of scenes titled with their labels (and, given P, the predicted labels).

    Drawn as one mosaic image in a single axes: much faster than one axes per scene.
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X)
    count = min(len(X), columns * rows)
    size = X.shape[1]
    gap, row_gap = 1, 3 if P is None else 5  # room for the captions above each row
    mosaic = np.full((rows * (size + row_gap) - row_gap, columns * (size + gap) - gap), np.nan)
    fig, ax = plt.subplots(figsize=(1.6 * columns, 2.0 * rows))
    for n in range(count):
        r, c = divmod(n, columns)
        top, left = r * (size + row_gap), c * (size + gap)
        mosaic[top:top + size, left:left + size] = X[n]
        title = label_names(Y[n])
        if P is not None:
            title += "\npredicted: " + label_names(np.asarray(P[n]) >= threshold)
        ax.text(left + size / 2 - 0.5, top - 0.7, title, ha="center", va="bottom", fontsize=8)
    ax.imshow(np.ma.masked_invalid(mosaic), cmap="gray_r", vmin=-0.5, vmax=1.3)
    ax.axis("off")
    return fig


def plot_softmax_vs_sigmoid(X, Y, P_sigmoid, P_softmax, threshold=0.5):
    """The scenes side by side on top; under each, the sigmoid and softmax outputs of its three labels."""
    import matplotlib.pyplot as plt

    X = np.asarray(X)
    n, size = len(X), X.shape[1]
    k = len(LABELS)
    step = k + 1.5  # width of one scene's group of bars, in bar units
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(2.9 * n, 5.6), height_ratios=[1.25, 1.0])
    mosaic = np.full((size, n * (size + 2) - 2), np.nan)
    for j in range(n):
        mosaic[:, j * (size + 2): j * (size + 2) + size] = X[j]
        top.text(j * (size + 2) + size / 2 - 0.5, -0.8, "contains: " + label_names(Y[j]),
                 ha="center", va="bottom", fontsize=9)
    top.imshow(np.ma.masked_invalid(mosaic), cmap="gray_r", vmin=-0.5, vmax=1.3)
    top.axis("off")
    x = np.concatenate([j * step + np.arange(k) for j in range(n)])
    bottom.bar(x - 0.2, np.ravel(P_sigmoid[:n]), width=0.4, color=COLOURS["sigmoid"], label="sigmoid outputs")
    bottom.bar(x + 0.2, np.ravel(P_softmax[:n]), width=0.4, color=COLOURS["softmax"], label="softmax outputs")
    bottom.axhline(threshold, color="black", linestyle="--", linewidth=1, label=f"threshold {threshold}")
    for j in range(n):
        bottom.text(j * step + (k - 1) / 2, 1.03, f"sums: sigmoid {np.sum(P_sigmoid[j]):.2f}, "
                    f"softmax {np.sum(P_softmax[j]):.2f}", ha="center", va="bottom", fontsize=8,
                    transform=bottom.get_xaxis_transform())  # just above the axes: the axis stays 0 to 1
    bottom.set_xticks(x, list(LABELS) * n, fontsize=8)
    bottom.set_xlim(-0.7, n * step - 1.8)
    bottom.set_ylim(0, 1)
    bottom.set_ylabel("probability")
    bottom.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=9)
    bottom.set_title("Sigmoid outputs answer three yes/no questions; softmax shares 1 between the labels",
                     fontsize=11, pad=22)
    return fig


def standardised_digits(test_size=0.25, seed=4):
    """scikit-learn's digits split into training and test sets, pixels standardised by the training set.

    A quarter of the images is kept aside (stratified: each digit's share is the same in both parts).
    Pixel j becomes (x_j - mu_j) / (sigma_j + 0.1) with the training images' mean and standard deviation;
    the +0.1 keeps a border pixel that is blank in almost every image from turning a rare stroke of ink
    into a huge input (and avoids dividing by 0). Returns X_train, X_test, y_train, y_test and the test
    images (8x8).
    """
    from sklearn.model_selection import train_test_split

    from utils.data import load_digits_images

    images, labels = load_digits_images()
    pixels = images.reshape(len(images), 64)
    pixels_train, pixels_test, y_train, y_test, _, img_test = train_test_split(
        pixels, labels, images, test_size=test_size, stratify=labels, random_state=seed)
    mu, sigma = pixels_train.mean(axis=0), pixels_train.std(axis=0)
    return (pixels_train - mu) / (sigma + 0.1), (pixels_test - mu) / (sigma + 0.1), y_train, y_test, img_test


def _network_figure(layers, title, alt, size):
    import matplotlib.pyplot as plt

    from utils.network_figure import draw_network

    fig, ax = plt.subplots(figsize=size)
    draw_network(ax, layers, first_output=0, max_units=7, title=title)
    return fig, alt


def digit_network_figure():
    """The digit network drawn (64 pixels, 64 ReLU units, 10 logits with softmax in the loss), and its alt text."""
    from utils.network_figure import dense_layer, input_layer

    return _network_figure(
        [input_layer(64, name="64 pixels"), dense_layer(64, "relu"),
         dense_layer(10, "softmax", labels=[f"P(digit {d})" for d in range(10)],
                     detail="10 units, linear\n(softmax in the loss)")],
        "The digit network: 64 pixels, 64 ReLU units, 10 logits",
        "Network diagram: 64 pixel inputs (x_1 to x_5, an ellipsis, x_64 drawn), a hidden layer of 64 ReLU units "
        "(5, an ellipsis and the last drawn), every unit joined to every input, and 10 output units computing the "
        "logits z_0 to z_9, followed by one softmax block (applied by the loss) giving P(digit 0) to P(digit 9).",
        (8, 5.4))


def scene_network_figure():
    """The multi-label scene network drawn (100 pixels, 32 ReLU units, one sigmoid per label), and its alt text."""
    from utils.network_figure import dense_layer, input_layer

    return _network_figure(
        [input_layer(100, name="100 pixels"), dense_layer(32, "relu"),
         dense_layer(3, "sigmoid", labels=[f"P({name})" for name in LABELS],
                     detail="3 units, linear\n(σ each, in the loss)")],
        "The multi-label scene network: one sigmoid per label",
        "Network diagram: 100 pixel inputs (x_1 to x_5, an ellipsis, x_100 drawn), a hidden layer of 32 ReLU units "
        "(5, an ellipsis and the last drawn), and 3 output units computing the logits z_0, z_1, z_2, each followed "
        "by its own sigmoid box giving P(car), P(bus) and P(pedestrian) independently.",
        (8, 5))


def sigmoid_softmax_table(P_sigmoid, P_softmax, Y):
    """One table comparing the sigmoid and the softmax networks' probabilities on the scenes Y (at 0.5)."""
    n_objects = Y.sum(axis=1).astype(int)
    lines = [f"{'':<9}{'sum of probabilities':>22}{'most labels said yes':>22}{'all labels right, scenes with':>32}",
             f"{'':<9}{'min':>11}{'max':>11}{'in one scene':>22}{'0 objects':>11}{'1 object':>10}{'2-3':>11}"]
    for title, P in [("sigmoid", P_sigmoid), ("softmax", P_softmax)]:
        sums = P.sum(axis=1)
        right = np.all((P >= 0.5) == Y, axis=1)
        shares = [right[n_objects == 0].mean(), right[n_objects == 1].mean(), right[n_objects >= 2].mean()]
        lines.append(f"{title:<9}{sums.min():>11.3f}{sums.max():>11.3f}{int((P >= 0.5).sum(axis=1).max()):>22d}"
                     f"{shares[0]:>11.1%}{shares[1]:>10.1%}{shares[2]:>11.1%}")
    return "\n".join(lines)


def scene_examples_figure(X, Y, clean, n=6):
    """The first n scenes drawn twice, without noise (clean) and as the network sees them (X), and its alt text."""
    fig = plot_scenes(np.concatenate([clean[:n], X[:n]]), np.concatenate([Y[:n], Y[:n]]), columns=n)
    fig.suptitle("Street scenes: without noise (top) and as the network sees them (bottom)")
    contents = "; ".join(label_names(row) for row in Y[:n])
    return fig, (f"The first {n} street scenes (10x10) drawn twice in grey levels, without noise (top row) and with "
                 f"pixel noise (bottom row), each titled with what it contains: {contents}.")


def softmax_vs_sigmoid_figure(X, Y, P_sigmoid, P_softmax):
    """A test scene with 0, 1, 2 and 3 objects that the sigmoid network gets right, with both networks' outputs.

    X holds the scenes as images (10x10), Y their labels; returns the figure and its alt text.
    """
    n_objects = Y.sum(axis=1).astype(int)
    sigmoid_right = np.all((P_sigmoid >= 0.5) == Y, axis=1)
    shown = [int(np.flatnonzero((n_objects == count) & sigmoid_right)[0]) for count in (0, 1, 2, 3)]
    fig = plot_softmax_vs_sigmoid(X[shown], Y[shown], P_sigmoid[shown], P_softmax[shown])
    return fig, ("Four test scenes with 0, 1, 2 and 3 objects, and under each a bar chart of the sigmoid network's and "
                 "the softmax network's probabilities for car, bus and pedestrian against the 0.5 threshold; sums of "
                 "the probabilities: sigmoid " + ", ".join(f"{P_sigmoid[i].sum():.2f}" for i in shown)
                 + "; softmax " + ", ".join(f"{P_softmax[i].sum():.2f}" for i in shown) + ".")


def confusion_figure(y_true, predicted):
    """The digits' confusion matrix (rows: true digit, columns: predicted), and its alt text."""
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix

    matrix = confusion_matrix(y_true, predicted, labels=range(10))
    off_diagonal = matrix - np.diag(np.diag(matrix))
    fig, ax = plt.subplots(figsize=(5.6, 5))
    ConfusionMatrixDisplay(matrix, display_labels=range(10)).plot(ax=ax, colorbar=False, cmap="Blues")
    ax.set_title(f"Digits test set: {np.trace(matrix) / matrix.sum():.1%} correct")
    return fig, (f"Confusion matrix of the {matrix.sum()} test digits, true digit (rows) against predicted digit "
                 f"(columns), 0 to 9: {np.trace(matrix)} on the diagonal, {off_diagonal.sum()} off it, at most "
                 f"{off_diagonal.max()} in any one off-diagonal cell.")


# ---------------------------------------------------------------------------- explorers

class DigitExplorer(Explorer):
    """Widget: test digit `index` next to the softmax probabilities of the ten classes."""

    def __init__(self, images, y_true, probs):
        self.images, self.y_true, self.probs = np.asarray(images), np.asarray(y_true), np.asarray(probs)

    def setup(self, fig):
        classes = np.arange(self.probs.shape[1])
        ax_img, ax_bar = fig.subplots(1, 2, width_ratios=[1, 1.8])
        self.image = ax_img.imshow(self.images[0], cmap="gray_r")
        self.title = ax_img.set_title(" ", y=1.0)  # y given: the title is not re-placed every frame
        _axis_off(ax_img)
        self.bars = ax_bar.bar(classes, np.zeros(len(classes)), zorder=2)  # over the grid
        ax_bar.set_xticks(classes)
        ax_bar.set_xlim(ax_bar.get_xlim())  # fixed axes: nothing rescales while the slider moves
        ax_bar.set_ylim(0, 1.05)
        ax_bar.set_xlabel("digit")
        ax_bar.set_ylabel("softmax probability")
        ax_bar.set_title("green = true digit, orange = a wrong prediction", y=1.0)
        self.moving = [self.image, self.title, *self.bars]

    def update(self, index):
        index = int(np.clip(index, 0, len(self.probs) - 1))
        probs, true = self.probs[index], int(self.y_true[index])
        predicted = int(probs.argmax())
        self.image.set_data(self.images[index])
        self.image.autoscale()  # grey levels scaled to this digit, as imshow does
        self.title.set_text(f"test digit {index}: a {true}")
        colours = ["0.7"] * len(probs)
        colours[predicted] = "C3"
        colours[true] = "C2"
        for bar, p, colour in zip(self.bars, probs, colours, strict=True):
            bar.set_height(p)
            bar.set_facecolor(colour)
        verdict = "right" if predicted == true else "WRONG"
        return (f"predicted {predicted} with probability {probs[predicted]:.3f} ({verdict}); "
                f"the ten probabilities sum to {probs.sum():.3f}")


class ThresholdExplorer(Explorer):
    """Widget: per label, precision and recall against the threshold, a marker at the chosen one."""

    grid = np.linspace(0.01, 0.99, 99)

    def __init__(self, Y, P):
        self.Y, self.P = np.asarray(Y), np.asarray(P)

    def setup(self, fig):
        axes = fig.subplots(1, len(LABELS), sharey=True)
        self.markers = []
        for k, ax in enumerate(axes):
            precision, recall = precision_recall(self.Y[:, k], self.P[:, k], self.grid)
            ax.plot(self.grid, precision, color="C0", label="precision")
            ax.plot(self.grid, recall, color="C1", linestyle="--", label="recall")
            ax.set_xlim(ax.get_xlim())  # fixed axes: nothing rescales while a slider moves
            ax.set_ylim(0, 1.05)
            line = ax.axvline(0.5, color="black", linewidth=1)
            dots, = ax.plot([0.5] * 2, [np.nan] * 2, "o", color="black")
            self.markers.append((line, dots, ax.set_title(" ", y=1.0)))
            ax.set_xlabel("threshold")
        axes[0].set_ylabel("precision, recall (validation scenes)")
        axes[0].legend(loc="lower left")
        self.moving = [artist for marker in self.markers for artist in marker]

    def update(self, **thresholds):
        lines = []
        for k, (name, (line, dots, title)) in enumerate(zip(LABELS, self.markers, strict=True)):
            t = thresholds[name]
            p_now, r_now = precision_recall(self.Y[:, k], self.P[:, k], t)
            line.set_xdata([t, t])
            dots.set_data([t, t], [p_now, r_now])
            title.set_text(f"{name}: threshold {t:.2f}")
            lines.append(f"{name:<11} threshold {t:.2f}   precision {float(p_now):.3f}   "
                         f"recall {float(r_now):.3f}")
        return "\n".join(lines)


# ------------------------------------------------------------------- exercise checks

SCENE_LAYERS = [Layer("Dense", units=32, activation="relu"), Layer("Dense", units=3, activation="linear")]


# ------------------------------------------------------- Exercise 1: counting parameters

def parameter_cases():
    """The layer sizes count_parameters is tried on: [inputs, units of each Dense layer]."""
    return [
        Case("a tiny network (2 inputs, 2 hidden units, 4 outputs)", args=([2, 2, 4],)),
        Case("the digit network", args=([64, 64, 10],)),
        Case("softmax regression (no hidden layer)", args=([64, 10],)),
        Case("one unit with three inputs", args=([3, 1],)),
        Case("a tuple, (4, 3, 1): 4 inputs, 3 hidden units, 1 output", args=((4, 3, 1),), show_input=False),
        Case("two hidden layers", args=([5, 8, 8, 2],)),
    ]


PARAMETER_MISTAKES = {
    "no_biases": Mistake("no_biases", (
        "your count is short by exactly the number of units: each unit also has a bias b, one number of its own "
        "beside its weights.",
        "in [2, 2, 4] your count, 12, is the weights alone: 2 x 2 into the hidden layer and 2 x 4 into the "
        "outputs. The 2 hidden units and the 4 output units each still need their bias.")),
    "input_biases": Mistake("input_biases", (
        "your count has one extra number per input: the inputs are the data, not units, so they have no bias "
        "and no weights of their own.",
        "only the Dense layers hold parameters: the first entry of layer_sizes counts inputs, not units.")),
    "first_layer_only": Mistake("first_layer_only", (
        "that is the count of the first Dense layer only; every Dense layer adds its own weights and biases.",
        "the inputs of a layer are the outputs of the layer before it: go through the layers in pairs.")),
    "units_only": Mistake("units_only", (
        "that counts units, not parameters: each unit holds one weight per input it reads, plus a bias.",
        "for one unit with n inputs, how many numbers does w . x + b need?")),
    "products": Mistake("products", (
        "a layer's weights connect it to the layer just before it, not to every layer: multiply the sizes of "
        "neighbouring layers only.",
        "go through the layers in pairs (inputs of a layer, its units), count each pair, and add the counts.")),
    "raw_inputs": Mistake("raw_inputs", (
        "your count treats every layer as if it read the network's inputs. A layer's inputs are the previous "
        "layer's units: only the first Dense layer reads the data.",
        "in [5, 8, 8, 2] the last layer's 2 units each read the 8 outputs of the layer before, not the 5 "
        "inputs.")),
}
_PARAMETER_START = Mistake("parameter_start", (
    "start with one unit: with n inputs it computes w . x + b; how many numbers are in w and b? Then a layer "
    "of such units, then the layers one after another.",
    "count the network (4, 3, 1) by hand (4 inputs, 3 hidden units, 1 output), one layer at a time (two Dense "
    "layers, each with its weights and biases), and compare with what your function returns."))


def _parameter_mistakes(case, got, expected):
    """The typical mistake a wrong parameter count shows (recorded values in case.about), or a first step."""
    if got is None:
        return None  # the check already says a `return` is missing; a counting hint would mislead
    got = np.asarray(got)
    if got.shape != ():
        return "return one whole number, the total over all the layers"
    found = expectations.recorded_mistakes(case, got, PARAMETER_MISTAKES, expected, rtol=1e-5, atol=1e-8)
    return found[0] if found else _PARAMETER_START


def evaluate_count_parameters(fn):
    """The CheckResult of count_parameters(layer_sizes) against the recorded counts."""
    cases = expectations.with_expected(LAB, "count_parameters", parameter_cases())
    result = run_check("count_parameters", fn, None, cases, atol=0, rtol=0, diagnose=_parameter_mistakes)
    result.on_pass = "compare with Keras's count below"
    return result


def check_count_parameters(fn):
    """Exercise check: print (and return) the result of evaluate_count_parameters."""
    return show(evaluate_count_parameters(fn))


# ------------------------------------------------------- Exercise 2: the multi-label model

def _scene_hints(model):
    """Ladders for the typical mistakes in the multi-label scene model."""
    layers, activation, name, from_logits = model_summary(model)
    hints = []
    if not layers:
        return hints
    try:
        input_shape = tuple(model.input_shape[1:])
    except (AttributeError, ValueError):
        input_shape = None
    if input_shape == (10, 10):
        hints.append(Mistake("image_input", (
            "the scenes reach the model flattened: X_tr has one row of 100 pixels per scene, not a 10 x 10 image.",
            "the input shape is the shape of one row of X_tr.")))
    if activation == "softmax":
        hints.append(Mistake("softmax_layer", (
            "softmax makes the three outputs share one unit of probability, so a car and a bus could not both be "
            "likely; each label needs its own yes/no answer.",
            "in the recommended form the output layer has no activation: each output is a logit, and the loss "
            "turns each into a probability on its own.")))
    elif activation == "sigmoid":
        hints.append(Mistake("sigmoid_layer", (
            "the sigmoid per label is the right idea, but in Lab 03's recommended form it sits in the loss, not "
            "in the layer" + (": with from_logits=True it would be applied twice" if from_logits else "") + ".",
            "the output layer outputs logits (no activation); the loss is told it receives logits.")))
    elif activation == "linear" and name and not from_logits:
        hints.append(Mistake("probabilities_expected", (
            "your model outputs logits, but the loss expects probabilities (its default), so it would treat "
            "logits as probabilities.",
            "the loss has an argument that tells it its inputs are logits, as in Lab 03.")))
    units = getattr(layers[-1], "units", None)
    if units == 1:
        hints.append(Mistake("one_output", (
            "one output answers one question; this one network answers three at once.",
            "one output per label: car, bus, pedestrian.")))
    elif units is not None and units > 3:
        hints.append(Mistake("extra_output", (
            "one output per label, car, bus and pedestrian: a scene with none of them is all three outputs "
            "saying no, not an extra output.",
            "count the labels in LABELS.")))
    if name == "categorical_crossentropy":
        hints.append(Mistake("categorical_loss", (
            "categorical cross-entropy is the multiclass loss: it puts one softmax over the three outputs, so the "
            "labels compete for one unit of probability. A scene can hold a car and a bus at once, so the loss must "
            "judge each label alone, as a yes/no question of its own.",
            _ONE_LABEL_ALONE)))
    elif name == "sparse_categorical_crossentropy":
        hints.append(Mistake("sparse_loss", (
            "the sparse loss expects one class number per example, as for the digits; a scene has three 0/1 labels, "
            "several of them 1 at once, so the loss must judge each label alone, as a yes/no question of its own.",
            _ONE_LABEL_ALONE)))
    elif name and name != "binary_crossentropy":
        hints.append(Mistake("other_loss", (
            "several labels can be true at once, so the loss must judge each label alone, as a yes/no question "
            "answered by a probability; this loss does not score probabilities that way.",
            _ONE_LABEL_ALONE)))
    return hints


_ONE_LABEL_ALONE = ("one label alone, say the car, is a two-class (yes/no) problem, like logistic regression: look up "
                    "its loss in Lab 03's table. Keras applies it to each of the three outputs and averages.")


def evaluate_build_scene_model(build_model):
    """The CheckResult of the multi-label scene model: 100 pixels -> 32 ReLU -> 3 logits, binary cross-entropy."""
    import keras

    result = evaluate_built_model("build_scene_model", build_model, SCENE_LAYERS, (100,),
                                  keras.losses.BinaryCrossentropy(from_logits=True), _scene_hints,
                                  optimizer=("Adam", 0.005))
    for problem in result.problems:  # choosing the loss is the exercise: say what is wrong, not the answer
        if problem.what.startswith("compiled with loss ") and ", expected " in problem.what:
            got = problem.what.split(", expected ")[0]
            problem.what = got + (", which does not judge each label on its own (several can be true at once)"
                                  if "categorical" in got else ", not a loss for yes/no answers given as probabilities")
    return result


def check_build_scene_model(build_model):
    """Exercise check: print (and return) the result of evaluate_build_scene_model."""
    return show(evaluate_build_scene_model(build_model))


# ------------------------------------------------------------------ choosing a threshold

def threshold_cases():
    """The (labels, scores, target recall) inputs the threshold exercise is tried on (their right thresholds,
    and the thresholds of the typical mistakes, are recorded in utils/expected/04_multiclass_vs_multilabel.json)."""
    rng = np.random.default_rng(3)
    y_many = (rng.random(120) < 0.35).astype("float32")
    s_many = np.clip(0.5 * y_many + rng.normal(0.3, 0.2, size=120), 0, 1).round(4)
    return [
        Case("six scenes, target recall 0.5",
             args=(np.array([1, 0, 1, 1, 0, 1]), np.array([0.9, 0.8, 0.35, 0.6, 0.1, 0.2]), 0.5)),
        Case("the same scenes, target recall 1.0",
             args=(np.array([1, 0, 1, 1, 0, 1]), np.array([0.9, 0.8, 0.35, 0.6, 0.1, 0.2]), 1.0)),
        Case("labels as floats 1.0 / 0.0 (like a column of Y_val), target 0.75",
             args=(np.array([0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0]),
                   np.array([0.95, 0.7, 0.4, 0.3, 0.9, 0.55, 0.6]), 0.75)),
        Case("plain Python lists, target 0.5",
             args=([1, 1, 0, 1, 0, 1, 0, 1], [0.2, 0.9, 0.85, 0.4, 0.3, 0.75, 0.1, 0.6], 0.5)),
        Case("scenes without the label scoring higher than all with it, target 0.8",
             args=(np.array([0, 0, 1, 1, 1, 1, 1]), np.array([0.99, 0.97, 0.8, 0.7, 0.6, 0.5, 0.4]), 0.8)),
        Case("tied scores, target 0.5",
             args=(np.array([1, 1, 1, 1, 0]), np.array([0.7, 0.7, 0.7, 0.2, 0.7]), 0.5)),
        Case(f"{len(y_many)} scenes, {int(y_many.sum())} with the label, target 0.95",
             args=(y_many, s_many, 0.95), show_input=False),
        *[_tie_case(rng, positives, target) for positives, target in ((25, 0.28), (100, 0.07), (50, 0.14))],
    ]


def _tie_case(rng, positives, target):
    """A target whose product with the number of positives is a whole number in exact arithmetic but not in
    floating point (0.28 * 25 = 7.000000000000001): rounding that product up flags one positive too many."""
    y = np.concatenate([np.ones(positives), np.zeros(positives // 2)])[rng.permutation(positives + positives // 2)]
    scores = np.round(np.clip(0.3 * y + rng.uniform(0.05, 0.7, len(y)), 0, 1), 4)
    flagged = round(target * positives)
    return Case(f"{len(y)} scenes, {positives} with the label, target {target} (flag exactly {flagged} of them)",
                args=(y.astype(int), scores, target), show_input=False)


def _recall_at(y_true, scores, threshold):
    positives = np.asarray(scores, dtype=float)[np.asarray(y_true, dtype=float) == 1]
    return float(np.mean(positives >= threshold))


def _threshold_mistakes(case, got, expected):
    """Every typical mistake a wrong threshold shows (a mistake's recorded threshold is in case.about)."""
    y, s, target = case.args
    y = np.asarray(y, dtype=float)
    s = np.asarray(s, dtype=float)
    got = np.asarray(got, dtype=float)
    if got.shape != ():
        return [f"return one number, the threshold, not an array of shape {got.shape}"]
    got = float(got)
    recall = _recall_at(y, s, got)

    def near(value):
        return value is not None and bool(np.isclose(got, value, rtol=0, atol=1e-9))

    def made(*mistakes):
        return any(near(case.about[mistake]) for mistake in mistakes)

    if near(target) or (near(recall) and not np.isclose(s, got).any()):
        return [Mistake("recall_returned", (
            "that looks like a recall: the function returns the threshold t, a score, not the recall it reaches.",
            "the answer is one of the scores in `scores`."))]
    hints = []
    if isinstance(case.args[0], list):
        hints.append(Mistake("list_input", (
            "this case passes plain Python lists: a list compared with 1 gives one True or False, not a mask, "
            "and a list cannot be indexed by a mask.",
            "turn y_true and scores into NumPy arrays first.")))
    if recall < target:
        hints.append(f"at your threshold {got:.4g} only {recall:.3f} of the positives have score >= t, below the "
                     f"target {target}: your threshold is too high")
    else:
        hints.append(f"your threshold {got:.4g} reaches recall {recall:.3f} >= {target}, but a higher threshold "
                     "does too: find the highest one, so as few scenes as possible are flagged by mistake")
    if made("one_too_few"):
        hints.append(Mistake("one_too_few", (
            "you flag one positive too few: the number of positives to flag must reach the target, so a "
            "fractional count goes up, not down.",
            "with n positives, flagging k gives recall k / n: find the smallest k with k / n >= target.")))
    elif made("one_too_many"):
        hints.append(Mistake("one_too_many", (
            "you flag one positive too many here: the target times the number of positives is a whole number in "
            "exact arithmetic, but floating point makes it a hair larger (0.28 * 25 is 7.000000000000001), and "
            "rounding that up adds one.",
            "compare recalls instead of rounding a product: the smallest k with k / n >= target, or subtract a "
            "tiny tolerance before rounding up.")))
    elif target < 1 and made("lowest_positive"):
        hints.append(Mistake("lowest_positive", (
            "that is the lowest score of a positive, which flags every positive (recall 1): the target asks "
            "for less.",
            "only as many positives as the target needs must be flagged: how many is that for n positives?")))
    elif made("labels_as_indices"):
        hints.append(Mistake("labels_as_indices", (
            "scores[y_true] with y_true of 0s and 1s picks scores[0] and scores[1] again and again instead of "
            "selecting scenes.",
            "select the scenes with the label by a boolean mask built from y_true.")))
    elif made("every_scene", "every_scene_every_count"):
        hints.append(Mistake("every_scene", (
            "recall only counts the scenes that have the label: the scores of scenes without it do not matter.",
            "keep only the positives' scores before ranking them.")))
    elif recall >= target and not np.isclose(s, got).any():
        hints.append(Mistake("grid", (
            "a grid of thresholds misses the exact answer: the candidates are the scores of the positive scenes "
            "themselves.",
            "recall changes only when t passes a positive's score.")))
    return hints


def _threshold_exception(exc, case):
    if isinstance(case.args[0], list) and isinstance(exc, (TypeError, IndexError)):
        return Mistake("list_input", (
            "this case passes plain Python lists, which cannot be compared element by element or indexed by a "
            "mask as arrays can.",
            "turn y_true and scores into NumPy arrays first."))
    if isinstance(exc, IndexError) and "integer" in str(exc):
        return Mistake("float_labels", (
            "y_true holds 1.0 / 0.0 floats, which cannot index an array.",
            "build a boolean mask from y_true (which scenes have the label?) and index scores with it."))
    return None


def evaluate_choose_threshold(fn):
    """The CheckResult of choose_threshold(y_true, scores, target_recall) against the recorded thresholds."""
    cases = expectations.with_expected(LAB, "choose_threshold", threshold_cases())
    return run_check("choose_threshold", fn, None, cases,
                     atol=1e-9, rtol=0, diagnose=_threshold_mistakes, explain_exception=_threshold_exception)


def check_choose_threshold(fn):
    """Exercise check: print (and return) the result of evaluate_choose_threshold."""
    return show(evaluate_choose_threshold(fn))


# (description, right answer, why)
PROBLEMS = {
    "a": ("A scanned form has one handwritten capital letter in each box. Which of the 26 letters is in a box?",
          "multiclass", "each box holds exactly one letter, so the 26 probabilities should share 1"),
    "b": ("A news site tags each article with the topics it covers: politics, sport, business, science, health.",
          "multi-label", "an article about a football club's finances is both sport and business"),
    "c": ("A sound clip from a band rehearsal: which instruments are playing (guitar, drums, piano, voice)?",
          "multi-label", "several instruments can play at the same moment, and a clip can even be silent"),
    "d": ("A photo from a bird feeder camera that always shows exactly one bird: which of 12 species is it?",
          "multiclass", "exactly one species per photo: the classes exclude each other"),
    "e": ("An e-mail client files every incoming message into exactly one folder: inbox, promotions or spam.",
          "multiclass", "one folder per message, the folders exclude each other"),
    "f": ("A chest X-ray is screened for five findings; a scan can show none of them, one, or several.",
          "multi-label", "the findings are independent yes/no questions, and 'none' must be possible"),
}
SETUPS = ("multiclass", "multi-label")


def show_problems():
    """Print the problems of the set-up exercise."""
    for key, (text, _, _) in PROBLEMS.items():
        print(f"({key}) {text}")


def evaluate_setup_choices(answers):
    """Return the problems with the answers dict {'a': 'multiclass' or 'multi-label', ...}.

    A wrong choice is counted, not named: with two options, naming the problem would give its answer.
    """
    if not isinstance(answers, dict):
        return [f"expected a dict like {{'a': 'multiclass', 'b': 'multi-label', ...}}, got {type(answers).__name__}"]
    problems, wrong = [], 0
    for key, (_, right, _why) in PROBLEMS.items():
        if key not in answers or answers[key] is None or answers[key] is ...:
            problems.append(f"({key}) has no answer yet: write 'multiclass' or 'multi-label'")
            continue
        given, refused = choice(answers[key], SETUPS)
        if refused:
            problems.append(f"({key}) {refused}")
        elif given != right:
            wrong += 1
    if wrong:
        problems.append(f"{wrong} of your answers {'is' if wrong == 1 else 'are'} not right yet (finding which is "
                        "up to you): read each problem again and ask whether one example can carry two of its "
                        "labels at once, or none")
    extra = sorted(set(map(str, answers)) - set(PROBLEMS))
    if extra:
        problems.append(f"unknown keys {extra}: the problems are {sorted(PROBLEMS)}")
    return problems


def check_setup_choices(answers):
    """Exercise check: whether every problem got the right set-up. Wrong answers are counted, never named."""
    problems = evaluate_setup_choices(answers)
    result = CheckResult("setup choices", len(PROBLEMS), [Problem("", what) for what in problems],
                         note="Hint: can one example belong to two classes at once, or to none? If yes, "
                              "it is multi-label." if problems else None)
    if isinstance(answers, dict) and all(value is None for value in answers.values()):
        result.not_written, result.problems = "every answer is still None", []
    return show(result)
