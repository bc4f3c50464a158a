"""Exercise checks: one runner, one result type, one printer.

Every exercise check goes through `run_check`, which calls the student's function on each `Case`
next to a reference and collects a `CheckResult`; a check that needs its own loop (Adam's states
over several steps) builds the same `CheckResult` itself. `show` prints every result the same way.

For a student a check never raises: it prints one pass line, "not written yet", or what is wrong
with hints. Under a grader it prints the same and then raises `CheckFailed`, so the grade for that
exercise is 0 (`grading()` says when: nbgrader sets NBGRADER_EXECUTION while it autogrades or
validates). Checks return their result, so code (and tests) can read it.
"""
import inspect
import os
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

PASS = "✅"
FAIL = "❌"
TODO = "✏️"
GRADING_VARIABLE = "NBGRADER_EXECUTION"


def grading():
    """True while nbgrader autogrades or validates the notebook: failed checks must then raise."""
    return os.environ.get(GRADING_VARIABLE, "").lower() in ("autograde", "validate")


class CheckFailed(AssertionError):
    """Raised by `show` under a grader when a check did not pass."""


@dataclass
class Case:
    """One input to try: positional args, keyword args and a label the student can read."""

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    expected: object = None  # the right answer, when it does not come from calling a reference
    about: object = None  # anything a diagnosis needs to know about the case
    show_input: bool = True  # False when the label already says what the input is

    def call(self, fn):
        return fn(*self.args, **self.kwargs)

    def describe(self):
        if not self.show_input:
            return self.label
        shown = ", ".join([_short(a) for a in self.args]
                          + [f"{k}={_short(v)}" for k, v in self.kwargs.items()])
        return f"{self.label}: input ({shown})"


@dataclass(frozen=True)
class Mistake:
    """A typical mistake and its feedback ladder: steps from general (what is wrong, and the idea
    behind it) to specific. The same mistake seen again shows the next step; none is the solution."""

    key: str
    steps: tuple

    def __post_init__(self):
        if isinstance(self.steps, str) or not self.steps or not all(isinstance(s, str) for s in self.steps):
            raise TypeError(f"Mistake({self.key!r}, steps) needs a tuple of one or more hint texts")

    @classmethod
    def of(cls, hint):
        """A Mistake as is; a plain hint text as a one-step mistake keyed by its text."""
        return hint if isinstance(hint, Mistake) else cls(hint, (hint,))


# (exercise name, mistake key) -> how many times a printed check has shown that mistake
_TIMES_SHOWN = {}


def _step(exercise, mistake):
    """(the ladder step due now, whether it is a new, closer step than the one shown last time):
    the first step on a mistake's first showing, then one more each time, the last one repeating."""
    seen = _TIMES_SHOWN.get((exercise, mistake.key), 0)
    return mistake.steps[min(seen, len(mistake.steps) - 1)], 0 < seen < len(mistake.steps)


@dataclass
class Problem:
    """One thing wrong: where it occurred (a case), what is wrong, and the mistakes that may cause it.

    hints holds plain texts or Mistakes (ladders); a plain text is a one-step ladder.
    """

    where: str
    what: str
    hints: list = field(default_factory=list)

    def mistakes(self):
        return [Mistake.of(hint) for hint in self.hints]

    def hint_lines(self, exercise=None, already=None):
        """One line per mistake; a mistake in `already` (shown above in the same result) is skipped."""
        lines = []
        for mistake in self.mistakes():
            if already is not None:
                if mistake.key in already:
                    continue
                already.add(mistake.key)
            text, closer = _step(exercise, mistake) if exercise else (mistake.steps[0], False)
            lines.append(f"Hint{' (a closer look: this came up before)' if closer else ''}: {text}")
        return lines

    def text(self, exercise=None, already=None):
        lines = [f" - {self.where}" if self.where else f" - {self.what}"]
        if self.where:
            lines.append(f"   {self.what}")
        lines += [f"   {line}" for line in self.hint_lines(exercise, already)]
        return "\n".join(lines)


