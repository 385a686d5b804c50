"""Rendered files kept across runs and output folders, by what they depend on.

The manifest (:mod:`.writer`) lets a render skip files already up to date in
the folder it writes to. This store does the same across folders, as ccache
does for compilers: a rendered file is kept under the key of its inputs
(:func:`.fingerprint.job_keys`: the template with everything it includes, the
data it was given, the versions of tht-gen and jinja2) and of tht-gen's own
code (:func:`tht_gen.codeversion.code_fingerprint`), so rendering the same tree
into a new folder (a fresh CI checkout, another branch's output, ``-o``
somewhere else) reads files instead of rendering them. Only files that rendered without error and parsed as YAML are
kept, with the undefined-variable uses seen while rendering them, which are
reported again on a hit exactly as a render would report them. A file is
kept the second time the same content is rendered (an earlier run has
checked it), so that a one-off render does not pay for writing the store.

The store lives in the user's cache (``$THT_GEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/tht-gen``), is bounded (least recently used files go first,
see :data:`MAX_BYTES`), and deleting it is always safe; ``--no-cache`` neither
reads nor writes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from ..codeversion import code_fingerprint

MAX_BYTES = 256 * 1024 * 1024
# Pruning scans the whole store; once a day is enough for a bound this loose.
_PRUNE_EVERY_SECONDS = 24 * 3600
_FORMAT = b"tht-gen-output 2\n"


class OutputStore:
    """Rendered bytes and undefined uses by job key, in one cache folder."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.salt = code_fingerprint() if folder is not None else ""
        self.written = 0

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        name = hashlib.sha256(f"{self.salt}\0{key}".encode()).hexdigest()
        return self.folder / name[:2] / name[2:]

    def maybe_empty(self) -> bool:
        """True when nothing can be found (no store, or nothing in it yet): a cheap test."""
        if self.folder is None:
            return True
        try:
            with os.scandir(self.folder) as entries:
                return not any(e.is_dir() for e in entries)
        except OSError:
            return True

    def get(self, key: str | None) -> tuple[bytes, list[Any], str] | None:
        """(the file, its undefined-variable uses, its sha256) for ``key``, or None."""
        if self.folder is None or key is None:
            return None
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError:
            return None
        if not raw.startswith(_FORMAT):
            return None
        header_end = raw.find(b"\n", len(_FORMAT))
        if header_end < 0:
            return None
        try:
            header = json.loads(raw[len(_FORMAT):header_end])
            uses, digest = header["uses"], header["sha256"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(uses, list) or not isinstance(digest, str):
            return None
        try:  # recently used: pruning keeps it
            os.utime(path)
        except OSError:
            pass
        return raw[header_end + 1:], uses, digest

    def put(self, key: str | None, data: bytes, uses: list[Any], digest: str | None) -> None:
        """Keep ``data`` (whose sha256 is ``digest``, as the renderer computed it)."""
        if self.folder is None or key is None or digest is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                handle.write(_FORMAT + json.dumps({"uses": uses, "sha256": digest}).encode() + b"\n" + data)
            os.replace(tmp, path)
            self.written += 1
        except OSError:
            pass  # a cache that cannot be written is only slower

    def prune(self, max_bytes: int = MAX_BYTES, *, force: bool = False) -> int:
        """Remove the least recently used files beyond ``max_bytes``; returns how many."""
        if self.folder is None or (not self.written and not force):
            return 0
        stamp = self.folder / ".pruned"
        try:
            if not force and time.time() - stamp.stat().st_mtime < _PRUNE_EVERY_SECONDS:
                return 0
        except OSError:
            pass
        entries: list[tuple[float, int, str]] = []
        try:
            for sub in os.scandir(self.folder):
                if not sub.is_dir():
                    continue
                for entry in os.scandir(sub.path):
                    st = entry.stat()
                    entries.append((st.st_mtime, st.st_size, entry.path))
            stamp.touch()
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= max_bytes:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
            removed += 1
        return removed
