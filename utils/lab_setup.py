"""The one set-up call at the top of every lab."""
import ast
import contextlib
import linecache
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

    with _c_stderr_silenced():  # the full tensorflow wheel logs CUDA/absl lines in C, past any log level
        import keras
        import tensorflow as tf
    import matplotlib.pyplot as plt

    tf.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    # Keras/TensorFlow Python-level warnings that say nothing a student can act on.
    warnings.filterwarnings("ignore", module="keras")
    warnings.filterwarnings("ignore", module="tensorflow")

    _one_line_for_unsolved_exercises()
    keras.utils.set_random_seed(seed)  # seeds random, NumPy and TensorFlow
    tf.config.experimental.enable_op_determinism()
    plt.style.use(str(STYLE_FILE))
    if not quiet:
        print(f"Lab ready: TensorFlow {tf.__version__}, Keras {keras.__version__}, seed {seed}")


# name -> the message of the unsolved exercise that stopped the cell which was to define it
_MISSING_BECAUSE = {}


def _cell_names(tb):
    """The names that the notebook cell in this traceback assigns or defines at its top level."""
    while tb is not None and tb.tb_frame.f_code.co_name != "<module>":
        tb = tb.tb_next
    if tb is None:
        return set()
    try:
        tree = ast.parse("".join(linecache.getlines(tb.tb_frame.f_code.co_filename)))
    except SyntaxError:
        return set()
    names = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            names.add(statement.name)
        names |= {node.id for node in ast.walk(statement)
                  if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    return names


@contextlib.contextmanager
def _c_stderr_silenced():
    """Point file descriptor 2 at /dev/null for the block: C-level log lines vanish, Python errors do not."""
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (some embedded consoles): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _stub_message(shell, etype, value, tb, tb_offset=None):
    """An unsolved exercise ends a cell in one line, not a traceback, and so does every later cell
    that fails only because a name the stopped cell was to define is missing."""
    if issubclass(etype, NotImplementedError):
        for name in _cell_names(tb):
            _MISSING_BECAUSE[name] = str(value)
        line = [f"{etype.__name__}: {value}"]
    elif issubclass(etype, NameError) and getattr(value, "name", None) in _MISSING_BECAUSE:
        etype, value = NotImplementedError, NotImplementedError(_MISSING_BECAUSE[value.name])
        for name in _cell_names(tb):  # what this cell was to define is missing for the same reason
            _MISSING_BECAUSE.setdefault(name, str(value))
        line = [f"NotImplementedError: {value}"]
    else:  # any other NameError: the usual traceback
        line = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    shell._showtraceback(etype, value, line)  # the kernel's own error display
    return line


def _one_line_for_unsolved_exercises():
    """In a notebook, show a workbook stub's NotImplementedError as one line; the cell still fails."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((NotImplementedError, NameError), _stub_message)
