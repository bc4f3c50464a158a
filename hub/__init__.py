"""A class on a JupyterHub: image definitions, Zero to JupyterHub values, and `make hub-test` (hubtest.py)."""
