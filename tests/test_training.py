"""Lab 01 helpers: the gradient-descent demo and the exercise checks."""
import numpy as np
import pytest

from instructor.references.lab01 import reference_predict_labels
from utils import checks
from utils.data import load_coffee
from utils.training import (
    CoffeeExplorer,
    binary_cross_entropy,
    check_build_model,
    check_predict_labels,
    check_train_by_hand,
    evaluate_train_by_hand,
    gradient_descent_run,
)
from utils.widgets import Frames


@pytest.fixture(autouse=True)
def _fresh_ladders():
    """Every test starts as a fresh kernel: no mistake shown yet (feedback ladders), no check run."""
    checks._TIMES_SHOWN.clear()
    checks._VERDICTS.clear()


def test_binary_cross_entropy_matches_keras():
    import keras

    y = np.array([0, 1, 1, 0], dtype=float)
    p = np.array([0.1, 0.8, 0.6, 0.3])
    assert binary_cross_entropy(y, p) == pytest.approx(float(keras.losses.BinaryCrossentropy()(y, p)), abs=1e-6)
    with pytest.raises(ValueError, match="one probability per label"):
        binary_cross_entropy(y, p[:3])


def test_gradient_descent_lowers_the_cost_and_records_snapshots():
    X, y = load_coffee()
    _, losses, snapshots = gradient_descent_run(X, y, learning_rate=3.0, epochs=120, record_every=50)
    assert len(losses) == 120 and losses[-1] < losses[0]
    assert sorted(snapshots) == [0, 50, 100, 120]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"learning_rate": 0.0, "epochs": 5}, "learning_rate must be positive"),
    ({"learning_rate": 1.0, "epochs": 2.5}, "epochs must be a non-negative int"),
])
def test_gradient_descent_rejects_bad_settings(kwargs, message):
    X, y = load_coffee()
    with pytest.raises(ValueError, match=message):
        gradient_descent_run(X, y, **kwargs)


def test_gradient_descent_rejects_wrong_shapes():
    X, y = load_coffee()
    with pytest.raises(ValueError, match=r"shape \(n_examples, 2\)"):
        gradient_descent_run(X[:, :1], y, 1.0, 5)
    with pytest.raises(ValueError, match="one label per example"):
        gradient_descent_run(X, y[:10], 1.0, 5)


def small_explorer():
    X, y = load_coffee()
    return CoffeeExplorer(X, y, learning_rates=(3.0,), max_epochs=100, record_every=50)


def test_coffee_explorer_trains_once_and_moves_to_the_nearest_snapshot():
    explorer = small_explorer()
    frames = Frames(explorer)
    png, caption = frames.render(learning_rate=3.0, epochs=100)
    assert png.startswith(b"\x89PNG") and caption.startswith("epochs 100: cost")
    _, losses, _ = explorer.run(3.0)
    np.testing.assert_array_equal(explorer.all_line.get_ydata(), losses)
    assert explorer.loss_title.get_text() == "learning rate 3: epochs 1-100 in colour"  # no grey part left
    _, later = frames.render(learning_rate=3.0, epochs=60)  # snapshots every 50 epochs: 50 is nearest
    assert later.startswith("epochs 50") and len(explorer._runs) == 1
    np.testing.assert_array_equal(explorer.shown_line.get_ydata(), losses[:50])
    assert explorer.loss_title.get_text() == "learning rate 3: epochs 1-50 in colour, 51-100 grey"
    assert explorer.data_title.get_text() == "after 50 epochs"
    low, high = explorer.loss_ax.get_ylim()
    assert low < losses.min() and losses.max() < high  # the whole run fits the fixed scale


