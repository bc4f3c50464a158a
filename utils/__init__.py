"""Helpers shared by the neural-network training labs.

Import it first in a lab's set-up cell, before TensorFlow:

    import utils
    utils.setup_lab()

Importing this package is cheap (it does not import TensorFlow) and tells TensorFlow's
C++ runtime to stay quiet, so no log text lands in a notebook's outputs. In a notebook,
setup_lab() returns before TensorFlow is imported: it comes in the background while the
student reads (utils.background_import).
"""
import os

# Must be set before TensorFlow is first imported anywhere in the process: no C++ log text,
# and no oneDNN notice (TensorFlow 2.21 prints it even at log level 3). Plain Eigen kernels
# also give bit-identical results from run to run, which nbval relies on.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from utils.lab_setup import SEED, setup_lab  # noqa: E402

# One spelling per helper: everything else is imported from its module, e.g.
# `from utils.checks import compare` or `from utils.plots import plot_history`.
__all__ = ["SEED", "setup_lab"]
