"""The instructor's side of the labs: never copied into any route to students.

grader/   decides grades in its own process, from values a sandboxed kernel returns
          (see grader/__init__.py for the security model)
"""