def test_coffee_explorer_caption_and_shading_follow_the_model():
    from matplotlib.figure import Figure

    explorer = small_explorer()
    _, caption = Frames(explorer).render(learning_rate=3.0, epochs=50)
    model, _, snapshots = explorer.run(3.0)
    model.set_weights(snapshots[50])
    p = model(explorer.X.astype("float32")).numpy()[:, 0]
    assert caption == (f"epochs 50: cost {binary_cross_entropy(explorer.y, p):.4f}, "
                       f"training accuracy {np.mean((p >= 0.5) == explorer.y):.1%}")
    _, grid, _ = explorer.snapshot(3.0, 50)
    ax, xx, yy = Figure().subplots(), explorer.grid_x, explorer.grid_y
    for drawn, contours in [(explorer.shading, ax.contourf(xx, yy, grid, levels=explorer.shading.levels)),
                            (explorer.boundary, ax.contour(xx, yy, grid, levels=[0.5]))]:
        assert len(drawn.get_paths()) == len(contours.get_paths())
        for ours, theirs in zip(drawn.get_paths(), contours.get_paths(), strict=True):
            np.testing.assert_allclose(ours.vertices, theirs.vertices)


def test_coffee_explorer_moved_twice_draws_what_one_frame_draws(plot_style):
    moved = Frames(small_explorer())
    moved.render(learning_rate=3.0, epochs=0)
    assert moved.render(learning_rate=3.0, epochs=100) == Frames(small_explorer()).render(learning_rate=3.0, epochs=100)


def student_strict(p, threshold=0.5):
    return (np.asarray(p, dtype=float).reshape(-1) > threshold).astype(int)


def student_column(p, threshold=0.5):
    return (np.asarray(p, dtype=float) >= threshold).astype(int)


def student_fixed(p, threshold=0.5):
    return (np.asarray(p, dtype=float).reshape(-1) >= 0.5).astype(int)


def test_coffee_explorer_table_reads_its_snapshots():
    explorer = small_explorer()
    lines = explorer.table(epochs=(50, 100)).splitlines()
    good = np.mean(explorer.y)
    assert f"calling every roast good scores {good:.1%}" in lines[0]
    _, _, probabilities = explorer.snapshot(3.0, 100)
    assert lines[2].startswith("3 ") and f"{np.mean((probabilities >= 0.5) == explorer.y):.1%}" in lines[2]
    assert lines[2].endswith(f"{probabilities.min():.3f} to {probabilities.max():.3f}")
    losses = explorer.run(3.0)[1]
    assert "cost over the run" in lines[1] and f"{losses.min():6.3f} to {losses.max():5.3f}" in lines[2]


def test_predict_labels_ladders_for_lists_and_booleans(capsys):
    def no_array(p, threshold=0.5):
        return (p.reshape(-1) >= threshold).astype(int)

    def booleans(p, threshold=0.5):
        return np.asarray(p, dtype=float).reshape(-1) >= threshold

    check_predict_labels(no_array)
    first = capsys.readouterr().out
    check_predict_labels(no_array)
    second = capsys.readouterr().out
    assert "make the input a NumPy array before anything else" in first and "np.asarray(" not in first
    assert "np.asarray turns a list" in second
    check_predict_labels(booleans)  # named before the shared advice (which suggests floats)
    out = capsys.readouterr().out
    assert "right labels, but as True/False values" in out and "integers 0 and 1" in out
    assert ".astype(float)" not in out and ".astype(int)" not in out


def test_predict_labels_check(capsys):
    check_predict_labels(reference_predict_labels)
    assert capsys.readouterr().out.startswith("✅")
    for student, hint in [(student_strict, "in this lab it counts as 1"), (student_column, "1-D array"),
                          (student_fixed, "threshold argument is not used"), (lambda p, threshold=0.5: None, "None")]:
        check_predict_labels(student)
        out = capsys.readouterr().out
        assert out.startswith("❌") and hint in out, out


