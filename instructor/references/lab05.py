"""Lab 05, Adam: the answers (first_step, adam_step) and the typical mistakes their checks name.

`record()` runs them on the visible checks' cases (utils.optimizers.first_step_cases and
adam_step_cases) for utils/expected/05_adam.json; the grader calls the answers on its own cases.
adam_settings has no answer to record: its check runs Keras's Adam on the bowl.
"""
import numpy as np

from utils.optimizers import adam_step_cases, first_step_cases

# ----------------------------------------------------------------------------- the answers


def reference_first_step(g, alpha=0.001, beta1=0.9, beta2=0.999, bias_correction=True):
    """The change of w in Adam's first step (t = 1, m = v = 0) for gradient g, epsilon left out.

    A zero gradient gives a step of 0 (Adam's epsilon turns the 0 / 0 into 0).
    """
    g = np.asarray(g, dtype=float)
    m, v = (1 - beta1) * g, (1 - beta2) * g * g
    if bias_correction:
        m, v = m / (1 - beta1), v / (1 - beta2)
    root = np.sqrt(v)
    with np.errstate(all="ignore"):
        return np.where(root > 0, -alpha * m / np.where(root > 0, root, 1.0), 0.0)


def reference_adam_step(w, g, m, v, t, alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7):
    """One Adam step written the way Keras 3 writes it (keras/src/optimizers/adam.py); the new (w, m, v).

    t is the number of this step, starting at 1. Arrays are not modified in place. With float64
    hyper-parameters Keras computes exactly this (utils.optimizers.keras_adam; tests/test_references_lab05.py).
    """
    w, g, m, v = (np.asarray(a, dtype=float) for a in (w, g, m, v))
    m = m + (g - m) * (1 - beta1)
    v = v + (g * g - v) * (1 - beta2)
    alpha_t = alpha * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - alpha_t * m / (np.sqrt(v) + epsilon), m, v


def _divide(a, b):
    """a / b, with 0 where b is 0 (as Adam's epsilon makes a zero gradient's 0 / 0)."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    return np.divide(a, b, out=np.zeros_like(a), where=b != 0)


# ----------------------------------------------------------------------------- first_step's mistakes

def first_step_mistakes(g, alpha, beta1, beta2, bias_correction):
    """{name: the change of w that mistake gives} for one case; the check's hint texts
    (utils.optimizers.FIRST_STEP_HINTS) are keyed by the same names."""
    g = np.asarray(g, dtype=float)
    m, v = (1 - beta1) * g, (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1), v / (1 - beta2)
    found = {"gradient_descent": -alpha * g,
             "no_sqrt": -alpha * (_divide(m_hat, v_hat) if bias_correction else _divide(m, v))}
    if bias_correction:
        found |= {"not_corrected": -alpha * _divide(m, np.sqrt(v)),
                  "m_corrected_only": -alpha * _divide(m_hat, np.sqrt(v)),
                  "v_corrected_only": -alpha * _divide(m, np.sqrt(v_hat))}
    else:
        found |= {"corrected": -alpha * np.sign(g), "m_shrunk_only": -alpha * (1 - beta1) * np.sign(g)}
    return found | {"default_betas": reference_first_step(g, alpha, bias_correction=bias_correction),
                    "default_alpha": reference_first_step(g, 0.001, beta1, beta2, bias_correction),
                    "ignores_bias_correction": reference_first_step(g, alpha, beta1, beta2, not bias_correction)}


def _first_step_entry(case):
    kw = {"alpha": 0.001, "beta1": 0.9, "beta2": 0.999, "bias_correction": True} | case.kwargs
    settings = (kw["alpha"], kw["beta1"], kw["beta2"], kw["bias_correction"])
    return {"expected": reference_first_step(case.args[0], *settings),
            **first_step_mistakes(case.args[0], *settings)}


# ----------------------------------------------------------------------------- adam_step's mistakes
# Each is a wrong step(w, g, m, v, t, alpha, beta1, beta2, epsilon) -> (w, m, v); the check's hint texts
# (utils.optimizers.ADAM_STEP_HINTS) are keyed by the same names.

def _keras_move(w, m, v, t, a, b1, b2, eps):
    return w - a * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)


def _averages(g, m, v, b1, b2):
    return b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g


def _paper(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b1, b2)
    return w - a * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps), m, v


def _no_correction(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b1, b2)
    return w - a * m / (np.sqrt(v) + eps), m, v


def _m_corrected_only(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b1, b2)
    return w - a * (m / (1 - b1**t)) / (np.sqrt(v) + eps), m, v


def _v_corrected_only(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b1, b2)
    return w - a * np.sqrt(1 - b2**t) * m / (np.sqrt(v) + eps), m, v


def _swapped_betas(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b2, b1)
    return _keras_move(w, m, v, t, a, b2, b1, eps), m, v


def _swapped_weights(w, g, m, v, t, a, b1, b2, eps):
    m, v = (1 - b1) * m + b1 * g, (1 - b2) * v + b2 * g * g
    return _keras_move(w, m, v, t, a, b1, b2, eps), m, v


def _v_without_square(w, g, m, v, t, a, b1, b2, eps):
    m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g
    return _keras_move(w, m, v, t, a, b1, b2, eps), m, v


def _no_sqrt(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b1, b2)
    return w - a * (m / (1 - b1**t)) / (v / (1 - b2**t) + eps), m, v


def _alpha_t_without_sqrt(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b1, b2)
    return w - a * (1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps), m, v


def _corrected_moments(w, g, m, v, t, a, b1, b2, eps):
    """Algorithm 1's step, returning the corrected m_hat and v_hat in place of m and v."""
    m, v = _averages(g, m, v, b1, b2)
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return w - a * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def _plus_sign(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b1, b2)
    return 2 * w - _keras_move(w, m, v, t, a, b1, b2, eps), m, v


