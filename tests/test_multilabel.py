"""Lab 04 helpers: scene generator, per-label metrics, figures, explorers and exercise checks."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from sklearn.metrics import precision_score, recall_score  # noqa: E402

from utils.multilabel import (  # noqa: E402
    BANDS,
    LABELS,
    PROBLEMS,
    SCENE_SIZE,
    SHAPES,
    DigitExplorer,
    ThresholdExplorer,
    check_build_scene_model,
    check_choose_threshold,
    check_count_parameters,
    check_setup_choices,
    evaluate_choose_threshold,
    evaluate_count_parameters,
    evaluate_setup_choices,
    label_metrics,
    label_names,
    make_scenes,
    metrics_table,
    plot_hidden_units,
    plot_misclassified,
    plot_scenes,
    plot_softmax_vs_sigmoid,
    precision_recall,
    show_problems,
)
from utils.widgets import Frames  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    from utils import checks

    checks._TIMES_SHOWN.clear()  # every test starts with no mistake seen before (feedback ladders)
    yield
    plt.close("all")


# ------------------------------------------------------------------------------ scenes

def test_scenes_shapes_types_and_seed():
    X, Y = make_scenes(50, seed=3)
    assert X.shape == (50, SCENE_SIZE, SCENE_SIZE) and Y.shape == (50, len(LABELS))
    assert X.dtype == np.float32 and Y.dtype == np.float32
    assert set(np.unique(Y)) <= {0.0, 1.0}
    X2, Y2 = make_scenes(50, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
    X3, _ = make_scenes(50, seed=4)
    assert not np.array_equal(X, X3)


def test_scenes_hold_any_number_of_labels_at_the_set_rates():
    _, Y = make_scenes(4000, seed=0)
    assert np.allclose(Y.mean(axis=0), [0.5, 0.3, 0.4], atol=0.03)
    counts = np.bincount(Y.sum(axis=1).astype(int), minlength=4)
    assert (counts > 0).all(), "scenes with 0, 1, 2 and 3 objects must all occur"


def test_noise_free_scenes_draw_each_object_in_its_band():
    X, Y = make_scenes(300, seed=1, noise=0.0)
    assert np.all(X[Y.sum(axis=1) == 0] == 0), "an empty scene is blank without noise"
    for k, name in enumerate(LABELS):
        only = (Y[:, k] == 1) & (Y.sum(axis=1) == 1)
        first, stop = BANDS[name]
        for scene in X[only]:
            rows = np.flatnonzero(scene.any(axis=1))
            assert first <= rows.min() and rows.max() < stop
            assert (scene > 0).sum() == SHAPES[name].sum(), f"{name} should be drawn whole"
            assert 0.4 <= scene.max() <= 1.0


def test_same_seed_with_and_without_noise_gives_the_same_objects():
    clean, Y = make_scenes(20, seed=7, noise=0.0)
    noisy, Y2 = make_scenes(20, seed=7)
    assert np.array_equal(Y, Y2)
    assert 0.15 < np.std(noisy - clean) < 0.35


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="positive whole number"):
        make_scenes(0)
    with pytest.raises(ValueError, match="one probability per label"):
        make_scenes(5, presence=(0.5, 0.5))


def test_label_names():
    assert label_names([1, 0, 1]) == "car + pedestrian"
    assert label_names([0, 0, 0]) == "nothing"
    assert label_names(np.array([0.2, 0.7, 0.1]) >= 0.5) == "bus"


# -------------------------------------------------------------------- precision, recall

def test_precision_recall_matches_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.random(200) < 0.4
    scores = np.clip(0.3 * y + rng.random(200) * 0.7, 0, 1)
    for t in (0.1, 0.35, 0.5, 0.8):
        p, r = precision_recall(y, scores, t)
        assert p == pytest.approx(precision_score(y, scores >= t, zero_division=1))
        assert r == pytest.approx(recall_score(y, scores >= t, zero_division=1))
    p, r = precision_recall(y, scores, [0.2, 0.6])
    assert p.shape == r.shape == (2,)
    assert r[0] >= r[1], "a higher threshold never finds more"


def test_precision_recall_edge_cases():
    p, r = precision_recall([1, 0, 1], [0.1, 0.2, 0.3], 0.9)  # nothing flagged
    assert p == 1.0 and r == 0.0
    p, r = precision_recall([0, 0, 0], [0.1, 0.6, 0.9], 0.5)  # nothing to find
    assert p == 0.0 and r == 1.0
    with pytest.raises(ValueError, match="same length"):
        precision_recall([1, 0], [0.5], 0.5)


def test_label_metrics_per_label_thresholds():
    rng = np.random.default_rng(1)
    Y = (rng.random((300, 3)) < 0.5).astype(float)
    P = np.clip(0.4 * Y + 0.6 * rng.random((300, 3)), 0, 1)
    thresholds = [0.3, 0.5, 0.7]
    precision, recall = label_metrics(Y, P, thresholds)
    predicted = P >= np.array(thresholds)
    assert np.allclose(precision, precision_score(Y, predicted, average=None))
    assert np.allclose(recall, recall_score(Y, predicted, average=None))
    same, _ = label_metrics(Y, P, 0.5)
    assert same[1] == pytest.approx(precision[1])
    with pytest.raises(ValueError, match="n_examples, n_labels"):
        label_metrics(Y, P[:, :2])


def test_metrics_table_layout():
    text = metrics_table({"all": (0.5, np.array([0.9, 1.0, 0.8]), np.array([0.7, 0.95, 0.6]))})
    lines = text.splitlines()
    assert lines[0].split() == list(LABELS)
    assert lines[1].split()[-3:] == ["0.500", "0.500", "0.500"]
    assert lines[3].split()[-3:] == ["0.700", "0.950", "0.600"]
    # rounded down, never up: the bus's 0.7198 reaches 95 % recall where 0.72 does not
    lines = metrics_table({"x": (np.array([0.7198, 0.2289, 0.5]), np.ones(3), np.ones(3))}).splitlines()
    assert lines[1].split()[-3:] == ["0.719", "0.228", "0.500"] and "rounded down" in lines[-1]


# ----------------------------------------------------------------------------- figures

def test_hidden_unit_figure_has_a_panel_per_unit_and_the_hidden_space():
    X = np.array([[-2.0, -1.0], [2.0, 1.0], [1.0, -2.0], [-1.0, 2.0]], dtype="float32")
    y = np.array([0, 1, 2, 3])
    W1, b1 = np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros(2)
    W2, b2 = np.eye(2, 4), np.zeros(4)
    fig = plot_hidden_units(X, y, lambda p: np.maximum(0, p @ W1 + b1), lambda a: a @ W2 + b2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("hidden unit 1") and titles[1].startswith("hidden unit 2")
    assert "output layer" in titles[-1] or any("output layer" in t for t in titles)
    # the hidden space: classes as pixels (no contour blending a false class between two), boundaries as lines
    assert len(fig.axes[2].images) == 1 and fig.axes[2].images[0].get_interpolation() == "nearest"
    assert fig.axes[2].collections


def test_threshold_explorer_says_its_scenes_are_the_ones_it_is_given():
    import matplotlib.pyplot as plt

    from utils.multilabel import ThresholdExplorer

    fig = plt.figure()
    ThresholdExplorer(np.eye(3)[[0, 1, 2, 0]], np.full((4, 3), 0.6)).setup(fig)
    assert fig.axes[0].get_ylabel() == "precision, recall (validation scenes)"


def test_misclassified_gallery():
    images = np.zeros((4, 8, 8))
    y = np.array([0, 1, 2, 3])
    probs = np.eye(4, 10)[[0, 2, 2, 1]] * 0.9 + 0.01
    fig = plot_misclassified(images, y, probs)
    captions = [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("true")]
    assert captions == ["true 1, predicted 2\np(2) = 0.91, p(1) = 0.01",
                        "true 3, predicted 1\np(1) = 0.91, p(3) = 0.01"]
    assert len(fig.axes[0].images) == 2
    with pytest.raises(ValueError, match="no misclassified"):
        plot_misclassified(images, y, np.eye(4, 10))


def test_scene_figures():
    X, Y = make_scenes(6, seed=2)
    fig = plot_scenes(X, Y, P=Y, columns=4, rows=2)
    captions = [t.get_text() for t in fig.axes[0].texts]
    assert len(captions) == 6 and captions[0].startswith(label_names(Y[0]) + "\npredicted: ")
    P = np.full((2, 3), 0.9)
    Q = np.full((2, 3), 1 / 3)
    fig = plot_softmax_vs_sigmoid(X[:2], Y[:2], P, Q)
    sums = [t.get_text() for t in fig.axes[1].texts]
    assert sums == ["sums: sigmoid 2.70, softmax 1.00"] * 2
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert legend == ["threshold 0.5", "sigmoid outputs", "softmax outputs"]
    from matplotlib.colors import to_rgba

    from utils.plots import COLOURS
    bars = fig.axes[1].patches
    assert to_rgba(bars[0].get_facecolor()) == to_rgba(COLOURS["sigmoid"])
    assert to_rgba(bars[-1].get_facecolor()) == to_rgba(COLOURS["softmax"])


def _digit_explorer():
    images = np.arange(3 * 64, dtype=float).reshape(3, 8, 8)
    probs = np.full((3, 10), 0.02)
    probs[:, 4] = 0.82
    return DigitExplorer(images, np.array([4, 4, 1]), probs), images


def test_digit_explorer_shows_the_digit_and_colours_the_bars():
    explorer, images = _digit_explorer()
    frames = Frames(explorer, figsize=(7.5, 3.2))
    frames.render(index=0)
    _, caption = frames.render(index=7)  # clipped to 2
    assert caption.startswith("predicted 4 with probability 0.820 (WRONG)")
    assert "sum to 1.000" in caption
    assert np.array_equal(explorer.image.get_array(), images[2])
    assert explorer.image.get_clim() == (images[2].min(), images[2].max())
    assert explorer.title.get_text() == "test digit 2: a 1"
    assert [bar.get_height() for bar in explorer.bars] == [0.02] * 4 + [0.82] + [0.02] * 5
    colours = [to_hex(bar.get_facecolor()) for bar in explorer.bars]
    assert colours[1] == to_hex("C2") and colours[4] == to_hex("C3") and set(colours[5:]) == {to_hex("0.7")}
    _, caption = frames.render(index=0)
    assert "(right)" in caption and to_hex(explorer.bars[4].get_facecolor()) == to_hex("C2")


def test_threshold_explorer_moves_the_markers():
    Y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=float)
    P = np.array([[0.9, 0.2, 0.4], [0.3, 0.8, 0.1], [0.6, 0.4, 0.2], [0.2, 0.1, 0.7]])
    frames = Frames(ThresholdExplorer(Y, P), figsize=(10, 3.4))
    frames.render(car=0.5, bus=0.5, pedestrian=0.5)
    _, caption = frames.render(car=0.5, bus=0.5, pedestrian=0.3)
    precision, recall = label_metrics(Y, P, [0.5, 0.5, 0.3])
    for line, p, r in zip(caption.splitlines(), precision, recall, strict=True):
        assert f"precision {p:.3f}" in line and f"recall {r:.3f}" in line
    line, dots, title = frames.explorer.markers[2]
    assert list(line.get_xdata()) == [0.3, 0.3] and title.get_text() == "pedestrian: threshold 0.30"
    assert np.allclose(dots.get_ydata(), [precision[2], recall[2]])
    assert [ax.get_ylim() for ax in frames.explorer.markers[0][0].figure.axes] == [(0, 1.05)] * 3


@pytest.mark.parametrize("make", ["digit", "thresholds"])
def test_explorers_moved_twice_draw_what_one_frame_draws(make, plot_style):
    rng = np.random.default_rng(3)
    Y = (rng.random((40, 3)) < 0.5).astype(float)
    P = np.clip(0.5 * Y + 0.5 * rng.random((40, 3)), 0, 1)
    if make == "digit":
        def build():
            return Frames(_digit_explorer()[0], figsize=(7.5, 3.2))
        moves = [{"index": 0}, {"index": 1}, {"index": 2}]
    else:
        def build():
            return Frames(ThresholdExplorer(Y, P), figsize=(10, 3.4))
        moves = [dict(car=0.5, bus=0.5, pedestrian=0.5), dict(car=0.1, bus=0.9, pedestrian=0.2),
                 dict(car=0.98, bus=0.02, pedestrian=0.6)]
    moved = build()
    for values in moves[:-1]:
        moved.render(**values)
    assert moved.render(**moves[-1]) == build().render(**moves[-1])


# --------------------------------------------------------------------------- the checks

def _model(units=(64, 10), activations=("relu", None)):
    import keras

    model = keras.Sequential([keras.Input(shape=(64,))]
                             + [keras.layers.Dense(u, activation=a) for u, a in zip(units, activations, strict=True)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_parameter_check_passes_the_count_and_names_mistakes(capsys):
    def good(layer_sizes):
        return sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=False))

    assert evaluate_count_parameters(good).passed
    assert evaluate_count_parameters(lambda sizes: _model(tuple(sizes[1:]), ("relu",) * (len(sizes) - 2) + (None,))
                                     .count_params() if len(sizes) > 2 and sizes[0] == 64 else good(sizes)).passed
    mistakes = {
        "short by exactly the number of units": lambda s: sum(a * b for a, b in zip(s[:-1], s[1:], strict=False)),
        "one extra number per input": lambda s: good(s) + s[0],
        "the first Dense layer only": lambda s: s[0] * s[1] + s[1],
        "that counts units, not parameters": lambda s: sum(s[1:]),
        "as if it read the network's inputs": lambda s: sum(s[0] * n + n for n in s[1:]),
        "start with one unit": lambda s: 7,
        "return one whole number": lambda s: np.array(s),
    }
    for phrase, fn in mistakes.items():
        result = evaluate_count_parameters(fn)
        assert not result.passed and phrase in "\n".join(result.messages()), phrase
    check_count_parameters(good)
    assert capsys.readouterr().out.startswith("✅ count_parameters: all 6 checks passed")


def test_the_same_parameter_mistake_twice_climbs_its_ladder(capsys):
    """Forgetting the biases twice: the idea first, then a closer look; neither is the code."""
    def no_biases(layer_sizes):
        return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=False))

    check_count_parameters(no_biases)
    first = capsys.readouterr().out
    check_count_parameters(no_biases)
    second = capsys.readouterr().out
    assert "each unit also has a bias" in first and "closer look" in second
    # the second step is more specific than the first: it works the shown case, [2, 2, 4], in numbers
    assert "12, is the weights alone" in second and "2 x 4" in second and "each still need their bias" in second
    assert "zip(" not in first + second


def test_a_count_printed_instead_of_returned_gets_only_the_return_hint(capsys):
    """Review (trial): print instead of return got 'start with one unit', which says the counting is off."""
    def prints(layer_sizes):
        print(sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=False)))

    result = evaluate_count_parameters(prints)
    text = "\n".join(result.messages())
    assert "returned None" in text and "Hint" not in text and "start with one unit" not in text


def test_the_tuple_case_is_named_by_its_sizes_and_shown_as_written():
    from utils.multilabel import parameter_cases

    tuple_case = next(case for case in parameter_cases() if isinstance(case.args[0], tuple))
    assert tuple_case.describe() == "a tuple, (4, 3, 1): 4 inputs, 3 hidden units, 1 output"
    assert not any("awareness" in case.describe() for case in parameter_cases())


def test_every_layer_reading_the_inputs_is_named_and_its_second_step_does_not_confirm_it(capsys):
    """The mistake agrees with Keras on [2, 2, 4] and [64, 64, 10]: the check names it, and no step points the
    student at a network where it gives the right count."""
    def raw_inputs(layer_sizes):
        return sum(layer_sizes[0] * n + n for n in layer_sizes[1:])

    check_count_parameters(raw_inputs)
    first = capsys.readouterr().out
    check_count_parameters(raw_inputs)
    second = capsys.readouterr().out
    assert "2 of 6 checks failed" in first and "previous layer's units" in first
    assert "closer look" in second and "[2, 2, 4]" not in first + second and "sum(" not in first + second


def test_setup_choices_count_wrong_answers_without_naming_them(capsys):
    right = {key: answer for key, (_, answer, _) in PROBLEMS.items()}
    assert evaluate_setup_choices(right) == []
    spelled = {key: {"multiclass": "Multi-class", "multi-label": "multilabel"}[v] for key, v in right.items()}
    assert evaluate_setup_choices(spelled) == []
    # the two words only: a synonym is refused with the list of options, not read as an answer
    refused = evaluate_setup_choices(dict(right, a="softmax", b="sigmoid"))
    assert refused == ["(a) 'softmax' is not one of the choices: 'multiclass', 'multi-label'",
                       "(b) 'sigmoid' is not one of the choices: 'multiclass', 'multi-label'"]
    wrong = dict(right, b="multiclass", d="multi-label", c="maybe")
    wrong.pop("f")
    problems = evaluate_setup_choices(wrong)
    # two options per problem: naming a wrong one would give its answer, so wrong ones are only counted
    assert not any(p.startswith(("(b)", "(d)")) for p in problems)
    assert any(p.startswith("2 of your answers are not right yet") for p in problems)
    assert any("(c) 'maybe' is not one of the choices" in p for p in problems)
    assert any("(f) has no answer yet" in p for p in problems)
    one_wrong = evaluate_setup_choices(dict(right, e="multi-label"))
    assert one_wrong == [one_wrong[0]] and one_wrong[0].startswith("1 of your answers is not right yet")
    assert "(e)" not in one_wrong[0]
    assert evaluate_setup_choices(dict(right, z="multiclass")) == [
        "unknown keys ['z']: the problems are ['a', 'b', 'c', 'd', 'e', 'f']"]
    assert "expected a dict" in evaluate_setup_choices(["multiclass"])[0]
    check_setup_choices(wrong)
    out = capsys.readouterr().out
    assert out.startswith("❌ setup choices: 3 of 6 checks failed.") and "Hint:" in out
    assert "(b)" not in out and "(d)" not in out
    check_setup_choices(dict(right, a="multi-label"))
    out = capsys.readouterr().out
    assert out.startswith("❌ setup choices: 1 of your answers is not right yet") and "(a)" not in out
    check_setup_choices(right)
    assert capsys.readouterr().out.strip() == "✅ setup choices: all 6 checks passed."
    check_setup_choices({key: None for key in PROBLEMS})
    assert "not written yet" in capsys.readouterr().out
    show_problems()
    assert capsys.readouterr().out.count("\n") == len(PROBLEMS)


# ------------------------------------------------------------------- the scene model

def _scene_model(units=(32, 3), activations=("relu", None), input_shape=(100,), loss="good", flatten=False):
    import keras

    layers = [keras.Input(shape=input_shape)] + ([keras.layers.Flatten()] if flatten else [])
    layers += [keras.layers.Dense(u, activation=a) for u, a in zip(units, activations, strict=True)]
    model = keras.Sequential(layers)
    losses = {"good": keras.losses.BinaryCrossentropy(from_logits=True),
              "no_logits": keras.losses.BinaryCrossentropy(),
              "categorical": keras.losses.CategoricalCrossentropy(from_logits=True),
              "sparse": keras.losses.SparseCategoricalCrossentropy(from_logits=True)}
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss=losses[loss])
    return model


def test_scene_model_check_passes_the_right_model(capsys):
    check_build_scene_model(lambda: _scene_model())
    assert "✅ build_scene_model: all 4 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("build", "fragments"),
    [
        (lambda: _scene_model(activations=("relu", "softmax"), loss="categorical"),
         ["activation='softmax', expected 'linear'", "share one unit of probability",
          "categorical cross-entropy is the multiclass loss"]),
        (lambda: _scene_model(activations=("relu", "sigmoid")), ["activation='sigmoid'", "applied twice"]),
        (lambda: _scene_model(activations=("relu", "sigmoid"), loss="no_logits"),
         ["from_logits=False, expected from_logits=True", "sits in the loss"]),
        (lambda: _scene_model(loss="no_logits"), ["(the last layer is linear", "outputs logits, but the loss"]),
        (lambda: _scene_model(units=(32, 1)), ["units=1, expected 3", "answers three at once"]),
        (lambda: _scene_model(units=(32, 4)), ["units=4, expected 3", "not an extra output"]),
        (lambda: _scene_model(loss="sparse"), ["sparse_categorical_crossentropy", "several of them 1 at once"]),
        (lambda: _scene_model(input_shape=(10, 10), flatten=True), ["has 3 layers, expected 2"]),
        (lambda: _scene_model(input_shape=(10, 10)), ["input shape is (10, 10), expected (100,)", "flattened"]),
        (lambda: _model(), ["input shape is (64,), expected (100,)", "units=64, expected 32"]),
        (lambda: model_never_defined, ["raised NameError", "not defined"]),  # noqa: F821
    ],
)
def test_scene_model_check_names_the_typical_mistakes(build, fragments, capsys):
    check_build_scene_model(build)
    out = capsys.readouterr().out
    assert out.startswith("❌ build_scene_model")
    for fragment in fragments:
        assert fragment in out, out


def test_the_softmax_scene_model_is_not_told_its_last_layer_is_linear(capsys):
    """Review: a softmax layer with BinaryCrossentropy() was told '(the last layer is linear ...)'."""
    check_build_scene_model(lambda: _scene_model(activations=("relu", "softmax"), loss="no_logits"))
    out = capsys.readouterr().out
    assert "from_logits=False, expected from_logits=True" in out and "the last layer is linear" not in out


@pytest.mark.parametrize("loss", ["categorical", "sparse"])
def test_a_wrong_scene_loss_is_explained_without_naming_the_answer(loss, capsys):
    """Review (trial): 'expected binary_crossentropy' gave the exercise's point away in the first message."""
    for _ in range(3):  # every step of the ladder
        check_build_scene_model(lambda: _scene_model(loss=loss))
        out = capsys.readouterr().out
        assert "binary" not in out.lower() and "BinaryCrossentropy" not in out
        assert "does not judge each label on its own (several can be true at once)" in out
    assert "Lab 03" in out and "two-class" in out  # the last step: where to look


