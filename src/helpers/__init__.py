"""helpers: the code behind the book, one package per part above the shared machinery.

Parts (each fulfils :class:`helpers.pipeline.contract.PartContract` in its module
``part``): ``lipost`` (Part I), ``jps`` (Part II), ``specialization`` (Part III). Every
part names its modules by role: ``parameters`` (each step's parameter rules), ``sweep``
(job lists), ``report`` (chapter tables), ``claims`` (claims and practices), ``figures``,
``bench``, ``part``.

Shared machinery, below the parts, from the top: ``pipeline`` (papermill runner,
profiles, parameter checks, executor, results table, book and appendices, bench), then
``claims`` (one claim schema, verdict rules and practice grader) and ``notebook`` (glue),
``fingerprint`` (every key) with ``deps`` (which files a notebook can execute), and at
the bottom ``config`` (parameter rules) and ``paths``. ``make test`` checks this layering
with import-linter (``pyproject.toml``): no shared module imports a part, no part imports
another, and no cycle inside a part.

A part may live outside this repository: ``helpers`` extends its path over every
``helpers/`` folder on ``sys.path`` (:func:`pkgutil.extend_path`), so a package
``helpers/<name>/`` there is found by name like the parts here ({ref}`pipeline-new-part`).
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
__version__ = "0.1.0"
