"""The set-up call: seeds, determinism, style from the package, quiet TensorFlow."""
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
    message = "my_softmax is not written yet: write it above, or open its solution below."
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

    code = ("import os\nfrom utils.lab_setup import _c_stderr_silenced\n"
            "with _c_stderr_silenced():\n    os.write(2, b'cudart_stub: no GPU\\n')\n"
            "os.write(2, b'after\\n')")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stderr == "after\n"