def test_scene_model_stub_is_not_written_yet(capsys):
    def stub():
        raise NotImplementedError("build_scene_model is not written yet")

    check_build_scene_model(stub)
    assert "not written yet" in capsys.readouterr().out


# -------------------------------------------------------------------- choosing a threshold

def good_threshold(y_true, scores, target):
    has = np.asarray(y_true) == 1
    positives = np.sort(np.asarray(scores, dtype=float)[has])[::-1]
    return float(positives[int(np.ceil(target * len(positives) - 1e-9)) - 1])


def ceil_threshold(y_true, scores, target):
    """The answer key's old line: one positive too many where target * n lands a hair above a whole number."""
    has = np.asarray(y_true) == 1
    positives = np.sort(np.asarray(scores, dtype=float)[has])[::-1]
    return float(positives[int(np.ceil(target * len(positives))) - 1])


def floor_threshold(y_true, scores, target):
    has = np.asarray(y_true) == 1
    positives = np.sort(np.asarray(scores, dtype=float)[has])[::-1]
    return float(positives[max(int(np.floor(target * len(positives))), 1) - 1])


def lowest_positive(y_true, scores, target):
    return float(np.min(np.asarray(scores, dtype=float)[np.asarray(y_true) == 1]))


def all_scores(y_true, scores, target):
    ranked = np.sort(np.asarray(scores, dtype=float))[::-1]
    return float(ranked[int(np.ceil(target * np.sum(np.asarray(y_true) == 1))) - 1])