@dataclass
class CheckResult:
    """What a check found: the exercise's name, how many checks ran, the problems (none: passed).

    not_written holds the message of the stub's NotImplementedError when the exercise is still
    blank; note is one general line shown under the problems (a hint, or what did not run yet);
    on_pass says what a pass means.
    """

    name: str
    checked: int
    problems: list = field(default_factory=list)
    not_written: str | None = None
    note: str | None = None
    on_pass: str | None = None  # what a pass means, added to the pass line
    failures: int | None = None  # failing cases, when one problem stands for several
    subject: object = field(default=None, repr=False, compare=False)  # the student's object judged
    shown: bool = field(default=False, repr=False, compare=False)

    @property
    def passed(self):
        return not self.problems and self.not_written is None

    def messages(self):
        """Each problem as one text (where, what, hints): for tests and tools that read results."""
        return [problem.text()[3:] for problem in self.problems]

    LIMIT = 3  # problems printed; the rest are counted ("... and 2 more")

    def printed_problems(self):
        return self.problems[:self.LIMIT]

    def text(self, limit=None, ladder=False):
        """The printed feedback; ladder=True shows each mistake's step due now (show() does this)."""
        exercise = self.name if ladder else None
        if self.not_written is not None:
            return (f"{TODO} {self.name}: not written yet, or its `raise NotImplementedError` line is still "
                    "there. Write your code in the exercise cell above, delete that line, run the cell, then "
                    "this check again; if you are stuck, open the hints below.")
        if self.passed:
            meaning = f" ({self.on_pass})" if self.on_pass else ""
            count = "the check passed" if self.checked == 1 else f"all {self.checked} checks passed"
            return f"{PASS} {self.name}: {count}{meaning}."
        failed = self.failures or len(self.problems)
        if len(self.problems) == 1 and not self.problems[0].where:  # one overall problem: say it in the head line
            only = self.problems[0]
            return "\n".join([f"{FAIL} {self.name}: {only.what}"] + only.hint_lines(exercise)
                              + ([self.note] if self.note else []))
        head = (f"{FAIL} {self.name}: " + (f"{failed} of {self.checked} checks failed."
                                           if failed <= self.checked else f"{failed} problems found."))
        limit = self.LIMIT if limit is None else limit
        already = set()  # a mistake seen in several cases gets its hint once, at the first
        lines = [head] + [problem.text(exercise, already) for problem in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f" - ... and {len(self.problems) - limit} more")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _ipython_display_(self):  # a result at the end of a cell prints once, not twice
        if not self.shown:
            print(self.text())


# exercise name -> [(the student's object a printed check judged, whether it passed)], newest last
_VERDICTS = {}


def show(result):
    """Print a check's result; under a grader a result that did not pass then raises CheckFailed."""
    print(result.text(ladder=True))
    result.shown = True
    # the next run that shows the same mistake climbs its ladder one step, however many cases showed it;
    # a mistake behind "... and N more" was not shown, so its ladder stays where it is
    for key in {mistake.key for problem in result.printed_problems() for mistake in problem.mistakes()}:
        _TIMES_SHOWN[result.name, key] = _TIMES_SHOWN.get((result.name, key), 0) + 1
    verdicts = [v for v in _VERDICTS.get(result.name, []) if v[0] is not result.subject]
    _VERDICTS[result.name] = verdicts[-7:] + [(result.subject, result.passed)]
    if grading() and not result.passed:
        raise CheckFailed(f"{result.name}: the check did not pass (see above)")
    return result


