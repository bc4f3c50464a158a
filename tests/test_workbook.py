"""The workbook: the transform on every lab, and the sync that never loses a student's work.

Everything runs on temporary copies; labs/ is only read.
"""
import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "workbook.py"
sys.path.insert(0, str(ROOT / "scripts"))  # the scripts import their sibling labrun module
spec = importlib.util.spec_from_file_location("workbook", SCRIPT)
workbook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(workbook)
LABS = sorted((ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.name for p in LABS]


def role(cell):
    return cell.metadata.get("workbook", {}).get("role")


def code(source):
    return nbformat.v4.new_code_cell(source)


def markdown(source):
    return nbformat.v4.new_markdown_cell(source)


# ---------------------------------------------------------------- the transform, on small cases

def test_block_becomes_a_named_stub_and_keeps_signature_docstring_and_indentation():
    source = ('def f(x):\n    """Twice x."""\n    ### BEGIN SOLUTION\n    y = 2 * x\n    ### END SOLUTION\n'
              '    return y\n')
    blanked, names = workbook.blank_solutions(source)
    assert names == ["f"]
    assert blanked == ('def f(x):\n    """Twice x."""\n    # YOUR CODE HERE\n'
                       '    raise NotImplementedError("f is not written yet: write it in its exercise cell, '
                       'or open the solution under that cell\'s hints.")\n    return y\n')
    ast.parse(blanked)


def test_top_level_block_is_named_by_its_exercise_heading_else_by_what_it_assigns():
    source = "answers = {}\n### BEGIN SOLUTION\nanswers = {'a': 1}\n### END SOLUTION\ncheck(answers)"
    assert workbook.blank_solutions(source, "Exercise 2")[1] == ["Exercise 2"]
    assert workbook.blank_solutions(source)[1] == ["answers"]
    cells = [markdown("### Exercise 2: choose"), markdown("Some prose."), code(source)]
    assert workbook.heading_exercise(cells, 2) == "Exercise 2"
    assert workbook.heading_exercise([markdown("## 3. Prose section"), code(source)], 1) is None


def test_unbalanced_markers_are_refused():
    for source in ["### BEGIN SOLUTION\nx = 1\n", "x = 1\n### END SOLUTION\n",
                   "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n"]:
        with pytest.raises(ValueError, match="unbalanced"):
            workbook.blank_solutions(source)


EXERCISE = "def g(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"


def test_reveal_goes_after_the_check_and_its_hints():
    cells = [markdown("### Exercise 1"), code(EXERCISE), markdown("Run the check:"), code("check_g(g)"),
             markdown("<details><summary>Hint 1</summary>\n\nadd one\n</details>"),
             markdown("  <details><summary>Hint 2</summary>\n\n`x + 1`\n</details>"), markdown("## Next")]
    nb = workbook.workbook_notebook(nbformat.v4.new_notebook(cells=cells))
    assert [role(c) for c in nb.cells] == [None, "exercise", None, None, None, None, "solution-reveal", None]
    assert "return x + 1" in nb.cells[6].source and nb.cells[6].source.startswith("<details><summary>Solution: g")


def test_reveal_follows_an_exercise_that_checks_itself():
    cells = [code(EXERCISE + "\n\ncheck_g(g)"), code("print(g(1))"), markdown("<details>hint</details>")]
    nb = workbook.workbook_notebook(nbformat.v4.new_notebook(cells=cells))
    assert [role(c) for c in nb.cells] == ["exercise", "solution-reveal", None, None]


def test_release_edition_has_no_reveals():
    cells = [code(EXERCISE), code("check_g(g)")]
    nb = workbook.release_notebook(nbformat.v4.new_notebook(cells=cells))
    assert [role(c) for c in nb.cells] == ["exercise", None]
    assert ('NotImplementedError("g is not written yet: write it in its exercise cell, then run the check after it'
            in nb.cells[0].source)
    assert "solution" not in nb.cells[0].source  # no reveal to point at


# ---------------------------------------------------------------- the transform, on every lab

@pytest.fixture(params=LABS, ids=IDS)
def editions(request):
    lab = nbformat.read(request.param, as_version=4)
    return lab, workbook.workbook_notebook(lab)


def test_structure_stays_in_step_with_the_lab(editions):
    lab, nb = editions
    kept = [c for c in nb.cells if role(c) != "solution-reveal"]
    assert len(kept) == len(lab.cells)
    for i, (ours, theirs) in enumerate(zip(kept, lab.cells, strict=True)):
        assert (ours.cell_type, ours.get("id")) == (theirs.cell_type, theirs.get("id"))
        expected = theirs.source
        if workbook.is_exercise(theirs):
            expected = workbook.blank_solutions(theirs.source, workbook.heading_exercise(lab.cells, i))[0]
        assert ours.source == expected
        assert {k: v for k, v in ours.metadata.items() if k != "workbook"} == theirs.metadata
        assert (role(ours) == "exercise") == workbook.is_exercise(theirs)
    assert nb.metadata == lab.metadata
    nbformat.validate(nb)


def test_outputs_and_execution_counts_are_cleared(editions):
    _, nb = editions
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")


def test_every_exercise_has_a_named_stub_and_a_reveal_after_its_check_and_hints(editions):
    lab, nb = editions
    layout = workbook.exercise_layout(lab.cells)
    assert layout, "every lab has at least one exercise"
    shift = 0  # reveals inserted so far move the later cells down
    for exercise, check, after in layout:
        stubbed = nb.cells[exercise + shift]
        names = stubbed.metadata["workbook"]["exercises"]
        blocks = workbook.solution_blocks(lab.cells[exercise].source)
        assert stubbed.source.count("# YOUR CODE HERE") == len(names) == len(blocks)
        for name in names:
            message = workbook.STUB_MESSAGE.format(what=name)
            assert message == (f"{name} is not written yet: write it in its exercise cell, "
                               "or open the solution under that cell's hints.")
            assert f'raise NotImplementedError("{message}")' in stubbed.source
        ast.parse(stubbed.source)
        assert exercise <= check <= after
        assert all(workbook.is_hint(c) for c in lab.cells[check + 1:after + 1])
        reveal = nb.cells[after + shift + 1]
        assert role(reveal) == "solution-reveal" and reveal.cell_type == "markdown"
        assert reveal.source.startswith(f"<details><summary>Solution: {', '.join(dict.fromkeys(names))}</summary>")
        assert reveal.source.rstrip().endswith("</details>")
        assert all(line in reveal.source for line in workbook.solution_lines(lab.cells[exercise].source))
        shift += 1
    assert sum(role(c) == "solution-reveal" for c in nb.cells) == len(layout)


def test_no_solution_text_outside_the_reveals(editions):
    lab, nb = editions
    leaks = workbook.distinctive_solution_lines(lab)
    for cell in nb.cells:
        if role(cell) == "solution-reveal":
            continue
        assert "### BEGIN SOLUTION" not in cell.source and "### END SOLUTION" not in cell.source
        found = [line for line in cell.source.splitlines() if line.strip() in leaks]
        assert not found, f"solution text outside the reveals: {found}"


def test_release_edition_is_the_workbook_without_reveals(editions):
    lab, nb = editions
    release = workbook.release_notebook(lab)
    names = {name for c in nb.cells for name in c.metadata.get("workbook", {}).get("exercises", [])}

    def pointing_at_the_hints(source):  # the one difference: the release stub names no reveal
        for name in names:
            source = source.replace(workbook.STUB_MESSAGE.format(what=name),
                                    workbook.RELEASE_STUB_MESSAGE.format(what=name))
        return source

    assert [c.source for c in release.cells] == [pointing_at_the_hints(c.source) for c in nb.cells
                                                 if role(c) != "solution-reveal"]
    assert not any("open its solution" in c.source for c in release.cells)
    text = json.dumps(release)
    assert "SOLUTION" not in text and "solution-reveal" not in text


def test_make_student_writes_the_workbook_editions(tmp_path, capsys):
    written = workbook.write_editions([str(LABS[0])], out=tmp_path / "student")
    assert written == [tmp_path / "student" / LABS[0].name]
    on_disk = nbformat.read(written[0], as_version=4)
    assert on_disk == workbook.workbook_notebook(nbformat.read(LABS[0], as_version=4))
    assert "workbook edition written" in capsys.readouterr().out


# ---------------------------------------------------------------- the sync: never lose work

SOFTMAX, ADAM = "03_softmax.ipynb", "05_adam.ipynb"


@pytest.fixture
def course(tmp_path):
    """Copies of two labs and an empty place for the workbook."""
    labs = tmp_path / "labs"
    labs.mkdir()
    for name in (SOFTMAX, ADAM):
        shutil.copy2(ROOT / "labs" / name, labs / name)
    return labs, tmp_path / "workbook"


def run_sync(labs, folder):
    messages = []
    problems = workbook.sync(labs, folder, say=messages.append)
    assert all("\n" not in m and m.startswith("workbook: ") for m in messages)
    return problems, messages


def change_lab(labs, name, text="Added upstream."):
    nb = nbformat.read(labs / name, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.write(nb, labs / name)
    return workbook.workbook_notebook(nb)


def edit_exercise(folder, name):
    """Edit the stubbed exercise the way a student does; return the saved file's bytes."""
    nb = nbformat.read(folder / name, as_version=4)
    cell = next(c for c in nb.cells if role(c) == "exercise")
    cell.source = cell.source.replace("raise NotImplementedError", "return 42  # my try\n    # raise")
    nbformat.write(nb, folder / name)
    return (folder / name).read_bytes()


def save_like_jupyterlab(folder, name):
    """Run-and-save without edits: outputs, execution counts and new metadata, same sources."""
    nb = nbformat.read(folder / name, as_version=4)
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = n + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
        cell.metadata["execution"] = {"iopub.status.idle": "2026-11-30T10:00:00Z"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    (folder / name).write_text(json.dumps(nb, indent=1), encoding="utf-8")


def same_sources(path, nb):
    return workbook.file_hash(path) == workbook.sources_hash(nb.cells)


def test_first_sync_creates_the_workbook_and_its_manifest(course):
    labs, folder = course
    problems, messages = run_sync(labs, folder)
    assert problems == 0 and len(messages) == 1 and "2 notebook(s) written" in messages[0]
    assert sorted(p.name for p in folder.iterdir()) == [workbook.MANIFEST, SOFTMAX, ADAM]
    manifest = json.loads((folder / workbook.MANIFEST).read_text())
    assert set(manifest["notebooks"]) == {SOFTMAX, ADAM}
    assert run_sync(labs, folder) == (0, [])  # nothing changed: nothing said


def test_untouched_notebook_is_refreshed_even_after_jupyterlab_saved_it(course):
    labs, folder = course
    run_sync(labs, folder)
    save_like_jupyterlab(folder, SOFTMAX)
    new = change_lab(labs, SOFTMAX)
    problems, messages = run_sync(labs, folder)
    assert problems == 0 and messages == [f"workbook: workbook/{SOFTMAX} refreshed (its lab changed; you had "
                                          "not edited it)"]
    assert same_sources(folder / SOFTMAX, new)
    assert not list(folder.glob("*.updated*"))


def test_edited_notebook_is_kept_and_the_update_is_written_beside_it(course):
    labs, folder = course
    run_sync(labs, folder)
    mine = edit_exercise(folder, SOFTMAX)
    run_sync(labs, folder)  # the lab has not changed: nothing to write
    assert not list(folder.glob("*.updated*"))
    new = change_lab(labs, SOFTMAX)
    change_lab(labs, ADAM)
    _, messages = run_sync(labs, folder)
    assert (folder / SOFTMAX).read_bytes() == mine  # the edit is intact
    assert same_sources(folder / "03_softmax.updated.ipynb", new)  # the update is there
    assert same_sources(folder / ADAM, workbook.workbook_notebook(nbformat.read(labs / ADAM, as_version=4)))
    assert f"workbook: workbook/{SOFTMAX} has your edits: kept; the lab's current version is in " \
           "workbook/03_softmax.updated.ipynb" in messages
    assert run_sync(labs, folder) == (0, [])  # said once, not at every start

    newer = change_lab(labs, SOFTMAX, "Changed again.")  # the untouched .updated file is refreshed in place
    run_sync(labs, folder)
    assert same_sources(folder / "03_softmax.updated.ipynb", newer)
    assert not (folder / "03_softmax.updated-2.ipynb").exists()

    theirs = edit_exercise(folder, "03_softmax.updated.ipynb")  # an edited .updated file is never overwritten
    newest = change_lab(labs, SOFTMAX, "And again.")
    run_sync(labs, folder)
    assert (folder / "03_softmax.updated.ipynb").read_bytes() == theirs
    assert (folder / SOFTMAX).read_bytes() == mine
    assert same_sources(folder / "03_softmax.updated-2.ipynb", newest)


def test_deleted_notebook_is_recreated(course):
    labs, folder = course
    run_sync(labs, folder)
    (folder / ADAM).unlink()
    problems, messages = run_sync(labs, folder)
    assert problems == 0 and messages == [f"workbook: workbook/{ADAM} was missing: recreated from the lab"]
    assert (folder / ADAM).exists()


def test_missing_manifest_keeps_every_edited_notebook(course):
    labs, folder = course
    run_sync(labs, folder)
    mine = edit_exercise(folder, SOFTMAX)
    (folder / workbook.MANIFEST).unlink()
    problems, messages = run_sync(labs, folder)
    assert problems == 1 and f"{workbook.MANIFEST} is missing" in messages[0]
    assert (folder / SOFTMAX).read_bytes() == mine and (folder / "03_softmax.updated.ipynb").exists()
    assert not (folder / "05_adam.updated.ipynb").exists()  # identical to its lab: adopted as untouched
    assert (folder / workbook.MANIFEST).exists()


def test_corrupted_notebook_gets_a_clear_message_and_nothing_is_deleted(course):
    labs, folder = course
    run_sync(labs, folder)
    (folder / SOFTMAX).write_text('{"cells": [ {"cell_type": "code", "source": "half a', encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != workbook.MANIFEST}
    problems, messages = run_sync(labs, folder)
    assert problems == 1 and messages == [f"workbook: workbook/{SOFTMAX} is not valid JSON (line 1): left as it "
                                          "is; the lab's current version is in workbook/03_softmax.updated.ipynb"]
    assert all((folder / name).read_bytes() == data for name, data in before.items())
    assert (folder / "03_softmax.updated.ipynb").exists()
    _, again = run_sync(labs, folder)  # reminded at the next start, no second copy
    assert len(again) == 1 and "is not valid JSON" in again[0] and not (folder / "03_softmax.updated-2.ipynb").exists()


def run_sync_as_a_student(labs, folder):
    """`workbook.py sync` in a forked child, as nobody when we are root (root ignores permissions).

    Returns (exit code, everything the command printed). A fork, not a new interpreter: nobody
    may not be able to read the interpreter's own install (it lives under /root here).
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.close(read)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            os.dup2(write, 1)
            os.dup2(write, 2)
            sys.stdout = sys.stderr = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            code = workbook.main(["sync", "--labs", str(labs), "--workbook", str(folder)])
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            os._exit(code)
    os.close(write)
    with open(read, encoding="utf-8") as pipe:
        output = pipe.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output


def test_read_only_workbook_gets_a_clear_message_and_nothing_changes():
    base = Path(tempfile.mkdtemp(prefix="workbook-ro-"))  # not under pytest's tmp (mode 700): nobody reads it
    try:
        base.chmod(0o755)
        labs, folder = base / "labs", base / "workbook"
        labs.mkdir()
        shutil.copy2(ROOT / "labs" / SOFTMAX, labs / SOFTMAX)
        run_sync(labs, folder)
        edit_exercise(folder, SOFTMAX)
        change_lab(labs, SOFTMAX)
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        folder.chmod(0o555)
        code, output = run_sync_as_a_student(labs, folder)
        assert "Traceback" not in output, output
        assert output == ("workbook: cannot write workbook/03_softmax.updated.ipynb (Permission denied); your "
                          "files are unchanged. Make workbook/ writable (chmod u+w workbook/) and run `make lab` "
                          "again\n")
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
        assert code == 0  # the notebooks are there: JupyterLab can still open them
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base)


def test_the_sync_command_never_shows_a_traceback(tmp_path):
    labs = tmp_path / "labs"
    labs.mkdir()
    (labs / "01_broken.ipynb").write_text("not a notebook", encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), "sync", "--labs", str(labs), "--workbook",
                             str(tmp_path / "workbook")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert re.fullmatch(r"workbook: cannot read the lab 01_broken\.ipynb \(.*\); 01_broken\.ipynb left as it is\n",
                        result.stdout)


NOT_NOTEBOOKS = ["", "\xff\xfe", "[1, 2]", '{"cells": 3}', '{"cells": [1]}', '{"cells": [{"source": 5}]}']


@pytest.mark.parametrize("text", NOT_NOTEBOOKS)
def test_anything_that_is_not_a_notebook_is_kept_and_reported(course, text):
    labs, folder = course
    run_sync(labs, folder)
    (folder / ADAM).write_text(text, encoding="latin-1")
    problems, messages = run_sync(labs, folder)
    assert problems == 1 and messages[0].startswith(f"workbook: workbook/{ADAM} is not ")
    assert (folder / ADAM).read_text(encoding="latin-1") == text and (folder / "05_adam.updated.ipynb").exists()
