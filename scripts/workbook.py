"""The workbook: the labs as a student meets them, and the student's own folder of them.

    python scripts/workbook.py sync [--labs DIR] [--workbook DIR]   create or refresh workbook/ (`make lab`)
    python scripts/workbook.py student [--release] [LAB ...]        editions into build/student/ (`make student`;
                                                                   --release: without reveals, into build/release/)

The workbook edition of an answer-key lab (labs/NN_name.ipynb):
- every `### BEGIN SOLUTION` ... `### END SOLUTION` block becomes `# YOUR CODE HERE` and a
  `raise NotImplementedError("<exercise> is not written yet: ...")` at the block's indentation; the
  signature, docstring and template lines around the block stay;
- after the exercise's check cell and the hints that follow it (markdown cells starting with
  `<details>`), a collapsed markdown reveal holds the cell's full answer-key code;
- generated and stubbed cells carry `metadata.workbook.role` ("solution-reveal" / "exercise"), so
  the release edition can drop the reveals and tests can tell generated cells from lab cells.

Why every output is cleared: stored outputs are the answer key's. A ✅ under a check, a figure drawn
from a solved exercise or a printed result would give the answer away, and telling safe outputs
from revealing ones cell by cell is fragile as labs change. Everything else (cells, order, ids,
metadata) is kept as in the lab, so the workbook stays in step with the answer key: its cells are
the lab's cells in the lab's order, apart from the exercise blocks and the inserted reveals.

The workbook folder (git-ignored) is the student's. `sync` creates it, and never overwrites a
notebook the student has edited: it compares each notebook's cell sources with the ones it wrote
last time (hashes in workbook/.workbook-manifest.json), so outputs and metadata that JupyterLab
saves do not count as edits. An untouched notebook is refreshed when its lab changes; an edited one
is kept and the new version is written beside it (NAME.updated.ipynb, then NAME.updated-2.ipynb, ...,
never over a file the student may have changed). Problems are one-line messages; nothing is deleted.
"""
import argparse
import ast
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labrun import ROOT, lab_paths  # noqa: E402

STUDENT_OUT = ROOT / "build" / "student"
RELEASE_OUT = ROOT / "build" / "release"
WORKBOOK = ROOT / "workbook"
MANIFEST = ".workbook-manifest.json"

BEGIN = re.compile(r"^([ \t]*)### BEGIN SOLUTION")
END = re.compile(r"^[ \t]*### END SOLUTION")
DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)")
ASSIGN = re.compile(r"^[ \t]*(\w+)[ \t]*(?::[^=]*)?=(?!=)")
HEADING_EXERCISE = re.compile(r"\b(Exercise[ \t]+\d+)", re.I)
STUB_MESSAGE = "{what} is not written yet: write it in its exercise cell, or open the solution under that cell's hints."
# The release edition has no reveals, so its stub points at the check and the hints only.
RELEASE_STUB_MESSAGE = ("{what} is not written yet: write it in its exercise cell, then run the check after it "
                        "(hints under the check).")


# ---------------------------------------------------------------- the transform

def solution_blocks(source):
    """[(first line, last line, indent)] of every solution block (marker lines included)."""
    lines = source.splitlines()
    blocks, start = [], None
    for number, line in enumerate(lines):
        if BEGIN.match(line):
            if start is not None:
                raise ValueError("unbalanced solution markers: ### BEGIN SOLUTION inside another block")
            start, indent = number, BEGIN.match(line).group(1)
        elif END.match(line):
            if start is None:
                raise ValueError("unbalanced solution markers: ### END SOLUTION without a ### BEGIN SOLUTION")
            blocks.append((start, number, indent))
            start = None
    if start is not None:
        raise ValueError("unbalanced solution markers: every ### BEGIN SOLUTION needs an ### END SOLUTION")
    return blocks


def block_name(lines, start, indent, fallback):
    """The exercise a block belongs to: the `def` that holds it, else `fallback`, else what it assigns."""
    for line in reversed(lines[:start]):
        match = DEF.match(line)
        if match and len(match.group(1)) < len(indent):
            return match.group(2)
    if fallback:
        return fallback
    for line in lines[start + 1:]:
        match = ASSIGN.match(line)
        if match:
            return match.group(1)
    return "this exercise"