def grid_threshold(y_true, scores, target):
    positives = np.asarray(scores, dtype=float)[np.asarray(y_true) == 1]
    return float(next(t for t in np.linspace(1, 0, 101) if np.mean(positives >= t) >= target))


def index_with_labels(y_true, scores, target):
    positives = np.sort(np.asarray(scores, dtype=float)[np.asarray(y_true)])[::-1]
    return float(positives[int(np.ceil(target * len(positives) - 1e-9)) - 1])


def list_unfriendly(y_true, scores, target):
    positives = np.sort(np.asarray(scores, dtype=float)[y_true == 1])[::-1]
    return float(positives[int(np.ceil(target * len(positives) - 1e-9)) - 1])


def returns_recall(y_true, scores, target):
    return target


def returns_predictions(y_true, scores, target):
    return np.asarray(scores) >= 0.5


def _threshold_messages(fn):
    result = evaluate_choose_threshold(fn)
    assert not result.passed
    return "\n".join(result.messages())


def test_the_rounded_up_count_passes_with_a_tolerance_and_fails_without():
    assert evaluate_choose_threshold(good_threshold).passed
    result = evaluate_choose_threshold(ceil_threshold)
    assert not result.passed and result.failures is None and len(result.problems) == 3  # the three tie cases
    assert all("target 0.28" in p.where or "target 0.07" in p.where or "target 0.14" in p.where
               for p in result.problems)
    assert "floating point makes it a hair larger" in "\n".join(result.messages())


