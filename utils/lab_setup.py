"""The one set-up call at the top of every lab."""
import ast
import linecache
import os
import random
import sys
from importlib import resources

from utils import background_import

SEED = 1
STYLE_FILE = resources.files("utils") / "labs.mplstyle"


def setup_lab(seed=SEED, quiet=False):
    """Quiet TensorFlow, seed Python/NumPy/TensorFlow, make ops deterministic, set the plot style.

    Safe to call again (for example after running cells out of order): it re-seeds everything,
    so the next cell gives the same numbers as in a fresh Restart & Run All.

    In a notebook the first call returns before TensorFlow is imported: the import runs in the
    background once this cell is over, and TensorFlow is seeded when it is first used
    (utils.background_import). Elsewhere (scripts, tests), and with LABS_BACKGROUND_IMPORT=0 (the
    grader's sandboxed kernels), it is imported here.
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"setup_lab(seed=...) expects an int, got {type(seed).__name__}")
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["PYTHONHASHSEED"] = str(seed)
    background_import.quiet_python_side()
    _draws_nothing_later()
    import numpy as np

    _one_line_for_unsolved_exercises()
    random.seed(seed)
    np.random.seed(seed)
    shell = _shell()
    if shell is None:
        background_import.finish()  # one started earlier (tests) ends first
    at_once = os.environ.get("LABS_BACKGROUND_IMPORT") == "0"  # the grader's kernels: no import in a call's time
    if shell is None or at_once or not background_import.in_progress() and "tensorflow" in sys.modules:
        background_import.import_quietly()
        background_import.seed_tensorflow(seed)
    else:
        background_import.start(seed, shell)
    background_import.defer("matplotlib.pyplot", then=_use_lab_style)
    if not quiet:
        print(f"Lab ready: TensorFlow {_version('tensorflow')}, Keras {_version('keras')}, seed {seed}")


def _use_lab_style(pyplot):
    pyplot.style.use(str(STYLE_FILE))


def _shell():
    """The IPython shell running this code, or None (a script, a test, the grader)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _draws_nothing_later():
    """Import now what would draw from Python's generator when TensorFlow is imported after seeding."""
    try:
        import rich.style  # noqa: F401  (Keras's console styles: one getrandbits at import)
    except ImportError:
        pass


DISTRIBUTIONS = {"tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tensorflow-macos",
                                "tf-nightly"),
                 "keras": ("keras",)}


def _version(name):
    """The installed version of tensorflow or keras, read without importing it."""
    from importlib.metadata import PackageNotFoundError, version

    for distribution in DISTRIBUTIONS[name]:
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    background_import.finish()
    import importlib

    return importlib.import_module(name).__version__


# name -> the message of the unsolved exercise that stopped the cell which was to define it
_MISSING_BECAUSE = {}


def _cell_names(tb):
    """The names that the notebook cell in this traceback assigns or defines at its top level."""
    tb = _module_frame(tb)
    if tb is None:
        return set()
    try:
        tree = ast.parse("".join(linecache.getlines(tb.tb_frame.f_code.co_filename)))
    except SyntaxError:
        return set()
    return _top_level_names(tree)


