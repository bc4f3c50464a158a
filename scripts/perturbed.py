"""Run a command with the arithmetic of NumPy and TensorFlow moved onto other code paths.

    python scripts/perturbed.py COMMAND [ARG ...]

Stored outputs must not depend on the machine that made them. `make test` runs nbval a second time
under this script, which changes what a different CPU would change:
- OpenBLAS (NumPy's matrix products) uses its oldest x86-64 kernel, `Prescott`, instead of the one
  it picks for this CPU; that kernel runs on every x86-64 CPU;
- NumPy's own SIMD loops (exp, log, sums, ...) fall back to the baseline build, as on a CPU
  without AVX2 or AVX-512;
- OpenBLAS, OpenMP and TensorFlow use one thread, so sums are split differently.
"""
import os
import platform
import sys


def numpy_dispatch_targets():
    """The SIMD extensions NumPy would use on this CPU beyond its baseline build."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def perturbed_environment(machine=None, simd=None):
    """The environment variables that move NumPy and TensorFlow off this machine's usual code paths."""
    machine = machine or platform.machine()
    simd = numpy_dispatch_targets() if simd is None else simd
    env = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                  "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}
    if machine.lower() in ("x86_64", "amd64"):
        env["OPENBLAS_CORETYPE"] = "Prescott"
    if simd:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(simd)
    return env


def main(command):
    if not command:
        sys.exit("usage: python scripts/perturbed.py COMMAND [ARG ...]")
    env = perturbed_environment()
    print("perturbed run: " + " ".join(f"{k}={v!r}" for k, v in sorted(env.items())), flush=True)
    os.execvpe(command[0], command, {**os.environ, **env})


if __name__ == "__main__":
    main(sys.argv[1:])