def _old_moments(w, g, m_old, v_old, t, a, b1, b2, eps):
    m, v = _averages(g, m_old, v_old, b1, b2)
    return _keras_move(w, m_old, v_old, t, a, b1, b2, eps), m, v


def _t_plus_one(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b1, b2)
    return _keras_move(w, m, v, t + 1, a, b1, b2, eps), m, v


def _gradient_not_m(w, g, m, v, t, a, b1, b2, eps):
    m, v = _averages(g, m, v, b1, b2)
    return _keras_move(w, g * (1 - b1**t), v, t, a, b1, b2, eps), m, v


def _wrong_step(update):
    """A wrong Adam step with adam_step's signature, from update(w, g, m, v, t, a, b1, b2, eps)."""
    def step(w, g, m, v, t, alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7):
        w, g, m, v = (np.asarray(x, dtype=float) for x in (w, g, m, v))
        with np.errstate(all="ignore"):
            return update(w, g, m, v, t, alpha, beta1, beta2, epsilon)
    return step


# In the order the check tries them: the first that reproduces a student's result names the mistake.
ADAM_STEP_MISTAKES = {
    "paper epsilon": _wrong_step(_paper),
    "no bias correction": _wrong_step(_no_correction),
    "m corrected only": _wrong_step(_m_corrected_only),
    "v corrected only": _wrong_step(_v_corrected_only),
    "swapped betas": _wrong_step(_swapped_betas),
    "swapped average weights": _wrong_step(_swapped_weights),
    "v without square": _wrong_step(_v_without_square),
    "no sqrt": _wrong_step(_no_sqrt),
    "alpha_t without sqrt": _wrong_step(_alpha_t_without_sqrt),
    "corrected moments": _wrong_step(_corrected_moments),  # the check matches it on m and v alone
    "plus sign": _wrong_step(_plus_sign),
    "old moments": _wrong_step(_old_moments),
    "t + 1": _wrong_step(_t_plus_one),
    "default hyper-parameters": lambda w, g, m, v, t, **hp: reference_adam_step(w, g, m, v, t),
    "default betas": lambda w, g, m, v, t, alpha, beta1, beta2, epsilon: reference_adam_step(
        w, g, m, v, t, alpha=alpha, epsilon=epsilon),
    "gradient instead of m": _wrong_step(_gradient_not_m),
}


def _adam_step_entry(start, gradients, hp):
    """Every step of one case from w = start, m = v = 0: the right (w, m, v) and each mistake's, per step.

    Each step starts from the right state after the step before, as the check does (from Keras's).
    """
    full = dict(alpha=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7) | hp
    w = np.array(start, dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    entry = {"expected": []} | {name: [] for name in ADAM_STEP_MISTAKES}
    for t, g in enumerate(gradients, start=1):
        for name, wrong in ADAM_STEP_MISTAKES.items():
            entry[name].append([_json(x) for x in wrong(w, g, m, v, t, **full)])
        w, m, v = reference_adam_step(w, g, m, v, t, **full)
        entry["expected"].append([w, m, v])
    return entry


def _json(values):
    """An array as nested lists, nan as None (np.asarray(..., dtype=float) reads None back as nan)."""
    array = np.asarray(values, dtype=float)
    return [_json(x) for x in array] if array.ndim else (None if np.isnan(array) else float(array))


def record():
    return {"first_step": [_first_step_entry(case) for case in first_step_cases()],
            "adam_step": [_adam_step_entry(start, gradients, hp) for _, start, gradients, hp in adam_step_cases()]}
