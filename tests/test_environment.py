"""One source of truth for pins: environment.yml's pip section repeats requirements.txt."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def environment_pip_lines():
    text = (ROOT / "environment.yml").read_text()
    section = text.split("- pip:", 1)[1]
    items = re.findall(r"^\s+- (.+)$", section, flags=re.M)
    return [item.strip().strip("'\"") for item in items if item.strip() != "-e ."]


def test_environment_yml_repeats_requirements():
    assert environment_pip_lines() == requirement_lines()


def test_every_requirement_is_pinned_exactly():
    for line in requirement_lines():
        assert re.match(r"^[A-Za-z0-9_.-]+==[0-9][^;\s]*(\s*;.+)?$", line), f"not pinned with ==: {line}"


def test_environment_python_matches():
    assert "python=3.11" in (ROOT / "environment.yml").read_text()