@pytest.mark.parametrize(
    ("fn", "fragments"),
    [
        (floor_threshold, ["too high", "one positive too few", "a fractional count goes up"]),
        (lowest_positive, ["a higher threshold does too", "lowest score of a positive"]),
        (all_scores, ["recall only counts the scenes that have the label"]),
        (grid_threshold, ["a grid of thresholds misses the exact answer"]),
        (index_with_labels, ["cannot index an array",
                             "scores[y_true] with y_true of 0s and 1s picks scores[0] and scores[1]"]),
        (list_unfriendly, ["plain Python lists", "cannot be compared element by element"]),
        (returns_recall, ["that looks like a recall"]),
        (returns_predictions, ["return one number, the threshold"]),
    ],
)
def test_threshold_check_names_the_typical_mistakes(fn, fragments):
    messages = _threshold_messages(fn)
    for fragment in fragments:
        assert fragment in messages, messages


def test_threshold_check_stub_and_list_inputs(capsys):
    def stub(y_true, scores, target):
        raise NotImplementedError("choose_threshold is not written yet")

    check_choose_threshold(stub)
    assert "not written yet" in capsys.readouterr().out

    def no_array(y_true, scores, target):
        positives = sorted((s for s, y in zip(scores, y_true, strict=True) if y == 1), reverse=True)
        return positives[int(np.ceil(target * len(positives) - 1e-9)) - 1]

    assert evaluate_choose_threshold(no_array).passed
    check_choose_threshold(good_threshold)
    assert capsys.readouterr().out.strip() == "✅ choose_threshold: all 10 checks passed."


