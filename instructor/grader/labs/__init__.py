"""One module per lab, lab<NN>.py, each with EXERCISES: the lab's graded exercises (see exercises.py).

Keys are the exercise keys of scripts/nbgrader_source.py (the answer's function name, or the first
name it assigns); the inputs are drawn from the grading's random generator, edge cases included.
"""
