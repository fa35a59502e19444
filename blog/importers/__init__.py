"""Bringing posts in from elsewhere: one module per format over what base.py shares.

`run(importer)` saves each entry in its own transaction and remembers it in an
ImportRecord, so importing the same source again creates nothing twice.
"""

from blog.importers.base import ImportProblem, ProgressBar, Report, run, run_command

__all__ = ["ImportProblem", "ProgressBar", "Report", "run", "run_command"]
