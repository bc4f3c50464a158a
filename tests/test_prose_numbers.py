"""Numbers the prose quotes from a result must be shown by an output above them (issue 24).

A re-execution that changes an accuracy, a loss, a step count or a threshold then fails `make test`
instead of leaving the prose wrong. Quoted numbers are decimals, percentages, and counts of epochs or
steps; math ($...$), code spans and links are not prose. A number counts as shown when an output above
prints it at the precision quoted (0.4452 shows 0.445 and 44.5 %), or when a code cell above sets it
(a learning rate quoted from the code). Exceptions are few and explicit: EXCEPTIONS below.
"""
import json
import re
from pathlib import Path

import pytest

LABS = sorted(Path(__file__).resolve().parents[1].glob("labs/[0-9][0-9]_*.ipynb"))

# lab -> quoted texts that are not results: a formula's constant, a fact from the course, a date.
EXCEPTIONS = {
}

NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|```.*?```|`[^`\n]*`|<[^>]+>|\]\([^)]*\)|https?://\S+", re.S)
DECIMAL = re.compile(r"(?<![\w.])(-?\d+\.\d+)(\s?%)?(?![\w.]*\d)")
PERCENT = re.compile(r"(?<![\w.])(\d+)\s?%")
# "7 epochs", "40 more steps", "step 30" (a capital "Step 1" names a step of a recipe, not a count)
COUNT = re.compile(r"\b(\d+)\s+(?:more\s+)?(?:epochs?|steps?|iterations?)\b|\b(?:epoch|step)\s+(\d+)\b")
SHOWN = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def quoted_numbers(markdown):
    """[(text as quoted, value, decimals, is a percentage)] for every result-like number in prose."""
    prose = NOT_PROSE.sub(" ", markdown).replace("−", "-")
    found = [(m.group(0).strip(), float(m.group(1)), len(m.group(1).split(".")[1]), bool(m.group(2)))
             for m in DECIMAL.finditer(prose)]
    found += [(m.group(0), float(m.group(1)), 0, True) for m in PERCENT.finditer(prose)]
    found += [(m.group(0), float(m.group(1) or m.group(2)), 0, False) for m in COUNT.finditer(prose)]
    return found


def _output_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        parts.append("".join(output.get("text", "")))
        data = output.get("data", {})
        parts.append("".join(data.get("text/plain", "")))
        parts.append(re.sub(r"<[^>]+>", " ", "".join(data.get("text/html", ""))))
    return "\n".join(parts)


def _numbers(text):
    values = []
    for token in SHOWN.findall(text.replace("−", "-")):
        try:
            values.append(float(token))
        except ValueError:
            continue
    return values


def is_shown(value, decimals, percent, shown):
    """True when some shown number, rounded as quoted (and as a fraction for a percentage), is value."""
    scales = (1, 100) if percent else (1,)
    return any(abs(round(x * scale, decimals) - value) < 1e-9 or abs(round(-x * scale, decimals) - value) < 1e-9
               for x in shown for scale in scales)


def unshown_numbers(notebook):
    """[(cell index, quoted text)] for numbers the prose quotes that nothing above shows."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    shown, missing = [], []
    for index, cell in enumerate(cells):
        source = "".join(cell.get("source", ""))
        if cell["cell_type"] == "code":
            shown += _numbers(_output_text(cell)) + _numbers(source)
            continue
        if cell["cell_type"] != "markdown":
            continue
        for text, value, decimals, percent in quoted_numbers(source):
            if not is_shown(value, decimals, percent, shown):
                missing.append((index, text))
    return missing


@pytest.mark.parametrize("notebook", LABS, ids=[lab.stem for lab in LABS])
def test_every_number_the_prose_quotes_is_shown_above_it(notebook):
    allowed = EXCEPTIONS.get(notebook.stem, set())
    missing = [(i, text) for i, text in unshown_numbers(notebook) if text not in allowed]
    assert not missing, (f"{notebook.name}: the prose quotes numbers no output above shows (cell, text): "
                         f"{missing}. Print them in a cell above, fix the prose, or add a justified exception.")


@pytest.mark.parametrize(("markdown", "expected"), [
    ("accuracy 0.445, which", [("0.445", 0.445, 3, False)]),
    ("got 13.9 % of empty scenes", [("13.9 %", 13.9, 1, True)]),
    ("in 7 epochs while SGD", [("7 epochs", 7.0, 0, False)]),
    ("the rate $\\alpha = 0.001$ and `SGD(0.1)` and [doc](http://x.org/1.5)", []),
])
def test_quoted_numbers_are_found_in_prose_only(markdown, expected):
    assert quoted_numbers(markdown) == expected


def test_a_number_counts_as_shown_at_the_precision_quoted():
    assert is_shown(0.445, 3, False, [0.4452])
    assert is_shown(44.5, 1, True, [0.4452])
    assert not is_shown(0.446, 3, False, [0.4452])
