"""TensorFlow (and the set-up cell's other slow imports) loaded while the student reads.

`start(seed, shell)` is called by setup_lab in a notebook. Until the set-up cell is over, an import
of TensorFlow, Keras, scikit-learn, SymPy or Matplotlib in the main thread is noted and answered at
once by a stand-in (`Pending` for `import x`, `PendingName` for `from x import name`); when the cell
is over a thread imports what was noted: Matplotlib first (with the labs' style, `defer`), TensorFlow
last. The first real use of a stand-in (`tf.constant`, calling `train_test_split`) waits for what is
left of its import, then acts as the real object; a later import from a package still being imported
waits for it. Before every cell the stand-ins whose import is done are swapped for the real objects,
so a cell run at reading pace meets the real modules; the import hook goes when everything is in.

TensorFlow's seed (Keras keeps it per thread), op determinism and quiet loggers are set in the main
thread when TensorFlow is first used or before the first cell after its import, whichever comes
first. Seeding it late gives the same numbers: no TensorFlow operation can run before it.
"""
import builtins
import contextlib
import importlib
import logging
import os
import random
import sys
import threading
import time
import warnings

TENSORFLOW = ("tensorflow", "keras")
DEFERRED = TENSORFLOW + ("sklearn", "sympy", "matplotlib")  # top-level packages a set-up cell may import late

_real_import = builtins.__import__
_lock = threading.RLock()
_state = {"thread": None, "seed": None, "seeded": True, "installed": False, "shell": None}
_queue = []  # module names the thread imports, in order
_ready = {}  # module name -> threading.Event, set when its import is over (done or failed)
_errors = {}  # module name -> the exception its import raised
_then = {}  # module name -> what to do with the module once imported, before anyone may use it
WAITS = []  # (execution count, module, seconds) of every wait of the main thread for an import


def quiet_python_side():
    """Logger levels and warning filters that keep TensorFlow and Keras silent (before and after import)."""
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="keras")
    warnings.filterwarnings("ignore", module="tensorflow")


@contextlib.contextmanager
def c_stderr_silenced():
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


def import_quietly(names=TENSORFLOW):
    """Import the modules with C-level start-up lines dropped (the full tensorflow wheel logs CUDA lines)."""
    quiet_python_side()
    with c_stderr_silenced():
        for name in names:
            importlib.import_module(name)


def seed_tensorflow(seed):
    """Keras's and TensorFlow's seed and op determinism, leaving Python's and NumPy's generators as they are."""
    import keras
    import numpy as np
    import tensorflow as tf

    quiet_python_side()
    tf.get_logger().setLevel(logging.ERROR)
    python_state, numpy_state = random.getstate(), np.random.get_state()
    keras.utils.set_random_seed(seed)
    random.setstate(python_state)
    np.random.set_state(numpy_state)
    tf.config.experimental.enable_op_determinism()


def _in_main_thread():
    return threading.current_thread() is threading.main_thread()


def _imported(name):
    module = sys.modules.get(name)
    return module is not None and not getattr(getattr(module, "__spec__", None), "_initializing", False)


def in_progress():
    """True while a background import is under way or its stand-ins are not all swapped yet."""
    return _state["thread"] is not None


def _import_noted():
    """The thread's work (or the main thread's, when a stand-in is used in the set-up cell itself)."""
    quiet_python_side()
    with c_stderr_silenced():
        for name in list(_queue):
            if not _ready[name].is_set():
                try:
                    module = importlib.import_module(name)
                    if name in _then:
                        _then.pop(name)(module)
                except BaseException as error:  # raised where the stand-in is used
                    _errors[name] = error
                finally:
                    _ready[name].set()


def defer(name, then):
    """Import module name with the set-up cell's other slow imports (at once when no set-up cell is
    running) and call then(module) before the module is handed to anyone."""
    with _lock:
        thread = _state["thread"]
        if thread is not None and thread.ident is None and not _imported(name):
            _then[name] = then
            _note(name)
            return
    if name in _ready:  # the thread imports it (or did): wait for that, never import and use it beside the thread
        then(wait(name))
    else:
        then(importlib.import_module(name))


def _note(name):
    if name not in _ready:
        _ready[name] = threading.Event()
        tensorflow_at = next((i for i, queued in enumerate(_queue) if queued in TENSORFLOW), len(_queue))
        _queue.insert(len(_queue) if name in TENSORFLOW else tensorflow_at, name)  # TensorFlow last


def _execution_count():
    shell = _state["shell"]
    return getattr(shell, "execution_count", None)


def _wait_for(name):
    event = _ready.get(name)
    if event is None or event.is_set():
        return
    thread = _state["thread"]
    if thread is not None and thread.ident is None:  # still in the set-up cell: import here
        _import_noted()
    elif _in_main_thread():
        start = time.perf_counter()
        event.wait()
        WAITS.append((_execution_count(), name, time.perf_counter() - start))
    else:  # another thread (a debugger's variable view) only waits
        event.wait()


def wait(name):
    """The module once its import is over; in the main thread TensorFlow is then seeded."""
    _wait_for(name)
    if name in _errors:
        raise _errors[name]
    if name.partition(".")[0] in TENSORFLOW and _in_main_thread():
        _seed_once()
    return importlib.import_module(name)


def _seed_once():
    with _lock:
        if _state["seeded"]:
            return
        for name in TENSORFLOW:
            _wait_for(name)
            if name in _errors:
                raise _errors[name]
        seed_tensorflow(_state["seed"])
        _state["seeded"] = True


