"""The synthetic ECG generator: seeded, balanced, and the two classes look as documented."""
import numpy as np
import pytest

from utils.ecg import (
    CLASS_NAMES,
    ECTOPIC_WAVES,
    NORMAL_WAVES,
    SAMPLING_RATE,
    beat,
    ecg_record,
    make_ecg,
    time_axis,
)


def test_same_seed_same_records_and_other_seed_other_records():
    X1, y1 = make_ecg(20, seed=4)
    X2, y2 = make_ecg(20, seed=4)
    X3, _ = make_ecg(20, seed=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_shapes_types_and_balanced_classes():
    X, y = make_ecg(31, seed=0)
    assert X.shape == (31, 300) and X.dtype == np.float32
    assert y.shape == (31,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1} and abs(int(np.sum(y == 1)) - int(np.sum(y == 0))) <= 1
    assert len(CLASS_NAMES) == 2
    assert np.all(np.isfinite(X)) and np.abs(X).max() < 3.0


def test_duration_and_sampling_rate_set_the_length():
    X, _ = make_ecg(2, seed=0, duration=2.0, sampling_rate=50)
    assert X.shape == (2, 100)
    assert len(time_axis()) == 3 * SAMPLING_RATE


def test_details_give_the_premature_beat_time_of_abnormal_records_only():
    X, y, when = make_ecg(40, seed=2, details=True)
    assert np.all(np.isnan(when[y == 0]))
    assert np.all((when[y == 1] > 0.3) & (when[y == 1] < 3.0 - 0.45))


def test_premature_beat_is_visible_in_a_noise_free_record():
    X, y, when = make_ecg(10, seed=3, noise=0.0, details=True)
    for signal, time in zip(X[y == 1], when[y == 1], strict=True):
        sample = int(round(time * SAMPLING_RATE))
        assert signal[sample] > 0.6           # its tall R wave


@pytest.mark.parametrize("seed", range(5))
def test_normal_rhythm_is_regular_and_premature_beat_comes_early(seed):
    rng = np.random.default_rng(seed)
    _, peaks, ectopic = ecg_record(rng, abnormal=False)
    gaps = np.diff(peaks)
    assert ectopic == -1 and gaps.max() / gaps.min() < 1.1
    assert 55 <= 60 / gaps.mean() <= 105                                # 60-100 beats per minute
    _, peaks, ectopic = ecg_record(rng, abnormal=True)
    gaps = np.diff(peaks)
    before, after = gaps[ectopic - 1], gaps[ectopic]
    assert before < 0.7 * after                                        # early, then a long pause


def test_beat_shapes():
    t = np.linspace(-0.4, 0.6, 1001)
    normal, ectopic = beat(t, NORMAL_WAVES), beat(t, ECTOPIC_WAVES)
    assert t[np.argmax(normal)] == pytest.approx(0.0, abs=1e-3)
    p_wave = np.abs(t + 0.2) < 0.01
    assert normal[p_wave].max() > 0.1 and np.abs(ectopic[p_wave]).max() < 0.02   # no P wave
    assert ectopic[np.abs(t - 0.34) < 0.01].min() < -0.2                        # inverted T wave
    half = lambda s: np.sum(s > s.max() / 2)  # noqa: E731  width at half height, in samples
    assert half(ectopic) > 2 * half(normal)                                     # wide QRS
    assert beat(0.0, NORMAL_WAVES).shape == ()


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_bad_n_is_explained(bad):
    with pytest.raises(ValueError, match="positive number of records"):
        make_ecg(bad)


def test_ecg_figure_draws_the_first_record_of_each_class():
    import matplotlib.pyplot as plt

    from utils.ecg import ecg_figure

    X, y, ectopic_time = make_ecg(6, seed=11, details=True)
    fig, alt = ecg_figure(X, y, ectopic_time)
    first_abnormal = int(np.flatnonzero(y == 1)[0])
    assert f"record {first_abnormal})" in alt and f"{ectopic_time[first_abnormal]:.2f} s" in alt
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    plt.close(fig)
