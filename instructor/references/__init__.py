"""Every answer, and every typical mistake, of each lab: lab<NN>.py. The instructor's side only.

The grader (instructor/grader/labs/) compares submissions with these; `python -m instructor.record`
runs them on the visible checks' cases and writes what the checks in utils/ may hold: values.
Each module defines `record() -> {check name: [entry per visible case]}`, an entry being a dict of
JSON values (numbers, lists of numbers, strings, booleans).
"""
