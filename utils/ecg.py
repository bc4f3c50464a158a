"""A seeded synthetic electrocardiogram (ECG) generator for the convolution lab.

The signals are made up, not recorded from people. Each heartbeat is a sum of five Gaussian
bumps, one per wave of a real ECG: a small P wave (the atria contract), the sharp Q-R-S
complex (the ventricles contract) and a broad T wave (the ventricles recover). On top come
baseline wander, a random amplitude and measurement noise.

Two classes:
  0  normal: a regular rhythm, every beat has the P-QRS-T shape;
  1  abnormal: the same rhythm with one premature ventricular beat somewhere in the record,
     a beat that comes early, has no P wave, a wide and tall QRS complex and an inverted
     T wave, followed by a longer pause.
"""
import numpy as np

SAMPLING_RATE = 100          # samples per second
DURATION = 3.0               # seconds per record
CLASS_NAMES = ("normal", "abnormal")

# (centre relative to the R peak in s, width in s, amplitude in mV) of each wave
NORMAL_WAVES = {
    "P": (-0.20, 0.025, 0.15),
    "Q": (-0.035, 0.010, -0.15),
    "R": (0.0, 0.012, 1.00),
    "S": (0.035, 0.010, -0.25),
    "T": (0.30, 0.050, 0.30),
}
# premature ventricular beat: no P wave, a wide QRS complex, a T wave of opposite polarity
ECTOPIC_WAVES = {
    "Q": (-0.06, 0.025, -0.30),
    "R": (0.0, 0.035, 1.30),
    "S": (0.07, 0.030, -0.50),
    "T": (0.34, 0.070, -0.35),
}
_NORMAL = np.array([NORMAL_WAVES[w] for w in "PQRST"])
_ECTOPIC = np.array([ECTOPIC_WAVES.get(w, (0.0, 1.0, 0.0)) for w in "PQRST"])   # no P wave


def beat(t, waves, scale=1.0):
    """One heartbeat on the time axis t (s, 0 at the R peak): the sum of its Gaussian waves.

    `scale` stretches the T wave's position with the heart rate (slower heart, later T wave).
    """
    t = np.asarray(t, dtype=float)
    centre, width, amplitude = np.array(list(waves.values())).T
    if "T" in waves:
        centre[list(waves).index("T")] *= scale
    bumps = amplitude[:, None] * np.exp(-0.5 * ((t.reshape(1, -1) - centre[:, None]) / width[:, None]) ** 2)
    return bumps.sum(axis=0).reshape(t.shape)


def time_axis(duration=DURATION, sampling_rate=SAMPLING_RATE):
    """Sample times in seconds: 0, 1/sampling_rate, ... (duration * sampling_rate samples)."""
    return np.arange(int(round(duration * sampling_rate))) / sampling_rate


def ecg_record(rng, abnormal=False, duration=DURATION, sampling_rate=SAMPLING_RATE, noise=0.04):
    """One record drawn with the random generator rng; returns (signal, R-peak times, ectopic index).

    ectopic index is the position in the R-peak list of the premature beat, or -1.
    """
    t = time_axis(duration, sampling_rate)
    rate = rng.uniform(60, 100)                 # heart rate in beats per minute
    rr = 60.0 / rate                            # seconds between beats
    peaks = [rng.uniform(-0.5, 0.5) * rr + 0.5 * rr]
    while peaks[-1] < duration + rr:
        peaks.append(peaks[-1] + rr * rng.uniform(0.96, 1.04))
    peaks = np.array(peaks)
    ectopic = -1
    if abnormal:
        # One beat comes early (its R peak well inside the record). The heart's pacemaker keeps
        # its rhythm, so the next beat arrives on time: a long pause follows the early beat.
        gaps = np.diff(peaks, prepend=peaks[0] - rr)
        early = peaks - rng.uniform(0.35, 0.45) * gaps
        inside = np.flatnonzero((early > 0.3) & (early < duration - 0.45))
        ectopic = int(rng.choice(inside))
        peaks[ectopic] = early[ectopic]
    # every beat at once: rows are beats, columns the five waves P, Q, R, S, T
    centre, width, amplitude = (np.repeat(_NORMAL[None, :, i], len(peaks), axis=0) for i in range(3))
    if ectopic >= 0:
        centre[ectopic], width[ectopic], amplitude[ectopic] = _ECTOPIC.T
    centre[:, 4] *= np.sqrt(rr / 0.75)          # slower heart, later T wave
    offset = t[None, None, :] - peaks[:, None, None] - centre[:, :, None]
    signal = (amplitude[:, :, None] * np.exp(-0.5 * (offset / width[:, :, None]) ** 2)).sum(axis=(0, 1))
    signal *= rng.uniform(0.8, 1.2)
    wander = rng.uniform(0.0, 0.15) * np.sin(2 * np.pi * rng.uniform(0.15, 0.4) * t + rng.uniform(0, 2 * np.pi))
    signal += wander + rng.normal(0.0, noise, size=t.shape)
    return signal, peaks, ectopic


