"""One source of truth: pyproject.toml pins, uv.lock locks, and the conda / Binder files repeat the lock."""
import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCK = tomllib.loads((ROOT / "uv.lock").read_text())
PROJECT = PYPROJECT["project"]["name"]
# what conda (python=3.11) and Binder run on
LINUX_X86 = {"sys_platform": "linux", "platform_machine": "x86_64", "python_version": "3.11",
             "python_full_version": "3.11.9", "platform_system": "Linux", "os_name": "posix",
             "implementation_name": "cpython", "platform_python_implementation": "CPython"}
LOCKED_PLATFORMS = [("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "arm64"), ("win32", "AMD64")]


def applies(marker, env):
    return marker is None or Marker(marker).evaluate(env)


def lock_entry(name, version=None):
    entries = [p for p in LOCK["package"] if p["name"] == name and version in (None, p["version"])]
    assert len(entries) == 1, f"uv.lock: {len(entries)} entries for {name} {version or ''}"
    return entries[0]


def locked_versions(env):
    """{name: version} that uv.lock installs for env: a walk from the project's default groups."""
    project = lock_entry(PROJECT)
    todo = [d for group in PYPROJECT["tool"]["uv"]["default-groups"]
            for d in project["dev-dependencies"][group]]
    found, seen = {}, set()
    while todo:
        dep = todo.pop()
        key = (dep["name"], dep.get("version"), tuple(dep.get("extra", [])))
        if key in seen or not applies(dep.get("marker"), env):
            continue
        seen.add(key)
        entry = lock_entry(dep["name"], dep.get("version"))
        found[entry["name"]] = entry["version"]
        todo += entry.get("dependencies", [])
        todo += [x for e in dep.get("extra", []) for x in entry.get("optional-dependencies", {}).get(e, [])]
    return found


def pip_lines(path):
    section = (ROOT / path).read_text().split("- pip:", 1)[1]
    return [item.strip().strip("'\"") for item in re.findall(r"^\s+- (.+)$", section, flags=re.M)]


def pinned(path, env):
    """{name: version} of the pip lines of a conda file that apply to env."""
    result = {}
    for line in pip_lines(path):
        if line == "-e .":
            continue
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{path}: not pinned with ==: {line}"
        if req.marker is None or req.marker.evaluate(env):
            result[req.name] = spec.version
    return result


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_files_pin_exactly_the_locked_linux_environment(path):
    assert pinned(path, LINUX_X86) == locked_versions(LINUX_X86)


def test_environment_yml_installs_utils_and_binder_does_not():
    # repo2docker copies the whole repository before an environment that installs it (`-e .`),
    # which would rebuild TensorFlow's layer on every commit; binder/postBuild installs utils.
    assert "-e ." in pip_lines("environment.yml")
    assert "-e ." not in pip_lines("binder/environment.yml")
    assert "pip install --no-deps" in (ROOT / "binder" / "postBuild").read_text()


def test_binder_repeats_environment_yml():
    assert pip_lines("binder/environment.yml") == [x for x in pip_lines("environment.yml") if x != "-e ."]


def test_environment_python_matches():
    for path in ("environment.yml", "binder/environment.yml"):
        assert "  - python=3.11\n" in (ROOT / path).read_text()


def requirement_lines(group):
    """A dependency group's own lines; `{include-group = ...}` entries name another group, checked there."""
    return [line for line in PYPROJECT["dependency-groups"][group] if isinstance(line, str)]


def test_every_direct_dependency_is_pinned_exactly():
    for group in PYPROJECT["dependency-groups"]:
        for line in requirement_lines(group):
            assert re.match(r"^[A-Za-z0-9_.-]+==[0-9][^;\s]*(\s*;.+)?$", line), f"{group}: not pinned with ==: {line}"


def test_lock_has_the_pinned_versions():
    for group in PYPROJECT["dependency-groups"]:
        for req in map(Requirement, requirement_lines(group)):
            assert lock_entry(req.name)["version"] in req.specifier


@pytest.mark.parametrize("platform,machine", LOCKED_PLATFORMS)
def test_tensorflow_split_survives_on_every_platform(platform, machine):
    env = dict(LINUX_X86, sys_platform=platform, platform_machine=machine)
    installed = locked_versions(env)
    wheel = "tensorflow-cpu" if machine in ("x86_64", "AMD64") else "tensorflow"
    other = "tensorflow" if wheel == "tensorflow-cpu" else "tensorflow-cpu"
    assert installed[wheel] == "2.21.0" and other not in installed


def test_lock_covers_the_four_platforms_with_hashes():
    assert len(LOCK["required-markers"]) == 4
    for package in LOCK["package"]:
        if package["name"] != PROJECT:
            files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
            assert files and all(f["hash"].startswith("sha256:") for f in files), package["name"]


def test_bootstrap_gets_the_locked_uv():
    assert PYPROJECT["tool"]["uv"]["required-version"] == "==" + lock_entry("uv")["version"]
