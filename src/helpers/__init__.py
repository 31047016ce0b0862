"""helpers: the code behind the LiPost reproduction book.

One subpackage per pipeline stage: ``data`` (chapter 1), ``models`` (offline base
models), ``evaluation`` (metrics used by every chapter), ``pipeline`` (the papermill
runner, the results table and the book build).
"""

__version__ = "0.1.0"