def _top_level_names(tree):
    """The names a parsed cell assigns or defines at its top level."""
    names = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            names.add(statement.name)
            continue  # what a function assigns inside is its own
        names |= {node.id for node in ast.walk(statement)
                  if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    return names


def _module_frame(tb):
    """The traceback entry of the notebook cell itself (its top level), or None."""
    while tb is not None and tb.tb_frame.f_code.co_name != "<module>":
        tb = tb.tb_next
    return tb


def _answer_beside_the_stub(tb, namespace):
    """When a cell stopped at its own top-level `raise NotImplementedError` line although the student
    wrote an answer beside it: the one line that says so, else None."""
    entry = _module_frame(tb)
    if entry is None:
        return None
    try:
        tree = ast.parse("".join(linecache.getlines(entry.tb_frame.f_code.co_filename)))
    except SyntaxError:
        return None
    stub = next((s for s in tree.body if isinstance(s, ast.Raise) and s.lineno == entry.tb_lineno), None)
    if stub is None:
        return None
    if any(s.lineno > stub.lineno for s in tree.body):
        return ("your code below the `raise NotImplementedError` line never runs: delete that line, "
                "then run this cell again")
    answered = sorted({node.id for s in tree.body if s.lineno < stub.lineno for node in ast.walk(s)
                       if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
                       and _filled_in(namespace.get(node.id))})
    if answered:
        return (f"your answer ({', '.join(answered)}) is written, but the `raise NotImplementedError` line "
                "under it still runs: delete that line, then run this cell again")
    return None


def _filled_in(value):
    """False for a template's blanks: None, or a dict, list or tuple holding only None."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return any(item is not None for item in value)
    return value is not None


def _notebook_file():
    """The running notebook's path when the Jupyter server told the kernel (JupyterLab does), or None."""
    path = os.environ.get("JPY_SESSION_NAME", "")
    if not path.endswith(".ipynb"):
        return None
    for candidate in (path, os.path.basename(path)):
        if os.path.isfile(candidate):
            return candidate
    return None


def _defining_cell(name):
    """'the cell under "<heading>" that starts `<line>`' for the notebook cell that defines name, or None."""
    import json

    path = _notebook_file()
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as file:
            cells = json.load(file)["cells"]
    except (OSError, ValueError, KeyError):
        return None
    heading = None
    for cell in cells:
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            titles = [line.lstrip("#").strip() for line in source.splitlines() if line.startswith("#")]
            heading = titles[-1] if titles else heading
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        if name in _top_level_names(tree):
            first = next((line.strip() for line in source.splitlines()
                          if line.strip() and not line.strip().startswith("#")), "")
            under = f' under "{heading}"' if heading else ""
            return f"the cell{under} that starts `{first[:60]}`"
    return None


def _check_argument(tb, name):
    """True when the failing top-level line calls a check with name as an argument (check_x(name))."""
    entry = _module_frame(tb)
    line = linecache.getline(entry.tb_frame.f_code.co_filename, entry.tb_lineno) if entry else ""
    try:
        call = ast.parse(line.strip()).body[0].value
    except (SyntaxError, IndexError, AttributeError):
        return False
    return isinstance(call, ast.Call) and getattr(call.func, "id", "").startswith("check") \
        and any(isinstance(arg, ast.Name) and arg.id == name for arg in call.args)


def _out_of_order(tb, name):
    """One line when name is defined by a cell of this lab the student has not run yet, else None."""
    from utils.checks import EXERCISE_NAMES

    cell = _defining_cell(name)
    if cell is None and _check_argument(tb, name):
        cell = f"the exercise cell above this check (the one that defines `{name}`)"
    elif cell is None and name in EXERCISE_NAMES:
        cell = f"the exercise cell that defines `{name}`"
    if cell is None:
        return None  # most likely a typo: the usual traceback helps more
    return f"`{name}` is not defined yet: run {cell} first, then this cell again"


def _stub_message(shell, etype, value, tb, tb_offset=None):
    """One line instead of a traceback for what running cells out of order or a left-over stub causes:
    an unsolved exercise, a later cell that misses what it was to define, a cell run before the cell
    that defines a name it needs, and an answer written beside its still-present `raise` line."""
    if issubclass(etype, NotImplementedError):
        beside = _answer_beside_the_stub(tb, getattr(shell, "user_ns", {}))
        if beside is None:
            for name in _cell_names(tb):
                _MISSING_BECAUSE[name] = str(value)
        line = [f"{etype.__name__}: {beside or value}"]
    elif issubclass(etype, NameError) and getattr(value, "name", None) in _MISSING_BECAUSE:
        etype, value = NotImplementedError, NotImplementedError(_MISSING_BECAUSE[value.name])
        for name in _cell_names(tb):  # what this cell was to define is missing for the same reason
            _MISSING_BECAUSE.setdefault(name, str(value))
        line = [f"NotImplementedError: {value}"]
    elif issubclass(etype, NameError) and (order := _out_of_order(tb, getattr(value, "name", ""))):
        line = [f"NameError: {order}"]
    else:  # any other NameError (a typo): the usual traceback
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
