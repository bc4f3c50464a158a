"""The set-up call: seeds, determinism, style from the package, quiet TensorFlow, imported in the background."""
import numpy as np
import pytest

import utils


def test_setup_seeds_numpy_and_tensorflow(capsys):
    import tensorflow as tf

    utils.setup_lab(seed=7)
    first = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    utils.setup_lab(seed=7)
    second = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert capsys.readouterr().out.startswith("Lab ready: TensorFlow")


def test_setup_sets_style_from_package(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)  # the style must not depend on the current folder
    utils.setup_lab(quiet=True)
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][0].lower() in ("#0072b2", "0072b2")


def test_importing_utils_keeps_tensorflow_quiet():
    """In a fresh process with none of the variables set, `import utils` first: TensorFlow prints nothing."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    code = "import utils, tensorflow as tf; tf.constant(1.0) + 1; print('ok')"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "ok"
    assert run.stderr == "", run.stderr


def test_an_unsolved_exercise_ends_its_cell_in_one_line():
    from utils.lab_setup import _stub_message

    class Shell:
        def _showtraceback(self, etype, value, stb):
            self.shown = stb

    shell = Shell()
    message = ("my_softmax is not written yet: write it in its exercise cell, "
               "or open the solution under that cell's hints.")
    assert _stub_message(shell, NotImplementedError, NotImplementedError(message), None) == shell.shown
    assert shell.shown == [f"NotImplementedError: {message}"]


@pytest.mark.parametrize("bad", ["1", 1.5, None, True])
def test_setup_rejects_non_int_seed(bad):
    with pytest.raises(TypeError, match="expects an int"):
        utils.setup_lab(seed=bad)


def test_c_level_log_lines_during_the_tensorflow_import_are_dropped():
    """The full tensorflow wheel writes CUDA lines to descriptor 2 at import; the set-up drops them."""
    import subprocess
    import sys

    code = ("import os\nfrom utils.background_import import c_stderr_silenced\n"
            "with c_stderr_silenced():\n    os.write(2, b'cudart_stub: no GPU\\n')\n"
            "os.write(2, b'after\\n')")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stderr == "after\n"


# Cells run by a real IPython shell (no kernel): the set-up cell returns before TensorFlow is in.
IN_A_SHELL = """
import sys, time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
def cell(code):
    shell.run_cell(code).raise_error()
cell("import utils\\nutils.setup_lab(seed=7)\\nimport numpy as np\\nimport tensorflow as tf\\n"
     "from sklearn.model_selection import train_test_split")
cell("from utils import background_import\\nprint('stand-in', type(tf).__name__)")
cell(sys.argv[1])
shell.user_ns['background_import']._state['thread'].join()
cell("print('swapped', type(tf).__name__, type(train_test_split).__name__, background_import.in_progress())")
"""
USES = ("print(np.random.rand(2), tf.random.uniform((2,)).numpy(),\n"
        "      train_test_split(list(range(6)), random_state=0)[0])\n"
        "utils.setup_lab(seed=7)\nprint(np.random.rand(2), tf.random.uniform((2,)).numpy())")


def _run(code, *args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)


def test_in_a_notebook_tensorflow_is_imported_in_the_background_and_seeded_the_same():
    """Same numbers as the set-up without a shell (TensorFlow imported at once), nothing printed by the
    import, and the stand-ins become the real objects before the first cell after the import."""
    direct = _run("import utils\nutils.setup_lab(seed=7, quiet=True)\nimport numpy as np\nimport tensorflow as tf\n"
                  "from sklearn.model_selection import train_test_split\n" + USES).stdout.splitlines()
    run = _run(IN_A_SHELL, USES)
    lines = run.stdout.splitlines()
    assert lines[0].startswith("Lab ready: TensorFlow ") and lines[0].endswith(", seed 7")
    assert lines[1] == "stand-in Pending"  # the set-up cell did not wait for TensorFlow
    assert lines[2:5] == direct
    assert lines[5:] == ["swapped module function False"]
    assert run.stderr == "", run.stderr


def test_the_background_import_leaves_the_generators_alone():
    """Importing TensorFlow, Keras, scikit-learn, SymPy and Matplotlib after seeding draws nothing from Python's or
    NumPy's generator (so the background import cannot shift a lab's numbers)."""
    code = ("import random\nimport numpy as np\nfrom utils import lab_setup\nlab_setup._draws_nothing_later()\n"
            "random.seed(1)\nnp.random.seed(1)\nbefore = random.random(), np.random.rand()\n"
            "random.seed(1)\nnp.random.seed(1)\n"
            "from utils.background_import import import_quietly\n"
            "import_quietly(('tensorflow', 'keras', 'sklearn.model_selection', 'sklearn.metrics', 'sympy',\n"
            "                'matplotlib.pyplot'))\n"
            "print(before == (random.random(), np.random.rand()))")
    assert _run(code).stdout.strip() == "True"


MATPLOTLIB_IN_A_SHELL = """
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
def cell(code):
    shell.run_cell(code).raise_error()
cell("import utils\\nutils.setup_lab(quiet=True)\\nimport matplotlib.pyplot as plt\\n"
     "from matplotlib.figure import Figure\\nfrom utils.plots import show")
cell("print('set-up cell:', type(plt).__name__)")
cell("fig, ax = plt.subplots()\\nprint('first use:', isinstance(fig, Figure), plt.rcParams['lines.linewidth'], "
     "plt.rcParams['axes.spines.top'])")
shell.user_ns['utils'].background_import.finish()
cell("print('swapped:', type(plt).__name__, type(Figure).__name__)")
"""


def test_matplotlib_is_imported_after_the_set_up_cell_with_the_labs_style():
    """The set-up cell does not wait for Matplotlib either; its first use gets pyplot with the labs' style
    already applied, and a stand-in for a class still works with isinstance."""
    lines = _run(MATPLOTLIB_IN_A_SHELL).stdout.splitlines()
    assert lines == ["set-up cell: Pending", "first use: True 2.0 False", "swapped: module type"]


def test_the_grader_s_kernels_import_tensorflow_in_the_set_up_cell():
    """LABS_BACKGROUND_IMPORT=0 (the grader's sandbox): no stand-in, so a timed call of a student's
    function never waits for the import."""
    code = ("import os\nos.environ['LABS_BACKGROUND_IMPORT'] = '0'\n"
            "from IPython.core.interactiveshell import InteractiveShell\n"
            "shell = InteractiveShell.instance()\n"
            "shell.run_cell('import utils\\nutils.setup_lab(quiet=True)\\nimport tensorflow as tf\\n'\n"
            "              'import matplotlib.pyplot as plt').raise_error()\n"
            "shell.run_cell('print(type(tf).__name__, type(plt).__name__)').raise_error()")
    assert _run(code).stdout.strip() == "module module"


def test_a_set_up_cell_run_twice_waits_for_the_thread_s_matplotlib():
    """The second run of the set-up cell, while the thread still imports pyplot, waits for it instead of
    importing and styling it beside the thread (re-running cells: a 'dictionary changed size' error)."""
    code = ("from IPython.core.interactiveshell import InteractiveShell\n"
            "shell = InteractiveShell.instance()\n"
            "setup = 'import utils\\nutils.setup_lab(quiet=True)\\nimport matplotlib.pyplot as plt'\n"
            "shell.run_cell(setup).raise_error()\n"
            "shell.run_cell(setup).raise_error()\n"
            "shell.run_cell('fig, ax = plt.subplots()\\nprint(plt.rcParams[\"lines.linewidth\"])').raise_error()")
    assert _run(code).stdout.strip() == "2.0"
