"""Small conveniences every chapter notebook uses: parameter collection and glue.

Explained in the book: {ref}`pipeline-profiles`.
"""

from __future__ import annotations

from typing import Any

from helpers.config import Rule, validate


def collect(namespace: dict[str, Any], rules: dict[str, Rule]) -> dict[str, Any]:
    """Pick the parameters named in ``rules`` out of a notebook's globals and validate them."""
    return validate({name: namespace[name] for name in rules if name in namespace}, rules)


def glue(name: str, value: Any, fmt: str = "") -> None:
    """Glue ``value`` (formatted with ``fmt``) for the prose, where ``{glue:md}`name``` shows it.

    The value is stored as Markdown text, so it reads as plain words and numbers in a
    sentence (no quotes, no repr), and nothing is displayed where the cell runs.
    """
    from IPython.display import Markdown
    from myst_nb import glue as _glue

    _glue(name, Markdown(format(value, fmt)), display=False)


def glue_many(prefix: str, values: dict[str, Any], fmt: str = "") -> None:
    """Glue every ``key: value`` of ``values`` as ``<prefix>_<key>``."""
    for key, value in values.items():
        glue(f"{prefix}_{key}", value, fmt)
