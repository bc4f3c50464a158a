"""The perturbed nbval pass really moves NumPy onto other kernels."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "perturbed.py"
sys.path.insert(0, str(SCRIPT.parent))
from perturbed import perturbed_environment  # noqa: E402


def test_x86_gets_the_oldest_openblas_kernel_and_one_thread():
    env = perturbed_environment(machine="x86_64", simd=["X86_V3", "X86_V4"])
    assert env["OPENBLAS_CORETYPE"] == "Prescott"
    assert env["NPY_DISABLE_CPU_FEATURES"] == "X86_V3 X86_V4"
    assert env["OPENBLAS_NUM_THREADS"] == env["TF_NUM_INTRAOP_THREADS"] == "1"


def test_other_machines_keep_their_kernel_but_still_get_one_thread():
    env = perturbed_environment(machine="aarch64", simd=[])
    assert "OPENBLAS_CORETYPE" not in env and "NPY_DISABLE_CPU_FEATURES" not in env
    assert env["OMP_NUM_THREADS"] == "1"


PROBE = ("import json, threadpoolctl, numpy\n"
         "from numpy._core._multiarray_umath import __cpu_features__ as f, __cpu_dispatch__ as d\n"
         "blas = threadpoolctl.threadpool_info()[0]\n"
         "print(json.dumps([blas.get('architecture'), blas['num_threads'], [x for x in d if f.get(x)]]))")


def run_probe(*prefix):
    out = subprocess.run([*prefix, sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.skipif(perturbed_environment().get("OPENBLAS_CORETYPE") is None, reason="x86-64 only")
def test_the_command_runs_on_other_kernels():
    arch, threads, simd = run_probe(sys.executable, str(SCRIPT))
    assert arch in ("Katmai", "Prescott") and threads == 1 and simd == []