class Pending(type(os)):
    """Stands for a module being imported in the background; its first use waits for the import."""

    def __init__(self, name):
        super().__init__(name, f"{name}, being imported in the background")

    def __getattr__(self, attribute):
        submodule = f"{self.__name__}.{attribute}"
        if submodule in _ready and not _ready[submodule].is_set():
            return Pending(submodule)  # `import a.b as c` asks `a` for `b`
        return getattr(wait(self.__name__), attribute)

    def __dir__(self):
        return dir(wait(self.__name__))

    def __repr__(self):
        return f"<module '{self.__name__}' (being imported in the background)>"


class _From(Pending):
    """What `from module import name, ...` receives: a stand-in for each name."""

    def __getattr__(self, attribute):
        return PendingName(self.__name__, attribute)


class PendingName:
    """Stands for `from module import name` while module is imported in the background."""

    def __init__(self, module, name):
        self._where = (module, name)

    def _real(self):
        module, name = self._where
        try:
            return getattr(wait(module), name)
        except AttributeError:
            raise ImportError(f"cannot import name {name!r} from {module!r}") from None

    def __call__(self, *args, **kwargs):
        return self._real()(*args, **kwargs)

    def __instancecheck__(self, instance):
        return isinstance(instance, self._real())

    def __subclasscheck__(self, subclass):
        return issubclass(subclass, self._real())

    def __getattr__(self, attribute):
        return getattr(self._real(), attribute)

    def __repr__(self):
        return f"<{'.'.join(self._where)} (being imported in the background)>"


def _from_notebook_or_utils(importer_globals):
    """Only the notebook's own imports and utils' are deferred, never a library's inner imports."""
    importer = (importer_globals or {}).get("__name__", "")
    return importer == "__main__" or importer == "utils" or importer.startswith("utils.") and importer != __name__


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    top = name.partition(".")[0]
    if level == 0 and top in DEFERRED and _in_main_thread() and _from_notebook_or_utils(globals):
        thread = _state["thread"]
        noting = thread is not None and thread.ident is None  # the set-up cell is still running
        if (noting and not _imported(name)) or (name in _ready and not _ready[name].is_set()):
            _note(name)
            return _From(name) if fromlist else Pending(top)
        if not noting:
            for family in [n for n in _ready if n.partition(".")[0] == top]:
                _wait_for(family)  # never import a package's module while the thread imports the package
        if top in TENSORFLOW:
            _seed_once()
    return _real_import(name, globals, locals, fromlist, level)


def _done(name):
    """True when the stand-in for module name can become the real thing without waiting."""
    names = TENSORFLOW if name.partition(".")[0] in TENSORFLOW else (name,)
    return all(_ready[n].is_set() for n in names if n in _ready) and _imported(name)


def _swap_stand_ins():
    """Stand-ins in the notebook and in loaded utils modules become the real objects, where imported."""
    # dict.copy(), not list(d.items()): a copy is one step under the GIL, while building a list can run the
    # garbage collector, let the thread import meanwhile and raise "dictionary changed size during iteration"
    namespaces = [vars(module) for name, module in sys.modules.copy().items()
                  if name == "utils" or name.startswith("utils.")]
    if _state["shell"] is not None:
        namespaces.append(_state["shell"].user_ns)
    for namespace in namespaces:
        for key, value in namespace.copy().items():
            with contextlib.suppress(Exception):  # a failed import stays a stand-in: its use raises
                if isinstance(value, Pending) and _done(value.__name__):
                    namespace[key] = wait(value.__name__)
                elif isinstance(value, PendingName) and _done(value._where[0]):
                    namespace[key] = value._real()


def between_cells(*_args):
    """IPython pre_run_cell: seed TensorFlow and swap the stand-ins once their imports are over."""
    with _lock:
        thread = _state["thread"]
        if thread is None or thread.ident is None or not _in_main_thread():
            return
        if all(_ready[name].is_set() and name not in _errors for name in TENSORFLOW):
            _seed_once()
        _swap_stand_ins()
        if not thread.is_alive():
            _end()


def _end():
    """The imports are over: no thread, no import hook."""
    thread = _state["thread"]
    if thread is not None and thread.ident is not None:
        thread.join()
    _state["thread"] = None
    if builtins.__import__ is _import:
        builtins.__import__ = _real_import
    _state["installed"] = False


def finish():
    """Wait for every noted import, seed TensorFlow and put everything back (scripts, tests)."""
    thread = _state["thread"]
    if thread is None:
        return
    if thread.ident is None:
        _import_noted()
    for name in list(_queue):
        wait(name)
    _swap_stand_ins()
    _end()


def start(seed, shell=None):
    """Import TensorFlow in a thread after the current cell (at once without a shell); seed it when used.

    Called again while that import is under way, it only changes the seed (applied at once if
    TensorFlow is already in, else when it is first used)."""
    with _lock:
        _state["seed"], _state["seeded"] = seed, False
        if _state["thread"] is not None:
            if all(_ready[name].is_set() for name in TENSORFLOW) and _in_main_thread():
                _seed_once()
            return
        quiet_python_side()
        _queue.clear()
        _ready.clear()
        _errors.clear()
        _then.clear()
        for name in TENSORFLOW:
            _note(name)
        thread = _state["thread"] = threading.Thread(target=_import_noted, name="background-import", daemon=True)
        _state["shell"] = shell
        builtins.__import__ = _import
        _state["installed"] = True
        if shell is None:
            thread.start()
            return

        def after_cell(*_args):
            shell.events.unregister("post_run_cell", after_cell)
            if thread.ident is None:
                thread.start()

        shell.events.register("post_run_cell", after_cell)
        if between_cells not in shell.events.callbacks["pre_run_cell"]:
            shell.events.register("pre_run_cell", between_cells)
