"""Whole-file writes that a reader never sees half done.

Every file tht-gen writes outside a render (generated environments, the
endpoint map, reports, imported services, passwords) goes to a temporary file
in the target's own folder, then replaces the target in one rename: a failed
or interrupted run leaves the previous file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def stage_text(path: Path, text: str, mode: int = 0o644, *, parents: bool = True) -> str:
    """Write ``text`` to a new temporary file beside ``path``; returns its name for
    :func:`os.replace`. The mode is set before anything is written, so a secret is never
    readable by others, even for a moment. ``parents``: make missing folders."""
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_text_atomically(path: Path, text: str, mode: int = 0o644, *, parents: bool = True) -> None:
    """Replace ``path`` with ``text`` in one rename (see :func:`stage_text`)."""
    tmp = stage_text(path, text, mode, parents=parents)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