def stub(indent, what, message=STUB_MESSAGE):
    message = message.format(what=what).replace("\\", "\\\\").replace('"', '\\"')
    return [f"{indent}# YOUR CODE HERE", f'{indent}raise NotImplementedError("{message}")']


def blank_solutions(source, fallback=None, message=STUB_MESSAGE):
    """Return (source with every block stubbed, names of the exercises, in order)."""
    lines = source.splitlines()
    out, names, previous = [], [], 0
    for start, end, indent in solution_blocks(source):
        name = block_name(lines, start, indent, fallback)
        out += lines[previous:start] + stub(indent, name, message)
        names.append(name)
        previous = end + 1
    out += lines[previous:]
    blanked = "\n".join(out) + ("\n" if source.endswith("\n") else "")
    return blanked, names


def answer_code(source):
    """The answer-key code of a cell without its marker lines (what the reveal shows)."""
    return "\n".join(line for line in source.splitlines() if not (BEGIN.match(line) or END.match(line)))


def solution_lines(source):
    """The non-blank lines inside the solution blocks of a cell, stripped."""
    lines, inside = [], False
    for line in source.splitlines():
        if BEGIN.match(line) or END.match(line):
            inside = not inside
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def distinctive_solution_lines(lab):
    """Solution lines that appear nowhere else in the lab (so finding one elsewhere is a leak)."""
    outside = set()
    for cell in lab.cells:
        kept = cell.source if cell.cell_type == "markdown" else blank_solutions(cell.source)[0]
        outside.update(line.strip() for line in kept.splitlines())
    return {line for cell in lab.cells for line in solution_lines(cell.source)} - outside


def heading_exercise(cells, index):
    """"Exercise N" when the nearest markdown heading above cell `index` names one, else None."""
    for cell in reversed(cells[:index]):
        headings = re.findall(r"^#+[ \t].*$", cell.source, re.M) if cell.cell_type == "markdown" else []
        if headings:
            found = HEADING_EXERCISE.search(headings[-1])
            return re.sub(r"\s+", " ", found.group(1)).capitalize() if found else None
    return None


def checks_itself(source):
    """True when the cell calls a `check...` function at top level (its check sits in the same cell)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
               and isinstance(node.value.func, ast.Name) and node.value.func.id.startswith("check")
               for node in tree.body)


def is_exercise(cell):
    return cell.cell_type == "code" and bool(re.search(r"^[ \t]*### BEGIN SOLUTION", cell.source, re.M))


def is_hint(cell):
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith("<details>")


def exercise_layout(cells):
    """[(exercise cell, check cell, cell the reveal follows)] as indices into the answer key's cells.

    The check is the next code cell, or the exercise cell itself when it calls its check (or when
    the next code cell is another exercise); hints are the `<details>` cells right after the check.
    """
    layout = []
    for i, cell in enumerate(cells):
        if not is_exercise(cell):
            continue
        following = next((j for j in range(i + 1, len(cells)) if cells[j].cell_type == "code"), None)
        check = i if checks_itself(cell.source) or following is None or is_exercise(cells[following]) \
            else following
        after = check
        while after + 1 < len(cells) and is_hint(cells[after + 1]):
            after += 1
        layout.append((i, check, after))
    return layout


def fence(code):
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def reveal_cell(exercise, names):
    code = answer_code(exercise.source).strip("\n")
    ticks = fence(code)
    title = ", ".join(dict.fromkeys(names))
    cell = nbformat.v4.new_markdown_cell(
        f"<details><summary>Solution: {title}</summary>\n\n"
        f"The exercise cell as the answer key writes it. Stuck? Copy it into the cell above and run on.\n\n"
        f"{ticks}python\n{code}\n{ticks}\n\n</details>")
    cell.id = f"{exercise.id}-solution"[:64] if exercise.get("id") else cell.id
    cell.metadata = {"workbook": {"role": "solution-reveal", "exercise": title}}
    return cell


def workbook_notebook(nb, reveals=True):
    """The workbook edition of an answer-key notebook (reveals=False: the release edition)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a deep copy: the lab is never changed
    cells = nb.cells
    reveal_after = {}
    for i, _check, after in exercise_layout(cells):
        blanked, names = blank_solutions(cells[i].source, heading_exercise(cells, i),
                                         STUB_MESSAGE if reveals else RELEASE_STUB_MESSAGE)
        if reveals:
            reveal_after.setdefault(after, []).append(reveal_cell(cells[i], names))
        cells[i].source = blanked
        cells[i].metadata["workbook"] = {"role": "exercise", "exercises": names}
    out = []
    for i, cell in enumerate(cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        out.append(cell)
        out += reveal_after.get(i, [])
    nb.cells = out
    return nb


def release_notebook(nb):
    """The release edition (issue 15): the workbook without solution reveals; its stubs name no reveal."""
    return workbook_notebook(nb, reveals=False)


def write_editions(names=(), release=False, out=None):
    """Write the workbook (or release) edition of each lab from scratch; return the paths written."""
    out = Path(out or (RELEASE_OUT if release else STUDENT_OUT))
    written = []
    out.mkdir(parents=True, exist_ok=True)
    for path in lab_paths(names):
        nb = workbook_notebook(nbformat.read(path, as_version=4), reveals=not release)
        nbformat.write(nb, out / path.name)
        written.append(out / path.name)
        print(f"{path.name}: {'release' if release else 'workbook'} edition written to {out / path.name}")
    return written


# ---------------------------------------------------------------- the student's folder

def sources_hash(cells):
    """Hash of the cells' types and sources: what the student writes, not outputs or metadata."""
    pairs = [[c.get("cell_type"), "".join(c.get("source", ""))] for c in cells]
    return hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode()).hexdigest()