def make_ecg(n, seed=0, duration=DURATION, sampling_rate=SAMPLING_RATE, noise=0.04, details=False):
    """n synthetic ECG records, half normal and half abnormal, in random order.

    Returns X (n, samples) float32 in mV and y (n,) int64 with 0 = normal, 1 = abnormal.
    With details=True also the time in seconds of each record's premature beat (nan if none).
    The same seed always gives the same records.
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive number of records, got {n!r}")
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype("int64")
    records = [ecg_record(rng, bool(label), duration, sampling_rate, noise) for label in y]
    X = np.stack([signal for signal, _, _ in records]).astype("float32")
    if not details:
        return X, y
    ectopic_time = np.array([peaks[i] if i >= 0 else np.nan for _, peaks, i in records])
    return X, y, ectopic_time


def ecg_figure(X, y, ectopic_time):
    """One normal and one premature beat with their waves named, and the first normal and the first
    abnormal record of (X, y) with the premature beat shaded; returns (fig, alt)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplot_mosaic([["normal beat", "premature beat"], ["normal", "normal"],
                                    ["abnormal", "abnormal"]], figsize=(10, 7.5), layout="constrained")
    t_beat = np.linspace(-0.35, 0.65, 400)
    for key, waves in [("normal beat", NORMAL_WAVES), ("premature beat", ECTOPIC_WAVES)]:
        ax = axes[key]
        ax.plot(t_beat, beat(t_beat, waves), color="C0")
        for name, (centre, _, amplitude) in waves.items():
            ax.annotate(name, (centre, amplitude), textcoords="offset points",
                        xytext=(0, 6 if amplitude > 0 else -14), ha="center", fontsize=11)
        ax.set_xlabel("time from the R peak (s)")
        ax.set_ylabel("mV")
        ax.set_title(f"One {key}: its waves")
        ax.set_ylim(-0.75, 1.65)
    t = time_axis(X.shape[1] / SAMPLING_RATE)
    first = {"normal": int(np.flatnonzero(y == 0)[0]), "abnormal": int(np.flatnonzero(y == 1)[0])}
    for key, index in first.items():
        ax = axes[key]
        ax.plot(t, X[index], color="C0", lw=1, label="synthetic ECG")
        if key == "abnormal":
            ax.axvspan(ectopic_time[index] - 0.12, ectopic_time[index] + 0.12, color="C1", alpha=0.25,
                       label="premature beat")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("mV")
        ax.set_title(f"{key.capitalize()} record (test record {index})")
        ax.legend(loc="upper right", fontsize=9)
    alt = ("Four ECG panels, millivolts against seconds: one normal beat with its P, Q, R, S and T waves "
           "labelled; one premature beat (no P wave, a wide tall QRS, an upside-down T); a normal "
           f"{X.shape[1] / SAMPLING_RATE:g}-second record (record {first['normal']}); and an abnormal one "
           f"(record {first['abnormal']}) with its premature beat shaded at {ectopic_time[first['abnormal']]:.2f} s.")
    return fig, alt
