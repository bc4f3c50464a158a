"""Grades that no submission can forge.

A submission runs in a kernel inside a sandbox (bubblewrap) that sees the student environment only:
the system, the virtual environment, the `utils` package and a scratch folder; nothing of the
course, the answer key or this package. The grader, in its own process, then calls each exercise's
function in that kernel on cases it draws afresh at every grading, reads back only the returned
values (as JSON, never pickle), and compares them with its references here. So nothing the student's
code does in its kernel (patching checks, builtins or sys.modules, printing a pass line, exiting)
can raise a grade: it can only change the values the grader reads, and those must be right.

    sandbox.py    the kernel in its sandbox, one cell or one probe at a time, with time limits
    wire.py       the program a probe runs in the kernel, and the strict decoding of its answer
    exercises.py  how an exercise is graded: Call, Verdict, Exercise and its common kinds
    labs/         one module per lab: its exercises, their fresh cases and references
    grade.py      grade one notebook (any edition: release, workbook, Colab)
    nbgrader_hook.py  the nbgrader preprocessor that replaces nbgrader's in-kernel execution
"""
