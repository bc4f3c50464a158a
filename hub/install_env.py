"""Install the single-user environment of a hub image from a class repository tree.

    python hub/install_env.py CLASS_TREE PREFIX [--group hub-singleuser] [--variant student|instructor]

The same steps build the Docker image (hub/Dockerfile runs this file) and `make hub-test`'s
environment (hub/hubtest.py), so what the hub test measures is what the image holds:

1. the locked uv (the class tree's scripts/bootstrap.py gets it with pip, hashes from uv.lock);
2. the `labs` group and GROUP of uv.lock, exported with hashes and installed into a fresh virtual
   environment at PREFIX (outside any home folder, so a hub's home volume cannot hide it);
3. `utils` from the class tree, as a regular (non-editable) install into PREFIX's site-packages;
4. the variant's settings (hub/settings/<variant>/) into PREFIX/etc/jupyter and the class tree's
   JupyterLab overrides (no news prompt) into PREFIX/share/jupyter/lab/settings.

Every failure ends in one line naming the step.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fail(message):
    print(f"install_env: {message}", file=sys.stderr)
    sys.exit(1)


def run(args, what, cwd=None):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        fail(f"{what} failed: {lines[-1] if lines else 'no message'}")
    return result.stdout


def install(tree, prefix, group="hub-singleuser", variant="student", python=sys.executable):
    tree, prefix = Path(tree).resolve(), Path(prefix).resolve()
    for needed in ("uv.lock", "pyproject.toml", "scripts/bootstrap.py", "utils/__init__.py"):
        if not (tree / needed).exists():
            fail(f"{tree} is not a class repository tree (no {needed}); write one with `make release DEST=...`")
    uv = run([sys.executable, tree / "scripts" / "bootstrap.py", "--uv"], "getting the locked uv").strip()
    uv = uv.splitlines()[-1]
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        run([uv, "export", "--frozen", "--no-emit-project", "--no-default-groups", "--group", "labs",
             "--group", group, "--format", "requirements.txt", "-o", requirements], "exporting uv.lock", cwd=tree)
        run([uv, "venv", "--quiet", "--allow-existing", "--python", python, prefix], f"creating {prefix}")
        target = ["--python", prefix / "bin" / "python"]
        run([uv, "pip", "sync", *target, "--require-hashes", requirements], "installing the locked packages")
        run([uv, "pip", "install", *target, "--no-deps", "--reinstall-package", "nn-training-labs-utils", tree],
            "installing utils from the class tree")
    settings = HERE / "settings" / variant
    shutil.copytree(settings, prefix / "etc" / "jupyter", dirs_exist_ok=True)
    overrides = tree / "jupyterlab-settings" / "overrides.json"
    if overrides.exists():
        (prefix / "share" / "jupyter" / "lab" / "settings").mkdir(parents=True, exist_ok=True)
        shutil.copy(overrides, prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json")
    print(f"install_env: {variant} environment ready in {prefix} (labs + {group}, utils from {tree})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", help="the class repository tree (`make release DEST=...`)")
    parser.add_argument("prefix", help="where the environment goes, for example /opt/labs")
    parser.add_argument("--group", default="hub-singleuser", help="uv.lock group installed beside `labs`")
    parser.add_argument("--variant", choices=["student", "instructor"], default="student")
    parser.add_argument("--python", default=sys.executable, help="the base Python (3.11 to 3.13)")
    args = parser.parse_args(argv)
    install(args.tree, args.prefix, args.group, args.variant, args.python)


if __name__ == "__main__":
    main()