def test_digits_model_check(capsys):
    import keras

    def good():
        model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10, activation="sigmoid"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.5))
        return model

    def adam():
        model = good()
        model.compile(loss="binary_crossentropy", optimizer="adam")
        return model

    def broken():
        raise NameError("name 'Dense' is not defined")

    def twelve_units():
        model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(12, activation="sigmoid"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.5))
        return model

    check_build_model(good)
    assert capsys.readouterr().out.startswith("✅")
    check_build_model(adam)
    assert "expected SGD" in capsys.readouterr().out
    check_build_model(broken)
    assert "raised NameError" in capsys.readouterr().out
    check_build_model(twelve_units)  # the budget names the count, never the number of units to use
    out = capsys.readouterr().out
    assert "has 793 parameters (12 hidden units); the exercise asks for 661" in out and " 10 " not in out
    check_build_model(good())
    assert "pass the function itself" in capsys.readouterr().out


def test_build_model_without_input_gets_the_idea_first(capsys):
    import keras

    def no_input():
        model = keras.Sequential([keras.layers.Dense(10, activation="sigmoid"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.5))
        return model

    check_build_model(no_input)
    first = capsys.readouterr().out
    assert "must know how many numbers each example has" in first and "Input(shape" not in first
    check_build_model(no_input)
    assert "tf.keras.Input item" in capsys.readouterr().out


def test_build_model_names_why_without_the_answer_and_counts_in_the_same_run(capsys):
    import keras

    def regression():  # a linear output, MSE and 11 units: three problems, one run
        model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(11, activation="sigmoid"),
                                  keras.layers.Dense(1)])
        model.compile(loss=keras.losses.MeanSquaredError(), optimizer=keras.optimizers.SGD(learning_rate=0.5))
        return model

    def not_compiled():
        return keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10, activation="sigmoid"),
                                 keras.layers.Dense(1, activation="sigmoid")])

    check_build_model(regression)
    out = capsys.readouterr().out
    assert "probability between 0 and 1" in out and "0/1 label" in out and "has 727 parameters" in out
    assert "expected 'sigmoid'" not in out and "binary_crossentropy" not in out and "BinaryCrossentropy" not in out
    check_build_model(not_compiled)
    first = capsys.readouterr().out
    check_build_model(not_compiled)
    second = capsys.readouterr().out
    assert "not compiled" in first and first != second and "compile method" in second


# ------------------------------------------------------------- train_by_hand: the loop fit runs

def make_loop(update="sub", variables=slice(None), record="before", rate=True, tape="inside", swap=False):
    """A student's train_by_hand with one typical mistake switched on."""
    import tensorflow as tf

    def train_by_hand(model, X, y, learning_rate, epochs):
        loss_fn = tf.keras.losses.BinaryCrossentropy()
        costs = []
        for _ in range(epochs):
            if tape == "inside":
                with tf.GradientTape() as t:
                    cost = loss_fn(model(X), y) if swap else loss_fn(y, model(X))
            else:  # the cost computed before the tape is opened: the tape saw nothing
                cost = loss_fn(y, model(X))
                with tf.GradientTape() as t:
                    pass
            grads = t.gradient(cost, model.trainable_variables)
            step = learning_rate if rate else 1.0
            for variable, grad in list(zip(model.trainable_variables, grads, strict=True))[variables]:
                if update == "sub":
                    variable.assign_sub(step * grad)
                elif update == "list":  # the whole list of gradients times the rate
                    _ = learning_rate * grads
                elif update == "add":
                    variable.assign_add(step * grad)
                else:
                    variable = variable - step * grad  # noqa: PLW2901 - the mistake under test
            costs.append(float(loss_fn(y, model(X))) if record == "after" else float(cost))
        return costs
    return train_by_hand


def test_train_by_hand_check_passes_the_loop():
    result = evaluate_train_by_hand(make_loop())
    assert result.passed, result.messages()


@pytest.mark.parametrize(("mistake", "fragment"), [
    ({"tape": "outside"}, "a gradient is None: the tape only knows what was computed inside"),
    ({"update": "add"}, "the cost goes up"),
    ({"variables": slice(0, None, 2)}, "some variables never moved (b of layer 1, b of layer 2)"),
    ({"record": "after"}, "each is the cost after that step's update"),
    ({"update": "rebind"}, "`variable = variable - ...` makes a new tensor"),
    ({"rate": False}, "the steps have the wrong size"),
    ({"swap": True}, "the loss got its two arguments the other way round"),
    ({"update": "list"}, "a list cannot be multiplied by a number"),
])
def test_train_by_hand_check_names_each_typical_mistake(mistake, fragment):
    result = evaluate_train_by_hand(make_loop(**mistake))
    assert not result.passed
    assert any(fragment in message for message in result.messages()), result.messages()


