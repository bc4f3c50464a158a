"""Shared pytest set-up: the labs' environment for unit tests."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import matplotlib  # noqa: E402

# Agg for this process only: an MPLBACKEND variable would be inherited by the kernels nbval starts,
# and their plt.show() would then draw nothing.
matplotlib.use("Agg")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_feedback_state():
    """Each test starts with no mistake seen and no verdict kept (utils.checks remembers both across
    check runs, as a notebook's kernel does), so tests do not depend on their order."""
    from utils import checks

    checks._TIMES_SHOWN.clear()
    checks._VERDICTS.clear()
    yield


@pytest.fixture(params=["default", "lab"])
def plot_style(request):
    """Matplotlib's default style, then the labs' own (a grid, other margins): an explorer's frames
    must be right in both."""
    import matplotlib.pyplot as plt

    from utils.lab_setup import STYLE_FILE

    with plt.style.context("default" if request.param == "default" else STYLE_FILE):
        yield request.param


@pytest.fixture(scope="module")
def notebook(request):
    """The graded edition of the test module's LAB with its demonstrations left out (tests of the grader)."""
    from grader_support import answers_only, graded_notebook

    return answers_only(graded_notebook(request.module.LAB))