def notebook_namespace():
    """The notebook's global names (IPython's user namespace), or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return None if shell is None else shell.user_ns


# names of exercises that cells build on (see warn_unless_passed): a NameError for one of them means
# its exercise cell has not run yet, and lab_setup's error display says so in one line
EXERCISE_NAMES = set()


def warn_unless_passed(name):
    """For a cell that builds on an exercise: one warning line unless the exercise's current version
    (what the notebook's `name` holds now) has passed its check. A check run on something else in
    between (a scratch function) changes nothing. When `name` is not defined yet, nothing is printed
    here: the cell's NameError is shown as one line naming the exercise cell to run first."""
    EXERCISE_NAMES.add(name)
    verdicts = _VERDICTS.get(name, [])
    namespace = notebook_namespace()
    if namespace is not None and name not in namespace:
        return
    if namespace is not None and name in namespace:
        verdicts = [v for v in verdicts if v[0] is namespace[name] or v[0] is None]
    if not verdicts or not verdicts[-1][1]:
        state = "has not been checked yet" if not verdicts else "has not passed its check"
        print(f"⚠️ {name} {state}: what follows comes from your version and may differ from the lab's.")


def _short(value, limit=60):
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    text = np.array2string(np.asarray(value), precision=4, separator=", ", threshold=8) \
        if isinstance(value, (list, tuple, np.ndarray)) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fmt(x):
    return f"{x:.6g}" if isinstance(x, (float, np.floating)) else repr(x)


def compare_arrays(got, expected, atol=1e-6, rtol=1e-5):
    """Return None when got matches expected, else a one-line description of the difference."""
    if got is None:
        return "returned None (is a `return` statement missing?)"
    try:
        with np.errstate(all="ignore"):
            got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"returned a {type(got).__name__}, expected an array of numbers"
    exp_arr = np.asarray(expected, dtype=float)
    if np.asarray(got).dtype == bool and np.asarray(expected).dtype != bool:
        return ("holds True/False where numbers are asked: turn the comparison's result into numbers of "
                "the kind the task asks for")
    if got_arr.shape != exp_arr.shape:
        return f"has shape {got_arr.shape}, expected shape {exp_arr.shape}"
    if np.isnan(got_arr).any() and not np.isnan(exp_arr).any():
        first = tuple(int(i) for i in np.argwhere(np.isnan(got_arr))[0])
        return f"contains nan (first at index {first}); expected {_fmt(exp_arr[first])}"
    close = np.isclose(got_arr, exp_arr, atol=atol, rtol=rtol, equal_nan=True)
    if close.all():
        return None
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    where = f" at index {first[0] if len(first) == 1 else first}" if first else ""
    return (f"differs{where}: got {_fmt(got_arr[first])}, expected {_fmt(exp_arr[first])} "
            f"(max difference {np.nanmax(np.abs(got_arr - exp_arr)):.3g})")


# ------------------------------------------------------------------- one rule for every lab

def _normalised(text):
    return "".join(ch for ch in text.lower() if ch not in " -_")


def choice(text, options):
    """(option, None) when text spells one of options (case, spaces, hyphens and underscores aside),
    else (None, a one-line message listing the options). No synonyms: the options are the words."""
    listed = ", ".join(repr(o) for o in options)
    if not isinstance(text, str):
        return None, f"expected one of {listed} as a string, got {type(text).__name__}"
    for option in options:
        if _normalised(text) == _normalised(option):
            return option, None
    return None, f"{text!r} is not one of the choices: {listed}"


def claim(ok, shows, changed, got=None):
    """What a lab cell proves (instead of a bare assert): silent while it holds, else one line.
    Returns whether it holds (so a cell can skip what needs it); on a cell's last line write `_ = claim(...)`.

    shows: what the cell expected ("ReLU's loss ends below half of sigmoid's");
    changed: what a student may have changed to make it fail ("the epochs in the cell above");
    got: optional, what came out instead (a short text or a number).
    """
    if ok:
        return True
    instead = f" (got {got})" if got is not None else ""
    print(f"⚠️ The lab expected {shows}, and that is no longer so{instead}. This is expected after a "
          f"change to {changed}; with the lab's own code the cell shows it again.")
    return False


def _is_data(value):
    """A value a function should get through its arguments: numbers, arrays, tensors, containers."""
    import types

    if isinstance(value, (types.ModuleType, type)) or callable(value):
        return False
    return isinstance(value, (int, float, complex, str, list, tuple, dict, set, np.ndarray, np.generic)) \
        or type(value).__module__.startswith(("tensorflow", "keras"))


def _globals_loaded(code):
    import dis

    names = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for const in code.co_consts:  # nested functions, lambdas and comprehensions
        if hasattr(const, "co_code"):
            names |= _globals_loaded(const)
    return names


def notebook_data_read(fn):
    """One line naming the notebook data a student's function reads instead of its arguments, or None.

    Only functions defined in the notebook count; UPPER_CASE constants and _private names are left alone.
    """
    code, namespace = getattr(fn, "__code__", None), getattr(fn, "__globals__", None)
    if code is None or not namespace or namespace.get("__name__") != "__main__":
        return None
    read = sorted(n for n in _globals_loaded(code) if n in namespace and not n.isupper()
                  and not n.startswith("_") and _is_data(namespace[n]))
    if not read:
        return None
    shown = ", ".join(f"`{n}` (= {_short(namespace[n], 30)}{_where_set(n)})" for n in read[:3])
    return (f"your {getattr(fn, '__name__', 'function')} reads the notebook's {shown}, not its own "
            "arguments: the check calls it with other inputs, so work only from the arguments it is given")


def _where_set(name):
    """' set in the cell that starts `...`' from IPython's input history, or ''."""
    import ast

    namespace = notebook_namespace() or {}
    for source in reversed(namespace.get("_ih", [])):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        if any(isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
               for statement in tree.body if not isinstance(statement, (ast.FunctionDef, ast.ClassDef))
               for node in ast.walk(statement)):
            first = next((line.strip() for line in source.splitlines()
                          if line.strip() and not line.strip().startswith("#")), "")
            return f", set in the cell that starts `{_short_text(first)}`"
    return ""


def _short_text(text, limit=50):
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------------------ the runner

# The usual cause of an exception raised by a student's function: (test on the exception, hint).
EXCEPTION_HINTS = [
    (lambda e: isinstance(e, (TypeError, AttributeError)) and "list" in str(e),
     "the input can be a plain Python list, which has no array arithmetic: turn it into a NumPy array "
     "of floats first (NumPy has a function that makes one from a list)"),
    (lambda e: any(text in str(e) for text in ("truth value of an array", "only length-1 arrays",
                                               "only 0-dimensional arrays", "only size-1 arrays")),
     "`if z > 0:`, Python's own max() and the math module work on one number at a time: work on "
     "the whole array at once with NumPy's element-wise functions"),
    (lambda e: "broadcast" in str(e),
     "two arrays of shapes that do not fit met in one operation: print their .shape; a sum or max "
     "can keep the axis it reduces (see its keepdims option), so the result lines up with the rows again"),
    (lambda e: isinstance(e, np.exceptions.AxisError),
     "that axis does not exist for this input: NumPy also counts axes from the end, and the last axis "
     "is there for a vector and for a batch of rows alike"),
    (lambda e: isinstance(e, NameError),
     "a name your function uses is not defined: is it spelt as above, and defined inside the "
     "function or in a cell you have run?"),
    (lambda e: isinstance(e, IndexError),
     "an index is out of range: print the shapes, and check where your loop starts and stops"),
    (lambda e: isinstance(e, ZeroDivisionError), "a division by zero: which value can be 0 here?"),
    (lambda e: isinstance(e, RecursionError), "your function calls itself without end"),
]


def exception_hint(exc):
    """The usual cause of an exception raised by student code, or None."""
    for test, hint in EXCEPTION_HINTS:
        if test(exc):
            return hint
    return None


def _failing_line(exc):
    """The last line of the student's own code in the traceback, e.g. 'return a >= b' (or None)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "site-packages" not in f.filename and "/utils/" not in f.filename.replace("\\", "/")
              and f.line]
    return frames[-1].line.strip() if frames else None


def describe_exception(exc):
    line = _failing_line(exc)
    return f"raised {type(exc).__name__}{f' at `{line}`' if line else ''}: {exc}"


def not_a_function(fn, name):
    """The problem when a check is given something other than a function."""
    return Problem("", f"expected a function, got {type(fn).__name__}: pass the function itself, "
                       f"for example check({name}), not check({name}(...))")


def _as_hints(found):
    """A diagnosis (a text, a Mistake, or a list of these) as a list of hints."""
    if not found:
        return []
    return [found] if isinstance(found, (str, Mistake)) else [h for h in found if h]


def safe_hints(diagnose, *args):
    """diagnose(*args) as a list of hints; an odd student result must never make the hint code raise."""
    if diagnose is None:
        return []
    try:
        return _as_hints(diagnose(*args))
    except Exception:  # the hint is optional; the problem itself is already reported
        return []


def _copy_inputs(case):
    copy = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case.args]
    return Case(case.label, tuple(copy), dict(case.kwargs), case.expected, case.about, case.show_input)


def _changed(case, used):
    """(position, index of the first changed entry or None, the array now) of the first input array the
    student's function changed, or None."""
    for position, (a, b) in enumerate(zip(case.args, used.args, strict=True)):
        if not isinstance(a, np.ndarray) or np.array_equal(a, b, equal_nan=True):
            continue
        if a.shape != np.shape(b):
            return position, None, np.asarray(b)
        same = (a == b) | (np.isnan(a) & np.isnan(b)) if a.dtype.kind in "fc" else a == b
        return position, tuple(int(i) for i in np.argwhere(~same)[0]), np.asarray(b)
    return None


def _changed_input(fn, case, changed):
    """The problem and the hint for a function that changed its input array."""
    position, index, after = changed
    try:
        name = list(inspect.signature(fn).parameters)[position]
    except (TypeError, ValueError, IndexError):
        name = f"argument {position + 1}"
    before = case.args[position]
    if index is None:
        return (f"right values, but your function changed its input array in place: `{name}` had shape "
                f"{before.shape}, now {after.shape}"), ["work on a copy so the caller's array stays as it was"]
    where = f"{name}[{index[0] if len(index) == 1 else ', '.join(map(str, index))}]" if index else name
    what = (f"right values, but your function changed its input array in place: `{where}` is now "
            f"{after[index].item()!r}, it was {before[index].item()!r}")
    rounding = np.isclose(after[index], before[index], rtol=1e-9, atol=1e-12)
    hint = ("adding a number and then subtracting it does not always give back the same float: keep the "
            "entry's old value and put that value back, or nudge a copy" if rounding else
            f"work on a copy (`{name} = {name} - ...` or `{name}.copy()`), so the caller's array stays as it was")
    return what, [hint]


def call_student(fn, case, watch_warnings=False):
    """Call fn on a copy of the case's inputs; return (result, exception, warning text, changed input)."""
    used = _copy_inputs(case)
    with warnings.catch_warnings(record=True) as caught, \
            (np.errstate(over="warn", invalid="warn", divide="warn", under="ignore") if watch_warnings
                                   else np.errstate(all="ignore")):
        warnings.simplefilter("always" if watch_warnings else "ignore")
        try:
            got = used.call(fn)
        except Exception as exc:  # the student's code: reported, never raised
            return None, exc, None, False
    runtime = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return got, None, (runtime[0] if runtime else None), _changed(case, used)


def _same_exception_everywhere(result, exceptions):
    """One problem instead of n identical ones when the function raised the same error every time."""
    kinds = {type(e) for e in exceptions}
    if len(exceptions) == result.checked and len(kinds) == 1 and result.checked > 1:
        first = result.problems[0]
        result.problems = [Problem(f"every one of the {result.checked} cases", first.what, first.hints)]
        result.failures = result.checked


def run_check(name, fn, reference, cases, *, atol=1e-6, rtol=1e-5, compare=None, diagnose=None,
              explain_exception=None, watch_warnings=True, warning_hint=None, note=None):
    """Run fn and reference on every case and return a CheckResult (not printed).

    reference=None: each case carries its right answer in case.expected.
    compare(got, expected, case) -> message or None: how to compare (default: compare_arrays);
    diagnose(case, got, expected) -> hint, list of hints or None: name every typical mistake seen;
    explain_exception(exc, case) -> hint or None: before the generic hint of EXCEPTION_HINTS;
    (a hint is a text, a Mistake, or a list of these.)
    watch_warnings: a NumPy RuntimeWarning (overflow, ...) is a problem, explained by warning_hint(text)
    (on in every lab: one rule; switch it off only where the right answer must warn);
    note: a general line printed under the problems when something failed.
    A NotImplementedError (the workbook's stub) means "not written yet", and nothing else is reported.
    """
    result = CheckResult(name, len(cases), subject=fn)
    if not callable(fn):
        result.checked, result.problems = 1, [not_a_function(fn, name)]
        return result
    exceptions = []
    for case in cases:
        expected = case.expected if reference is None else case.call(reference)
        got, exc, warned, changed = call_student(fn, case, watch_warnings)
        if isinstance(exc, NotImplementedError):
            result.not_written, result.problems = str(exc) or f"{name} is not written yet", []
            return result
        if exc is not None:
            exceptions.append(exc)
            hint = safe_hints(explain_exception, exc, case) or _as_hints(exception_hint(exc))
            result.problems.append(Problem(case.describe(), describe_exception(exc), hint))
            continue
        difference = (compare or (lambda g, e, c: compare_arrays(g, e, atol=atol, rtol=rtol)))(got, expected, case)
        if difference:
            result.problems.append(Problem(case.describe(), f"your result {difference}",
                                           safe_hints(diagnose, case, got, expected)))
        elif changed:
            result.problems.append(Problem(case.describe(), *_changed_input(fn, case, changed)))
        elif warned:
            result.problems.append(Problem(case.describe(), f"right values, but NumPy warned: {warned}",
                                           safe_hints(warning_hint, warned)
                                           or ["make your function run without NumPy warnings"]))
    _same_exception_everywhere(result, exceptions)
    result.note = note if result.problems else None
    read = notebook_data_read(fn)
    if read and result.problems:  # the likely cause first
        result.problems.insert(0, Problem("", read))
    elif read:
        result.note = f"Note: {read}"
    return result


def check_function(fn, reference, cases, name=None, **options):
    """Compare fn with reference on each Case, print the result and return it (see run_check)."""
    return show(run_check(name or getattr(fn, "__name__", "your function"), fn, reference, cases, **options))


def compare(label, got, expected, atol=1e-6):
    """Print whether got and expected agree to within atol; when they do not, by how much.

    Only the verdict at the tolerance is printed for a match: the size of a difference below it is
    float round-off, which changes with the CPU, the BLAS kernel and the thread count.
    """
    got_arr = np.asarray(got, dtype=float)
    exp_arr = np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        print(f"{label:<28} shapes differ: {got_arr.shape} vs {exp_arr.shape}")
        return
    diff = float(np.max(np.abs(got_arr - exp_arr))) if got_arr.size else 0.0
    agree = diff <= atol
    detail = "" if agree else f" (largest difference {diff:.1e})"
    print(f"{label:<28} agree to within {atol:g}: {agree}{detail}")


# ---------------------------------------------------------------------------- Keras models

@dataclass(frozen=True)
class Layer:
    """What a layer of the expected model must be; attributes left as None are not checked."""

    kind: str = "Dense"
    units: int | None = None
    activation: str | None = None
    filters: int | None = None
    kernel_size: tuple | int | None = None
    strides: tuple | int | None = None

    def describe(self):
        parts = [f"{k}={v!r}" for k, v in self._fields().items()]
        return f"{self.kind}({', '.join(parts)})"

    def _fields(self):
        names = ("units", "filters", "kernel_size", "strides", "activation")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def _layer_value(layer, attribute):
    value = getattr(layer, attribute, None)
    if attribute == "activation" and value is not None:
        return getattr(value, "__name__", str(value))
    if isinstance(value, (tuple, list)) and len(value) == 1:
        return value[0]
    return value


def describe_layer(layer):
    names = ("units", "filters", "kernel_size", "strides", "activation")
    parts = [f"{n}={_layer_value(layer, n)!r}" for n in names if hasattr(layer, n)]
    return f"{type(layer).__name__}({', '.join(parts)})"


def evaluate_model(model, layers, input_shape=None, loss=None, from_logits=None):
    """Return the differences between a Keras model and the expected architecture."""
    import keras

    if model is None:
        return ["got None instead of a model: does your function `return` the model?"]
    if not isinstance(model, keras.Model):
        return [f"expected a Keras model (tf.keras.Sequential([...])), got {type(model).__name__}"]
    problems = []
    if input_shape is not None:
        try:
            got_shape = tuple(model.input_shape[1:])
        except (AttributeError, ValueError):
            got_shape = None
        if got_shape is None:
            problems.append(f"the model does not know its input shape: each example has shape {tuple(input_shape)}, "
                            "and the model's first item must say so (the lab's models show how)")
        elif got_shape != tuple(input_shape):
            problems.append(f"input shape is {got_shape}, expected {tuple(input_shape)} "
                            "(one value per feature of an example)")
    got_layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if len(got_layers) != len(layers):
        problems.append(
            f"has {len(got_layers)} layers, expected {len(layers)}.\n   expected: "
            + ", ".join(spec.describe() for spec in layers)
            + "\n   yours:    " + (", ".join(describe_layer(lay) for lay in got_layers) or "none"))
        return problems
    for i, (spec, layer) in enumerate(zip(layers, got_layers, strict=True), start=1):
        if type(layer).__name__ != spec.kind:
            problems.append(f"layer {i} is {type(layer).__name__}, expected {spec.kind}")
            continue
        for attribute, expected in spec._fields().items():
            got = _layer_value(layer, attribute)
            if got != expected:
                problems.append(f"layer {i} ({spec.kind}) has {attribute}={got!r}, expected {expected!r}")
    if loss is not None or from_logits is not None:
        problems += _evaluate_compile(model, loss, from_logits)
    return problems


def _loss_name(loss):
    import keras

    if isinstance(loss, str):
        return keras.losses.get(loss).__name__ if callable(keras.losses.get(loss)) else loss
    if hasattr(loss, "fn"):  # a Loss instance wraps its function
        return loss.fn.__name__
    return getattr(loss, "__name__", type(loss).__name__)


def _evaluate_compile(model, loss, from_logits):
    if not getattr(model, "compiled", False) or getattr(model, "loss", None) is None:
        return ["the model is not compiled: call model.compile(loss=..., optimizer=...)"]
    problems = []
    got = model.loss
    if loss is not None and _loss_name(got) != _loss_name(loss):
        problems.append(f"compiled with loss {_loss_name(got)!r}, expected {_loss_name(loss)!r}")
    if from_logits is not None:
        got_logits = bool(got.get_config().get("from_logits", False)) if hasattr(got, "get_config") else False
        if got_logits != from_logits:
            layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
            linear = bool(layers) and _layer_value(layers[-1], "activation") == "linear"
            problems.append(f"loss has from_logits={got_logits}, expected from_logits={from_logits}"
                            + (" (the last layer is linear, so its outputs are logits)"
                               if from_logits and linear else ""))
    return problems


def check_model(model, layers, input_shape=None, loss=None, from_logits=None, name="your model"):
    """Check a Keras model's layers (kind, units, activation, ...), input shape and loss; print and return."""
    differences = evaluate_model(model, layers, input_shape, loss, from_logits)
    n = len(layers) + (input_shape is not None) + (loss is not None or from_logits is not None)
    return show(CheckResult(name, n, [Problem("", what) for what in differences], subject=model))
