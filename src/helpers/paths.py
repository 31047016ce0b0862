"""Where things live (cache, runs) and how they are written: atomically.

Every artifact of this book is written to a temporary sibling first and renamed into
place only when complete, so an interrupted or failed step never leaves a half-written
file or folder that a later run would mistake for a finished one.

Explained in the book: {ref}`pipeline-steps` and {ref}`pipeline-caches`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

CACHE_ENV = "LIPOST_CACHE"


def cache_dir() -> Path:
    """The model/embedding cache: ``$LIPOST_CACHE`` or ``~/.cache/lipost-book``."""
    root = os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "lipost-book"
    return Path(root).expanduser()


def repo_root() -> Path:
    """The repository that holds ``notebooks/`` and ``params/`` (found from cwd upwards)."""
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "params").is_dir() and (candidate / "notebooks").is_dir():
            return candidate
    return Path(__file__).resolve().parents[2]


def run_folder(run_dir: str | Path) -> Path:
    """A chapter's run folder: ``run_dir`` as given when absolute, else under the repository
    (:func:`repo_root`), so a notebook opened in JupyterLab from ``notebooks/<part>/`` and
    run top to bottom writes to ``runs/dev/<part>`` of the repository, as papermill's does,
    and never beside the notebook."""
    path = Path(run_dir).expanduser()
    return path if path.is_absolute() else repo_root() / path


@contextlib.contextmanager
def atomic_dir(final: Path, replace: bool = True) -> Iterator[Path]:
    """Yield a temporary folder beside ``final``; rename it to ``final`` on success.

    An existing ``final`` is replaced only after the new one is complete. On error the
    temporary folder is removed and ``final`` is left as it was. With ``replace=False``
    (a cache entry, the same whoever computes it) a ``final`` that another process
    completed first is kept and the new copy discarded: two workers filling the same
    entry at once leave one whole copy, never a mix, and never move a folder a reader holds.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{final.name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not replace:
        try:
            os.rename(tmp, final)  # refused when another process completed a non-empty final first
        except OSError:
            if not final.is_dir():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
        return
    old = None
    if final.exists():
        old = final.parent / f".old-{final.name}-{uuid.uuid4().hex[:8]}"
        os.rename(final, old)
    os.rename(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".tmp-{path.name}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    """Text version of :func:`atomic_write_bytes` (UTF-8)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
