"""The one set-up call at the top of every lab."""
import logging
import os
import warnings
from importlib import resources

SEED = 1
STYLE_FILE = resources.files("utils") / "labs.mplstyle"


def setup_lab(seed=SEED, quiet=False):
    """Quiet TensorFlow, seed Python/NumPy/TensorFlow, make ops deterministic, set the plot style.

    Safe to call again (for example after running cells out of order): it re-seeds everything,
    so the next cell gives the same numbers as in a fresh Restart & Run All.
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"setup_lab(seed=...) expects an int, got {type(seed).__name__}")
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["PYTHONHASHSEED"] = str(seed)

    import keras
    import matplotlib.pyplot as plt
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    # Keras/TensorFlow Python-level warnings that say nothing a student can act on.
    warnings.filterwarnings("ignore", module="keras")
    warnings.filterwarnings("ignore", module="tensorflow")

    keras.utils.set_random_seed(seed)  # seeds random, NumPy and TensorFlow
    tf.config.experimental.enable_op_determinism()
    plt.style.use(str(STYLE_FILE))
    if not quiet:
        print(f"Lab ready: TensorFlow {tf.__version__}, Keras {keras.__version__}, seed {seed}")