class Unreadable(Exception):
    """A file in the workbook that is not a notebook (the message says why)."""


def file_hash(path):
    """sources_hash of a notebook file as saved (any nbformat 4 JSON); Unreadable if it is not one."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if not isinstance(cells, list):
            raise TypeError
        return sources_hash(cells)
    except UnicodeDecodeError as err:
        raise Unreadable("is not text") from err
    except json.JSONDecodeError as err:
        raise Unreadable(f"is not valid JSON (line {err.lineno})") from err
    except (KeyError, TypeError, AttributeError) as err:
        raise Unreadable("is not a notebook (no list of cells)") from err


def write_atomic(path, text):
    """Write through a temporary file, so an interrupted write never leaves half a notebook."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def updated_name(name, n):
    stem = name.removesuffix(".ipynb")
    return f"{stem}.updated.ipynb" if n == 1 else f"{stem}.updated-{n}.ipynb"


class Sync:
    """One run of the sync over a workbook folder; `say` prints its one-line messages."""

    def __init__(self, labs, folder, say=print):
        self.labs, self.folder, self.say = list(labs), Path(folder), say
        self.created, self.problems, self.refused = [], 0, False
        self.shown = self.folder.name + "/"

    def warn(self, message):
        self.problems += 1
        self.say(f"workbook: {message}")

    def run(self):
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self.warn(f"cannot create {self.folder} ({err.strerror or err}); check the folder's permissions")
            return self.problems
        manifest = self.load_manifest()
        for lab in self.labs:
            self.sync_one(lab, manifest)
        if self.created:
            self.say(f"workbook: {len(self.created)} notebook(s) written to {self.shown} "
                     f"(your own copies of the labs; your edits there are kept)")
        self.save_manifest(manifest)
        return self.problems

    def load_manifest(self):
        path = self.folder / MANIFEST
        if not path.exists():
            if any(self.folder.glob("*.ipynb")):
                self.warn(f"{MANIFEST} is missing: every notebook that differs from its lab counts as your "
                          "work (kept; new versions go beside it)")
            return {"format": 1, "notebooks": {}}
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(manifest.get("notebooks"), dict):
                raise ValueError
            return manifest
        except (OSError, ValueError, AttributeError):
            self.warn(f"{MANIFEST} is unreadable: every notebook that differs from its lab counts as your work")
            return {"format": 1, "notebooks": {}}

    def save_manifest(self, manifest):
        self.write(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")

    def write(self, name, text):
        """Write one file; False when the folder refuses it (said once: later writes are not tried)."""
        if self.refused:
            return False
        try:
            write_atomic(self.folder / name, text)
            return True
        except OSError as err:
            self.refused = True
            self.warn(f"cannot write {self.shown}{name} ({err.strerror or err}); your files are unchanged. "
                      f"Make {self.shown} writable (chmod u+w {self.shown}) and run `make lab` again")
            return False

    def sync_one(self, lab, manifest):
        name = lab.name
        try:
            nb = workbook_notebook(nbformat.read(lab, as_version=4))
        except Exception as err:  # a broken lab must not stop the other notebooks
            self.warn(f"cannot read the lab {lab.name} ({err}); {name} left as it is")
            return
        text = nbformat.writes(nb) + "\n"
        new = sources_hash(nb.cells)
        entry = manifest["notebooks"].setdefault(name, {})
        target = self.folder / name
        if not target.exists():
            known = "sources" in entry
            if self.write(name, text):
                entry.update(sources=new, updated={})
                if known:
                    self.say(f"workbook: {self.shown}{name} was missing: recreated from the lab")
                else:
                    self.created.append(name)
            return
        try:
            current = file_hash(target)
        except (Unreadable, OSError) as err:
            reason = str(err) if isinstance(err, Unreadable) else f"cannot be read ({err.strerror})"
            self.beside(name, text, new, entry, f"{self.shown}{name} {reason}: left as it is", remind=True)
            return
        if current == new:
            entry["sources"] = new
        elif current == entry.get("sources"):
            if self.write(name, text):
                entry.update(sources=new, updated={})
                self.say(f"workbook: {self.shown}{name} refreshed (its lab changed; you had not edited it)")
        elif new != entry.get("sources"):
            self.beside(name, text, new, entry, f"{self.shown}{name} has your edits: kept")

    def beside(self, name, text, new, entry, why, remind=False):
        """Write the lab's new version next to a notebook that must stay as it is."""
        updated = entry.setdefault("updated", {})
        for file, recorded in updated.items():  # this version is already beside it: no second copy
            if recorded == new and (self.folder / file).exists():
                if remind:
                    self.warn(f"{why}; the lab's current version is in {self.shown}{file}")
                return
        file = self.free_updated_name(name, updated)
        if self.write(file, text):
            updated[file] = new
            message = f"{why}; the lab's current version is in {self.shown}{file}"
            self.warn(message) if remind else self.say(f"workbook: {message}")

    def free_updated_name(self, name, updated):
        """The first NAME.updated*.ipynb that is absent, or that this sync wrote and nobody edited since."""
        n = 1
        while True:
            file = updated_name(name, n)
            path = self.folder / file
            if not path.exists():
                return file
            try:
                if file in updated and file_hash(path) == updated[file]:
                    return file
            except (Unreadable, OSError):
                pass
            n += 1


def sync(labs_dir=None, folder=WORKBOOK, say=print):
    """Create or refresh the workbook folder from the labs; return the number of problems reported."""
    labs = sorted(Path(labs_dir).glob("[0-9][0-9]_*.ipynb")) if labs_dir else lab_paths()
    return Sync(labs, folder, say).run()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sync_cmd = commands.add_parser("sync", help="create or refresh the workbook folder")
    sync_cmd.add_argument("--labs", help="folder of answer-key labs (default: labs/)")
    sync_cmd.add_argument("--workbook", default=str(WORKBOOK), help="the workbook folder (default: workbook/)")
    editions = commands.add_parser("student", help="workbook editions into build/student/")
    editions.add_argument("--release", action="store_true", help="without solution reveals, into build/release/")
    editions.add_argument("labs", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "sync":
        try:
            sync(args.labs, Path(args.workbook))
        except Exception as err:  # never a traceback at the student: say it in one line
            print(f"workbook: sync stopped ({type(err).__name__}: {err}); your files are unchanged")
        return 0 if Path(args.workbook).is_dir() else 1
    write_editions(args.labs, release=args.release)
    return 0


if __name__ == "__main__":
    sys.exit(main())