def test_train_by_hand_check_other_failures():
    import tensorflow as tf

    def one_tape(model, X, y, learning_rate, epochs):
        with tf.GradientTape() as tape:
            cost = tf.keras.losses.BinaryCrossentropy()(y, model(X))
        for _ in range(epochs):
            grads = tape.gradient(cost, model.trainable_variables)
            for variable, grad in zip(model.trainable_variables, grads, strict=True):
                variable.assign_sub(learning_rate * grad)
        return [float(cost)] * epochs

    assert any("a tape answers one tape.gradient call" in m for m in evaluate_train_by_hand(one_tape).messages())
    assert "return costs" in evaluate_train_by_hand(lambda *args: None).messages()[0]
    assert "pass the function itself" in evaluate_train_by_hand([0.5]).messages()[0]

    def stub(*args):
        raise NotImplementedError("train_by_hand is not written yet")

    result = evaluate_train_by_hand(stub)
    assert result.not_written and "not written yet" in result.text()


def test_predict_labels_ladder_and_a_second_mistake(capsys):
    """Issue 23: a first failure names what is wrong, not the line; the same mistake climbs; another gets its own."""
    check_predict_labels(student_strict)
    first = capsys.readouterr().out
    check_predict_labels(student_strict)
    second = capsys.readouterr().out
    check_predict_labels(student_fixed)
    other = capsys.readouterr().out
    assert "in this lab it counts as 1" in first and ">=" not in first.split("Hint")[1]
    assert "this came up before" in second and "which operator includes the threshold" in second
    assert "threshold argument is not used" in other and "this came up before" not in other


def test_train_by_hand_hints_do_not_hand_over_the_update(capsys):
    check_train_by_hand(make_loop(update="add"))
    out = capsys.readouterr().out
    assert "the cost goes up" in out and "assign_sub(learning_rate" not in out


def test_lab01_figures_carry_alt_text_from_their_values():
    import matplotlib.pyplot as plt
    import tensorflow as tf

    from utils.training import digits_figure, digits_network_figure, house_figure

    images, labels = np.zeros((4, 64)), np.array([1, 0, 1, 1])
    fig, alt = digits_figure(images, labels, rows=2)
    assert len(fig.axes) == 4 and alt.endswith("3 of them are ones.")
    fig, alt = digits_figure(images[:2], labels[:2], probabilities=np.array([0.5, 0.2]))
    assert fig.axes[0].get_title() == "f = 0.50 -> 1\n(label 1)" and "f = 0.20, label 0" in alt

    model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(5, activation="sigmoid"),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    assert "hidden layers of 5 sigmoid units" in digits_network_figure(model)[1]

    house = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    house.set_weights([np.array([[2.0]], dtype="float32"), np.array([1.0], dtype="float32")])
    house.compile(loss="mse", optimizer=tf.keras.optimizers.SGD(learning_rate=0.0))  # the weights stay put
    size = np.array([1.0, 2.0, 3.0], dtype="float32")
    price = 2 * size + 1 + np.array([0.5, -0.5, 0.5], dtype="float32")
    history = house.fit(size, price, epochs=2, verbose=0)
    fig, alt = house_figure(size, price, house, history)
    assert fig.axes[0].get_xlabel() == "size (1000 sq ft)" and "slope 2.0 and intercept 1.0" in alt
    assert "fit's loss per epoch (the mean of its batches' MSE)" in alt and "epoch mean" in fig.axes[1].get_ylabel()
    history.history["loss"] = [13588.2, 2.97e28, float("nan")]  # a run that diverged
    assert "diverged: it grew to 3.0e+28 and then became nan" in house_figure(size, price, house, history)[1]
    plt.close("all")