# ------------------------------------------------------------- the lab's ready-made figures and data

def test_standardised_digits_split_stratified_and_scaled_by_the_training_set():
    from utils.multilabel import standardised_digits

    X_train, X_test, y_train, y_test, img_test = standardised_digits()
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64) and img_test.shape == (450, 8, 8)
    assert np.allclose(X_train.mean(axis=0), 0, atol=1e-5)                   # centred on the training images (float32)
    assert np.abs(np.bincount(y_train) / 1347 - np.bincount(y_test) / 450).max() < 0.01  # same share per digit
    assert X_train.max() < 20                                                 # the +0.1 keeps rare ink moderate


def test_network_figures_name_their_layers_in_title_and_alt():
    from utils.multilabel import digit_network_figure, scene_network_figure

    for make, units, title in ((digit_network_figure, "64 ReLU", "64 ReLU units"),
                               (scene_network_figure, "32 ReLU", "one sigmoid per label")):
        fig, alt = make()
        assert units in alt and title in fig.axes[0].get_title()


def test_scene_and_softmax_figures_and_table():
    from utils.multilabel import scene_examples_figure, sigmoid_softmax_table, softmax_vs_sigmoid_figure

    X, Y = make_scenes(200, seed=2)
    clean, _ = make_scenes(200, seed=2, noise=0.0)
    fig, alt = scene_examples_figure(X, Y, clean, n=4)
    assert len(fig.axes[0].texts) == 8 and label_names(Y[0]) in alt
    P = np.where(Y == 1, 0.9, 0.1)                          # a sigmoid network that is always right
    Q = np.full(Y.shape, 1 / 3)
    fig, alt = softmax_vs_sigmoid_figure(X, Y, P, Q)
    assert [t.get_text() for t in fig.axes[1].texts][0] == "sums: sigmoid 0.30, softmax 1.00"
    assert "softmax 1.00, 1.00, 1.00, 1.00" in alt
    table = sigmoid_softmax_table(P, Q, Y).splitlines()
    assert table[2].split()[-3:] == ["100.0%"] * 3 and table[3].split()[-3:] == ["100.0%", "0.0%", "0.0%"]


def test_confusion_figure_counts_the_diagonal():
    from utils.multilabel import confusion_figure

    y = np.arange(10).repeat(3)
    predicted = y.copy()
    predicted[0] = 7
    fig, alt = confusion_figure(y, predicted)
    assert "29 on the diagonal, 1 off it" in alt and fig.axes[0].get_title() == "Digits test set: 96.7% correct"
