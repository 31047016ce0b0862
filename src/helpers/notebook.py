"""Small conveniences every chapter notebook uses: parameter collection and glue.

Explained in the book's appendix "How this book runs".
"""

from __future__ import annotations

from typing import Any

from helpers.config import Rule, validate


def collect(namespace: dict[str, Any], rules: dict[str, Rule]) -> dict[str, Any]:
    """Pick the parameters named in ``rules`` out of a notebook's globals and validate them."""
    return validate({name: namespace[name] for name in rules if name in namespace}, rules)


def glue(name: str, value: Any, fmt: str | None = None, display: bool = False) -> Any:
    """Glue a value for the book's prose (``{glue:}`name``` / ``{glue:text}`name:fmt```)."""
    from myst_nb import glue as _glue

    _glue(name, value if fmt is None else format(value, fmt), display=display)
    return value
